//! MP301 legacy-shaped-section: A section the built-in client binds holds keys of the legacy settings.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP301`.

use super::sections;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::core::catalogue::{
    CREDENTIAL_KEYS, DEFAULT_SECTION, LEGACY_KEYS, authority_of, is_one_of,
};
use crate::edit::{Edit, Fix, Safety, json as json_edit};
use crate::facts::appsettings::{AppSettingsFile, ConfigEntry};

pub static RULE: Rule = Rule {
    code: Code::MP301,
    name: "legacy-shaped-section",
    severity: Severity::Warning,
    summary: "A section the built-in client binds holds keys of the legacy settings",
    check,
    doc: r#"## What it does
Reports a `MaskinportenSettings` section (or the section `ConfigureMaskinportenClient("path")`
binds) in an appsettings file when it holds keys of the legacy `Altinn.ApiClients.Maskinporten`
settings: `Environment`, `EncodedJwk`, `EncodedX509`, `Scope`, `ExhangeToAltinnToken`,
`EnableDebugLogging`, certificate and enterprise-user keys. Keys compare without case, as
configuration does. In `appsettings.Development.json` (local only) it is an info.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning (info in local-only files) | the same | not reported: the built-in client binds no section of the app's configuration (MP309 reports the section as unread) |

## Why it matters
Altinn Studio provisions the built-in client's credentials into the same `MaskinportenSettings`
section at deploy time, and configuration merges key by key: the legacy keys stay beside the
provisioned ones, the built-in client ignores them (it has `Authority`, `ClientId`, `Jwk`,
`JwkBase64`), and a legacy registration bound to the section reads a mix.

## Example
```json
"MaskinportenSettings": { "Environment": "test", "ClientId": "", "Scope": "a:b", "EncodedJwk": "" }
```

## Fix
`--credentials studio`: the legacy keys are removed (the provisioned file supplies the rest).
`--credentials keep`: `Environment` becomes an `Authority` URL and `EncodedJwk` becomes
`JwkBase64`.

## Fix safety
Removing legacy keys the built-in client ignores is **safe**. When the fix also removes the
app's own client id or key from `MaskinportenSettings` (MP302) and one of them has a value, it is
**unsafe**: the provisioned credentials then sign instead of the app's own. That is what the
migration wants, but it changes behaviour, so it is applied only with `fix --unsafe-fixes`, after
the scopes are selected in Studio. With `--credentials keep` the renames (`EncodedJwk` to
`JwkBase64`, `Environment` to an `Authority` URL) are safe.

**Withheld** when a legacy reader of the section stays (a registration that is not migrated, the
legacy service, options or shims), when a key holds a secret value (the patch would show it:
rotate and remove it by hand), and in local-only files.
"#,
    adjustments: &[Adjustment {
        when: Circumstance::LocalOnlyFile,
        shift: Shift::Lower,
    }],
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for path in &context.assessment.sections.built_in {
        let path = path.as_str();
        for file in &context.facts.appsettings {
            let Some(section) = sections::section_site(file, path) else {
                continue;
            };
            let legacy: Vec<_> = file
                .children(path)
                .filter(|e| is_one_of(sections::key_name(&e.path), &LEGACY_KEYS))
                .collect();
            let Some(first) = legacy.first() else {
                continue;
            };
            let names: Vec<&str> = legacy.iter().map(|e| sections::key_name(&e.path)).collect();
            let mut finding = Finding::new(
                &RULE,
                section,
                format!(
                    "Section \"{path}\" in {} has keys of the legacy Maskinporten settings ({}); the built-in client binds this section and ignores them, and at deploy time the credentials Altinn Studio provisions merge into it key by key.",
                    sections::file_note(file),
                    names.join(", ")
                ),
            )
            .when_if(!file.is_deployed(), Circumstance::LocalOnlyFile)
            .related(sections::key_site(file, first), "the first legacy key");
            for read in context
                .assessment
                .sections
                .reads
                .iter()
                .filter(|r| r.path.eq_ignore_ascii_case(path))
            {
                finding = finding.related(read.site.clone(), "code that reads this section");
            }
            if context.keep() {
                match keep_fix(context, file, path, &legacy) {
                    Ok(fix) => finding.fix = Some(fix),
                    Err(why) => finding.fix_withheld = Some(format!("The keys stay: {why}.")),
                }
                out.push(finding);
                continue;
            }
            match context.assessment.sections.removal_blocked(file, path) {
                Some(why) => finding.fix_withheld = Some(format!("The keys stay: {why}.")),
                None => {
                    // The provisioned credentials replace the app's own too (MP302), in one edit.
                    let mut removed = legacy.clone();
                    let collides = path.eq_ignore_ascii_case(DEFAULT_SECTION);
                    if collides {
                        removed.extend(
                            file.children(path).filter(|e| {
                                is_one_of(sections::key_name(&e.path), &CREDENTIAL_KEYS)
                            }),
                        );
                    }
                    let credentials = removed.len() > legacy.len();
                    // Removing a client id or key that has a value changes which client signs.
                    let changes_identity = removed[legacy.len()..].iter().any(|e| {
                        e.value
                            .as_config_string()
                            .is_none_or(|v| !v.trim().is_empty())
                    });
                    if sections::removes_secret(file, &removed) {
                        finding.fix_withheld = Some(sections::secret_withheld());
                        out.push(finding);
                        continue;
                    }
                    finding.fix = Some(Fix {
                        safety: if changes_identity {
                            Safety::Unsafe
                        } else {
                            Safety::Safe
                        },
                        description: format!(
                            "remove the legacy keys{} from \"{path}\" in {}",
                            if credentials {
                                " and the app's own credentials"
                            } else {
                                ""
                            },
                            sections::file_note(file)
                        ),
                        edits: json_edit::remove_keys(file, path, &removed),
                    });
                }
            }
            out.push(finding);
        }
    }
}

/// `--credentials keep`: the section becomes the built-in client's. `EncodedJwk` is renamed
/// `JwkBase64`, `Environment` becomes the `Authority` URL, and `Scope`, `ExhangeToAltinnToken`
/// and `EnableDebugLogging` go (the code carries them now, or there is no such setting).
fn keep_fix(
    context: &Context,
    file: &AppSettingsFile,
    path: &str,
    legacy: &[&ConfigEntry],
) -> Result<Fix, String> {
    if let Some(why) = context.assessment.sections.removal_blocked(file, path) {
        return Err(why);
    }
    let has = |key: &str| {
        file.children(path)
            .any(|e| sections::key_name(&e.path).eq_ignore_ascii_case(key))
    };
    let mut edits = Vec::new();
    let mut removed: Vec<&ConfigEntry> = Vec::new();
    for entry in legacy {
        let name = sections::key_name(&entry.path);
        match name.to_ascii_lowercase().as_str() {
            "encodedjwk" if has("JwkBase64") => {
                return Err("the section has both EncodedJwk and JwkBase64".into());
            }
            "encodedjwk" => edits.push(json_edit::rename_key(file, entry, "JwkBase64")),
            "environment" if has("Authority") => {
                return Err("the section has both Environment and Authority".into());
            }
            "environment" => {
                let value = entry.value.as_config_string().unwrap_or_default();
                let url = authority_of(&value).ok_or_else(|| {
                    format!(
                        "Environment \"{value}\" has no Maskinporten URL ({})",
                        Code::MP308
                    )
                })?;
                edits.push(json_edit::rename_key(file, entry, "Authority"));
                edits.push(Edit {
                    site: sections::value_site(file, entry),
                    replacement: format!("\"{url}\""),
                });
            }
            "scope" | "exhangetoaltinntoken" | "enabledebuglogging" => removed.push(entry),
            _ => {
                return Err(format!(
                    "{name} has no counterpart in the built-in client's settings"
                ));
            }
        }
    }
    edits.extend(json_edit::remove_keys(file, path, &removed));
    Ok(Fix {
        safety: Safety::Safe,
        description: format!(
            "give \"{path}\" in {} the built-in client's keys (EncodedJwk is JwkBase64, Environment an Authority URL)",
            sections::file_note(file)
        ),
        edits,
    })
}
