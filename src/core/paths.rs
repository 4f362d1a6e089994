//! Paths as the reports need them: folded lexically (`a/b/../c` is `a/c`), without touching the
//! file system, so a path written in a project file reads the way a person would write it.

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
}
