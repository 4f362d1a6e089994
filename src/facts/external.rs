//! Facts from outside the repository, given on the command line: the secret names of the app's
//! Key Vault and the scopes selected for the app in Altinn Studio.

use std::path::Path;
use std::sync::Arc;

use crate::core::{InputProblem, SourceFile, Span, display_path};

/// Secret names, as listed from a vault or a names file (never values).
#[derive(Debug, Clone)]
pub struct KeyVaultNames {
    /// Where the names came from: the vault URL or the file, for messages.
    pub source: String,
    pub names: Vec<String>,
    /// The names file, when the names came from one (to point at a name in it).
    pub file: Option<Arc<SourceFile>>,
}

impl KeyVaultNames {
    /// Where `name` is written in the names file, if the names came from a file.
    pub fn site_of(&self, name: &str) -> Option<crate::core::Site> {
        let file = self.file.as_ref()?;
        let at = file.text.find(name)?;
        Some(crate::core::Site {
            file: file.clone(),
            span: file.span_of_text(at, at + name.len()),
        })
    }

    /// The configuration key a secret name becomes (`A--B` is `A:B`), as .NET's Key Vault
    /// configuration provider maps it.
    pub fn config_key(name: &str) -> String {
        name.replace("--", ":")
    }

    /// Whether configuration key `key` lies below section `section` (case-insensitive).
    pub fn is_below(key: &str, section: &str) -> bool {
        key.len() > section.len()
            && key.is_char_boundary(section.len())
            && key[..section.len()].eq_ignore_ascii_case(section)
            && key.as_bytes()[section.len()] == b':'
    }

    /// Secrets whose key is `path` or lies below it (case-insensitive, like configuration).
    pub fn under<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.names.iter().filter(move |name| {
            let key = Self::config_key(name);
            key.len() >= path.len()
                && key.is_char_boundary(path.len())
                && key[..path.len()].eq_ignore_ascii_case(path)
                && (key.len() == path.len() || key.as_bytes()[path.len()] == b':')
        })
    }
}

/// The scopes selected for the app in Altinn Studio, each with its place in the file.
#[derive(Debug, Clone)]
pub struct StudioScopes {
    pub file: Arc<SourceFile>,
    pub scopes: Vec<(String, Span)>,
}

impl StudioScopes {
    pub fn contains(&self, scope: &str) -> bool {
        self.scopes.iter().any(|(s, _)| s == scope)
    }
}

/// Reads `--studio-scopes`: one scope per line (`#` comments), or a JSON array of strings or of
/// objects with a `scope` field (as Altinn Studio's app-scopes API returns them).
pub fn read_studio_scopes(path: &Path) -> Result<StudioScopes, String> {
    let file = SourceFile::read(path).map_err(|e| format!("{}: {e}", display_path(path)))?;
    let trimmed = file.text.trim_start();
    let scopes = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        json_scopes(&file)?
    } else {
        line_scopes(&file)
    };
    Ok(StudioScopes {
        file: Arc::new(file),
        scopes,
    })
}

fn line_scopes(file: &SourceFile) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let content = line.trim();
        if !content.is_empty() && !content.starts_with('#') {
            let start = offset + line.find(content).unwrap_or(0);
            out.push((
                content.to_string(),
                file.span_of_text(start, start + content.len()),
            ));
        }
        offset += line.len();
    }
    out
}

fn json_scopes(file: &SourceFile) -> Result<Vec<(String, Span)>, String> {
    let value: serde_json::Value = serde_json::from_str(&file.text)
        .map_err(|e| format!("{}: not a JSON array of scopes: {e}", file.display))?;
    let items = value
        .as_array()
        .or_else(|| value.get("scopes").and_then(|s| s.as_array()))
        .ok_or_else(|| format!("{}: expected a JSON array of scopes", file.display))?;
    let mut out = Vec::new();
    for item in items {
        let scope = item
            .as_str()
            .or_else(|| item.get("scope").and_then(|s| s.as_str()))
            .ok_or_else(|| {
                format!(
                    "{}: each entry must be a string or have a \"scope\" field",
                    file.display
                )
            })?;
        // Point at the scope's text in the file (its first occurrence after the last one).
        let from = out.last().map_or(0, |(_, span): &(String, Span)| {
            span.end - file.text_offset()
        });
        let at = file.text[from..]
            .find(&format!("\"{scope}\""))
            .map(|i| from + i + 1);
        let span = at.map_or(Span::new(0, 0), |a| file.span_of_text(a, a + scope.len()));
        out.push((scope.to_string(), span));
    }
    Ok(out)
}

/// Where the migrated app's Maskinporten credentials come from (`--credentials`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Credentials {
    /// Altinn Studio provisions them at `MaskinportenSettings` (the app keeps none).
    #[default]
    Studio,
    /// The app keeps its own client: the built-in client is pointed at the legacy section
    /// (Altinn.App 8 only).
    Keep,
}

/// Everything given from outside the repository, and the migration target.
#[derive(Debug, Clone, Default)]
pub struct External {
    pub key_vault: Option<KeyVaultNames>,
    /// Scopes selected for the app in Altinn Studio (`--studio-scopes`).
    pub studio_scopes: Option<StudioScopes>,
    pub credentials: Credentials,
}

/// Where the facts from outside the repository come from (the effective settings).
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub studio_scopes: Option<&'a Path>,
    pub key_vault_secrets: Option<&'a Path>,
    pub key_vault: Option<&'a str>,
    pub azure_credential: crate::facts::keyvault::CredentialChoice,
    pub credentials: Credentials,
}

impl External {
    /// Reads the option files and lists the vault. An option file that cannot be read or used
    /// is an error problem (exit status 2) and a vault that cannot be listed a warning; either
    /// way the run goes on without it.
    pub fn load(sources: Sources) -> (External, Vec<InputProblem>) {
        let mut problems = Vec::new();
        let studio_scopes = sources.studio_scopes.and_then(|path| {
            read_studio_scopes(path)
                .map_err(|e| problems.push(option_problem(path, "--studio-scopes", &e)))
                .ok()
        });
        let key_vault = match (sources.key_vault, sources.key_vault_secrets) {
            (Some(url), _) => {
                match crate::facts::keyvault::list_vault(url, sources.azure_credential) {
                    Ok(names) => Some(KeyVaultNames {
                        source: url.to_string(),
                        names: names.into_iter().map(|n| n.name).collect(),
                        file: None,
                    }),
                    Err(err) => {
                        problems.push(InputProblem::new(
                            crate::facts::keyvault::shown_url(url),
                            format!("{err}; checking without Key Vault names"),
                        ));
                        None
                    }
                }
            }
            (None, Some(path)) => read_key_vault_names(path)
                .map_err(|e| problems.push(option_problem(path, "--key-vault-secrets", &e)))
                .ok(),
            (None, None) => None,
        };
        (
            External {
                key_vault,
                studio_scopes,
                credentials: sources.credentials,
            },
            problems,
        )
    }
}

/// An option file that cannot be used: an error naming the file and the option.
fn option_problem(path: &Path, option: &str, message: &str) -> InputProblem {
    let shown = display_path(path);
    let message = message
        .strip_prefix(&format!("{shown}: "))
        .unwrap_or(message);
    InputProblem::error(
        shown,
        format!("{message}; the run goes on without {option}"),
    )
}

/// A names file (`--key-vault-secrets`), with the file kept to point at a name in it.
fn read_key_vault_names(path: &Path) -> Result<KeyVaultNames, String> {
    let names = crate::facts::keyvault::read_names_file(path).map_err(|e| e.to_string())?;
    Ok(KeyVaultNames {
        source: display_path(path),
        names: names.into_iter().map(|n| n.name).collect(),
        file: SourceFile::read(path).ok().map(Arc::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_names_and_finds_those_below_a_path() {
        let kv = KeyVaultNames {
            source: "names.txt".into(),
            file: None,
            names: vec![
                "MaskinportenSettings--ClientId".into(),
                "maskinportensettings--JwkBase64".into(),
                "MaskinportenSettingsLegacy--ClientId".into(),
                "Other".into(),
            ],
        };
        let found: Vec<_> = kv.under("MaskinportenSettings").collect();
        assert_eq!(
            found,
            [
                "MaskinportenSettings--ClientId",
                "maskinportensettings--JwkBase64"
            ]
        );
        assert_eq!(KeyVaultNames::config_key("a--b--c"), "a:b:c");
    }

    #[test]
    fn reads_studio_scopes_as_lines_or_json() {
        let dir = tempfile::tempdir().unwrap();
        let lines = dir.path().join("scopes.txt");
        std::fs::write(&lines, "# selected in Studio\r\naltinn:serviceowner\r\n\r\n  krr:global/kontaktinformasjon.read\n").unwrap();
        let read = read_studio_scopes(&lines).unwrap();
        let names: Vec<_> = read.scopes.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            names,
            ["altinn:serviceowner", "krr:global/kontaktinformasjon.read"]
        );
        assert_eq!(
            read.file.slice(read.scopes[1].1),
            "krr:global/kontaktinformasjon.read"
        );
        let json = dir.path().join("scopes.json");
        std::fs::write(
            &json,
            r#"[{"scope":"a:b","description":"x"},{"scope":"c:d"}]"#,
        )
        .unwrap();
        let read = read_studio_scopes(&json).unwrap();
        assert!(read.contains("c:d") && read.contains("a:b"));
        std::fs::write(&json, r#"[1]"#).unwrap();
        assert!(read_studio_scopes(&json).unwrap_err().contains("scope"));
    }
}
