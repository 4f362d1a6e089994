//! MP307 committed-private-key: A private key or certificate committed in appsettings.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP307`.

use super::mp306_jwk_incomplete::keys;
use super::sections;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::facts::appsettings::ConfigValue;
use crate::facts::jwk;

pub static RULE: Rule = Rule {
    code: Code::MP307,
    name: "committed-private-key",
    severity: Severity::Error,
    summary: "A private key or certificate committed in appsettings",
    check,
    doc: r#"## What it does
Reports private key material in an appsettings file: a JWK (`JwkBase64`, `EncodedJwk`, a `Jwk`
object) that has the private members (`d`, `p`, `q`, ...), an `EncodedX509` that decodes to a
PKCS#12 blob, or a `CertificatePkcs12Password` with a value. The value is never shown, in any
output format.

## Why it matters
Anyone who can read the repository can sign Maskinporten assertions as the organisation. Keys
belong in Key Vault (or, with Studio-managed credentials, nowhere in the app at all).

## Example
```json
"MaskinportenSettings": { "EncodedJwk": "eyJkIjoi…" }
```

## Fix
None: rotate the key (register a new one in Maskinporten, delete the old one), remove the value
from the file, and purge it from the history.

## Fix safety
No fix is offered: no edit makes a leaked key safe, and a patch that removed it would show it again. Rotate the key, remove it from the file and purge it from the history.
"#,
    adjustments: &[Adjustment {
        when: Circumstance::LocalOnlyFile,
        shift: Shift::Lower,
    }],
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for key in keys(context) {
        if !key.shape.as_ref().is_ok_and(|s| s.private) {
            continue;
        }
        out.push(
            sections::finding_at_value(&RULE, key.file, key.entry, format!(
                    "{} in {} holds a private JWK (the value is not shown): anyone who can read the repository can sign Maskinporten assertions as the organisation.",
                    key.entry.path,
                    sections::file_note(key.file)
                ))
            .withheld("Rotate the key and remove it from the file and its history; no edit makes a leaked key safe."),
        );
    }
    for file in &context.facts.appsettings {
        for entry in &file.entries {
            let ConfigValue::Str(value) = &entry.value else {
                continue;
            };
            let name = sections::key_name(&entry.path);
            let what = if name.eq_ignore_ascii_case("EncodedX509") && jwk::is_der_blob(value) {
                "holds a certificate with its private key (a PKCS#12 blob)"
            } else if name.eq_ignore_ascii_case("CertificatePkcs12Password") && !value.is_empty() {
                "holds the password of a certificate file"
            } else {
                continue;
            };
            out.push(
                sections::finding_at_value(
                    &RULE,
                    file,
                    entry,
                    format!(
                        "{} in {} {what} (the value is not shown).",
                        entry.path,
                        sections::file_note(file)
                    ),
                )
                .withheld("Rotate the credential and remove it from the file and its history."),
            );
        }
    }
}
