//! What lets a team turn the tool on for many legacy apps at once: suppression comments (used,
//! unused, without a reason) and baselines that survive edits which move lines.

mod common;

use std::path::Path;

use common::{check_json, fixture_dir, rules_at, run};

fn copy_app(from: &str, to: &Path) {
    for file in ["App/App.csproj", "App/Program.cs", "App/appsettings.json"] {
        let target = to.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture_dir(from).join(file), target).unwrap();
    }
}

#[test]
fn suppressions_used_unused_and_without_reason() {
    let dir = tempfile::tempdir().unwrap();
    copy_app("guide-typed-client", dir.path());
    let program = dir.path().join("App/Program.cs");
    let text = std::fs::read_to_string(&program).unwrap();
    let text = text
        .replacen(
            "  services\n    .AddMaskinportenHttpClient",
            "  // maskinporten-migrate: ignore MP101 -- the events client moves in a later release\n  services\n    .AddMaskinportenHttpClient",
            1,
        )
        .replacen(
            "using Altinn.ApiClients.Maskinporten.Extensions;",
            "using Altinn.ApiClients.Maskinporten.Extensions; // maskinporten-migrate: ignore MP108",
            1,
        );
    let text =
        format!("{text}// maskinporten-migrate: ignore-file MP501 -- no policy in this test\n");
    std::fs::write(&program, text).unwrap();
    let (report, _, _) = check_json(dir.path(), &[]);
    assert_eq!(
        rules_at(&report),
        [
            "MP108 App/Program.cs:1",
            "MP002 App/Program.cs:1",
            "MP108 App/Program.cs:2",
            "MP602 App/Program.cs:30",
            "MP403 App/Program.cs:49",
            "MP001 App/Program.cs:97",
            "MP309 App/appsettings.json:29",
        ]
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    let unused = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "MP001")
        .unwrap();
    assert!(
        unused["message"]
            .as_str()
            .unwrap()
            .contains("suppresses nothing in this file")
    );
}

#[test]
fn a_baseline_hides_known_findings_across_edits_that_move_lines() {
    let dir = tempfile::tempdir().unwrap();
    copy_app("named-constant-client-name", dir.path());
    let baseline = dir.path().join("baseline.json");
    let written = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--write-baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(
        written.status.code(),
        Some(1),
        "the report itself is unchanged"
    );
    assert!(baseline.exists());
    let (all, _, _) = check_json(dir.path(), &[]);
    let total = all["findings"].as_array().unwrap().len();

    // Unrelated edits move every line; one new legacy registration appears.
    let program = dir.path().join("App/Program.cs");
    let text = std::fs::read_to_string(&program).unwrap();
    let text = text.replacen(
        "void RegisterCustomAppServices",
        "// Contact: team-skjema\n// Reviewed 2026-11\nvoid RegisterCustomAppServices",
        1,
    );
    let text = text.replacen(
        "{\n",
        "{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition>(\"extra\", config.GetSection(\"MPKartverket\"));\n",
        1,
    );
    std::fs::write(&program, text).unwrap();
    let (report, exit, _) = check_json(dir.path(), &["--baseline", "baseline.json"]);
    let new: Vec<String> = rules_at(&report);
    assert!(new.iter().any(|r| r.starts_with("MP102")), "{new:?}");
    assert!(new.len() < total, "{new:?}");
    assert!(report["summary"]["baselined"].as_u64().unwrap() >= (total - 1) as u64);
    assert_eq!(exit, 1);

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{}").unwrap();
    let (_, exit, stderr) = {
        let out = run(dir.path(), &["check", "--baseline", "broken.json", "."]);
        (
            out.stdout,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(exit, Some(2));
    assert!(
        stderr.contains("is not a baseline written by --write-baseline"),
        "{stderr}"
    );
}

#[test]
fn the_configuration_file_sets_levels_excludes_and_defaults_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    copy_app("guide-typed-client", &dir.path().join("repo"));
    copy_app("named-settings-object", &dir.path().join("repo/tools/old"));
    let repo = dir.path().join("repo");
    std::fs::write(
        repo.join("maskinporten-migrate.toml"),
        "# team defaults\nexclude = [\"tools/**\"]\nfail-on = \"error\"\ncredentials = \"keep\"\n\n[rules]\nMP602 = \"off\"\nlegacy-using = \"info\"\n",
    )
    .unwrap();
    // Found by walking up from the path given.
    let (report, exit, _) = check_json(&repo.join("App"), &[]);
    assert_eq!(
        rules_at(&report),
        [
            "MP108 Program.cs:1",
            "MP108 Program.cs:2",
            "MP101 Program.cs:24",
            "MP301 appsettings.json:29"
        ]
    );
    assert_eq!(report["findings"][0]["severity"], "info");
    assert_eq!(exit, 1, "MP101 is an error");
    // credentials = "keep" from the file: the fix points the built-in client at the section.
    let keep = run(&repo, &["fix", "."]);
    assert!(
        String::from_utf8_lossy(&keep.stdout)
            .contains("ConfigureMaskinportenClient(\"Maskinporten-Config-Path\")")
    );
    // The command line wins.
    let studio = run(&repo, &["fix", "--credentials", "studio", "."]);
    assert!(!String::from_utf8_lossy(&studio.stdout).contains("ConfigureMaskinportenClient"));
    let shown =
        String::from_utf8(run(&repo, &["config", "--credentials", "studio", "."]).stdout).unwrap();
    assert!(
        shown.contains("configuration file: maskinporten-migrate.toml")
            || shown.contains("maskinporten-migrate.toml"),
        "{shown}"
    );
    assert!(
        shown.contains("credentials = \"studio\" (command line)"),
        "{shown}"
    );
    assert!(
        shown.contains("fail-on = \"error\" (configuration file)"),
        "{shown}"
    );
    assert!(
        shown.contains("MP602 = off (configuration file)"),
        "{shown}"
    );
    assert!(
        shown.contains("MP108 = info (configuration file)"),
        "{shown}"
    );
}

#[test]
fn a_malformed_configuration_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_app("guide-typed-client", dir.path());
    std::fs::write(
        dir.path().join("maskinporten-migrate.toml"),
        "[rules]\nMP101 = \"loud\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("maskinporten-migrate.toml") && stderr.contains("line 2"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("maskinporten-migrate.toml"),
        "[rules]\nMP999 = \"off\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`MP999`, which is no rule"));
}

#[test]
fn a_configured_level_keeps_the_rules_own_adjustments() {
    let dir = tempfile::tempdir().unwrap();
    copy_app("appsettings-hazards", dir.path());
    let development = "App/appsettings.Development.json";
    std::fs::copy(
        fixture_dir("appsettings-hazards").join(development),
        dir.path().join(development),
    )
    .unwrap();
    let levels = |report: &serde_json::Value, rule: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                format!(
                    "{} {}",
                    f["path"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                )
            })
            .collect()
    };
    let (before, _, _) = check_json(dir.path(), &[]);
    assert_eq!(
        levels(&before, "MP302"),
        [
            "App/appsettings.Development.json info",
            "App/appsettings.json error"
        ]
    );
    std::fs::write(
        dir.path().join("maskinporten-migrate.toml"),
        "[rules]\nMP302 = \"warning\"\ncommitted-private-key = \"info\"\n",
    )
    .unwrap();
    let (after, _, _) = check_json(dir.path(), &[]);
    // The local-only file stays at info: the rule's adjustment applies on top of the level.
    assert_eq!(
        levels(&after, "MP302"),
        [
            "App/appsettings.Development.json info",
            "App/appsettings.json warning"
        ]
    );
    assert_eq!(
        levels(&after, "MP307"),
        [
            "App/appsettings.Development.json info",
            "App/appsettings.json info"
        ]
    );
}
