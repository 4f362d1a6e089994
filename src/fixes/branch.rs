//! `fix --write --branch NAME`: commits a run's changed files on a branch with git plumbing (a
//! temporary index read from HEAD, new blobs, `write-tree`, `commit-tree`, `update-ref`), so
//! the working tree, the index and the current branch stay exactly as they were. A file whose
//! content differs from HEAD (changed or untracked) is refused: the patch was made from the
//! working tree and must apply to HEAD as it is.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The mode git gives a symbolic link.
const SYMBOLIC_LINK: &str = "120000";

/// A file to commit: its path relative to the repository's top level (with `/`), its content
/// as read and its new content.
pub struct FileChange {
    pub path: String,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
}

/// What happened to the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created(String),
    /// It pointed elsewhere (an earlier run on an older HEAD, say); now at the new commit.
    Reset {
        from: String,
        to: String,
    },
    /// It already holds this change on this HEAD: left as it is.
    UpToDate(String),
}

impl Outcome {
    pub fn commit(&self) -> &str {
        match self {
            Outcome::Created(c) | Outcome::Reset { to: c, .. } | Outcome::UpToDate(c) => c,
        }
    }
}

/// Commits `files` on top of HEAD as branch `branch` in the repository at `top`.
pub fn commit(
    top: &Path,
    branch: &str,
    files: &[FileChange],
    message: &str,
) -> Result<Outcome, String> {
    let git = Git { top, index: None };
    git.run(&["check-ref-format", "--branch", branch], None)
        .map_err(|_| format!("`{branch}` is not a valid branch name"))?;
    let reference = format!("refs/heads/{branch}");
    refuse_checked_out(&git, &reference, branch)?;
    let head = git
        .run(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], None)
        .map_err(|_| "the repository has no commit yet".to_string())?;
    let index = tempfile::NamedTempFile::new()
        .map_err(|e| format!("cannot create a temporary index: {e}"))?;
    let staged = Git {
        top,
        index: Some(index.path()),
    };
    staged.run(&["read-tree", &head], None)?;
    for file in files {
        stage(&git, &staged, file)?;
    }
    let tree = staged.run(&["write-tree"], None)?;
    let existing = git
        .run(&["rev-parse", "--verify", "--quiet", &reference], None)
        .ok();
    if let Some(existing) = &existing {
        let (its_tree, its_parent) = tree_and_parent(&git, existing)?;
        if its_tree == tree && its_parent == head {
            return Ok(Outcome::UpToDate(existing.clone()));
        }
    }
    let commit = git.run(
        &["commit-tree", &tree, "-p", &head, "-F", "-"],
        Some(message.as_bytes()),
    )?;
    // The expected old value makes the update fail rather than overwrite a concurrent change.
    let old = existing.clone().unwrap_or_else(|| "0".repeat(40));
    git.run(
        &[
            "update-ref",
            "-m",
            "maskinporten-migrate fix --branch",
            &reference,
            &commit,
            &old,
        ],
        None,
    )?;
    Ok(match existing {
        Some(from) => Outcome::Reset { from, to: commit },
        None => Outcome::Created(commit),
    })
}

/// Moving a branch that a working tree has checked out would leave that tree out of step.
fn refuse_checked_out(git: &Git, reference: &str, branch: &str) -> Result<(), String> {
    let list = git.run(&["worktree", "list", "--porcelain"], None)?;
    let mut worktree = "";
    for line in list.lines() {
        if let Some(path) = line.strip_prefix("worktree ") {
            worktree = path;
        }
        if line.strip_prefix("branch ") == Some(reference) {
            return Err(format!(
                "branch {branch} is checked out in {worktree}; name another branch, or switch that working tree to another branch first"
            ));
        }
    }
    Ok(())
}

/// Puts the new content of `file` into the temporary index, once its content as read is what
/// HEAD holds.
fn stage(git: &Git, staged: &Git, file: &FileChange) -> Result<(), String> {
    let listed = git.run(&["ls-tree", "HEAD", "--", &file.path], None)?;
    let (mode, blob) = listed
        .split_whitespace()
        .collect::<Vec<_>>()
        .get(..3)
        .and_then(|f| (f[1] == "blob").then(|| (f[0].to_string(), f[2].to_string())))
        .ok_or_else(|| {
            format!(
                "{} is not in the last commit; commit it first, so the fix applies to what is committed",
                file.path
            )
        })?;
    // A link's blob is the path it points to: committing the file's new text there would turn
    // the link into a link to nowhere.
    if mode == SYMBOLIC_LINK {
        return Err(format!(
            "{} is a symbolic link; the branch commits files, not what links point to: change the file where it lives, or use --write without --branch",
            file.path
        ));
    }
    let path_arg = format!("--path={}", file.path);
    let read = git.run(&["hash-object", &path_arg, "--stdin"], Some(&file.before))?;
    if read != blob {
        return Err(format!(
            "{} differs from the last commit; commit or stash the change first, so the fix applies to what is committed",
            file.path
        ));
    }
    let new = git.run(
        &["hash-object", "-w", &path_arg, "--stdin"],
        Some(&file.after),
    )?;
    staged.run(
        &[
            "update-index",
            "--cacheinfo",
            &format!("{mode},{new},{}", file.path),
        ],
        None,
    )?;
    Ok(())
}

fn tree_and_parent(git: &Git, commit: &str) -> Result<(String, String), String> {
    let shown = git.run(&["log", "-1", "--format=%T %P", commit], None)?;
    let mut parts = shown.split_whitespace();
    Ok((
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    ))
}

/// git in one repository, optionally with a temporary index.
struct Git<'a> {
    top: &'a Path,
    index: Option<&'a Path>,
}

impl Git<'_> {
    /// Runs git; its trimmed standard output, or its message on failure.
    fn run(&self, args: &[&str], input: Option<&[u8]>) -> Result<String, String> {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(self.top)
            .args(args)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(index) = self.index {
            command.env("GIT_INDEX_FILE", index);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
            stdin
                .write_all(bytes)
                .map_err(|e| format!("cannot pass git its input: {e}"))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|e| format!("git {} did not finish: {e}", args[0]))?;
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).trim().to_string());
        }
        let said = String::from_utf8_lossy(&output.stderr).trim().to_string();
        Err(if said.is_empty() {
            format!("git {} failed ({})", args[0], output.status)
        } else {
            format!("git {}: {said}", args[0])
        })
    }
}
