//! NuGet package versions as they appear in project files: exact versions, floating versions
//! (`8.*`) and ranges (`[8.7.0, )`), reduced to the version NuGet restores: the lower bound of a
//! range, and for a floating version the highest (its floating parts count as unbounded).

use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// The pre-release label (`preview.4`), empty for a release.
    pub pre: String,
    /// The text as written in the project file.
    pub text: String,
}

impl PackageVersion {
    pub const fn at_least(major: u64, minor: u64, patch: u64) -> (u64, u64, u64) {
        (major, minor, patch)
    }

    /// Parses `8.12.7`, `9.0.0-preview.4`, `8.*`, `[8.7.0,)`, `[8.7.0, 9.0.0)`.
    pub fn parse(text: &str) -> Option<PackageVersion> {
        let trimmed = text.trim();
        let lower = trimmed
            .trim_start_matches(['[', '('])
            .split(',')
            .next()?
            .trim();
        if lower.is_empty() || lower.starts_with("$(") {
            return None;
        }
        let (numbers, pre) = match lower.split_once('-') {
            Some((n, p)) => (n, p.trim_end_matches(['*', '.']).to_string()),
            None => (lower, String::new()),
        };
        let mut parts = numbers.split('.');
        let mut floating = false;
        let mut next = || -> Option<u64> {
            match parts.next() {
                _ if floating => Some(u64::MAX),
                Some("*") => {
                    floating = true;
                    Some(u64::MAX)
                }
                None => Some(0),
                Some(p) => p.parse().ok(),
            }
        };
        let major = next()?;
        let minor = next()?;
        let patch = next()?;
        Some(PackageVersion {
            major,
            minor,
            patch,
            pre,
            text: trimmed.to_string(),
        })
    }

    /// Whether NuGet picks the version at restore time (`8.*`, `*-*`).
    pub fn floats(&self) -> bool {
        self.text.contains('*')
    }

    pub fn triple(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }

    /// True when this version is at least `major.minor.patch`; a pre-release of exactly that
    /// version counts as below it.
    pub fn is_at_least(&self, wanted: (u64, u64, u64)) -> bool {
        match self.triple().cmp(&wanted) {
            Ordering::Greater => true,
            Ordering::Equal => self.pre.is_empty(),
            Ordering::Less => false,
        }
    }
}

impl fmt::Display for PackageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_projects_use() {
        let v = PackageVersion::parse("8.12.7").unwrap();
        assert_eq!(v.triple(), (8, 12, 7));
        assert!(v.is_at_least((8, 7, 0)));
        let pre = PackageVersion::parse("9.0.0-preview.4").unwrap();
        assert_eq!(pre.pre, "preview.4");
        assert!(!pre.is_at_least((9, 0, 0)));
        assert!(pre.is_at_least((8, 7, 0)));
        let floating = PackageVersion::parse("8.*").unwrap();
        assert_eq!(floating.triple(), (8, u64::MAX, u64::MAX));
        assert!(floating.is_at_least((8, 7, 0)));
        assert_eq!(PackageVersion::parse("*-*").unwrap().major, u64::MAX);
        assert_eq!(
            PackageVersion::parse("[8.7.0, 9.0.0)").unwrap().triple(),
            (8, 7, 0)
        );
        assert_eq!(
            PackageVersion::parse("[8.7.0,)").unwrap().triple(),
            (8, 7, 0)
        );
        assert!(PackageVersion::parse("$(AltinnVersion)").is_none());
        assert!(PackageVersion::parse("latest").is_none());
    }
}
