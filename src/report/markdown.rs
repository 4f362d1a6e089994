//! `--format markdown`: a report for a pull-request comment or a reviewer: a summary table, then
//! per project the findings grouped by rule with the reason, the proposed patch in a ```diff
//! block, the fixes withheld and why, what the patch does to production's Maskinporten
//! settings (the "Run time" section), and the plan steps.

use std::collections::BTreeSet;

use super::{Outcome, patch, plan};
use crate::core::Encoding;
use crate::rules::{Finding, RULES};

pub fn render(outcome: &Outcome) -> String {
    report(outcome, true)
}

/// The report without the patch blocks: the text of a commit that holds the patch itself
/// (`fix --write --branch`).
pub fn render_without_patch(outcome: &Outcome) -> String {
    report(outcome, false)
}

fn report(outcome: &Outcome, with_patch: bool) -> String {
    let mut out = String::from("# maskinporten-migrate report\n\n");
    let s = outcome.summary();
    let fixable = outcome.findings.iter().filter(|f| f.fix.is_some()).count();
    out.push_str(&format!(
        "{} error(s), {} warning(s), {} info(s) in {} file(s); {fixable} can be fixed automatically (`maskinporten-migrate fix`).\n\n",
        s.errors, s.warnings, s.infos, s.files_scanned
    ));
    for gap in outcome.gaps {
        out.push_str(&format!(
            "**Incomplete:** `{}`: {}.\n\n",
            gap.path, gap.message
        ));
    }
    let problems: Vec<_> = outcome
        .problems
        .iter()
        .filter(|p| !outcome.gaps.contains(p))
        .collect();
    if !problems.is_empty() {
        out.push_str("**Input the run could not use** (the rest was checked):\n\n");
        for p in problems {
            out.push_str(&format!(
                "- {}: `{}`: {}\n",
                p.severity,
                p.path.replace('`', "'"),
                p.message
            ));
        }
        out.push('\n');
    }
    if outcome.findings.is_empty() {
        out.push_str(if outcome.gaps.is_empty() {
            "Nothing to report.\n"
        } else {
            "Nothing to report in what was checked; this is not a clean result.\n"
        });
        return out;
    }
    out.push_str("| rule | name | severity | findings | fixable |\n|---|---|---|---|---|\n");
    for rule in RULES {
        let mine: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| f.rule.code == rule.code)
            .collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            rule.code,
            rule.name,
            rule.severity,
            mine.len(),
            mine.iter().filter(|f| f.fix.is_some()).count()
        ));
    }
    let mut projects: Vec<Option<String>> =
        outcome.findings.iter().map(|f| f.project.clone()).collect();
    projects.sort();
    projects.dedup();
    let plans = plan::build(outcome.findings);
    for project in projects {
        let findings: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| f.project == project)
            .collect();
        out.push_str(&section(
            outcome,
            project.as_deref(),
            &findings,
            &plans,
            with_patch,
        ));
    }
    out
}

fn section(
    outcome: &Outcome,
    project: Option<&str>,
    findings: &[&Finding],
    plans: &[plan::AppPlan],
    with_patch: bool,
) -> String {
    let found = outcome
        .projects
        .iter()
        .find(|p| Some(p.display()) == project);
    let title = found.map_or("Files outside any project".to_string(), |p| {
        outcome.root.relative(&p.csproj.path)
    });
    let kind = found
        .map(|p| match &p.altinn_version {
            Some(v) if p.is_app() => format!(" (Altinn app, Altinn.App {v})"),
            _ if p.is_app() => " (Altinn app)".to_string(),
            _ => " (not an Altinn app)".to_string(),
        })
        .unwrap_or_default();
    let mut out = format!("\n## `{title}`{kind}\n");
    for rule in RULES {
        let mine: Vec<&&Finding> = findings
            .iter()
            .filter(|f| f.rule.code == rule.code)
            .collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {} {}\n\n", rule.code, rule.name));
        for f in mine {
            let at = f.site.file.position(f.site.span.start);
            out.push_str(&format!(
                "- **{}:{}** ({}) {}\n",
                outcome.root.relative(&f.site.file.path),
                at.line,
                f.severity,
                f.message
            ));
            match (&f.fix, &f.fix_withheld) {
                (Some(fix), _) => out.push_str(&format!(
                    "  - fix ({}): {}\n",
                    safety(fix.safety),
                    fix.description
                )),
                (None, Some(why)) => out.push_str(&format!("  - no automatic fix: {why}\n")),
                _ => {}
            }
        }
    }
    if with_patch {
        out.push_str(&patch_block(outcome, findings));
    }
    if let (Some(comparison), Some(project)) = (&outcome.run_time, project) {
        out.push_str(&super::trace::markdown::run_time(comparison, project));
    }
    if let Some(plan) = plans.iter().find(|p| Some(p.project.as_str()) == project) {
        out.push_str("\n### Plan (outside the repository)\n\n");
        for (i, step) in plan.steps.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, step.title));
            for item in &step.items {
                out.push_str(&format!("   - `{item}`\n"));
            }
        }
    }
    out
}

fn safety(safety: crate::edit::Safety) -> &'static str {
    match safety {
        crate::edit::Safety::Safe => "safe",
        crate::edit::Safety::Unsafe => "unsafe: changes behaviour, review it",
    }
}

/// The part of the run's patch that touches the files these findings' fixes edit.
fn patch_block(outcome: &Outcome, findings: &[&Finding]) -> String {
    let files: BTreeSet<&std::path::Path> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fix| fix.edits.iter().map(|e| e.site.file.path.as_path()))
        .collect();
    let changes: Vec<_> = outcome
        .changes
        .iter()
        .filter(|c| files.contains(c.file.path.as_path()))
        .cloned()
        .collect();
    let (diff, omitted) = patch::render_text(&changes, outcome.root);
    let mut out = String::new();
    if !diff.is_empty() {
        out.push_str("\n### Proposed patch\n\n```diff\n");
        out.push_str(&diff);
        if !diff.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("```\n");
    }
    for left in omitted {
        out.push_str(&format!(
            "\nThe change to `{}` is not shown: its lines hold a secret value. Apply it with `fix --write` and review it locally.\n",
            left.path
        ));
    }
    let shown =
        |c: &&crate::fixes::apply::Change| !diff.is_empty() && c.file.encoding != Encoding::Utf8;
    for change in changes.iter().filter(shown) {
        let how = if change.file.encoding.fits_a_text_patch() {
            "`fix --diff` prints the patch in the file's own bytes"
        } else {
            "`git apply` cannot apply a text patch to it; `fix --write` applies the change and keeps the encoding"
        };
        out.push_str(&format!(
            "\n`{}` is saved as {}: the diff above shows its text; {how}.\n",
            outcome.root.relative(&change.file.path),
            change.file.encoding.name()
        ));
    }
    out
}
