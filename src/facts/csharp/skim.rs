//! What a C# file the prefilter skipped can still contribute: its string constants and lists of
//! scopes (client names, section paths and scopes often live in a constants class) and the names
//! of the types it declares (so a type the project declares is never taken for one from a
//! package the scan cannot see). Only a file that may declare a static string collection is
//! parsed; the rest is found by scanning the text.

use std::path::Path;

use super::{Constant, declared_values};
use crate::core::SourceFile;
use crate::facts::model::ScopeList;

/// The little a skipped file tells.
#[derive(Debug, Default)]
pub struct Skimmed {
    pub constants: Vec<Constant>,
    /// `static readonly` collections of scopes.
    pub scope_lists: Vec<ScopeList>,
    /// Names that follow `class`, `record`, `struct` or `interface`; a word in a comment may
    /// slip in, which only makes the project declare one name more.
    pub type_names: Vec<String>,
}

impl Skimmed {
    pub fn extend(&mut self, other: Skimmed) {
        self.constants.extend(other.constants);
        self.scope_lists.extend(other.scope_lists);
        self.type_names.extend(other.type_names);
    }
}

/// Skims a file the prefilter skipped.
pub fn skim(path: &Path, text: &str) -> Skimmed {
    let may_hold_lists =
        text.contains("static ") && (text.contains("string[]") || text.contains("<string>"));
    let (constants, scope_lists) = if may_hold_lists {
        declared_values(&SourceFile::from_text(path, text.to_string(), false))
    } else if text.contains("const string ") {
        (scan_constants(text), Vec::new())
    } else {
        (Vec::new(), Vec::new())
    };
    Skimmed {
        constants,
        scope_lists,
        type_names: type_names(text),
    }
}

const TYPE_KEYWORDS: [&str; 4] = ["class", "record", "struct", "interface"];

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn type_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for keyword in TYPE_KEYWORDS {
        for (at, _) in text.match_indices(keyword) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(is_identifier_char) {
                continue;
            }
            let rest = &text[at + keyword.len()..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() {
                continue; // `classes`, `class<`: not the keyword followed by a name
            }
            let len = trimmed
                .find(|c: char| !is_identifier_char(c))
                .unwrap_or(trimmed.len());
            let name = &trimmed[..len];
            let is_name = name.chars().next().is_some_and(char::is_alphabetic)
                && !TYPE_KEYWORDS.contains(&name);
            if is_name && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// `const string Name = "value";`, found without parsing.
fn scan_constants(text: &str) -> Vec<Constant> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("const string ") {
        let rest = &text[at + "const string ".len()..];
        let name_len = rest
            .find(|c: char| !is_identifier_char(c))
            .unwrap_or(rest.len());
        let (name, rest) = rest.split_at(name_len);
        let Some(rest) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find(['"', '\\', '\n']) else {
            continue;
        };
        if !name.is_empty() && rest[end..].starts_with('"') {
            out.push(Constant {
                name: name.to_string(),
                class: None,
                value: rest[..end].to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::skim;
    use crate::facts::model::ScopeTerm;

    #[test]
    fn scans_plain_string_constants() {
        let text = "public static class C {\n  public const string Kartverket = \"kartverket\";\n  const string Escaped = \"a\\\\b\";\n  const int N = 1;\n}";
        let found = skim(Path::new("C.cs"), text);
        let pairs: Vec<_> = found
            .constants
            .iter()
            .map(|c| (c.name.as_str(), c.value.as_str()))
            .collect();
        assert_eq!(pairs, [("Kartverket", "kartverket")]);
    }

    #[test]
    fn finds_the_names_of_declared_types() {
        let text = "namespace A;\npublic sealed record class Options(string Url);\ninternal interface IKlient<T> where T : class { }\npublic partial class Klient : IKlient<int> { }\nstruct Point { }\n// subclasses and classification are words, not declarations\n";
        let mut names = skim(Path::new("Types.cs"), text).type_names;
        names.sort();
        assert_eq!(names, ["IKlient", "Klient", "Options", "Point"]);
    }

    #[test]
    fn parses_static_scope_lists_and_qualifies_their_constants() {
        let text = r#"namespace App.Fiks;

public static class ArkivScopes
{
    public const string Arkiv = "ks:fiks.arkiv";
    public static readonly string[] All = [Arkiv, "ks:fiks.io"];
    public static IReadOnlyList<string> Read { get; } = new List<string> { "ks:fiks.arkiv.read" };
    public static string[] Settable { get; set; } = ["not:fixed"];
    private readonly string[] _instance = ["not:static"];
}
"#;
        let found = skim(Path::new("ArkivScopes.cs"), text);
        let constants: Vec<_> = found
            .constants
            .iter()
            .map(|c| (c.class.as_deref(), c.name.as_str(), c.value.as_str()))
            .collect();
        assert_eq!(constants, [(Some("ArkivScopes"), "Arkiv", "ks:fiks.arkiv")]);
        let lists: Vec<_> = found
            .scope_lists
            .iter()
            .map(|l| (l.name.as_str(), l.terms.clone()))
            .collect();
        assert_eq!(
            lists,
            [
                (
                    "All",
                    vec![
                        ScopeTerm::Name(vec!["Arkiv".to_string()]),
                        ScopeTerm::Literal("ks:fiks.io".to_string())
                    ]
                ),
                (
                    "Read",
                    vec![ScopeTerm::Literal("ks:fiks.arkiv.read".to_string())]
                ),
            ]
        );
    }
}
