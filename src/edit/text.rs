//! Small text operations a fix needs to keep a file's own shape: its line ending, the
//! indentation of a line, whole-line ranges for removing a statement or a property, and the
//! comments inside a range that is about to be replaced.

use crate::core::{SourceFile, Span};

/// The file's line ending: CRLF when its first line ends with one.
pub fn line_ending(file: &SourceFile) -> &'static str {
    match file.text.find('\n') {
        Some(i) if i > 0 && file.text.as_bytes()[i - 1] == b'\r' => "\r\n",
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

/// `//` and `/* */` comments in `text` (string and character literals skipped), in order.
pub fn comments(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => i = skip_literal(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |e| i + e);
                found.push(text[i..end].trim_end());
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(text.len(), |e| i + 2 + e + 2);
                found.push(&text[i..end]);
                i = end;
            }
            _ => i += 1,
        }
    }
    found
}

/// The identifier-like words of C# code, outside comments, string literals and `using` lines.
pub fn code_words(text: &str) -> std::collections::HashSet<&str> {
    let bytes = text.as_bytes();
    let mut words = std::collections::HashSet::new();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if line_start
            && text[i..]
                .trim_start_matches([' ', '\t'])
                .starts_with("using ")
        {
            // Skip the whole line, its newline included; the next line starts fresh.
            i = text[i..].find('\n').map_or(bytes.len(), |e| i + e + 1);
            continue;
        }
        line_start = b == b'\n' || (line_start && b.is_ascii_whitespace());
        match b {
            b'"' | b'\'' => i = skip_literal(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |e| i + e);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let end = bytes[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .map_or(bytes.len(), |e| i + e);
                words.insert(&text[i..end]);
                i = end;
            }
            _ => i += 1,
        }
    }
    words
}

fn skip_literal(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let verbatim = start > 0 && bytes[start - 1] == b'@';
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if !verbatim => i += 2,
            b if b == quote => {
                if verbatim && bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            b'\n' if !verbatim => return i,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(text: &str) -> SourceFile {
        SourceFile::from_text(Path::new("a.cs"), text.to_string(), false)
    }

    #[test]
    fn finds_comments_but_not_in_strings() {
        let text = "a(\"// no\", x => { // yes\n  b = @\"/* no \"\" */\"; /* also */ })";
        assert_eq!(comments(text), ["// yes", "/* also */"]);
    }

    #[test]
    fn code_words_skip_usings_comments_and_strings() {
        let text =
            "using A.B;\n  using C;\nusing D;\nclass X { // Foo\n  Bar(\"Baz\"); /* Qux */ }\n";
        let mut words: Vec<_> = code_words(text).into_iter().collect();
        words.sort();
        assert_eq!(words, ["Bar", "X", "class"]);
    }

    #[test]
    fn whole_lines_only_when_alone() {
        let f = file("a;\r\n    services.X();\r\nb;\r\n");
        let start = f.text.find("services").unwrap();
        let end = statement_end(&f, f.text.find("()").unwrap() + 2).unwrap();
        let lines = whole_lines(&f, Span::new(start, end)).unwrap();
        assert_eq!(between(&f, lines.start, lines.end), "    services.X();\r\n");
        assert_eq!(line_ending(&f), "\r\n");
        let shared = file("a; services.X(); b;\n");
        let s = shared.text.find("services").unwrap();
        assert_eq!(whole_lines(&shared, Span::new(s, s + 15)), None);
    }
}
