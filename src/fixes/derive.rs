//! Edits that follow from other fixes in the same file: the `using Altinn.App.Api.Extensions;`
//! the built-in calls need, and the legacy `using` directives nothing uses any more (MP108).
//! Decided on the file as the other fixes leave it; written as edits of the original file, since
//! using directives sit above the code those fixes touch.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::apply::apply_edits;
use super::{Edit, Fix, Safety, text};
use crate::core::Site;
use crate::core::catalogue::{self, BUILTIN_EXTENSIONS_NAMESPACE as BUILT_IN_NAMESPACE};
use crate::core::{SourceFile, Span};
use crate::rules::Finding;

/// Adds the derived edits to the findings they belong to, and those findings to `accepted`.
pub fn add_derived(
    findings: &mut [Finding],
    accepted: &mut Vec<usize>,
    wanted: &impl Fn(&Finding) -> bool,
) {
    let after = texts_after(findings, accepted);
    add_built_in_usings(findings, accepted, &after);
    remove_unused_legacy_usings(findings, accepted, &after, wanted);
    remove_unused_package(findings, accepted, wanted);
}

/// Legacy code rules: while one of these stays unfixed in a project, the package stays.
const LEGACY_CODE_RULES: [crate::core::Code; 8] = [
    crate::core::Code::MP101,
    crate::core::Code::MP102,
    crate::core::Code::MP103,
    crate::core::Code::MP104,
    crate::core::Code::MP105,
    crate::core::Code::MP106,
    crate::core::Code::MP107,
    crate::core::Code::MP108,
];

/// Removes the project's own `PackageReference` to the legacy package once every legacy use in
/// the project is fixed in this run (a reference in a shared Directory.Build.props stays).
fn remove_unused_package(
    findings: &mut [Finding],
    accepted: &mut Vec<usize>,
    wanted: &impl Fn(&Finding) -> bool,
) {
    let candidates: Vec<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule.code == crate::core::Code::MP109 && f.fix.is_none() && wanted(f))
        .filter(|(_, f)| f.project.as_deref() == Some(f.site.file.display.as_str()))
        .map(|(i, _)| i)
        .collect();
    for i in candidates {
        let project = findings[i].project.clone();
        let unfixed = findings.iter().enumerate().any(|(j, f)| {
            f.project == project
                && LEGACY_CODE_RULES.contains(&f.rule.code)
                && !accepted.contains(&j)
        });
        if unfixed {
            continue;
        }
        let file = findings[i].site.file.clone();
        let Some(lines) = text::whole_lines(&file, findings[i].site.span) else {
            continue;
        };
        findings[i].fix = Some(Fix {
            safety: Safety::Safe,
            description: "remove the PackageReference to Altinn.ApiClients.Maskinporten: nothing in the project uses it any more".to_string(),
            edits: vec![Edit {
                site: Site { file, span: lines },
                replacement: String::new(),
            }],
        });
        findings[i].fix_withheld = None;
        accepted.push(i);
    }
}

/// Each changed file's text after the accepted fixes.
fn texts_after(
    findings: &[Finding],
    accepted: &[usize],
) -> BTreeMap<PathBuf, (Arc<SourceFile>, String)> {
    let mut edits: BTreeMap<PathBuf, (Arc<SourceFile>, Vec<&Edit>)> = BTreeMap::new();
    for &i in accepted {
        for edit in findings[i].fix.iter().flat_map(|f| &f.edits) {
            edits
                .entry(edit.site.file.path.clone())
                .or_insert_with(|| (edit.site.file.clone(), Vec::new()))
                .1
                .push(edit);
        }
    }
    edits
        .into_iter()
        .map(|(path, (file, list))| {
            let text = apply_edits(&file, &list);
            (path, (file, text))
        })
        .collect()
}

fn add_built_in_usings(
    findings: &mut [Finding],
    accepted: &[usize],
    after: &BTreeMap<PathBuf, (Arc<SourceFile>, String)>,
) {
    for (path, (file, text)) in after {
        let needs = text.contains(".UseMaskinporten") && !imports(text, BUILT_IN_NAMESPACE);
        if !needs || path.extension().is_none_or(|e| e != "cs") {
            continue;
        }
        let owner = accepted.iter().copied().find(|&i| {
            findings[i].site.file.path == *path
                && matches!(
                    findings[i].rule.code,
                    crate::core::Code::MP101 | crate::core::Code::MP102 | crate::core::Code::MP103
                )
        });
        let (Some(owner), Some(edit)) = (owner, using_insertion(file)) else {
            continue;
        };
        if let Some(fix) = &mut findings[owner].fix {
            fix.edits.push(edit);
        }
    }
}

/// Whether the text has `using NS;` or `global using NS;`.
fn imports(text: &str, namespace: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        let l = l.strip_prefix("global ").unwrap_or(l);
        l.strip_prefix("using ")
            .is_some_and(|rest| rest.trim_end_matches(';').trim() == namespace)
    })
}

/// `using Altinn.App.Api.Extensions;` where it sorts among the file's usings (System ones first,
/// as `dotnet format` orders them), or after the last.
fn using_insertion(file: &Arc<SourceFile>) -> Option<Edit> {
    let eol = text::line_ending(file);
    let mut offset = file.text_offset();
    let mut insert_at = None;
    let mut last_using_end = None;
    for line in file.text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("using ") {
            let namespace = rest.trim_end_matches(';').trim();
            let is_plain = !rest.contains('=') && !rest.starts_with("static ");
            // System namespaces conventionally come first; sort among the others.
            let is_system = namespace == "System" || namespace.starts_with("System.");
            if is_plain && !is_system && insert_at.is_none() && namespace > BUILT_IN_NAMESPACE {
                insert_at = Some(offset);
            }
            last_using_end = Some(offset + line.len());
        } else if !trimmed.is_empty() && !trimmed.starts_with("//") && last_using_end.is_some() {
            break;
        }
        offset += line.len();
    }
    let at = insert_at.or(last_using_end)?;
    // A file without a final newline after its last using needs one before the new line.
    let lead = if at == file.text_offset() + file.text.len() && !file.text.ends_with('\n') {
        eol
    } else {
        ""
    };
    Some(Edit {
        site: Site {
            file: file.clone(),
            span: Span::new(at, at),
        },
        replacement: format!("{lead}using {BUILT_IN_NAMESPACE};{eol}"),
    })
}

fn remove_unused_legacy_usings(
    findings: &mut [Finding],
    accepted: &mut Vec<usize>,
    after: &BTreeMap<PathBuf, (Arc<SourceFile>, String)>,
    wanted: &impl Fn(&Finding) -> bool,
) {
    let mut used_by_file: BTreeMap<PathBuf, HashSet<String>> = BTreeMap::new();
    let candidates: Vec<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule.code == crate::core::Code::MP108 && f.fix.is_none() && wanted(f))
        .map(|(i, _)| i)
        .collect();
    for i in candidates {
        let file = findings[i].site.file.clone();
        let namespace = using_namespace(findings[i].site.text());
        let Some(names) = catalogue::legacy_names_of(&namespace) else {
            continue;
        };
        let used = used_by_file.entry(file.path.clone()).or_insert_with(|| {
            let text = after
                .get(&file.path)
                .map_or(file.text.as_str(), |(_, t)| t.as_str());
            text::code_words(text)
                .into_iter()
                .map(str::to_string)
                .collect()
        });
        if names.iter().any(|n| used.contains(*n)) {
            continue;
        }
        let Some(lines) = text::whole_lines(&file, findings[i].site.span) else {
            continue;
        };
        findings[i].fix = Some(Fix {
            safety: Safety::Safe,
            description: format!(
                "remove `using {namespace};`: nothing in the file uses it any more"
            ),
            edits: vec![Edit {
                site: Site {
                    file: file.clone(),
                    span: lines,
                },
                replacement: String::new(),
            }],
        });
        findings[i].fix_withheld = None;
        accepted.push(i);
    }
}

fn using_namespace(directive: &str) -> String {
    let body = directive
        .trim()
        .trim_start_matches("global ")
        .trim_start_matches("using ")
        .trim_end_matches(';');
    body.split_whitespace().collect()
}
