//! MP309 section-not-read: A Maskinporten section in appsettings that nothing reads, on Altinn.App 9 or once the migration removes its last reader.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP309`.

use std::collections::HashSet;

use super::sections::{self, removes_secret, secret_withheld};
use super::{Code, Context, Finding, FixState, Outside, Rule, Severity};
use crate::assess::VersionModel;
use crate::assess::sections::Reader;
use crate::core::catalogue::{DEFAULT_SECTION, SECRET_VALUE_KEYS, is_one_of};
use crate::core::{Site, catalogue};
use crate::edit::{Fix, Safety, json};
use crate::facts::appsettings::{AppSettingsFile, ConfigValue};
use crate::facts::external::KeyVaultNames;
use crate::facts::model::ClientOverrideArgument;

pub static RULE: Rule = Rule {
    code: Code::MP309,
    name: "section-not-read",
    severity: Severity::Warning,
    summary: "A Maskinporten section in appsettings that nothing reads (on Altinn.App 9, or once the migration removes its last reader)",
    check,
    derive: Some(derive),
    doc: r#"## What it does
Reports Maskinporten sections in appsettings files (Local and Development included) that nothing
reads:

- On Altinn.App 9.0.0-preview.6 and later, the `MaskinportenSettings` section and any section a
  (now removed) `ConfigureMaskinportenClient("path")` named: the built-in client reads its
  credentials from a private configuration source only, never from the app's configuration,
  locally included. A section the legacy package binds (a legacy registration reads it) is left
  alone.
- On every version, a section whose last reader the pending fixes remove: the settings of legacy
  registrations that are migrated, or the path of a `ConfigureMaskinportenClient` that is
  removed, when no other code, registration or options binding reads the path. The guide's last
  step ("remove old custom configuration once it is unused") is otherwise easy to forget.

| | Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|---|
| `MaskinportenSettings` with built-in keys | read by the built-in client (MP301/MP302 check it) | same | read by nothing |
| a section only migrated code reads | reported | reported | reported |

## Why it matters
Dead configuration is read by a person as live: someone rotates a key there, or copies it into
the next app. A dead section with a client id or key also keeps a credential where nobody looks.

## Example
```json
"Maskinporten-Config-Path": { "Environment": "test", "ClientId": "", "EncodedJwk": "" }
```
after the typed client that read it became `AddHttpClient<...>().UseMaskinportenAltinnAuthorization(...)`.

## Fix
Removes the section (and a parent section it leaves empty) from the file. For a section the
migration leaves behind the removal follows from the fixes that remove its readers: it is made
only when all of them are applied, and `plan` lists the Key Vault secrets under the path for
deletion once production is verified.

## Fix safety
On Altinn.App 9.0.0-preview.6 and later the removal is **safe**: the section has no effect. For a
section the migration leaves behind it is **safe** when its credential keys are empty and
**unsafe** when it holds a client id, a certificate path or thumbprint (the old client stops
being referenced; apply with `--unsafe-fixes`). **Withheld** when a key holds a secret value (the
patch would show it: rotate it and remove it by hand, MP307).
"#,
    ..Rule::DEFAULTS
};

/// Keys whose non-empty value makes removing a left-behind section change what a person sees as
/// the app's client.
const CREDENTIAL_KEYS: [&str; 4] = [
    catalogue::CLIENT_ID_KEY,
    "CertificatePkcs12Path",
    "CertificateStoreThumbprint",
    "EnterpriseUserName",
];

/// A removal that waits for the fixes of the section's readers.
struct LeftBehind {
    fix: Fix,
    /// The readers' findings: (code, place).
    readers: Vec<(Code, Site)>,
}

fn check(context: &Context, out: &mut Vec<Finding>) {
    if context.assessment.model == VersionModel::V9 {
        dead_on_v9(context, out);
    }
    left_behind(context, out);
}

/// Sections the built-in client read before 9.0.0-preview.6 and nothing reads now.
fn dead_on_v9(context: &Context, out: &mut Vec<Finding>) {
    let reads = &context.assessment.sections.reads;
    let mut paths = vec![DEFAULT_SECTION.to_string()];
    for o in &context.facts.client_overrides {
        if let ClientOverrideArgument::Path(path) = &o.argument {
            paths.push(path.clone());
        }
    }
    let mut seen = HashSet::new();
    for path in paths {
        let bound = reads.iter().any(|r| r.path.eq_ignore_ascii_case(&path))
            || context.assessment.sections.read_by_code(&path).is_some();
        if bound || !seen.insert(path.to_ascii_lowercase()) {
            continue;
        }
        for file in &context.facts.appsettings {
            let Some(site) = sections::section_site(file, &path) else {
                continue;
            };
            let mut finding = Finding::new(
                &RULE,
                site,
                format!(
                    "Section \"{path}\" in {} is read by nothing on Altinn.App 9.0.0-preview.6 and later: the built-in client takes its credentials only from the private source Altinn Studio provisions, never from the app's configuration (locally neither).",
                    sections::file_note(file)
                ),
            );
            match removal(file, &path, Safety::Safe) {
                Ok(fix) => finding.fix = Some(fix),
                Err(why) => finding.fix_withheld = Some(why),
            }
            out.push(finding);
        }
    }
}

/// Sections whose every reader the pending fixes remove.
fn left_behind(context: &Context, out: &mut Vec<Finding>) {
    let assessment = context.assessment;
    let sections = &assessment.sections;
    if context.keep() || sections.hand_migrated_readers {
        return;
    }
    let mut paths: Vec<&str> = Vec::new();
    for r in &sections.reads {
        if !paths.iter().any(|p| p.eq_ignore_ascii_case(&r.path)) {
            paths.push(&r.path);
        }
    }
    for path in paths {
        let readers: Vec<_> = sections
            .reads
            .iter()
            .filter(|r| r.path.eq_ignore_ascii_case(path))
            .collect();
        // The built-in client keeps binding the default section on the versions before
        // one identity per app.
        let still_bound =
            assessment.model != VersionModel::V9 && path.eq_ignore_ascii_case(DEFAULT_SECTION);
        let all_go = readers.iter().all(|r| match (r.reader, r.registration) {
            (Reader::Legacy, Some(id)) => assessment.migrates(&context.facts.registrations[id]),
            (Reader::BuiltIn, _) => true,
            _ => false,
        });
        if still_bound || !all_go || sections.read_by_code(path).is_some() {
            continue;
        }
        let reader_findings: Vec<(Code, Site)> = readers
            .iter()
            .map(|r| match r.registration {
                Some(id) => {
                    let registration = &context.facts.registrations[id];
                    (
                        sections::reader_code(registration),
                        registration.site.clone(),
                    )
                }
                None => (Code::MP201, r.site.clone()),
            })
            .collect();
        for file in &context.facts.appsettings {
            let Some(site) = sections::section_site(file, path) else {
                continue;
            };
            let mut finding = Finding::new(
                &RULE,
                site,
                format!(
                    "Section \"{path}\" in {} is read only by code the migration replaces; once the fixes are applied nothing reads it.",
                    sections::file_note(file)
                ),
            );
            for (_, reader) in &reader_findings {
                finding = finding.related(reader.clone(), "the code that reads it today");
            }
            for secret in key_vault_secrets(context, path) {
                finding = finding.outside(Outside::DeleteUnreadSecret(secret));
            }
            match removal(file, path, Safety::Unsafe) {
                Ok(fix) => {
                    finding = finding
                        .withheld("Removed together with the fixes of the code that reads it.")
                        .with_data(LeftBehind {
                            fix,
                            readers: reader_findings.clone(),
                        });
                }
                Err(why) => finding.fix_withheld = Some(why),
            }
            out.push(finding);
        }
    }
}

/// The Key Vault secrets under a path.
fn key_vault_secrets(context: &Context, path: &str) -> Vec<String> {
    let Some(kv) = &context.external.key_vault else {
        return Vec::new();
    };
    kv.under(path)
        .filter(|name| !KeyVaultNames::config_key(name).eq_ignore_ascii_case(path))
        .cloned()
        .collect()
}

/// The removal of the section from the file: withheld when it would show a secret value;
/// `if_credentials` when it holds a client id or a certificate reference, safe otherwise.
fn removal(file: &AppSettingsFile, path: &str, if_credentials: Safety) -> Result<Fix, String> {
    let below: Vec<_> = file
        .entries
        .iter()
        .filter(|e| {
            e.path
                .get(..path.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(path))
                && e.path.as_bytes().get(path.len()) == Some(&b':')
        })
        .collect();
    let section = file.get(path).ok_or("the section is not in the file")?;
    if removes_secret(file, &[section]) {
        return Err(secret_withheld());
    }
    let holds = |keys: &[&str]| {
        below.iter().any(|e| {
            is_one_of(sections::key_name(&e.path), keys)
                && !matches!(&e.value, ConfigValue::Str(v) if v.trim().is_empty())
                && !matches!(e.value, ConfigValue::Null)
        })
    };
    let safety = if holds(&CREDENTIAL_KEYS) || holds(&SECRET_VALUE_KEYS) {
        if_credentials
    } else {
        Safety::Safe
    };
    Ok(Fix {
        safety,
        description: format!(
            "remove the section \"{path}\" from {}: nothing reads it",
            sections::file_note(file)
        ),
        edits: json::remove_section(file, path),
    })
}

/// Offers a left-behind section's removal once the fixes of all its readers are accepted.
fn derive(finding: &Finding, state: &FixState) -> Option<Fix> {
    let left = finding.data::<LeftBehind>()?;
    left.readers
        .iter()
        .all(|(code, site)| state.accepted_at(*code, site))
        .then(|| left.fix.clone())
}
