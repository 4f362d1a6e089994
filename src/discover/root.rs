//! The repository root of a run: the git top level of the folders read (the nearest folder above
//! their common folder that holds `.git`, a directory or, in a worktree or submodule, a file), or
//! outside git their common folder. Patches, baselines, SARIF and annotations name files
//! relative to it, so they mean the same whatever the current directory.

use std::path::{Path, PathBuf};

use crate::core::paths::{RepoRoot, canonical};

/// The root for the folders (or files) the run walks.
pub fn of(walked: &[PathBuf]) -> RepoRoot {
    let folders: Vec<PathBuf> = walked
        .iter()
        .map(|p| {
            let p = canonical(p);
            if p.is_dir() {
                p
            } else {
                p.parent().map_or(p.clone(), Path::to_path_buf)
            }
        })
        .collect();
    let Some(common) = common_folder(&folders) else {
        return RepoRoot::current();
    };
    let top = common.ancestors().find(|dir| dir.join(".git").exists());
    RepoRoot::new(top.unwrap_or(&common))
}

/// The deepest folder every one of `folders` lies in.
fn common_folder(folders: &[PathBuf]) -> Option<PathBuf> {
    let (first, rest) = folders.split_first()?;
    let mut common = first.clone();
    for folder in rest {
        while !folder.starts_with(&common) {
            if !common.pop() {
                return None;
            }
        }
    }
    Some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_git_top_level_else_the_common_folder() {
        let dir = tempfile::tempdir().unwrap();
        let base = canonical(dir.path());
        for sub in [
            "repo/.git",
            "repo/App/config",
            "repo/Lib",
            "plain/A",
            "plain/B",
        ] {
            std::fs::create_dir_all(base.join(sub)).unwrap();
        }
        assert_eq!(of(&[base.join("repo/App")]).dir(), base.join("repo"));
        assert_eq!(
            of(&[base.join("repo/App/config"), base.join("repo/Lib")]).dir(),
            base.join("repo")
        );
        assert_eq!(
            of(&[base.join("plain/A"), base.join("plain/B")]).dir(),
            base.join("plain")
        );
        assert_eq!(of(&[base.join("plain/A")]).dir(), base.join("plain/A"));
    }
}
