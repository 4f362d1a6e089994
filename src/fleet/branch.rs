//! `fix --write --branch NAME`: for each repository the paths hold, the fix run `fix --diff`
//! would print, committed on branch NAME (created or reset from HEAD) with the summary and the
//! Markdown report (without its patch: the commit is the patch) as the message. The working
//! tree and the current branch are left alone; a repository with uncommitted changes is
//! refused, as `--write` refuses it. Prints, per repository, the branch, the commit and what is
//! left for a person.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Unit, local_units};
use crate::cli::InputArgs;
use crate::core::paths::RepoRoot;
use crate::fixes::branch::{self, FileChange, Outcome};
use crate::fixes::run::Selection;
use crate::fixes::state::{self, StateKind};
use crate::report;
use crate::rules::Finding;

pub(crate) fn fix_on_branch(input: &InputArgs, selection: &Selection, name: &str) -> ExitCode {
    let paths = if input.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        input.paths.clone()
    };
    let (units, problems) = local_units(&paths);
    let mut trouble = !problems.is_empty();
    for problem in &problems {
        eprintln!("error: {}: {}", problem.path, problem.message);
    }
    for unit in &units {
        match one_repository(input, selection, name, unit) {
            Ok(done) => {
                println!("{}", done.line);
                trouble |= done.incomplete;
            }
            Err(message) => {
                eprintln!("error: {}: {message}", unit.name);
                trouble = true;
            }
        }
    }
    ExitCode::from(if trouble { 2 } else { 0 })
}

/// What became of one repository.
struct Done {
    /// What happened, in a line.
    line: String,
    /// Something given could not be used (an option file, say: said on standard error), so the
    /// exit status is 2 as for `fix --write`.
    incomplete: bool,
}

/// Fixes one repository onto the branch.
fn one_repository(
    input: &InputArgs,
    selection: &Selection,
    name: &str,
    unit: &Unit,
) -> Result<Done, String> {
    let top = &unit.repository.top;
    if !unit.repository.git {
        return Err("not a git repository, so there is no branch to commit to; use --write without --branch, or `git init` it first".to_string());
    }
    if let Some(dirty) = crate::fixes::write::dirty_worktree(std::slice::from_ref(top)) {
        return Err(format!(
            "{dirty} has uncommitted changes; commit or stash them first (the branch starts from HEAD, and the fixes are made from the files as they are)"
        ));
    }
    let mut one = input.clone();
    one.paths = vec![unit.repository.path.clone()];
    let (mut analysis, settings) = crate::cli::analyze(&one, None)
        .ok_or("not checked: its settings could not be loaded (see the error above)")?;
    let keep = settings.credentials.value == crate::facts::external::Credentials::Keep;
    let run = crate::fixes::run::run(&mut analysis.findings, &analysis.projects, keep, selection);
    for warning in &run.warnings {
        eprintln!("warning: {warning}");
    }
    let root = RepoRoot::new(top);
    // The commit holds exactly the patch `fix --diff` prints: a file whose change would show a
    // secret value, or whose encoding a text patch cannot carry, is left out of both.
    let (_, omitted) = report::patch::render(&run.applied.changes, &root);
    for left in &omitted {
        let path = &left.path;
        match left.why {
            report::patch::LeftOut::Secret => eprintln!(
                "warning: {path}: the change is not committed because its lines show a secret value; review and apply it with fix --write"
            ),
            report::patch::LeftOut::Encoding(encoding) => eprintln!(
                "warning: {path}: the change is not committed because the file is {}, which the patch of fix --diff cannot carry; apply it with fix --write",
                encoding.name()
            ),
        }
    }
    let shown: Vec<_> = run
        .applied
        .changes
        .iter()
        .filter(|c| !omitted.iter().any(|o| o.path == c.file.display) && c.text != c.file.text)
        .collect();
    let left = left_for_person(&analysis, &RepoRoot::new(top));
    let incomplete = crate::cli::has_errors(&analysis);
    if shown.is_empty() {
        return Ok(Done {
            line: format!(
                "{}: nothing to fix, so no branch{}",
                unit.name,
                left_text(&left)
            ),
            incomplete,
        });
    }
    let mut files = Vec::new();
    for change in &shown {
        let path = root.relative(&change.file.path);
        // In the file's own encoding, BOM and line endings: the bytes git holds.
        let unencodable = |c: char| {
            format!("{path}: the change holds {c:?}, which the file's encoding cannot hold")
        };
        files.push(FileChange {
            before: change.file.encode(&change.file.text).map_err(unencodable)?,
            after: change.bytes().map_err(unencodable)?,
            path,
        });
    }
    let outcome = report::Outcome {
        projects: &analysis.projects,
        findings: &analysis.findings,
        problems: &analysis.problems,
        files_scanned: analysis.files_scanned,
        changes: &run.applied.changes,
        suppressed: analysis.suppressed,
        baselined: 0,
        root: &root,
        gaps: &analysis.gaps,
        // The run-time trace is check's; the message says what the commit changes and leaves.
        run_time: None,
    };
    let message = format!(
        "Migrate to the built-in Maskinporten client\n\n{}\n\n{}",
        summary(run.applied.fixed.len(), files.len(), run.left_for_person),
        report::markdown::render_without_patch(&outcome)
    );
    let done = branch::commit(top, name, &files, &message)?;
    let what = match &done {
        Outcome::Created(_) => "created".to_string(),
        Outcome::Reset { from, .. } => format!("reset from {}", short(from)),
        Outcome::UpToDate(_) => "already up to date".to_string(),
    };
    let unsafe_left = match run.unsafe_left {
        0 => String::new(),
        n => format!("; {n} unsafe fix(es) not applied (--unsafe-fixes applies them)"),
    };
    Ok(Done {
        line: format!(
            "{}: branch {name} at {} ({what}): {} fix(es) in {} file(s){unsafe_left}{}",
            unit.name,
            short(done.commit()),
            run.applied.fixed.len(),
            files.len(),
            left_text(&left)
        ),
        incomplete,
    })
}

fn summary(fixes: usize, files: usize, left: usize) -> String {
    format!(
        "maskinporten-migrate {} applied {fixes} fix(es) in {files} file(s); {left} finding(s) are left for a person (below, with the plan outside the repository).",
        env!("CARGO_PKG_VERSION")
    )
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// What is left for a person, per project, as `status` would say it (needs a person, or
/// blocked by version), each project named relative to the repository.
fn left_for_person(analysis: &crate::engine::Analysis, root: &RepoRoot) -> Vec<(String, String)> {
    analysis
        .projects
        .iter()
        .zip(analysis.usage())
        .filter_map(|(project, usage)| {
            let mine: Vec<&Finding> = analysis
                .findings
                .iter()
                .filter(|f| f.project.as_deref() == Some(project.display()))
                .collect();
            let standing = state::standing(Some(project), usage, &mine)?;
            matches!(
                standing.state.kind(),
                StateKind::NeedsPerson | StateKind::BlockedByVersion
            )
            .then(|| {
                (
                    root.relative(&project.csproj.path),
                    standing.state.describe(),
                )
            })
        })
        .collect()
}

fn left_text(left: &[(String, String)]) -> String {
    if left.is_empty() {
        return "; nothing left for a person".to_string();
    }
    let parts: Vec<String> = left
        .iter()
        .map(|(project, state)| format!("{project} {state}"))
        .collect();
    format!("; {}", parts.join("; "))
}
