//! Runs the pipeline once: discover, read and prefilter every candidate file in parallel, extract
//! facts (each file parsed once), resolve them per project, and run the rules.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{self, Candidate, FileKind, Project};
use crate::facts::appsettings::{self, AppSettingsFile};
use crate::facts::csharp::{self, CsFile};
use crate::facts::{prefilter, resolve};
use crate::report::InputProblem;
use crate::rules::{self, Finding};
use crate::source::{SourceFile, display_path};

/// The result of a `check`.
pub struct Analysis {
    pub projects: Vec<Project>,
    pub findings: Vec<Finding>,
    pub problems: Vec<InputProblem>,
    pub files_scanned: usize,
    /// Paths given on the command line that do not exist.
    pub missing_paths: Vec<String>,
}

enum Extracted {
    CSharp(CsFile),
    /// A C# file the prefilter skipped, scanned for string constants only.
    Constants(Vec<csharp::Constant>),
    AppSettings(AppSettingsFile),
    Skipped,
}

struct FileOutcome {
    project: Option<usize>,
    extracted: Extracted,
    problems: Vec<InputProblem>,
}

/// Analyses `paths` with at most `threads` worker threads (0: one per core).
pub fn analyze(paths: &[PathBuf], threads: usize) -> Analysis {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool can be built");
    pool.install(|| analyze_in_pool(paths))
}

fn analyze_in_pool(paths: &[PathBuf]) -> Analysis {
    csharp::warm_up();
    let workspace = discover::discover(paths);
    let outcomes: Vec<FileOutcome> = workspace.files.par_iter().map(read_candidate).collect();
    let files_scanned = workspace.files.len() + workspace.projects.len();

    let mut problems = workspace.problems;
    let group_count = workspace.projects.len() + 1;
    let mut cs_groups: Vec<Vec<CsFile>> = (0..group_count).map(|_| Vec::new()).collect();
    let mut constant_groups: Vec<Vec<csharp::Constant>> =
        (0..group_count).map(|_| Vec::new()).collect();
    let mut settings_groups: Vec<Vec<AppSettingsFile>> =
        (0..group_count).map(|_| Vec::new()).collect();
    for outcome in outcomes {
        problems.extend(outcome.problems);
        let group = outcome.project.unwrap_or(workspace.projects.len());
        match outcome.extracted {
            Extracted::CSharp(file) => cs_groups[group].push(file),
            Extracted::AppSettings(file) => settings_groups[group].push(file),
            Extracted::Constants(found) => constant_groups[group].extend(found),
            Extracted::Skipped => {}
        }
    }

    let projects = workspace.projects;
    let mut findings: Vec<Finding> = cs_groups
        .into_par_iter()
        .zip(settings_groups.into_par_iter())
        .zip(constant_groups.into_par_iter())
        .enumerate()
        .flat_map_iter(|(group, ((cs, settings), constants))| {
            let project = projects.get(group);
            let facts = resolve::resolve(project, &cs, &constants, settings);
            let context = rules::Context::new(project, &facts);
            rules::check_project(&context)
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.site.file.display, a.site.span.start, a.rule.code).cmp(&(
            &b.site.file.display,
            b.site.span.start,
            b.rule.code,
        ))
    });
    problems.sort();
    problems.dedup();
    Analysis {
        projects,
        findings,
        problems,
        files_scanned,
        missing_paths: workspace.missing_paths,
    }
}

fn read_candidate(candidate: &Candidate) -> FileOutcome {
    let mut problems = Vec::new();
    let extracted = match read(candidate) {
        Err(problem) => {
            problems.push(problem);
            Extracted::Skipped
        }
        Ok(Read::Skipped(constants)) => Extracted::Constants(constants),
        Ok(Read::Text(file)) => match candidate.kind {
            FileKind::CSharp => {
                let facts = csharp::extract(file);
                if let Some(first) = facts.parse_errors.first() {
                    let at = facts.file.position(first.start);
                    problems.push(InputProblem::new(
                        facts.file.display.clone(),
                        format!(
                            "C# syntax error at line {}, column {}; findings in the broken part of the file may be missing",
                            at.line, at.column
                        ),
                    ));
                }
                Extracted::CSharp(facts)
            }
            FileKind::AppSettings => match appsettings::parse(file.clone()) {
                Ok(settings) => Extracted::AppSettings(settings),
                Err(message) => {
                    problems.push(InputProblem::new(
                        file.display.clone(),
                        format!("{message}; the file is ignored"),
                    ));
                    Extracted::Skipped
                }
            },
        },
    };
    FileOutcome {
        project: candidate.project,
        extracted,
        problems,
    }
}

enum Read {
    Text(Arc<SourceFile>),
    /// The prefilter says the file cannot matter; its string constants may.
    Skipped(Vec<csharp::Constant>),
}

fn read(candidate: &Candidate) -> Result<Read, InputProblem> {
    let bytes = std::fs::read(&candidate.path).map_err(|e| {
        InputProblem::new(
            display_path(&candidate.path),
            format!("cannot read the file: {e}"),
        )
    })?;
    if candidate.kind == FileKind::CSharp && !prefilter::may_matter(&bytes) {
        let constants = match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains("const string ") => csharp::scan_constants(text),
            _ => Vec::new(),
        };
        return Ok(Read::Skipped(constants));
    }
    SourceFile::from_bytes(&candidate.path, bytes)
        .map(|f| Read::Text(Arc::new(f)))
        .map_err(|e| {
            InputProblem::new(
                display_path(&candidate.path),
                format!("{e}; the file is skipped"),
            )
        })
}
