//! Discover: walks the paths given on the command line, finds the files that can matter, groups
//! them into projects by `*.csproj`, and classifies each project (Altinn app with its version, or
//! another .NET project) from its references, `IsAltinnApp` and layout (`classify`; the engine
//! adds what the code calls once it is read). `repos` finds the repositories a folder holds, for the
//! fleet commands.

pub mod classify;
pub mod msbuild;
mod referenced;
pub mod repos;
pub mod root;
pub mod scope;
pub mod version;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::InputProblem;
use crate::core::catalogue;
use crate::core::paths::RepoRoot;
use crate::core::{SourceFile, Span, display_path};
pub use classify::Evidence;
use classify::Library;
use msbuild::MsBuildFile;
pub use scope::Scope;
pub use version::PackageVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProjectKind {
    /// An Altinn app, by the evidence `classify::kind` weighs.
    AltinnApp,
    /// Any other .NET project.
    Other,
    /// The project file could not be read; treated as not an app.
    Unreadable,
}

/// Where a package reference is written: the project file or a props file above it.
#[derive(Debug, Clone)]
pub struct ReferenceSite {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub version: Option<String>,
    /// The item or its ItemGroup has a `Condition`: it may not apply to every build.
    pub conditional: bool,
}

/// Central package management (`ManagePackageVersionsCentrally` in `Directory.Packages.props`).
#[derive(Debug, Clone)]
pub struct CentralPackages {
    pub file: Arc<SourceFile>,
    /// The last `<PackageVersion>` element, after which another one goes.
    pub last_version: Option<Span>,
    /// Where `</Project>` starts.
    pub project_end: Option<usize>,
    /// Whether a `<PackageVersion>` of the legacy package exists.
    pub has_legacy_version: bool,
}

/// Where a new `<PackageReference>` goes in the project file.
#[derive(Debug, Clone, Default)]
pub struct ReferenceSlots {
    /// The project file's own last `<PackageReference>` element.
    pub last_reference: Option<Span>,
    /// Where `</Project>` starts (a new ItemGroup goes before it).
    pub project_end: Option<usize>,
}

/// Why a project's Altinn.App version is not known, and what would make it known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion {
    pub reason: String,
    pub remedy: &'static str,
}

#[derive(Debug)]
pub struct Project {
    pub csproj: Arc<SourceFile>,
    pub dir: PathBuf,
    pub kind: ProjectKind,
    /// What the kind was decided from, in the order found.
    pub evidence: Vec<Evidence>,
    /// The Altinn.App.Api (else Altinn.App.Core) version, when the project is an app.
    pub altinn_version: Option<PackageVersion>,
    /// Why `altinn_version` is not known, when it is not.
    pub version_unknown: Option<UnknownVersion>,
    /// The reference that sets the Altinn version: a `<PackageReference>`, or the
    /// `<ProjectReference>` to Altinn.App's source (its version is the referenced project's).
    pub altinn_reference: Option<ReferenceSite>,
    /// The explicit reference to the legacy package, if any.
    pub legacy_reference: Option<ReferenceSite>,
    /// Namespaces imported for every file by `<Using Include=...>`.
    pub global_usings: Vec<String>,
    pub slots: ReferenceSlots,
    pub central: Option<CentralPackages>,
}

impl Project {
    pub fn display(&self) -> &str {
        &self.csproj.display
    }

    pub fn is_app(&self) -> bool {
        self.kind == ProjectKind::AltinnApp
    }

    /// Adds what the project's code shows (the calls only an app makes) and decides the kind
    /// again; a project file that cannot be read stays what it is.
    pub fn settle(&mut self, calls: Vec<Evidence>) {
        for call in calls {
            if !self.evidence.contains(&call) {
                self.evidence.push(call);
            }
        }
        if self.kind != ProjectKind::Unreadable {
            self.kind = classify::kind(&self.evidence);
        }
    }

    /// Whether the project file references other projects (`<ProjectReference>`): code there
    /// may use what this project registers.
    pub fn has_project_references(&self) -> bool {
        self.csproj.text.contains("<ProjectReference")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    CSharp,
    AppSettings,
    /// `config/authorization/policy.xml`.
    Policy,
}

/// A file that may matter, with the project it belongs to.
#[derive(Debug)]
pub struct Candidate {
    pub path: PathBuf,
    pub kind: FileKind,
    pub project: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Workspace {
    pub projects: Vec<Project>,
    pub files: Vec<Candidate>,
    pub problems: Vec<InputProblem>,
    /// Paths given that do not exist (a usage error).
    pub missing_paths: Vec<String>,
    /// What was asked for: whole folders, or files within their project.
    pub scope: Scope,
    /// What paths in patches, baselines and SARIF are relative to.
    pub root: RepoRoot,
}

/// Walks `paths` on `walkers` threads and builds the workspace. Never fails: problems are
/// collected.
pub fn discover(paths: &[PathBuf], max_file_size: u64, walkers: usize) -> Workspace {
    let mut workspace = Workspace::default();
    let mut found = Found::default();
    let mut named_files = Vec::new();
    let mut walked = Vec::new();
    for path in paths {
        if !path.exists() {
            workspace.missing_paths.push(display_path(path));
            continue;
        }
        let reading = workspace.scope.add(path);
        walk(&reading.walk, walkers, &mut found);
        walked.push(reading.walk);
        named_files.extend(reading.only);
    }
    workspace.root = root::of(&walked);
    // A file given by name is read even when the walk of its project leaves it out
    // (`.gitignore`).
    for file in named_files {
        let wanted = scope::canonical(&file);
        let walked = found
            .files
            .iter()
            .any(|(p, _)| scope::canonical(p) == wanted);
        if !walked
            && let Some(kind) = file
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|name| file_kind(&file, name))
        {
            found.files.push((file, kind));
        }
    }
    let Found {
        projects: mut project_files,
        mut files,
        problems,
    } = found;
    workspace.problems = problems;
    project_files.sort();
    project_files.dedup();
    files.sort_by(|a: &(PathBuf, FileKind), b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);

    let mut props = PropsCache::with_limit(max_file_size);
    for csproj in project_files {
        if let Some(project) = load_project(&csproj, &mut props, &mut workspace.problems) {
            workspace.projects.push(project);
        }
    }
    // With several project files in one folder, the first (by name) owns its files.
    let mut by_dir: HashMap<&Path, usize> = HashMap::new();
    for (i, p) in workspace.projects.iter().enumerate() {
        by_dir.entry(p.dir.as_path()).or_insert(i);
    }
    let mut candidates = Vec::with_capacity(files.len());
    for (path, kind) in files {
        let project = owning_project(&by_dir, &path);
        candidates.push(Candidate {
            path,
            kind,
            project,
        });
    }
    workspace.files = candidates;
    workspace
}

/// What a walk found.
#[derive(Default)]
struct Found {
    projects: Vec<PathBuf>,
    files: Vec<(PathBuf, FileKind)>,
    problems: Vec<InputProblem>,
}

/// Walks `root` on `walkers` threads.
fn walk(root: &Path, walkers: usize, found: &mut Found) {
    if root.is_dir()
        && let Some(problem) = unreadable_ignore_file(root)
    {
        found.problems.push(problem);
        return;
    }
    let shared = std::sync::Mutex::new(std::mem::take(found));
    let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let skipped_in_filter = skipped.clone();
    ignore::WalkBuilder::new(root)
        .require_git(false)
        .threads(walkers)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir {
                return true;
            }
            if matches!(
                entry.file_name().to_str(),
                Some("bin" | "obj" | "node_modules")
            ) {
                return false;
            }
            match unreadable_ignore_file(entry.path()) {
                Some(problem) => {
                    skipped_in_filter
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(problem);
                    false
                }
                None => true,
            }
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let mut found = shared.lock().unwrap_or_else(|e| e.into_inner());
                record(root, entry, &mut found);
                ignore::WalkState::Continue
            })
        });
    *found = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    found
        .problems
        .append(&mut skipped.lock().unwrap_or_else(|e| e.into_inner()));
}

/// The walker reads a folder's ignore files (and a `.git` file) as it enters the folder; one
/// that is a FIFO would block the run for ever, so such a folder is skipped, with the reason.
fn unreadable_ignore_file(dir: &Path) -> Option<InputProblem> {
    for name in [".gitignore", ".ignore", ".git", ".git/info/exclude"] {
        let path = dir.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() && !meta.is_dir() {
            return Some(InputProblem::new(
                display_path(&path),
                format!(
                    "not a regular file ({}); the folder {} is skipped",
                    crate::core::source::file_kind(&meta.file_type()),
                    display_path(dir)
                ),
            ));
        }
    }
    None
}

fn record(root: &Path, entry: Result<ignore::DirEntry, ignore::Error>, found: &mut Found) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => {
            found.problems.push(InputProblem::new(
                err_path(&err).unwrap_or_else(|| display_path(root)),
                format!("cannot walk this path: {}", err_message(&err)),
            ));
            return;
        }
    };
    if entry.file_type().is_some_and(|t| t.is_dir()) {
        return;
    }
    let Some(name) = entry.file_name().to_str() else {
        return;
    };
    // Only regular files (and links, checked when read) are read: a FIFO would block the run.
    if let Some(file_type) = entry.file_type()
        && !file_type.is_file()
        && !file_type.is_symlink()
    {
        if name.ends_with(".csproj") || file_kind(entry.path(), name).is_some() {
            found.problems.push(InputProblem::new(
                display_path(entry.path()),
                format!(
                    "not a regular file ({}); the file is skipped",
                    crate::core::source::file_kind(&file_type)
                ),
            ));
        }
        return;
    }
    if name.ends_with(".csproj") {
        found.projects.push(entry.into_path());
    } else if let Some(kind) = file_kind(entry.path(), name) {
        found.files.push((entry.into_path(), kind));
    }
}

/// What a file (other than a project file) is to the analysis, if anything.
fn file_kind(path: &Path, name: &str) -> Option<FileKind> {
    if name.ends_with(".cs") {
        Some(FileKind::CSharp)
    } else if is_appsettings(name) {
        Some(FileKind::AppSettings)
    } else if name == "policy.xml"
        && path.parent().and_then(|p| p.file_name()) == Some("authorization".as_ref())
    {
        Some(FileKind::Policy)
    } else {
        None
    }
}

/// `appsettings.json`, `appsettings.Production.json`, ... (case-insensitive, as on Windows).
pub fn is_appsettings(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("appsettings") && lower.ends_with(".json")
}

fn err_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(display_path(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

fn err_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => err_message(err),
        other => other.to_string(),
    }
}

/// The project whose directory is the closest ancestor of `path`.
fn owning_project(by_dir: &HashMap<&Path, usize>, path: &Path) -> Option<usize> {
    path.ancestors()
        .skip(1)
        .find_map(|dir| by_dir.get(dir).copied())
}

/// Parsed MSBuild files other than the projects (`Directory.*.props`, imported props, the
/// referenced Altinn.App projects), each read once.
pub(crate) struct PropsCache {
    parsed: HashMap<PathBuf, Option<(Arc<SourceFile>, MsBuildFile)>>,
    /// Files above this size (bytes) are not read (`max-file-size`).
    max_file_size: u64,
}

impl PropsCache {
    pub(crate) fn with_limit(max_file_size: u64) -> PropsCache {
        PropsCache {
            parsed: HashMap::new(),
            max_file_size,
        }
    }

    /// The nearest `name` file in `dir` or above it.
    fn nearest(
        &mut self,
        dir: &Path,
        name: &str,
        problems: &mut Vec<InputProblem>,
    ) -> Option<(Arc<SourceFile>, MsBuildFile)> {
        let found = dir
            .ancestors()
            .map(|d| d.join(name))
            .find(|p| p.is_file())?;
        self.file(&found, problems)
    }

    /// The parsed file at `path`.
    fn file(
        &mut self,
        path: &Path,
        problems: &mut Vec<InputProblem>,
    ) -> Option<(Arc<SourceFile>, MsBuildFile)> {
        self.parsed
            .entry(path.to_path_buf())
            .or_insert_with(|| read_msbuild(path, self.max_file_size, problems))
            .clone()
    }
}

fn read_msbuild(
    path: &Path,
    max_file_size: u64,
    problems: &mut Vec<InputProblem>,
) -> Option<(Arc<SourceFile>, MsBuildFile)> {
    let file = match SourceFile::read_limited(path, max_file_size) {
        Ok(file) => file,
        Err(err) => {
            let message = match err {
                crate::core::ReadError::Io(_) => err.to_string(),
                _ => format!("{err}; the file is skipped"),
            };
            problems.push(InputProblem::new(display_path(path), message));
            return None;
        }
    };
    match msbuild::parse(&file) {
        Ok(parsed) => Some((Arc::new(file), parsed)),
        Err(err) => {
            problems.push(InputProblem::new(
                file.display.clone(),
                format!("{err}; the project is treated as unreadable"),
            ));
            None
        }
    }
}

fn load_project(
    csproj: &Path,
    props: &mut PropsCache,
    problems: &mut Vec<InputProblem>,
) -> Option<Project> {
    let dir = csproj.parent().unwrap_or(Path::new(".")).to_path_buf();
    let layout = has_app_layout(&dir);
    let Some((file, parsed)) = read_msbuild(csproj, props.max_file_size, problems) else {
        // The text, for pointing at the project (empty when it could not be read at all).
        let file = SourceFile::read_limited(csproj, props.max_file_size)
            .unwrap_or_else(|_| SourceFile::from_text(csproj, String::new(), false));
        return Some(Project {
            csproj: Arc::new(file),
            dir,
            kind: ProjectKind::Unreadable,
            evidence: layout.then_some(Evidence::AppLayout).into_iter().collect(),
            altinn_version: None,
            version_unknown: Some(UnknownVersion {
                reason: "the project file cannot be read".to_string(),
                remedy: "fix the project file",
            }),
            altinn_reference: None,
            legacy_reference: None,
            global_usings: Vec::new(),
            slots: ReferenceSlots::default(),
            central: None,
        });
    };
    let build_props = props.nearest(&dir, "Directory.Build.props", problems);
    let package_props = props.nearest(&dir, "Directory.Packages.props", problems);

    // Items from Directory.Build.props apply to the project too.
    let mut references: Vec<(Arc<SourceFile>, msbuild::PackageReference)> = parsed
        .package_references
        .iter()
        .map(|r| (file.clone(), r.clone()))
        .collect();
    let mut project_references: Vec<msbuild::ProjectReference> = parsed.project_references.clone();
    let mut global_usings = parsed.global_usings.clone();
    if let Some((props_file, props)) = &build_props {
        references.extend(
            props
                .package_references
                .iter()
                .map(|r| (props_file.clone(), r.clone())),
        );
        project_references.extend(props.project_references.iter().cloned());
        global_usings.extend(props.global_usings.iter().cloned());
    }
    let empty = HashMap::new();
    let build_properties = build_props.as_ref().map_or(&empty, |(_, p)| &p.properties);
    let central_versions = package_props.as_ref().map(|(_, p)| &p.package_versions);
    let central_properties = package_props
        .as_ref()
        .map_or(&empty, |(_, p)| &p.properties);

    let resolve = |reference: &msbuild::PackageReference| -> Option<String> {
        let written = reference.version.clone().or_else(|| {
            central_versions.and_then(|v| v.get(&reference.name.to_ascii_lowercase()).cloned())
        })?;
        Some(msbuild::expand_properties(
            &written,
            &[&parsed.properties, build_properties, central_properties],
        ))
    };
    let site = |(source, reference): &(Arc<SourceFile>, msbuild::PackageReference)| ReferenceSite {
        file: source.clone(),
        span: reference.span,
        version: resolve(reference),
        conditional: reference.conditional,
    };

    let mut evidence = Vec::new();
    for (source, reference) in &references {
        if let Some(library) = classify::package_library(&reference.name) {
            evidence.push(Evidence::PackageReference {
                library,
                package: reference.name.clone(),
                from: (source.path != file.path).then(|| source.display.clone()),
            });
        }
    }
    let source_references: Vec<(Library, &msbuild::ProjectReference)> = project_references
        .iter()
        .filter_map(|r| classify::referenced_library(r.file_name()).map(|l| (l, r)))
        .collect();
    for (library, reference) in &source_references {
        evidence.push(Evidence::ProjectReference {
            library: *library,
            include: reference.include.replace('\\', "/"),
        });
    }
    let declared = declared_app(&parsed, build_props.as_ref());
    evidence.extend(declared);
    if layout {
        evidence.push(Evidence::AppLayout);
    }

    let app_reference = catalogue::APP_PACKAGES.iter().find_map(|package| {
        references
            .iter()
            .find(|(_, r)| r.name.eq_ignore_ascii_case(package))
    });
    let legacy_reference = references
        .iter()
        .find(|(_, r)| r.name.eq_ignore_ascii_case(catalogue::LEGACY_PACKAGE))
        .map(site);
    let (altinn_reference, version_unknown) = match app_reference {
        Some(reference) => {
            let site = site(reference);
            let unknown = package_version_unknown(&reference.1.name, site.version.as_deref());
            (Some(site), unknown)
        }
        None => source_version(&file, &dir, &source_references, props, problems),
    };
    let altinn_version = altinn_reference
        .as_ref()
        .and_then(|s| s.version.as_deref())
        .and_then(PackageVersion::parse);
    Some(Project {
        csproj: file,
        dir,
        kind: classify::kind(&evidence),
        evidence,
        altinn_version,
        version_unknown,
        altinn_reference,
        legacy_reference,
        global_usings,
        slots: ReferenceSlots {
            last_reference: parsed.package_references.last().map(|r| r.span),
            project_end: parsed.project_end,
        },
        central: package_props
            .as_ref()
            .and_then(|(file, props)| central(file, props)),
    })
}

/// `config/applicationmetadata.json` beside the project file, as in every app.
fn has_app_layout(dir: &Path) -> bool {
    dir.join("config")
        .join("applicationmetadata.json")
        .is_file()
}

/// `<IsAltinnApp>` in the project file, else in the nearest Directory.Build.props.
fn declared_app(
    project: &MsBuildFile,
    build_props: Option<&(Arc<SourceFile>, MsBuildFile)>,
) -> Option<Evidence> {
    let value = |file: &MsBuildFile| {
        file.properties
            .get("IsAltinnApp")
            .map(|v| v.trim().eq_ignore_ascii_case("true"))
    };
    if let Some(value) = value(project) {
        return Some(Evidence::IsAltinnApp { value, from: None });
    }
    let (props_file, props) = build_props?;
    value(props).map(|value| Evidence::IsAltinnApp {
        value,
        from: Some(props_file.display.clone()),
    })
}

/// Why a package reference's version cannot be read, if it cannot.
fn package_version_unknown(package: &str, version: Option<&str>) -> Option<UnknownVersion> {
    let remedy =
        "give the reference a version to get the rules of the Altinn.App version the app uses";
    match version {
        Some(v) if PackageVersion::parse(v).is_some() => None,
        Some(v) => Some(UnknownVersion {
            reason: format!(
                "the {package} PackageReference has the version `{v}`, which this tool cannot read"
            ),
            remedy,
        }),
        None => Some(UnknownVersion {
            reason: format!(
                "the {package} PackageReference carries no version, and no Directory.Packages.props gives one"
            ),
            remedy,
        }),
    }
}

/// The version of an app that builds Altinn.App from source: the first referenced Altinn.App
/// project (Api before Core) that declares one, with its `<ProjectReference>` as the site.
fn source_version(
    file: &Arc<SourceFile>,
    dir: &Path,
    references: &[(Library, &msbuild::ProjectReference)],
    props: &mut PropsCache,
    problems: &mut Vec<InputProblem>,
) -> (Option<ReferenceSite>, Option<UnknownVersion>) {
    let mut ordered: Vec<&(Library, &msbuild::ProjectReference)> = references.iter().collect();
    ordered.sort_by_key(|(library, _)| *library != Library::Api);
    let Some((_, first)) = ordered.first() else {
        return (
            None,
            Some(UnknownVersion {
                reason: "the project has no Altinn.App.Api or Altinn.App.Core reference of its own; one through another project is not followed".to_string(),
                remedy: "reference Altinn.App.Api with a version in the project to get the rules of the Altinn.App version the app uses",
            }),
        );
    };
    let site = |reference: &msbuild::ProjectReference, version| ReferenceSite {
        file: file.clone(),
        span: reference.span,
        version,
        conditional: reference.conditional,
    };
    // The first reference's reason is the one to give: it names the project that counts.
    let mut first_reason = None;
    for (_, reference) in &ordered {
        match referenced::version_of(dir, &reference.include, props, problems) {
            Ok(version) => return (Some(site(reference, Some(version))), None),
            Err(reason) => {
                first_reason.get_or_insert(reason);
            }
        }
    }
    (
        Some(site(first, None)),
        Some(UnknownVersion {
            reason: first_reason.unwrap_or_default(),
            remedy: "set <Version> in the referenced project or its Directory.Build.props to get the rules of that version",
        }),
    )
}

/// Central package management, when the props file turns it on.
fn central(file: &Arc<SourceFile>, props: &MsBuildFile) -> Option<CentralPackages> {
    let enabled = props
        .properties
        .get("ManagePackageVersionsCentrally")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    enabled.then(|| CentralPackages {
        file: file.clone(),
        last_version: props.package_version_items.last().map(|v| v.span),
        project_end: props.project_end,
        has_legacy_version: props
            .package_version_items
            .iter()
            .any(|v| v.name.eq_ignore_ascii_case(catalogue::LEGACY_PACKAGE)),
    })
}
