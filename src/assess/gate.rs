//! What gates every fix in a project: the Altinn.App version (the version model, and the
//! minimum the rewrites need), `--credentials keep` where it cannot apply, and a custom token
//! cache the built-in client has no place for.

use crate::core::{Code, Site, Span};
use crate::discover::{PackageVersion, Project};
use crate::facts::resolve::ProjectFacts;

use super::readiness::Blocker;

/// The first Altinn.App version with `UseMaskinportenAuthorization` and
/// `UseMaskinportenAltinnAuthorization` under their stable names.
pub const MINIMUM_VERSION: (u64, u64, u64) = (8, 7, 0);

/// Why `--credentials keep` is refused on the Altinn.App 9 previews before one identity per app.
pub const KEEP_REFUSED_ON_V9: &str = "--credentials keep is refused on Altinn.App 9.0.0-preview.1 to preview.5: there the default Maskinporten client is shared infrastructure (it mints the workflow engine's service-owner tokens), so it must not be pointed at the app's own credentials; migrate with --credentials studio, or leave this integration on the legacy package with a section of its own (from 9.0.0-preview.6, --credentials keep moves it there)";

/// Which Altinn.App behaviour a project gets (see `shared/reference/altinn-app-v9.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionModel {
    /// Altinn.App 8 (the seed guide), and projects whose version is not known.
    V8,
    /// 9.0.0-preview.1 to preview.5: the v9 previews before "one identity per app".
    V9Early,
    /// 9.0.0-preview.6 and later: the built-in client reads only its private configuration.
    V9,
}

impl VersionModel {
    /// The model of a project, decided here and nowhere else. An unknown version is taken for
    /// Altinn.App 8; the project's `version_unknown` says why it is unknown, and the reports say
    /// that this was assumed.
    pub fn of(project: Option<&Project>) -> VersionModel {
        let Some(version) = project.and_then(|p| p.altinn_version.as_ref()) else {
            return VersionModel::V8;
        };
        if version.major < 9 {
            return VersionModel::V8;
        }
        let preview = (version.major, version.minor, version.patch) == (9, 0, 0)
            && preview_number(&version.pre).is_some_and(|n| n < 6);
        if preview {
            VersionModel::V9Early
        } else {
            VersionModel::V9
        }
    }

    /// Whether the app is on Altinn.App 9 (any preview or later).
    pub fn is_v9(self) -> bool {
        self != VersionModel::V8
    }

    /// The name reports use: `v8`, `v9-early`, `v9`.
    pub fn name(self) -> &'static str {
        match self {
            VersionModel::V8 => "v8",
            VersionModel::V9Early => "v9-early",
            VersionModel::V9 => "v9",
        }
    }
}

/// Whether the project's Altinn.App no longer brings the legacy package (9.0.0-preview.4 and
/// later), so code that uses it needs an explicit reference.
pub fn legacy_package_needs_own_reference(project: &Project) -> bool {
    project.altinn_version.as_ref().is_some_and(|v| {
        let after_9_0_0 = (v.major, v.minor, v.patch) > (9, 0, 0);
        let late_9_0_0 = (v.major, v.minor, v.patch) == (9, 0, 0)
            && (v.pre.is_empty() || preview_number(&v.pre).is_some_and(|n| n >= 4));
        after_9_0_0 || late_9_0_0
    })
}

/// Whether the legacy package the app runs binds `IConfiguration` at registration (9.0 and
/// later), so the `IConfiguration` overloads read the section when the line runs.
pub fn legacy_binds_eagerly(project: Option<&Project>) -> bool {
    let Some(project) = project else {
        return false;
    };
    let explicit = project
        .legacy_reference
        .as_ref()
        .and_then(|r| r.version.as_deref())
        .and_then(PackageVersion::parse);
    match explicit {
        Some(v) => v.is_at_least((9, 0, 0)),
        // Transitive: Altinn.App 8.12.0-8.12.6 brought 10.0.1, every other 8.x brings 8.0.1; on
        // Altinn.App 9 the package must be referenced, and only 10.x targets its framework.
        None => project.altinn_version.as_ref().is_some_and(|v| {
            v.major >= 9
                || (v.is_at_least((8, 12, 0)) && !v.is_at_least((8, 12, 7)) && v.major == 8)
        }),
    }
}

/// `7` for `preview.7`.
fn preview_number(pre: &str) -> Option<u64> {
    pre.strip_prefix("preview.")?.parse().ok()
}

/// Blockers that apply to every registration of the project.
pub fn blockers(project: &Project, facts: &ProjectFacts, keep: bool) -> Vec<Blocker> {
    let mut blockers = Vec::new();
    let site = version_site(project);
    match &project.altinn_version {
        Some(v) if !v.is_at_least(MINIMUM_VERSION) => blockers.push(Blocker {
            rule: Code::MP203,
            reason: format!(
                "the app is on Altinn.App {v}; UseMaskinportenAuthorization needs 8.7.0 or later"
            ),
            site: site.clone(),
        }),
        None => blockers.push(Blocker {
            rule: Code::MP203,
            reason: match &project.version_unknown {
                Some(unknown) => format!(
                    "the Altinn.App version of the app could not be determined: {}",
                    unknown.reason
                ),
                None => "the Altinn.App version of the app could not be determined".to_string(),
            },
            site: site.clone(),
        }),
        Some(_) => {}
    }
    // From 9.0.0-preview.6 `--credentials keep` means the legacy package (MP201).
    if keep && VersionModel::of(Some(project)) == VersionModel::V9Early {
        blockers.push(Blocker {
            rule: Code::MP202,
            reason: KEEP_REFUSED_ON_V9.to_string(),
            site,
        });
    }
    for cache in &facts.cache_providers {
        blockers.push(Blocker {
            rule: Code::MP902,
            reason: format!(
                "{}; the built-in client caches tokens itself",
                cache.description
            ),
            site: cache.site.clone(),
        });
    }
    blockers
}

/// Where the Altinn.App version is written (the package reference, else the project file).
fn version_site(project: &Project) -> Site {
    match &project.altinn_reference {
        Some(r) => Site::new(&r.file, r.span),
        None => Site::new(&project.csproj, Span::new(0, 0)),
    }
}
