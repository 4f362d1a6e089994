//! What a C# file the prefilter skipped can still contribute, found without parsing it: its
//! string constants (client names, section paths and scopes often live in a constants class)
//! and the names of the types it declares (so a type the project declares is never taken for
//! one from a package the scan cannot see).

use super::Constant;

/// The little a skipped file tells.
#[derive(Debug, Default)]
pub struct Skimmed {
    pub constants: Vec<Constant>,
    /// Names that follow `class`, `record`, `struct` or `interface`; a word in a comment may
    /// slip in, which only makes the project declare one name more.
    pub type_names: Vec<String>,
}

impl Skimmed {
    pub fn extend(&mut self, other: Skimmed) {
        self.constants.extend(other.constants);
        self.type_names.extend(other.type_names);
    }
}

/// Skims a file the prefilter skipped.
pub fn skim(text: &str) -> Skimmed {
    Skimmed {
        constants: if text.contains("const string ") {
            scan_constants(text)
        } else {
            Vec::new()
        },
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
    use super::skim;

    #[test]
    fn scans_plain_string_constants() {
        let text = "public static class C {\n  public const string Kartverket = \"kartverket\";\n  const string Escaped = \"a\\\\b\";\n  const int N = 1;\n}";
        let found = skim(text);
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
        let mut names = skim(text).type_names;
        names.sort();
        assert_eq!(names, ["IKlient", "Klient", "Options", "Point"]);
    }
}
