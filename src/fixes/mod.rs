//! Fixes: what a migration of each finding needs and whether it is known (`readiness`), and the
//! byte-range edits a fix is made of.

pub mod apply;
mod derive;
pub mod json_edit;
pub mod readiness;
pub mod rewrite;
pub mod text;
pub mod validate;
pub mod write;

use serde::Serialize;

use crate::core::Site;

/// How safe it is to apply a fix without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    Safe,
    Unsafe,
}

/// One replacement of a byte range.
#[derive(Debug, Clone)]
pub struct Edit {
    pub site: Site,
    pub replacement: String,
}

/// A set of edits that together migrate one finding.
#[derive(Debug, Clone)]
pub struct Fix {
    pub safety: Safety,
    pub description: String,
    pub edits: Vec<Edit>,
}
