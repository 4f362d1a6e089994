//! What the configuration rules (MP301-MP309, MP402, MP403) share: where a section or key sits in
//! each appsettings file, how a file is named in messages, whether a removal would show a secret,
//! and whether the deployed files give a section its signing key, and which findings report the
//! code that reads a section (`readers_that_go`).
//! Which sections the code reads, and whether they may go, is the assessment's
//! (`assess::sections`).

use crate::core::Site;
use crate::core::catalogue::{KEY_MATERIAL, SECRET_VALUE_KEYS, is_one_of};
use crate::facts::appsettings::{AppSettingsFile, ConfigEntry, ConfigValue};
use crate::rules::{Circumstance, Context, Finding, Rule};

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

/// A finding at a key's value; in a file only local runs load, the rule's adjustment for that
/// applies.
pub fn finding_at_value(
    rule: &'static Rule,
    file: &AppSettingsFile,
    entry: &ConfigEntry,
    message: String,
) -> Finding {
    Finding::new(rule, value_site(file, entry), message)
        .when_if(!file.is_deployed(), Circumstance::LocalOnlyFile)
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

/// Why a fix that would remove a secret value is withheld.
pub fn secret_withheld() -> String {
    format!(
        "The keys stay: one holds a secret value, which a patch would show; rotate it and remove it by hand ({}).",
        crate::core::Code::MP307
    )
}

/// Whether a deployed appsettings file gives section `path` a signing key (a non-empty string,
/// or an object such as a JWK): when none does, the key comes from a source added later.
pub fn signing_key_deployed(context: &Context, path: &str) -> bool {
    context.facts.deployed_appsettings().any(|f| {
        KEY_MATERIAL.iter().any(|key| {
            f.get(&format!("{path}:{key}"))
                .is_some_and(|e| match &e.value {
                    ConfigValue::Nested => true,
                    other => other
                        .as_config_string()
                        .is_some_and(|v| !v.trim().is_empty()),
                })
        })
    })
}

/// The rule that reports a legacy registration.
pub fn reader_code(r: &crate::facts::model::Registration) -> crate::core::Code {
    use crate::core::Code;
    use crate::facts::model::RegistrationKind;
    match r.kind {
        RegistrationKind::TypedClient { .. } => Code::MP101,
        RegistrationKind::NamedClient { .. } => Code::MP102,
        RegistrationKind::MessageHandler { .. } => Code::MP103,
        RegistrationKind::ClientDefinition { .. } => Code::MP104,
    }
}

/// When the fixes replace every place that reads `path` (legacy registrations the fix migrates,
/// a `ConfigureMaskinportenClient` path MP201 removes), the rules of the findings whose fixes
/// do it; None when one of them stays.
pub fn readers_that_go(context: &Context, path: &str) -> Option<Vec<crate::core::Code>> {
    use crate::assess::sections::Reader;
    use crate::core::Code;
    use crate::core::catalogue::DEFAULT_SECTION;
    let mut codes = Vec::new();
    for read in context
        .assessment
        .sections
        .reads
        .iter()
        .filter(|r| r.path.eq_ignore_ascii_case(path))
    {
        let code = match (read.reader, read.registration) {
            (Reader::Legacy, Some(id)) => {
                let registration = &context.facts.registrations[id];
                context
                    .assessment
                    .migrates(registration)
                    .then(|| reader_code(registration))?
            }
            (Reader::BuiltIn, _)
                if !context.keep() && !path.eq_ignore_ascii_case(DEFAULT_SECTION) =>
            {
                Code::MP201
            }
            _ => return None,
        };
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    (!codes.is_empty()).then_some(codes)
}
