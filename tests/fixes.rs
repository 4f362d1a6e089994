//! `fix` on every fixture: the patch equals the reviewed `expected-fix.patch`, `git apply`
//! accepts it, the result re-parses with no new problems, `check` finds nothing fixable left,
//! a second `fix` changes nothing, and `fix --write` writes the same bytes the patch gives.
//! A file a text patch cannot carry (UTF-16) is left out of the patch; what `fix --write`
//! writes for it is compared with the reviewed bytes in the fixture's `expected-write/` folder
//! (`<path>.expected`, not read as source).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_expected_bytes, check_json, copy_tree, fixture_dir, repo_root, run};

/// The folder of the bytes `fix --write` gives for files the patch leaves out.
const EXPECTED_WRITE: &str = "expected-write";

fn fixture_args(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixture_dir(name).join("check-args"))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The patch (bytes: each file's lines in its own encoding) and the exit code.
fn fix_diff(dir: &Path, args: &[String]) -> (Vec<u8>, i32) {
    let mut all = vec!["fix".to_string(), "--diff".to_string()];
    all.extend(args.iter().cloned());
    all.push(".".to_string());
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let output = run(dir, &all);
    (output.stdout, output.status.code().unwrap_or(-1))
}

fn git_apply(dir: &Path, patch: &[u8]) {
    let file = dir.join(".fix.patch");
    std::fs::write(&file, patch).unwrap();
    let output = Command::new("git")
        .current_dir(dir)
        .args(["apply", "--whitespace=nowarn", ".fix.patch"])
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git apply failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(patch)
    );
    std::fs::remove_file(file).unwrap();
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().starts_with("expected-") {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn fixable(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fix"]["safety"] == "safe")
        .map(|f| format!("{} {}:{}", f["rule"], f["path"], f["line"]))
        .collect()
}

fn problem_count(report: &serde_json::Value) -> usize {
    report["problems"].as_array().unwrap().len()
}

fn fix_fixture(name: &str) {
    fix_fixture_with(name, &[], "expected-fix.patch");
}

/// Runs the whole check on a copy of the fixture with extra options, comparing the patch to
/// `expected` in the fixture.
fn fix_fixture_with(name: &str, extra: &[&str], expected: &str) {
    let mut args = fixture_args(name);
    args.extend(extra.iter().map(|a| a.to_string()));
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    // `check` takes the same options, less the ones only `fix` has.
    let check_refs: Vec<&str> = arg_refs
        .iter()
        .copied()
        .filter(|a| *a != "--unsafe-fixes")
        .collect();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join(name);
    copy_tree(&fixture_dir(name), &dir);
    let (before, _, _) = check_json(&dir, &check_refs);

    // What --write gives, for the files the patch cannot carry.
    let written = work.path().join("written");
    copy_tree(&fixture_dir(name), &written);
    let mut write_args = vec!["fix", "--write", "--allow-dirty"];
    write_args.extend(arg_refs.iter().copied());
    write_args.push(".");
    let output = run(&written, &write_args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (patch, exit) = fix_diff(&dir, &args);
    assert_expected_bytes(&fixture_dir(name).join(expected), &patch);
    if !patch.is_empty() {
        git_apply(&dir, &patch);
    }
    let outside = outside_the_patch(name, &dir, &written, expected);
    assert_eq!(
        exit,
        i32::from(!patch.is_empty() || !outside.is_empty()),
        "exit code of fix --diff"
    );
    if patch.is_empty() && outside.is_empty() {
        return;
    }
    for (path, bytes) in &outside {
        std::fs::write(dir.join(path), bytes).unwrap();
    }

    let (after, _, _) = check_json(&dir, &check_refs);
    assert!(
        fixable(&after).is_empty(),
        "fixable findings left: {:?}",
        fixable(&after)
    );
    assert!(
        problem_count(&after) <= problem_count(&before),
        "the fix added problems: {}",
        after["problems"]
    );
    let (again, exit) = fix_diff(&dir, &args);
    assert_eq!(
        (String::from_utf8_lossy(&again).as_ref(), exit),
        ("", 0),
        "a second fix changes something"
    );

    // --write gives the same bytes as the patch (and the reviewed bytes outside it).
    let applied = files(&dir);
    let written = files(&written);
    let differing: Vec<_> = applied
        .iter()
        .filter(|(path, bytes)| {
            written.iter().find(|(p, _)| p == path).map(|(_, b)| b) != Some(bytes)
        })
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        differing.is_empty(),
        "fix --write differs from git apply for {differing:?}"
    );
}

/// The files `fix --write` changes that the patch leaves out (UTF-16), with the bytes written:
/// checked against the reviewed `expected-write/<path>.expected` files of the fixture (written
/// there with UPDATE_EXPECT=1). Only the fixture's own patch has them.
fn outside_the_patch(
    name: &str,
    applied: &Path,
    written: &Path,
    expected: &str,
) -> Vec<(PathBuf, Vec<u8>)> {
    let applied = files(applied);
    let outside: Vec<(PathBuf, Vec<u8>)> = files(written)
        .into_iter()
        .filter(|(path, bytes)| {
            applied.iter().find(|(p, _)| p == path).map(|(_, b)| b) != Some(bytes)
        })
        .collect();
    let folder = fixture_dir(name).join(EXPECTED_WRITE);
    if expected != "expected-fix.patch" {
        assert!(
            outside.is_empty(),
            "{name}: files outside the patch: {outside:?}"
        );
        return outside;
    }
    let reviewed = |path: &Path| folder.join(format!("{}.expected", path.display()));
    for (path, bytes) in &outside {
        assert_expected_bytes(&reviewed(path), bytes);
    }
    let mut listed = Vec::new();
    let mut stack = vec![folder.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                listed.push(entry.path());
            }
        }
    }
    for file in listed {
        let known = outside.iter().any(|(path, _)| reviewed(path) == file);
        assert!(
            known,
            "{} is not written by fix --write any more",
            file.display()
        );
    }
    outside
}

#[test]
fn every_fixture_fixes_cleanly() {
    let mut failures = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        if let Err(panic) = std::panic::catch_unwind(|| fix_fixture(&name)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{name}: {message}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The unsafe fixes too (they change which credentials sign, so the fixtures' reviewed patches
/// hold only the safe ones): on every fixture, the patch `fix --unsafe-fixes` prints applies,
/// `fix --write` writes the same bytes, the result parses with no new problems, no fix of either
/// kind is left, and a second run changes nothing.
#[test]
fn every_fixture_fixes_cleanly_with_unsafe_fixes() {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut with_unsafe = Vec::new();
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let outcome = std::panic::catch_unwind(|| round_trip_with_unsafe_fixes(name));
            if outcome.as_ref().is_ok_and(|more| *more) {
                with_unsafe.push(name.clone());
            }
            let panic = outcome.err()?;
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Some(format!("{name}: {message}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The fixtures whose unsafe fixes go beyond the safe ones (and so were tested here).
    assert!(with_unsafe.len() >= 3, "{with_unsafe:?}");
}

/// Whether the patch with unsafe fixes differs from the reviewed safe one.
fn round_trip_with_unsafe_fixes(name: &str) -> bool {
    let fixture = fixture_args(name);
    let check_args: Vec<&str> = fixture.iter().map(String::as_str).collect();
    let mut args = fixture.clone();
    let work = tempfile::tempdir().unwrap();
    let (applied, written) = (work.path().join("applied"), work.path().join("written"));
    copy_tree(&fixture_dir(name), &applied);
    copy_tree(&fixture_dir(name), &written);
    let (before, _, _) = check_json(&written, &check_args);
    args.push("--unsafe-fixes".to_string());
    let (patch, _) = fix_diff(&applied, &args);
    if patch.is_empty() {
        return false;
    }
    let safe = std::fs::read(fixture_dir(name).join("expected-fix.patch")).unwrap_or_default();
    git_apply(&applied, &patch);
    let mut write_args = vec!["fix", "--write", "--allow-dirty"];
    write_args.extend(args.iter().map(String::as_str));
    write_args.push(".");
    let output = run(&written, &write_args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The files the patch changed have the bytes fix --write gave them (a UTF-16 file, which
    // the patch leaves out, is checked by its reviewed bytes in every_fixture_fixes_cleanly).
    let original = files(&fixture_dir(name));
    let written_files = files(&written);
    for (path, bytes) in files(&applied) {
        if original.iter().any(|(p, b)| *p == path && *b == bytes) {
            continue;
        }
        let by_write = written_files.iter().find(|(p, _)| *p == path);
        assert_eq!(
            by_write.map(|(_, b)| b),
            Some(&bytes),
            "fix --write differs from the patch for {}",
            path.display()
        );
    }
    let (after, _, _) = check_json(&written, &check_args);
    let left: Vec<String> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["fix"].is_null())
        .map(|f| format!("{} {}:{}", f["rule"], f["path"], f["line"]))
        .collect();
    assert!(
        left.is_empty(),
        "fixes left after fix --unsafe-fixes: {left:?}"
    );
    assert!(
        problem_count(&after) <= problem_count(&before),
        "the fix added problems: {}",
        after["problems"]
    );
    let (again, exit) = fix_diff(&written, &args);
    assert_eq!(
        (String::from_utf8_lossy(&again).as_ref(), exit),
        ("", 0),
        "a second fix --unsafe-fixes changes something"
    );
    patch != safe
}

/// `--credentials keep` reproduces the "after" code of the Altinn guide's two migration examples
/// exactly (the guide's `ConfigureMaskinportenClient("Maskinporten-Config-Path")` included), and
/// renames the section's keys for the built-in client.
#[test]
fn the_guide_examples_with_credentials_keep() {
    fix_fixture_with(
        "guide-typed-client",
        &["--credentials", "keep"],
        "expected-fix-keep.patch",
    );
    fix_fixture_with(
        "guide-message-handler",
        &["--credentials", "keep"],
        "expected-fix-keep.patch",
    );
    let typed =
        std::fs::read_to_string(fixture_dir("guide-typed-client").join("expected-fix-keep.patch"))
            .unwrap();
    assert!(typed.contains(
        "+  services.ConfigureMaskinportenClient(\"Maskinporten-Config-Path\");\n   services\n-    .AddMaskinportenHttpClient"
    ));
    assert!(typed.contains(
        "+    .AddHttpClient<IEventsSubscription, EventsSubscriptionClient>()\n+    .UseMaskinportenAltinnAuthorization(\"altinn:serviceowner/instances.read\");\n"
    ));
    let handler = std::fs::read_to_string(
        fixture_dir("guide-message-handler").join("expected-fix-keep.patch"),
    )
    .unwrap();
    assert!(
        handler
            .contains("+  services.ConfigureMaskinportenClient(\"Maskinporten-Config-Path\");\r\n")
    );
    assert!(handler.contains("+    .UseMaskinportenAuthorization(\"altinn:dataaltinnno\");\r\n"));
}

/// On Altinn.App 9.0.0-preview.6 `--credentials keep` moves the app's own identity to the legacy
/// package: the built-in registrations become legacy ones bound to the same section, and the
/// package reference follows (MP110). Unsafe, because the key must be there when services are
/// registered.
#[test]
fn keep_on_altinn_app_9_moves_the_identity_to_the_legacy_package() {
    fix_fixture_with(
        "v9-keep-env",
        &["--unsafe-fixes"],
        "expected-fix-unsafe.patch",
    );
    let patch =
        std::fs::read_to_string(fixture_dir("v9-keep-env").join("expected-fix-unsafe.patch"))
            .unwrap();
    for line in [
        "+    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IKrrClient, KrrClient>(config.GetSection(\"myapp:MaskinportenSettings\"), d => d.ClientSettings.Scope = \"krr:global/kontaktinformasjon.read\");",
        "-    services.ConfigureMaskinportenClient(\"myapp:MaskinportenSettings\");",
        "+    <PackageReference Include=\"Altinn.ApiClients.Maskinporten\" Version=\"10.1.0\" />",
        "+      \"EncodedJwk\": \"\"",
        "+      \"Environment\": \"prod\"",
    ] {
        assert!(patch.contains(line), "{line}\n{patch}");
    }
}

/// Unsafe fixes (removing the app's own credentials) are left alone unless asked for, and then
/// pass the same checks.
#[test]
fn unsafe_fixes_only_when_asked() {
    let safe =
        std::fs::read_to_string(fixture_dir("wrapper-helpers").join("expected-fix.patch")).unwrap();
    assert!(!safe.contains("appsettings.json"), "{safe}");
    fix_fixture_with(
        "wrapper-helpers",
        &["--unsafe-fixes"],
        "expected-fix-unsafe.patch",
    );
    let unsafe_patch =
        std::fs::read_to_string(fixture_dir("wrapper-helpers").join("expected-fix-unsafe.patch"))
            .unwrap();
    assert!(
        unsafe_patch.contains("-    \"ClientId\": \"00000000-0000-0000-0000-000000000000\","),
        "{unsafe_patch}"
    );
}

/// A `using` alias of a legacy type goes once nothing uses the alias, and stays while something
/// does.
#[test]
fn a_legacy_using_alias_goes_with_its_last_use() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("v9-default-override").join("v8"), dir.path());
    let alias = "-using LegacyMaskinportenSettings = Altinn.ApiClients.Maskinporten.Config.MaskinportenSettings;";
    let patch = String::from_utf8(fix_diff(dir.path(), &[]).0).unwrap();
    assert!(!patch.contains(alias), "the alias is still used:\n{patch}");
    let program = dir.path().join("App/Program.cs");
    let code = std::fs::read_to_string(&program).unwrap();
    std::fs::write(
        &program,
        code.replace(
            "Get<LegacyMaskinportenSettings>()",
            "Get<LegacySettingsDto>()",
        ),
    )
    .unwrap();
    let patch = String::from_utf8(fix_diff(dir.path(), &[]).0).unwrap();
    assert!(patch.contains(alias), "{patch}");
}

/// The legacy token service registered by hand, in every lifetime and as a typed client, is
/// reported; its removal is offered once nothing uses the service, and withheld while code
/// resolves it from the container or another project may inject it.
#[test]
fn a_hand_registered_token_service_goes_once_nothing_uses_it() {
    let registration = |dir: &Path| {
        let (report, _, _) = check_json(dir, &[]);
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "MP105")
            .cloned()
            .expect("the registration is reported")
    };
    let program_line = "    services.TryAddScoped<IMaskinportenService, MaskinportenService>();";
    for shape in [
        "AddSingleton",
        "AddTransient",
        "AddScoped",
        "TryAddSingleton",
        "TryAddTransient",
        "AddHttpClient",
    ] {
        let work = tempfile::tempdir().unwrap();
        copy_tree(&fixture_dir("token-service-leftover"), work.path());
        let program = work.path().join("App/Program.cs");
        let code = std::fs::read_to_string(&program).unwrap();
        assert!(code.contains(program_line));
        std::fs::write(
            &program,
            code.replace(
                "TryAddScoped<IMaskinportenService",
                &format!("{shape}<IMaskinportenService"),
            ),
        )
        .unwrap();
        let found = registration(work.path());
        assert_eq!(found["line"], 20, "{shape}: {found}");
        assert!(
            found["message"].as_str().unwrap().starts_with(&format!(
                "`{shape}<IMaskinportenService, MaskinportenService>` registers"
            )),
            "{found}"
        );
        assert_eq!(found["fix"]["safety"], "safe", "{shape}: {found}");
    }

    // A health check that resolves the service from the container keeps it.
    let work = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("token-service-leftover"), work.path());
    std::fs::write(
        work.path().join("App/logic/MaskinportenHealthCheck.cs"),
        "using System;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing Altinn.ApiClients.Maskinporten.Interfaces;\nusing Microsoft.Extensions.DependencyInjection;\nusing Microsoft.Extensions.Diagnostics.HealthChecks;\n\nnamespace Altinn.App.Logic;\n\n/// <summary>\n/// Reports whether the token service is registered.\n/// </summary>\npublic sealed class MaskinportenHealthCheck(IServiceProvider services) : IHealthCheck\n{\n    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)\n    {\n        var tokens = services.GetService<IMaskinportenService>();\n        return Task.FromResult(tokens is null ? HealthCheckResult.Degraded(\"no token service\") : HealthCheckResult.Healthy());\n    }\n}\n",
    )
    .unwrap();
    let found = registration(work.path());
    assert!(found["fix"].is_null(), "{found}");
    assert_eq!(
        found["fix_withheld"],
        "App/logic/MaskinportenHealthCheck.cs:17 still names the service; the registration goes once nothing does."
    );

    // Another project the app references may inject it.
    let work = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("token-service-leftover"), work.path());
    let csproj = work.path().join("App/App.csproj");
    let project = std::fs::read_to_string(&csproj).unwrap();
    std::fs::write(
        &csproj,
        project.replacen(
            "  <ItemGroup>\n    <Folder",
            "  <ItemGroup>\n    <ProjectReference Include=\"..\\Integrations\\Integrations.csproj\" />\n  </ItemGroup>\n  <ItemGroup>\n    <Folder",
            1,
        ),
    )
    .unwrap();
    let found = registration(work.path());
    assert!(found["fix"].is_null(), "{found}");
    assert!(
        found["fix_withheld"]
            .as_str()
            .unwrap()
            .starts_with("The project references other projects"),
        "{found}"
    );
}

/// `fix --write` writes a file back in its own encoding, BOM and line endings: a Windows-1252
/// file stays Windows-1252 (its Norwegian comments byte for byte) with CRLF, a UTF-16 LE file
/// keeps its BOM and CRLF, a UTF-16 BE file its BOM and LF; a second run changes nothing.
#[test]
fn fixes_are_written_in_each_files_own_encoding() {
    let write = |dir: &Path| {
        let output = run(dir, &["fix", "--write", "--allow-dirty", "."]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let utf16 = |bytes: &[u8], little: bool| -> String {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| match little {
                true => u16::from_le_bytes([p[0], p[1]]),
                false => u16::from_be_bytes([p[0], p[1]]),
            })
            .collect();
        String::from_utf16(&units).expect("UTF-16")
    };
    let only_crlf = |text: &str| text.matches('\n').count() == text.matches("\r\n").count();

    let work = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("windows-1252-source"), work.path());
    let path = work
        .path()
        .join("App/Integrasjoner/FolkeregisterOppsett.cs");
    let before = std::fs::read(&path).unwrap();
    write(work.path());
    let after = std::fs::read(&path).unwrap();
    assert_ne!(before, after);
    assert!(std::str::from_utf8(&after).is_err(), "still Windows-1252");
    let comment = b"// Scopet m\xE5 v\xE6re tildelt Maskinporten-klienten f\xF8r dette virker i TT02 og produksjon.\r\n";
    assert!(after.windows(comment.len()).any(|w| w == comment));
    let text: String = after.iter().map(|&b| char::from(b)).collect();
    assert!(only_crlf(&text));
    assert!(text.contains("services.AddHttpClient<IFolkeregisterKlient, FolkeregisterKlient>().UseMaskinportenAuthorization(\"folkeregister:deling/offentligmedhjemmel\");\r\n"));
    write(work.path());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        after,
        "a second run changes nothing"
    );

    let work = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir("utf16-sources"), work.path());
    let program = work.path().join("App/Program.cs");
    let tokens = work.path().join("App/Extensions/TokenTjenester.cs");
    write(work.path());
    let le = std::fs::read(&program).unwrap();
    assert_eq!(&le[..2], b"\xFF\xFE");
    let le_text = utf16(&le[2..], true);
    assert!(only_crlf(&le_text));
    assert!(le_text.contains("    services.AddHttpClient(\"matrikkel\").UseMaskinportenAuthorization(\"kartverk:matrikkel.les\");\r\n"));
    assert!(!le_text.contains("Altinn.ApiClients.Maskinporten"));
    let be = std::fs::read(&tokens).unwrap();
    assert_eq!(&be[..2], b"\xFE\xFF");
    let be_text = utf16(&be[2..], false);
    assert!(!be_text.contains('\r'));
    assert!(
        be_text
            .contains("            // Én instans per forespørsel\n            return services;\n")
    );
    write(work.path());
    assert_eq!(std::fs::read(&program).unwrap(), le);
    assert_eq!(std::fs::read(&tokens).unwrap(), be);
}

/// The edits in the JSON and SARIF reports are offsets in each file's own bytes: applying them
/// to the bytes (the replacement written in the `encoding` the edit names) gives what
/// `fix --write` writes.
#[test]
fn report_edits_are_offsets_in_the_files_own_bytes() {
    for name in ["windows-1252-source", "utf16-sources"] {
        let work = tempfile::tempdir().unwrap();
        copy_tree(&fixture_dir(name), work.path());
        let (report, _, _) = check_json(work.path(), &[]);
        let mut edits: Vec<(String, usize, usize, String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["fix"]["edits"].as_array())
            .flatten()
            .map(|e| {
                (
                    e["path"].as_str().unwrap().to_string(),
                    e["start_byte"].as_u64().unwrap() as usize,
                    e["end_byte"].as_u64().unwrap() as usize,
                    e["replacement"].as_str().unwrap().to_string(),
                    e["encoding"].as_str().unwrap_or("UTF-8").to_string(),
                )
            })
            .collect();
        edits.sort_by(|a, b| (&b.0, b.1, b.2).cmp(&(&a.0, a.1, a.2)));
        edits.dedup();
        let sarif = run(work.path(), &["check", "--format", "sarif", "."]);
        let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
        let regions: Vec<(u64, u64)> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["fixes"][0]["artifactChanges"].as_array())
            .flatten()
            .flat_map(|c| c["replacements"].as_array().unwrap())
            .map(|r| {
                let region = &r["deletedRegion"];
                let start = region["byteOffset"].as_u64().unwrap();
                (start, start + region["byteLength"].as_u64().unwrap())
            })
            .collect();
        let mut by_hand: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
        for (path, start, end, replacement, encoding) in &edits {
            assert!(
                regions.contains(&(*start as u64, *end as u64)),
                "{path} {start}..{end} is not a SARIF region"
            );
            let bytes = by_hand
                .entry(path.clone())
                .or_insert_with(|| std::fs::read(work.path().join(path)).unwrap());
            let encoded: Vec<u8> = match encoding.as_str() {
                "UTF-16LE" => replacement
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect(),
                "UTF-16BE" => replacement
                    .encode_utf16()
                    .flat_map(u16::to_be_bytes)
                    .collect(),
                "windows-1252" => replacement
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap())
                    .collect(),
                _ => replacement.as_bytes().to_vec(),
            };
            bytes.splice(start..end, encoded);
        }
        let encodings: Vec<&str> = sarif["runs"][0]["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["encoding"].as_str().unwrap())
            .collect();
        let expected_encodings: &[&str] = match name {
            "windows-1252-source" => &["windows-1252"],
            _ => &["UTF-16BE", "UTF-16LE"],
        };
        assert_eq!(encodings, expected_encodings);
        let output = run(work.path(), &["fix", "--write", "--allow-dirty", "."]);
        assert_eq!(output.status.code(), Some(0));
        for (path, bytes) in by_hand {
            assert!(
                std::fs::read(work.path().join(&path)).unwrap() == bytes,
                "{name}: {path} differs"
            );
        }
    }
}
