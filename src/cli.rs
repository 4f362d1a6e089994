//! The command line: parses arguments, runs the command, prints the report, and turns the result
//! into the documented exit code (0 clean, 1 findings at or above --fail-on, 2 usage or input
//! errors).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::engine;
use crate::facts::external::{External, KeyVaultNames};
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
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: report::ListFormat,
    },
}

/// What every analysing command reads.
#[derive(clap::Args)]
struct InputArgs {
    /// Files or directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 0)]
    jobs: usize,
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
    /// The configuration file (default: the nearest maskinporten-migrate.toml above the first
    /// path).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// No progress line on the terminal.
    #[arg(short, long)]
    quiet: bool,
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
struct FixArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print the patch (the default): a unified diff `git apply` accepts.
    #[arg(long, conflicts_with = "write")]
    diff: bool,
    /// Apply the fixes to the files (each written whole through a temporary file).
    #[arg(long)]
    write: bool,
    /// With --write: also in a git working tree with uncommitted changes.
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
        Command::Config { input } => show_config(&input),
        Command::Explain { rule } => explain(&rule),
        Command::Rules { format } => list_rules(format),
    }
}

/// Runs the analysis the options ask for and says what could not be read; None after a usage
/// error (already reported).
fn analyze(input: &InputArgs) -> Option<(engine::Analysis, Config)> {
    let paths = input_paths(input);
    let loaded = load_config(input).and_then(|config| Ok((external(input, &config)?, config)));
    let (external, config) = match loaded {
        Ok(both) => both,
        Err(message) => {
            eprintln!("error: {message}");
            return None;
        }
    };
    let progress = engine::Progress::default();
    let show = !input.quiet && std::io::stderr().is_terminal();
    let done = std::sync::atomic::AtomicBool::new(false);
    let analysis = std::thread::scope(|scope| {
        if show {
            scope.spawn(|| progress_line(&progress, &done));
        }
        let analysis = engine::analyze(&paths, input.jobs, &external, &config, &progress);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        analysis
    });
    let mut stderr = std::io::stderr().lock();
    for missing in &analysis.missing_paths {
        let _ = writeln!(stderr, "error: {missing}: no such file or directory");
    }
    for problem in &analysis.problems {
        let _ = writeln!(stderr, "warning: {}: {}", problem.path, problem.message);
    }
    Some((analysis, config))
}

/// A progress line on the terminal while a long scan runs, cleared at the end.
fn progress_line(progress: &engine::Progress, done: &std::sync::atomic::AtomicBool) {
    use std::sync::atomic::Ordering;
    let started = std::time::Instant::now();
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        // Short runs stay silent.
        if started.elapsed() > std::time::Duration::from_millis(500) {
            let read = progress.files_read.load(Ordering::Relaxed);
            eprint!("\r\x1b[2Kmaskinporten-migrate: {read} files read");
            shown = true;
        }
    }
    if shown {
        eprint!("\r\x1b[2K");
    }
}

fn input_paths(input: &InputArgs) -> Vec<PathBuf> {
    if input.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        input.paths.clone()
    }
}

fn load_config(input: &InputArgs) -> Result<Config, String> {
    let paths = input_paths(input);
    Config::load(input.config.as_deref(), &paths[0])
}

fn show_config(input: &InputArgs) -> ExitCode {
    let mut out = String::new();
    let config = match load_config(input) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let from = |cli: bool, file: bool| {
        if cli {
            "(command line)"
        } else if file {
            "(configuration file)"
        } else {
            "(default)"
        }
    };
    let shown = |p: &Option<PathBuf>| p.as_ref().map(|p| crate::core::display_path(p));
    say!(
        out,
        "configuration file: {}",
        config
            .file
            .as_ref()
            .map_or("none found".to_string(), |f| crate::core::display_path(f))
    );
    let credentials = input.credentials.or(config.credentials).unwrap_or_default();
    say!(
        out,
        "credentials = {:?} {}",
        format!("{credentials:?}").to_lowercase(),
        from(input.credentials.is_some(), config.credentials.is_some())
    );
    let fail_on = config.fail_on.unwrap_or(Severity::Warning);
    say!(
        out,
        "fail-on = \"{fail_on}\" {}",
        from(false, config.fail_on.is_some())
    );
    for (name, cli, file) in [
        (
            "studio-scopes",
            shown(&input.studio_scopes),
            shown(&config.studio_scopes),
        ),
        (
            "key-vault-secrets",
            shown(&input.key_vault_secrets),
            shown(&config.key_vault_secrets),
        ),
        (
            "key-vault",
            input.key_vault.clone(),
            config.key_vault.clone(),
        ),
    ] {
        match (&cli, &file) {
            (Some(v), _) | (None, Some(v)) => say!(
                out,
                "{name} = {v:?} {}",
                from(cli.is_some(), file.is_some())
            ),
            (None, None) => say!(out, "{name}: not set"),
        }
    }
    say!(out, "exclude = {:?}", config.exclude);
    say!(out, "[rules]");
    for rule in rules::RULES {
        let level = match config.rules.get(&rule.code) {
            Some(level) => format!("{level:?}").to_lowercase() + " (configuration file)",
            None => format!("{} (default)", rule.severity),
        };
        say!(out, "{} = {level}   # {}", rule.code, rule.name);
    }
    print_text(&out);
    ExitCode::SUCCESS
}

fn check(args: CheckArgs) -> ExitCode {
    let Some((mut analysis, config)) = analyze(&args.input) else {
        return ExitCode::from(2);
    };
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Warning);
    let applied = crate::fixes::apply::apply(&mut analysis.findings, |_| true);
    let mut stderr = std::io::stderr().lock();
    if let Some(path) = &args.write_baseline
        && let Err(message) = write_output(Some(path), &rules::baseline::render(&analysis.findings))
    {
        let _ = writeln!(stderr, "error: {message}");
        return ExitCode::from(2);
    }
    let mut baselined = 0;
    if let Some(path) = &args.baseline {
        match rules::baseline::filter(std::mem::take(&mut analysis.findings), path) {
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
    };
    let color = args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let text = match args.format {
        Format::Human => report::human::render(&outcome, color),
        Format::Json => report::json::render(&outcome),
        Format::Sarif => report::sarif::render(&outcome),
        Format::Github => report::github::render(&outcome),
        Format::Markdown => report::markdown::render(&outcome),
    };
    if let Err(message) = write_output(args.output.as_ref(), &text) {
        let _ = writeln!(stderr, "error: {message}");
        return ExitCode::from(2);
    }
    if !analysis.missing_paths.is_empty() {
        return ExitCode::from(2);
    }
    let failing = analysis.findings.iter().any(|f| f.severity >= fail_on);
    ExitCode::from(u8::from(failing))
}

fn fix(args: FixArgs) -> ExitCode {
    let only: Vec<&'static rules::Rule> = match args
        .only
        .iter()
        .map(|code| rules::find(code.trim()).ok_or(code))
        .collect::<Result<_, _>>()
    {
        Ok(list) => list,
        Err(code) => {
            eprintln!("error: --only: no rule `{code}`; `maskinporten-migrate rules` lists them");
            return ExitCode::from(2);
        }
    };
    if args.write && !args.allow_dirty {
        let paths = if args.input.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.input.paths.clone()
        };
        if let Some(dirty) = crate::fixes::write::dirty_worktree(&paths) {
            eprintln!(
                "error: {dirty} has uncommitted changes; commit or stash them first (so the fix can be reviewed and undone), or pass --allow-dirty"
            );
            return ExitCode::from(2);
        }
    }
    let Some((mut analysis, config)) = analyze(&args.input) else {
        return ExitCode::from(2);
    };
    if args.input.credentials.or(config.credentials)
        == Some(crate::facts::external::Credentials::Keep)
    {
        for project in analysis
            .projects
            .iter()
            .filter(|p| p.is_app() && p.altinn_version.as_ref().is_some_and(|v| v.major >= 9))
        {
            eprintln!(
                "warning: {}: {}",
                project.display(),
                crate::assess::gate::KEEP_REFUSED_ON_V9
            );
        }
    }
    let unsafe_fixes = args.unsafe_fixes;
    let wanted = |f: &rules::Finding| {
        let safe_enough = unsafe_fixes
            || f.fix
                .as_ref()
                .is_none_or(|fix| fix.safety == crate::edit::Safety::Safe);
        safe_enough && (only.is_empty() || only.iter().any(|r| r.code == f.rule.code))
    };
    let applied = crate::fixes::apply::apply(&mut analysis.findings, wanted);
    let left = analysis
        .findings
        .iter()
        .filter(|f| f.fix.is_none() && f.rule.code != crate::core::Code::MP904)
        .count();
    let unsafe_left = analysis
        .findings
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            f.fix
                .as_ref()
                .is_some_and(|fix| fix.safety == crate::edit::Safety::Unsafe)
                && !applied.fixed.contains(i)
        })
        .count();
    if unsafe_left > 0 {
        eprintln!(
            "{unsafe_left} unsafe fix(es) not applied (they change which credentials the app uses); review them with check and apply them with --unsafe-fixes"
        );
    }
    if args.write {
        let written = crate::fixes::write::write_all(&applied.changes);
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
        return ExitCode::from(if written.failed.is_empty() { 0 } else { 2 });
    }
    let (patch, hidden) = report::patch::render(&applied.changes);
    for path in &hidden {
        eprintln!(
            "warning: {path}: the change is not in the patch because its lines show a secret value; review and apply it with fix --write"
        );
    }
    if let Err(message) = write_output(args.output.as_ref(), &patch) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    eprintln!(
        "{} fix(es) in {} file(s); {left} finding(s) left for a person (run check to see them)",
        applied.fixed.len(),
        applied.changes.len()
    );
    if !analysis.missing_paths.is_empty() {
        return ExitCode::from(2);
    }
    ExitCode::from(u8::from(!applied.changes.is_empty()))
}

fn plan(args: PlanArgs) -> ExitCode {
    let Some((mut analysis, _)) = analyze(&args.input) else {
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
    ExitCode::from(if analysis.missing_paths.is_empty() {
        0
    } else {
        2
    })
}

/// Prints text to standard output; a reader that went away (a closed pipe) is not an error.
fn print_text(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Reads what the options bring from outside the repository.
fn external(args: &InputArgs, config: &Config) -> Result<External, String> {
    let studio_scopes = args
        .studio_scopes
        .as_deref()
        .or(config.studio_scopes.as_deref())
        .map(crate::facts::external::read_studio_scopes)
        .transpose()?;
    let key_vault = args
        .key_vault_secrets
        .as_deref()
        .or(config
            .key_vault_secrets
            .as_deref()
            .filter(|_| args.key_vault.is_none()))
        .map(|path| {
            crate::facts::keyvault::read_names_file(path)
                .map(|names| KeyVaultNames {
                    source: crate::core::display_path(path),
                    names: names.into_iter().map(|n| n.name).collect(),
                    file: crate::core::SourceFile::read(path)
                        .ok()
                        .map(std::sync::Arc::new),
                })
                .map_err(|e| e.to_string())
        })
        .transpose()?;
    let url = args
        .key_vault
        .as_ref()
        .or(config.key_vault.as_ref().filter(|_| key_vault.is_none()));
    let key_vault = match (url, key_vault) {
        (Some(url), _) => live_names(url, args.azure_credential),
        (None, from_file) => from_file,
    };
    Ok(External {
        key_vault,
        studio_scopes,
        credentials: args.credentials.or(config.credentials).unwrap_or_default(),
    })
}

/// Lists a vault's secret names; a vault that cannot be listed is a warning, and the check goes
/// on without Key Vault.
fn live_names(
    url: &str,
    credential: crate::facts::keyvault::CredentialChoice,
) -> Option<KeyVaultNames> {
    match crate::facts::keyvault::list_vault(url, credential) {
        Ok(names) => Some(KeyVaultNames {
            source: url.to_string(),
            names: names.into_iter().map(|n| n.name).collect(),
            file: None,
        }),
        Err(err) => {
            eprintln!("warning: {err}; checking without Key Vault names");
            None
        }
    }
}

/// Writes the report to the file (whole, via a temporary file) or to standard output.
fn write_output(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            // A reader that stopped early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(|e| format!("cannot write the report: {e}")),
        };
    };
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let temporary = directory.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("report"),
        std::process::id()
    ));
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            format!("cannot write the report to {}: {e}", path.display())
        })
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
                rule.severity,
                rule.doc
            );
            print_text(&out);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: no rule `{code}`; `maskinporten-migrate rules` lists them (e.g. MP101 or legacy-typed-client)"
            );
            ExitCode::from(2)
        }
    }
}

fn list_rules(format: report::ListFormat) -> ExitCode {
    let mut out = String::new();
    match format {
        report::ListFormat::Human => {
            for rule in rules::RULES {
                say!(
                    out,
                    "{}  {:<32} {:<8} {}",
                    rule.code,
                    rule.name,
                    rule.severity,
                    rule.summary
                );
            }
        }
        report::ListFormat::Json => {
            let list: Vec<_> = rules::RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary
                    })
                })
                .collect();
            say!(
                out,
                "{}",
                serde_json::to_string_pretty(&list).expect("rules serialise")
            );
        }
    }
    print_text(&out);
    ExitCode::SUCCESS
}
