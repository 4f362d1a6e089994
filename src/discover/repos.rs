//! Repositories: which repositories a path given to `status` or `fix --branch` holds, each to be
//! checked on its own (with its own configuration file), as `check` in that repository would.
//! A path inside a git repository is that repository. A folder outside git is searched for
//! repositories (folders holding `.git`), not looking inside project folders or below a
//! repository; each folder directly under it that holds projects outside those repositories
//! counts as one too. A folder without any repository is checked as one.

use std::path::{Path, PathBuf};

use crate::core::InputProblem;
use crate::core::display_path;
use crate::core::paths::canonical;

/// One unit of a fleet: the path to check, and the repository it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// What to check: the path given, or a repository found below it.
    pub path: PathBuf,
    /// The git top level, or for a folder outside git the folder itself.
    pub top: PathBuf,
    /// Whether `top` is a git repository.
    pub git: bool,
}

/// Folders never searched: build output and dependencies.
const SKIPPED: [&str; 3] = ["bin", "obj", "node_modules"];

/// The repositories `path` holds; problems for what cannot be read.
pub fn find(path: &Path) -> (Vec<Repository>, Vec<InputProblem>) {
    let full = canonical(path);
    let folder = if full.is_dir() {
        full.clone()
    } else {
        full.parent().map_or(full.clone(), Path::to_path_buf)
    };
    if let Some(top) = folder.ancestors().find(|dir| dir.join(".git").exists()) {
        return (
            vec![Repository {
                path: path.to_path_buf(),
                top: top.to_path_buf(),
                git: true,
            }],
            Vec::new(),
        );
    }
    let mut search = Search::default();
    if full.is_dir() {
        search.walk(&full, 0);
    }
    if search.repositories.is_empty() {
        return (
            vec![Repository {
                path: path.to_path_buf(),
                top: folder,
                git: false,
            }],
            search.problems,
        );
    }
    let mut found: Vec<Repository> = search
        .repositories
        .into_iter()
        .map(|top| Repository {
            path: top.clone(),
            top,
            git: true,
        })
        .collect();
    found.extend(search.loose.into_iter().map(|dir| Repository {
        path: dir.clone(),
        top: dir,
        git: false,
    }));
    if search.project_at_top {
        search.problems.push(InputProblem::new(
            display_path(path),
            "this folder holds a project file beside the repositories below it; it is not checked: give its folder as a path of its own, or move the repositories out",
        ));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    (found, search.problems)
}

#[derive(Default)]
struct Search {
    repositories: Vec<PathBuf>,
    /// Folders directly under the path given that hold projects outside any repository.
    loose: Vec<PathBuf>,
    project_at_top: bool,
    problems: Vec<InputProblem>,
}

impl Search {
    /// Walks `dir` (depth 0 is the path given); returns whether it holds a project outside a
    /// repository.
    fn walk(&mut self, dir: &Path, depth: usize) -> bool {
        if depth > 0 && dir.join(".git").exists() {
            self.repositories.push(dir.to_path_buf());
            return false;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.problems.push(InputProblem::new(
                    display_path(dir),
                    format!("cannot read the folder: {e}"),
                ));
                return false;
            }
        };
        let mut folders = Vec::new();
        let mut project_here = false;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && !name.starts_with('.') && !SKIPPED.contains(&name.as_ref()) {
                folders.push(entry.path());
            } else if !is_dir && name.ends_with(".csproj") {
                project_here = true;
            }
        }
        // A project folder holds no repository worth looking for (and apps nest no repositories).
        if project_here {
            if depth == 0 {
                self.project_at_top = true;
            }
            return true;
        }
        folders.sort();
        let mut holds_project = false;
        for folder in folders {
            let loose = self.walk(&folder, depth + 1);
            if loose && depth == 0 {
                self.loose.push(folder);
            }
            holds_project |= loose;
        }
        holds_project
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(base: &Path, paths: &[&str]) {
        for p in paths {
            let full = base.join(p);
            if p.ends_with('/') {
                std::fs::create_dir_all(&full).unwrap();
            } else {
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(full, "<Project />").unwrap();
            }
        }
    }

    #[test]
    fn a_folder_of_repositories_gives_each_and_the_loose_apps() {
        let dir = tempfile::tempdir().unwrap();
        let base = canonical(dir.path());
        tree(
            &base,
            &[
                "org/app-a/.git/",
                "org/app-a/App/App.csproj",
                "org/app-a/nested/.git/",
                "app-b/.git/",
                "app-b/App/App.csproj",
                "plain-app/App/App.csproj",
                "docs/readme/",
                "app-c/App/bin/Debug/.git/",
            ],
        );
        let (found, problems) = find(&base);
        assert!(problems.is_empty(), "{problems:?}");
        let summary: Vec<(String, bool)> = found
            .iter()
            .map(|r| {
                (
                    r.path.strip_prefix(&base).unwrap().display().to_string(),
                    r.git,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("app-b".to_string(), true),
                ("org/app-a".to_string(), true),
                ("plain-app".to_string(), false),
            ]
        );
    }

    #[test]
    fn a_path_inside_a_repository_or_without_one_is_checked_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let base = canonical(dir.path());
        tree(
            &base,
            &[
                "repo/.git/",
                "repo/App/App.csproj",
                "corpus/app1/App/App.csproj",
            ],
        );
        let (found, _) = find(&base.join("repo/App"));
        assert_eq!(
            found,
            [Repository {
                path: base.join("repo/App"),
                top: base.join("repo"),
                git: true
            }]
        );
        let (found, _) = find(&base.join("corpus"));
        assert_eq!(
            found,
            [Repository {
                path: base.join("corpus"),
                top: base.join("corpus"),
                git: false
            }]
        );
    }
}
