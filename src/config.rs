//! Settings: `maskinporten-migrate.toml` (per-rule level or `off`, `exclude` globs, the default
//! credentials target, the Key Vault names file or URL, the Studio scopes file and `fail-on`),
//! found by walking up from the first path (or given with `--config`), with paths relative to
//! the file; and `Settings`, the effective values once the command line (which wins) is laid
//! over it, each recording where it came from.

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
    max_file_size: Option<RawSize>,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
}

/// A size in the file: a number of bytes, or text such as "5M".
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSize {
    Bytes(u64),
    Text(String),
}

/// The default `max-file-size`: files of the tree above it are not read (5 MiB; the largest
/// hand-written C# files are far below it, and the work per file is linear in its size).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Reads a size: bytes, or a number with a `K`, `M` or `G` suffix (powers of 1024; `KB`, `KiB`
/// and the like are read the same).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (bytes, or a number with K, M or G)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "`{text}` is not a size (bytes, or a number with K, M or G)"
            ));
        }
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// A size for people: "5 MiB", "512 KiB", or bytes.
pub fn show_size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
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
    pub max_file_size: Option<u64>,
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

    /// Applies the rule levels: `off` drops a finding; another level becomes the rule's base
    /// level, and the rule's own adjustments (one level lower in local-only files, say) still
    /// apply on top of it.
    pub fn apply_levels(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                let base = match self.rules.get(&f.rule.code) {
                    Some(Level::Off) => return None,
                    Some(Level::Error) => Severity::Error,
                    Some(Level::Warning) => Severity::Warning,
                    Some(Level::Info) => Severity::Info,
                    None => return Some(f),
                };
                f.severity = f.rule.level(base, &f.circumstances);
                Some(f)
            })
            .collect()
    }
}

/// Where an effective setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    CommandLine,
    ConfigFile,
    Default,
}

impl Origin {
    pub fn label(self) -> &'static str {
        match self {
            Origin::CommandLine => "(command line)",
            Origin::ConfigFile => "(configuration file)",
            Origin::Default => "(default)",
        }
    }
}

/// One effective setting and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    /// The command line's value, else the file's, else the default.
    fn resolve(command_line: Option<T>, file: Option<T>, default: T) -> Setting<T> {
        match (command_line, file) {
            (Some(value), _) => Setting {
                value,
                origin: Origin::CommandLine,
            },
            (None, Some(value)) => Setting {
                value,
                origin: Origin::ConfigFile,
            },
            (None, None) => Setting {
                value: default,
                origin: Origin::Default,
            },
        }
    }
}

/// What the command line says about the options the configuration file can also set.
#[derive(Debug, Default, Clone)]
pub struct CommandLine {
    pub credentials: Option<Credentials>,
    pub fail_on: Option<Severity>,
    pub studio_scopes: Option<PathBuf>,
    pub key_vault_secrets: Option<PathBuf>,
    pub key_vault: Option<String>,
    pub max_file_size: Option<u64>,
}

/// The effective settings of a run: the command line over the configuration file over the
/// defaults.
#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    pub credentials: Setting<Credentials>,
    pub fail_on: Setting<Severity>,
    pub studio_scopes: Setting<Option<PathBuf>>,
    /// The Key Vault names file; a vault URL on the command line wins over a names file in the
    /// configuration.
    pub key_vault_secrets: Setting<Option<PathBuf>>,
    /// The vault to list live; a names file on the command line wins over a URL in the
    /// configuration.
    pub key_vault: Setting<Option<String>>,
    /// Files of the tree above this size (bytes) are not read.
    pub max_file_size: Setting<u64>,
}

impl Settings {
    pub fn resolve(command_line: CommandLine, config: Config) -> Settings {
        let key_vault_secrets = Setting::resolve(
            command_line.key_vault_secrets.map(Some),
            config
                .key_vault_secrets
                .clone()
                .filter(|_| command_line.key_vault.is_none())
                .map(Some),
            None,
        );
        let key_vault = Setting::resolve(
            command_line.key_vault.map(Some),
            config
                .key_vault
                .clone()
                .filter(|_| key_vault_secrets.value.is_none())
                .map(Some),
            None,
        );
        Settings {
            credentials: Setting::resolve(
                command_line.credentials,
                config.credentials,
                Credentials::default(),
            ),
            fail_on: Setting::resolve(command_line.fail_on, config.fail_on, Severity::Warning),
            studio_scopes: Setting::resolve(
                command_line.studio_scopes.map(Some),
                config.studio_scopes.clone().map(Some),
                None,
            ),
            key_vault_secrets,
            key_vault,
            max_file_size: Setting::resolve(
                command_line.max_file_size,
                config.max_file_size,
                DEFAULT_MAX_FILE_SIZE,
            ),
            config,
        }
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
    let max_file_size = match raw.max_file_size {
        None => None,
        Some(RawSize::Bytes(bytes)) => Some(bytes),
        Some(RawSize::Text(text)) => {
            Some(parse_size(&text).map_err(|e| format!("{shown}: max-file-size: {e}"))?)
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
        max_file_size,
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
        std::fs::write(&file, "max-file-size = \"2M\"\n").unwrap();
        assert_eq!(
            Config::load(None, dir.path()).unwrap().max_file_size,
            Some(2 << 20)
        );
        std::fs::write(&file, "max-file-size = 1000\n").unwrap();
        assert_eq!(
            Config::load(None, dir.path()).unwrap().max_file_size,
            Some(1000)
        );
        std::fs::write(&file, "max-file-size = \"lots\"\n").unwrap();
        let err = Config::load(None, dir.path()).unwrap_err();
        assert!(err.contains("max-file-size"), "{err}");
        std::fs::write(&file, "colour = true\n").unwrap();
        let err = Config::load(None, dir.path()).unwrap_err();
        assert!(err.contains("line 1") && err.contains("colour"), "{err}");
    }
}
