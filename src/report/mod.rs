//! Report: renders the result of a run in the format asked for. Renderers only format; they
//! decide nothing.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod patch;
pub mod plan;
pub mod redact;
pub mod rules;
pub mod sarif;
pub mod status;
pub mod trace;

use crate::core::InputProblem;
use crate::core::Severity;
use crate::discover::Project;
use crate::rules::Finding;

/// How human-facing formats introduce a fix: an unsafe one says so, and how to apply it.
pub fn fix_label(safety: crate::edit::Safety) -> &'static str {
    match safety {
        crate::edit::Safety::Safe => "fix",
        crate::edit::Safety::Unsafe => {
            "unsafe fix (changes which credentials sign; applied only with --unsafe-fixes)"
        }
    }
}

/// Everything a renderer needs.
pub struct Outcome<'a> {
    pub projects: &'a [Project],
    pub findings: &'a [Finding],
    pub problems: &'a [InputProblem],
    pub files_scanned: usize,
    /// The files the fixes would change (for the Markdown report's patch).
    pub changes: &'a [crate::fixes::apply::Change],
    /// Findings left out by suppression comments and by the baseline.
    pub suppressed: usize,
    pub baselined: usize,
    /// What paths in SARIF, annotations and the Markdown report are relative to.
    pub root: &'a crate::core::paths::RepoRoot,
    /// Where less was checked than the paths suggest (also among `problems`).
    pub gaps: &'a [InputProblem],
    /// Production before and after the fixes, for the Markdown report's "Run time" sections.
    pub run_time: Option<trace::markdown::Comparison<'a>>,
}

/// Counts by severity.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub baselined: usize,
}

impl Outcome<'_> {
    /// What the run assumed about each app and the user should know: an app whose Altinn.App
    /// version is not known gets the Altinn.App 8 rules, and the note says why the version is
    /// not known (a reference without a version, a referenced Altinn.App project that sets none).
    /// What the reports say about how an app's Altinn.App version was read: not known (the
    /// Altinn.App 8 rules apply), or floating (read as the highest it can restore).
    pub fn notes(&self) -> Vec<(String, String)> {
        self.projects
            .iter()
            .filter(|p| p.is_app())
            .filter_map(|p| Some((p.display().to_string(), version_note(p)?)))
            .collect()
    }

    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files_scanned: self.files_scanned,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed: self.suppressed,
            baselined: self.baselined,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

/// Formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Markdown,
}

/// Formats of `trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    Human,
    Json,
    Markdown,
}

/// Formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    Markdown,
}

fn version_note(project: &Project) -> Option<String> {
    match &project.altinn_version {
        Some(version) if version.floats() => Some(format!(
            "the Altinn.App version `{version}` floats: NuGet restores the newest release it matches, which the rules read as {}; pin the version to be sure",
            crate::assess::VersionModel::of(Some(project)).name()
        )),
        Some(_) => None,
        None => Some(match &project.version_unknown {
            Some(unknown) => format!(
                "the Altinn.App version is not known ({}), so the Altinn.App 8 rules apply; {}",
                unknown.reason, unknown.remedy
            ),
            None => {
                "the Altinn.App version is not known, so the Altinn.App 8 rules apply".to_string()
            }
        }),
    }
}
