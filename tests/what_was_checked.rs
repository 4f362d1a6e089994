//! The run checks what the user thinks it checks: a file argument is checked within its project,
//! paths in patches, baselines and SARIF are relative to the repository root wherever the tool
//! runs, and a run that checked less than asked says so.

mod common;

use std::path::Path;

use common::{fixture_dir, run};
use serde_json::Value;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of a fixture in a temporary folder (outside any git repository).
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(name), dir.path());
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

fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
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
    let expected: Vec<String> = findings(&whole)
        .into_iter()
        .filter(|f| f.contains(" App/Program.cs:"))
        .collect();
    assert_eq!(
        findings(&file),
        [
            "MP108 App/Program.cs:1",
            "MP108 App/Program.cs:2",
            "MP101 App/Program.cs:24",
            "MP602 App/Program.cs:29",
            "MP403 App/Program.cs:48",
        ]
    );
    assert_eq!(findings(&file), expected);
    assert_eq!(exit, 1);
    assert_eq!(file["projects"][0]["path"], "App/App.csproj");
    assert_eq!(file["projects"][0]["kind"], "altinn-app");
    assert_eq!(file["summary"]["files_scanned"], 1);
    // The same from inside the project folder, and with an absolute path.
    let app = repo.path().join("App");
    let (inside, _) = json(&app, &["Program.cs"]);
    assert_eq!(
        findings(&inside),
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
    assert_eq!(findings(&by_absolute), findings(&file));
    // An appsettings file argument gets that file's findings only.
    let (settings, _) = json(repo.path(), &["App/appsettings.json"]);
    assert_eq!(findings(&settings), ["MP309 App/appsettings.json:29"]);
}

#[test]
fn fix_on_a_file_argument_migrates_that_file() {
    let repo = copy_fixture("guide-typed-client");
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
    assert_eq!(findings(&project), findings(&whole));
}
