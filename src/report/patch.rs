//! The patch `fix --diff` prints: one unified diff per changed file, paths relative to the
//! repository root with `a/` and `b/` prefixes (so `git apply` reads it from any folder of the
//! repository), exactly as `git diff` writes them (names with special characters C-quoted, a TAB
//! after a name with a space). Lines end at `\n` only, as in git (a lone CR is part of its
//! line); line endings and a BOM are part of the lines, and each line is in the file's own
//! encoding (a Windows-1252 file's lines are Windows-1252 bytes, as `git diff` shows them), so
//! the patch reproduces the file exactly. A UTF-16 file cannot travel in a text patch (its line
//! ends are two bytes, one of them NUL): it is left out, and `fix --write` writes it. The
//! Markdown report shows every change as text, for reading.

use std::path::{Component, Path};

use similar::{ChangeTag, TextDiff};

use super::redact;
use crate::core::Encoding;
use crate::core::paths::{RepoRoot, canonical};
use crate::fixes::apply::Change;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Why a change is not in the patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Its lines would show a secret value (a key, a password).
    Secret,
    /// The file's encoding does not fit a text patch (UTF-16).
    Encoding(Encoding),
}

/// A file whose change is not in the patch, and why.
#[derive(Debug, Clone)]
pub struct Omitted {
    pub path: String,
    pub why: LeftOut,
}

/// The patch for `git apply`, as bytes: each file's lines in its own encoding.
pub fn render(changes: &[Change], root: &RepoRoot) -> (Vec<u8>, Vec<Omitted>) {
    let mut out = Vec::new();
    let mut omitted = Vec::new();
    for change in changes {
        let Some(text) = readable(change, root, &mut omitted) else {
            continue;
        };
        let encoding = change.file.encoding;
        if !encoding.fits_a_text_patch() {
            omitted.push(Omitted {
                path: change.file.display.clone(),
                why: LeftOut::Encoding(encoding),
            });
            continue;
        }
        if encoding == Encoding::Utf8 {
            out.extend_from_slice(text.as_bytes());
        } else {
            // The engine drops fixes that write what the encoding cannot hold, and the rest
            // of the lines come from the file.
            out.extend_from_slice(header(change, root).as_bytes());
            out.extend(file_hunks(change, &|line| {
                encoding
                    .encode(line)
                    .unwrap_or_else(|_| line.as_bytes().to_vec())
            }));
        }
    }
    (out, omitted)
}

/// The patch as text, for reading (the Markdown report): every file's diff in UTF-8, also the
/// files a patch for `git apply` leaves out for their encoding.
pub fn render_text(changes: &[Change], root: &RepoRoot) -> (String, Vec<Omitted>) {
    let mut out = String::new();
    let mut omitted = Vec::new();
    for change in changes {
        if let Some(text) = readable(change, root, &mut omitted) {
            out.push_str(&text);
        }
    }
    (out, omitted)
}

/// The file's diff as UTF-8 text, unless nothing changed or its lines show a secret.
fn readable(change: &Change, root: &RepoRoot, omitted: &mut Vec<Omitted>) -> Option<String> {
    let hunks = file_hunks(change, &|line| line.as_bytes().to_vec());
    if hunks.is_empty() {
        return None;
    }
    let hunks = String::from_utf8(hunks).expect("the text diff is UTF-8");
    if redact::shows_secret(&hunks) {
        omitted.push(Omitted {
            path: change.file.display.clone(),
            why: LeftOut::Secret,
        });
        return None;
    }
    Some(header(change, root) + &hunks)
}

/// The `diff --git`, `---` and `+++` lines as `git diff` writes them.
fn header(change: &Change, root: &RepoRoot) -> String {
    let name = git_path(&change.file.path, root);
    let (a, b) = (quoted("a/", &name), quoted("b/", &name));
    // git ends a name that has a space with a TAB on the ---/+++ lines.
    let tab = if a.starts_with('"') || !name.contains(&b' ') {
        ""
    } else {
        "\t"
    };
    format!("diff --git {a} {b}\n--- {a}{tab}\n+++ {b}{tab}\n")
}

/// One file's hunks, each line's text written by `encode`; empty when nothing changed.
fn file_hunks(change: &Change, encode: &dyn Fn(&str) -> Vec<u8>) -> Vec<u8> {
    // The BOM of a UTF-8 file is part of its first line (UTF-16 files are not patched).
    let with_bom = |text: &str| {
        if change.file.text_offset() > 0 {
            format!("\u{feff}{text}")
        } else {
            text.to_string()
        }
    };
    let before = with_bom(&change.file.text);
    let after = with_bom(&change.text);
    if before == after {
        return Vec::new();
    }
    hunks(&before, &after, encode)
}

/// The hunks of a unified diff between two texts, split into lines at `\n` only, each line's
/// text written by `encode`.
fn hunks(before: &str, after: &str, encode: &dyn Fn(&str) -> Vec<u8>) -> Vec<u8> {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let diff = TextDiff::configure().diff_slices(&old, &new);
    let mut out = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        out.extend(
            format!(
                "@@ -{} +{} @@\n",
                range(first.old_range().start, last.old_range().end),
                range(first.new_range().start, last.new_range().end)
            )
            .bytes(),
        );
        for op in &group {
            for change in diff.iter_changes(op) {
                out.push(match change.tag() {
                    ChangeTag::Equal => b' ',
                    ChangeTag::Delete => b'-',
                    ChangeTag::Insert => b'+',
                });
                let line = change.value();
                out.extend(encode(line));
                if !line.ends_with('\n') {
                    out.extend_from_slice(b"\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// A hunk's line range as unified diffs write it: `start,count`, `start` alone for one line, and
/// the line before for an empty range.
fn range(start: usize, end: usize) -> String {
    match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    }
}

/// The path relative to the repository root (else as shown), its components joined with `/`,
/// as bytes (a backslash in a name on Unix is part of the name, not a separator).
fn git_path(path: &Path, root: &RepoRoot) -> Vec<u8> {
    let canonical = canonical(path);
    let shown;
    let relative = match canonical.strip_prefix(root.dir()) {
        Ok(rest) => rest,
        Err(_) => {
            shown = std::path::PathBuf::from(crate::core::display_path(path));
            &shown
        }
    };
    let mut out = Vec::new();
    for component in relative.components() {
        let part: &std::ffi::OsStr = match component {
            Component::CurDir => continue,
            Component::Normal(name) => name,
            Component::ParentDir => "..".as_ref(),
            Component::RootDir => {
                out.push(b'/');
                continue;
            }
            Component::Prefix(prefix) => prefix.as_os_str(),
        };
        if !out.is_empty() && !out.ends_with(b"/") {
            out.push(b'/');
        }
        out.extend_from_slice(&os_bytes(part));
    }
    out
}

#[cfg(unix)]
fn os_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().as_bytes().to_vec()
}

/// `prefix` and the name, C-quoted as git quotes names (`core.quotePath`, the default): control
/// characters, `"`, `\` and bytes above 0x7F make the whole name quoted, with escapes.
fn quoted(prefix: &str, name: &[u8]) -> String {
    let plain = name
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
    if plain {
        return format!("{prefix}{}", String::from_utf8_lossy(name));
    }
    let mut out = format!("\"{prefix}");
    for &b in name {
        match b {
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0b => out.push_str("\\v"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_names_as_git_does() {
        assert_eq!(quoted("a/", b"App/Program.cs"), "a/App/Program.cs");
        assert_eq!(quoted("a/", b"my app/P.cs"), "a/my app/P.cs");
        assert_eq!(quoted("b/", b"t\tx.cs"), "\"b/t\\tx.cs\"");
        assert_eq!(quoted("a/", b"d\\e/f.cs"), "\"a/d\\\\e/f.cs\"");
        assert_eq!(
            quoted("a/", "Å\"\x7f.cs".as_bytes()),
            "\"a/\\303\\205\\\"\\177.cs\""
        );
    }

    #[test]
    fn a_lone_cr_is_part_of_its_line() {
        let text_hunks = |before: &str, after: &str| {
            String::from_utf8(hunks(before, after, &|line| line.as_bytes().to_vec())).unwrap()
        };
        let patch = text_hunks("a\rb\nc\n", "a\rB\nc\n");
        assert_eq!(patch, "@@ -1,2 +1,2 @@\n-a\rb\n+a\rB\n c\n");
        let cr_only = text_hunks("a\rb\r", "a\rB\r");
        assert_eq!(
            cr_only,
            "@@ -1 +1 @@\n-a\rb\r\n\\ No newline at end of file\n+a\rB\r\n\\ No newline at end of file\n"
        );
    }
}
