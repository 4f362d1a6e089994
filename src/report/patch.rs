//! The patch `fix --diff` prints: one unified diff per changed file, paths relative to the
//! repository root with `a/` and `b/` prefixes (so `git apply` reads it from any folder of the
//! repository), exactly as `git diff` writes them (names with special characters C-quoted, a TAB
//! after a name with a space). Lines
//! end at `\n` only, as in git (a lone CR is part of its line); line endings and a BOM are part
//! of the lines, so the patch reproduces them exactly.

use std::path::{Component, Path};

use similar::{ChangeTag, TextDiff};

use super::redact;
use crate::core::paths::{RepoRoot, canonical};
use crate::fixes::apply::Change;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The patch; a file whose hunks would show a secret value (a key, a password) is left out with
/// a comment line saying so, and named in the returned list.
pub fn render(changes: &[Change], root: &RepoRoot) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut withheld = Vec::new();
    for change in changes {
        let before = with_bom(change.file.bom, &change.file.text);
        let after = with_bom(change.file.bom, &change.text);
        if before == after {
            continue;
        }
        let hunks = hunks(&before, &after);
        if redact::shows_secret(&hunks) {
            withheld.push(change.file.display.clone());
            continue;
        }
        let name = git_path(&change.file.path, root);
        let (a, b) = (quoted("a/", &name), quoted("b/", &name));
        // git ends a name that has a space with a TAB on the ---/+++ lines.
        let tab = if a.starts_with('"') || !name.contains(&b' ') {
            ""
        } else {
            "\t"
        };
        out.push_str(&format!("diff --git {a} {b}\n--- {a}{tab}\n+++ {b}{tab}\n"));
        out.push_str(&hunks);
    }
    (out, withheld)
}

/// The hunks of a unified diff between two texts, split into lines at `\n` only.
fn hunks(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let diff = TextDiff::configure().diff_slices(&old, &new);
    let mut out = String::new();
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(first.old_range().start, last.old_range().end),
            range(first.new_range().start, last.new_range().end)
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                out.push(match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                });
                let line = change.value();
                out.push_str(line);
                if !line.ends_with('\n') {
                    out.push_str("\n\\ No newline at end of file\n");
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

fn with_bom(bom: bool, text: &str) -> String {
    if bom {
        format!("\u{feff}{text}")
    } else {
        text.to_string()
    }
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
        let patch = hunks("a\rb\nc\n", "a\rB\nc\n");
        assert_eq!(patch, "@@ -1,2 +1,2 @@\n-a\rb\n+a\rB\n c\n");
        let cr_only = hunks("a\rb\r", "a\rB\r");
        assert_eq!(
            cr_only,
            "@@ -1 +1 @@\n-a\rb\r\n\\ No newline at end of file\n+a\rB\r\n\\ No newline at end of file\n"
        );
    }
}
