//! `status`: the fleet view. One row per Altinn app (and per other project that uses the legacy
//! library) with its repository, version, state (`fixes::state`), counts, the scopes and Key
//! Vault secrets the plan names, and the next step; rendered as a terminal table, JSON, CSV,
//! Markdown or a self-contained HTML page. The rows are put together from what the pipeline
//! decided; nothing here decides anything.

pub mod csv;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;

use std::collections::HashMap;

use super::{fix_label, patch, plan};
use crate::core::paths::RepoRoot;
use crate::core::{Code, InputProblem, Severity};
use crate::discover::Project;
use crate::facts::resolve::MaskinportenUse;
use crate::fixes::apply::Change;
use crate::fixes::state::{self, Standing, StateKind};
use crate::rules::Finding;

/// Formats of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    Human,
    Json,
    Csv,
    Markdown,
    Html,
}

/// One project of the fleet.
#[derive(Debug, Clone)]
pub struct Row {
    /// The repository as the user named it: a URL (without credentials) or a folder.
    pub repository: String,
    /// The project file, relative to the repository.
    pub project: String,
    pub is_app: bool,
    pub altinn_version: Option<String>,
    /// `v8`, `v9-early` or `v9` for an app.
    pub model: Option<&'static str>,
    pub standing: Standing,
    /// What the HTML report shows when a row is expanded.
    pub detail: Option<Detail>,
}

impl Row {
    /// "8.12.7 (v8)", "unknown (v8)", or "not an app".
    pub fn version_cell(&self) -> String {
        match (self.is_app, &self.altinn_version, self.model) {
            (false, _, _) => "not an app".to_string(),
            (true, Some(v), Some(m)) => format!("{v} ({m})"),
            (true, None, Some(m)) => format!("unknown ({m})"),
            (true, Some(v), None) => v.clone(),
            (true, None, None) => "unknown".to_string(),
        }
    }
}

/// A project's findings, proposed patch and plan.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    pub findings: Vec<FindingLine>,
    /// The part of `fix --diff`'s patch that touches the project's files.
    pub patch: String,
    /// Files whose change the patch leaves out because its lines show a secret.
    pub hidden: Vec<String>,
    pub plan: Vec<plan::Step>,
}

#[derive(Debug, Clone)]
pub struct FindingLine {
    pub rule: Code,
    pub name: &'static str,
    pub severity: Severity,
    /// `path:line`, relative to the repository.
    pub at: String,
    pub message: String,
    /// "fix: ..." or "unsafe fix (...): ...".
    pub fix: Option<String>,
    pub withheld: Option<String>,
}

/// Every row of a run, with the input it could not use.
#[derive(Debug, Default)]
pub struct Fleet {
    pub rows: Vec<Row>,
    pub problems: Vec<InputProblem>,
}

/// The projects in one state.
#[derive(Debug, Clone, Copy)]
pub struct Total {
    pub kind: StateKind,
    pub projects: usize,
    pub fixes: usize,
}

impl Fleet {
    /// One total per state, in `StateKind::ALL` order (zero included).
    pub fn totals(&self) -> Vec<Total> {
        StateKind::ALL
            .iter()
            .map(|&kind| {
                let mine = self.rows.iter().filter(|r| r.standing.state.kind() == kind);
                Total {
                    kind,
                    projects: mine.clone().count(),
                    fixes: mine.map(|r| r.standing.state.fixes()).sum(),
                }
            })
            .collect()
    }

    pub fn repositories(&self) -> usize {
        let mut names: Vec<&str> = self.rows.iter().map(|r| r.repository.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    /// "7 projects in 5 repositories".
    pub fn headline(&self) -> String {
        let projects = self.rows.len();
        let repositories = self.repositories();
        format!(
            "{projects} project{} in {repositories} repositor{}",
            if projects == 1 { "" } else { "s" },
            if repositories == 1 { "y" } else { "ies" }
        )
    }
}

/// What one analysed repository gives the fleet view.
pub struct Repository<'a> {
    /// As the user named it.
    pub name: &'a str,
    /// Paths in rows, findings and patches are relative to it.
    pub root: &'a RepoRoot,
    pub projects: &'a [Project],
    /// Parallel to `projects`.
    pub usage: &'a [MaskinportenUse],
    /// After the fix engine ran on them (`fixes::apply`).
    pub findings: &'a [Finding],
    pub changes: &'a [Change],
}

/// The rows of one repository, sorted by project path; `detail` adds what the HTML report
/// expands (the patch and plan cost time, so only that format asks for them).
pub fn rows(repository: &Repository, detail: bool) -> Vec<Row> {
    let mut by_project: HashMap<Option<&str>, Vec<&Finding>> = HashMap::new();
    for f in repository.findings {
        by_project.entry(f.project.as_deref()).or_default().push(f);
    }
    let mut rows: Vec<Row> = Vec::new();
    for (project, usage) in repository.projects.iter().zip(repository.usage) {
        let findings = by_project
            .remove(&Some(project.display()))
            .unwrap_or_default();
        if let Some(standing) = state::standing(Some(project), *usage, &findings) {
            rows.push(Row {
                repository: repository.name.to_string(),
                project: repository.root.relative(&project.csproj.path),
                is_app: project.is_app(),
                altinn_version: project.altinn_version.as_ref().map(|v| v.text.clone()),
                model: project
                    .is_app()
                    .then(|| crate::assess::VersionModel::of(Some(project)).name()),
                standing,
                detail: detail.then(|| details(repository, &findings)),
            });
        }
    }
    // Findings in files outside every project (only inventoried).
    let loose = by_project.remove(&None).unwrap_or_default();
    if let Some(standing) = state::standing(None, MaskinportenUse::default(), &loose) {
        rows.push(Row {
            repository: repository.name.to_string(),
            project: "(files outside any project)".to_string(),
            is_app: false,
            altinn_version: None,
            model: None,
            standing,
            detail: detail.then(|| details(repository, &loose)),
        });
    }
    rows.sort_by(|a, b| a.project.cmp(&b.project));
    rows
}

fn details(repository: &Repository, findings: &[&Finding]) -> Detail {
    let lines = findings
        .iter()
        .map(|f| {
            let line = f.site.file.position(f.site.span.start).line;
            FindingLine {
                rule: f.rule.code,
                name: f.rule.name,
                severity: f.severity,
                at: format!("{}:{line}", repository.root.relative(&f.site.file.path)),
                message: f.message.clone(),
                fix: f
                    .fix
                    .as_ref()
                    .map(|fix| format!("{}: {}", fix_label(fix.safety), fix.description)),
                withheld: f.fix_withheld.clone(),
            }
        })
        .collect();
    let files: std::collections::HashSet<&std::path::Path> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fix| fix.edits.iter().map(|e| e.site.file.path.as_path()))
        .collect();
    let changes: Vec<Change> = repository
        .changes
        .iter()
        .filter(|c| files.contains(c.file.path.as_path()))
        .cloned()
        .collect();
    // As text for reading, as the Markdown report shows it; only a secret keeps a file out.
    let (patch, omitted) = patch::render_text(&changes, repository.root);
    let hidden = omitted.into_iter().map(|o| o.path).collect();
    let owned: Vec<Finding> = findings.iter().map(|f| (*f).clone()).collect();
    let plan = plan::build(&owned)
        .into_iter()
        .next()
        .map(|p| p.steps)
        .unwrap_or_default();
    Detail {
        findings: lines,
        patch,
        hidden,
        plan,
    }
}
