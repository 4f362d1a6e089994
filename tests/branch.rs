//! `fix --write --branch NAME`: the commit holds exactly the patch `fix --diff` prints, the
//! working tree and current branch are untouched, a second run changes nothing, and what cannot
//! be committed is refused per repository.

mod common;

use std::path::Path;
use std::process::Output;

use common::{copy_tree, fixture_dir, git, init_repo};

/// Runs the binary in `dir` with a committer identity (and no user git configuration).
fn run(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("maskinporten-migrate")
        .unwrap()
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Migration Lead")
        .env("GIT_AUTHOR_EMAIL", "lead@example.org")
        .env("GIT_COMMITTER_NAME", "Migration Lead")
        .env("GIT_COMMITTER_EMAIL", "lead@example.org")
        .timeout(std::time::Duration::from_secs(120))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A repository holding the fixture's app, committed on `main`.
fn repository(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(fixture), dir.path());
    init_repo(dir.path());
    dir
}

/// Every file of the working tree with its bytes, `.git` left out.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() == ".git" {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let name = path.strip_prefix(base).unwrap().display().to_string();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The tree HEAD becomes with `patch` applied (in a temporary index: the working tree stays).
fn tree_with_patch(dir: &Path, patch: &[u8]) -> String {
    let index = dir.join(".git/test-index");
    let patch_file = dir.join(".git/test.patch");
    std::fs::write(&patch_file, patch).unwrap();
    let with_index = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_INDEX_FILE", &index)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    with_index(&["read-tree", "HEAD"]);
    with_index(&["apply", "--cached", patch_file.to_str().unwrap()]);
    let tree = with_index(&["write-tree"]);
    std::fs::remove_file(index).unwrap();
    std::fs::remove_file(patch_file).unwrap();
    tree
}

#[test]
fn the_commit_is_exactly_the_patch_and_nothing_else_moves() {
    // LF files, CRLF files (guide-message-handler's Program.cs), and files saved as
    // Windows-1252 (committed in their own bytes, as the patch carries them).
    for fixture in [
        "guide-typed-client",
        "guide-message-handler",
        "keyvault-secrets",
        "windows-1252-source",
    ] {
        let repo = repository(fixture);
        let dir = repo.path();
        let head = git(dir, &["rev-parse", "HEAD"]);
        let before = snapshot(dir);
        // Bytes: a Windows-1252 file's lines are its own bytes in the patch.
        let patch = run(dir, &["fix", "--diff", "--quiet", "."]).stdout;
        assert!(!patch.is_empty(), "{fixture}: nothing to fix");

        let output = run(
            dir,
            &[
                "fix",
                "--write",
                "--branch",
                "migrate/maskinporten",
                "--quiet",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{fixture}: {output:?}");
        let said = stdout(&output);
        let commit = git(dir, &["rev-parse", "migrate/maskinporten"]);
        assert!(
            said.starts_with(&format!(
                ".: branch migrate/maskinporten at {} (created): ",
                &commit[..12]
            )),
            "{fixture}: {said}"
        );

        // The commit: one, on HEAD, whose tree is HEAD with the patch applied.
        assert_eq!(git(dir, &["rev-parse", "migrate/maskinporten^"]), head);
        assert_eq!(
            git(dir, &["rev-parse", "migrate/maskinporten^{tree}"]).trim(),
            tree_with_patch(dir, &patch),
            "{fixture}"
        );
        let message = git(dir, &["log", "-1", "--format=%B", "migrate/maskinporten"]);
        assert!(
            message.starts_with(
                "Migrate to the built-in Maskinporten client\n\nmaskinporten-migrate "
            ),
            "{message}"
        );
        assert!(
            message.contains("# maskinporten-migrate report"),
            "{message}"
        );
        assert!(
            !message.contains("```diff"),
            "the commit is the patch: {message}"
        );

        // The working tree, the index and the current branch are as they were.
        assert_eq!(git(dir, &["rev-parse", "HEAD"]), head);
        assert_eq!(
            git(dir, &["symbolic-ref", "--short", "HEAD"]).trim(),
            "main"
        );
        assert_eq!(git(dir, &["status", "--porcelain"]), "");
        assert!(
            snapshot(dir) == before,
            "{fixture}: the working tree changed"
        );

        // A second run changes nothing.
        let again = stdout(&run(
            dir,
            &[
                "fix",
                "--write",
                "--branch",
                "migrate/maskinporten",
                "--quiet",
            ],
        ));
        assert!(again.contains("(already up to date)"), "{again}");
        assert_eq!(git(dir, &["rev-parse", "migrate/maskinporten"]), commit);

        // The branch, checked out, has nothing left to fix.
        git(dir, &["checkout", "--quiet", "migrate/maskinporten"]);
        assert_eq!(stdout(&run(dir, &["fix", "--diff", "--quiet", "."])), "");
    }
}

#[test]
fn a_new_head_resets_the_branch() {
    let repo = repository("guide-typed-client");
    let dir = repo.path();
    let args = ["fix", "--write", "--branch", "migrate", "--quiet"];
    run(dir, &args);
    let first = git(dir, &["rev-parse", "migrate"]);
    std::fs::write(dir.join("NOTES.md"), "Moving to the built-in client.\n").unwrap();
    git(dir, &["add", "NOTES.md"]);
    git(dir, &["commit", "--quiet", "-m", "Notes"]);
    let said = stdout(&run(dir, &args));
    assert!(
        said.contains(&format!("(reset from {})", &first[..12])),
        "{said}"
    );
    assert_eq!(
        git(dir, &["rev-parse", "migrate^"]),
        git(dir, &["rev-parse", "HEAD"])
    );
}

#[test]
fn uncommitted_changes_and_a_checked_out_branch_are_refused() {
    let repo = repository("guide-typed-client");
    let dir = repo.path();
    let program = dir.join("App/Program.cs");
    let text = std::fs::read_to_string(&program).unwrap();
    std::fs::write(&program, format!("{text}\n// work in progress\n")).unwrap();
    let output = run(dir, &["fix", "--write", "--branch", "migrate", "--quiet"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("has uncommitted changes"), "{err}");
    assert!(git(dir, &["branch", "--list", "migrate"]).is_empty());

    std::fs::write(&program, text).unwrap();
    let output = run(dir, &["fix", "--write", "--branch", "main", "--quiet"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("branch main is checked out in"), "{err}");
    assert_eq!(git(dir, &["rev-list", "--count", "main"]).trim(), "1");
}

#[test]
fn each_repository_of_a_folder_gets_its_own_branch() {
    let base = tempfile::tempdir().unwrap();
    for app in [
        "tilskudd-soknad",
        "kjoretoy-opplysninger",
        "naeringsoppgave",
    ] {
        let dir = base.path().join(app);
        copy_tree(&fixture_dir("fleet").join(app), &dir);
        init_repo(&dir);
    }
    let output = run(
        base.path(),
        &["fix", "--write", "--branch", "migrate", "--quiet"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let said = stdout(&output);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert_eq!(
        lines[0],
        "kjoretoy-opplysninger: nothing to fix, so no branch; App/App.csproj needs a person: MP402 eager-config-read ×2, MP901 unsupported-credential ×3, MP903 several-identities"
    );
    assert_eq!(
        lines[1],
        "naeringsoppgave: nothing to fix, so no branch; nothing left for a person"
    );
    assert!(
        lines[2].starts_with("tilskudd-soknad: branch migrate at ")
            && lines[2].ends_with(" (created): 4 fix(es) in 2 file(s); nothing left for a person"),
        "{}",
        lines[2]
    );
    for (app, branches) in [
        ("tilskudd-soknad", "* main\n  migrate\n"),
        ("kjoretoy-opplysninger", "* main\n"),
        ("naeringsoppgave", "* main\n"),
    ] {
        assert_eq!(git(&base.path().join(app), &["branch"]), branches, "{app}");
    }
}
