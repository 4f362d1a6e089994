//! A finding's fingerprint: stable across edits elsewhere in the file (it hashes the rule, the
//! path relative to the repository root and the construct's own text with whitespace folded,
//! never a line number), so the current directory does not change it, and SARIF
//! consumers and baselines recognise the same finding after unrelated lines move. The hash is
//! 64-bit FNV-1a (the `fnv` crate), which is the same on every platform and release, unlike
//! the standard library's hasher; baselines written by earlier versions stay valid.

use std::hash::Hasher;

use super::Finding;
use crate::core::paths::RepoRoot;

pub fn of(finding: &Finding, root: &RepoRoot) -> String {
    let text: Vec<&str> = finding.site.text().split_whitespace().collect();
    let key = format!(
        "{}|{}|{}",
        finding.rule.code,
        root.relative(&finding.site.file.path),
        text.join(" ")
    );
    format!("{:016x}", fnv1a(key.as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(super::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
