//! Helpers shared by the integration tests: run the built binary, and turn its JSON report into
//! the compact text the `expected-check.txt` files hold.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_dir(name: &str) -> PathBuf {
    repo_root().join("fixtures").join(name)
}

/// Copies a fixture (or any tree) to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
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

/// Runs the binary with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("maskinporten-migrate")
        .expect("the binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // A hang is a failure, not a stuck CI run.
        .timeout(std::time::Duration::from_secs(120))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `check --format json .` in `dir`, parsed.
pub fn check_json(dir: &Path, extra: &[&str]) -> (Value, i32, String) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let output = run(dir, &args);
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (report, output.status.code().unwrap_or(-1), stderr)
}

fn position(v: &Value) -> String {
    format!(
        "{}:{}:{}-{}:{}",
        v["path"].as_str().unwrap_or("?"),
        v["line"],
        v["column"],
        v["end_line"],
        v["end_column"]
    )
}

/// The report as reviewable text: projects, then one block per finding, then problems.
pub fn compact(report: &Value, exit: i32) -> String {
    let mut out = String::new();
    for p in report["projects"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "project {} {} {}\n",
            p["path"].as_str().unwrap_or("?"),
            p["kind"].as_str().unwrap_or("?"),
            p["altinn_version"].as_str().unwrap_or("-")
        ));
        // The evidence of the usual app (a package reference to Altinn.App.Api) is left out
        // to keep the expectations short; every other classification shows what it rests on.
        let evidence: Vec<&str> = p["evidence"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let usual = p["kind"] == "altinn-app"
            && evidence
                .iter()
                .any(|e| e.starts_with("PackageReference Altinn.App.Api"));
        if !usual && !evidence.is_empty() {
            out.push_str(&format!("  evidence: {}\n", evidence.join("; ")));
        }
        if let Some(note) = p["model_note"].as_str() {
            out.push_str(&format!("  note: {note}\n"));
        }
    }
    for f in report["findings"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "\n{} {} {} {}\n  {}\n",
            f["rule"].as_str().unwrap_or("?"),
            f["severity"].as_str().unwrap_or("?"),
            position(f),
            f["name"].as_str().unwrap_or("?"),
            f["message"].as_str().unwrap_or("?")
        ));
        for r in f["related"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  related {} {}\n",
                position(r),
                r["message"].as_str().unwrap_or("?")
            ));
        }
        if let Some(why) = f["fix_withheld"].as_str() {
            out.push_str(&format!("  fix withheld: {why}\n"));
        }
        if !f["fix"].is_null() {
            let fix = &f["fix"];
            out.push_str(&format!(
                "  fix ({}): {}\n",
                fix["safety"].as_str().unwrap_or("?"),
                fix["description"].as_str().unwrap_or("?")
            ));
            for e in fix["edits"].as_array().into_iter().flatten() {
                out.push_str(&format!(
                    "    edit {} {}..{} -> {:?}\n",
                    e["path"].as_str().unwrap_or("?"),
                    e["start_byte"],
                    e["end_byte"],
                    e["replacement"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    for p in report["problems"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "\nproblem {}: {}\n",
            p["path"].as_str().unwrap_or("?"),
            p["message"].as_str().unwrap_or("?")
        ));
    }
    let s = &report["summary"];
    out.push_str(&format!(
        "\nsummary: {} errors, {} warnings, {} infos; exit {exit}\n",
        s["errors"], s["warnings"], s["infos"]
    ));
    out
}

/// Compares `actual` with the file, or rewrites the file when UPDATE_EXPECT=1.
pub fn assert_expected(path: &Path, actual: &str) {
    assert_expected_bytes(path, actual.as_bytes());
}

/// `assert_expected` for bytes: a patch whose lines keep each file's own encoding.
pub fn assert_expected_bytes(path: &Path, actual: &[u8]) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("the folder is made");
        }
        std::fs::write(path, actual).expect("the expectation is written");
        return;
    }
    let expected = std::fs::read(path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with UPDATE_EXPECT=1 to create it, then review it",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar_diff(
            &String::from_utf8_lossy(&expected),
            &String::from_utf8_lossy(actual),
        );
        panic!(
            "{} differs (UPDATE_EXPECT=1 rewrites it):\n{diff}",
            path.display()
        );
    }
}

fn similar_diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    let max = e.len().max(a.len());
    for i in 0..max {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => {}
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("-{:>4} {x}\n", i + 1));
                }
                if let Some(y) = y {
                    out.push_str(&format!("+{:>4} {y}\n", i + 1));
                }
            }
        }
    }
    out
}

/// Runs git in `dir` with a fixed identity and no user configuration; its standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Migration Lead")
        .env("GIT_AUTHOR_EMAIL", "lead@example.org")
        .env("GIT_COMMITTER_NAME", "Migration Lead")
        .env("GIT_COMMITTER_EMAIL", "lead@example.org")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Makes `dir` a git repository with everything in it committed on `main`.
pub fn init_repo(dir: &Path) {
    git(dir, &["init", "--quiet"]);
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", "Initial commit"]);
}

/// A project file of an app on Altinn.App 8.
pub const APP_CSPROJ: &str = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <ItemGroup>
    <PackageReference Include="Altinn.App.Api" Version="8.12.7" />
  </ItemGroup>
</Project>
"#;

/// A start-up file with one legacy registration.
pub const LEGACY_REGISTRATION: &str = "using Altinn.ApiClients.Maskinporten.Services;\n\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IFoo, Foo>(config.GetSection(\"MaskinportenSettings\"), cd => cd.ClientSettings.Scope = \"a:b\");\n}\n";

/// Writes `bytes` to `path` under `root`, making its folders.
pub fn write_file(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The JSON report's problems as `path: message`.
pub fn problems(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p["path"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// The JSON report's findings as `RULE path:line`.
pub fn rules_at(report: &Value) -> Vec<String> {
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
