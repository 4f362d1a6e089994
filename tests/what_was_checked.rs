//! The run checks what the user thinks it checks: a file argument is checked within its project,
//! paths in patches, baselines and SARIF are relative to the repository root wherever the tool
//! runs, and a run that checked less than asked says so.

mod common;

use std::path::Path;

use common::{
    APP_CSPROJ, LEGACY_REGISTRATION, copy_tree, fixture_dir, git, problems, rules_at, run,
    write_file,
};
use serde_json::Value;

/// A copy of a fixture in a temporary folder (outside any git repository).
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(name), dir.path());
    dir
}

/// A copy of a fixture as a git repository (initialised, nothing committed).
fn git_repo(name: &str) -> tempfile::TempDir {
    let dir = copy_fixture(name);
    git(dir.path(), &["init", "-q"]);
    dir
}

fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (report, output.status.code().unwrap_or(-1))
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(run(dir, args).stdout).unwrap()
}

#[test]
fn a_file_argument_is_checked_within_its_project() {
    let repo = copy_fixture("guide-typed-client");
    let (whole, _) = json(repo.path(), &["."]);
    let (file, exit) = json(repo.path(), &["App/Program.cs"]);
    // As if its folder had been given, restricted to that file.
    let expected: Vec<String> = rules_at(&whole)
        .into_iter()
        .filter(|f| f.contains(" App/Program.cs:"))
        .collect();
    assert_eq!(
        rules_at(&file),
        [
            "MP108 App/Program.cs:1",
            "MP108 App/Program.cs:2",
            "MP101 App/Program.cs:24",
            "MP602 App/Program.cs:29",
            "MP403 App/Program.cs:48",
        ]
    );
    assert_eq!(rules_at(&file), expected);
    assert_eq!(exit, 1);
    assert_eq!(file["projects"][0]["path"], "App/App.csproj");
    assert_eq!(file["projects"][0]["kind"], "altinn-app");
    assert_eq!(file["summary"]["files_scanned"], 1);
    // The same from inside the project folder, and with an absolute path.
    let app = repo.path().join("App");
    let (inside, _) = json(&app, &["Program.cs"]);
    assert_eq!(
        rules_at(&inside),
        [
            "MP108 Program.cs:1",
            "MP108 Program.cs:2",
            "MP101 Program.cs:24",
            "MP602 Program.cs:29",
            "MP403 Program.cs:48",
        ]
    );
    let absolute = app.join("Program.cs");
    let (by_absolute, _) = json(repo.path(), &[absolute.to_str().unwrap()]);
    assert_eq!(rules_at(&by_absolute), rules_at(&file));
    // An appsettings file argument gets that file's findings only.
    let (settings, _) = json(repo.path(), &["App/appsettings.json"]);
    assert_eq!(rules_at(&settings), ["MP309 App/appsettings.json:29"]);
}

#[test]
fn fix_on_a_file_argument_migrates_that_file() {
    let repo = git_repo("guide-typed-client");
    let whole = stdout(repo.path(), &["fix", "."]);
    let file = stdout(repo.path(), &["fix", "App/Program.cs"]);
    let program_part = |patch: &str| -> String {
        patch
            .split("diff --git ")
            .filter(|part| part.starts_with("a/App/Program.cs "))
            .collect()
    };
    assert!(file.starts_with("diff --git a/App/Program.cs b/App/Program.cs\n"));
    assert_eq!(file.matches("diff --git").count(), 1, "{file}");
    assert_eq!(program_part(&file), program_part(&whole));
    assert!(file.contains("+    .AddHttpClient<IEventsSubscription, EventsSubscriptionClient>()"));
}

#[test]
fn a_project_file_argument_stands_for_its_project() {
    let repo = copy_fixture("guide-typed-client");
    let (whole, _) = json(repo.path(), &["App"]);
    let (project, _) = json(repo.path(), &["App/App.csproj"]);
    assert_eq!(rules_at(&project), rules_at(&whole));
}

#[test]
fn patch_paths_are_relative_to_the_repository_root_from_any_folder() {
    let repo = git_repo("guide-typed-client");
    let app = repo.path().join("App");
    let at_root = stdout(repo.path(), &["fix", "."]);
    let in_app = stdout(&app, &["fix", "."]);
    assert!(at_root.starts_with("diff --git a/App/Program.cs b/App/Program.cs\n"));
    assert!(at_root.contains("\n--- a/App/appsettings.json\n+++ b/App/appsettings.json\n"));
    assert_eq!(in_app, at_root);
    // An absolute path from an unrelated folder: no `a//tmp/...` headers.
    let elsewhere = tempfile::tempdir().unwrap();
    let absolute = stdout(elsewhere.path(), &["fix", repo.path().to_str().unwrap()]);
    assert_eq!(absolute, at_root);
    // The patch made in App/ applies from App/ (git reads paths from the top level).
    std::fs::write(repo.path().join("fix.patch"), &in_app).unwrap();
    git(&app, &["apply", "--whitespace=nowarn", "../fix.patch"]);
    let program = std::fs::read_to_string(app.join("Program.cs")).unwrap();
    assert!(
        program.contains(
            ".UseMaskinportenAltinnAuthorization(\"altinn:serviceowner/instances.read\")"
        )
    );
    assert_eq!(stdout(&app, &["fix", "."]), "");
}

#[test]
fn outside_git_paths_are_relative_to_the_folder_given() {
    let copy = copy_fixture("guide-typed-client");
    let elsewhere = tempfile::tempdir().unwrap();
    let patch = stdout(elsewhere.path(), &["fix", copy.path().to_str().unwrap()]);
    assert!(
        patch.starts_with("diff --git a/App/Program.cs b/App/Program.cs\n"),
        "{patch}"
    );
    assert!(!patch.contains("a//"), "{patch}");
    // Given the project folder, the paths start there.
    let app = stdout(copy.path(), &["fix", "App"]);
    assert!(
        app.starts_with("diff --git a/Program.cs b/Program.cs\n"),
        "{app}"
    );
}

#[test]
fn a_baseline_written_in_one_folder_holds_in_another() {
    let repo = git_repo("guide-typed-client");
    let app = repo.path().join("App");
    let written = run(
        repo.path(),
        &["check", "--write-baseline", "baseline.json", "."],
    );
    assert_eq!(written.status.code(), Some(1));
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("baseline.json")).unwrap())
            .unwrap();
    let paths: Vec<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "App/Program.cs",
            "App/Program.cs",
            "App/Program.cs",
            "App/Program.cs",
            "App/Program.cs",
            "App/appsettings.json"
        ]
    );
    let (from_app, exit) = json(&app, &["--baseline", "../baseline.json", "."]);
    assert_eq!(rules_at(&from_app), Vec::<String>::new());
    assert_eq!(from_app["summary"]["baselined"], 6);
    assert_eq!(exit, 0);
    // And the other way round: written in App/, read at the root.
    run(
        &app,
        &["check", "--write-baseline", "app-baseline.json", "."],
    );
    let (from_root, _) = json(repo.path(), &["--baseline", "App/app-baseline.json", "."]);
    assert_eq!(from_root["summary"]["baselined"], 6);
    assert_eq!(rules_at(&from_root), Vec::<String>::new());
}

#[test]
fn sarif_and_annotations_name_files_from_the_repository_root() {
    let repo = git_repo("guide-typed-client");
    let app = repo.path().join("App");
    let at_root = stdout(repo.path(), &["check", "--format", "sarif", "."]);
    let in_app = stdout(&app, &["check", "--format", "sarif", "."]);
    assert_eq!(in_app, at_root);
    let log: Value = serde_json::from_str(&in_app).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "App/Program.cs",
            "App/Program.cs",
            "App/Program.cs",
            "App/Program.cs",
            "App/Program.cs",
            "App/appsettings.json"
        ]
    );
    let github = stdout(&app, &["check", "--format", "github", "."]);
    assert!(
        github.starts_with("::warning file=App/Program.cs,line=1,"),
        "{github}"
    );
    // The human and JSON reports stay relative to the current folder.
    let (report, _) = json(&app, &["."]);
    assert_eq!(report["findings"][0]["path"], "Program.cs");
}

fn human_summary(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    let text = String::from_utf8(output.stdout).unwrap();
    let tail: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("incomplete: ") || l.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    (tail, output.status.code().unwrap_or(-1))
}

#[test]
fn no_project_under_the_paths_is_said_in_words() {
    // The tools folder of an app repository: a script that calls Maskinporten, no project.
    let repo = copy_fixture("guide-typed-client");
    let tools = repo.path().join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::write(
        tools.join("GetToken.cs"),
        "using Altinn.ApiClients.Maskinporten.Interfaces;\n\n// dotnet script: prints a token for manual testing\nvar service = Services.GetRequiredService<IMaskinportenService>();\nConsole.WriteLine(await service.GetToken(jwk, \"test\", clientId, \"altinn:serviceowner\", null));\n",
    )
    .unwrap();
    let (report, exit) = json(repo.path(), &["--fail-on", "error", "tools"]);
    assert_eq!(
        problems(&report),
        [
            "tools: no project (.csproj) here or above, so no Altinn app was checked: the 1 file found is only inventoried"
        ]
    );
    assert_eq!(exit, 0, "--fail-on keeps its meaning");
    let (summary, exit) = human_summary(repo.path(), &["--fail-on", "error", "tools"]);
    assert_eq!(
        summary,
        [
            "incomplete: tools: no project (.csproj) here or above, so no Altinn app was checked: the 1 file found is only inventoried",
            "0 errors, 0 warnings, 1 info in 1 file (0 projects, 0 Altinn apps); INCOMPLETE: less was checked than asked (see `incomplete:` above), so this is not a clean result",
        ]
    );
    assert_eq!(exit, 0);
    // An empty folder: nothing at all.
    let empty = tempfile::tempdir().unwrap();
    let (report, exit) = json(empty.path(), &["."]);
    assert_eq!(
        problems(&report),
        [".: nothing was checked: no project (.csproj) and no C#, appsettings or policy file here"]
    );
    assert_eq!(exit, 0);
}

#[test]
fn every_file_skipped_is_said_in_words() {
    let repo = copy_fixture("guide-typed-client");
    std::fs::write(
        repo.path().join("maskinporten-migrate.toml"),
        "exclude = [\"App/**/*.cs\", \"App/config/**\", \"App/appsettings.Development.json\"]\n",
    )
    .unwrap();
    // The one file left is not valid JSON: a half-resolved edit.
    std::fs::write(
        repo.path().join("App/appsettings.json"),
        "{\n  \"AppSettings\": {\n",
    )
    .unwrap();
    let (report, exit) = json(repo.path(), &["."]);
    assert_eq!(rules_at(&report), Vec::<String>::new());
    let problems = problems(&report);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        problems[0],
        ".: every file was skipped (7 excluded by the configuration, 1 that could not be read), so nothing was checked in them"
    );
    assert!(
        problems[1].starts_with("App/appsettings.json: invalid JSON"),
        "{problems:?}"
    );
    assert_eq!(exit, 0);
    let (summary, _) = human_summary(repo.path(), &["."]);
    assert!(
        summary.last().unwrap().ends_with("; INCOMPLETE: less was checked than asked (see `incomplete:` above), so this is not a clean result"),
        "{summary:?}"
    );
}

#[test]
fn a_complete_check_reads_as_before() {
    let repo = copy_fixture("guide-typed-client");
    let (summary, _) = human_summary(repo.path(), &["."]);
    assert_eq!(
        summary,
        ["1 error, 3 warnings, 2 infos in 9 files (1 project, 1 Altinn app)"]
    );
    let markdown = stdout(repo.path(), &["check", "--format", "markdown", "."]);
    assert!(!markdown.contains("Incomplete"));
}

#[test]
fn the_review_formats_say_when_the_check_is_incomplete() {
    let repo = copy_fixture("conflicted-project-file");
    let github = stdout(repo.path(), &["check", "--format", "github", "."]);
    assert!(
        github.starts_with("::warning title=maskinporten-migrate%3A incomplete check::App/App.csproj: the project file cannot be read, so this project, which looks like an Altinn app"),
        "{github}"
    );
    let markdown = stdout(repo.path(), &["check", "--format", "markdown", "."]);
    assert!(
        markdown.contains("**Incomplete:** `App/App.csproj`: the project file cannot be read"),
        "{markdown}"
    );
}

/// A floating Altinn.App version (`*-*`, `8.*`) is read as the highest release it matches, and
/// the reports say so, since NuGet may restore another one tomorrow.
#[test]
fn a_floating_version_is_named_with_the_model_it_is_read_as() {
    for (version, model) in [("*-*", "v9"), ("8.*", "v8")] {
        let dir = tempfile::tempdir().unwrap();
        let csproj = APP_CSPROJ.replace("8.12.7", version);
        write_file(dir.path(), "App/App.csproj", csproj.as_bytes());
        write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
        let (report, _) = json(dir.path(), &["."]);
        let project = &report["projects"][0];
        assert_eq!(project["altinn_version"], version);
        assert_eq!(project["model"], model);
        let note = format!(
            "the Altinn.App version `{version}` floats: NuGet restores the newest release it matches, which the rules read as {model}; pin the version to be sure"
        );
        assert_eq!(project["model_note"], note.as_str());
        let human = stdout(dir.path(), &["check", "."]);
        assert!(
            human.contains(&format!("note: App/App.csproj: {note}")),
            "{human}"
        );
    }
}
