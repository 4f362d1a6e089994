//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub and others): the tool's rules with
//! their documentation, results with locations, related locations, fingerprints, and the fix's
//! edits as `fixes[].artifactChanges[].replacements` (byte regions of the file's own bytes; a
//! file that is not UTF-8 is listed under `artifacts` with its encoding). URIs are relative to
//! the repository root (`%SRCROOT%`), as code scanning expects.

use serde_json::{Value, json};

use super::Outcome;
use crate::core::paths::RepoRoot;
use crate::core::{Encoding, Site};
use crate::rules::fingerprint;
use crate::rules::{Finding, RULES, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(site: &Site) -> Value {
    let start = site.file.position(site.span.start);
    let end = site.file.position(site.span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn physical(site: &Site, root: &RepoRoot) -> Value {
    json!({
        "artifactLocation": { "uri": uri(&root.relative(&site.file.path)), "uriBaseId": "%SRCROOT%" },
        "region": region(site),
    })
}

/// A relative URI with `/`, percent-encoding what a URI may not hold.
fn uri(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.doc, "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": ["maskinporten", "altinn"] },
            })
        })
        .collect()
}

fn result(f: &Finding, root: &RepoRoot) -> Value {
    let index = RULES
        .iter()
        .position(|r| r.code == f.rule.code)
        .unwrap_or(0);
    let mut result = json!({
        "ruleId": f.rule.code,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": physical(&f.site, root) }],
        "partialFingerprints": { "maskinportenMigrate/v1": fingerprint::of(f, root) },
    });
    if !f.related.is_empty() {
        result["relatedLocations"] = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({ "id": i, "physicalLocation": physical(&r.site, root), "message": { "text": r.message } })
            })
            .collect();
    }
    if let Some(fix) = &f.fix {
        let mut files: Vec<&std::path::Path> = fix
            .edits
            .iter()
            .map(|e| e.site.file.path.as_path())
            .collect();
        files.dedup();
        let changes: Vec<Value> = files
            .iter()
            .map(|path| {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .filter(|e| e.site.file.path == *path)
                    .map(|e| {
                        let start = e.site.file.file_offset(e.site.span.start);
                        let end = e.site.file.file_offset(e.site.span.end);
                        json!({
                            "deletedRegion": { "byteOffset": start, "byteLength": end - start },
                            "insertedContent": { "text": e.replacement },
                        })
                    })
                    .collect();
                json!({ "artifactLocation": { "uri": uri(&root.relative(path)), "uriBaseId": "%SRCROOT%" }, "replacements": replacements })
            })
            .collect();
        result["fixes"] =
            json!([{ "description": { "text": fix.description }, "artifactChanges": changes }]);
    } else if let Some(why) = &f.fix_withheld {
        result["properties"] = json!({ "fixWithheld": why });
    }
    result
}

/// The run itself: whether it could use everything it was given, and each input problem as a
/// tool execution notification (with the file, unless the problem is about a URL).
fn invocation(outcome: &Outcome) -> Value {
    let notifications: Vec<Value> = outcome
        .problems
        .iter()
        .map(|p| {
            let mut notification = json!({
                "level": if p.is_error() { "error" } else { "warning" },
                "message": { "text": format!("{}: {}", p.path, p.message) },
            });
            if !p.path.contains("://") {
                let path = outcome.root.relative(std::path::Path::new(&p.path));
                notification["locations"] = json!([{ "physicalLocation": {
                    "artifactLocation": { "uri": uri(&path), "uriBaseId": "%SRCROOT%" },
                }}]);
            }
            notification
        })
        .collect();
    json!({
        "executionSuccessful": !outcome.problems.iter().any(|p| p.is_error()),
        "toolExecutionNotifications": notifications,
    })
}

/// The files a fix edits that are not UTF-8, with their encoding: a consumer writes
/// `insertedContent` in it (the byte regions are the file's own bytes).
fn artifacts(outcome: &Outcome) -> Vec<Value> {
    let mut seen: Vec<&std::path::Path> = Vec::new();
    let mut out = Vec::new();
    let edits = outcome
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fix| &fix.edits);
    for edit in edits {
        let file = &edit.site.file;
        if file.encoding == Encoding::Utf8 || seen.contains(&file.path.as_path()) {
            continue;
        }
        seen.push(&file.path);
        out.push(json!({
            "location": { "uri": uri(&outcome.root.relative(&file.path)), "uriBaseId": "%SRCROOT%" },
            "encoding": file.encoding.name(),
        }));
    }
    out
}

pub fn render(outcome: &Outcome) -> String {
    let mut document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "maskinporten-migrate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/Altinn/altinn-studio-docs",
                "rules": rules(),
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the repository root: the git top level of the paths checked, or outside git their common folder" } } },
            "invocations": [invocation(outcome)],
            "results": outcome.findings.iter().map(|f| result(f, outcome.root)).collect::<Vec<_>>(),
        }],
    });
    let artifacts = artifacts(outcome);
    if !artifacts.is_empty() {
        document["runs"][0]["artifacts"] = Value::Array(artifacts);
    }
    serde_json::to_string_pretty(&document).expect("the SARIF log serialises") + "\n"
}
