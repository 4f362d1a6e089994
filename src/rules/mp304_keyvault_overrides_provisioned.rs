//! MP304 keyvault-overrides-provisioned: Key Vault secrets override the Maskinporten credentials Altinn Studio provisions.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP304`.

use super::keyvault_secrets::{vault, with_name_site};
use super::{Code, Context, Finding, Outside, PlanRole, Rule, Severity};
use crate::core::catalogue::DEFAULT_SECTION;
use crate::facts::external::KeyVaultNames;

pub static RULE: Rule = Rule {
    code: Code::MP304,
    name: "keyvault-overrides-provisioned",
    severity: Severity::Warning,
    summary: "Key Vault secrets override the Maskinporten credentials Altinn Studio provisions",
    check,
    doc: r#"## What it does
With Key Vault names given (`--key-vault-secrets`, `--key-vault`), reports each secret that maps
into a section the built-in client binds (`MaskinportenSettings--ClientId` is
`MaskinportenSettings:ClientId`; an app prefix such as `myapp--MaskinportenSettings--...` counts
when `ConfigureMaskinportenClient("myapp:MaskinportenSettings")` binds it), in an app that adds
Key Vault as a configuration source.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning | the same | not reported: the built-in client reads no Key Vault value; such secrets are orphans (MP305) |

## Why it matters
Key Vault is added after `ConfigureAppWebHost`, so it is the last source and wins key by key over
the provisioned `maskinporten-settings.json`: the app keeps signing with the old client (or a mix
of old and new keys) after the switch to Studio-managed credentials. That is right while the old
values should still be used, and wrong afterwards.

## Example
Secrets `MaskinportenSettings--ClientId`, `MaskinportenSettings--JwkBase64` in the app's vault.

Secrets under a custom `ConfigureMaskinportenClient("path")` are reported too: with Studio-managed
credentials that call is removed (MP201), after which nothing reads them. With `--credentials
keep` the finding instead names the renames the section's new keys need (`--EncodedJwk` to
`--JwkBase64`, `--Environment` to `--Authority`).

## Fix
`plan`: delete (or rename) the secrets after the migration is verified in TT02 and production.

## Fix safety
No fix in the repository: secrets are deleted or renamed in the vault, after the migration is verified; `plan` lists them in order.
"#,
    plan: PlanRole::Outside,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let Some((kv, call)) = vault(context) else {
        return;
    };
    for section in &context.assessment.sections.built_in {
        for name in kv.under(section) {
            if context.keep() {
                if let Some(finding) = keep_rename(kv, &call, name) {
                    out.push(finding);
                }
                continue;
            }
            // A custom path goes with MP201's fix; its secrets are then read by nothing.
            let overrides = section.eq_ignore_ascii_case(DEFAULT_SECTION);
            let message = if overrides {
                format!(
                    "Key Vault ({}) holds {name}, which becomes {} and is added after the credentials Altinn Studio provisions: it wins over them key by key, so the app keeps signing with its old client (or a mix of old and new) after the switch.",
                    kv.source,
                    KeyVaultNames::config_key(name)
                )
            } else {
                format!(
                    "Key Vault ({}) holds {name}, which the built-in client reads through ConfigureMaskinportenClient(\"{section}\") today; once that call is removed ({}) it is no longer read, and it can be deleted after production is verified.",
                    kv.source,
                    Code::MP201
                )
            };
            let step = if overrides {
                Outside::RetireOverridingSecret(name.clone())
            } else {
                Outside::DeleteUnreadSecret(name.clone())
            };
            let finding = Finding::new(&RULE, call.clone(), message)
                .withheld("Secrets are deleted outside the repository, after the migration is verified (see plan).")
                .outside(step);
            out.push(with_name_site(finding, kv, name));
        }
    }
}

/// With `--credentials keep` the app's own secrets stay, but legacy key names must follow the
/// section's rename (EncodedJwk is JwkBase64, Environment is Authority, as a URL).
fn keep_rename(
    kv: &crate::facts::external::KeyVaultNames,
    call: &crate::core::Site,
    name: &str,
) -> Option<Finding> {
    let (stem, key) = name.rsplit_once("--")?;
    let new_key = match key.to_ascii_lowercase().as_str() {
        "encodedjwk" => "JwkBase64",
        "environment" => "Authority",
        _ => return None,
    };
    let renamed = format!("{stem}--{new_key}");
    let value_note = if new_key == "Authority" {
        " (its value becomes the Maskinporten URL, e.g. https://test.maskinporten.no/)"
    } else {
        ""
    };
    let finding = Finding::new(
        &RULE,
        call.clone(),
        format!(
            "Key Vault ({}) holds {name}, which the built-in client does not read; with --credentials keep rename it to {renamed}{value_note} before deploying.",
            kv.source
        ),
    )
    .withheld("Secrets are renamed outside the repository (see plan).")
    .outside(Outside::RenameSecret {
        name: name.to_string(),
        to: renamed,
    });
    Some(with_name_site(finding, kv, name))
}
