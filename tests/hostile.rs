//! Hostile input and safe writes (issue #12): input built at run time that once aborted, hung or
//! panicked the run, or made `fix` write what git cannot undo. Each test names the defect.

mod common;

use std::fs;
use std::path::Path;

use common::{
    APP_CSPROJ, LEGACY_REGISTRATION, check_json, git, problems, rules_at, run, write_file,
};

fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "App/App.csproj", APP_CSPROJ.as_bytes());
    write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
    dir
}

/// Defect 1: deep nesting in a start-up file (parentheses, a member chain, a long string
/// concatenation) once overflowed the stack (exit 134, no report); a registration argument
/// nested past the bound is a named problem, and the rest is still checked.
#[test]
fn deep_nesting_is_a_named_problem_not_an_abort() {
    let dir = app();
    let host = "var builder = WebApplication.CreateBuilder(args);\nbuilder.WebHost.ConfigureAppWebHost(args);\n";
    let n = 20_000;
    let parens = format!("{host}var x = {}1{};\n", "(".repeat(n), ")".repeat(n));
    write_file(dir.path(), "Parens/Program.cs", parens.as_bytes());
    let chain = format!("{host}var x = a{};\n", ".b".repeat(n));
    write_file(dir.path(), "Chain/Program.cs", chain.as_bytes());
    let concat = format!("{host}var x = {};\n", vec!["\"a\""; n].join(" + "));
    write_file(dir.path(), "Concat/Program.cs", concat.as_bytes());
    let deep_argument = format!(
        "using Altinn.ApiClients.Maskinporten.Services;\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IBar, Bar>(config{}, cd => cd.ClientSettings.Scope = \"a:b\");\n}}\n",
        ".GetSection(\"a\")".repeat(n)
    );
    write_file(dir.path(), "App/Deep.cs", deep_argument.as_bytes());
    let (report, exit, stderr) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1, "{stderr}");
    let deep = |path: &str, line: usize, column: usize| {
        format!(
            "{path}: expression nested too deeply to analyse (more than 256 levels) at line {line}, column {column}; what is nested below that level is not checked"
        )
    };
    assert_eq!(
        problems(&report),
        [
            deep("App/Deep.cs", 4, 80),
            deep("Chain/Program.cs", 3, 9),
            deep("Concat/Program.cs", 3, 9),
            deep("Parens/Program.cs", 3, 259),
        ]
    );
    let found = rules_at(&report);
    assert!(
        found.contains(&"MP101 App/Program.cs:5".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"MP101 App/Deep.cs:4".to_string()),
        "{found:?}"
    );
}

/// Runs the binary with a short patience: a hang fails the test quickly.
fn run_within(dir: &Path, args: &[&str], seconds: u64) -> std::process::Output {
    assert_cmd::Command::cargo_bin("maskinporten-migrate")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(seconds))
        .args(args)
        .output()
        .unwrap()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Defect 3: a FIFO in the tree (as a file the run reads, behind a symbolic link, or as an
/// ignore file the walker reads) once blocked the run for ever; it is skipped with a warning.
#[cfg(unix)]
#[test]
fn a_fifo_in_the_tree_is_skipped_not_waited_on() {
    let dir = app();
    mkfifo(&dir.path().join("App/Pipe.cs"));
    mkfifo(&dir.path().join("App/appsettings.json"));
    std::os::unix::fs::symlink("Pipe.cs", dir.path().join("App/Link.cs")).unwrap();
    fs::create_dir_all(dir.path().join("App/config/authorization")).unwrap();
    write_file(
        dir.path(),
        "App/config/authorization/policy.xml",
        b"<Policy/>\n",
    );
    mkfifo(&dir.path().join("App/config/applicationmetadata.json"));
    write_file(
        dir.path(),
        "Other/Program.cs",
        LEGACY_REGISTRATION.as_bytes(),
    );
    mkfifo(&dir.path().join("Other/.gitignore"));
    let output = run_within(dir.path(), &["check", "--format", "json", "."], 30);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let problems = problems(&report);
    let expected = [
        "App/Link.cs: not a regular file (a FIFO); the file is skipped",
        "App/Pipe.cs: not a regular file (a FIFO); the file is skipped",
        "App/appsettings.json: not a regular file (a FIFO); the file is skipped",
        "Other/.gitignore: not a regular file (a FIFO); the folder Other is skipped",
    ];
    for line in expected {
        assert!(problems.contains(&line.to_string()), "{problems:?}");
    }
    assert!(
        rules_at(&report).contains(&"MP101 App/Program.cs:5".to_string()),
        "{report}"
    );
}

/// Defect 8: a file above `max-file-size` (default 5 MiB) is not read, with a named problem,
/// instead of costing time and memory in proportion to its size; the limit comes from the
/// configuration file or the command line, and `config` shows where from.
#[test]
fn files_above_the_size_limit_are_skipped_with_a_named_problem() {
    let dir = app();
    let mut big = String::from("// Maskinporten\n");
    let line = "services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IFoo, Foo>(config.GetSection(\"M\"));\n";
    while big.len() <= 6 << 20 {
        big.push_str(line);
    }
    write_file(dir.path(), "App/Big.cs", big.as_bytes());
    let started = std::time::Instant::now();
    let (report, exit, _) = check_json(dir.path(), &[]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(exit, 1);
    assert_eq!(
        problems(&report),
        [format!(
            "App/Big.cs: the file is {} bytes, more than max-file-size (5242880 bytes); the file is skipped",
            big.len()
        )]
    );
    let found = rules_at(&report);
    assert!(
        found.contains(&"MP101 App/Program.cs:5".to_string()),
        "{found:?}"
    );
    assert!(found.iter().all(|f| !f.contains("Big.cs")), "{found:?}");

    // From the configuration file, and the command line over it.
    fs::remove_file(dir.path().join("App/Big.cs")).unwrap();
    write_file(
        dir.path(),
        "maskinporten-migrate.toml",
        b"max-file-size = \"200\"\n",
    );
    assert!(APP_CSPROJ.len() <= 200 && LEGACY_REGISTRATION.len() > 200);
    let (report, _, _) = check_json(dir.path(), &[]);
    assert_eq!(
        problems(&report),
        [
            ".: every file was skipped (0 excluded by the configuration, 1 that could not be read), so nothing was checked in them".to_string(),
            format!(
                "App/Program.cs: the file is {} bytes, more than max-file-size (200 bytes); the file is skipped",
                LEGACY_REGISTRATION.len()
            )
        ]
    );
    let (report, _, _) = check_json(dir.path(), &["--max-file-size", "1M"]);
    assert!(problems(&report).is_empty());
    let shown = run(dir.path(), &["config", "."]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("max-file-size = 200 (200 bytes) (configuration file)"),
        "{shown}"
    );
    let shown = run(dir.path(), &["config", "--max-file-size", "2M", "."]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("max-file-size = 2097152 (2 MiB) (command line)"),
        "{shown}"
    );
}

/// Defect 2: a finding past column 65,535 (a one-line appsettings.json of 70 KB) once panicked
/// the human output (exit 101, nothing printed); the frame now shows a window of the line, and
/// help text is wrapped at the width but never inside `code`.
#[test]
fn human_output_windows_long_lines_and_keeps_code_whole() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "App/App.csproj", APP_CSPROJ.as_bytes());
    let registration = "using Altinn.ApiClients.Maskinporten.Services;\n\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IFoo, Foo>(config.GetSection(\"MaskinportenSettings\"), cd => cd.ClientSettings.Scope = \"altinn:serviceowner/instances.read altinn:serviceowner/instances.write\");\n}\n";
    write_file(dir.path(), "App/Program.cs", registration.as_bytes());
    let settings = format!(
        "{{\"Filler\": \"{}\", \"MaskinportenSettings\": {{\"ClientId\": \"abc\", \"Environment\": \"ver2\"}}}}\n",
        "x".repeat(70_000)
    );
    write_file(dir.path(), "App/appsettings.json", settings.as_bytes());
    let output = run(dir.path(), &["check", "."]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("App/appsettings.json:1:70016: warning MP301 [legacy-shaped-section]"),
        "{text}"
    );
    // The frame shows a window of the line, cut where marked, with the file's column (the long
    // string is masked: it looks like key material).
    assert!(text.contains("╭─[App/appsettings.json:1:70016]"), "{text}");
    assert!(
        text.contains(" 1 │ …*************************************\", \"MaskinportenSettings\": {\"ClientId\": \"abc\", \"Environment\": \"ver2\"}}\n"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() < 600), "{text}");
    // The suggested code stays on one line.
    assert!(
        text.contains("`services.AddHttpClient<IFoo, Foo>().UseMaskinportenAuthorization(\"altinn:serviceowner/instances.read\", \"altinn:serviceowner/instances.write\")`"),
        "{text}"
    );
    // Prose is still wrapped at 100 columns when the output is not a terminal.
    let message_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  │ ") || l.starts_with("  × "))
        .collect();
    assert!(!message_lines.is_empty());
    assert!(
        message_lines.iter().all(|l| l.chars().count() <= 100),
        "{message_lines:?}"
    );
}

fn git_repo(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "init"]);
}

/// Defect 6: patches `git apply` rejected: a lone CR (split as a line end), a TAB in a name (git
/// C-quotes it), a backslash in a folder name (once turned into `/`). The patch is now what
/// `git diff` prints for the same change, and a CR-only file keeps its CRs after `--write`.
#[cfg(unix)]
#[test]
fn patches_are_what_git_diff_prints_for_lone_crs_and_special_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "App/App.csproj", APP_CSPROJ.as_bytes());
    write_file(
        root,
        "App/Program.cs",
        LEGACY_REGISTRATION.replace('\n', "\r").as_bytes(),
    );
    let lone_cr = format!("// a comment\rwith a lone CR\n{LEGACY_REGISTRATION}");
    write_file(root, "App/LoneCr.cs", lone_cr.as_bytes());
    write_file(root, "App/Tab\tName.cs", LEGACY_REGISTRATION.as_bytes());
    write_file(
        root,
        "App/back\\slash/Reg.cs",
        LEGACY_REGISTRATION.as_bytes(),
    );
    write_file(
        root,
        "App/with space/Reg.cs",
        LEGACY_REGISTRATION.as_bytes(),
    );
    git_repo(root);
    // Reports name the folder as it is (a backslash is part of a name on Unix).
    let (report, _, _) = check_json(root, &[]);
    assert!(
        rules_at(&report).contains(&"MP101 App/back\\slash/Reg.cs:5".to_string()),
        "{report}"
    );

    let output = run(root, &["fix", "--diff", "."]);
    assert_eq!(output.status.code(), Some(1));
    let patch = output.stdout;
    for name in [
        "\"a/App/Tab\\tName.cs\"",
        "\"a/App/back\\\\slash/Reg.cs\"",
        "a/App/with space/Reg.cs\t",
    ] {
        assert!(
            String::from_utf8_lossy(&patch).contains(name),
            "{name} in\n{}",
            String::from_utf8_lossy(&patch)
        );
    }
    fs::write(root.join("../fix.patch"), &patch).unwrap();
    git(root, &["apply", "--check", "../fix.patch"]);
    git(root, &["apply", "../fix.patch"]);
    // The same change as git itself prints it (less the index lines, which name blobs).
    let diff = git(root, &["diff"]).into_bytes();
    let without_index: Vec<&[u8]> = diff
        .split_inclusive(|b| *b == b'\n')
        .filter(|l| !l.starts_with(b"index "))
        .collect();
    assert_eq!(
        String::from_utf8_lossy(&without_index.concat()),
        String::from_utf8_lossy(&patch)
    );
    let applied = fs::read(root.join("App/Program.cs")).unwrap();
    assert!(
        !applied.contains(&b'\n'),
        "{}",
        String::from_utf8_lossy(&applied)
    );

    // --write gives the same bytes, CRs kept.
    git(root, &["checkout", "--", "."]);
    let written = run(root, &["fix", "--write", "."]);
    assert_eq!(
        written.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert_eq!(fs::read(root.join("App/Program.cs")).unwrap(), applied);
    let status = git(root, &["diff"]).into_bytes();
    assert_eq!(status, diff);
}

/// Defect 5: `fix --write` once wrote files git cannot restore without a word: outside a git
/// repository (or with no git installed), and files git does not track. Both are refused, with
/// the reason, unless `--allow-dirty` is given; nothing is written then.
#[test]
fn fix_write_refuses_what_git_cannot_undo() {
    // Outside any git repository.
    let dir = app();
    let refused = run(dir.path(), &["fix", "--write", "."]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: App/Program.cs is not in a git repository (or git is not installed), so git could not undo the change"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pass --allow-dirty to write anyway"),
        "{stderr}"
    );
    let program = dir.path().join("App/Program.cs");
    assert_eq!(fs::read_to_string(&program).unwrap(), LEGACY_REGISTRATION);
    // Without git on the PATH, the same.
    let no_git = assert_cmd::Command::cargo_bin("maskinporten-migrate")
        .unwrap()
        .current_dir(dir.path())
        .env("PATH", dir.path().join("no-such-folder"))
        .args(["fix", "--write", "."])
        .output()
        .unwrap();
    assert_eq!(no_git.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&program).unwrap(), LEGACY_REGISTRATION);
    let allowed = run(dir.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(allowed.status.code(), Some(0));
    assert_ne!(fs::read_to_string(&program).unwrap(), LEGACY_REGISTRATION);

    // A file git does not track.
    let dir = app();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "App/App.csproj"]);
    git(dir.path(), &["commit", "-qm", "project only"]);
    let refused = run(dir.path(), &["fix", "--write", "."]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: App/Program.cs is not tracked by git, so git could not undo the change; add and commit it first"),
        "{stderr}"
    );
    let program = dir.path().join("App/Program.cs");
    assert_eq!(fs::read_to_string(&program).unwrap(), LEGACY_REGISTRATION);
    git(dir.path(), &["add", "App/Program.cs"]);
    git(dir.path(), &["commit", "-qm", "program"]);
    let written = run(dir.path(), &["fix", "--write", "."]);
    assert_eq!(written.status.code(), Some(0));
    assert_ne!(fs::read_to_string(&program).unwrap(), LEGACY_REGISTRATION);
}

/// Defect 4: `fix --write` once replaced a symbolic link with a regular file. A link whose target
/// lies inside the repository is written through (it stays a link, the target keeps its
/// permissions); a link that leads outside is refused with the reason, and the rest is written.
#[cfg(unix)]
#[test]
fn fix_write_writes_through_links_inside_the_repository_and_refuses_others() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    write_file(&repo, "App/App.csproj", APP_CSPROJ.as_bytes());
    write_file(
        &repo,
        "shared/Registrations.cs",
        LEGACY_REGISTRATION.as_bytes(),
    );
    let shared = repo.join("shared/Registrations.cs");
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("../shared/Registrations.cs", repo.join("App/Program.cs")).unwrap();
    write_file(
        work.path(),
        "elsewhere/Outside.cs",
        LEGACY_REGISTRATION.as_bytes(),
    );
    let outside = work.path().join("elsewhere/Outside.cs");
    std::os::unix::fs::symlink(&outside, repo.join("App/Outside.cs")).unwrap();
    git_repo(&repo);

    let output = run(&repo, &["fix", "--write", "App"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: App/Outside.cs is a symbolic link to {}, outside the repository ({}); it is not written",
            outside.canonicalize().unwrap().display(),
            repo.canonicalize().unwrap().display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("fixed App/Program.cs"), "{stderr}");
    assert_eq!(fs::read_to_string(&outside).unwrap(), LEGACY_REGISTRATION);
    let link = fs::symlink_metadata(repo.join("App/Program.cs")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_ne!(fs::read_to_string(&shared).unwrap(), LEGACY_REGISTRATION);
    let mode = fs::metadata(&shared).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

/// Defect 7: an option file that cannot be used (invalid UTF-8) once ended the run with only a
/// line on standard error, so CI got no report. Input problems of every kind are now in the JSON
/// `problems`, SARIF's tool execution notifications and GitHub annotations as well as on
/// standard error; an option file or a path given on the command line that cannot be used makes
/// the exit status 2, a file of the tree that cannot be parsed is a warning.
#[test]
fn input_problems_are_in_every_report_and_decide_the_exit_status() {
    let dir = app();
    write_file(dir.path(), "scopes.txt", b"a:b\n\xff\n");
    write_file(
        dir.path(),
        "names.txt",
        b"MaskinportenSettings--ClientId\n\xfe\xff\n",
    );
    write_file(dir.path(), "App/appsettings.json", b"{ \"A\": }\n");
    let args = [
        "--studio-scopes",
        "scopes.txt",
        "--key-vault-secrets",
        "names.txt",
        "App",
        "gone",
    ];
    let scopes = "scopes.txt: the file is not valid UTF-8 (first bad byte at offset 4); save it as UTF-8 to have it checked; the run goes on without --studio-scopes";
    let (report, exit, stderr) = check_json(dir.path(), &args[..5]);
    assert_eq!(exit, 2, "{stderr}");
    assert!(stderr.contains(&format!("error: {scopes}")), "{stderr}");
    let listed: Vec<(String, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["severity"].as_str().unwrap().to_string(),
                format!(
                    "{}: {}",
                    p["path"].as_str().unwrap(),
                    p["message"].as_str().unwrap()
                ),
            )
        })
        .collect();
    assert!(
        listed.contains(&("error".into(), scopes.into())),
        "{listed:?}"
    );
    assert!(
        listed.iter().any(|(s, p)| s == "error"
            && p.starts_with("names.txt: ")
            && p.ends_with("; the run goes on without --key-vault-secrets")),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|(s, p)| s == "warning" && p.starts_with("App/appsettings.json: invalid JSON")),
        "{listed:?}"
    );
    assert!(rules_at(&report).contains(&"MP101 App/Program.cs:5".to_string()));

    // SARIF: tool execution notifications, and the run marked unsuccessful.
    let sarif = run(
        dir.path(),
        &[
            "check", "--format", "sarif", args[0], args[1], "App", "gone",
        ],
    );
    assert_eq!(sarif.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes: Vec<String> = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["level"].as_str().unwrap(),
                n["message"]["text"].as_str().unwrap()
            )
        })
        .collect();
    assert!(notes.contains(&format!("error {scopes}")), "{notes:?}");
    assert!(
        notes.contains(&"error gone: no such file or directory".to_string()),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("warning App/appsettings.json: invalid JSON")),
        "{notes:?}"
    );

    // GitHub annotations.
    let github = run(
        dir.path(),
        &["check", "--format", "github", args[0], args[1], "App"],
    );
    assert_eq!(github.status.code(), Some(2));
    let text = String::from_utf8(github.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "::error file=scopes.txt,title=input problem::{scopes}\n"
        )),
        "{text}"
    );
    assert!(
        // The annotation names the file relative to the repository root (here `App`, the folder
        // checked), the message as the other reports do.
        text.contains("::warning file=appsettings.json,title=input problem::App/appsettings.json: invalid JSON"),
        "{text}"
    );

    // A file of the tree that cannot be parsed alone is a warning: the findings decide.
    let (_, exit, _) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1);
}

/// Defect 8, within the limit: one statement that chains thousands of legacy calls (each call's
/// receiver is the rest of the chain) once cost quadratic time and memory: every call walked and
/// copied its whole receiver, and messages quoted it. Now each call costs its own text.
#[test]
fn a_long_chain_of_calls_costs_its_own_size() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "App/App.csproj", APP_CSPROJ.as_bytes());
    let calls: String = (0..5_000)
        .map(|i| format!(".AddMaskinportenHttpClient<SettingsJwkClientDefinition, IFoo{i}, Foo>(config.GetSection(\"MaskinportenSettings\"), cd => cd.ClientSettings.Scope = \"a:b\")"))
        .collect();
    let program = format!(
        "using Altinn.ApiClients.Maskinporten.Services;\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{{\n    services{calls};\n}}\n"
    );
    write_file(dir.path(), "App/Program.cs", program.as_bytes());
    // A hang guard, not a speed measure (bench/large_file.py measures the cost).
    let output = run_within(dir.path(), &["check", "--format", "json", "."], 120);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stdout.len() < program.len() / 2,
        "the report ({} bytes) repeats the input ({} bytes)",
        output.stdout.len(),
        program.len()
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        problems(&report)
            .iter()
            .any(|p| p.starts_with("App/Program.cs: expression nested too deeply to analyse")),
        "{report}"
    );
}

/// Defect 2, on a terminal: human output wraps at the terminal's width (here 60 columns, on a
/// pseudo-terminal made by util-linux `script`), still never inside `code`.
#[cfg(unix)]
#[test]
fn human_output_wraps_at_the_terminal_width() {
    let Ok(script) = which("script") else {
        eprintln!("no `script` on this machine: the terminal-width test is skipped");
        return;
    };
    let dir = app();
    let binary = assert_cmd::cargo::cargo_bin("maskinporten-migrate");
    let output = std::process::Command::new(script)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["-qec"])
        .arg(format!(
            "stty rows 40 cols 60; {} check .",
            binary.display()
        ))
        .arg("/dev/null")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).replace('\r', "");
    assert!(
        text.contains(
            "  help: fix: remove\n        `using Altinn.ApiClients.Maskinporten.Services;`:\n"
        ),
        "{text}"
    );
    let prose: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  │ ") || l.starts_with("  × ") || l.starts_with("  ⚠ "))
        .collect();
    assert!(!prose.is_empty(), "{text}");
    assert!(prose.iter().all(|l| l.chars().count() <= 60), "{prose:?}");
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}
