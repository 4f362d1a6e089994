use super::sections::{self, CREDENTIAL_KEYS, DEFAULT_SECTION, LEGACY_KEYS};
use super::{Applies, Context, Finding, Rule, Severity};
use crate::fixes::{Fix, Safety, json_edit};

pub static RULE: Rule = Rule {
    code: "MP301",
    name: "legacy-shaped-section",
    severity: Severity::Warning,
    summary: "A section the built-in client binds holds keys of the legacy settings",
    applies: Applies::Apps,
    check,
    doc: r#"## What it does
Reports a `MaskinportenSettings` section (or the section `ConfigureMaskinportenClient("path")`
binds) in an appsettings file when it holds keys of the legacy `Altinn.ApiClients.Maskinporten`
settings: `Environment`, `EncodedJwk`, `EncodedX509`, `Scope`, `ExhangeToAltinnToken`,
`EnableDebugLogging`, certificate and enterprise-user keys. Keys compare without case, as
configuration does. In `appsettings.Development.json` (local only) it is an info.

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
"#,
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for path in sections::built_in_sections(context) {
        for file in &context.facts.appsettings {
            let Some(section) = sections::section_site(file, &path) else {
                continue;
            };
            let legacy: Vec<_> = file
                .children(&path)
                .filter(|e| sections::is_one_of(sections::key_name(&e.path), &LEGACY_KEYS))
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
            .severity(sections::for_file(file, RULE.severity))
            .related(sections::key_site(file, first), "the first legacy key");
            for read in sections::section_reads(context)
                .iter()
                .filter(|r| r.path.eq_ignore_ascii_case(&path))
            {
                finding = finding.related(read.site.clone(), "code that reads this section");
            }
            match sections::removal_blocked(context, file, &path) {
                Some(why) => finding.fix_withheld = Some(format!("The keys stay: {why}.")),
                None => {
                    // The provisioned credentials replace the app's own too (MP302), in one edit.
                    let mut removed = legacy.clone();
                    let collides = path.eq_ignore_ascii_case(DEFAULT_SECTION);
                    if collides {
                        removed.extend(file.children(&path).filter(|e| {
                            sections::is_one_of(sections::key_name(&e.path), &CREDENTIAL_KEYS)
                        }));
                    }
                    let credentials = removed.len() > legacy.len();
                    if sections::removes_secret(file, &removed) {
                        finding.fix_withheld = Some(sections::SECRET_WITHHELD.into());
                        out.push(finding);
                        continue;
                    }
                    finding.fix = Some(Fix {
                        safety: if credentials {
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
                        edits: json_edit::remove_keys(file, &path, &removed),
                    });
                }
            }
            out.push(finding);
        }
    }
}
