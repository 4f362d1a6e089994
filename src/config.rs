//! `maskinporten-migrate.toml`: per-rule severity or `off`, `exclude` globs, the default
//! credentials target, the Key Vault names file or URL, the Studio scopes file and `fail-on`.
//! Found by walking up from the first path (or given with `--config`); options on the command
//! line win over it; paths in it are relative to the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::core::Code;
use crate::core::Severity;
use crate::facts::external::Credentials;
use crate::rules::Finding;

pub const FILE_NAME: &str = "maskinporten-migrate.toml";

/// A rule's level in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<String>,
    credentials: Option<String>,
    key_vault_secrets: Option<PathBuf>,
    key_vault: Option<String>,
    studio_scopes: Option<PathBuf>,
    fail_on: Option<String>,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
}

/// The configuration file's settings, paths resolved.
#[derive(Debug, Default)]
pub struct Config {
    /// The file, when one was found.
    pub file: Option<PathBuf>,
    pub exclude: Vec<String>,
    exclude_set: Option<globset::GlobSet>,
    pub credentials: Option<Credentials>,
    pub key_vault_secrets: Option<PathBuf>,
    pub key_vault: Option<String>,
    pub studio_scopes: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    /// Rule code to level.
    pub rules: BTreeMap<Code, Level>,
}

impl Config {
    /// Finds and reads the configuration: `explicit`, or the nearest file above `start`.
    pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Config, String> {
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => find(start),
        };
        match path {
            Some(path) => read(&path),
            None => Ok(Config::default()),
        }
    }

    /// Whether a path (relative to the configuration's folder) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        let (Some(set), Some(file)) = (&self.exclude_set, &self.file) else {
            return false;
        };
        let base = file.parent().unwrap_or(Path::new("."));
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        let relative = absolute.strip_prefix(&base).unwrap_or(&absolute);
        set.is_match(relative)
    }

    /// Applies the rule levels: `off` drops a finding, other levels set its severity.
    pub fn apply_levels(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                match self.rules.get(&f.rule.code) {
                    Some(Level::Off) => None,
                    Some(Level::Error) => Some(Severity::Error),
                    Some(Level::Warning) => Some(Severity::Warning),
                    Some(Level::Info) => Some(Severity::Info),
                    None => Some(f.severity),
                }
                .map(|severity| {
                    f.severity = severity;
                    f
                })
            })
            .collect()
    }
}

fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

fn read(path: &Path) -> Result<Config, String> {
    let shown = crate::core::display_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{shown}: cannot read the configuration: {e}"))?;
    let raw: RawConfig = toml::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("{shown}: {}", e.to_string().trim_end()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let resolve = |p: Option<PathBuf>| p.map(|p| if p.is_absolute() { p } else { base.join(p) });
    let mut rules = BTreeMap::new();
    for (key, level) in raw.rules {
        let rule = crate::rules::find(&key).ok_or_else(|| {
            format!("{shown}: [rules] names `{key}`, which is no rule (`maskinporten-migrate rules` lists them)")
        })?;
        rules.insert(rule.code, level);
    }
    let credentials = match raw.credentials.as_deref() {
        None => None,
        Some("studio") => Some(Credentials::Studio),
        Some("keep") => Some(Credentials::Keep),
        Some(other) => {
            return Err(format!(
                "{shown}: credentials = \"{other}\": use \"studio\" or \"keep\""
            ));
        }
    };
    let fail_on = match raw.fail_on.as_deref() {
        None => None,
        Some("error") => Some(Severity::Error),
        Some("warning") => Some(Severity::Warning),
        Some("info") => Some(Severity::Info),
        Some(other) => {
            return Err(format!(
                "{shown}: fail-on = \"{other}\": use \"error\", \"warning\" or \"info\""
            ));
        }
    };
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in &raw.exclude {
        let glob = globset::Glob::new(pattern).map_err(|e| format!("{shown}: exclude: {e}"))?;
        builder.add(glob);
    }
    let exclude_set = builder
        .build()
        .map_err(|e| format!("{shown}: exclude: {e}"))?;
    Ok(Config {
        file: Some(path.to_path_buf()),
        exclude: raw.exclude,
        exclude_set: Some(exclude_set),
        credentials,
        key_vault_secrets: resolve(raw.key_vault_secrets),
        key_vault: raw.key_vault,
        studio_scopes: resolve(raw.studio_scopes),
        fail_on,
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_paths_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(
            &file,
            "exclude = [\"tools/**\"]\ncredentials = \"keep\"\nstudio-scopes = \"ops/scopes.txt\"\nfail-on = \"error\"\n\n[rules]\nMP602 = \"off\"\nlegacy-using = \"info\"\n",
        )
        .unwrap();
        let config = Config::load(None, dir.path()).unwrap();
        assert_eq!(config.credentials, Some(Credentials::Keep));
        assert_eq!(config.fail_on, Some(Severity::Error));
        assert_eq!(config.rules[&Code::MP602], Level::Off);
        assert_eq!(config.rules[&Code::MP108], Level::Info);
        assert!(config.studio_scopes.unwrap().ends_with("ops/scopes.txt"));
        std::fs::write(&file, "[rules]\nMP602 = \"loud\"\n").unwrap();
        let err = Config::load(None, dir.path()).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        std::fs::write(&file, "colour = true\n").unwrap();
        let err = Config::load(None, dir.path()).unwrap_err();
        assert!(err.contains("line 1") && err.contains("colour"), "{err}");
    }
}
