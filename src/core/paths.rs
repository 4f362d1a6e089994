//! Paths as the reports need them: folded lexically (`a/b/../c` is `a/c`) so a path written in
//! a project file reads the way a person would write it; compared in canonical form; and, for
//! what another tool reads (patches, baselines, SARIF, annotations), relative to the repository
//! root wherever the tool was run.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` dropped and each `..` folded into the component before it (a leading `..`
/// stays).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The canonical form of a path, for comparing paths written differently (`./App`, `App`, an
/// absolute path); a path that cannot be resolved is made absolute lexically.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
    })
}

/// The folder paths in patches, baselines, SARIF and annotations are relative to: the git top
/// level of the paths checked, or outside git their common folder (see `discover::root`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoRoot {
    dir: PathBuf,
}

impl Default for RepoRoot {
    fn default() -> RepoRoot {
        RepoRoot::current()
    }
}

impl RepoRoot {
    pub fn new(dir: &Path) -> RepoRoot {
        RepoRoot {
            dir: canonical(dir),
        }
    }

    /// The current directory, for a run that names no path.
    pub fn current() -> RepoRoot {
        RepoRoot::new(Path::new("."))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `path` relative to the root, with `/`; a path outside the root keeps its display form.
    pub fn relative(&self, path: &Path) -> String {
        match canonical(path).strip_prefix(&self.dir) {
            Ok(rest) => {
                let parts: Vec<String> = rest
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                parts.join("/")
            }
            Err(_) => super::display_path(path),
        }
    }
}

/// A path written in an MSBuild file (`..\..\src\A.csproj`), relative to `dir`, with `/`.
pub fn msbuild_path(dir: &Path, written: &str) -> PathBuf {
    normalize(&dir.join(written.replace('\\', "/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_parent_components() {
        assert_eq!(
            normalize(Path::new("test/A.Tests/../../src/A/A.csproj")),
            PathBuf::from("src/A/A.csproj")
        );
        assert_eq!(normalize(Path::new("./App/./x")), PathBuf::from("App/x"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(
            msbuild_path(Path::new("test/T"), r"..\..\src\Api\Api.csproj"),
            PathBuf::from("src/Api/Api.csproj")
        );
    }

    #[test]
    fn paths_are_relative_to_the_root_however_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("App");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("Program.cs"), "").unwrap();
        let root = RepoRoot::new(dir.path());
        assert_eq!(root.relative(&app.join("Program.cs")), "App/Program.cs");
        assert_eq!(
            root.relative(&app.join("..").join("App").join("Program.cs")),
            "App/Program.cs"
        );
        let below = RepoRoot::new(&app);
        assert_eq!(below.relative(&app.join("Program.cs")), "Program.cs");
    }
}
