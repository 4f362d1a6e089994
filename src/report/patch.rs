//! The patch `fix --diff` prints: one unified diff per changed file, paths relative to the
//! repository root with `a/` and `b/` prefixes, as `git apply` reads it from any folder of the
//! repository. Line endings and a BOM are part of the lines, so the patch reproduces them
//! exactly.

use similar::TextDiff;

use super::redact;
use crate::core::paths::RepoRoot;
use crate::fixes::apply::Change;

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
        let path = &root.relative(&change.file.path);
        let diff = TextDiff::from_lines(&before, &after);
        let hunks = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        if redact::shows_secret(&hunks) {
            withheld.push(change.file.display.clone());
            continue;
        }
        out.push_str(&format!("diff --git a/{path} b/{path}\n"));
        out.push_str(&hunks);
    }
    (out, withheld)
}

fn with_bom(bom: bool, text: &str) -> String {
    if bom {
        format!("\u{feff}{text}")
    } else {
        text.to_string()
    }
}
