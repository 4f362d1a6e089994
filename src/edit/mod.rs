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

/// The file's text after `edits` (all in that file, none overlapping), applied last first so
/// earlier offsets stay right. An edit given twice (the same range and text, such as the
/// `using` two fixes in one file need) is applied once.
pub fn apply_edits(file: &SourceFile, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by(|a, b| {
        (b.site.span.start, b.site.span.end).cmp(&(a.site.span.start, a.site.span.end))
    });
    sorted.dedup_by(|a, b| a.site.span == b.site.span && a.replacement == b.replacement);
    let offset = file.text_offset();
    let mut text = file.text.clone();
    for edit in sorted {
        let start = edit.site.span.start - offset;
        let end = edit.site.span.end - offset;
        text.replace_range(start..end, &edit.replacement);
    }
    text
}
