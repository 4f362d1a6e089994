//! `trace` on the scenarios that show the run-time view: the human and JSON output equal the
//! reviewed `expected-trace.txt` / `expected-trace.json` beside each fixture, and for a fixture
//! with pending fixes (a non-empty `expected-fix.patch`) so does `--after-fix`
//! (`expected-trace-after-fix.*`). `UPDATE_EXPECT=1` rewrites them, to be reviewed.

mod common;

use common::{assert_expected, fixture_dir, repo_root, run};
use serde_json::Value;

fn fixture_args(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("check-args"))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// `trace` with the fixture's options and `extra`, in the fixture: its standard output.
fn trace(dir: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["trace".to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend(fixture_args(dir));
    args.push(".".to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(dir, &args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "trace {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the trace is UTF-8")
}

fn has_pending_fixes(dir: &std::path::Path) -> bool {
    std::fs::read_to_string(dir.join("expected-fix.patch")).is_ok_and(|p| !p.trim().is_empty())
}

fn trace_fixture(name: &str) {
    let dir = fixture_dir(name);
    let mut runs = vec![("expected-trace", Vec::new())];
    if has_pending_fixes(&dir) {
        runs.push(("expected-trace-after-fix", vec!["--after-fix"]));
    }
    for (file, extra) in runs {
        let human = trace(&dir, &extra);
        assert_expected(&dir.join(format!("{file}.txt")), &human);
        let mut json_args = extra.clone();
        json_args.extend(["--format", "json"]);
        let json = trace(&dir, &json_args);
        let parsed: Value = serde_json::from_str(&json).expect("the trace is JSON");
        assert_eq!(parsed["version"], 1);
        assert_expected(&dir.join(format!("{file}.json")), &json);
    }
}

macro_rules! traced {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                trace_fixture($dir);
            }
        )*
    };
}

traced! {
    keyvault_after_the_web_host => "trace-keyvault-guide",
    keyvault_before_the_web_host => "trace-keyvault-before-webhost",
    hybrid_from_a_partial_section => "trace-hybrid-section",
    eager_read_before_key_vault => "trace-eager-read",
    custom_path_on_each_version => "v9-custom-config-path",
    lambda_copying_an_early_read => "guide-legacy-compatibility",
}

#[test]
fn markdown_trace() {
    let dir = fixture_dir("trace-keyvault-before-webhost");
    assert_expected(
        &repo_root().join("tests/golden/trace-keyvault-before-webhost.md"),
        &trace(&dir, &["--format", "markdown", "--after-fix"]),
    );
}

#[test]
fn env_chooses_the_environments_in_their_order() {
    let dir = fixture_dir("trace-keyvault-guide");
    let json = trace(
        &dir,
        &["--format", "json", "--env", "Production", "--env", "AT22"],
    );
    let trace: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        trace["environments"],
        serde_json::json!(["Production", "AT22"])
    );
    let identity = &trace["apps"][0]["identities"][0];
    let environments = identity["environments"].as_array().unwrap();
    assert_eq!(environments.len(), 2);
    // AT22 has no appsettings file of its own; Key Vault (added outside Development) wins there.
    let at22 = &environments[1];
    assert_eq!(at22["environment"], "AT22");
    let sources = trace["apps"][0]["sources"].as_array().unwrap();
    let key_vault = sources.iter().find(|s| s["kind"] == "key-vault").unwrap()["id"].clone();
    let client_id = at22["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "clientId")
        .unwrap();
    assert_eq!(client_id["wins"], key_vault);
    assert!(
        !sources
            .iter()
            .any(|s| s["name"] == "appsettings.Development.json"),
        "a file of an environment not traced is no source: {sources:?}"
    );
}

#[test]
fn a_legacy_client_on_altinn_app_9_still_reads_the_app_configuration() {
    let dir = fixture_dir("v9-legacy-registrations");
    let text = trace(&dir.join("v9-preview6"), &[]);
    assert!(
        text.contains("it reads only its private configuration"),
        "{text}"
    );
    assert!(
        text.contains("Legacy typed client ITaxClient, section \"TaxMaskinporten\""),
        "{text}"
    );
    // Legacy 10.x binds the section while services are registered, before Key Vault.
    assert!(
        text.contains(
            "read while services are registered, at App/Extensions/HttpClientRegistration.cs:34"
        ),
        "{text}"
    );
}

#[test]
fn an_app_without_maskinporten_says_so() {
    let dir = fixture_dir("v7-app-clean");
    let text = trace(&dir, &[]);
    assert!(text.contains("No Maskinporten client."), "{text}");
}
