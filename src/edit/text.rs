//! Small text operations a fix needs to keep a file's own shape: its line ending, the line a
//! place is on, and whole-line ranges for removing a statement or a property.

use crate::core::{SourceFile, Span};

/// The file's line ending: CRLF when its first line ends with one, CR in a file that has CRs and
/// no LF (classic Mac OS), else LF.
pub fn line_ending(file: &SourceFile) -> &'static str {
    match file.text.find('\n') {
        Some(i) if i > 0 && file.text.as_bytes()[i - 1] == b'\r' => "\r\n",
        None if file.text.contains('\r') => "\r",
        _ => "\n",
    }
}

/// Offset (in file bytes) of the start of the line holding `at`.
pub fn line_start(file: &SourceFile, at: usize) -> usize {
    let off = file.text_offset();
    let local = at.saturating_sub(off).min(file.text.len());
    file.text[..local].rfind('\n').map_or(0, |i| i + 1) + off
}

/// Offset just after the line ending of the line holding `at` (or the end of the file).
pub fn line_end(file: &SourceFile, at: usize) -> usize {
    let off = file.text_offset();
    let local = at.saturating_sub(off).min(file.text.len());
    file.text[local..]
        .find('\n')
        .map_or(file.text.len(), |i| local + i + 1)
        + off
}

/// The text between two file offsets.
pub fn between(file: &SourceFile, start: usize, end: usize) -> &str {
    file.slice(Span::new(start, end))
}

/// The range to delete so that the statement at `span` disappears with its own lines: from the
/// start of its first line to the end of its last line, when nothing else shares those lines.
/// Returns None when other code shares a line (then a whole-line removal would take it along).
pub fn whole_lines(file: &SourceFile, span: Span) -> Option<Span> {
    let start = line_start(file, span.start);
    let end = line_end(file, span.end.saturating_sub(1).max(span.start));
    let before = between(file, start, span.start);
    let after = between(file, span.end, end);
    (before.trim().is_empty() && after.trim().is_empty()).then_some(Span::new(start, end))
}

/// The end of the statement that `call` ends: the offset after the `;` that follows it, when only
/// whitespace lies between.
pub fn statement_end(file: &SourceFile, call_end: usize) -> Option<usize> {
    let off = file.text_offset();
    let rest = &file.text[call_end - off..];
    let trimmed = rest.trim_start();
    trimmed
        .starts_with(';')
        .then(|| call_end + (rest.len() - trimmed.len()) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(text: &str) -> SourceFile {
        SourceFile::from_text(Path::new("a.cs"), text.to_string(), false)
    }

    #[test]
    fn whole_lines_only_when_alone() {
        let f = file("a;\r\n    services.X();\r\nb;\r\n");
        let start = f.text.find("services").unwrap();
        let end = statement_end(&f, f.text.find("()").unwrap() + 2).unwrap();
        let lines = whole_lines(&f, Span::new(start, end)).unwrap();
        assert_eq!(between(&f, lines.start, lines.end), "    services.X();\r\n");
        assert_eq!(line_ending(&f), "\r\n");
        assert_eq!(line_ending(&file("a;\rb;\r")), "\r");
        assert_eq!(line_ending(&file("a;\rb;\n")), "\n");
        let shared = file("a; services.X(); b;\n");
        let s = shared.text.find("services").unwrap();
        assert_eq!(whole_lines(&shared, Span::new(s, s + 15)), None);
    }
}
