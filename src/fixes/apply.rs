//! The edit engine: takes the fixes of a run's findings, keeps the first of any two whose edits
//! overlap (the later one is dropped and reported, never interleaved; an edit two fixes share,
//! such as the `using` both need, is no overlap), adds the fixes that follow from the others
//! (each rule's `derive`, in catalogue order), applies each file's edits in reverse order, and
//! re-parses every changed file: a fix that would leave new syntax errors is dropped and
//! reported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::core::{SourceFile, Span};
use crate::edit::{Edit, apply_edits};
use crate::rules::{self, Finding, FixState};

/// A file's new content.
#[derive(Debug, Clone)]
pub struct Change {
    pub file: Arc<SourceFile>,
    /// The new text, without the BOM (which stays when the file had one).
    pub text: String,
}

impl Change {
    /// The new file content as bytes: in the file's own encoding, with its BOM when it had
    /// one; the first character the encoding cannot hold when there is one (the engine drops
    /// such fixes, so a change never has one).
    pub fn bytes(&self) -> Result<Vec<u8>, char> {
        self.file.encode(&self.text)
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

/// Plans and applies the fixes of `findings` (selected by `wanted`), adding derived fixes to
/// the findings they belong to. The findings' `fix` fields are updated: dropped fixes are
/// removed and their `fix_withheld` says why, and an edit several fixes share stays only in the
/// first.
pub fn apply(findings: &mut [Finding], wanted: impl Fn(&Finding) -> bool) -> Applied {
    let selected: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].fix.is_some() && wanted(&findings[i]))
        .collect();
    let (kept, mut dropped) = without_overlaps(findings, &selected);
    let kept = keep_encodable(findings, kept, &mut dropped);
    let mut accepted = vec![false; findings.len()];
    for i in kept {
        accepted[i] = true;
    }
    derive(findings, &mut accepted, &wanted);
    let accepted: Vec<usize> = (0..findings.len()).filter(|&i| accepted[i]).collect();
    let accepted = keep_parsable(findings, accepted, &mut dropped);
    for (index, reason) in &dropped {
        let f = &mut findings[*index];
        f.fix = None;
        f.fix_withheld = Some(reason.clone());
    }
    share_edits(findings, &accepted);
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

/// The kept edits of each file, sorted by start: which finding's fix holds each.
#[derive(Default)]
struct KeptEdits<'a> {
    by_file: HashMap<&'a PathBuf, Vec<(&'a Edit, usize)>>,
}

impl<'a> KeptEdits<'a> {
    /// The earliest finding whose kept edit clashes with `edit` (an identical edit does not).
    fn clash(&self, edit: &Edit) -> Option<usize> {
        let kept = self.by_file.get(&edit.site.file.path)?;
        let span = edit.site.span;
        // Kept edits do not overlap each other, so only the one starting just before `span`
        // and those starting inside it can overlap it.
        let first = kept.partition_point(|(k, _)| k.site.span.start < span.start);
        let candidates = kept[first.saturating_sub(1)..]
            .iter()
            .take_while(|(k, _)| k.site.span.start <= span.end.max(span.start));
        candidates
            .filter(|(k, _)| overlaps(k.site.span, span) && **k != *edit)
            .map(|(_, owner)| *owner)
            .min()
    }

    fn add(&mut self, edit: &'a Edit, owner: usize) {
        let list = self.by_file.entry(&edit.site.file.path).or_default();
        let key = (edit.site.span.start, edit.site.span.end);
        let at = list.partition_point(|(k, _)| (k.site.span.start, k.site.span.end) < key);
        let already = list[at..]
            .iter()
            .take_while(|(k, _)| (k.site.span.start, k.site.span.end) == key)
            .any(|(k, _)| *k == edit);
        if !already {
            list.insert(at, (edit, owner));
        }
    }
}

/// Keeps fixes in order, dropping any whose edits overlap an edit already kept.
fn without_overlaps(
    findings: &[Finding],
    selected: &[usize],
) -> (Vec<usize>, Vec<(usize, String)>) {
    let mut kept_edits = KeptEdits::default();
    let mut kept: Vec<usize> = Vec::new();
    let mut dropped = Vec::new();
    for &i in selected {
        let edits = edits_of(&findings[i]);
        match edits.iter().filter_map(|e| kept_edits.clash(e)).min() {
            Some(k) => {
                let other = &findings[k];
                dropped.push((
                    i,
                    format!(
                        "Its edits overlap the fix for {} at {}, which is applied first; run fix again afterwards.",
                        other.rule.code,
                        other.location()
                    ),
                ));
            }
            None => {
                for e in edits {
                    kept_edits.add(e, i);
                }
                kept.push(i);
            }
        }
    }
    (kept, dropped)
}

/// Drops the fixes that would write a character the file's encoding cannot hold (a
/// Windows-1252 file is never transcoded to make room for it).
fn keep_encodable(
    findings: &[Finding],
    kept: Vec<usize>,
    dropped: &mut Vec<(usize, String)>,
) -> Vec<usize> {
    kept.into_iter()
        .filter(|&i| {
            let clash = edits_of(&findings[i]).iter().find_map(|e| {
                let file = &e.site.file;
                file.encoding
                    .first_unencodable(&e.replacement)
                    .map(|c| (file, c))
            });
            let Some((file, c)) = clash else {
                return true;
            };
            dropped.push((
                i,
                format!(
                    "{} is saved as {}, which cannot hold the character `{c}` (U+{:04X}) the fix writes; the file is not converted to another encoding, so the fix is left out (save the file as UTF-8 to have it applied).",
                    file.display,
                    file.encoding.name(),
                    u32::from(c)
                ),
            ));
            false
        })
        .collect()
}

/// Adds the fixes rules derive from the accepted ones, rule by rule in catalogue order (a
/// later rule sees what an earlier one derived).
fn derive(findings: &mut [Finding], accepted: &mut [bool], wanted: &impl Fn(&Finding) -> bool) {
    for rule in rules::RULES {
        let Some(derive) = rule.derive else {
            continue;
        };
        for i in 0..findings.len() {
            let f = &findings[i];
            if f.rule.code != rule.code || f.fix.is_some() || !wanted(f) {
                continue;
            }
            let Some(fix) = derive(f, &FixState::new(findings, accepted)) else {
                continue;
            };
            findings[i].fix = Some(fix);
            findings[i].fix_withheld = None;
            accepted[i] = true;
        }
    }
}

/// An edit several accepted fixes share (the same range and text) stays in the first of them.
fn share_edits(findings: &mut [Finding], accepted: &[usize]) {
    let mut seen: HashSet<(PathBuf, Span, String)> = HashSet::new();
    for &i in accepted {
        if let Some(fix) = &mut findings[i].fix {
            fix.edits.retain(|e| {
                seen.insert((e.site.file.path.clone(), e.site.span, e.replacement.clone()))
            });
        }
    }
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
            let mine = edits_of(&findings[i])
                .iter()
                .filter(|e| e.site.file.path == file.path);
            let mut trial = good.clone();
            trial.extend(mine);
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
    use crate::core::{Code, Site};
    use crate::edit::{Fix, Safety};
    use std::path::Path;

    fn finding(file: &Arc<SourceFile>, code: Code, edits: &[((usize, usize), &str)]) -> Finding {
        let site = Site::new(file, Span::new(edits[0].0.0, edits[0].0.1));
        let mut f = Finding::new(rules::rule(code), site, "m");
        f.fix = Some(Fix {
            safety: Safety::Safe,
            description: "d".into(),
            edits: edits
                .iter()
                .map(|((start, end), replacement)| {
                    Edit::replace(Site::new(file, Span::new(*start, *end)), *replacement)
                })
                .collect(),
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
            finding(&f, Code::MP101, &[((at, at + 7), "x.New()")]),
            finding(&f, Code::MP102, &[((at + 2, at + 5), "Other")]),
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
    fn an_edit_two_fixes_share_is_applied_once_and_kept_in_the_first() {
        let f = file();
        let x = f.text.find("x.Old").unwrap();
        let y = f.text.find("y.Old").unwrap();
        let shared = ((0, 0), "using N;\r\n");
        let mut findings = vec![
            finding(&f, Code::MP101, &[((x, x + 7), "x.New()"), shared]),
            finding(&f, Code::MP102, &[((y, y + 7), "y.New()"), shared]),
        ];
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.fixed, [0, 1]);
        assert!(applied.changes[0].text.starts_with("using N;\r\nclass A"));
        assert_eq!(applied.changes[0].text.matches("using N;").count(), 1);
        assert_eq!(findings[0].fix.as_ref().unwrap().edits.len(), 2);
        assert_eq!(findings[1].fix.as_ref().unwrap().edits.len(), 1);
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_dropped_and_the_others_stay() {
        let f = file();
        let x = f.text.find("x.Old").unwrap();
        let y = f.text.find("y.Old").unwrap();
        let mut findings = vec![
            finding(&f, Code::MP101, &[((x, x + 7), "x.New()")]),
            finding(&f, Code::MP102, &[((y, y + 7), "y.New((")]),
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
            finding(&f, Code::MP101, &[((3, 4), "AA")]),
            finding(&f, Code::MP102, &[((7, 8), "CC")]),
        ];
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.changes[0].bytes().unwrap(), b"\xEF\xBB\xBFAA b CC");
    }

    #[test]
    fn a_fix_a_windows_1252_file_cannot_hold_is_dropped_and_the_file_stays_in_its_encoding() {
        let bytes = b"// s\xF8knad\r\nx.Old();\r\ny.Old();\r\n".to_vec();
        let decoded = crate::core::source::decode(bytes, crate::core::Fallback::Windows1252);
        let f = Arc::new(SourceFile::decoded(Path::new("a.cs"), decoded.unwrap()).unwrap());
        let x = f.text.find("x.Old").unwrap();
        let y = f.text.find("y.Old").unwrap();
        let mut findings = vec![
            finding(&f, Code::MP101, &[((x, x + 7), "x.New(/* → ny */)")]),
            finding(&f, Code::MP102, &[((y, y + 7), "y.New(/* ny */)")]),
        ];
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.fixed, [1]);
        assert_eq!(
            findings[0].fix_withheld.as_deref(),
            Some(
                "a.cs is saved as windows-1252, which cannot hold the character `→` (U+2192) the fix writes; the file is not converted to another encoding, so the fix is left out (save the file as UTF-8 to have it applied)."
            )
        );
        assert_eq!(
            applied.changes[0].bytes().unwrap(),
            b"// s\xF8knad\r\nx.Old();\r\ny.New(/* ny */);\r\n"
        );
    }

    #[test]
    fn many_fixes_in_one_file_are_checked_for_overlaps_without_comparing_every_pair() {
        let text: String = (0..5000).map(|i| format!("x{i:05}.Old();\n")).collect();
        let f = Arc::new(SourceFile::from_text(Path::new("a.cs"), text, false));
        let mut findings: Vec<Finding> = (0..5000)
            .map(|i| {
                let at = i * 14;
                finding(&f, Code::MP101, &[((at + 7, at + 12), "New()")])
            })
            .collect();
        findings.push(finding(
            &f,
            Code::MP102,
            &[((7 + 14 * 2500, 9 + 14 * 2500), "X")],
        ));
        let applied = apply(&mut findings, |_| true);
        assert_eq!(applied.fixed.len(), 5000);
        assert_eq!(applied.dropped, [(5000, "Its edits overlap the fix for MP101 at a.cs:2501, which is applied first; run fix again afterwards.".to_string())]);
    }
}
