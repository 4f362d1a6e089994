//! What gates every fix in a project: the Altinn.App version (the version model, and the
//! minimum the rewrites need), `--credentials keep` where it cannot apply, and a custom token
//! cache the built-in client has no place for.

use crate::core::{Code, Site, Span};
use crate::discover::Project;
use crate::facts::resolve::ProjectFacts;

use super::readiness::Blocker;

/// The first Altinn.App version with `UseMaskinportenAuthorization` and
/// `UseMaskinportenAltinnAuthorization` under their stable names.
pub const MINIMUM_VERSION: (u64, u64, u64) = (8, 7, 0);

/// Why `--credentials keep` is refused on Altinn.App 9.
pub const KEEP_REFUSED_ON_V9: &str = "--credentials keep is refused on Altinn.App 9: there the default Maskinporten client is shared infrastructure (it mints the workflow engine's service-owner tokens), so it must not be pointed at the app's own credentials; migrate with --credentials studio, or leave this integration on the legacy package with a section of its own";

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
    /// The model of a project, decided here and nowhere else.
    pub fn of(project: Option<&Project>) -> VersionModel {
        let Some(version) = project.and_then(|p| p.altinn_version.as_ref()) else {
            return VersionModel::V8;
        };
        if version.major < 9 {
            return VersionModel::V8;
        }
        let preview = (version.major, version.minor, version.patch) == (9, 0, 0)
            && version
                .pre
                .strip_prefix("preview.")
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n < 6);
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
            reason: "the Altinn.App version of the app could not be determined".to_string(),
            site: site.clone(),
        }),
        Some(_) => {}
    }
    if keep
        && project
            .altinn_version
            .as_ref()
            .is_some_and(|v| v.major >= 9)
    {
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
