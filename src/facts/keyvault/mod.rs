//! Key Vault secret names: which configuration keys an app's Azure Key Vault adds at run time.
//!
//! An Altinn app that calls `AddAzureKeyVaultAsConfigProvider()` (or `AddAzureKeyVault`) gets
//! every enabled secret of its vault as a configuration key, and those keys win over
//! appsettings. The rules need the names to see secrets that would override the credentials
//! Altinn Studio provisions, Maskinporten secrets nothing reads, and sections only the vault
//! defines. Values are never needed and never read.
//!
//! Two sources:
//! - a names file (`--key-vault-secrets FILE`), read by [`read_names_file`]: the JSON that
//!   `az keyvault secret list` prints, or one name per line;
//! - the live vault (`--key-vault URL`), listed by [`list_vault`] with the official Azure SDK.
//!   That needs the cargo feature `kv` (on by default); without it [`list_vault`] returns an error
//!   that points to the names file instead.

mod credential;
mod error;
#[cfg(feature = "kv")]
mod live;
mod names;

pub use credential::CredentialChoice;
pub use error::{KeyVaultError, KeyVaultErrorKind};
#[cfg(feature = "kv")]
pub use live::{list_vault, list_vault_with};
pub use names::read_names_file;

/// A vault URL as it may be shown in a report (no user info, query or fragment).
pub fn shown_url(url: &str) -> String {
    error::display_url(url)
}

/// One secret in a vault, by name (`MaskinportenSettings--EncodedJwk`).
///
/// Key Vault names are case-insensitive, and so are .NET configuration keys: compare with
/// [`SecretName::matches_key`], not `==`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretName {
    /// The name as the vault (or the names file) spells it: 1 to 127 ASCII letters, digits and
    /// `-`.
    pub name: String,
}

impl SecretName {
    /// The configuration key the secret becomes in a .NET app, as `KeyVaultSecretManager.GetKey`
    /// maps it: every `--` is replaced by the key delimiter `:`, left to right
    /// (`MaskinportenSettings--EncodedJwk` becomes `MaskinportenSettings:EncodedJwk`).
    pub fn config_key(&self) -> String {
        self.name.replace("--", ":")
    }

    /// Whether the secret becomes the configuration key `key` (`Section:Key`). The comparison
    /// ignores ASCII case, as .NET configuration does.
    pub fn matches_key(&self, key: &str) -> bool {
        self.config_key().eq_ignore_ascii_case(key)
    }
}

/// Lists the secret names of the vault at `url` (`https://NAME.vault.azure.net`).
///
/// This build was made without the cargo feature `kv`, so it always fails with an error that
/// says to pass the names as a file instead.
#[cfg(not(feature = "kv"))]
pub fn list_vault(
    url: &str,
    credential: CredentialChoice,
) -> Result<Vec<SecretName>, KeyVaultError> {
    let _ = credential;
    Err(KeyVaultError::unsupported(url))
}
