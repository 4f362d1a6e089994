//! Baselines for adopting the tool on many legacy apps at once: `--write-baseline FILE` records
//! the current findings by fingerprint (rule, path relative to the repository root, the
//! construct's own text; not line numbers, so unrelated edits do not matter, nor the folder the
//! tool runs in), and `--baseline FILE` reports only findings not in it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Finding;
use super::fingerprint;
use crate::core::paths::RepoRoot;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, Clone)]
struct Entry {
    rule: String,
    path: String,
    fingerprint: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Baseline {
    version: u32,
    findings: Vec<Entry>,
}

fn entry(f: &Finding, root: &RepoRoot) -> Entry {
    Entry {
        rule: f.rule.code.to_string(),
        path: root.relative(&f.site.file.path),
        fingerprint: fingerprint::of(f, root),
    }
}

/// The baseline of these findings, as the file's text.
pub fn render(findings: &[Finding], root: &RepoRoot) -> String {
    let baseline = Baseline {
        version: 1,
        findings: findings.iter().map(|f| entry(f, root)).collect(),
    };
    serde_json::to_string_pretty(&baseline).expect("the baseline serialises") + "\n"
}

/// Keeps the findings the baseline does not hold (each baseline entry absorbs one finding).
/// Returns the findings kept and how many the baseline absorbed.
pub fn filter(
    findings: Vec<Finding>,
    path: &Path,
    root: &RepoRoot,
) -> Result<(Vec<Finding>, usize), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a baseline written by --write-baseline: {e}",
            path.display()
        )
    })?;
    if baseline.version != 1 {
        return Err(format!(
            "{} has baseline version {}; this build reads version 1",
            path.display(),
            baseline.version
        ));
    }
    let mut left = baseline.findings;
    let mut kept = Vec::new();
    let mut absorbed = 0;
    for f in findings {
        let e = entry(&f, root);
        match left.iter().position(|b| *b == e) {
            Some(i) => {
                left.swap_remove(i);
                absorbed += 1;
            }
            None => kept.push(f),
        }
    }
    Ok((kept, absorbed))
}
