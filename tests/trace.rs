//! `trace` on the scenarios that show the run-time view: the human and JSON output equal the
//! reviewed `expected-trace.txt` / `expected-trace.json` beside each fixture; for a fixture with
//! pending fixes (a non-empty `expected-fix.patch`) so does `--after-fix`
//! (`expected-trace-after-fix.*`), and for one with unsafe fixes (`fix (unsafe)` in
//! `expected-check.txt`) `--after-fix --unsafe-fixes` (`expected-trace-after-unsafe-fix.*`).
//! `UPDATE_EXPECT=1` rewrites them, to be reviewed.

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

fn has_unsafe_fixes(dir: &std::path::Path) -> bool {
    std::fs::read_to_string(dir.join("expected-check.txt"))
        .is_ok_and(|c| c.contains("fix (unsafe)"))
}

/// The expectations of a fixture, each with the options that produce it.
fn runs(dir: &std::path::Path) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut runs = vec![("expected-trace", Vec::new())];
    if has_pending_fixes(dir) {
        runs.push(("expected-trace-after-fix", vec!["--after-fix"]));
    }
    if has_unsafe_fixes(dir) {
        runs.push((
            "expected-trace-after-unsafe-fix",
            vec!["--after-fix", "--unsafe-fixes"],
        ));
    }
    runs
}

fn trace_fixture(name: &str) {
    let dir = fixture_dir(name);
    for (file, extra) in runs(&dir) {
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

        /// Every fixture with a trace expectation has a test above, and has only the
        /// expectations its fixes call for (none left from a fix that is gone).
        #[test]
        fn every_traced_fixture_is_tested() {
            let listed = [$($dir),*];
            for entry in std::fs::read_dir(common::repo_root().join("fixtures")).unwrap() {
                let dir = entry.unwrap().path();
                let name = dir.file_name().unwrap().to_str().unwrap().to_string();
                let expectations: Vec<String> = std::fs::read_dir(&dir)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().into_string().unwrap())
                    .filter(|f| f.starts_with("expected-trace"))
                    .collect();
                if expectations.is_empty() {
                    continue;
                }
                assert!(listed.contains(&name.as_str()), "fixtures/{name} has a trace expectation but no test in tests/trace.rs");
                let wanted: Vec<String> = runs(&dir)
                    .iter()
                    .flat_map(|(file, _)| [format!("{file}.txt"), format!("{file}.json")])
                    .collect();
                for file in &expectations {
                    assert!(wanted.contains(file), "fixtures/{name}/{file} is not produced by any run");
                }
            }
        }
    };
}

traced! {
    keyvault_after_the_web_host => "trace-keyvault-guide",
    keyvault_before_the_web_host => "trace-keyvault-before-webhost",
    hybrid_from_a_partial_section => "trace-hybrid-section",
    eager_read_before_key_vault => "trace-eager-read",
    custom_path_on_each_version => "v9-custom-config-path",
    lambda_copying_an_early_read => "guide-legacy-compatibility",
    sources_the_app_adds_itself => "trace-added-sources",
    a_section_no_source_defines => "legacy-environment-and-missing-section",
    lambda_override_on_each_version => "v9-default-override",
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

#[test]
fn code_shown_as_written_masks_a_secret_looking_value() {
    // A condition the trace cannot read is shown as written: with a key in it, masked.
    let secret = "ZXlKcmRIa2lPaUpTVTBFaUxDSjFjMlVpT2lKemFXY2lMQ0ZyYVdRaU9pSnBibk4=";
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture_dir("trace-keyvault-guide"), dir.path());
    let program = dir.path().join("App/Program.cs");
    let code = std::fs::read_to_string(&program).unwrap().replace(
        "if (!builder.Environment.IsDevelopment())",
        &format!("if (builder.Configuration[\"Vault:Check\"] == \"{secret}\")"),
    );
    std::fs::write(&program, code).unwrap();
    for format in ["human", "json", "markdown"] {
        for extra in [&[][..], &["--after-fix", "--unsafe-fixes"][..]] {
            let mut args = vec!["--format", format];
            args.extend(extra);
            let text = trace(dir.path(), &args);
            assert!(
                text.contains("Vault:Check"),
                "{format} {extra:?} shows the condition: {text}"
            );
            assert!(
                !text.contains(&secret[..12]),
                "{format} {extra:?} shows the value: {text}"
            );
        }
    }
}

#[test]
fn the_readme_excerpt_is_what_trace_prints() {
    // README.md shows an excerpt of `trace --after-fix --format json` on this fixture: every
    // object it shows is the one the run prints.
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("```json\n{\n  \"version\": 1,\n  \"after_fix\"")
        .expect("the README has the trace excerpt")
        + "```json\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let excerpt: Value = serde_json::from_str(&readme[start..end]).expect("the excerpt is JSON");
    let dir = fixture_dir("trace-keyvault-before-webhost");
    let actual: Value =
        serde_json::from_str(&trace(&dir, &["--after-fix", "--format", "json"])).unwrap();
    for field in ["version", "after_fix", "environments"] {
        assert_eq!(excerpt[field], actual[field], "{field}");
    }
    let (shown, app) = (&excerpt["apps"][0], &actual["apps"][0]);
    for field in ["project", "altinn_version", "model", "services_registered"] {
        assert_eq!(shown[field], app[field], "{field}");
    }
    for source in shown["sources"].as_array().unwrap() {
        let id = source["id"].as_u64().unwrap() as usize;
        assert_eq!(source, &app["sources"][id - 1], "source {id}");
    }
    let (shown, identity) = (&shown["identities"][0], &app["identities"][0]);
    for field in ["client", "binding", "section"] {
        assert_eq!(shown[field], identity[field], "{field}");
    }
    let find = |list: &Value, field: &str, value: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|item| &item[field] == value)
            .cloned()
            .unwrap_or_else(|| panic!("no {field} {value} in {list}"))
    };
    for key in shown["keys"].as_array().unwrap() {
        assert_eq!(key, &find(&identity["keys"], "key", &key["key"]));
    }
    for environment in shown["environments"].as_array().unwrap() {
        let traced = find(
            &identity["environments"],
            "environment",
            &environment["environment"],
        );
        for key in environment["keys"].as_array().unwrap() {
            assert_eq!(key, &find(&traced["keys"], "key", &key["key"]));
        }
        assert_eq!(environment["verdict"], traced["verdict"]);
    }
}

#[test]
fn what_the_run_could_not_use_is_said_and_an_unusable_option_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    // Program.cs without its project: nothing is an app, and the trace says why.
    std::fs::copy(
        fixture_dir("trace-keyvault-guide").join("App/Program.cs"),
        dir.path().join("Program.cs"),
    )
    .unwrap();
    let human = trace(dir.path(), &[]);
    assert!(
        human.starts_with("incomplete: .: no project (.csproj) here or above"),
        "{human}"
    );
    assert!(
        human.contains("No Altinn app in what was checked"),
        "{human}"
    );
    let output = run(
        dir.path(),
        &[
            "trace",
            "--format",
            "json",
            "--key-vault-secrets",
            "kv-names.txt",
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).expect("the trace is still written");
    let problems = json["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["severity"] == "error" && p["path"] == "kv-names.txt"),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p["severity"] == "warning"),
        "{problems:?}"
    );
}

#[test]
fn only_the_appsettings_files_of_the_content_root_are_loaded() {
    // An appsettings file in another folder of the project is not loaded by the defaults.
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture_dir("trace-keyvault-guide"), dir.path());
    std::fs::create_dir_all(dir.path().join("App/Properties")).unwrap();
    std::fs::write(
        dir.path().join("App/Properties/appsettings.json"),
        "{ \"MaskinportenSettings\": { \"ClientId\": \"a-client-of-a-sample\" } }\n",
    )
    .unwrap();
    let json: Value = serde_json::from_str(&trace(dir.path(), &["--format", "json"])).unwrap();
    let app = &json["apps"][0];
    let files: Vec<&str> = app["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert_eq!(
        files,
        [
            "App/appsettings.json",
            "App/appsettings.Development.json",
            "App/appsettings.Production.json"
        ]
    );
}

#[test]
fn many_clients_of_one_identity_are_counted_in_the_heading_and_listed_in_json() {
    // Six typed clients reading one section are one identity: the heading names three.
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture_dir("trace-eager-read"), dir.path());
    let registrations: String = (0..6)
        .map(|i| {
            format!(
                "        services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IRegister{i}, Register{i}>(config.GetSection(\"Registers\"), cd => cd.ClientSettings.Scope = \"altinn:register{i}\");\n"
            )
        })
        .collect();
    std::fs::write(
        dir.path().join("App/Registers.cs"),
        format!(
            "using Altinn.ApiClients.Maskinporten.Config;\nusing Altinn.ApiClients.Maskinporten.Extensions;\nusing Altinn.ApiClients.Maskinporten.Services;\n\nnamespace Altinn.App;\n\npublic static class Registers\n{{\n    public static void Register(IServiceCollection services, IConfiguration config)\n    {{\n{registrations}    }}\n}}\n"
        ),
    )
    .unwrap();
    let human = trace(dir.path(), &[]);
    assert!(
        human.contains(
            "Legacy typed client IRegister0, typed client IRegister1, typed client IRegister2 and 3 more, section \"Registers\" (MP101 at App/Registers.cs:11, MP101 at App/Registers.cs:12, MP101 at App/Registers.cs:13 and 3 more)"
        ),
        "{human}"
    );
    let json: Value = serde_json::from_str(&trace(dir.path(), &["--format", "json"])).unwrap();
    let identity = json["apps"][0]["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["section"] == "Registers")
        .unwrap()
        .clone();
    assert_eq!(identity["clients"].as_array().unwrap().len(), 6);
    assert_eq!(identity["findings"].as_array().unwrap().len(), 6);
}
