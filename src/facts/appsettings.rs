//! appsettings*.json: parsed with a comment- and trailing-comma-tolerant parser that keeps byte
//! spans, flattened to configuration keys (`A:B:C`) the way .NET configuration binds them.

use std::path::Path;
use std::sync::Arc;

use jsonc_parser::ast::{ObjectPropName, Value as JsonValue};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::core::{SourceFile, Span};

/// A scalar configuration value.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValue {
    Str(String),
    Bool(bool),
    Number(String),
    Null,
    /// An object or array: only its keys below it matter.
    Nested,
}

impl ConfigValue {
    /// The value as .NET configuration sees it (everything is a string there).
    pub fn as_config_string(&self) -> Option<String> {
        match self {
            ConfigValue::Str(s) => Some(s.clone()),
            ConfigValue::Bool(b) => Some(b.to_string()),
            ConfigValue::Number(n) => Some(n.clone()),
            ConfigValue::Null | ConfigValue::Nested => None,
        }
    }
}

/// One key of an appsettings file, e.g. `MaskinportenSettings:Scope`.
#[derive(Debug, Clone)]
pub struct ConfigEntry {
    /// The key path as written, joined with `:`.
    pub path: String,
    pub value: ConfigValue,
    /// The span of the property name (with its quotes).
    pub key_span: Span,
    /// The span of the value.
    pub value_span: Span,
    /// The span of the object (or array) the entry is written in: its JSON parent, whatever its
    /// path says (a key may hold a `:` itself).
    pub container: Span,
}

#[derive(Debug)]
pub struct AppSettingsFile {
    pub file: Arc<SourceFile>,
    /// `Production` for `appsettings.Production.json`; None for `appsettings.json`.
    pub environment: Option<String>,
    pub entries: Vec<ConfigEntry>,
}

impl AppSettingsFile {
    /// Whether a deployed app loads this file (Development and Local files are local only).
    pub fn is_deployed(&self) -> bool {
        !self.environment.as_deref().is_some_and(|e| {
            e.eq_ignore_ascii_case("Development") || e.eq_ignore_ascii_case("Local")
        })
    }

    /// The entry at `path`, compared case-insensitively as .NET configuration does.
    pub fn get(&self, path: &str) -> Option<&ConfigEntry> {
        self.entries
            .iter()
            .find(|e| e.path.eq_ignore_ascii_case(path))
    }

    /// The direct children of a section.
    pub fn children<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a ConfigEntry> + 'a {
        self.entries.iter().filter(move |e| {
            e.path.len() > section.len() + 1
                && e.path.is_char_boundary(section.len())
                && e.path[..section.len()].eq_ignore_ascii_case(section)
                && e.path.as_bytes()[section.len()] == b':'
                && !e.path[section.len() + 1..].contains(':')
        })
    }
}

/// Parses an appsettings file; the error names the line and column.
pub fn parse(file: Arc<SourceFile>) -> Result<AppSettingsFile, String> {
    let parsed = jsonc_parser::parse_to_ast(
        &file.text,
        &CollectOptions::default(),
        &ParseOptions::default(),
    )
    .map_err(|e| {
        format!(
            "invalid JSON at line {}, column {}: {}",
            e.line_display(),
            e.column_display(),
            e.kind()
        )
    })?;
    let mut entries = Vec::new();
    if let Some(value) = &parsed.value {
        flatten(&file, "", value, &mut entries);
    }
    Ok(AppSettingsFile {
        environment: environment_of(&file.path),
        file,
        entries,
    })
}

fn environment_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let middle = &name["appsettings".len()..name.len() - ".json".len()];
    middle.strip_prefix('.').map(str::to_string)
}

fn flatten(file: &SourceFile, prefix: &str, value: &JsonValue, out: &mut Vec<ConfigEntry>) {
    let children: Vec<(String, Span, &JsonValue)> = match value {
        JsonValue::Object(object) => object
            .properties
            .iter()
            .map(|p| {
                let name = match &p.name {
                    ObjectPropName::String(s) => s.value.to_string(),
                    ObjectPropName::Word(w) => w.value.to_string(),
                };
                let r = p.name.range();
                (name, file.span_of_text(r.start, r.end), &p.value)
            })
            .collect(),
        JsonValue::Array(array) => array
            .elements
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let r = v.range();
                (i.to_string(), file.span_of_text(r.start, r.end), v)
            })
            .collect(),
        _ => return,
    };
    let r = value.range();
    let container = file.span_of_text(r.start, r.end);
    for (name, key_span, child) in children {
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}:{name}")
        };
        let r = child.range();
        out.push(ConfigEntry {
            path: path.clone(),
            value: scalar(child),
            key_span,
            value_span: file.span_of_text(r.start, r.end),
            container,
        });
        flatten(file, &path, child, out);
    }
}

fn scalar(value: &JsonValue) -> ConfigValue {
    match value {
        JsonValue::StringLit(s) => ConfigValue::Str(s.value.to_string()),
        JsonValue::BooleanLit(b) => ConfigValue::Bool(b.value),
        JsonValue::NumberLit(n) => ConfigValue::Number(n.value.to_string()),
        JsonValue::NullKeyword(_) => ConfigValue::Null,
        JsonValue::Object(_) | JsonValue::Array(_) => ConfigValue::Nested,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_with_comments_trailing_commas_and_bom() {
        let text = "\u{feff}{\n  // creds\n  \"MaskinportenSettings\": { \"Scope\": \"a:b c:d\", \"ExhangeToAltinnToken\": \"true\", },\n  \"List\": [1, {\"X\": true}],\n}\n";
        let file = SourceFile::from_bytes(
            Path::new("App/appsettings.Production.json"),
            text.as_bytes().to_vec(),
        )
        .unwrap();
        let settings = parse(Arc::new(file)).unwrap();
        assert_eq!(settings.environment.as_deref(), Some("Production"));
        assert!(settings.is_deployed());
        let scope = settings.get("maskinportensettings:scope").unwrap();
        assert_eq!(scope.value, ConfigValue::Str("a:b c:d".into()));
        assert_eq!(settings.file.slice(scope.key_span), "\"Scope\"");
        assert_eq!(settings.file.slice(scope.value_span), "\"a:b c:d\"");
        assert_eq!(
            settings.get("List:1:X").unwrap().value,
            ConfigValue::Bool(true)
        );
        let keys: Vec<_> = settings
            .children("MASKINPORTENSETTINGS")
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "MaskinportenSettings:Scope",
                "MaskinportenSettings:ExhangeToAltinnToken"
            ]
        );
    }

    #[test]
    fn invalid_json_names_the_line() {
        let file =
            SourceFile::from_text(Path::new("appsettings.json"), "{\n \"a\": }".into(), false);
        let err = parse(Arc::new(file)).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
