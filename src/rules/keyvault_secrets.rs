//! What MP304 and MP305 share: where the app adds Key Vault as a configuration source, and
//! which of the vault's secrets look like Maskinporten settings.

use crate::core::Site;
use crate::facts::csharp::startup::StartupKind;
use crate::facts::external::KeyVaultNames;
use crate::rules::{Context, Finding};

/// The app's Key Vault names and where it adds the vault as a configuration source, when both
/// are known: what MP304 and MP305 start from.
pub fn vault<'a>(context: &Context<'a>) -> Option<(&'a KeyVaultNames, Site)> {
    Some((context.external.key_vault.as_ref()?, vault_call(context)?))
}

/// The first place the app adds Key Vault as a configuration source.
pub fn vault_call(context: &Context) -> Option<Site> {
    context
        .facts
        .startup
        .iter()
        .find(|e| e.kind == StartupKind::KeyVault)
        .map(|e| e.site.clone())
}

/// Secrets that look like Maskinporten settings (`...Maskinporten...--Key`).
pub fn maskinporten_secrets(kv: &KeyVaultNames) -> impl Iterator<Item = &String> {
    kv.names
        .iter()
        .filter(|n| n.to_ascii_lowercase().contains("maskinporten") && n.contains("--"))
}

/// Points a finding at the name in the names file too, when there is one.
pub fn with_name_site(finding: Finding, kv: &KeyVaultNames, name: &str) -> Finding {
    match kv.site_of(name) {
        Some(site) => finding.related(site, format!("the secret {name}")),
        None => finding,
    }
}
