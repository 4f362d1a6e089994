//! A place in a file: the unit every fact, finding and edit points at.

use std::sync::Arc;

use super::source::{SourceFile, Span};

/// A byte range of one file.
#[derive(Debug, Clone)]
pub struct Site {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Site {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Site {
        Site {
            file: file.clone(),
            span,
        }
    }

    pub fn text(&self) -> &str {
        self.file.slice(self.span)
    }

    /// Whether the site lies in the file at `path`.
    pub fn is_in(&self, path: &std::path::Path) -> bool {
        self.file.path == path
    }
}

/// Two sites are the same place when they cover the same bytes of the same file.
impl PartialEq for Site {
    fn eq(&self, other: &Site) -> bool {
        self.span == other.span && self.file.path == other.file.path
    }
}

impl Eq for Site {}
