//! Runs the pipeline once: discover, read and prefilter every candidate file in parallel, extract
//! facts (each file parsed once), resolve them per project, assess them and run the rules. The
//! same run can read some files with the content the pending fixes give them (`analyze_changed`),
//! which is how `trace --after-fix` sees the tree the patch would produce without writing it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::assess::Assessment;
use crate::assess::runtime::{Environment, Runtime};
use crate::config::Config;
use crate::core::InputProblem;
use crate::core::catalogue;
use crate::core::paths::RepoRoot;
use crate::core::source::decode;
use crate::core::{Fallback, ReadError, SourceFile, display_path};
use crate::discover::{self, Candidate, Evidence, FileKind, Project};
use crate::facts::appsettings::{self, AppSettingsFile};
use crate::facts::csharp::{self, CsFile};
use crate::facts::external::External;
use crate::facts::policy;
use crate::facts::resolve::{MaskinportenUse, PolicyFile, ProjectFacts, ProjectFiles};
use crate::facts::{prefilter, resolve};
use crate::fixes::apply::Change;
use crate::rules::suppressions::Suppression;
use crate::rules::{self, Finding};

/// The result of a `check`.
pub struct Analysis {
    pub projects: Vec<Project>,
    pub findings: Vec<Finding>,
    pub problems: Vec<InputProblem>,
    pub files_scanned: usize,
    /// Findings left out by suppression comments.
    pub suppressed: usize,
    /// What paths in patches, baselines and SARIF are relative to.
    pub root: RepoRoot,
    /// Where the run checked less than the paths suggest (also in `problems`): the reports say
    /// so in words, so an empty result does not read like a clean one.
    pub gaps: Vec<InputProblem>,
    /// What was read and assessed of each project (in the order of `projects`; the files
    /// outside any project last): what the run-time trace is computed from.
    pub assessed: Vec<Assessed>,
}

impl Analysis {
    /// Which Maskinporten clients each project's code uses, in the order of `projects`.
    pub fn usage(&self) -> Vec<MaskinportenUse> {
        self.assessed
            .iter()
            .take(self.projects.len())
            .map(|a| a.facts.usage())
            .collect()
    }
}

/// One project's facts and assessment.
pub struct Assessed {
    pub facts: ProjectFacts,
    pub assessment: Assessment,
}

/// New contents of files by path: read instead of the files on disk.
type Overlay = HashMap<PathBuf, Vec<u8>>;

enum Extracted {
    CSharp(CsFile),
    /// A C# file the prefilter skipped, skimmed for string constants and type names only.
    Skimmed(csharp::Skimmed),
    AppSettings(AppSettingsFile),
    Policy(PolicyFile),
    Skipped,
}

struct FileOutcome {
    project: Option<usize>,
    extracted: Extracted,
    problems: Vec<InputProblem>,
    suppressions: Vec<Suppression>,
}

/// Counts files as they are read, for a progress line.
#[derive(Debug, Default)]
pub struct Progress {
    pub files_read: std::sync::atomic::AtomicUsize,
}

/// How much one run may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Files of the tree above this size (bytes) are not read (`max-file-size`).
    pub max_file_size: u64,
}

/// Analyses `paths` within `limits`.
pub fn analyze(
    paths: &[PathBuf],
    limits: Limits,
    external: &External,
    config: &Config,
    progress: &Progress,
) -> Analysis {
    analyze_overlaid(paths, limits, external, config, progress, &Overlay::new())
}

/// Analyses `paths` on a pool of `limits.threads` workers, reading the files `overlay` holds
/// from it instead of the disk.
fn analyze_overlaid(
    paths: &[PathBuf],
    limits: Limits,
    external: &External,
    config: &Config,
    progress: &Progress,
    overlay: &Overlay,
) -> Analysis {
    rayon::ThreadPoolBuilder::new()
        .num_threads(limits.threads)
        // Room for the bounded expression helpers in debug builds too.
        .stack_size(8 << 20)
        .build()
        .expect("a thread pool can be built")
        .install(|| {
            analyze_in_pool(
                paths,
                limits.max_file_size,
                rayon::current_num_threads(),
                external,
                config,
                progress,
                overlay,
            )
        })
}

/// Analyses `paths` as the changes leave them, without writing anything: the C#, appsettings
/// and policy files a change touches are read from it (project files are read as they are).
pub fn analyze_changed(
    paths: &[PathBuf],
    limits: Limits,
    external: &External,
    config: &Config,
    changes: &[Change],
) -> Analysis {
    // A change always encodes (the fix engine drops one the file's encoding cannot hold).
    let overlay: Overlay = changes
        .iter()
        .filter_map(|c| Some((c.file.path.clone(), c.bytes().ok()?)))
        .collect();
    analyze_overlaid(
        paths,
        limits,
        external,
        config,
        &Progress::default(),
        &overlay,
    )
}

/// The run-time trace of every app of an analysis (a file argument traces its project), in the
/// given environments.
pub fn runtimes(
    analysis: &Analysis,
    external: &External,
    environments: &[Environment],
) -> Vec<Runtime> {
    analysis
        .projects
        .iter()
        .zip(&analysis.assessed)
        .filter_map(|(p, a)| Runtime::of(p, &a.facts, &a.assessment, external, environments))
        .collect()
}

/// Analyses `paths` on the current rayon pool: for callers that run many analyses at once
/// (one per repository of a fleet) on one pool. `walkers` threads walk the folders: the pool's
/// size when the analysis has the pool to itself, one when many share it (a small repository's
/// walk on several threads mostly waits for work).
pub fn analyze_on_current_pool(
    paths: &[PathBuf],
    max_file_size: u64,
    walkers: usize,
    external: &External,
    config: &Config,
    progress: &Progress,
) -> Analysis {
    analyze_in_pool(
        paths,
        max_file_size,
        walkers,
        external,
        config,
        progress,
        &Overlay::new(),
    )
}

fn analyze_in_pool(
    paths: &[PathBuf],
    max_file_size: u64,
    walkers: usize,
    external: &External,
    config: &Config,
    progress: &Progress,
    overlay: &Overlay,
) -> Analysis {
    csharp::warm_up();
    let mut workspace = discover::discover(paths, max_file_size, walkers);
    let in_scope = |path: &std::path::Path| workspace.scope.covers(path);
    let considered = workspace.files.iter().filter(|f| in_scope(&f.path)).count();
    let excluded = workspace
        .files
        .iter()
        .filter(|f| in_scope(&f.path) && config.excludes(&f.path))
        .count();
    workspace.files.retain(|f| !config.excludes(&f.path));
    let outcomes: Vec<FileOutcome> = workspace
        .files
        .par_iter()
        .map(|candidate| {
            progress
                .files_read
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            read_candidate(candidate, max_file_size, overlay)
        })
        .collect();
    // A file argument reads its whole project, but counts (and reports) only itself.
    let scope = workspace.scope.clone();
    let files_scanned = workspace
        .files
        .iter()
        .filter(|f| scope.covers(&f.path))
        .count()
        + workspace
            .projects
            .iter()
            .filter(|p| scope.covers(&p.csproj.path))
            .count();

    let unreadable = workspace
        .files
        .iter()
        .zip(&outcomes)
        .filter(|(f, o)| matches!(o.extracted, Extracted::Skipped) && scope.covers(&f.path))
        .count();
    let files = FileCounts {
        considered,
        excluded,
        unreadable,
    };
    let mut problems = workspace.problems;
    problems.extend(
        workspace
            .missing_paths
            .iter()
            .map(|path| InputProblem::error(path.clone(), "no such file or directory")),
    );
    let mut suppressions = Vec::new();
    let mut groups: Vec<ProjectFiles> = (0..=workspace.projects.len())
        .map(|_| ProjectFiles::default())
        .collect();
    for outcome in outcomes {
        problems.extend(outcome.problems);
        suppressions.extend(outcome.suppressions);
        let group = &mut groups[outcome.project.unwrap_or(workspace.projects.len())];
        match outcome.extracted {
            Extracted::CSharp(file) => group.csharp.push(file),
            Extracted::AppSettings(file) => group.appsettings.push(file),
            Extracted::Skimmed(found) => group.skimmed.extend(found),
            Extracted::Policy(policy) => group.policies.push(policy),
            Extracted::Skipped => {}
        }
    }

    let mut projects = workspace.projects;
    let facts: Vec<ProjectFacts> = groups
        .into_par_iter()
        .enumerate()
        .map(|(group, files)| resolve::resolve(projects.get(group), files))
        .collect();
    for (project, facts) in projects.iter_mut().zip(&facts) {
        project.settle(app_calls(facts));
    }
    let gaps = gaps(paths, &projects, &workspace.missing_paths, &files);
    problems.extend(gaps.iter().cloned());
    let assessed: Vec<Assessed> = facts
        .into_par_iter()
        .enumerate()
        .map(|(group, facts)| Assessed {
            assessment: Assessment::of(projects.get(group), &facts, external),
            facts,
        })
        .collect();
    let findings: Vec<Finding> = assessed
        .par_iter()
        .enumerate()
        .flat_map_iter(|(group, assessed)| {
            let context = rules::Context {
                project: projects.get(group),
                facts: &assessed.facts,
                external,
                assessment: &assessed.assessment,
            };
            rules::check_project(&context)
        })
        .collect();
    let mut findings = config.apply_levels(findings);
    findings.retain(|f| scope.covers(&f.site.file.path));
    let (mut findings, suppressed) = rules::suppressions::apply(findings, &suppressions);
    // Unused-suppression findings in files read only for context.
    findings.retain(|f| scope.covers(&f.site.file.path));
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
        suppressed,
        root: workspace.root,
        gaps,
        assessed,
    }
}

/// How the candidate files in scope fared.
struct FileCounts {
    considered: usize,
    excluded: usize,
    /// Files that could not be read or parsed at all.
    unreadable: usize,
}

/// Where the run checked less than the paths suggest: no project (so no app) under them,
/// every file skipped, or a project file that cannot be read in what looks like an app.
fn gaps(
    paths: &[PathBuf],
    projects: &[Project],
    missing: &[String],
    files: &FileCounts,
) -> Vec<InputProblem> {
    let given: Vec<String> = paths
        .iter()
        .map(|p| display_path(p))
        .filter(|p| !missing.contains(p))
        .collect();
    let mut gaps = Vec::new();
    if given.is_empty() {
        return gaps;
    }
    let where_ = given.join(", ");
    if projects.is_empty() {
        let message = if files.considered == 0 {
            "nothing was checked: no project (.csproj) and no C#, appsettings or policy file here"
                .to_string()
        } else {
            format!(
                "no project (.csproj) here or above, so no Altinn app was checked: the {} file{} found {} only inventoried",
                files.considered,
                if files.considered == 1 { "" } else { "s" },
                if files.considered == 1 { "is" } else { "are" }
            )
        };
        gaps.push(InputProblem::new(where_.clone(), message));
    }
    if files.considered > 0 && files.excluded + files.unreadable == files.considered {
        gaps.push(InputProblem::new(
            where_,
            format!(
                "every file was skipped ({} excluded by the configuration, {} that could not be read), so nothing was checked in them",
                files.excluded, files.unreadable
            ),
        ));
    }
    for project in projects {
        if project.kind != discover::ProjectKind::Unreadable {
            continue;
        }
        if let Some(why) = looks_like_an_app(project) {
            gaps.push(InputProblem::new(
                project.display(),
                format!(
                    "the project file cannot be read, so this project, which looks like an Altinn app ({why}), was checked as one that is not: its legacy usage is only inventoried and nothing is fixed"
                ),
            ));
        }
    }
    gaps
}

/// Why a project whose file cannot be parsed looks like an app: its text names Altinn.App, or
/// it has the app layout or start-up.
fn looks_like_an_app(project: &Project) -> Option<String> {
    let text = &project.csproj.text;
    let mut why: Vec<String> = catalogue::APP_PACKAGES
        .iter()
        .filter(|p| text.contains(*p))
        .take(1)
        .map(|p| format!("its project file names {p}"))
        .collect();
    why.extend(
        project
            .evidence
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Evidence::AppLayout | Evidence::Call { start_up: true, .. }
                )
            })
            .map(|e| format!("{e}")),
    );
    (!why.is_empty()).then(|| why.join("; "))
}

/// The calls in a project's code that only an app makes, the first of each method: the start-up
/// of Altinn.App, and the set-up of its Maskinporten client (what the library's own test
/// projects call).
fn app_calls(facts: &ProjectFacts) -> Vec<Evidence> {
    let start_up = facts.app_start_up.iter().map(|c| (c.method, true, &c.site));
    let client = facts
        .client_overrides
        .iter()
        .map(|c| (catalogue::CLIENT_OVERRIDE, false, &c.site));
    let shims = facts
        .shims
        .iter()
        .filter(|s| s.name == catalogue::SHIM_REGISTRATION)
        .map(|s| (catalogue::SHIM_REGISTRATION, false, &s.site));
    let mut out: Vec<Evidence> = Vec::new();
    for (method, start_up, site) in start_up.chain(client).chain(shims) {
        let seen = out
            .iter()
            .any(|e| matches!(e, Evidence::Call { method: m, .. } if *m == method));
        if !seen {
            let line = site.file.position(site.span.start).line;
            out.push(Evidence::Call {
                method,
                start_up,
                at: format!("{}:{line}", site.file.display),
            });
        }
    }
    out
}

fn read_candidate(candidate: &Candidate, max_file_size: u64, overlay: &Overlay) -> FileOutcome {
    let mut problems = Vec::new();
    let mut suppressions = Vec::new();
    let extracted = match read(candidate, max_file_size, &mut suppressions, overlay) {
        Err(problem) => {
            problems.push(problem);
            Extracted::Skipped
        }
        Ok(Read::Skipped(skimmed)) => Extracted::Skimmed(skimmed),
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
                if let Some(at) = facts.too_deep {
                    let at = facts.file.position(at.start);
                    problems.push(InputProblem::new(
                        facts.file.display.clone(),
                        format!(
                            "expression nested too deeply to analyse (more than {} levels) at line {}, column {}; what is nested below that level is not checked",
                            csharp::MAX_NESTING,
                            at.line,
                            at.column
                        ),
                    ));
                }
                Extracted::CSharp(facts)
            }
            FileKind::Policy => match policy::parse(&file) {
                Ok(parsed) => Extracted::Policy(PolicyFile {
                    org: app_owner(&candidate.path, max_file_size),
                    file,
                    policy: parsed,
                }),
                Err(message) => {
                    problems.push(InputProblem::new(
                        file.display.clone(),
                        format!("{message}; the policy is not checked"),
                    ));
                    Extracted::Skipped
                }
            },
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
        suppressions,
    }
}

enum Read {
    Text(Arc<SourceFile>),
    /// The prefilter says the file cannot matter; its string constants and type names may.
    Skipped(csharp::Skimmed),
}

fn read(
    candidate: &Candidate,
    max_file_size: u64,
    suppressions: &mut Vec<Suppression>,
    overlay: &Overlay,
) -> Result<Read, InputProblem> {
    // A file a change touches is read as the change leaves it.
    let bytes = match overlay.get(&candidate.path) {
        Some(changed) => changed.clone(),
        None => crate::core::source::read_regular(&candidate.path, max_file_size).map_err(|e| {
            let message = match e {
                crate::core::ReadError::Io(_) => e.to_string(),
                _ => format!("{e}; the file is skipped"),
            };
            InputProblem::new(display_path(&candidate.path), message)
        })?,
    };
    let skipped = |e: ReadError| {
        InputProblem::new(
            display_path(&candidate.path),
            format!("{e}; the file is skipped"),
        )
    };
    // Decoded first: the prefilter's words must be found in a UTF-16 file too.
    let decoded = decode(bytes, Fallback::Windows1252).map_err(skipped)?;
    let may_matter =
        candidate.kind != FileKind::CSharp || prefilter::may_matter(decoded.text.as_bytes());
    let holds_suppression = rules::suppressions::may_hold(decoded.text.as_bytes());
    if !may_matter {
        let skimmed = csharp::skim(&candidate.path, &decoded.text);
        if holds_suppression && let Ok(file) = SourceFile::decoded(&candidate.path, decoded) {
            suppressions.extend(rules::suppressions::scan(&Arc::new(file)));
        }
        return Ok(Read::Skipped(skimmed));
    }
    let file = Arc::new(SourceFile::decoded(&candidate.path, decoded).map_err(skipped)?);
    if holds_suppression {
        suppressions.extend(rules::suppressions::scan(&file));
    }
    Ok(Read::Text(file))
}

/// The app owner (`org`) from `config/applicationmetadata.json` beside the policy, when readable:
/// policies may name the owner instead of the `[org]` placeholder.
fn app_owner(policy: &std::path::Path, max_file_size: u64) -> Option<String> {
    let metadata = policy.parent()?.parent()?.join("applicationmetadata.json");
    let bytes = crate::core::source::read_regular(&metadata, max_file_size).ok()?;
    let text = decode(bytes, Fallback::Windows1252).ok()?.text;
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    value.get("org")?.as_str().map(str::to_string)
}
