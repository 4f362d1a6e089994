//! Edit primitives: what a fix is made of (byte-range `Edit`s grouped in a `Fix` with its
//! `Safety`), and the builders that keep a file's own shape while changing it: line-aware text
//! helpers (`text`), appsettings property removal and renames (`json`), the C# rewrites of a
//! legacy registration (`csharp`), package references (`msbuild`) and the `[org]` rule for
//! policy.xml (`policy`). Rules build their fixes from these; the fix engine (`fixes`) applies
//! them.

pub mod csharp;
pub mod json;
pub mod msbuild;
pub mod policy;
pub mod text;

use serde::Serialize;

use crate::core::{Site, SourceFile};

/// How safe it is to apply a fix without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Keeps what the app does at run time, apart from the move itself.
    Safe,
    /// Changes behaviour on purpose (which credentials sign); applied only with `--unsafe-fixes`.
    Unsafe,
}

/// One replacement of a byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub site: Site,
    pub replacement: String,
}

impl Edit {
    pub fn replace(site: Site, replacement: impl Into<String>) -> Edit {
        Edit {
            site,
            replacement: replacement.into(),
        }
    }

    pub fn delete(site: Site) -> Edit {
        Edit::replace(site, String::new())
    }
}

/// A set of edits that together migrate one finding.
#[derive(Debug, Clone)]
pub struct Fix {
    pub safety: Safety,
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            safety: Safety::Safe,
            description: description.into(),
            edits,
        }
    }
}

/// The file's text after `edits` (all in that file, none overlapping). An edit given twice (the
/// same range and text, such as the `using` two fixes in one file need) is applied once; of two
/// insertions at one place, the later given comes first.
///
/// The text is built front to back in one pass, so a file with thousands of edits costs its
/// size plus theirs (editing in place moves the rest of the file once per edit).
pub fn apply_edits(file: &SourceFile, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    // Descending and stable, then reversed: ascending, with the later of equal edits first.
    sorted.sort_by(|a, b| {
        (b.site.span.start, b.site.span.end).cmp(&(a.site.span.start, a.site.span.end))
    });
    sorted.dedup_by(|a, b| a.site.span == b.site.span && a.replacement == b.replacement);
    sorted.reverse();
    let offset = file.text_offset();
    let mut text = String::with_capacity(file.text.len());
    let mut copied = 0;
    for edit in sorted {
        let start = edit.site.span.start - offset;
        let end = edit.site.span.end - offset;
        text.push_str(&file.text[copied..start.max(copied)]);
        text.push_str(&edit.replacement);
        copied = copied.max(end);
    }
    text.push_str(&file.text[copied..]);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn edits_apply_in_one_pass_with_the_later_of_two_insertions_first() {
        let file = Arc::new(SourceFile::from_text(
            Path::new("a.cs"),
            "ABCD".to_string(),
            false,
        ));
        let edit =
            |start, end, text: &str| Edit::replace(Site::new(&file, Span::new(start, end)), text);
        let edits = [
            edit(1, 3, "x"),
            edit(1, 1, "y"),
            edit(3, 4, ""),
            edit(1, 1, "z"),
            edit(1, 3, "x"),
        ];
        let refs: Vec<&Edit> = edits.iter().collect();
        assert_eq!(apply_edits(&file, &refs), "Azyx");
    }
}
