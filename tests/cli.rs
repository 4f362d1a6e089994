//! The command line itself: formats, --output, --fail-on, -j, explain and rules.

mod common;

use common::{check_json, copy_tree, fixture_dir, repo_root, run};

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = fixture_dir("guide-typed-client");
    let code = |level: &str| run(&dir, &["check", "--fail-on", level, "."]).status.code();
    // The fixture has one error and two warnings.
    assert_eq!(code("error"), Some(1));
    assert_eq!(code("warning"), Some(1));
    let clean = fixture_dir("options-only");
    assert_eq!(
        run(&clean, &["check", "--fail-on", "error", "."])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn output_writes_the_same_report_as_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = fixture_dir("guide-typed-client");
    let report = dir.path().join("report.json");
    let report_arg = report.to_str().unwrap();
    let to_file = run(
        &fixture,
        &["check", "--format", "json", "--output", report_arg, "."],
    );
    assert_eq!(to_file.status.code(), Some(1));
    assert!(to_file.stdout.is_empty());
    let to_stdout = run(&fixture, &["check", "--format", "json", "."]);
    assert_eq!(std::fs::read(&report).unwrap(), to_stdout.stdout);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only the report, no temporary file");
}

#[test]
fn one_thread_gives_the_same_report_as_many() {
    let fixtures = repo_root().join("fixtures");
    let one = run(&fixtures, &["check", "--format", "json", "-j", "1", "."]);
    let many = run(&fixtures, &["check", "--format", "json", "-j", "4", "."]);
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn human_output_has_code_frames_and_a_summary() {
    let output = run(&fixture_dir("guide-typed-client"), &["check", "."]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("App/Program.cs:24:3: error MP101 [legacy-typed-client]"),
        "{text}"
    );
    assert!(text.contains("24 │ ╭──▶   services"), "{text}");
    assert!(
        text.contains("the section \"Maskinporten-Config-Path\" it reads"),
        "{text}"
    );
    assert!(
        text.ends_with("1 error, 3 warnings, 2 infos in 9 files (1 project, 1 Altinn app)\n"),
        "{text}"
    );
}

#[test]
fn explain_prints_the_rule_documentation() {
    let output = run(&repo_root(), &["explain", "mp101"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(
            "# MP101 legacy-typed-client\n\nDefault severity: error (info where it stays on the legacy package"
        ),
        "{text}"
    );
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## Fix",
    ] {
        assert!(text.contains(section), "missing {section}");
    }
    let by_name = run(&repo_root(), &["explain", "legacy-typed-client"]);
    assert_eq!(by_name.stdout, text.as_bytes());
}

#[test]
fn explain_an_unknown_rule_is_a_usage_error() {
    let output = run(&repo_root(), &["explain", "MP999"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no rule `MP999`"));
}

#[test]
fn every_rule_is_listed_and_documented() {
    let output = run(&repo_root(), &["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = maskinporten_migrate::rules::RULES
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(codes, registry);
    for code in codes {
        let doc = String::from_utf8(run(&repo_root(), &["explain", code]).stdout).unwrap();
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix\n",
            "## Fix safety\n",
        ] {
            assert!(doc.contains(section), "{code} lacks {section}");
        }
    }
}

#[test]
fn the_readme_rule_table_is_the_registry() {
    let table =
        String::from_utf8(run(&repo_root(), &["rules", "--format", "markdown"]).stdout).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&table),
        "README.md's rule table differs from `maskinporten-migrate rules --format markdown`; paste that output into it:\n{table}"
    );
}

#[test]
fn unknown_options_are_usage_errors() {
    let output = run(&repo_root(), &["check", "--format", "yaml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn no_output_format_shows_a_secret_value() {
    let dir = fixture_dir("appsettings-hazards");
    let settings = std::fs::read_to_string(dir.join("App/appsettings.json")).unwrap();
    let start = settings.find("\"JwkBase64\": \"").unwrap() + "\"JwkBase64\": \"".len();
    let secret = &settings[start..start + settings[start..].find('"').unwrap()];
    assert!(secret.len() > 40);
    let runs: [&[&str]; 9] = [
        &["check", "--format", "human", "."],
        &["check", "--format", "json", "."],
        &["check", "--format", "markdown", "."],
        &["trace", "--format", "human", "."],
        &["trace", "--format", "json", "."],
        &["trace", "--format", "markdown", "."],
        &["trace", "--after-fix", "--unsafe-fixes", "."],
        &["trace", "--after-fix", "--format", "json", "."],
        &["trace", "--after-fix", "--format", "markdown", "."],
    ];
    for args in runs {
        let output = run(&dir, args);
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        // Each run reports the key (the finding, or the trace's appsettings source).
        assert!(
            text.contains("MP307") || text.contains("JwkBase64") || text.contains("jwkBase64"),
            "{args:?}: {text}"
        );
        assert!(
            !text.contains(&secret[..16]),
            "{args:?} shows the JwkBase64 value"
        );
        assert!(
            !text.contains("fake-d"),
            "{args:?} shows a Jwk member value"
        );
    }
}

#[test]
fn plan_lists_the_steps_outside_the_repository_in_order() {
    let dir = fixture_dir("keyvault-secrets");
    let output = run(
        &dir,
        &[
            "plan",
            "--key-vault-secrets",
            "key-vault-secrets.json",
            "--studio-scopes",
            "studio-scopes.txt",
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "App/App.csproj
  1. Apply the fixes (`fix --write`) and review the change
  2. Deploy to TT02; verify that the app gets a Maskinporten token, and that calls needing an exchanged Altinn token still work
  3. Deploy to production and verify the same way
  4. After production is verified, delete Maskinporten secrets nothing reads (and the old Maskinporten client, once no other app or integration uses it)
     - myapp--MaskinportenSettings--ClientId
     - myapp--MaskinportenSettings--JwkBase64
     - OldIntegration--MaskinportenSettings--EncodedJwk
  5. Keep the Azure Key Vault setup: the app reads these other secrets from it
     - EventSubscription--SecretCode

"
    );
}

#[test]
fn plan_lists_every_scope_the_app_asks_for() {
    // Registrations (one migrated by the fix), token calls of IMaskinportenClient through
    // constants, lists and locals, and a scope only run time knows, listed last.
    let dir = fixture_dir("manual-token-scopes");
    let output = run(&dir, &["plan", "."]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "App/App.csproj
  1. Apply the fixes (`fix --write`) and review the change
  2. Select these scopes for the app in Altinn Studio (Maskinporten tab or the app's scope settings)
     - krr:global/kontaktinformasjon.read
     - kartverket:matrikkel.read
     - ks:fiks.arkiv
     - ks:fiks.svarut
     - ks:fiks.io
     - altinn:correspondence.write
     - the value of `_configuration[\"FiksArkiv:KommunearkivScope\"]` (App/Services/FiksArkivService.cs:72), known only at run time: look it up
  3. Deploy to TT02; verify that the app gets a Maskinporten token, and that calls needing an exchanged Altinn token still work
  4. Deploy to production and verify the same way
  5. Whether the Azure Key Vault setup is still needed after the migration cannot be told without the vault's secret names (--key-vault-secrets FILE or --key-vault URL): keep it unless Maskinporten credentials are all the app reads from it

"
    );
}

#[test]
fn plan_leaves_out_what_the_fixes_of_other_findings_resolve() {
    // MP302's credential keys go with MP301's removal of the section's legacy keys: nothing is
    // left for a person, so the plan starts with applying the fixes.
    let dir = fixture_dir("split-typeof-key");
    let output = run(&dir, &["plan", "."]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "App/App.csproj
  1. Apply the fixes (`fix --write`) and review the change
  2. Select these scopes for the app in Altinn Studio (Maskinporten tab or the app's scope settings)
     - altinn:dataaltinnno/oed
     - brreg:enhetsregisteret/autorisert-api
  3. Deploy to TT02; verify that the app gets a Maskinporten token, and that calls needing an exchanged Altinn token still work
  4. Deploy to production and verify the same way
  5. Whether the Azure Key Vault setup is still needed after the migration cannot be told without the vault's secret names (--key-vault-secrets FILE or --key-vault URL): keep it unless Maskinporten credentials are all the app reads from it

"
    );
}

#[test]
fn keep_does_not_move_a_client_given_a_token_request() {
    // The legacy settings hold scopes and the exchange flag, nothing of a MaskinportenTokenRequest
    // (resource, consumer org, system user): the move to the legacy package is withheld.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("v9-keep-env"), dir.path());
    let program = dir.path().join("App/Program.cs");
    let text = std::fs::read_to_string(&program).unwrap();
    let written = r#"UseMaskinportenAltinnAuthorization("altinn:events.publish", "altinn:serviceowner/instances.read")"#;
    assert!(text.contains(written));
    let text = text.replace(
        written,
        r#"UseMaskinportenAltinnAuthorization(new MaskinportenTokenRequest { Scopes = ["altinn:events.publish"] })"#,
    );
    std::fs::write(&program, text).unwrap();
    let (report, _, _) = check_json(dir.path(), &["--credentials", "keep"]);
    let findings = report["findings"].as_array().unwrap();
    let moved = findings.iter().find(|f| f["rule"] == "MP201").unwrap();
    assert!(moved["fix"].is_null(), "{moved}");
    let why = moved["fix_withheld"].as_str().unwrap();
    assert!(
        why.contains("App/Program.cs:27 is given a MaskinportenTokenRequest"),
        "{why}"
    );
}

#[test]
fn plan_as_json_and_markdown() {
    let dir = fixture_dir("guide-message-handler");
    let json = run(&dir, &["plan", "--format", "json", "."]);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(plan["version"], 1);
    let steps = plan["apps"][0]["steps"].as_array().unwrap();
    assert_eq!(
        steps[1]["items"],
        serde_json::json!(["altinn:dataaltinnno"])
    );
    let markdown = run(&dir, &["plan", "--format", "markdown", "."]);
    let text = String::from_utf8(markdown.stdout).unwrap();
    assert!(
        text.starts_with("# Migration plan\n\n## `App/App.csproj`\n\n1. Apply the fixes"),
        "{text}"
    );
}

#[test]
fn fix_only_limits_the_rules_fixed() {
    let dir = fixture_dir("guide-typed-client");
    let only = run(&dir, &["fix", "--only", "MP108", "."]);
    let patch = String::from_utf8(only.stdout).unwrap();
    // The usings stay while the registration they serve is not fixed, and fix says so.
    assert_eq!(patch, "");
    assert_eq!(only.status.code(), Some(0));
    let said = String::from_utf8(only.stderr).unwrap();
    assert!(
        said.contains("note: MP108 at App/Program.cs:1 is not fixed: its fix needs the fixes of MP101 first, which --only leaves out; add them to --only"),
        "{said}"
    );
    assert!(
        said.contains("note: MP108 at App/Program.cs:2 is not fixed"),
        "{said}"
    );
    let both = run(&dir, &["fix", "--only", "MP108,MP101", "."]);
    let patch = String::from_utf8(both.stdout).unwrap();
    assert!(
        patch.contains("-using Altinn.ApiClients.Maskinporten.Extensions;"),
        "{patch}"
    );
    assert!(!String::from_utf8(both.stderr).unwrap().contains("note:"));
    let typed = run(&dir, &["fix", "--only", "legacy-typed-client", "."]);
    let patch = String::from_utf8(typed.stdout).unwrap();
    assert!(
        patch.contains("+    .UseMaskinportenAltinnAuthorization("),
        "{patch}"
    );
    assert!(!patch.contains("-using Altinn.ApiClients"), "{patch}");
    let unknown = run(&dir, &["fix", "--only", "MP999", "."]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn fix_write_refuses_a_dirty_git_tree() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    for entry in ["App/App.csproj", "App/Program.cs"] {
        let from = fixture_dir("guide-typed-client").join(entry);
        let to = app.join(entry);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(&app)
            .args(args)
            .output()
            .unwrap()
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "init",
    ]);
    std::fs::write(app.join("App/Program.cs"), "// edited\n").unwrap();
    let refused = run(&app, &["fix", "--write", "."]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("uncommitted changes"));
    assert_eq!(
        std::fs::read_to_string(app.join("App/Program.cs")).unwrap(),
        "// edited\n"
    );
}

#[test]
fn credentials_keep_is_refused_on_altinn_app_9() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("App");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("App.csproj"),
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <PackageReference Include=\"Altinn.App.Api\" Version=\"9.0.0-preview.4\" />\n    <PackageReference Include=\"Altinn.ApiClients.Maskinporten\" Version=\"9.2.1\" />\n  </ItemGroup>\n</Project>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("Program.cs"),
        "using Altinn.ApiClients.Maskinporten.Services;\n\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IFoo, Foo>(config.GetSection(\"Mp\"), cd => cd.ClientSettings.Scope = \"a:b\");\n}\n",
    )
    .unwrap();
    let studio = run(dir.path(), &["fix", "."]);
    assert!(
        String::from_utf8_lossy(&studio.stdout)
            .contains("+    services.AddHttpClient<IFoo, Foo>()")
    );
    let keep = run(dir.path(), &["fix", "--credentials", "keep", "."]);
    assert_eq!(String::from_utf8_lossy(&keep.stdout), "");
    let stderr = String::from_utf8_lossy(&keep.stderr);
    assert!(
        stderr.contains("App/App.csproj: --credentials keep is refused on Altinn.App 9"),
        "{stderr}"
    );
    let (report, _, _) = common::check_json(dir.path(), &["--credentials", "keep"]);
    let typed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "MP101")
        .unwrap();
    assert!(typed["fix"].is_null());
    assert!(
        typed["fix_withheld"]
            .as_str()
            .unwrap()
            .contains("refused on Altinn.App 9")
    );
}

#[test]
fn plan_with_credentials_keep_renames_key_vault_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "Maskinporten-Config-Path--ClientId\nMaskinporten-Config-Path--EncodedJwk\nMaskinporten-Config-Path--Environment\n").unwrap();
    let output = run(
        &fixture_dir("guide-typed-client"),
        &[
            "plan",
            "--credentials",
            "keep",
            "--key-vault-secrets",
            names.to_str().unwrap(),
            ".",
        ],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Rename these Key Vault secrets"), "{text}");
    assert!(
        text.contains(
            "- Maskinporten-Config-Path--EncodedJwk → Maskinporten-Config-Path--JwkBase64"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "- Maskinporten-Config-Path--Environment → Maskinporten-Config-Path--Authority"
        ),
        "{text}"
    );
    assert!(!text.contains("ClientId →"), "{text}");
}

#[test]
fn an_app_of_unknown_version_gets_the_altinn_app_8_rules_and_is_told_so() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("App");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(
        app.join("App.csproj"),
        r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <ItemGroup>
    <PackageReference Include="Altinn.App.Api" Version="$(AltinnAppVersion)" />
  </ItemGroup>
</Project>
"#,
    )
    .unwrap();
    std::fs::write(
        app.join("Program.cs"),
        "using Altinn.App.Api.Extensions;\n\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{\n    services.ConfigureMaskinportenClient(\"myapp:MaskinportenSettings\");\n}\n",
    )
    .unwrap();
    let json = run(dir.path(), &["check", "--format", "json", "."]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let project = &report["projects"][0];
    assert_eq!(project["altinn_version"], serde_json::Value::Null);
    assert_eq!(project["model"], "v8");
    assert!(
        project["model_note"]
            .as_str()
            .unwrap()
            .contains("the Altinn.App 8 rules apply"),
        "{project}"
    );
    // The v8 reading: a custom path is a warning, not the v9 build error.
    let codes: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("MP201".into(), "warning".into())),
        "{codes:?}"
    );
    let human = String::from_utf8(run(dir.path(), &["check", "."]).stdout).unwrap();
    assert!(
        human.contains("note: App/App.csproj: the Altinn.App version is not known"),
        "{human}"
    );
}
