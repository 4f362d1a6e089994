//! Removes properties from an appsettings file without disturbing the rest: each property goes
//! with its own lines (and its comma), a comma left dangling before a removed last property goes
//! too, and a section that would be left empty is removed whole.

use super::{Edit, text};
use crate::core::Site;
use crate::core::Span;
use crate::facts::appsettings::{AppSettingsFile, ConfigEntry};

/// The edits that remove `keys` (direct children of `section`) from `file`. Commas and empty
/// sections follow the JSON structure, not the paths (a key may hold a `:` itself).
pub fn remove_keys(file: &AppSettingsFile, section: &str, keys: &[&ConfigEntry]) -> Vec<Edit> {
    let children: Vec<&ConfigEntry> = file.children(section).collect();
    let removes_all = children
        .iter()
        .all(|c| keys.iter().any(|k| k.path == c.path));
    if removes_all
        && let Some(entry) = file.get(section)
        && written_in(file, entry)
            .iter()
            .all(|e| keys.iter().any(|k| k.path == e.path))
    {
        return remove_from(file, &siblings_of(file, entry), &[entry]);
    }
    // The keys of each object they are written in, on their own.
    let mut containers: Vec<Span> = keys.iter().map(|k| k.container).collect();
    containers.sort();
    containers.dedup();
    containers
        .into_iter()
        .flat_map(|container| {
            let siblings: Vec<&ConfigEntry> = file
                .entries
                .iter()
                .filter(|e| e.container == container)
                .collect();
            let removed: Vec<&ConfigEntry> = keys
                .iter()
                .copied()
                .filter(|k| k.container == container)
                .collect();
            remove_from(file, &siblings, &removed)
        })
        .collect()
}

/// The edits that remove the section at `path` from `file`, and each section above it that
/// would be left empty.
pub fn remove_section(file: &AppSettingsFile, path: &str) -> Vec<Edit> {
    let Some(mut entry) = file.get(path) else {
        return Vec::new();
    };
    loop {
        let parent = file
            .entries
            .iter()
            .find(|e| e.value_span == entry.container);
        match parent {
            Some(above) if written_in(file, above).len() == 1 => entry = above,
            _ => return remove_from(file, &siblings_of(file, entry), &[entry]),
        }
    }
}

/// Renames a key, keeping its quotes.
pub fn rename_key(file: &AppSettingsFile, entry: &ConfigEntry, to: &str) -> Edit {
    let site = Site::new(&file.file, entry.key_span);
    let quote = site
        .text()
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')
        .map(String::from)
        .unwrap_or_default();
    Edit::replace(site, format!("{quote}{to}{quote}"))
}

/// The entries written in the same object as `entry` (itself included), in order.
fn siblings_of<'a>(file: &'a AppSettingsFile, entry: &ConfigEntry) -> Vec<&'a ConfigEntry> {
    file.entries
        .iter()
        .filter(|e| e.container == entry.container)
        .collect()
}

/// The entries written directly in `entry`'s object (or array).
fn written_in<'a>(file: &'a AppSettingsFile, entry: &ConfigEntry) -> Vec<&'a ConfigEntry> {
    file.entries
        .iter()
        .filter(|e| e.container == entry.value_span)
        .collect()
}

fn remove_from(
    file: &AppSettingsFile,
    siblings: &[&ConfigEntry],
    removed: &[&ConfigEntry],
) -> Vec<Edit> {
    let source = &file.file;
    let is_removed = |e: &ConfigEntry| removed.iter().any(|r| r.path == e.path);
    let mut edits: Vec<Edit> = removed
        .iter()
        .map(|e| {
            let end = comma_after(file, e.value_span.end).map_or(e.value_span.end, |c| c + 1);
            let span = Span::new(e.key_span.start, end);
            match text::whole_lines(source, span) {
                Some(lines) => edit(file, lines),
                None => edit_between_tokens(file, span),
            }
        })
        .collect();
    // `"a": 1, "b": 2` without b: the comma after a must go too (unless b had a trailing comma).
    let last = siblings.last();
    let last_kept = siblings.iter().rev().find(|s| !is_removed(s));
    if let (Some(last), Some(kept)) = (last, last_kept)
        && is_removed(last)
        && comma_after(file, last.value_span.end).is_none()
        && let Some(comma) = comma_after(file, kept.value_span.end)
    {
        edits.push(edit(file, Span::new(comma, comma + 1)));
    }
    edits
}

/// The offset of a comma that follows `end` with only whitespace and comments between.
fn comma_after(file: &AppSettingsFile, end: usize) -> Option<usize> {
    let source = &file.file;
    let rest = &source.text[end - source.text_offset()..];
    let mut at = 0;
    loop {
        let tail = &rest[at..];
        let trimmed = tail.trim_start();
        at += tail.len() - trimmed.len();
        if let Some(comment) = trimmed.strip_prefix("/*") {
            at += 2 + comment.find("*/")? + 2;
        } else if trimmed.starts_with("//") {
            at += trimmed.find('\n')?;
        } else {
            return trimmed.starts_with(',').then_some(end + at);
        }
    }
}

/// Removes `span` from within a line. Lenient JSON needs no comma between array elements, so
/// removing `{...}` from `[5 null{...}001]` must not join `null` and `001` into one word.
fn edit_between_tokens(file: &AppSettingsFile, span: Span) -> Edit {
    let source = &file.file;
    let offset = source.text_offset();
    let is_word = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && !"{}[],:".contains(c));
    let before = source.text[..span.start - offset].chars().next_back();
    let after = source.text[span.end - offset..].chars().next();
    let mut removal = edit(file, span);
    if is_word(before) && is_word(after) {
        removal.replacement = " ".to_string();
    }
    removal
}

fn edit(file: &AppSettingsFile, span: Span) -> Edit {
    Edit {
        site: Site {
            file: file.file.clone(),
            span,
        },
        replacement: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::SourceFile;
    use crate::facts::appsettings::parse;
    use std::path::Path;
    use std::sync::Arc;

    fn run(text: &str, section: &str, keys: &[&str]) -> String {
        let file = parse(Arc::new(SourceFile::from_text(
            Path::new("appsettings.json"),
            text.to_string(),
            false,
        )))
        .unwrap();
        let entries: Vec<&ConfigEntry> = keys
            .iter()
            .map(|k| file.get(&format!("{section}:{k}")).unwrap())
            .collect();
        let edits = remove_keys(&file, section, &entries);
        let refs: Vec<&Edit> = edits.iter().collect();
        crate::edit::apply_edits(&file.file, &refs)
    }

    #[test]
    fn removes_keys_with_their_lines_and_commas() {
        let text = "{\n  \"S\": {\n    \"A\": 1,\n    // the key\n    \"B\": \"x\",\n    \"C\": true\n  },\n  \"T\": 1\n}\n";
        assert_eq!(
            run(text, "S", &["B"]),
            "{\n  \"S\": {\n    \"A\": 1,\n    // the key\n    \"C\": true\n  },\n  \"T\": 1\n}\n"
        );
        assert_eq!(
            run(text, "S", &["B", "C"]),
            "{\n  \"S\": {\n    \"A\": 1\n    // the key\n  },\n  \"T\": 1\n}\n"
        );
    }

    #[test]
    fn removes_a_nested_section_and_the_parents_it_empties() {
        let text = "{\n  \"myapp\": {\n    \"MaskinportenSettings\": {\n      \"ClientId\": \"\"\n    }\n  },\n  \"Other\": 1\n}\n";
        let file = parse(Arc::new(SourceFile::from_text(
            Path::new("appsettings.json"),
            text.to_string(),
            false,
        )))
        .unwrap();
        let edits = remove_section(&file, "MYAPP:MaskinportenSettings");
        let refs: Vec<&Edit> = edits.iter().collect();
        assert_eq!(
            crate::edit::apply_edits(&file.file, &refs),
            "{\n  \"Other\": 1\n}\n"
        );
    }

    #[test]
    fn a_comment_before_the_comma_and_a_colon_in_a_key() {
        let text = "{\n  \"A:B\": {\n    \"C\": 1\n  }/* note */,\n  \"D\": 2\n}\n";
        assert_eq!(run(text, "A:B", &["C"]), "{\n  \"D\": 2\n}\n");
    }

    #[test]
    fn an_element_removed_between_words_leaves_them_apart() {
        let text = "[5null{\n  \"Ags\": { \n\"S0Nt\": false\n  }\n}001]";
        assert_eq!(run(text, "2", &["Ags"]), "[5null 001]");
    }

    #[test]
    fn removes_a_section_that_would_be_empty() {
        let text = "{\r\n  \"T\": 1,\r\n  \"S\": { \"A\": 1 }\r\n}\r\n";
        assert_eq!(run(text, "S", &["A"]), "{\r\n  \"T\": 1\r\n}\r\n");
    }
}
