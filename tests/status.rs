//! `status`, the fleet view: golden JSON, CSV, Markdown and human output on `fixtures/fleet` (a
//! folder of app repositories, one in every state), and `--repos` with `file://` URLs of bare
//! repositories made here (no network).

mod common;

use std::path::{Path, PathBuf};

use common::{assert_expected, copy_tree, fixture_dir, git, init_repo, repo_root, run};
use serde_json::Value;

/// A copy of `fixtures/fleet` where each folder is a git repository of its own.
fn fleet() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("fleet"), dir.path());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            init_repo(&path);
        }
    }
    dir
}

fn golden(name: &str) -> PathBuf {
    repo_root().join("tests/golden").join(name)
}

fn status(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let mut all = vec!["status"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn golden_reports_of_a_fleet_in_every_state() {
    let dir = fleet();
    for (format, file) in [
        ("json", "fleet.status.json"),
        ("csv", "fleet.status.csv"),
        ("markdown", "fleet.status.md"),
    ] {
        let (out, err, exit) = status(dir.path(), &["--format", format]);
        assert_eq!(exit, 1, "{format}: warnings fail by default\n{err}");
        assert_expected(&golden(file), &out);
    }
}

#[test]
fn the_human_table_fits_the_width_and_totals_every_state() {
    let dir = fleet();
    let output = assert_cmd::Command::cargo_bin("maskinporten-migrate")
        .unwrap()
        .current_dir(dir.path())
        .env("COLUMNS", "160")
        .args(["status", "--fail-on", "error"])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(
        out.lines().all(|l| l.chars().count() <= 160),
        "a line is wider than 160:\n{out}"
    );
    assert_expected(&golden("fleet.status.txt"), &out);
    // Errors remain (the certificate clients, the old version), so --fail-on error fails too.
    assert_eq!(output.status.code(), Some(1));
}

/// On a narrow terminal the optional columns are left out (and named) before what names a row
/// is cut, and a project path is cut from its start so the project file stays.
#[test]
fn a_narrow_terminal_leaves_out_columns_before_cutting_names() {
    let dir = fleet();
    let output = assert_cmd::Command::cargo_bin("maskinporten-migrate")
        .unwrap()
        .current_dir(dir.path())
        .env("COLUMNS", "100")
        .args(["status"])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(
        out.lines().all(|l| l.chars().count() <= 100),
        "a line is wider than 100:\n{out}"
    );
    assert_expected(&golden("fleet.status.100-columns.txt"), &out);
}

/// The rows of a JSON status report: (repository, project, state).
fn rows(report: &Value) -> Vec<(String, String, String)> {
    report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["repository"].as_str().unwrap().to_string(),
                p["project"].as_str().unwrap().to_string(),
                p["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A bare repository holding one fixture app, as a remote would.
fn remote(base: &Path, app: &str) -> String {
    let work = base.join("work").join(app);
    copy_tree(&fixture_dir("fleet").join(app), &work);
    init_repo(&work);
    let bare = base.join("remotes").join(format!("{app}.git"));
    std::fs::create_dir_all(&bare).unwrap();
    git(&bare, &["init", "--quiet", "--bare"]);
    git(&work, &["push", "--quiet", bare.to_str().unwrap(), "main"]);
    format!("file://{}", bare.display())
}

#[test]
fn repos_are_cloned_into_the_cache_and_updated_on_the_next_run() {
    let base = tempfile::tempdir().unwrap();
    let soknad = remote(base.path(), "tilskudd-soknad");
    let register = remote(base.path(), "tilskudd-register");
    // A local path is checked where it is; a remote that cannot be reached is a problem named
    // without its credentials, and the others go on.
    copy_tree(
        &fixture_dir("fleet").join("arkiv-kvittering"),
        &base.path().join("local/arkiv-kvittering"),
    );
    let list = base.path().join("repos.txt");
    std::fs::write(
        &list,
        format!(
            "# the organisation's apps\n{soknad}\n{register}   # second identity stays\n\nlocal/arkiv-kvittering\nhttps://anne:s3cret-token@127.0.0.1:9/ttd/gone.git\n"
        ),
    )
    .unwrap();
    let cache = base.path().join("cache");
    let args = [
        "--repos",
        list.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
        "--format",
        "json",
    ];
    let (out, err, exit) = status(base.path(), &args);
    assert_eq!(exit, 2, "a repository could not be cloned\n{err}");
    assert!(!out.contains("s3cret") && !err.contains("s3cret"), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let expected = vec![
        (
            "local/arkiv-kvittering".to_string(),
            "App/App.csproj".to_string(),
            "built-in".to_string(),
        ),
        (
            soknad.clone(),
            "App/App.csproj".into(),
            "fixable-now".into(),
        ),
        (
            register.clone(),
            "App/App.csproj".into(),
            "stays-on-legacy-package".into(),
        ),
    ];
    assert_eq!(rows(&report), expected);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["path"], "https://127.0.0.1:9/ttd/gone.git");
    assert!(err.contains("https://127.0.0.1:9/ttd/gone.git"), "{err}");

    // The clones are real, shallow repositories whose origin holds no credentials.
    let clones: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(clones.len(), 2, "{clones:?}");
    for clone in &clones {
        assert_eq!(git(clone, &["rev-list", "--count", "HEAD"]).trim(), "1");
        assert!(clone.join(".git/shallow").exists());
    }

    // A new commit upstream reaches the cache on the next run (fetch and reset).
    let work = base.path().join("work/tilskudd-soknad");
    let program = work.join("App/Program.cs");
    let migrated = std::process::Command::new(env!("CARGO_BIN_EXE_maskinporten-migrate"))
        .current_dir(&work)
        .args(["fix", "--write", "--quiet"])
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    assert!(
        std::fs::read_to_string(&program)
            .unwrap()
            .contains("UseMaskinportenAltinnAuthorization")
    );
    git(
        &work,
        &["commit", "--quiet", "-am", "Use the built-in client"],
    );
    let bare = soknad.trim_start_matches("file://");
    git(&work, &["push", "--quiet", bare, "main"]);
    let (out, _, _) = status(base.path(), &args);
    let report: Value = serde_json::from_str(&out).unwrap();
    let states: Vec<String> = rows(&report).into_iter().map(|r| r.2).collect();
    assert_eq!(
        states,
        ["built-in", "built-in", "stays-on-legacy-package"],
        "{out}"
    );
}

#[test]
fn a_missing_path_is_named_and_the_rest_is_reported() {
    let dir = fleet();
    let (out, err, exit) = status(
        dir.path(),
        &["naeringsoppgave", "no-such-app", "--format", "json"],
    );
    assert_eq!(exit, 2);
    assert!(
        err.contains("error: no-such-app: no such file or directory"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        rows(&report),
        [(
            "naeringsoppgave".to_string(),
            "App/App.csproj".to_string(),
            "no-maskinporten".to_string()
        )]
    );
}

#[test]
fn findings_the_fixes_of_others_resolve_are_no_work_for_a_person() {
    // split-typeof-key: MP302's credential keys go with MP301's removal of the section's legacy
    // keys. app-lib-source-tree: MP303's section is read only by the statement MP201's fix
    // removes. Neither is work for a person (as `plan` says, tests/cli.rs).
    let base = tempfile::tempdir().unwrap();
    for fixture in ["split-typeof-key", "app-lib-source-tree"] {
        let dir = base.path().join(fixture);
        copy_tree(&fixture_dir(fixture), &dir);
        init_repo(&dir);
    }
    let (out, err, _) = status(base.path(), &["--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let summary: Vec<(String, String, Vec<String>)> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let reasons = p["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| format!("{} ×{}", r["rule"].as_str().unwrap(), r["count"]))
                .collect();
            (
                p["project"].as_str().unwrap().to_string(),
                p["state"].as_str().unwrap().to_string(),
                reasons,
            )
        })
        .collect();
    let row = |project: &str, state: &str, reasons: &[&str]| {
        (
            project.to_string(),
            state.to_string(),
            reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        summary,
        [
            row(
                "src/Altinn.App.Core/Altinn.App.Core.csproj",
                "needs-person",
                &["MP904 ×3"]
            ),
            row(
                "test/Altinn.App.Api.Tests/Altinn.App.Api.Tests.csproj",
                "needs-person",
                &["MP202 ×3"]
            ),
            row(
                "test/Altinn.App.Core.Tests/Altinn.App.Core.Tests.csproj",
                "needs-person",
                &["MP106 ×1"]
            ),
            row(
                "test/Altinn.App.SourceGenerator.Integration.Tests/Altinn.App.SourceGenerator.Integration.Tests.csproj",
                "no-maskinporten",
                &[]
            ),
            row("App/App.csproj", "fixable-now", &[]),
        ]
    );
    assert_eq!(report["projects"][4]["fixes"], 7);
}
