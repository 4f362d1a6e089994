//! What a C# file the prefilter skipped can still contribute, found by scanning its text: its
//! string constants (client names, section paths and scopes often live in a constants class),
//! the names of the types it declares (so a type the project declares is never taken for one
//! from a package the scan cannot see), and the static string collections it may declare. A
//! file of the last kind is parsed only when a scope argument names one of them, so a large
//! repository pays for the few constants classes the app's scopes come from.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::{Constant, declared_values};
use crate::core::SourceFile;
use crate::facts::model::ScopeList;

/// The little a skipped file tells.
#[derive(Debug, Default)]
pub struct Skimmed {
    pub constants: Vec<Constant>,
    /// Names that follow `class`, `record`, `struct` or `interface`; a word in a comment may
    /// slip in, which only makes the project declare one name more.
    pub type_names: Vec<String>,
    /// Files that may declare `static` collections of scopes.
    pub list_sources: Vec<ListSource>,
}

impl Skimmed {
    pub fn extend(&mut self, other: Skimmed) {
        self.constants.extend(other.constants);
        self.type_names.extend(other.type_names);
        self.list_sources.extend(other.list_sources);
    }
}

/// A skipped file that may declare static collections of scopes, parsed on first use.
#[derive(Debug)]
pub struct ListSource {
    /// The names its static string collections seem to have.
    pub names: Vec<String>,
    path: PathBuf,
    text: String,
    parsed: OnceLock<Vec<ScopeList>>,
}

impl ListSource {
    /// The scope lists the file declares.
    pub fn lists(&self) -> &[ScopeList] {
        self.parsed.get_or_init(|| {
            declared_values(&SourceFile::from_text(&self.path, self.text.clone(), false)).1
        })
    }
}

/// Skims a file the prefilter skipped.
pub fn skim(path: &Path, text: &str) -> Skimmed {
    let names = list_names(text);
    Skimmed {
        constants: if text.contains("const string ") {
            scan_constants(text)
        } else {
            Vec::new()
        },
        type_names: type_names(text),
        list_sources: if names.is_empty() {
            Vec::new()
        } else {
            vec![ListSource {
                names,
                path: path.to_path_buf(),
                text: text.to_string(),
                parsed: OnceLock::new(),
            }]
        },
    }
}

/// The names declared on lines that look like a static string collection:
/// `public static readonly string[] All = [...]`, `static IReadOnlyList<string> Read { get; } = ...`.
fn list_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    if !text.contains("static ") {
        return names;
    }
    for line in text.lines() {
        let collection = line.contains("string[]") || line.contains("<string>");
        if !(collection && line.contains("static ")) {
            continue;
        }
        let head = line.split(['=', '{']).next().unwrap_or(line).trim_end();
        let name: String = head
            .chars()
            .rev()
            .take_while(|c| is_identifier_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

const TYPE_KEYWORDS: [&str; 4] = ["class", "record", "struct", "interface"];

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn type_names(text: &str) -> Vec<String> {
    static KEYWORDS: OnceLock<AhoCorasick> = OnceLock::new();
    let keywords = KEYWORDS.get_or_init(|| {
        AhoCorasick::new(TYPE_KEYWORDS).expect("the type keywords are valid patterns")
    });
    let mut names = Vec::new();
    for found in keywords.find_iter(text) {
        let before = text[..found.start()].chars().next_back();
        if before.is_some_and(is_identifier_char) {
            continue;
        }
        let rest = &text[found.end()..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() {
            continue; // `classes`, `class<`: not the keyword followed by a name
        }
        let len = trimmed
            .find(|c: char| !is_identifier_char(c))
            .unwrap_or(trimmed.len());
        let name = &trimmed[..len];
        let is_name =
            name.chars().next().is_some_and(char::is_alphabetic) && !TYPE_KEYWORDS.contains(&name);
        if is_name && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
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
    fn parses_static_scope_lists_only_when_asked() {
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
            .map(|c| (c.name.as_str(), c.value.as_str()))
            .collect();
        assert_eq!(constants, [("Arkiv", "ks:fiks.arkiv")]);
        let [source] = found.list_sources.as_slice() else {
            panic!("one file that may hold lists");
        };
        assert_eq!(source.names, ["All", "Read", "Settable"]);
        let lists: Vec<_> = source
            .lists()
            .iter()
            .map(|l| (l.class.as_deref(), l.name.as_str(), l.terms.clone()))
            .collect();
        assert_eq!(
            lists,
            [
                (
                    Some("ArkivScopes"),
                    "All",
                    vec![
                        ScopeTerm::Name(vec!["Arkiv".to_string()]),
                        ScopeTerm::Literal("ks:fiks.io".to_string())
                    ]
                ),
                (
                    Some("ArkivScopes"),
                    "Read",
                    vec![ScopeTerm::Literal("ks:fiks.arkiv.read".to_string())]
                ),
            ]
        );
        let plain = skim(
            Path::new("Model.cs"),
            "public class Model { public List<string> Tags { get; set; } = []; }",
        );
        assert!(plain.list_sources.is_empty());
    }
}
