//! MP308 unknown-environment: A legacy Environment value with no Maskinporten URL.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP308`.

use super::sections;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::assess::sections::Reader;
use crate::core::catalogue::{LEGACY_KEYS, authority_of, is_one_of};
use crate::facts::appsettings::ConfigValue;

pub static RULE: Rule = Rule {
    code: Code::MP308,
    name: "unknown-environment",
    severity: Severity::Warning,
    summary: "A legacy Environment value with no Maskinporten URL",
    check,
    doc: r#"## What it does
Reports an `Environment` key in a legacy-shaped section (one a legacy registration reads, or one
with other legacy keys) whose value is not one the legacy library knows: `prod`, `test`, `ver1`,
`ver2`. Empty values (placeholders filled from Key Vault) are left alone.

## Why it matters
The legacy library throws `ArgumentException` for any other value at the first token request
(`dev`, `tt02`, `Production` included), and a migration to an `Authority` URL has no URL to map
it to: prod is `https://maskinporten.no/`, test `https://test.maskinporten.no/`, ver1 and ver2
`https://ver1.maskinporten.no/` and `https://ver2.maskinporten.no/`.

## Example
```json
"MaskinportenSettings": { "Environment": "tt02" }
```

## Fix
None: use the environment name the Maskinporten client was created in.

## Fix safety
No fix is offered: which Maskinporten environment was meant is for a person to decide.
"#,
    adjustments: &[Adjustment {
        when: Circumstance::LocalOnlyFile,
        shift: Shift::Lower,
    }],
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let legacy_reads: Vec<&String> = context
        .assessment
        .sections
        .reads
        .iter()
        .filter(|r| r.reader == Reader::Legacy)
        .map(|r| &r.path)
        .collect();
    for file in &context.facts.appsettings {
        for entry in &file.entries {
            let Some(section) = entry.path.rsplit_once(':').map(|(s, _)| s) else {
                continue;
            };
            if !sections::key_name(&entry.path).eq_ignore_ascii_case("Environment") {
                continue;
            }
            let ConfigValue::Str(value) = &entry.value else {
                continue;
            };
            if value.trim().is_empty() || authority_of(value).is_some() {
                continue;
            }
            let read = legacy_reads.iter().any(|p| p.eq_ignore_ascii_case(section));
            let legacy_shaped = file.children(section).any(|e| {
                let key = sections::key_name(&e.path);
                !key.eq_ignore_ascii_case("Environment") && is_one_of(key, &LEGACY_KEYS)
            });
            if !(read || legacy_shaped) {
                continue;
            }
            out.push(
                sections::finding_at_value(&RULE, file, entry, format!(
                        "{} in {} is \"{value}\", which the legacy library does not know (prod, test, ver1, ver2): it throws at the first token request, and no Authority URL can be derived from it.",
                        entry.path,
                        sections::file_note(file)
                    ))
                .withheld("Which Maskinporten environment was meant is a decision for a person."),
            );
        }
    }
}
