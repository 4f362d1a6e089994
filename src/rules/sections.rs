//! What the configuration rules (MP301-MP308) share: which sections the code reads and through
//! which client, the key sets of the legacy and the built-in settings, and where a section or key
//! sits in each appsettings file.

use crate::core::Site;
use crate::core::catalogue::{DEFAULT_SECTION, SECRET_VALUE_KEYS, is_one_of};
use crate::facts::appsettings::{AppSettingsFile, ConfigEntry};
use crate::facts::model::ClientOverrideArgument;
use crate::rules::{Context, Severity};

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
    pub site: Site,
}

/// Every section path the project's code reads, in source order.
pub fn section_reads(context: &Context) -> Vec<SectionRead> {
    let facts = context.facts;
    let legacy = facts.registrations.iter().filter_map(|r| {
        let (settings, site) = r.settings.as_ref()?;
        Some(SectionRead {
            path: settings.section_path()?.to_string(),
            reader: Reader::Legacy,
            site: site.clone(),
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
            }),
            _ => None,
        });
    legacy.chain(built_in).collect()
}

/// The sections the built-in client binds: the paths given to `ConfigureMaskinportenClient`, or
/// the default section when no call moves it elsewhere.
pub fn built_in_sections(context: &Context) -> Vec<String> {
    let mut custom: Vec<String> = section_reads(context)
        .into_iter()
        .filter(|r| r.reader == Reader::BuiltIn)
        .map(|r| r.path)
        .collect();
    if context.keep() {
        // With --credentials keep the migrated registrations' sections become the built-in
        // client's (ConfigureMaskinportenClient points it there).
        for r in &context.facts.registrations {
            let path = r.settings.as_ref().and_then(|(s, _)| s.section_path());
            if let Some(path) = path
                && registration_migrates(context, r)
                && !custom.iter().any(|c| c.eq_ignore_ascii_case(path))
            {
                custom.push(path.to_string());
            }
        }
    }
    if custom.is_empty() {
        vec![DEFAULT_SECTION.to_string()]
    } else {
        custom
    }
}

/// The key of the section itself in a file, when the file defines it.
pub fn section_site(file: &AppSettingsFile, path: &str) -> Option<Site> {
    file.get(path).map(|e| key_site(file, e))
}

pub fn key_site(file: &AppSettingsFile, entry: &ConfigEntry) -> Site {
    Site {
        file: file.file.clone(),
        span: entry.key_span,
    }
}

pub fn value_site(file: &AppSettingsFile, entry: &ConfigEntry) -> Site {
    Site {
        file: file.file.clone(),
        span: entry.value_span,
    }
}

/// The last segment of a configuration key.
pub fn key_name(path: &str) -> &str {
    path.rsplit(':').next().unwrap_or(path)
}

/// The severity for a finding in this file: as given for a deployed file, one step lower (and at
/// least info) for a file only local runs load.
pub fn for_file(file: &AppSettingsFile, deployed: Severity) -> Severity {
    if file.is_deployed() {
        deployed
    } else {
        match deployed {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// "appsettings.json" or "appsettings.Development.json (loaded only when run locally)".
pub fn file_note(file: &AppSettingsFile) -> String {
    let name = file
        .file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("appsettings");
    if file.is_deployed() {
        name.to_string()
    } else {
        format!("{name} (loaded only when the app runs locally)")
    }
}

/// Why the keys of `path` may not be removed yet, if they may not: a legacy reader of the
/// section that stays (a registration the fix cannot migrate, the legacy service, options or
/// shims), or a file that only local runs load.
pub fn removal_blocked(context: &Context, file: &AppSettingsFile, path: &str) -> Option<String> {
    if !file.is_deployed() {
        return Some("the file is only loaded when the app runs locally, where no credentials are provisioned; it is left as it is".into());
    }
    let facts = context.facts;
    let stays = facts.registrations.iter().any(|r| {
        let reads = r
            .settings
            .as_ref()
            .and_then(|(s, _)| s.section_path())
            .is_some_and(|p| p.eq_ignore_ascii_case(path));
        reads && !registration_migrates(context, r)
    });
    if stays {
        return Some(format!(
            "a legacy registration that is not migrated automatically still reads \"{path}\""
        ));
    }
    if !(facts.token_services.is_empty()
        && facts.shims.is_empty()
        && facts.options_readers.is_empty())
    {
        return Some(
            "legacy code that is migrated by hand (MP105, MP106, MP107) may still read these keys"
                .into(),
        );
    }
    None
}

/// Whether the fix migrates this registration; a client definition goes when every handler
/// that uses it is migrated (MP104).
pub fn registration_migrates(context: &Context, r: &crate::facts::model::Registration) -> bool {
    use crate::facts::model::RegistrationKind;
    if let RegistrationKind::ClientDefinition { key } = &r.kind {
        let handlers = context.facts.handlers_of(key);
        return !handlers.is_empty() && handlers.iter().all(|h| registration_migrates(context, h));
    }
    let verdict = crate::fixes::readiness::assess(r, context.facts, &context.gate);
    verdict
        .target
        .as_ref()
        .is_some_and(|t| crate::fixes::rewrite::registration_fix(r, t).is_ok())
}

/// Whether removing these entries would put a secret value in the patch.
pub fn removes_secret(file: &AppSettingsFile, entries: &[&ConfigEntry]) -> bool {
    entries.iter().any(|e| {
        let holds = |entry: &ConfigEntry| {
            is_one_of(key_name(&entry.path), &SECRET_VALUE_KEYS)
                && match &entry.value {
                    crate::facts::appsettings::ConfigValue::Str(v) => !v.trim().is_empty(),
                    crate::facts::appsettings::ConfigValue::Nested => true,
                    _ => false,
                }
        };
        holds(e)
            || file
                .entries
                .iter()
                .filter(|d| {
                    d.path.len() > e.path.len()
                        && d.path.is_char_boundary(e.path.len())
                        && d.path[..e.path.len()].eq_ignore_ascii_case(&e.path)
                        && d.path.as_bytes()[e.path.len()] == b':'
                })
                .any(holds)
    })
}

pub const SECRET_WITHHELD: &str = "The keys stay: one holds a secret value, which a patch would show; rotate it and remove it by hand (MP307).";
