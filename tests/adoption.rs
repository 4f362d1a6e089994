//! What lets a team turn the tool on for many legacy apps at once: suppression comments (used,
//! unused, without a reason) and baselines that survive edits which move lines.

mod common;

use std::path::Path;

use common::{check_json, fixture_dir, run};

fn copy_app(from: &str, to: &Path) {
    for file in ["App/App.csproj", "App/Program.cs", "App/appsettings.json"] {
        let target = to.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture_dir(from).join(file), target).unwrap();
    }
}

fn rules_at(report: &serde_json::Value) -> Vec<String> {
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
            "MP001 App/Program.cs:97",
        ]
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    let unused = &report["findings"][4];
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
