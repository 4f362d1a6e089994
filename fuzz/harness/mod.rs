//! What each fuzz target checks, shared by the targets (`fuzz/fuzz_targets/*.rs`) and by the
//! regression test that replays every crash the fuzzers found (`tests/fuzz_regressions.rs`).
//! A panic, an abort, a hang or a broken invariant is a crash.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use maskinporten_migrate::config::Config;
use maskinporten_migrate::core::source::decode;
use maskinporten_migrate::core::{Fallback, SourceFile};
use maskinporten_migrate::edit::{self, Edit};
use maskinporten_migrate::engine::{self, Limits, Progress};
use maskinporten_migrate::facts::external::External;
use maskinporten_migrate::facts::{appsettings, csharp, policy, prefilter};
use maskinporten_migrate::fixes::{self, run::Selection, validate};
use maskinporten_migrate::rules::suppressions;

/// Separates the files of one `pipeline` input (a byte UTF-8 text never holds; so the pipeline
/// target sees UTF-8 and Windows-1252 files, never UTF-16 ones, whose BOMs hold it).
pub const SEPARATOR: u8 = 0xFF;

fn text_of(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A file as the pipeline reads a file of the tree: decoded by its BOM (UTF-8, UTF-16), else
/// UTF-8, else Windows-1252; spans into the decoded text, a map to the file's own bytes.
fn source(path: &str, data: &[u8]) -> Option<Arc<SourceFile>> {
    let decoded = decode(data.to_vec(), Fallback::Windows1252).ok()?;
    let file = SourceFile::decoded(Path::new(path), decoded).ok()?;
    // The end of the text is the end of the file's bytes, and the text encodes back to them.
    let end = file.text_offset() + file.text.len();
    assert_eq!(file.file_offset(end), data.len(), "the end of the text");
    assert_eq!(
        file.encode(&file.text).as_deref(),
        Ok(data),
        "decoding and encoding again changes the bytes"
    );
    Some(Arc::new(file))
}

/// C# fact extraction and the start-up walk: every fact points inside the file.
pub fn csharp(data: &[u8]) {
    let _ = prefilter::may_matter(data);
    let Some(file) = source("App/Program.cs", data) else {
        return;
    };
    for suppression in suppressions::scan(&file) {
        let _ = format!("{suppression:?}");
    }
    let facts = csharp::extract(file.clone());
    for call in &facts.calls {
        let _ = file.slice(call.site.span);
        let _ = file.position(call.site.span.end);
    }
    for event in &facts.startup {
        let _ = file.slice(event.site.span);
    }
    for using in &facts.usings {
        let _ = file.slice(using.site.span);
    }
    for span in facts.parse_errors.iter().chain(facts.too_deep.iter()) {
        let _ = file.position(span.start);
    }
    let _ = validate::errors(&file, &file.text);
}

/// The appsettings reader and the JSON edits: removing properties from an object of a file that
/// parses leaves a file that parses (the rules only ever remove properties of objects, never
/// array elements).
pub fn appsettings(data: &[u8]) {
    let Some(file) = source("App/appsettings.json", data) else {
        return;
    };
    let Ok(settings) = appsettings::parse(file.clone()) else {
        return;
    };
    for entry in &settings.entries {
        let _ = file.slice(entry.key_span);
        let _ = file.slice(entry.value_span);
        let _ = entry.value.as_config_string();
    }
    // An object's properties have a key apart from their value; array elements do not.
    let is_property = |e: &&appsettings::ConfigEntry| e.key_span != e.value_span;
    let sections: Vec<String> = settings
        .entries
        .iter()
        .filter(|e| {
            let mut children = settings.children(&e.path).peekable();
            children.peek().is_some() && children.all(|c| is_property(&c))
        })
        .map(|e| e.path.clone())
        .take(8)
        .collect();
    for section in &sections {
        let children: Vec<_> = settings.children(section).collect();
        for keys in [&children[..1], &children[..]] {
            let edits = edit::json::remove_keys(&settings, section, keys);
            let refs: Vec<&Edit> = edits.iter().collect();
            let after = edit::apply_edits(&file, &refs);
            let reparsed = SourceFile::from_text(&file.path, after.clone(), file.text_offset() > 0);
            if let Err(e) = appsettings::parse(Arc::new(reparsed)) {
                panic!("removing {keys:?} from {section} broke the file: {e}\n{after}");
            }
        }
    }
}

/// The policy.xml reader and the rule insertion: the `[org]` rule inserted into a policy that
/// parses leaves a policy that parses and grants `[org]` what the rule adds.
pub fn policy(data: &[u8]) {
    let Some(file) = source("App/config/authorization/policy.xml", data) else {
        return;
    };
    let Ok(parsed) = policy::parse(&file) else {
        return;
    };
    let actions = ["read", "write", "complete"];
    let _ = policy::grants::org_actions_for(&parsed, Some("ttd"));
    let missing = policy::grants::missing_org_actions_for(&parsed, None, &actions);
    let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
    let rule = edit::policy::render_org_rule(&file, &parsed, &missing);
    let at = parsed.insert_at - file.text_offset();
    let mut after = file.text.clone();
    after.insert_str(at, &rule);
    let reparsed = SourceFile::from_text(&file.path, after.clone(), file.text_offset() > 0);
    match policy::parse(&reparsed) {
        Ok(again) => {
            let still = policy::grants::missing_org_actions_for(&again, None, &actions);
            assert!(
                still.is_empty(),
                "the inserted rule does not grant {still:?}:\n{after}"
            );
        }
        Err(e) => panic!("inserting the [org] rule broke the policy: {e}\n{after}"),
    }
}

/// MSBuild project and props reading, with property expansion.
pub fn msbuild(data: &[u8]) {
    let Some(file) = source("App/App.csproj", data) else {
        return;
    };
    let Ok(parsed) = maskinporten_migrate::discover::msbuild::parse(&file) else {
        return;
    };
    for reference in &parsed.package_references {
        let _ = file.slice(reference.span);
        if let Some(version) = &reference.version {
            let expanded = maskinporten_migrate::discover::msbuild::expand_properties(
                version,
                &[&parsed.properties],
            );
            let _ = maskinporten_migrate::discover::PackageVersion::parse(&expanded);
        }
    }
}

const CSPROJ: &str = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <ItemGroup>
    <PackageReference Include="Altinn.App.Api" Version="8.12.7" />
    <PackageReference Include="Altinn.ApiClients.Maskinporten" Version="9.2.1" />
  </ItemGroup>
</Project>
"#;

fn analyze(root: &Path) -> engine::Analysis {
    let limits = Limits {
        threads: 1,
        max_file_size: 1 << 20,
    };
    engine::analyze(
        &[root.to_path_buf()],
        limits,
        &External::default(),
        &Config::default(),
        &Progress::default(),
    )
}

fn errors_in(analysis: &engine::Analysis) -> Vec<String> {
    analysis
        .problems
        .iter()
        .filter(|p| !p.message.starts_with("expression nested too deeply"))
        .map(|p| p.path.clone())
        .collect()
}

/// The whole pipeline on a small generated app (`Program.cs`, `appsettings.json` and
/// `policy.xml` from the input, split at 0xFF bytes) with the fix round trip: the fixed files
/// parse with no new errors, and when the C# parsed, a second fix changes nothing.
pub fn pipeline(data: &[u8]) {
    let mut parts = data.split(|b| *b == SEPARATOR);
    let program = parts.next().unwrap_or_default();
    let settings = parts.next().unwrap_or_default();
    let policy = parts.next().unwrap_or_default();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    let write = |path: &str, bytes: &[u8]| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write("App/App.csproj", CSPROJ.as_bytes());
    write("App/Program.cs", program);
    if !settings.is_empty() {
        write("App/appsettings.json", settings);
    }
    if !policy.is_empty() {
        write("App/config/authorization/policy.xml", policy);
    }

    let mut before = analyze(root);
    let run = fixes::run::run(
        &mut before.findings,
        &before.projects,
        false,
        &Selection::default(),
    );
    let _ = maskinporten_migrate::report::patch::render(&run.applied.changes, &before.root);
    if run.applied.changes.is_empty() {
        return;
    }
    for change in &run.applied.changes {
        // The engine drops a fix that writes what the file's encoding cannot hold.
        let bytes = change.bytes().expect("a change fits the file's encoding");
        std::fs::write(&change.file.path, bytes).unwrap();
    }
    let mut after = analyze(root);
    let (was, now) = (errors_in(&before), errors_in(&after));
    for path in &now {
        assert!(
            was.contains(path),
            "the fix made {path} unreadable: {:?}",
            after.problems
        );
    }
    let again = fixes::run::run(
        &mut after.findings,
        &after.projects,
        false,
        &Selection::default(),
    );
    // In C# with syntax errors, tree-sitter's error recovery may read the broken part differently
    // once the fix changed the file (the README: "findings in the broken part of the file may be
    // missing"), and what the project still uses follows from that (a `using`, the package
    // reference): the fix is expected to be finished when the C# parsed.
    if was.iter().any(|path| path.ends_with(".cs")) {
        return;
    }
    let changed: Vec<&str> = again
        .applied
        .changes
        .iter()
        .map(|c| c.file.display.as_str())
        .collect();
    assert!(changed.is_empty(), "a second fix changes {changed:?}");
}
