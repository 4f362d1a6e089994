//! The CI and review formats, on fixtures: golden files for GitHub annotations, Markdown and
//! SARIF, and SARIF's structure as GitHub code scanning requires it (checked against the
//! official 2.1.0 schema by hand; see the README).

mod common;

use common::{assert_expected, copy_tree, fixture_dir, repo_root, run};

/// `check` on a copy of the fixture outside any git repository, so the paths in the reports are
/// relative to the fixture (in place they would be relative to this repository's root).
fn output(fixture: &str, args: &[&str]) -> String {
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(fixture), copy.path());
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.push(".");
    String::from_utf8(run(copy.path(), &all).stdout).unwrap()
}

fn golden(name: &str) -> std::path::PathBuf {
    repo_root().join("tests/golden").join(name)
}

#[test]
fn github_annotations() {
    assert_expected(
        &golden("guide-typed-client.github.txt"),
        &output("guide-typed-client", &["--format", "github"]),
    );
}

#[test]
fn markdown_report() {
    assert_expected(
        &golden("guide-message-handler.md"),
        &output("guide-message-handler", &["--format", "markdown"]),
    );
    assert_expected(
        &golden("keyvault-secrets.md"),
        &output(
            "keyvault-secrets",
            &[
                "--format",
                "markdown",
                "--key-vault-secrets",
                "key-vault-secrets.json",
                "--studio-scopes",
                "studio-scopes.txt",
            ],
        ),
    );
}

#[test]
fn sarif_log() {
    assert_expected(
        &golden("guide-typed-client.sarif"),
        &output("guide-typed-client", &["--format", "sarif"]),
    );
}

#[test]
fn sarif_has_what_code_scanning_requires() {
    let text = output(
        "scopes-and-startup-order",
        &["--format", "sarif", "--studio-scopes", "studio-scopes.json"],
    );
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "maskinporten-migrate");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), maskinporten_migrate::rules::RULES.len());
    for rule in rules {
        for field in ["id", "name"] {
            assert!(rule[field].is_string(), "{rule}");
        }
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["fullDescription"]["text"].is_string());
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## What it does")
        );
        assert!(
            ["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(result["message"]["text"].is_string());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"]["maskinportenMigrate/v1"].is_string());
    }
    let moved = results.iter().find(|r| r["ruleId"] == "MP401").unwrap();
    let related = moved["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 3);
    let change = &moved["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "App/Program.cs");
    let replacements = change["replacements"].as_array().unwrap();
    assert_eq!(replacements.len(), 2);
    assert!(replacements[0]["deletedRegion"]["byteOffset"].is_u64());
    assert!(
        replacements[1]["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .contains("ConnectToKeyVault(builder.Configuration);")
    );
}

#[test]
fn fingerprints_survive_edits_elsewhere_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(app.join("App")).unwrap();
    let fixture = fixture_dir("guide-typed-client");
    for file in ["App/App.csproj", "App/Program.cs"] {
        std::fs::copy(fixture.join(file), app.join(file)).unwrap();
    }
    let prints = |dir: &std::path::Path| {
        let out = run(dir, &["check", "--format", "sarif", "."]);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].to_string(),
                    r["partialFingerprints"].to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = prints(&app);
    let program = app.join("App/Program.cs");
    let text = std::fs::read_to_string(&program).unwrap();
    let shifted = text.replacen(
        "void RegisterCustomAppServices",
        "// a new comment\n// and another\nvoid RegisterCustomAppServices",
        1,
    );
    std::fs::write(&program, shifted).unwrap();
    let after = prints(&app);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1), "same rule, same fingerprint");
    }
    assert!(
        before.iter().zip(&after).any(|(b, a)| a.2 == b.2 + 2),
        "lines moved"
    );
}

#[test]
fn human_and_github_output_mark_unsafe_fixes() {
    let unsafe_label = "unsafe fix (changes which credentials sign; applied only with --unsafe-fixes): remove the legacy keys and the app's own credentials";
    let human = output("wrapper-helpers", &["--format", "human"]);
    // The code frame wraps long help lines; compare with the whitespace folded.
    let human: String = human
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(human.contains(unsafe_label), "{human}");
    assert!(human.contains("fix: use the built-in client"), "{human}");
    let github = output("wrapper-helpers", &["--format", "github"]);
    assert!(github.contains(&format!("%0A{unsafe_label}")), "{github}");
    assert!(
        !github.contains("%0Afix: remove the legacy keys"),
        "{github}"
    );
}
