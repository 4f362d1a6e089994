//! The command line: parses the arguments, resolves the settings (command line over the
//! configuration file), runs the pipeline, and renders the result with the documented exit code
//! (0 clean, 1 findings at or above --fail-on or a pending patch, 2 usage or input errors).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{CommandLine, Config, Settings};
use crate::core::InputProblem;
use crate::engine;
use crate::facts::external::{External, Sources};
use crate::fixes::run::Selection;
use crate::report::{self, Format, Outcome};
use crate::rules::{self, Severity};

/// Appends a line to a report buffer (printing happens once, through `print_text`).
macro_rules! say {
    ($out:ident, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "maskinporten-migrate",
    version,
    about = "Finds legacy Altinn.ApiClients.Maskinporten setups in Altinn app repositories and explains how to move them to the built-in Maskinporten client."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report every legacy Maskinporten setup under the paths.
    Check(CheckArgs),
    /// Migrate what can be migrated safely: print the patch (--diff, the default) or apply it
    /// (--write).
    Fix(FixArgs),
    /// The steps outside the repository, in order: scopes to select in Altinn Studio, deploy
    /// and verify, Key Vault secrets to delete or rename.
    Plan(PlanArgs),
    /// Which source gives each Maskinporten setting its value, per environment (values are
    /// never shown); --after-fix: on the tree the pending fixes would produce.
    Trace(TraceArgs),
    /// Where every app of a fleet stands: one row per app with its state and next step (for
    /// folders of repositories, and git URLs with --repos).
    Status(crate::fleet::StatusArgs),
    /// Print the effective settings: the configuration file found and what it sets.
    Config {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Print a rule's documentation (by code, e.g. MP101, or name).
    Explain {
        /// The rule code or name.
        rule: String,
    },
    /// List the rules with their default severity.
    Rules {
        /// Output format (markdown: the README's rule table).
        #[arg(long, value_enum, default_value = "human")]
        format: report::ListFormat,
    },
}

/// What every analysing command reads.
#[derive(clap::Args, Clone)]
pub(crate) struct InputArgs {
    /// Files or directories to check (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 0)]
    pub(crate) jobs: usize,
    /// The scopes selected for the app in Altinn Studio: one per line, or a JSON array of
    /// strings or of objects with a `scope` field.
    #[arg(long, value_name = "FILE")]
    studio_scopes: Option<PathBuf>,
    /// Key Vault secret names: the JSON `az keyvault secret list` prints, or one name per line.
    #[arg(long, value_name = "FILE", conflicts_with = "key_vault")]
    key_vault_secrets: Option<PathBuf>,
    /// List the secret names of this vault live (https://NAME.vault.azure.net); values are
    /// never read.
    #[arg(long, value_name = "URL")]
    key_vault: Option<String>,
    /// The Azure credential for --key-vault (auto: workload identity, then managed identity, then
    /// the Azure CLI / Azure Developer CLI).
    #[arg(long, value_enum, default_value = "auto")]
    azure_credential: crate::facts::keyvault::CredentialChoice,
    /// The migration target: `studio` (Altinn Studio provisions the credentials; the default) or
    /// `keep` (the app keeps its own client in its own section; Altinn.App 8 only).
    #[arg(long, value_enum)]
    credentials: Option<crate::facts::external::Credentials>,
    /// Files of the tree larger than this are not read, with a warning (bytes, or with a K, M
    /// or G suffix; default 5M).
    #[arg(long, value_name = "SIZE", value_parser = crate::config::parse_size)]
    max_file_size: Option<u64>,
    /// The configuration file (default: the nearest maskinporten-migrate.toml above the first
    /// path).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// No progress line on the terminal.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding has this severity or a higher one (default: warning).
    #[arg(long, value_enum)]
    fail_on: Option<Severity>,
    /// Never colour the human output (also when NO_COLOR is set).
    #[arg(long)]
    no_color: bool,
    /// Report only findings that are not in this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings as a baseline in FILE (the report is printed as usual).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

#[derive(clap::Args)]
struct PlanArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: report::PlanFormat,
    /// Write the plan to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct TraceArgs {
    #[command(flatten)]
    input: InputArgs,
    /// An environment to trace (ASPNETCORE_ENVIRONMENT); repeat for more (default:
    /// Development, Staging, Production).
    #[arg(long = "env", value_name = "NAME")]
    environments: Vec<String>,
    /// Trace the tree the pending fixes would produce, without writing it.
    #[arg(long)]
    after_fix: bool,
    /// With --after-fix: include the unsafe fixes, as `fix --unsafe-fixes` would.
    #[arg(long, requires = "after_fix")]
    unsafe_fixes: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: report::TraceFormat,
    /// Write the trace to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct FixArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print the patch (the default): a unified diff `git apply` accepts.
    #[arg(long, conflicts_with = "write")]
    diff: bool,
    /// Apply the fixes to the files (each written whole through a temporary file).
    #[arg(long)]
    write: bool,
    /// With --write: also write what git could not undo: in a working tree with uncommitted
    /// changes, files git does not track, and files outside any git repository.
    #[arg(long, requires = "write")]
    allow_dirty: bool,
    /// Also apply unsafe fixes: those that change behaviour on purpose (removing the app's own
    /// credentials from appsettings). Without it they are listed but left alone.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Fix only these rules (comma-separated codes or names, e.g. MP101,MP108).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    only: Vec<String>,
    /// Write the patch to FILE instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "write")]
    output: Option<PathBuf>,
    /// With --write: commit the fixes on branch NAME (created or reset from HEAD) in each
    /// repository, leaving the working tree and the current branch as they are.
    #[arg(
        long,
        value_name = "NAME",
        requires = "write",
        conflicts_with = "allow_dirty"
    )]
    branch: Option<String>,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Fix(args) => fix(args),
        Command::Plan(args) => plan(args),
        Command::Trace(args) => trace(args),
        Command::Status(args) => crate::fleet::status(args),
        Command::Config { input } => show_config(&input),
        Command::Explain { rule } => explain(&rule),
        Command::Rules { format } => list_rules(format),
    }
}

fn input_paths(input: &InputArgs) -> Vec<PathBuf> {
    if input.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        input.paths.clone()
    }
}

/// The effective settings: the options on the command line over the configuration file.
fn settings(input: &InputArgs, fail_on: Option<Severity>) -> Result<Settings, String> {
    let paths = input_paths(input);
    let config = Config::load(input.config.as_deref(), &paths[0])?;
    let command_line = CommandLine {
        credentials: input.credentials,
        fail_on,
        studio_scopes: input.studio_scopes.clone(),
        key_vault_secrets: input.key_vault_secrets.clone(),
        key_vault: input.key_vault.clone(),
        max_file_size: input.max_file_size,
    };
    Ok(Settings::resolve(command_line, config))
}

/// Runs the analysis and says on standard error what could not be used; None after a usage
/// error (already said). Option files that cannot be used, a vault that cannot be listed and
/// paths that do not exist are problems of the analysis, in every report.
pub(crate) fn analyze(
    input: &InputArgs,
    fail_on: Option<Severity>,
) -> Option<(engine::Analysis, Settings)> {
    analyze_with_external(input, fail_on).map(|(analysis, settings, _)| (analysis, settings))
}

/// `analyze`, also returning what was given from outside the repository (for a second run).
fn analyze_with_external(
    input: &InputArgs,
    fail_on: Option<Severity>,
) -> Option<(engine::Analysis, Settings, External)> {
    let (external, external_problems, settings) = prepare(input, fail_on)?;
    let paths = input_paths(input);
    let mut analysis = with_progress(input.quiet, |progress| {
        engine::analyze(
            &paths,
            limits(input, &settings),
            &external,
            &settings.config,
            progress,
        )
    });
    analysis.problems.extend(external_problems);
    analysis.problems.sort();
    say_problems(&analysis);
    Some((analysis, settings, external))
}

/// The settings and what they point to outside the repository (Studio scopes, Key Vault
/// names) with the problems of loading those; None after a usage error (said).
pub(crate) fn prepare(
    input: &InputArgs,
    fail_on: Option<Severity>,
) -> Option<(External, Vec<InputProblem>, Settings)> {
    let settings = match settings(input, fail_on) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return None;
        }
    };
    let sources = Sources {
        studio_scopes: settings.studio_scopes.value.as_deref(),
        key_vault_secrets: settings.key_vault_secrets.value.as_deref(),
        key_vault: settings.key_vault.value.as_deref(),
        azure_credential: input.azure_credential,
        credentials: settings.credentials.value,
    };
    let (external, problems) = External::load(sources);
    Some((external, problems, settings))
}

/// The engine's limits from the options and settings.
pub(crate) fn limits(input: &InputArgs, settings: &Settings) -> engine::Limits {
    engine::Limits {
        threads: input.jobs,
        max_file_size: settings.max_file_size.value,
    }
}

/// Says on standard error what the run could not use.
pub(crate) fn say_problems(analysis: &engine::Analysis) {
    let mut stderr = std::io::stderr().lock();
    for problem in &analysis.problems {
        let _ = writeln!(
            stderr,
            "{}: {}: {}",
            problem.severity, problem.path, problem.message
        );
    }
}

/// Whether the run met a problem that makes the exit status 2 (a path that does not exist, an
/// option file that cannot be used).
pub(crate) fn has_errors(analysis: &engine::Analysis) -> bool {
    analysis.problems.iter().any(|p| p.is_error())
}

/// Runs `work` with a progress line on the terminal once it takes longer than half a second
/// (never when standard error is not a terminal, or with --quiet); the line is cleared after.
pub(crate) fn with_progress<T>(quiet: bool, work: impl FnOnce(&engine::Progress) -> T) -> T {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::sync::atomic::{AtomicBool, Ordering};
    let progress = engine::Progress::default();
    if quiet || !std::io::stderr().is_terminal() {
        return work(&progress);
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("maskinporten-migrate: {msg}") {
                bar.set_style(style);
            }
            let started = std::time::Instant::now();
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if bar.is_hidden() && started.elapsed() > std::time::Duration::from_millis(500) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                }
                let read = progress.files_read.load(Ordering::Relaxed);
                bar.set_message(format!("{read} files read"));
            }
            bar.finish_and_clear();
        });
        let result = work(&progress);
        done.store(true, Ordering::Relaxed);
        result
    })
}

fn show_config(input: &InputArgs) -> ExitCode {
    let settings = match settings(input, None) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut out = String::new();
    say!(
        out,
        "configuration file: {}",
        settings
            .config
            .file
            .as_ref()
            .map_or("none found".to_string(), |f| crate::core::display_path(f))
    );
    let credentials = format!("{:?}", settings.credentials.value).to_lowercase();
    say!(
        out,
        "credentials = {credentials:?} {}",
        settings.credentials.origin.label()
    );
    say!(
        out,
        "fail-on = \"{}\" {}",
        settings.fail_on.value,
        settings.fail_on.origin.label()
    );
    let shown = |p: &Option<PathBuf>| p.as_ref().map(|p| crate::core::display_path(p));
    for (name, value, origin) in [
        (
            "studio-scopes",
            shown(&settings.studio_scopes.value),
            settings.studio_scopes.origin,
        ),
        (
            "key-vault-secrets",
            shown(&settings.key_vault_secrets.value),
            settings.key_vault_secrets.origin,
        ),
        (
            "key-vault",
            settings.key_vault.value.clone(),
            settings.key_vault.origin,
        ),
    ] {
        match value {
            Some(v) => say!(out, "{name} = {v:?} {}", origin.label()),
            None => say!(out, "{name}: not set"),
        }
    }
    say!(
        out,
        "max-file-size = {} ({}) {}",
        settings.max_file_size.value,
        crate::config::show_size(settings.max_file_size.value),
        settings.max_file_size.origin.label()
    );
    say!(out, "exclude = {:?}", settings.config.exclude);
    say!(out, "[rules]");
    for rule in rules::RULES {
        let level = match settings.config.rules.get(&rule.code) {
            Some(level) => format!("{level:?}").to_lowercase() + " (configuration file)",
            None => format!("{} (default)", rule.level_description()),
        };
        say!(out, "{} = {level}   # {}", rule.code, rule.name);
    }
    print_text(&out);
    ExitCode::SUCCESS
}

fn check(args: CheckArgs) -> ExitCode {
    let Some((mut analysis, settings, external)) = analyze_with_external(&args.input, args.fail_on)
    else {
        return ExitCode::from(2);
    };
    let applied = crate::fixes::apply::apply(&mut analysis.findings, |_| true);
    // The Markdown report shows production before and after the patch it proposes.
    let environments = default_environments();
    let run_time = (args.format == Format::Markdown).then(|| {
        let after = engine::analyze_changed(
            &input_paths(&args.input),
            limits(&args.input, &settings),
            &external,
            &settings.config,
            &applied.changes,
        );
        let runtimes = engine::runtimes(&after, &external, &environments);
        (
            engine::runtimes(&analysis, &external, &environments),
            after,
            runtimes,
        )
    });
    let mut stderr = std::io::stderr().lock();
    if let Some(path) = &args.write_baseline
        && let Err(message) = write_output(
            Some(path),
            &rules::baseline::render(&analysis.findings, &analysis.root),
        )
    {
        let _ = writeln!(stderr, "error: {message}");
        return ExitCode::from(2);
    }
    let mut baselined = 0;
    if let Some(path) = &args.baseline {
        match rules::baseline::filter(std::mem::take(&mut analysis.findings), path, &analysis.root)
        {
            Ok((kept, absorbed)) => {
                analysis.findings = kept;
                baselined = absorbed;
            }
            Err(message) => {
                let _ = writeln!(stderr, "error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let outcome = Outcome {
        projects: &analysis.projects,
        findings: &analysis.findings,
        problems: &analysis.problems,
        files_scanned: analysis.files_scanned,
        changes: &applied.changes,
        suppressed: analysis.suppressed,
        baselined,
        root: &analysis.root,
        gaps: &analysis.gaps,
        run_time: run_time.as_ref().map(|(before, after, after_runtimes)| {
            report::trace::markdown::Comparison {
                projects: &analysis.projects,
                before: report::trace::Side {
                    runtimes: before,
                    findings: &analysis.findings,
                    root: Some(&analysis.root),
                },
                after: report::trace::Side {
                    runtimes: after_runtimes,
                    findings: &after.findings,
                    root: Some(&analysis.root),
                },
            }
        }),
    };
    let color = args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let text = match args.format {
        Format::Human => report::human::render(&outcome, color, human_width(args.output.is_none())),
        Format::Json => report::json::render(&outcome),
        Format::Sarif => report::sarif::render(&outcome),
        Format::Github => report::github::render(&outcome),
        Format::Markdown => report::markdown::render(&outcome),
    };
    if let Err(message) = write_output(args.output.as_ref(), &text) {
        let _ = writeln!(stderr, "error: {message}");
        return ExitCode::from(2);
    }
    if has_errors(&analysis) {
        return ExitCode::from(2);
    }
    let fail_on = settings.fail_on.value;
    let failing = analysis.findings.iter().any(|f| f.severity >= fail_on);
    ExitCode::from(u8::from(failing))
}

fn fix(args: FixArgs) -> ExitCode {
    let only = match args
        .only
        .iter()
        .map(|code| rules::find(code).map(|r| r.code).ok_or(code))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(list) => list,
        Err(code) => {
            eprintln!("error: --only: no rule `{code}`; `maskinporten-migrate rules` lists them");
            return ExitCode::from(2);
        }
    };
    let selection = Selection {
        only,
        unsafe_fixes: args.unsafe_fixes,
    };
    if let Some(branch) = &args.branch {
        return crate::fleet::branch::fix_on_branch(&args.input, &selection, branch);
    }
    if args.write
        && !args.allow_dirty
        && let Some(dirty) = crate::fixes::write::dirty_worktree(&input_paths(&args.input))
    {
        eprintln!(
            "error: {dirty} has uncommitted changes; commit or stash them first (so the fix can be reviewed and undone), or pass --allow-dirty"
        );
        return ExitCode::from(2);
    }
    let Some((mut analysis, settings)) = analyze(&args.input, None) else {
        return ExitCode::from(2);
    };
    let keep = settings.credentials.value == crate::facts::external::Credentials::Keep;
    let run = crate::fixes::run::run(&mut analysis.findings, &analysis.projects, keep, &selection);
    for warning in &run.warnings {
        eprintln!("warning: {warning}");
    }
    for left in &run.left_out {
        let f = &analysis.findings[left.finding];
        let needs: Vec<String> = left.needs.iter().map(ToString::to_string).collect();
        eprintln!(
            "note: {} at {} is not fixed: its fix needs the fixes of {} first, which --only leaves out; add them to --only",
            f.rule.code,
            f.location(),
            needs.join(", ")
        );
    }
    if run.unsafe_left > 0 {
        eprintln!(
            "{} unsafe fix(es) not applied (they change which credentials the app uses); review them with check and apply them with --unsafe-fixes",
            run.unsafe_left
        );
    }
    let applied = &run.applied;
    let left = run.left_for_person;
    if args.write {
        let roots = input_paths(&args.input);
        let (inside, outside) = crate::fixes::write::inside_repository(&applied.changes, &roots);
        if !args.allow_dirty {
            let refused = crate::fixes::write::not_undoable(&inside);
            if !refused.is_empty() {
                for (path, reason) in outside.iter().chain(&refused) {
                    eprintln!("error: {path} {reason}");
                }
                eprintln!(
                    "error: nothing was written, so that every change can be reviewed and undone with git; pass --allow-dirty to write anyway"
                );
                return ExitCode::from(2);
            }
        }
        for (path, reason) in &outside {
            eprintln!("error: {path} {reason}");
        }
        let written = crate::fixes::write::write_all(&inside);
        for (path, error) in &written.failed {
            eprintln!("error: {path}: {error}; this file was left as it was");
        }
        for path in &written.done {
            eprintln!("fixed {path}");
        }
        eprintln!(
            "{} fix(es) applied in {} file(s); {left} finding(s) left for a person (run check to see them)",
            applied.fixed.len(),
            written.done.len()
        );
        let complete = written.failed.is_empty() && outside.is_empty() && !has_errors(&analysis);
        return ExitCode::from(if complete { 0 } else { 2 });
    }
    let (patch, omitted) = report::patch::render(&applied.changes, &analysis.root);
    for left in &omitted {
        let path = &left.path;
        match left.why {
            report::patch::LeftOut::Secret => eprintln!(
                "warning: {path}: the change is not in the patch because its lines show a secret value; review and apply it with fix --write"
            ),
            report::patch::LeftOut::Encoding(encoding) => eprintln!(
                "warning: {path}: the change is not in the patch because the file is {}, which a text patch cannot carry; apply it with fix --write, which keeps the encoding, BOM and line endings (check --format json shows the edits)",
                encoding.name()
            ),
        }
    }
    if let Err(message) = write_output_bytes(args.output.as_ref(), &patch) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    eprintln!(
        "{} fix(es) in {} file(s); {left} finding(s) left for a person (run check to see them)",
        applied.fixed.len(),
        applied.changes.len()
    );
    if has_errors(&analysis) {
        return ExitCode::from(2);
    }
    ExitCode::from(u8::from(!applied.changes.is_empty()))
}

fn plan(args: PlanArgs) -> ExitCode {
    let Some((mut analysis, _)) = analyze(&args.input, None) else {
        return ExitCode::from(2);
    };
    crate::fixes::apply::apply(&mut analysis.findings, |_| true);
    let plans = report::plan::build(&analysis.findings);
    let text = match args.format {
        report::PlanFormat::Human => report::plan::render_human(&plans),
        report::PlanFormat::Json => report::plan::render_json(&plans),
        report::PlanFormat::Markdown => report::plan::render_markdown(&plans),
    };
    if let Err(message) = write_output(args.output.as_ref(), &text) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    ExitCode::from(if has_errors(&analysis) { 2 } else { 0 })
}

/// The width human output wraps at: the terminal's when standard output is one, else
/// `DEFAULT_WIDTH` (so files and pipes get the same text everywhere).
fn human_width(to_stdout: bool) -> usize {
    let terminal = to_stdout && std::io::stdout().is_terminal();
    terminal
        .then(|| console::Term::stdout().size_checked())
        .flatten()
        .map_or(report::human::DEFAULT_WIDTH, |(_, columns)| {
            usize::from(columns)
        })
}

/// Prints text to standard output; a reader that went away (a closed pipe) is not an error.
fn print_text(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Writes the report to the file (whole) or to standard output.
pub(crate) fn write_output(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    write_output_bytes(path, text.as_bytes())
}

/// Writes bytes (a patch, whose lines keep each file's encoding) to the file (whole) or to
/// standard output.
fn write_output_bytes(path: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            // A reader that stopped early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(|e| format!("cannot write the report: {e}")),
        };
    };
    crate::core::write::write_whole(path, bytes)
        .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))
}

fn explain(code: &str) -> ExitCode {
    let mut out = String::new();
    match rules::find(code) {
        Some(rule) => {
            say!(
                out,
                "# {} {}\n\nDefault severity: {}\n\n{}",
                rule.code,
                rule.name,
                rule.level_description(),
                rule.doc
            );
            print_text(&out);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: no rule `{code}`; `maskinporten-migrate rules` lists them (e.g. {} or {})",
                rules::rule(crate::core::Code::MP101).code,
                rules::rule(crate::core::Code::MP101).name
            );
            ExitCode::from(2)
        }
    }
}

fn list_rules(format: report::ListFormat) -> ExitCode {
    let text = match format {
        report::ListFormat::Human => report::rules::human(),
        report::ListFormat::Json => report::rules::json(),
        report::ListFormat::Markdown => report::rules::markdown(),
    };
    print_text(&text);
    ExitCode::SUCCESS
}

fn default_environments() -> Vec<crate::assess::runtime::Environment> {
    crate::assess::runtime::DEFAULT_ENVIRONMENTS
        .iter()
        .map(|name| crate::assess::runtime::Environment::new(name))
        .collect()
}

fn trace(args: TraceArgs) -> ExitCode {
    let Some((analysis, settings, external)) = analyze_with_external(&args.input, None) else {
        return ExitCode::from(2);
    };
    // A path that does not exist or an option file that cannot be used (said on standard error).
    let errors = has_errors(&analysis);
    // What the run could not use: the same before and after the fixes.
    let (problems, gaps) = (analysis.problems.clone(), analysis.gaps.clone());
    let environments = if args.environments.is_empty() {
        default_environments()
    } else {
        args.environments
            .iter()
            .map(|name| crate::assess::runtime::Environment::new(name))
            .collect()
    };
    // With --after-fix, the same run on the files as `fix` would change them (not written).
    let after = args.after_fix.then(|| {
        let mut findings = analysis.findings.clone();
        let selection = Selection {
            only: Vec::new(),
            unsafe_fixes: args.unsafe_fixes,
        };
        let applied = crate::fixes::apply::apply(&mut findings, |f| selection.wants(f));
        let after = engine::analyze_changed(
            &input_paths(&args.input),
            limits(&args.input, &settings),
            &external,
            &settings.config,
            &applied.changes,
        );
        let fixes = report::trace::AfterFix {
            fixes: applied.fixed.len(),
            files: applied.changes.len(),
            unsafe_fixes: args.unsafe_fixes,
        };
        (after, fixes)
    });
    let (traced, after_fix) = match after {
        Some((after, fixes)) => (after, Some(fixes)),
        None => (analysis, None),
    };
    let runtimes = engine::runtimes(&traced, &external, &environments);
    let view = report::trace::View {
        projects: &traced.projects,
        environments: &environments,
        side: report::trace::Side {
            runtimes: &runtimes,
            findings: &traced.findings,
            root: None,
        },
        after_fix,
        problems: &problems,
        gaps: &gaps,
    };
    let text = match args.format {
        report::TraceFormat::Human => report::trace::human::render(&view),
        report::TraceFormat::Json => report::trace::json::render(&view),
        report::TraceFormat::Markdown => report::trace::markdown::render(&view),
    };
    if let Err(message) = write_output(args.output.as_ref(), &text) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    ExitCode::from(if errors { 2 } else { 0 })
}
