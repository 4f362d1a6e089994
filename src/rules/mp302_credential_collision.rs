//! MP302 credential-collision: ClientId/Jwk/JwkBase64 under MaskinportenSettings in appsettings merge with the provisioned credentials.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP302`.

use super::sections;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::assess::runtime::added_after_web_host;
use crate::core::catalogue::{CREDENTIAL_KEYS, DEFAULT_SECTION, LEGACY_KEYS, WEB_HOST, is_one_of};
use crate::edit::{Fix, Safety, json as json_edit};

pub static RULE: Rule = Rule {
    code: Code::MP302,
    name: "credential-collision",
    severity: Severity::Error,
    summary: "ClientId/Jwk/JwkBase64 under MaskinportenSettings in appsettings merge with the provisioned credentials",
    check,
    doc: r#"## What it does
Reports `ClientId`, `Jwk` or `JwkBase64` (any casing) under the `MaskinportenSettings` section of
a deployed appsettings file, when the built-in client binds that section (no
`ConfigureMaskinportenClient` moves it). An error when a value is set; a section with only empty
placeholders is an info, and so is anything in `appsettings.Development.json`. A file the app adds
itself after `ConfigureAppWebHost` (`builder.Configuration.AddJsonFile("appsettings.X.json")`)
comes after the provisioned credentials: its values win, and an empty placeholder there is an
error too (it empties the provisioned value).

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| error with a value, info for empty placeholders | the same; the preview.4 changelog forbids own credentials there | not reported: nothing merges with the provisioned credentials any more (MP309) |

## Why it matters
Altinn Studio writes the provisioned `maskinporten-settings.json` after the appsettings files, and
configuration merges key by key: the provisioned `ClientId` replaces the app's, but an app
`JwkBase64` wins over the provisioned `Jwk` (the built-in client prefers `JwkBase64`). The result
is a client id and a key that do not belong together, and every token request fails. A file added
after the provisioned one wins instead: the app keeps its own client id (with the provisioned
key, or its own), and an empty value there leaves the client without one. Altinn.App 9 says: do
not supply your own clientId, jwk or jwkBase64 in MaskinportenSettings.

## Example
```json
"MaskinportenSettings": { "Authority": "https://test.maskinporten.no/", "ClientId": "1f3c…", "JwkBase64": "eyJ…" }
```

## Fix
`--credentials studio`: the keys are removed from appsettings (the values usually move to Key
Vault under another name, or are dropped for the provisioned ones).

## Fix safety
**Unsafe** when a key has a value: the provisioned credentials replace the app's own
(`fix --unsafe-fixes`). **Safe** for empty placeholders. **Withheld** in the cases of MP301, and
left to MP301's fix when the section also has legacy keys (one edit removes both).
"#,
    adjustments: &[
        Adjustment {
            when: Circumstance::EmptyPlaceholder,
            shift: Shift::To(Severity::Info),
        },
        Adjustment {
            when: Circumstance::LocalOnlyFile,
            shift: Shift::To(Severity::Info),
        },
    ],
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let bound = &context.assessment.sections.built_in;
    if !bound
        .iter()
        .any(|p| p.eq_ignore_ascii_case(DEFAULT_SECTION))
    {
        return;
    }
    let late = context
        .project
        .map(|p| added_after_web_host(p, context.facts))
        .unwrap_or_default();
    for file in &context.facts.appsettings {
        let keys: Vec<_> = file
            .children(DEFAULT_SECTION)
            .filter(|e| is_one_of(sections::key_name(&e.path), &CREDENTIAL_KEYS))
            .collect();
        let Some(first) = keys.first() else {
            continue;
        };
        let set = keys.iter().any(|e| {
            e.value
                .as_config_string()
                .is_none_or(|v| !v.trim().is_empty())
        });
        let names: Vec<&str> = keys.iter().map(|e| sections::key_name(&e.path)).collect();
        let (subject, verb) = match names.as_slice() {
            [one] => (format!("The key {one}"), "is"),
            _ => (format!("The keys {}", names.join(", ")), "are"),
        };
        // Added by the app after the web host: after the provisioned credentials.
        let added_late = late
            .iter()
            .find(|(f, _)| f.path == file.file.path)
            .map(|(_, site)| site.clone());
        let what = match (set, added_late.is_some()) {
            (true, false) => {
                "the credentials Altinn Studio provisions are loaded after it and merge key by key: the provisioned ClientId replaces the app's, while a JwkBase64 (or a legacy EncodedJwk) set here stays, so the client id and the key no longer belong together and token requests fail"
            }
            (false, false) => {
                "it is empty here, which is harmless today; a value put there later (in appsettings or in Key Vault under the same name) would merge key by key with the provisioned credentials"
            }
            (true, true) => {
                "the app adds the file after the credentials Altinn Studio provisions, so it wins over them key by key: the app keeps signing with its own client id (with the provisioned key, or its own), and a client id and key that do not belong together make token requests fail"
            }
            (false, true) => {
                "it is empty here, and the app adds the file after the credentials Altinn Studio provisions, so the empty value replaces the provisioned one and the client fails at its first token request"
            }
        };
        let mut finding = Finding::new(
            &RULE,
            sections::key_site(file, first),
            format!(
                "{subject} under \"{DEFAULT_SECTION}\" in {} {verb} also written by Studio-managed credentials; {what}.",
                sections::file_note(file)
            ),
        )
        .when_if(!set && added_late.is_none(), Circumstance::EmptyPlaceholder)
        // Locally there is no provisioned file to collide with.
        .when_if(!file.is_deployed(), Circumstance::LocalOnlyFile);
        for other in &keys[1..] {
            finding = finding.related(sections::key_site(file, other), "another credential key");
        }
        if let Some(site) = added_late {
            finding = finding.related(site, format!("added here, after {WEB_HOST}"));
        }
        let has_legacy_keys = file
            .children(DEFAULT_SECTION)
            .any(|e| is_one_of(sections::key_name(&e.path), &LEGACY_KEYS));
        if context.keep() {
            out.push(finding.withheld(
                "Kept: with --credentials keep the app supplies its own credentials (do not select scopes in Altinn Studio for it, or they collide).",
            ));
            continue;
        }
        match context
            .assessment
            .sections
            .removal_blocked(file, DEFAULT_SECTION)
        {
            Some(why) => finding.fix_withheld = Some(format!("The keys stay: {why}.")),
            None if has_legacy_keys => {
                finding.fix_withheld = Some(format!(
                    "They are removed together with the section's legacy keys ({}).",
                    Code::MP301
                ));
                finding.waits_for = vec![Code::MP301];
            }
            None if sections::removes_secret(file, &keys) => {
                finding.fix_withheld = Some(sections::secret_withheld());
            }
            None => {
                finding.fix = Some(Fix {
                    safety: if set { Safety::Unsafe } else { Safety::Safe },
                    description: format!(
                        "remove the app's own credentials from \"{DEFAULT_SECTION}\" in {}; the provisioned ones take their place",
                        sections::file_note(file)
                    ),
                    edits: json_edit::remove_keys(file, DEFAULT_SECTION, &keys),
                });
            }
        }
        out.push(finding);
    }
}
