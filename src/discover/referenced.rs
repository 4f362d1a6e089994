//! The Altinn.App version of an app that builds Altinn.App from source (a `<ProjectReference>`
//! to `Altinn.App.Api.csproj`): the referenced project's `Version`, else its `VersionPrefix`
//! (with `VersionSuffix`), looked up in the project and then in the nearest
//! `Directory.Build.props` above it and the files that imports; or, when none sets one, why the
//! version is not known (Altinn's own repositories take it from git tags with MinVer).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::PropsCache;
use super::msbuild::{self, MsBuildFile};
use crate::core::InputProblem;
use crate::core::display_path;
use crate::core::paths::msbuild_path;

/// How deep a props file's `<Import>` chain is followed.
const MAX_IMPORTS: usize = 4;

/// The version the referenced project declares, or why it is not known.
pub fn version_of(
    from_dir: &Path,
    include: &str,
    props: &mut PropsCache,
    problems: &mut Vec<InputProblem>,
) -> Result<String, String> {
    let path = msbuild_path(from_dir, include);
    let shown = display_path(&path);
    if !path.is_file() {
        return Err(format!("the referenced {shown} does not exist"));
    }
    let Some((_, project)) = props.file(&path, problems) else {
        return Err(format!("the referenced {shown} cannot be read"));
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut files: Vec<(PathBuf, MsBuildFile)> = vec![(path.clone(), project)];
    if let Some((props_file, parsed)) = props.nearest(dir, "Directory.Build.props", problems) {
        let mut chain = vec![(props_file.path.clone(), parsed)];
        follow_imports(&mut chain, props, problems);
        files.extend(chain);
    }
    let scopes: Vec<&HashMap<String, String>> = files.iter().map(|(_, f)| &f.properties).collect();
    let lookup = |name: &str| {
        scopes
            .iter()
            .find_map(|s| s.get(name))
            .map(|v| msbuild::expand_properties(v.trim(), &scopes))
            .filter(|v| !v.is_empty())
    };
    let version = lookup("Version").or_else(|| {
        lookup("VersionPrefix").map(|prefix| match lookup("VersionSuffix") {
            Some(suffix) => format!("{prefix}-{suffix}"),
            None => prefix,
        })
    });
    match version {
        Some(v) if v.contains("$(") => Err(format!(
            "the referenced {shown} sets its version to `{v}`, which this tool cannot resolve"
        )),
        Some(v) => Ok(v),
        None => Err(no_version(&shown, &files)),
    }
}

/// Why no version was found: the files looked in, and MinVer when the build uses it.
fn no_version(shown: &str, files: &[(PathBuf, MsBuildFile)]) -> String {
    let props: Vec<String> = files[1..].iter().map(|(p, _)| display_path(p)).collect();
    let looked = match props.as_slice() {
        [] => String::new(),
        [one] => format!(", nor does {one}"),
        [rest @ .., last] => format!(", nor do {} and {last}", rest.join(", ")),
    };
    let minver = files.iter().any(|(_, f)| {
        f.package_references
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case("MinVer"))
    });
    let source = if minver {
        "; MinVer sets it from the git tags at build time"
    } else {
        ""
    };
    format!("the referenced {shown} sets no Version or VersionPrefix{looked}{source}")
}

/// Appends the files the last props file imports by a literal path (or one under
/// `$(MSBuildThisFileDirectory)`), in order, to a small depth.
fn follow_imports(
    chain: &mut Vec<(PathBuf, MsBuildFile)>,
    props: &mut PropsCache,
    problems: &mut Vec<InputProblem>,
) {
    let mut next = 0;
    while next < chain.len() && chain.len() <= MAX_IMPORTS {
        let (path, file) = &chain[next];
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let imports: Vec<PathBuf> = file
            .imports
            .iter()
            .filter_map(|i| literal_import(&dir, i))
            .collect();
        for import in imports {
            if chain.iter().any(|(p, _)| *p == import) || !import.is_file() {
                continue;
            }
            if let Some((_, parsed)) = props.file(&import, problems) {
                chain.push((import, parsed));
            }
        }
        next += 1;
    }
}

fn literal_import(dir: &Path, written: &str) -> Option<PathBuf> {
    let written = written
        .trim()
        .strip_prefix("$(MSBuildThisFileDirectory)")
        .unwrap_or(written.trim());
    (!written.contains("$(")).then(|| msbuild_path(dir, written))
}
