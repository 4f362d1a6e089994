//! What the user asked to check. A folder is checked whole. A file (`check App/Program.cs`) is
//! checked as part of the project of the nearest `.csproj` above it: that project's folder is
//! read, so the file is judged with its project (its version, its appsettings, the other
//! files' declarations), and only the file's own findings are reported. A project file given
//! as a path stands for its project.

use std::path::{Path, PathBuf};

pub use crate::core::paths::canonical;

/// The folders and files whose findings the run reports.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Folders checked whole (canonical).
    whole: Vec<PathBuf>,
    /// Single files checked within their project (canonical).
    only: Vec<PathBuf>,
}

/// How one path argument is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The folder (or file) to walk.
    pub walk: PathBuf,
    /// The file the findings are restricted to, when the argument is a file in a project.
    pub only: Option<PathBuf>,
}

impl Scope {
    /// Records the argument and says what to walk for it.
    pub fn add(&mut self, path: &Path) -> Reading {
        let is_project_file = path.extension().is_some_and(|e| e == "csproj");
        if path.is_dir() || is_project_file {
            let dir = if path.is_dir() {
                path.to_path_buf()
            } else {
                parent_or_dot(path)
            };
            self.whole.push(canonical(&dir));
            return Reading {
                walk: dir,
                only: None,
            };
        }
        self.only.push(canonical(path));
        match project_dir(path) {
            Some(dir) => Reading {
                walk: dir,
                only: Some(path.to_path_buf()),
            },
            // A file in no project is read alone, as before.
            None => Reading {
                walk: path.to_path_buf(),
                only: Some(path.to_path_buf()),
            },
        }
    }

    /// Whether findings in `path` (a file the walk found) are reported.
    pub fn covers(&self, path: &Path) -> bool {
        // Without a file argument every file found lies in a folder checked whole.
        if self.only.is_empty() {
            return true;
        }
        let path = canonical(path);
        self.only.contains(&path) || self.whole.iter().any(|dir| path.starts_with(dir))
    }

    /// Whether the run reads more than it reports (a file argument).
    pub fn is_restricted(&self) -> bool {
        !self.only.is_empty()
    }
}

/// The folder of the nearest project file above `file`, written relative to the current
/// directory when it lies below it. The search stops at the repository root (a folder with
/// `.git`), so a project outside the repository is never taken.
fn project_dir(file: &Path) -> Option<PathBuf> {
    let absolute = canonical(file);
    for dir in absolute.parent()?.ancestors() {
        if has_project_file(dir) {
            return Some(relative_to_current(dir));
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

fn has_project_file(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.path().extension().is_some_and(|x| x == "csproj")
                && e.file_type().is_ok_and(|t| t.is_file())
        })
    })
}

fn relative_to_current(dir: &Path) -> PathBuf {
    let Some(cwd) = std::env::current_dir().ok().map(|c| canonical(&c)) else {
        return dir.to_path_buf();
    };
    match dir.strip_prefix(&cwd) {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rest) => rest.to_path_buf(),
        Err(_) => dir.to_path_buf(),
    }
}

fn parent_or_dot(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
