//! Hostile input and safe writes (issue #12): input built at run time that once aborted, hung or
//! panicked the run, or made `fix` write what git cannot undo. Each test names the defect.

mod common;

use std::fs;
use std::path::Path;

use common::check_json;

const CSPROJ: &str = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <ItemGroup>
    <PackageReference Include="Altinn.App.Api" Version="8.12.7" />
  </ItemGroup>
</Project>
"#;

const REGISTRATION: &str = "using Altinn.ApiClients.Maskinporten.Services;\n\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IFoo, Foo>(config.GetSection(\"MaskinportenSettings\"), cd => cd.ClientSettings.Scope = \"a:b\");\n}\n";

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "App/App.csproj", CSPROJ.as_bytes());
    write(dir.path(), "App/Program.cs", REGISTRATION.as_bytes());
    dir
}

fn problems(report: &serde_json::Value) -> Vec<String> {
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

/// Defect 1: deep nesting in a start-up file (parentheses, a member chain, a long string
/// concatenation) once overflowed the stack (exit 134, no report); a registration argument
/// nested past the bound is a named problem, and the rest is still checked.
#[test]
fn deep_nesting_is_a_named_problem_not_an_abort() {
    let dir = app();
    let host = "var builder = WebApplication.CreateBuilder(args);\nbuilder.WebHost.ConfigureAppWebHost(args);\n";
    let n = 20_000;
    let parens = format!("{host}var x = {}1{};\n", "(".repeat(n), ")".repeat(n));
    write(dir.path(), "Parens/Program.cs", parens.as_bytes());
    let chain = format!("{host}var x = a{};\n", ".b".repeat(n));
    write(dir.path(), "Chain/Program.cs", chain.as_bytes());
    let concat = format!("{host}var x = {};\n", vec!["\"a\""; n].join(" + "));
    write(dir.path(), "Concat/Program.cs", concat.as_bytes());
    let deep_argument = format!(
        "using Altinn.ApiClients.Maskinporten.Services;\nvoid RegisterCustomAppServices(IServiceCollection services, IConfiguration config)\n{{\n    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IBar, Bar>(config{}, cd => cd.ClientSettings.Scope = \"a:b\");\n}}\n",
        ".GetSection(\"a\")".repeat(n)
    );
    write(dir.path(), "App/Deep.cs", deep_argument.as_bytes());
    let (report, exit, stderr) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1, "{stderr}");
    let deep = |path: &str, line: usize, column: usize| {
        format!(
            "{path}: expression nested too deeply to analyse (more than 256 levels) at line {line}, column {column}; what is nested below that level is not checked"
        )
    };
    assert_eq!(
        problems(&report),
        [
            deep("App/Deep.cs", 4, 80),
            deep("Chain/Program.cs", 3, 9),
            deep("Concat/Program.cs", 3, 9),
            deep("Parens/Program.cs", 3, 259),
        ]
    );
    let found = rules_at(&report);
    assert!(
        found.contains(&"MP101 App/Program.cs:5".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"MP101 App/Deep.cs:4".to_string()),
        "{found:?}"
    );
}
