//! The layout is the pipeline: `core` → `discover` → `facts` → `assess` → `edit` → `rules` →
//! `fixes` → `report`, with `config`, `engine`, `cli` and `fleet` on top. These tests keep it so: a module
//! refers only to its own layer and those below it, and rule codes are typed (`Code::MP101`)
//! everywhere outside the registry of codes, the rules' documentation and tests.

use std::path::{Path, PathBuf};

const LAYERS: [&str; 8] = [
    "core", "discover", "facts", "assess", "edit", "rules", "fixes", "report",
];
const TOP: [&str; 6] = ["config", "engine", "cli", "fleet", "lib", "main"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer of a file: its first folder (or file name) under `src/`.
fn layer_of(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

fn rank(layer: &str) -> usize {
    LAYERS.iter().position(|l| *l == layer).unwrap_or_else(|| {
        assert!(TOP.contains(&layer), "src/{layer} is in no layer");
        LAYERS.len()
    })
}

/// The code of a file that ships: test modules (at the end of a file), comments and the rules'
/// documentation removed.
fn shipped_code(text: &str) -> String {
    let code = text.split("\n#[cfg(test)]").next().unwrap();
    let mut out = String::new();
    let mut in_doc = false;
    for line in code.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("doc: r#\"") {
            in_doc = true;
        }
        if !in_doc && !trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
        if in_doc && trimmed.starts_with("\"#,") {
            in_doc = false;
        }
    }
    out
}

fn all_sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f, text)
        })
        .collect()
}

#[test]
fn imports_only_point_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (path, text) in all_sources() {
        if path.ends_with("testing.rs") {
            continue; // test-only helpers
        }
        let mine = layer_of(&path, &src);
        let code = shipped_code(&text);
        for (at, _) in code.match_indices("crate::") {
            let target: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if target.is_empty() || target == "core" && mine == "core" {
                continue;
            }
            if rank(&target) > rank(&mine) {
                wrong.push(format!(
                    "src/{} ({mine}) uses crate::{target}",
                    path.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "imports pointing up the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn rule_codes_are_typed_outside_their_registry() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (path, text) in all_sources() {
        if path.ends_with("core/code.rs") {
            continue;
        }
        let code = shipped_code(&text);
        let bytes = code.as_bytes();
        for (at, _) in code.match_indices("MP") {
            let digits = bytes.get(at + 2..at + 5);
            let is_code = digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit));
            let typed = code[..at].ends_with("Code::");
            if is_code && !typed {
                let line = code[..at].lines().count();
                wrong.push(format!(
                    "src/{}: {}",
                    path.strip_prefix(&src).unwrap().display(),
                    code.lines()
                        .nth(line.saturating_sub(1))
                        .unwrap_or("")
                        .trim()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "rule codes written as text:\n{}",
        wrong.join("\n")
    );
}
