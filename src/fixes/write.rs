//! `fix --write`: writes only what git can undo, and only inside the repository. It refuses a
//! git working tree with uncommitted changes, a file git does not track, and a file outside any
//! git repository (or with no git installed), unless `--allow-dirty` is given; a symbolic link is
//! written through to its target when that lies inside the repository and refused otherwise.
//! Each changed file is written whole (`core::write`), so no file is ever half-written, and it
//! keeps its permissions.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::apply::Change;

/// The folder a path given on the command line stands for.
fn folder_of(path: &Path) -> &Path {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// The first path that lies in a git working tree with uncommitted changes, if any. Paths
/// outside git (or with no git installed) count as clean here; `not_undoable` refuses them.
pub fn dirty_worktree(paths: &[PathBuf]) -> Option<String> {
    paths.iter().find_map(|path| {
        let output = Command::new("git")
            .arg("-C")
            .arg(folder_of(path))
            .args(["status", "--porcelain", "--untracked-files=no", "--", "."])
            .output()
            .ok()?;
        (output.status.success() && !output.stdout.is_empty())
            .then(|| crate::core::display_path(path))
    })
}

/// The top folder of the git working tree that holds `dir` (canonical), if any.
fn git_toplevel(dir: &Path) -> Option<PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    std::fs::canonicalize(text.trim_end_matches(['\n', '\r'])).ok()
}

/// The file a write to `path` changes: `path`, or the end of its symbolic links.
fn target_of(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Files `fix --write` would change that git could not restore, with the reason: outside a git
/// working tree (or git not installed), or not tracked by git. Empty when all can be undone.
pub fn not_undoable(changes: &[&Change]) -> Vec<(String, String)> {
    let mut toplevels: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut by_repo: HashMap<PathBuf, Vec<(&Change, PathBuf)>> = HashMap::new();
    let mut refused = Vec::new();
    for &change in changes {
        let target = target_of(&change.file.path);
        let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
        let top = toplevels
            .entry(dir.clone())
            .or_insert_with(|| git_toplevel(&dir))
            .clone();
        match top {
            Some(top) => by_repo.entry(top).or_default().push((change, target)),
            None => refused.push((
                change.file.display.clone(),
                "is not in a git repository (or git is not installed), so git could not undo the change".to_string(),
            )),
        }
    }
    for (top, files) in by_repo {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&top)
            .args(["ls-files", "-z", "--full-name", "--"]);
        for (_, target) in &files {
            command.arg(target.strip_prefix(&top).unwrap_or(target));
        }
        let tracked: Vec<PathBuf> = command
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                o.stdout
                    .split(|b| *b == 0)
                    .filter(|name| !name.is_empty())
                    .map(|name| top.join(String::from_utf8_lossy(name).as_ref()))
                    .collect()
            })
            .unwrap_or_default();
        for (change, target) in files {
            if !tracked.contains(&target) {
                refused.push((
                    change.file.display.clone(),
                    "is not tracked by git, so git could not undo the change; add and commit it first".to_string(),
                ));
            }
        }
    }
    refused.sort();
    refused
}

/// The repository a file belongs to: its git working tree, else the path given on the command
/// line that holds it.
fn repository_of(path: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    git_toplevel(dir).or_else(|| {
        roots
            .iter()
            .filter(|root| path.starts_with(root) || root.as_os_str() == ".")
            .find_map(|root| std::fs::canonicalize(folder_of(root)).ok())
    })
}

/// Why a file may not be written where it is: a symbolic link (or a path through one) that
/// leads outside the repository.
fn leaves_repository(path: &Path, roots: &[PathBuf]) -> Option<String> {
    let target = std::fs::canonicalize(path).ok()?;
    let repository = repository_of(path, roots)?;
    if target.starts_with(&repository) {
        return None;
    }
    Some(format!(
        "is a symbolic link to {}, outside the repository ({}); it is not written: change the file where it lives, or replace the link with a copy",
        target.display(),
        repository.display()
    ))
}

/// The changes that stay inside the repository (`roots`: the paths given on the command line),
/// and the files refused because a symbolic link leads outside it, with the reason.
pub fn inside_repository<'c>(
    changes: &'c [Change],
    roots: &[PathBuf],
) -> (Vec<&'c Change>, Vec<(String, String)>) {
    let mut inside = Vec::new();
    let mut refused = Vec::new();
    for change in changes {
        match leaves_repository(&change.file.path, roots) {
            Some(reason) => refused.push((change.file.display.clone(), reason)),
            None => inside.push(change),
        }
    }
    (inside, refused)
}

/// What writing gave: files written, and files that could not be (with the reason).
#[derive(Debug, Default)]
pub struct Written {
    pub done: Vec<String>,
    pub failed: Vec<(String, String)>,
}

/// Writes each change whole (a symbolic link through to its target).
pub fn write_all(changes: &[&Change]) -> Written {
    let mut written = Written::default();
    for change in changes {
        let bytes = match change.bytes() {
            Ok(bytes) => bytes,
            Err(c) => {
                written.failed.push((
                    change.file.display.clone(),
                    format!(
                        "the file is saved as {}, which cannot hold `{c}`; it is not converted",
                        change.file.encoding.name()
                    ),
                ));
                continue;
            }
        };
        match crate::core::write::write_whole(&change.file.path, &bytes) {
            Ok(()) => written.done.push(change.file.display.clone()),
            Err(e) => written
                .failed
                .push((change.file.display.clone(), e.to_string())),
        }
    }
    written
}
