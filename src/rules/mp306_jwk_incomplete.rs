//! MP306 jwk-incomplete: A JWK in appsettings that the built-in client will reject (it needs all 12 members).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP306`.

use super::sections;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::core::catalogue::is_one_of;
use crate::facts::appsettings::{AppSettingsFile, ConfigEntry, ConfigValue};
use crate::facts::jwk::{self, JwkShape};

pub static RULE: Rule = Rule {
    code: Code::MP306,
    name: "jwk-incomplete",
    severity: Severity::Warning,
    summary: "A JWK in appsettings that the built-in client will reject (it needs all 12 members)",
    check,
    doc: r#"## What it does
Decodes every `JwkBase64` and `EncodedJwk` value (base64 of the key's JSON) and reads every `Jwk`
object in the appsettings files, and reports a key that lacks one of the 12 members the built-in
client requires (`kty`, `use`, `kid`, `alg`, `n`, `e`, `d`, `p`, `q`, `qi`, `dp`, `dq`), or a
value that is not base64 of a JSON object. Only member names are ever shown, never a value.

## Why it matters
The legacy library signs with any key that has what signing needs; the built-in client validates
the key first and throws `MaskinportenConfigurationException` at the first token request. A
legacy `EncodedJwk` without `use`, `alg` or `kid` works today and fails after the move.

## Example
```json
"EncodedJwk": "eyJrdHkiOiJSU0EiLCJuIjoi…"   // no "use", "alg", "kid"
```

## Fix
None: generate the key again with all members (the Altinn JWKS tool does), register its public
part in Maskinporten, and store it where the app reads it.

## Fix safety
No fix is offered: a new key must be generated and registered; no edit can repair this one.
"#,
    adjustments: &[Adjustment {
        when: Circumstance::LocalOnlyFile,
        shift: Shift::Lower,
    }],
    ..Rule::DEFAULTS
};

/// A JWK found in an appsettings file: the entry and its shape, or why it cannot be read.
pub struct FoundKey<'a> {
    pub file: &'a AppSettingsFile,
    pub entry: &'a ConfigEntry,
    pub shape: Result<JwkShape, jwk::NotAJwk>,
}

/// Every JWK in the project's appsettings files.
pub fn keys<'a>(context: &Context<'a>) -> Vec<FoundKey<'a>> {
    let mut found = Vec::new();
    for file in &context.facts.appsettings {
        for entry in &file.entries {
            let name = sections::key_name(&entry.path);
            let shape = match &entry.value {
                ConfigValue::Str(value)
                    if is_one_of(name, &["JwkBase64", "EncodedJwk"])
                        && !value.trim().is_empty() =>
                {
                    jwk::inspect_base64(value)
                }
                ConfigValue::Nested if name.eq_ignore_ascii_case("Jwk") => {
                    let members: Vec<String> = file
                        .children(&entry.path)
                        .filter(|m| m.value.as_config_string().is_some_and(|v| !v.is_empty()))
                        .map(|m| sections::key_name(&m.path).to_ascii_lowercase())
                        .collect();
                    if members.is_empty() {
                        continue;
                    }
                    Ok(jwk::shape(|m| members.iter().any(|x| x == m)))
                }
                _ => continue,
            };
            found.push(FoundKey { file, entry, shape });
        }
    }
    found
}

fn check(context: &Context, out: &mut Vec<Finding>) {
    for key in keys(context) {
        let name = sections::key_name(&key.entry.path);
        let problem = match &key.shape {
            Ok(shape) if shape.missing.is_empty() => continue,
            // A public key alone is a different problem: nothing to sign with.
            Ok(shape) if !shape.private => format!(
                "is a public key only (no {}); the app cannot sign with it",
                shape.missing.join(", ")
            ),
            Ok(shape) => format!(
                "lacks {} of the 12 members the built-in client requires, so it rejects the key at the first token request",
                shape.missing.join(", ")
            ),
            Err(why) => format!("{why}, so no client can read a key from it"),
        };
        out.push(
            sections::finding_at_value(
                &RULE,
                key.file,
                key.entry,
                format!(
                    "The JWK in {} of {} {problem} (the value is not shown).",
                    key.entry.path,
                    sections::file_note(key.file),
                ),
            )
            .related(
                sections::key_site(key.file, key.entry),
                format!("the key {name}"),
            )
            .withheld("A new key must be generated and registered; no edit can repair this one."),
        );
    }
}
