//! Which configuration sections the code reads and through which client, which sections the
//! built-in client binds, and whether a section's keys may go: what the configuration rules
//! (MP301-MP308) and the `--credentials keep` rewrites need, computed once per project.

use std::collections::HashSet;

use super::VersionModel;
use crate::core::catalogue::DEFAULT_SECTION;
use crate::core::{Code, Regions, Site};
use crate::facts::appsettings::AppSettingsFile;
use crate::facts::model::{
    ClientOverrideArgument, CodeRead, RegistrationKind, SettingsSource, TokenServiceUse,
};
use crate::facts::resolve::ProjectFacts;

/// Who reads a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A legacy registration (its settings are bound from the section).
    Legacy,
    /// The built-in client, through `ConfigureMaskinportenClient("path")` or by default.
    BuiltIn,
}

/// A section the code reads, with the place that reads it.
#[derive(Debug, Clone)]
pub struct SectionRead {
    pub path: String,
    pub reader: Reader,
    /// The settings argument of a legacy registration, or the `ConfigureMaskinportenClient`
    /// call.
    pub site: Site,
    /// The legacy registration that reads it.
    pub registration: Option<usize>,
}

/// What the project's code does with configuration sections.
#[derive(Debug, Default)]
pub struct Sections {
    /// Every section path the code reads, in source order.
    pub reads: Vec<SectionRead>,
    /// The sections the built-in client binds: the paths given to `ConfigureMaskinportenClient`
    /// (and with `--credentials keep` the migrated registrations' sections), or the default one.
    /// None on Altinn.App 9.0.0-preview.6 and later, where it reads only its private source.
    pub built_in: Vec<String>,
    /// Paths (lower case) a legacy registration that is not migrated still reads.
    read_by_unmigrated: HashSet<String>,
    /// Whether legacy code migrated by hand (MP105-MP107) may read any section.
    pub hand_migrated_readers: bool,
    /// With `--credentials keep`: per section (lower case), the registration above which
    /// `ConfigureMaskinportenClient("path")` is written, when one has to be.
    keep_anchors: Vec<(String, usize)>,
    /// The app's own code that reads configuration and stays after the fixes (not a legacy
    /// registration's settings, not the built-in settings type).
    code_reads: Vec<CodeRead>,
}

impl Sections {
    /// `migrates[id]` says whether the fix migrates registration `id`.
    pub fn of(
        facts: &ProjectFacts,
        model: VersionModel,
        keep: bool,
        migrates: &[bool],
    ) -> Sections {
        let mut reads = section_reads(facts);
        let v9 = model == VersionModel::V9;
        if v9 {
            // `ConfigureMaskinportenClient` does not compile there: it reads nothing, unless
            // `--credentials keep` moves the identity to legacy registrations bound to its path.
            reads.retain(|r| r.reader == Reader::Legacy || keep);
        }
        let section_of = |id: usize| {
            facts.registrations[id]
                .settings
                .as_ref()
                .and_then(|(s, _)| s.section_path())
        };
        let mut built_in: Vec<String> = reads
            .iter()
            .filter(|r| r.reader == Reader::BuiltIn && !v9)
            .map(|r| r.path.clone())
            .collect();
        if keep && model != VersionModel::V9 {
            // ConfigureMaskinportenClient points the built-in client at the migrated
            // registrations' sections.
            for r in &facts.registrations {
                if let Some(path) = section_of(r.id)
                    && migrates[r.id]
                    && !built_in.iter().any(|c| c.eq_ignore_ascii_case(path))
                {
                    built_in.push(path.to_string());
                }
            }
        }
        // The provisioned section is bound by default, and with Studio-provisioned credentials it
        // is the one the built-in client reads once a custom path is removed (MP201).
        let default_bound = !v9 && (built_in.is_empty() || !keep);
        if default_bound
            && !built_in
                .iter()
                .any(|b| b.eq_ignore_ascii_case(DEFAULT_SECTION))
        {
            built_in.push(DEFAULT_SECTION.to_string());
        }
        let read_by_unmigrated = facts
            .registrations
            .iter()
            .filter(|r| !migrates[r.id])
            .filter_map(|r| section_of(r.id))
            .map(str::to_ascii_lowercase)
            .collect();
        // A hand registration of the token service reads nothing itself: its callers pass the
        // credentials, so only code that uses it counts.
        let uses_token_service = facts
            .token_services
            .iter()
            .any(|t| matches!(t, TokenServiceUse::Injected { .. }))
            || !facts.token_service_refs.is_empty();
        let hand_migrated_readers =
            uses_token_service || !facts.shims.is_empty() || !facts.options_readers.is_empty();
        let keep_anchors = if keep && model != VersionModel::V9 {
            keep_anchors(facts, &reads, migrates)
        } else {
            Vec::new()
        };
        Sections {
            reads,
            built_in,
            read_by_unmigrated,
            hand_migrated_readers,
            keep_anchors,
            code_reads: staying_code_reads(facts, migrates),
        }
    }

    /// Why the keys of `path` in `file` may not be removed yet, if they may not: a legacy reader
    /// of the section that stays (a registration the fix cannot migrate, the legacy service,
    /// options or shims), or a file that only local runs load.
    pub fn removal_blocked(&self, file: &AppSettingsFile, path: &str) -> Option<String> {
        if !file.is_deployed() {
            return Some("the file is only loaded when the app runs locally, where no credentials are provisioned; it is left as it is".into());
        }
        if self.read_by_unmigrated.contains(&path.to_ascii_lowercase()) {
            return Some(format!(
                "a legacy registration that is not migrated automatically still reads \"{path}\""
            ));
        }
        if let Some(read) = self.read_by_code(path) {
            return Some(format!(
                "code at {}:{} reads \"{}\"",
                read.site.file.display,
                read.site.file.position(read.site.span.start).line,
                read.path
            ));
        }
        if self.hand_migrated_readers {
            return Some(format!(
                "legacy code that is migrated by hand ({}, {}, {}) may still read these keys",
                Code::MP105,
                Code::MP106,
                Code::MP107
            ));
        }
        None
    }

    /// The first place the app's own code reads `path`, a section inside it, or a section
    /// around it.
    pub fn read_by_code(&self, path: &str) -> Option<&CodeRead> {
        self.code_reads.iter().find(|read| reads_path(read, path))
    }

    /// The paths the app's own code reads.
    pub fn code_read_paths(&self) -> impl Iterator<Item = &str> {
        self.code_reads.iter().map(|r| r.path.as_str())
    }

    /// With `--credentials keep`: whether registration `id` is the one above which
    /// `ConfigureMaskinportenClient("path")` goes for its section.
    pub fn is_keep_anchor(&self, id: usize) -> bool {
        self.keep_anchors.iter().any(|(_, anchor)| *anchor == id)
    }
}

/// Whether one configuration path lies inside the other (or they are the same), compared
/// without case as configuration keys are.
fn paths_overlap(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.is_char_boundary(short.len())
        && long[..short.len()].eq_ignore_ascii_case(short)
        && (long.len() == short.len() || long.as_bytes()[short.len()] == b':')
}

/// Whether `read` reads `path`: the same section, one inside it, or one around it; a section
/// around it that is bound to a type of the project reads only the children that type has a
/// member for.
fn reads_path(read: &CodeRead, path: &str) -> bool {
    if !paths_overlap(&read.path, path) {
        return false;
    }
    let Some(rest) = path
        .get(read.path.len() + 1..)
        .filter(|_| path.len() > read.path.len())
    else {
        return true;
    };
    let child = rest.split(':').next().unwrap_or(rest);
    match (&read.bound_members, &read.bound_type) {
        (Some(members), _) => members.iter().any(|m| m.eq_ignore_ascii_case(child)),
        // A bound type whose declaration was not parsed has no "Maskinporten" in its source (the
        // prefilter parses every file that has), so no member named after such a child.
        (None, Some(_)) => !child.contains("Maskinporten"),
        (None, None) => true,
    }
}

/// The code reads that stay: reads inside a legacy registration's call are its settings (they
/// go when it is migrated, and are counted as its reads until then), and so are the statements
/// that only build a migrated registration's settings; the legacy options are readers migrated
/// by hand (MP107); a read binding the built-in settings type is the built-in binding.
fn staying_code_reads(facts: &ProjectFacts, migrates: &[bool]) -> Vec<CodeRead> {
    // The legacy options are counted among the readers migrated by hand.
    let owned = Regions::of_sites(
        facts
            .registrations
            .iter()
            .map(|r| &r.site)
            .chain(facts.legacy_options.iter().map(|o| &o.site)),
    );
    let removed = Regions::new(
        facts
            .registrations
            .iter()
            .filter(|r| migrates[r.id])
            .filter_map(|r| match &r.settings {
                Some((SettingsSource::Variable { removable, .. }, _)) => {
                    Some(removable.iter().map(|s| (r.site.file.path.as_path(), *s)))
                }
                _ => None,
            })
            .flatten(),
    );
    facts
        .code_reads
        .iter()
        .filter(|read| !read.binds_builtin_settings)
        .filter(|read| !owned.hold(&read.site.file.path, read.site.span))
        .filter(|read| !removed.hold(&read.site.file.path, read.site.span))
        .cloned()
        .collect()
}

/// Every section path the code reads, in source order.
fn section_reads(facts: &ProjectFacts) -> Vec<SectionRead> {
    let legacy = facts.registrations.iter().filter_map(|r| {
        let (settings, site) = r.settings.as_ref()?;
        Some(SectionRead {
            path: settings.section_path()?.to_string(),
            reader: Reader::Legacy,
            site: site.clone(),
            registration: Some(r.id),
        })
    });
    let built_in = facts
        .client_overrides
        .iter()
        .filter_map(|o| match &o.argument {
            ClientOverrideArgument::Path(path) => Some(SectionRead {
                path: path.clone(),
                reader: Reader::BuiltIn,
                site: o.site.clone(),
                registration: None,
            }),
            _ => None,
        });
    legacy.chain(built_in).collect()
}

/// Per section, the first migrated typed or named client that reads it, when the built-in
/// client is not pointed there already (the default section, an existing
/// `ConfigureMaskinportenClient`, or a migrated client definition whose fix writes the call).
fn keep_anchors(
    facts: &ProjectFacts,
    reads: &[SectionRead],
    migrates: &[bool],
) -> Vec<(String, usize)> {
    let mut configured: HashSet<String> = reads
        .iter()
        .filter(|r| r.reader == Reader::BuiltIn)
        .map(|r| r.path.to_ascii_lowercase())
        .collect();
    configured.insert(DEFAULT_SECTION.to_ascii_lowercase());
    for d in &facts.registrations {
        if let (RegistrationKind::ClientDefinition { .. }, Some((s, _))) = (&d.kind, &d.settings)
            && let Some(path) = s.section_path()
            && migrates[d.id]
        {
            configured.insert(path.to_ascii_lowercase());
        }
    }
    let mut anchors: Vec<(String, usize)> = Vec::new();
    for r in &facts.registrations {
        let is_client = matches!(
            r.kind,
            RegistrationKind::TypedClient { .. } | RegistrationKind::NamedClient { .. }
        );
        let Some(path) = r.settings.as_ref().and_then(|(s, _)| s.section_path()) else {
            continue;
        };
        let path = path.to_ascii_lowercase();
        if is_client
            && migrates[r.id]
            && !configured.contains(&path)
            && !anchors.iter().any(|(p, _)| *p == path)
        {
            anchors.push((path, r.id));
        }
    }
    anchors
}
