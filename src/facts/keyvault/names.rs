//! Reads secret names from a file, so the tool can run where it cannot reach the vault (CI
//! without an Azure identity, a reviewer's laptop) with the output of
//! `az keyvault secret list --vault-name NAME > names.json`.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use super::{KeyVaultError, SecretName};
use crate::core::Fallback;
use crate::core::source::decode;

/// Longest Key Vault object name.
const MAX_NAME_LEN: usize = 127;

/// Reads the secret names in `path`, in file order, without duplicates.
///
/// Two formats are accepted, told apart by the first character after an optional byte order mark
/// (UTF-8, or UTF-16 as Windows PowerShell writes with `>`):
/// - JSON (`[` or `{`): what `az keyvault secret list` prints, an array of objects each with a
///   `name` and/or an `id` (`https://VAULT.vault.azure.net/secrets/NAME[/VERSION]`, the name is
///   taken from it); plain strings (`--query "[].name"`) and the REST shape `{"value": [...]}`
///   work too. Entries whose `attributes.enabled` is `false` are left out, because the .NET
///   configuration provider does not load disabled secrets.
/// - Text: one name (or secret id) per line; blank lines are skipped and `#` starts a comment.
///   CRLF line ends are fine.
///
/// Every name must be a valid Key Vault name (1 to 127 ASCII letters, digits and `-`); the first
/// one that is not is an error naming the file and the line (or JSON entry). Names are compared
/// ignoring case, as Key Vault does, so a repeated name keeps its first spelling and position.
pub fn read_names_file(path: &Path) -> Result<Vec<SecretName>, KeyVaultError> {
    let bytes = std::fs::read(path)
        .map_err(|err| KeyVaultError::names_file(path, &format!("cannot be read: {err}")))?;
    // UTF-8 (BOM optional) or UTF-16 with a BOM: PowerShell's `>` writes UTF-16.
    let text = decode(bytes, Fallback::None).map(|d| d.text).map_err(|_| {
        KeyVaultError::names_file(path, "is not UTF-8 or UTF-16 text (with a byte order mark)")
    })?;
    let names = if looks_like_json(&text) {
        names_from_json(&text).map_err(|problem| KeyVaultError::names_file(path, &problem))?
    } else {
        names_from_lines(&text).map_err(|problem| KeyVaultError::names_file(path, &problem))?
    };
    Ok(dedup(names))
}

/// A name never starts with `[` or `{`, so those mean JSON.
fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['[', '{'])
}

fn names_from_json(text: &str) -> Result<Vec<SecretName>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|err| format!("is not valid JSON ({err})"))?;
    let entries = match &value {
        Value::Array(entries) => entries,
        Value::Object(object) => match object.get("value") {
            Some(Value::Array(entries)) => entries,
            _ => return Err(not_a_list()),
        },
        _ => return Err(not_a_list()),
    };
    let mut names = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let place = format!("entry {}", index + 1);
        if let Some(name) = name_of_entry(entry).map_err(|problem| format!("{place} {problem}"))? {
            names.push(checked(name).map_err(|problem| format!("{place}: {problem}"))?);
        }
    }
    Ok(names)
}

fn not_a_list() -> String {
    "is JSON but not a list of secrets (expected the output of `az keyvault secret list`)"
        .to_string()
}

/// The name an `az` entry stands for, `None` for a disabled secret.
fn name_of_entry(entry: &Value) -> Result<Option<&str>, String> {
    match entry {
        // `--query "[].name"` gives names, `--query "[].id"` secret ids.
        Value::String(text) if text.contains("://") => secret_id_name(text).map(Some),
        Value::String(name) => Ok(Some(name)),
        Value::Object(object) => {
            let disabled = entry.pointer("/attributes/enabled") == Some(&Value::Bool(false));
            if disabled {
                return Ok(None);
            }
            if let Some(Value::String(name)) = object.get("name") {
                return Ok(Some(name));
            }
            match object.get("id") {
                Some(Value::String(id)) => secret_id_name(id).map(Some),
                _ => Err("has neither a \"name\" nor an \"id\"".to_string()),
            }
        }
        _ => Err("is neither an object nor a string".to_string()),
    }
}

fn secret_id_name(id: &str) -> Result<&str, String> {
    name_from_id(id)
        .ok_or_else(|| "has an id that is not a secret id (https://VAULT/secrets/NAME)".to_string())
}

fn names_from_lines(text: &str) -> Result<Vec<SecretName>, String> {
    let mut names = Vec::new();
    for (index, line) in text.lines().enumerate() {
        // `lines` strips `\n` and `\r\n`; `trim` drops a stray `\r` and indentation.
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let name = if content.contains("://") {
            name_from_id(content).ok_or_else(|| {
                format!(
                    "line {}: a URL that is not a secret id (https://VAULT/secrets/NAME)",
                    index + 1
                )
            })?
        } else {
            content
        };
        names.push(checked(name).map_err(|problem| format!("line {}: {problem}", index + 1))?);
    }
    Ok(names)
}

/// The NAME in `https://VAULT/secrets/NAME[/VERSION][?query]`.
pub(crate) fn name_from_id(id: &str) -> Option<&str> {
    let (_, rest) = id.split_once("://")?;
    let rest = rest.split(['?', '#']).next()?;
    let mut segments = rest.split('/').skip(1).filter(|s| !s.is_empty());
    match (segments.next(), segments.next()) {
        (Some(collection), Some(name)) if collection.eq_ignore_ascii_case("secrets") => Some(name),
        _ => None,
    }
}

/// Validates a Key Vault name. The problem text never repeats the input (a mistaken file could
/// hold a secret value), only its length or the first character that is not allowed.
pub(crate) fn checked(name: &str) -> Result<SecretName, String> {
    const RULE: &str = "Key Vault names are 1 to 127 ASCII letters, digits and '-'";
    let length = name.chars().count();
    if length > MAX_NAME_LEN {
        return Err(format!("{length} characters is not a secret name ({RULE})"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!(
            "the character {bad:?} is not allowed in a secret name ({RULE})"
        ));
    }
    if name.is_empty() {
        return Err(format!("an empty secret name ({RULE})"));
    }
    Ok(SecretName {
        name: name.to_string(),
    })
}

/// Drops later repeats of a name, ignoring ASCII case.
pub(crate) fn dedup(names: Vec<SecretName>) -> Vec<SecretName> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .filter(|secret| seen.insert(secret.name.to_ascii_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_from_id_takes_the_name_segment() {
        let id = "https://v.vault.azure.net/secrets/A--B/0123abcd?api-version=7.4";
        assert_eq!(name_from_id(id), Some("A--B"));
        assert_eq!(
            name_from_id("https://v.vault.azure.net/secrets/A"),
            Some("A")
        );
        assert_eq!(name_from_id("https://v.vault.azure.net/keys/A"), None);
        assert_eq!(name_from_id("https://v.vault.azure.net/secrets/"), None);
        assert_eq!(name_from_id("secrets/A"), None);
    }

    #[test]
    fn checked_names_the_rule_without_repeating_the_input() {
        let problem = checked("hunter2 is my password").unwrap_err();
        assert!(problem.contains("' '"), "{problem}");
        assert!(!problem.contains("hunter2"), "{problem}");
        assert!(checked(&"a".repeat(127)).is_ok());
        assert!(checked(&"a".repeat(128)).is_err());
        assert!(checked("").is_err());
    }
}
