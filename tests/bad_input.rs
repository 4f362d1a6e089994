//! Bad input never stops a run: each problem is named with its file, the rest is still checked,
//! and the exit code keeps its meaning.

mod common;

use common::{APP_CSPROJ, LEGACY_REGISTRATION, check_json, compact, problems, run, write_file};

fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "App/App.csproj", APP_CSPROJ.as_bytes());
    dir
}

/// The registration-level findings (MP1xx, MP904): the input handling decides them; the
/// configuration rules are tested on the fixtures.
fn rules_and_lines(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.starts_with("MP1") || rule == "MP904"
        })
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

#[test]
fn broken_csharp_is_named_and_the_rest_of_the_file_still_counts() {
    let dir = app();
    let broken = format!("{LEGACY_REGISTRATION}\nclass Broken {{ void M( {{ }}\n");
    write_file(dir.path(), "App/Program.cs", broken.as_bytes());
    let (report, exit, stderr) = check_json(dir.path(), &[]);
    assert_eq!(
        rules_and_lines(&report),
        ["MP108 App/Program.cs:1:1", "MP101 App/Program.cs:5:5"]
    );
    let problems = problems(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("App/Program.cs: C# syntax error at line 8"),
        "{problems:?}"
    );
    assert!(
        stderr.contains("warning: App/Program.cs: C# syntax error at line 8"),
        "{stderr}"
    );
    assert_eq!(exit, 1);
}

#[test]
fn bom_and_crlf_keep_positions_exact() {
    let dir = app();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(LEGACY_REGISTRATION.replace('\n', "\r\n").as_bytes());
    write_file(dir.path(), "App/Program.cs", &bytes);
    let (report, _, _) = check_json(dir.path(), &[]);
    assert_eq!(
        rules_and_lines(&report),
        ["MP108 App/Program.cs:1:1", "MP101 App/Program.cs:5:5"]
    );
    let finding = &report["findings"][1];
    assert_eq!(
        (finding["end_line"].as_u64(), finding["end_column"].as_u64()),
        (Some(5), Some(161))
    );
    assert!(problems(&report).is_empty());
}

/// A file that is not UTF-8 is read as Windows-1252 (as the C# compiler does); a file whose
/// bytes fit no encoding (a UTF-8 BOM before bytes that are not UTF-8, a UTF-16 BOM before a lone
/// surrogate, NUL bytes without a BOM: UTF-16 saved without one) is named with the offset of
/// the first bad byte, in the report and on standard error, and the rest is checked.
#[test]
fn every_encoding_is_read_and_what_fits_none_is_named() {
    let dir = app();
    let mut latin1 = LEGACY_REGISTRATION.as_bytes().to_vec();
    latin1.extend_from_slice(b"// caf\xE9\n");
    write_file(dir.path(), "App/Program.cs", &latin1);
    let mut after_bom = b"\xEF\xBB\xBF".to_vec();
    after_bom.extend_from_slice(LEGACY_REGISTRATION.as_bytes());
    after_bom.extend_from_slice(b"// s\xF8knad\n");
    write_file(dir.path(), "App/Mixed.cs", &after_bom);
    let mut surrogate = b"\xFF\xFE".to_vec();
    surrogate.extend(
        LEGACY_REGISTRATION
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    surrogate.extend_from_slice(&0xD800u16.to_le_bytes());
    write_file(dir.path(), "App/Broken16.cs", &surrogate);
    let no_bom: Vec<u8> = LEGACY_REGISTRATION
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    write_file(dir.path(), "App/NoBom16.cs", &no_bom);
    let (report, exit, stderr) = check_json(dir.path(), &[]);
    assert_eq!(
        rules_and_lines(&report),
        ["MP108 App/Program.cs:1:1", "MP101 App/Program.cs:5:5"]
    );
    let expected = [
        format!(
            "App/Broken16.cs: the file starts with a UTF-16LE byte-order mark but is not valid UTF-16LE (first bad byte at offset {}); save it as UTF-8 to have it checked; the file is skipped",
            2 + 2 * LEGACY_REGISTRATION.len()
        ),
        format!(
            "App/Mixed.cs: the file starts with a UTF-8 byte-order mark but is not valid UTF-8 (first bad byte at offset {}); save it in one encoding to have it checked; the file is skipped",
            3 + LEGACY_REGISTRATION.len() + 4
        ),
        "App/NoBom16.cs: the file holds a NUL byte (offset 1): UTF-16 without a byte-order mark, or not a text file; save it as UTF-8 to have it checked; the file is skipped".to_string(),
    ];
    assert_eq!(problems(&report), expected);
    for problem in &expected {
        assert!(stderr.contains(problem.as_str()), "{stderr}");
    }
    assert_eq!(exit, 1);
}

#[test]
fn malformed_project_file_is_named_and_its_code_is_inventoried() {
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "App/App.csproj",
        b"<Project>\n  <ItemGroup>\n</Project>\n",
    );
    write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
    let (report, exit, _) = check_json(dir.path(), &[]);
    assert_eq!(report["projects"][0]["kind"], "unreadable");
    assert_eq!(rules_and_lines(&report), ["MP904 App/Program.cs:5:5"]);
    let problems = problems(&report);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("App/App.csproj: malformed XML at line 3"),
        "{problems:?}"
    );
    assert!(
        problems[0].ends_with("the project is treated as unreadable"),
        "{problems:?}"
    );
    assert_eq!(
        exit, 0,
        "MP904 is an info, below the default --fail-on warning"
    );
}

#[test]
fn invalid_appsettings_is_named_and_ignored() {
    let dir = app();
    write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
    write_file(
        dir.path(),
        "App/appsettings.json",
        b"{\n  \"MaskinportenSettings\": { \"Scope\": }\n}\n",
    );
    let (report, _, _) = check_json(dir.path(), &[]);
    assert_eq!(
        rules_and_lines(&report),
        ["MP108 App/Program.cs:1:1", "MP101 App/Program.cs:5:5"]
    );
    let problems = problems(&report);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("App/appsettings.json: invalid JSON at line 2"),
        "{problems:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_named_and_the_run_goes_on() {
    let dir = app();
    write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
    std::os::unix::fs::symlink(
        dir.path().join("App/Gone.cs"),
        dir.path().join("App/Dangling.cs"),
    )
    .unwrap();
    let (report, exit, _) = check_json(dir.path(), &[]);
    assert_eq!(
        rules_and_lines(&report),
        ["MP108 App/Program.cs:1:1", "MP101 App/Program.cs:5:5"]
    );
    let problems = problems(&report);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("App/Dangling.cs: cannot read the file:"),
        "{problems:?}"
    );
    assert_eq!(exit, 1);
}

#[test]
fn a_missing_path_is_a_usage_error_but_the_others_are_checked() {
    let dir = app();
    write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
    let output = run(
        dir.path(),
        &["check", "--format", "json", "App", "does-not-exist"],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: does-not-exist: no such file or directory"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rules_and_lines(&report),
        ["MP108 App/Program.cs:1:1", "MP101 App/Program.cs:5:5"]
    );
}

#[test]
fn an_empty_directory_exits_0_but_says_nothing_was_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (report, exit, stderr) = check_json(dir.path(), &[]);
    assert_eq!(
        compact(&report, exit),
        "\nproblem .: nothing was checked: no project (.csproj) and no C#, appsettings or policy file here\n\nsummary: 0 errors, 0 warnings, 0 infos; exit 0\n"
    );
    assert_eq!(
        stderr,
        "warning: .: nothing was checked: no project (.csproj) and no C#, appsettings or policy file here\n"
    );
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_and_nothing_is_left_behind() {
    let dir = app();
    write_file(dir.path(), "App/Program.cs", LEGACY_REGISTRATION.as_bytes());
    let output = run(
        dir.path(),
        &["check", "--output", "no/such/dir/report.json", "."],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: cannot write the report to no/such/dir/report.json"),
        "{stderr}"
    );
}
