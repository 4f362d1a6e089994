//! The fleet commands, over many repositories at once: `status` (where every app stands) and
//! `fix --write --branch` (`branch`). The paths (and `--repos` URLs, cloned by `clone`) are
//! split into repositories (`discover::repos`), and each repository is checked on its own, as
//! `check` in it would: the same pipeline, its own configuration file.

pub mod branch;
pub mod clone;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use crate::cli::InputArgs;
use crate::core::paths::RepoRoot;
use crate::core::{InputProblem, Severity, display_path};
use crate::discover::repos::{self, Repository};
use crate::report::status::{self, Fleet, StatusFormat};

#[derive(clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    input: InputArgs,
    /// A file with one git URL or local path per line (`#` comments); URLs are cloned into the
    /// cache folder (shallow; an existing clone is fetched and reset).
    #[arg(long, value_name = "FILE")]
    repos: Option<PathBuf>,
    /// Where --repos clones go (default: the platform's cache folder,
    /// e.g. ~/.cache/maskinporten-migrate/repos).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: StatusFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding has this severity or a higher one (default: warning, or the
    /// repository's configuration file).
    #[arg(long, value_enum)]
    fail_on: Option<Severity>,
}

/// A repository to check, with the name rows give it.
pub(crate) struct Unit {
    pub repository: Repository,
    pub name: String,
}

/// The repositories the paths (and the --repos list) hold; problems for what is missing or
/// cannot be cloned.
fn units(args: &StatusArgs) -> Result<(Vec<Unit>, Vec<InputProblem>), String> {
    let mut paths = args.input.paths.clone();
    let mut urls = Vec::new();
    if let Some(list) = &args.repos {
        for entry in clone::read_list(list)? {
            match entry {
                clone::Entry::Url(url) => urls.push(url),
                clone::Entry::Path(path) => paths.push(path),
            }
        }
    }
    if paths.is_empty() && args.repos.is_none() {
        paths.push(PathBuf::from("."));
    }
    let (mut units, mut problems) = local_units(&paths);
    if !urls.is_empty() {
        let cache = match &args.cache {
            Some(dir) => dir.clone(),
            None => clone::default_cache().ok_or(
                "there is no cache folder on this platform for --repos clones; give one with --cache DIR",
            )?,
        };
        for result in clone::clone_all(&urls, &cache, args.input.quiet) {
            match result {
                Ok(cloned) => units.push(Unit {
                    repository: Repository {
                        path: cloned.dir.clone(),
                        top: cloned.dir,
                        git: true,
                    },
                    name: cloned.shown,
                }),
                Err(problem) => problems.push(problem),
            }
        }
    }
    Ok((units, problems))
}

/// The repositories of paths on this machine; a path that does not exist is a problem.
pub(crate) fn local_units(paths: &[PathBuf]) -> (Vec<Unit>, Vec<InputProblem>) {
    let mut units = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if !path.exists() {
            problems.push(InputProblem::error(
                display_path(path),
                "no such file or directory",
            ));
            continue;
        }
        let (found, trouble) = repos::find(path);
        problems.extend(trouble);
        units.extend(found.into_iter().map(|repository| Unit {
            name: name_of(&repository, path),
            repository,
        }));
    }
    (units, problems)
}

/// A repository as rows show it: its folder relative to the current one; outside git, the path
/// as given.
fn name_of(repository: &Repository, given: &Path) -> String {
    let shown = if repository.git {
        display_path(&repository.top)
    } else if repository.path == given {
        display_path(given)
    } else {
        display_path(&repository.path)
    };
    let shown = shown.trim_end_matches('/').to_string();
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

pub fn status(args: StatusArgs) -> ExitCode {
    let (units, mut problems) = match units(&args) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    for problem in &problems {
        eprintln!(
            "{}: {}: {}",
            problem.severity, problem.path, problem.message
        );
    }
    let detail = args.format == StatusFormat::Html;
    let bar = progress_bar(units.len(), args.input.quiet);
    // One pool for the whole fleet: repositories are checked side by side, each analysis
    // spreading over the same threads (a pool per repository would cost more than a small
    // repository's analysis).
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.input.jobs)
        // As the engine's own pool: room for the bounded expression helpers in debug builds.
        .stack_size(8 << 20)
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: cannot start the worker threads: {e}");
            return ExitCode::from(2);
        }
    };
    let checked: Vec<Checked> = pool.install(|| {
        units
            .par_iter()
            .map(|unit| {
                let checked = check(&args, unit, detail, units.len() > 1);
                bar.inc(1);
                checked
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut fleet = Fleet::default();
    let mut failing = false;
    for (unit, checked) in units.iter().zip(checked) {
        match checked {
            Checked::Done {
                rows,
                problems: found,
                failing: fails,
            } => {
                fleet.rows.extend(rows);
                problems.extend(found);
                failing |= fails;
            }
            Checked::NotLoaded => {
                problems.push(InputProblem::error(
                    unit.name.clone(),
                    "not checked: its settings could not be loaded (see the error above)",
                ));
            }
        }
    }
    let input_trouble = problems.iter().any(InputProblem::is_error);
    fleet.problems = problems;
    let text = match args.format {
        StatusFormat::Human => status::human::render(&fleet, terminal_width(&args)),
        StatusFormat::Json => status::json::render(&fleet),
        StatusFormat::Csv => status::csv::render(&fleet),
        StatusFormat::Markdown => status::markdown::render(&fleet),
        StatusFormat::Html => status::html::render(&fleet),
    };
    if let Err(message) = crate::cli::write_output(args.output.as_ref(), &text) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if input_trouble {
        ExitCode::from(2)
    } else {
        ExitCode::from(u8::from(failing))
    }
}

/// What checking one repository gave.
enum Checked {
    Done {
        rows: Vec<status::Row>,
        problems: Vec<InputProblem>,
        /// A finding at or above the repository's `fail-on`.
        failing: bool,
    },
    /// Its settings could not be loaded (said on standard error).
    NotLoaded,
}

/// Checks one repository as `check` in it would (its own configuration file), on the current
/// pool, and puts its rows together.
fn check(args: &StatusArgs, unit: &Unit, detail: bool, in_fleet: bool) -> Checked {
    let mut input = args.input.clone();
    input.paths = vec![unit.repository.path.clone()];
    let Some((external, external_problems, settings)) = crate::cli::prepare(&input, args.fail_on)
    else {
        return Checked::NotLoaded;
    };
    let max_file_size = crate::cli::limits(&input, &settings).max_file_size;
    // Repositories are checked side by side, so each walks its folders on one thread; a single
    // repository has the pool to itself.
    let walkers = if in_fleet {
        1
    } else {
        rayon::current_num_threads()
    };
    let analyze = |progress: &crate::engine::Progress| {
        crate::engine::analyze_on_current_pool(
            &input.paths,
            max_file_size,
            walkers,
            &external,
            &settings.config,
            progress,
        )
    };
    let mut analysis = if in_fleet {
        analyze(&crate::engine::Progress::default())
    } else {
        // A single repository keeps the progress line of `check`.
        crate::cli::with_progress(input.quiet, analyze)
    };
    analysis.problems.extend(external_problems);
    analysis.problems.sort();
    crate::cli::say_problems(&analysis);
    let applied = crate::fixes::apply::apply(&mut analysis.findings, |_| true);
    let root = RepoRoot::new(&unit.repository.top);
    let usage = analysis.usage();
    let rows = status::rows(
        &status::Repository {
            name: &unit.name,
            root: &root,
            projects: &analysis.projects,
            usage: &usage,
            findings: &analysis.findings,
            changes: &applied.changes,
        },
        detail,
    );
    let fail_on = settings.fail_on.value;
    Checked::Done {
        rows,
        failing: analysis.findings.iter().any(|f| f.severity >= fail_on),
        problems: analysis.problems,
    }
}

/// The width the human table fits: `COLUMNS` when set, else the terminal's; none when writing
/// to a file or a pipe.
fn terminal_width(args: &StatusArgs) -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
    {
        return Some(columns);
    }
    if args.output.is_some() || !std::io::stdout().is_terminal() {
        return None;
    }
    console::Term::stdout()
        .size_checked()
        .map(|(_, columns)| usize::from(columns))
}

fn progress_bar(len: usize, quiet: bool) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let target = if quiet || len < 2 || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "maskinporten-migrate: checking {bar:30} {pos}/{len} repositories",
    ) {
        bar.set_style(style);
    }
    bar
}
