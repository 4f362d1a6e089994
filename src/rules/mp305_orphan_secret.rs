//! MP305 orphan-secret: Key Vault holds Maskinporten secrets that no code path reads.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP305`.

use super::keyvault_secrets::{maskinporten_secrets, vault, with_name_site};
use super::{Code, Context, Finding, Outside, PlanRole, Rule, Severity};
use crate::assess::VersionModel;
use crate::facts::external::KeyVaultNames;

pub static RULE: Rule = Rule {
    code: Code::MP305,
    name: "orphan-secret",
    severity: Severity::Info,
    summary: "Key Vault holds Maskinporten secrets that no code path reads",
    check,
    doc: r#"## What it does
With Key Vault names given, reports secrets whose name mentions Maskinporten and that map to no
section the app reads: not the settings of a legacy registration, not a section the built-in
client binds.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| secrets under no section the app reads | the same | also every secret under the built-in section: the built-in client reads none of the app's configuration |

## Why it matters
A private key nobody uses is still a key someone can use. Orphans are usually what is left after
an earlier migration or a renamed section, and a renamed section that was meant to be read is a
bug.

## Example
`OldApp--MaskinportenSettings--EncodedJwk` in a vault whose app reads `MaskinportenSettings`.

## Fix
`plan`: delete the secret (and the Maskinporten client's key, if nothing else uses it).

## Fix safety
No fix in the repository: `plan` lists the secrets to delete once production is verified.
"#,
    plan: PlanRole::Outside,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let Some((kv, call)) = vault(context) else {
        return;
    };
    let sections = &context.assessment.sections;
    let mut read: Vec<&str> = sections.reads.iter().map(|r| r.path.as_str()).collect();
    read.extend(sections.built_in.iter().map(String::as_str));
    read.extend(sections.code_read_paths());
    for name in maskinporten_secrets(kv) {
        let key = KeyVaultNames::config_key(name);
        let used = read
            .iter()
            .any(|section| KeyVaultNames::is_below(&key, section));
        if used {
            continue;
        }
        let why = if context.assessment.model == VersionModel::V9 {
            "no code in the app reads that section, and since Altinn.App 9.0.0-preview.6 the built-in client reads only the credentials Altinn Studio provisions, never the app's configuration"
        } else {
            "no code in the app reads that section: a leftover credential, or a section that was renamed"
        };
        let finding = Finding::new(
            &RULE,
            call.clone(),
            format!("Key Vault ({}) holds {name} ({key}), but {why}.", kv.source),
        )
        .withheld("Secrets are deleted outside the repository (see plan).")
        .outside(Outside::DeleteUnreadSecret(name.clone()));
        out.push(with_name_site(finding, kv, name));
    }
}
