//! The edit engine: takes the fixes of a run's findings, keeps the first of any two whose edits
//! overlap (the later one is dropped and reported, never interleaved), adds the edits that follow
//! from the others (usings), applies each file's edits in reverse order, and re-parses every
//! changed file: a fix that would leave new syntax errors is dropped and reported.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Edit, derive};
use crate::core::{SourceFile, Span};
use crate::rules::Finding;

/// A file's new content.
#[derive(Debug, Clone)]
pub struct Change {
    pub file: Arc<SourceFile>,
    /// The new text, without the BOM (which stays when the file had one).
    pub text: String,
}

impl Change {
    /// The new file content as bytes, BOM included when the original had one.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 3);
        if self.file.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(self.text.as_bytes());
        out
    }
}

/// What applying the fixes gives.
#[derive(Debug, Default)]
pub struct Applied {
    pub changes: Vec<Change>,
    /// Findings whose fix is in the changes.
    pub fixed: Vec<usize>,
    /// Findings whose fix was dropped, with the reason.
    pub dropped: Vec<(usize, String)>,
}

/// Plans and applies the fixes of `findings` (selected by `wanted`), adding derived edits to the
/// findings they belong to. The findings' `fix` fields are updated: dropped fixes are removed and
/// their `fix_withheld` says why.
pub fn apply(findings: &mut [Finding], wanted: impl Fn(&Finding) -> bool) -> Applied {
    let selected: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].fix.is_some() && wanted(&findings[i]))
        .collect();
    let (mut accepted, mut dropped) = without_overlaps(findings, &selected);
    derive::add_derived(findings, &mut accepted, &wanted);
    let accepted = keep_parsable(findings, accepted, &mut dropped);
    for (index, reason) in &dropped {
        let f = &mut findings[*index];
        f.fix = None;
        f.fix_withheld = Some(reason.clone());
    }
    Applied {
        changes: changes(findings, &accepted),
        fixed: accepted,
        dropped,
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    let a_insert = a.start == a.end;
    let b_insert = b.start == b.end;
    match (a_insert, b_insert) {
        (true, true) => a.start == b.start,
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

/// Keeps fixes in order, dropping any whose edits overlap an edit already kept.
fn without_overlaps(
    findings: &[Finding],
    selected: &[usize],
) -> (Vec<usize>, Vec<(usize, String)>) {
    let mut kept: Vec<usize> = Vec::new();
    let mut dropped = Vec::new();
    for &i in selected {
        let edits = edits_of(&findings[i]);
        let clash = kept.iter().find(|&&k| {
            edits_of(&findings[k]).iter().any(|theirs| {
                edits.iter().any(|mine| {
                    mine.site.file.path == theirs.site.file.path
                        && overlaps(mine.site.span, theirs.site.span)
                })
            })
        });
        match clash {
            Some(&k) => {
                let other = &findings[k];
                let line = other.site.file.position(other.site.span.start).line;
                dropped.push((
                    i,
                    format!(
                        "Its edits overlap the fix for {} at {}:{line}, which is applied first; run fix again afterwards.",
                        other.rule.code, other.site.file.display
                    ),
                ));
            }
            None => kept.push(i),
        }
    }
    (kept, dropped)
}

fn edits_of(f: &Finding) -> &[Edit] {
    f.fix.as_ref().map_or(&[], |fix| &fix.edits)
}

/// Groups edits by file, in path order.
fn by_file<'a>(
    findings: &'a [Finding],
    accepted: &[usize],
) -> BTreeMap<PathBuf, (Arc<SourceFile>, Vec<&'a Edit>)> {
    let mut files: BTreeMap<PathBuf, (Arc<SourceFile>, Vec<&Edit>)> = BTreeMap::new();
    for &i in accepted {
        for edit in edits_of(&findings[i]) {
            files
                .entry(edit.site.file.path.clone())
                .or_insert_with(|| (edit.site.file.clone(), Vec::new()))
                .1
                .push(edit);
        }
    }
    files
}

/// Applies edits to a file's text, last first.
pub fn apply_edits(file: &SourceFile, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.site.span.start, e.site.span.end)));
    let offset = file.text_offset();
    let mut text = file.text.clone();
    for edit in sorted {
        let start = edit.site.span.start - offset;
        let end = edit.site.span.end - offset;
        text.replace_range(start..end, &edit.replacement);
    }
    text
}

fn changes(findings: &[Finding], accepted: &[usize]) -> Vec<Change> {
    by_file(findings, accepted)
        .into_values()
        .map(|(file, edits)| Change {
            text: apply_edits(&file, &edits),
            file,
        })
        .collect()
}

/// Drops, file by file, the fixes that would leave the file with more syntax errors than it had.
fn keep_parsable(
    findings: &[Finding],
    accepted: Vec<usize>,
    dropped: &mut Vec<(usize, String)>,
) -> Vec<usize> {
    use rayon::prelude::*;
    let mut kept = accepted.clone();
    // Files whose fixes add errors, found in parallel; a file with none after is fine at once.
    let files: Vec<(Arc<SourceFile>, Vec<&Edit>)> =
        by_file(findings, &accepted).into_values().collect();
    let broken: Vec<(Arc<SourceFile>, usize)> = files
        .par_iter()
        .filter_map(|(file, edits)| {
            let after = super::validate::errors(file, &apply_edits(file, edits));
            if after == 0 {
                return None;
            }
            let before = super::validate::errors(file, &file.text);
            (after > before).then(|| (file.clone(), before))
        })
        .collect();
    for (file, before) in broken {
        // Add this file's fixes one by one, keeping those that keep it parsable.
        let touching: Vec<usize> = accepted
            .iter()
            .copied()
            .filter(|&i| {
                edits_of(&findings[i])
                    .iter()
                    .any(|e| e.site.file.path == file.path)
            })
            .collect();
        let mut good: Vec<&Edit> = Vec::new();
        for i in touching {
            let mine: Vec<&Edit> = edits_of(&findings[i])
                .iter()
                .filter(|e| e.site.file.path == file.path)
                .collect();
            let mut trial = good.clone();
            trial.extend(mine.iter().copied());
            if super::validate::errors(&file, &apply_edits(&file, &trial)) <= before {
                good = trial;
            } else {
                kept.retain(|&k| k != i);
                dropped.push((
                    i,
                    format!(
                        "Applying it would leave {} with syntax errors, so it was dropped; please report this.",
                        file.display
                    ),
                ));
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Site;
    use crate::fixes::{Fix, Safety};
    use std::path::Path;

    fn finding(
        file: &Arc<SourceFile>,
        code: &str,
        at: (usize, usize),
        replacement: &str,
    ) -> Finding {
        let rule = crate::rules::find(code).unwrap();
        let site = Site {
            file: file.clone(),
            span: Span::new(at.0, at.1),
        };
        let mut f = Finding::new(rule, site.clone(), "m");
        f.fix = Some(Fix {
            safety: Safety::Safe,
            description: "d".into(),
            edits: vec![Edit {
                site,
                replacement: replacement.into(),
            }],
        });
        f
    }

    fn file() -> Arc<SourceFile> {
        Arc::new(SourceFile::from_text(
            Path::new("Program.cs"),
            "class A\r\n{\r\n    void M() { x.Old(); y.Old(); }\r\n}\r\n".into(),
            false,
        ))
    }

    #[test]
    fn the_later_of_two_overlapping_fixes_is_dropped_and_reported() {
        let f = file();
        let at = f.text.find("x.Old").unwrap();
        let mut findings = vec![
            finding(&f, "MP101", (at, at + 7), "x.New()"),
            finding(&f, "MP102", (at + 2, at + 5), "Other"),
        ];
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.fixed, [0]);
        assert_eq!(applied.dropped.len(), 1);
        assert!(findings[1].fix.is_none());
        assert!(
            findings[1]
                .fix_withheld
                .as_deref()
                .unwrap()
                .contains("overlap the fix for MP101")
        );
        assert_eq!(
            applied.changes[0].text,
            "class A\r\n{\r\n    void M() { x.New(); y.Old(); }\r\n}\r\n"
        );
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_dropped_and_the_others_stay() {
        let f = file();
        let x = f.text.find("x.Old").unwrap();
        let y = f.text.find("y.Old").unwrap();
        let mut findings = vec![
            finding(&f, "MP101", (x, x + 7), "x.New()"),
            finding(&f, "MP102", (y, y + 7), "y.New(("),
        ];
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.fixed, [0]);
        assert!(
            findings[1]
                .fix_withheld
                .as_deref()
                .unwrap()
                .contains("syntax errors")
        );
        assert!(applied.changes[0].text.contains("x.New(); y.Old();"));
    }

    #[test]
    fn edits_apply_in_reverse_order_and_keep_the_bom() {
        let f = Arc::new(
            SourceFile::from_bytes(Path::new("a.cs"), b"\xEF\xBB\xBFa b c".to_vec()).unwrap(),
        );
        let mut findings = vec![
            finding(&f, "MP101", (3, 4), "AA"),
            finding(&f, "MP102", (7, 8), "CC"),
        ];
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.changes[0].bytes(), b"\xEF\xBB\xBFAA b CC");
    }
}
