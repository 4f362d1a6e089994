//! The patch `fix --diff` prints: one unified diff per changed file, paths relative to the
//! current directory with `a/` and `b/` prefixes, as `git apply` reads it. Line endings and a
//! BOM are part of the lines, so the patch reproduces them exactly.

use similar::TextDiff;

use crate::fixes::apply::Change;

pub fn render(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        let before = with_bom(change.file.bom, &change.file.text);
        let after = with_bom(change.file.bom, &change.text);
        if before == after {
            continue;
        }
        let path = &change.file.display;
        out.push_str(&format!("diff --git a/{path} b/{path}\n"));
        let diff = TextDiff::from_lines(&before, &after);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}

fn with_bom(bom: bool, text: &str) -> String {
    if bom {
        format!("\u{feff}{text}")
    } else {
        text.to_string()
    }
}
