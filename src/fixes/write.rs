//! `fix --write`: refuses a git working tree with uncommitted changes (so every fix can be
//! reviewed and undone with git), and writes each changed file whole (`core::write`), so no file
//! is ever half-written.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::apply::Change;

/// The first path that lies in a git working tree with uncommitted changes, if any. Paths
/// outside git (or with no git installed) count as clean.
pub fn dirty_worktree(paths: &[PathBuf]) -> Option<String> {
    paths.iter().find_map(|path| {
        let dir = if path.is_dir() {
            path.as_path()
        } else {
            path.parent().unwrap_or(Path::new("."))
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["status", "--porcelain", "--untracked-files=no", "--", "."])
            .output()
            .ok()?;
        (output.status.success() && !output.stdout.is_empty())
            .then(|| crate::core::display_path(path))
    })
}

/// What writing gave: files written, and files that could not be (with the reason).
#[derive(Debug, Default)]
pub struct Written {
    pub done: Vec<String>,
    pub failed: Vec<(String, String)>,
}

pub fn write_all(changes: &[Change]) -> Written {
    let mut written = Written::default();
    for change in changes {
        match crate::core::write::write_whole(&change.file.path, &change.bytes()) {
            Ok(()) => written.done.push(change.file.display.clone()),
            Err(e) => written
                .failed
                .push((change.file.display.clone(), e.to_string())),
        }
    }
    written
}
