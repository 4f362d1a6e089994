//! What the configuration rules (MP301-MP308) share: which sections the code reads and through
//! which client, the key sets of the legacy and the built-in settings, and where a section or key
//! sits in each appsettings file.

use crate::facts::appsettings::{AppSettingsFile, ConfigEntry};
use crate::facts::model::{ClientOverrideArgument, Site};
use crate::rules::{Context, Severity};

/// The section Altinn Studio provisions and the built-in client binds by default.
pub const DEFAULT_SECTION: &str = "MaskinportenSettings";

/// Keys only the legacy `MaskinportenSettings` has.
pub const LEGACY_KEYS: [&str; 18] = [
    "Environment",
    "EncodedJwk",
    "EncodedX509",
    "CertificatePkcs12Path",
    "CertificatePkcs12Password",
    "CertificateStoreThumbprint",
    "ExhangeToAltinnToken",
    "Scope",
    "ConsumerOrgNo",
    "EnterpriseUserName",
    "EnterpriseUserPassword",
    "EnableDebugLogging",
    "ClientKey",
    "UseAltinnTestOrg",
    "Resource",
    "TokenExchangeEnvironment",
    "OverwriteAuthorizationHeader",
    "Kid",
];

/// The credential keys of the built-in settings, which the provisioned file also sets.
pub const CREDENTIAL_KEYS: [&str; 3] = ["ClientId", "Jwk", "JwkBase64"];

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
    let custom: Vec<String> = section_reads(context)
        .into_iter()
        .filter(|r| r.reader == Reader::BuiltIn)
        .map(|r| r.path)
        .collect();
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

pub fn is_one_of(key: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(key))
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
