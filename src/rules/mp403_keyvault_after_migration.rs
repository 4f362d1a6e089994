//! MP403 keyvault-after-migration: Whether the app still needs Azure Key Vault once its Maskinporten credentials are provisioned.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP403`.

use super::keyvault_secrets::vault_call;
use super::sections;
use super::{Code, Context, Finding, Outside, PlanRole, Rule, Severity};
use crate::core::catalogue::DEFAULT_SECTION;
use crate::facts::external::KeyVaultNames;

pub static RULE: Rule = Rule {
    code: Code::MP403,
    name: "keyvault-after-migration",
    severity: Severity::Info,
    summary: "Whether the app still needs Azure Key Vault once its Maskinporten credentials are provisioned",
    check,
    doc: r#"## What it does
For an app that adds Azure Key Vault as a configuration source and has Maskinporten code to
migrate, tells which of the Altinn guide's two cases holds, from the vault's secret names
(`--key-vault-secrets FILE` or `--key-vault URL`):
- every secret is a Maskinporten setting (it maps into a section a Maskinporten client reads,
  or its name mentions Maskinporten): once the migration is verified in production, the Key
  Vault configuration provider and the `kvSetting` settings it reads can go;
- the vault also holds other secrets: the Key Vault setup stays, and the finding names them.
Without the names it says that it cannot tell, when a section a Maskinporten client reads has no
signing key in the deployed appsettings files (so the key may well be in the vault). With `--credentials keep` it says nothing: the
app keeps reading its own credentials from the vault.

## Why it matters
The guide's last step: "If Maskinporten credentials were the only values the app read from
Azure Key Vault, the Azure Key Vault configuration provider and related app settings can be
removed after the migration is verified", and "Keep any Azure Key Vault setup that the app uses
for other secrets". Removing it while another secret is read breaks that setting at start-up;
keeping it for nothing keeps a credential (`kvSetting:ClientSecret`) alive for no reason.

## Example
```csharp
if (!builder.Environment.IsDevelopment())
{
  builder.AddAzureKeyVaultAsConfigProvider(); // only Maskinporten-Config-Path--* in the vault
}
```

## Fix
None in the repository: `plan` adds the step (remove the provider call and its settings) after
production is verified, or says which secrets keep Key Vault in use.

## Fix safety
No fix is offered: the provider may only go once production runs on the provisioned credentials,
and `AddAzureKeyVaultAsConfigProvider` also adds the app's secret file
(`AddAppSettingsSecretFile`), which a person checks first.
"#,
    plan: PlanRole::Outside,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(call) = vault_call(context) else {
        return;
    };
    let migrates = facts.has_legacy_usage() || !facts.client_overrides.is_empty();
    if context.keep() || !migrates {
        return;
    }
    let Some(kv) = &context.external.key_vault else {
        if !key_may_come_from_vault(context) {
            return;
        }
        out.push(
            Finding::new(
                &RULE,
                call,
                "Whether the app still needs Key Vault after the migration cannot be told without the vault's secret names: give them with --key-vault-secrets FILE or --key-vault URL.",
            )
            .outside(Outside::KeyVaultUseUnknown)
            .withheld("Key Vault is set up outside the repository (see plan)."),
        );
        return;
    };
    let (maskinporten, other): (Vec<&String>, Vec<&String>) = kv
        .names
        .iter()
        .partition(|name| is_maskinporten_secret(context, name));
    if maskinporten.is_empty() {
        return;
    }
    let mut finding = if other.is_empty() {
        Finding::new(
            &RULE,
            call.clone(),
            format!(
                "Maskinporten credentials are the only values the app reads from Key Vault ({}, {} secret{}); once the migration is verified in production, this Key Vault configuration provider and the kvSetting settings it reads can go.",
                kv.source,
                maskinporten.len(),
                if maskinporten.len() == 1 { "" } else { "s" }
            ),
        )
        .outside(Outside::RemoveKeyVaultProvider(call_location(&call)))
    } else {
        Finding::new(
            &RULE,
            call,
            format!(
                "Besides Maskinporten credentials the app reads {} other secret{} from Key Vault ({}: {}), so the Key Vault setup stays after the migration.",
                other.len(),
                if other.len() == 1 { "" } else { "s" },
                kv.source,
                names(&other)
            ),
        )
    };
    for name in &other {
        finding = finding.outside(Outside::KeepKeyVault((*name).clone()));
    }
    out.push(finding.withheld("Key Vault is set up outside the repository (see plan)."));
}

/// Whether a section the app's own Maskinporten clients read lacks its signing key in every
/// deployed appsettings file, so that it may well come from the vault.
fn key_may_come_from_vault(context: &Context) -> bool {
    context
        .assessment
        .sections
        .reads
        .iter()
        .any(|r| !sections::signing_key_deployed(context, &r.path))
}

/// A secret maps into a section a Maskinporten client reads (or read, on Altinn.App 9), or its
/// name says Maskinporten.
fn is_maskinporten_secret(context: &Context, name: &str) -> bool {
    let sections = &context.assessment.sections;
    let key = KeyVaultNames::config_key(name);
    name.to_ascii_lowercase().contains("maskinporten")
        || sections
            .reads
            .iter()
            .map(|r| r.path.as_str())
            .chain(sections.built_in.iter().map(String::as_str))
            .chain([DEFAULT_SECTION])
            .any(|section| KeyVaultNames::is_below(&key, section))
}

/// The first few names, for a message.
fn names(names: &[&String]) -> String {
    let shown: Vec<&str> = names.iter().take(3).map(|n| n.as_str()).collect();
    match names.len() - shown.len() {
        0 => shown.join(", "),
        more => format!("{}, and {more} more", shown.join(", ")),
    }
}

fn call_location(call: &crate::core::Site) -> String {
    format!(
        "{}:{}",
        call.file.display,
        call.file.position(call.span.start).line
    )
}
