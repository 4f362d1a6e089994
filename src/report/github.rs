//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,line=…,endLine=…,title=MP101 …::message`), shown inline in pull requests.

use super::Outcome;
use crate::core::Severity;

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    // A check that covered less than asked shows as a warning, not as a clean run.
    for gap in outcome.gaps {
        out.push_str(&format!(
            "::warning title={}::{}\n",
            property("maskinporten-migrate: incomplete check"),
            data(&format!("{}: {}", gap.path, gap.message))
        ));
    }
    for f in outcome.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let start = f.site.file.position(f.site.span.start);
        let end = f.site.file.position(f.site.span.end);
        let mut message = f.message.clone();
        match (&f.fix, &f.fix_withheld) {
            (Some(fix), _) => message.push_str(&format!(
                "\n{}: {}",
                super::fix_label(fix.safety),
                fix.description
            )),
            (None, Some(why)) => message.push_str(&format!("\nno automatic fix: {why}")),
            _ => {}
        }
        // Columns mean something to GitHub only on a one-line range.
        let columns = if start.line == end.line {
            format!(",col={},endColumn={}", start.column, end.column)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "::{command} file={},line={},endLine={}{columns},title={}::{}\n",
            property(&outcome.root.relative(&f.site.file.path)),
            start.line,
            end.line,
            property(&format!("{} {}", f.rule.code, f.rule.name)),
            data(&message)
        ));
    }
    // Input the run could not use (other than the gaps above): on the file when there is one,
    // else (a vault URL) unattached.
    for p in outcome
        .problems
        .iter()
        .filter(|p| !outcome.gaps.contains(p))
    {
        let command = if p.is_error() { "error" } else { "warning" };
        let file = if p.path.contains("://") {
            String::new()
        } else {
            let path = outcome.root.relative(std::path::Path::new(&p.path));
            format!(" file={},", property(&path))
        };
        out.push_str(&format!(
            "::{command}{file}title=input problem::{}\n",
            data(&format!("{}: {}", p.path, p.message))
        ));
    }
    out
}
