//! `--format json`: one stable, versioned object (see DESIGN.md). Paths are relative to the
//! current directory with `/`; lines and columns are 1-based.

use serde::Serialize;

use super::{InputProblem, Outcome, Summary};
use crate::core::Site;
use crate::core::{Encoding, Severity};
use crate::discover::ProjectKind;
use crate::edit::Safety;
use crate::rules::Finding;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    projects: Vec<ProjectJson<'a>>,
    findings: Vec<FindingJson<'a>>,
    summary: Summary,
    problems: &'a [InputProblem],
}

#[derive(Serialize)]
struct ProjectJson<'a> {
    path: &'a str,
    kind: ProjectKind,
    altinn_version: Option<String>,
    /// For an app, the Altinn.App behaviour it gets: `v8`, `v9-early` or `v9` (an unknown
    /// version is taken for `v8`).
    model: Option<&'static str>,
    /// Why the model is an assumption, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    model_note: Option<String>,
    /// What the kind was decided from (`PackageReference Altinn.App.Api`, `IsAltinnApp`, ...).
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl Location {
    fn of(site: &Site) -> Location {
        let start = site.file.position(site.span.start);
        let end = site.file.position(site.span.end);
        Location {
            path: site.file.display.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    #[serde(flatten)]
    location: Location,
    message: &'a str,
}

#[derive(Serialize)]
struct EditJson<'a> {
    path: &'a str,
    /// Offsets in the file's own bytes (its BOM included).
    start_byte: usize,
    end_byte: usize,
    replacement: &'a str,
    /// The file's encoding when it is not UTF-8: the replacement is written in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
}

#[derive(Serialize)]
struct FixJson<'a> {
    safety: Safety,
    description: &'a str,
    edits: Vec<EditJson<'a>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    rule: crate::core::Code,
    name: &'static str,
    severity: Severity,
    #[serde(flatten)]
    location: Location,
    project: Option<&'a str>,
    message: &'a str,
    related: Vec<RelatedJson<'a>>,
    fix: Option<FixJson<'a>>,
    fix_withheld: Option<&'a str>,
}

fn finding(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: f.rule.code,
        name: f.rule.name,
        severity: f.severity,
        location: Location::of(&f.site),
        project: f.project.as_deref(),
        message: &f.message,
        related: f
            .related
            .iter()
            .map(|r| RelatedJson {
                location: Location::of(&r.site),
                message: &r.message,
            })
            .collect(),
        fix: f.fix.as_ref().map(|fix| FixJson {
            safety: fix.safety,
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let file = &e.site.file;
                    EditJson {
                        path: &file.display,
                        start_byte: file.file_offset(e.site.span.start),
                        end_byte: file.file_offset(e.site.span.end),
                        replacement: &e.replacement,
                        encoding: (file.encoding != Encoding::Utf8).then(|| file.encoding.name()),
                    }
                })
                .collect(),
        }),
        fix_withheld: f.fix_withheld.as_deref(),
    }
}

pub fn render(outcome: &Outcome) -> String {
    let notes = outcome.notes();
    let document = Document {
        version: VERSION,
        projects: outcome
            .projects
            .iter()
            .map(|p| ProjectJson {
                path: p.display(),
                kind: p.kind,
                altinn_version: p.altinn_version.as_ref().map(|v| v.text.clone()),
                model: p
                    .is_app()
                    .then(|| crate::assess::VersionModel::of(Some(p)).name()),
                model_note: notes
                    .iter()
                    .find(|(path, _)| path == p.display())
                    .map(|(_, note)| note.clone()),
                evidence: p.evidence.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        findings: outcome.findings.iter().map(finding).collect(),
        summary: outcome.summary(),
        problems: outcome.problems,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the report serialises");
    text.push('\n');
    text
}
