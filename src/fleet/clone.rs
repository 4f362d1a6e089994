//! `status --repos FILE`: reads the list (one git URL or local path per line, `#` comments),
//! and brings each URL into the cache folder with the `git` command, several at a time: a
//! shallow fetch of the remote's HEAD into a new repository (moved into place only once it is
//! complete), or for one that is already there, a fetch and a hard reset. Credentials are git's
//! business (its credential helpers); the tool never stores a URL with credentials (the clone's
//! `origin` is the URL without them) and strips them from every message.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::core::InputProblem;

/// Clones run at the same time: the work is waiting on the network, not the CPU.
const AT_ONCE: usize = 4;

/// A line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Url(String),
    /// A local path, relative to the list's folder.
    Path(PathBuf),
}

/// Reads the list; an unreadable file is an error naming it.
pub fn read_list(file: &Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("--repos {}: cannot read the file: {e}", file.display()))?;
    let base = file.parent().unwrap_or(Path::new("."));
    Ok(text
        .lines()
        .filter_map(|line| {
            let line = match line.find(" #") {
                Some(at) => &line[..at],
                None => line,
            }
            .trim();
            if line.is_empty() || line.starts_with('#') {
                None
            } else if is_url(line) {
                Some(Entry::Url(line.to_string()))
            } else {
                Some(Entry::Path(base.join(line)))
            }
        })
        .collect())
}

/// `https://...`, `ssh://...`, `file://...`, or git's `user@host:path`.
fn is_url(text: &str) -> bool {
    if text.contains("://") {
        return true;
    }
    match (text.find('@'), text.find(':')) {
        (Some(at), Some(colon)) => at < colon && !text[..colon].contains('/'),
        _ => false,
    }
}

/// The URL with any user name and password taken out: `https://host/org/app.git`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let authority_end = after
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => out.push_str(&authority[userinfo_end + 1..]),
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    out
}

/// The platform's cache folder for clones (`~/.cache/maskinporten-migrate/repos` on Linux).
pub fn default_cache() -> Option<PathBuf> {
    dirs::cache_dir().map(|dir| dir.join("maskinporten-migrate").join("repos"))
}

/// The folder a URL is cloned into: its last path component and a hash of the URL (without
/// credentials), so two remotes with the same name do not meet.
pub fn folder_for(cache: &Path, url: &str) -> PathBuf {
    let shown = redact(url);
    let name: String = shown
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("repository")
        .trim_end_matches(".git")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut hasher = fnv::FnvHasher::default();
    std::hash::Hasher::write(&mut hasher, shown.as_bytes());
    let hash = std::hash::Hasher::finish(&hasher);
    cache.join(format!("{name}-{:08x}", hash as u32))
}

/// A clone in the cache.
#[derive(Debug, Clone)]
pub struct Cloned {
    /// The URL without credentials, as reports show it.
    pub shown: String,
    pub dir: PathBuf,
}

/// Clones or updates every URL, `AT_ONCE` at a time, with a progress bar on a terminal;
/// in the order of `urls`, each a clone or the problem that stopped it.
pub fn clone_all(urls: &[String], cache: &Path, quiet: bool) -> Vec<Result<Cloned, InputProblem>> {
    if let Err(e) = std::fs::create_dir_all(cache) {
        let problem = InputProblem::error(
            crate::core::display_path(cache),
            format!("cannot create the cache folder: {e}"),
        );
        return urls.iter().map(|_| Err(problem.clone())).collect();
    }
    let bar = progress_bar(urls.len(), quiet);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Cloned, InputProblem>>>> =
        Mutex::new(urls.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let result = bring(url, cache);
                    bar.inc(1);
                    results.lock().expect("no worker panicked")[i] = Some(result);
                }
            });
        }
    });
    bar.finish_and_clear();
    results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|r| r.expect("every URL was handled"))
        .collect()
}

fn progress_bar(len: usize, quiet: bool) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    let target = if quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "maskinporten-migrate: cloning {bar:30} {pos}/{len} repositories",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Clones `url` into its folder in the cache, or updates the clone already there.
fn bring(url: &str, cache: &Path) -> Result<Cloned, InputProblem> {
    let shown = redact(url);
    let dir = folder_for(cache, url);
    let result = if dir.join(".git").exists() {
        update(url, &dir)
    } else {
        clone(url, &shown, &dir)
    };
    result
        .map(|()| Cloned {
            shown: shown.clone(),
            dir,
        })
        .map_err(|message| InputProblem::error(shown, redact(&message)))
}

fn update(url: &str, dir: &Path) -> Result<(), String> {
    git(dir, &["fetch", "--quiet", "--depth", "1", url, "HEAD"])
        .map_err(|e| format!("cannot fetch the repository into {}: {e}", dir.display()))?;
    git(dir, &["reset", "--quiet", "--hard", "FETCH_HEAD"])?;
    git(dir, &["clean", "--quiet", "-ffdx"])
}

fn clone(url: &str, shown: &str, dir: &Path) -> Result<(), String> {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let partial = dir.with_file_name(name);
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial)
        .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let cloned = git(&partial, &["init", "--quiet"])
        .and_then(|()| git(&partial, &["remote", "add", "origin", shown]))
        .and_then(|()| {
            git(&partial, &["fetch", "--quiet", "--depth", "1", url, "HEAD"])
                .map_err(|e| format!("cannot clone the repository: {e}"))
        })
        .and_then(|()| git(&partial, &["reset", "--quiet", "--hard", "FETCH_HEAD"]));
    match cloned {
        Ok(()) => std::fs::rename(&partial, dir)
            .map_err(|e| format!("cannot move the clone to {}: {e}", dir.display())),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

/// Runs git in `dir`; git's own message (its last lines) on failure. Git never asks on the
/// terminal (the progress bar holds it): a remote that needs credentials the helpers do not
/// have fails and says so.
fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = said[said.len().saturating_sub(3)..].join("; ");
    Err(if tail.is_empty() {
        format!("git {} failed ({})", args[0], output.status)
    } else {
        tail
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show() {
        assert_eq!(
            redact("fatal: could not read from https://anne:s3cret@example.org/org/app.git/ (x)"),
            "fatal: could not read from https://example.org/org/app.git/ (x)"
        );
        assert_eq!(
            redact("https://token@github.com/o/a and ssh://git@host:22/r"),
            "https://github.com/o/a and ssh://host:22/r"
        );
        assert_eq!(redact("no url here"), "no url here");
    }

    #[test]
    fn the_list_holds_urls_and_paths() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("repos.txt");
        std::fs::write(
            &file,
            "# the apps of ttd\nhttps://altinn.studio/repos/ttd/app.git  # main app\n\ngit@github.com:org/b.git\n../local/app\n",
        )
        .unwrap();
        assert_eq!(
            read_list(&file).unwrap(),
            [
                Entry::Url("https://altinn.studio/repos/ttd/app.git".into()),
                Entry::Url("git@github.com:org/b.git".into()),
                Entry::Path(dir.path().join("../local/app")),
            ]
        );
    }

    #[test]
    fn a_folder_per_remote_named_after_it() {
        let cache = Path::new("/c");
        let a = folder_for(cache, "https://user:pw@host/org/app.git");
        assert_eq!(a, folder_for(cache, "https://host/org/app.git"));
        assert!(a.file_name().unwrap().to_str().unwrap().starts_with("app-"));
        assert_ne!(a, folder_for(cache, "https://host/other/app.git"));
    }
}
