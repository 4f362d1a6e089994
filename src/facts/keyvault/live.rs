//! Lists a live vault's secret names with the official Azure SDK (cargo feature `kv`).
//!
//! Only the "list secret properties" operation is called: it returns ids and attributes, never a
//! value. The rest of the program is synchronous, so each listing runs on its own
//! current-thread tokio runtime, bounded by retries and an overall deadline so a CI job never
//! hangs on an unreachable vault.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use azure_core::credentials::TokenCredential;
use azure_core::error::{ErrorKind, ErrorResponse};
use azure_core::http::{ExponentialRetryOptions, RetryOptions, StatusCode, Url};
use azure_core::time::Duration;
use azure_identity::{
    AzureCliCredential, DeveloperToolsCredential, ManagedIdentityCredential,
    ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential,
};
use azure_security_keyvault_secrets::models::SecretProperties;
use azure_security_keyvault_secrets::{ResourceExt, SecretClient, SecretClientOptions};
use futures::TryStreamExt;

use super::error::sanitize;
use super::names::{checked, dedup};
use super::{CredentialChoice, KeyVaultError, SecretName};

/// The whole listing, every page and retry included, must finish within this.
const DEADLINE_SECONDS: u64 = 120;

/// A listing that yields more names than this is not ending (a `nextLink` loop); real vaults
/// hold far fewer secrets.
const MAX_SECRETS: usize = 100_000;

/// Lists the names of the enabled secrets in the vault at `url` (`https://NAME.vault.azure.net`),
/// signing in with `credential` (see [`CredentialChoice`] for what `Auto` picks).
///
/// Reads secret properties only, never a value, following every page. Disabled secrets are left
/// out, because the .NET configuration provider does not load them; a repeated name (ignoring
/// case) is kept once. A throttled or failing request is retried a few times with backoff, and
/// the whole listing gives up after two minutes.
///
/// The URL is checked first (https, a host, nothing after it), so a typo fails before any
/// sign-in is attempted.
pub fn list_vault(
    url: &str,
    credential: CredentialChoice,
) -> Result<Vec<SecretName>, KeyVaultError> {
    let vault = vault_endpoint(url)?;
    let choice = credential.effective();
    let token_source = build_credential(choice)
        .map_err(|err| KeyVaultError::no_credential(&vault, choice.tried(), &error_text(&err)))?;
    run_listing(&vault, token_source, production_options(), choice.tried())
}

/// [`list_vault`] with the credential and the client options supplied by the caller.
///
/// This is the seam the tests use: they pass a fake [`TokenCredential`] and set
/// `options.client_options.transport` to an in-test HTTP client (and short retries), so the real
/// SDK client, its authentication challenge handling and its paging run against a loopback
/// server while the vault URL stays `https://...` (the SDK refuses to send a bearer token over
/// plain http).
pub fn list_vault_with(
    url: &str,
    credential: Arc<dyn TokenCredential>,
    options: SecretClientOptions,
) -> Result<Vec<SecretName>, KeyVaultError> {
    let vault = vault_endpoint(url)?;
    run_listing(&vault, credential, options, "the supplied credential")
}

/// Checks the user's URL and returns the vault's origin (`https://host[:port]`).
fn vault_endpoint(url: &str) -> Result<String, KeyVaultError> {
    let parsed = Url::parse(url.trim())
        .map_err(|err| KeyVaultError::invalid_url(url, &format!("it does not parse: {err}")))?;
    if parsed.scheme() != "https" {
        return Err(KeyVaultError::invalid_url(
            url,
            "it must start with https://",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(KeyVaultError::invalid_url(url, "it has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(KeyVaultError::invalid_url(
            url,
            "it must not hold a user name or password",
        ));
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(KeyVaultError::invalid_url(
            url,
            "it must be the vault's address alone, with nothing after the host",
        ));
    }
    Ok(parsed.origin().ascii_serialization())
}

fn build_credential(choice: CredentialChoice) -> azure_core::Result<Arc<dyn TokenCredential>> {
    Ok(match choice {
        CredentialChoice::AzureCli => AzureCliCredential::new(None)?,
        CredentialChoice::WorkloadIdentity => WorkloadIdentityCredential::new(None)?,
        CredentialChoice::ManagedIdentity => {
            ManagedIdentityCredential::new(Some(managed_identity_options()))?
        }
        CredentialChoice::Auto | CredentialChoice::DeveloperTools => {
            DeveloperToolsCredential::new(None)?
        }
    })
}

/// A user-assigned identity when `AZURE_CLIENT_ID` names one (as .NET's
/// `DefaultAzureCredential` does), else the system-assigned identity.
fn managed_identity_options() -> ManagedIdentityCredentialOptions {
    let client_id = std::env::var("AZURE_CLIENT_ID")
        .ok()
        .filter(|id| !id.is_empty());
    ManagedIdentityCredentialOptions {
        user_assigned_id: client_id.map(UserAssignedId::ClientId),
        ..Default::default()
    }
}

/// The SDK retries 8 times for up to a minute by default, which is long for a command-line tool
/// (an unknown host is retried too); 3 retries over a few seconds ride out a brief throttle.
fn production_options() -> SecretClientOptions {
    let mut options = SecretClientOptions::default();
    options.client_options.retry = RetryOptions::exponential(ExponentialRetryOptions {
        initial_delay: Duration::milliseconds(800),
        max_retries: 3,
        max_total_elapsed: Duration::seconds(30),
        max_delay: Duration::seconds(10),
    });
    options
}

/// Runs the async listing to completion on a runtime of its own.
fn run_listing(
    vault: &str,
    credential: Arc<dyn TokenCredential>,
    options: SecretClientOptions,
    tried: &str,
) -> Result<Vec<SecretName>, KeyVaultError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            KeyVaultError::other(vault, &format!("could not start the async runtime: {err}"))
        })?;
    let deadline = StdDuration::from_secs(DEADLINE_SECONDS);
    let listing = runtime.block_on(async {
        tokio::time::timeout(deadline, list_names(vault, credential, options)).await
    });
    match listing {
        Err(_elapsed) => Err(KeyVaultError::timeout(vault, DEADLINE_SECONDS)),
        Ok(Err(Failure::Sdk(err))) => Err(classify(vault, tried, err)),
        Ok(Err(Failure::Malformed(reason))) => Err(KeyVaultError::malformed(vault, &reason)),
        Ok(Ok(names)) => Ok(dedup(names)),
    }
}

/// Why the listing stopped: an SDK error (classified later) or a response the tool cannot use.
enum Failure {
    Sdk(azure_core::Error),
    Malformed(String),
}

impl From<azure_core::Error> for Failure {
    fn from(err: azure_core::Error) -> Self {
        Failure::Sdk(err)
    }
}

async fn list_names(
    vault: &str,
    credential: Arc<dyn TokenCredential>,
    options: SecretClientOptions,
) -> Result<Vec<SecretName>, Failure> {
    let client = SecretClient::new(vault, credential, Some(options))?;
    let mut pager = client.list_secret_properties(None)?;
    let mut names = Vec::new();
    let mut seen = 0usize;
    while let Some(properties) = pager.try_next().await? {
        seen += 1;
        if seen > MAX_SECRETS {
            return Err(Failure::Malformed(format!(
                "more than {MAX_SECRETS} secrets; the pages do not seem to end"
            )));
        }
        if let Some(name) = enabled_name(&properties)? {
            names.push(name);
        }
    }
    Ok(names)
}

/// The secret's name, `None` when it is disabled (.NET skips those, so they add no key).
fn enabled_name(properties: &SecretProperties) -> Result<Option<SecretName>, Failure> {
    let disabled = properties
        .attributes
        .as_ref()
        .is_some_and(|attributes| attributes.enabled == Some(false));
    if disabled {
        return Ok(None);
    }
    let id = properties.resource_id().map_err(|err| {
        Failure::Malformed(format!(
            "a secret without a usable id: {}",
            error_text(&err)
        ))
    })?;
    checked(&id.name)
        .map(Some)
        .map_err(|problem| Failure::Malformed(format!("a secret id with a bad name: {problem}")))
}

/// Turns an SDK error into the user's sentence.
fn classify(vault: &str, tried: &str, err: azure_core::Error) -> KeyVaultError {
    if let Some(status) = err.http_status() {
        return classify_status(vault, status, &service_message(err));
    }
    let text = error_text(&err);
    match err.kind() {
        ErrorKind::Credential => KeyVaultError::no_credential(vault, tried, &text),
        ErrorKind::DataConversion => KeyVaultError::malformed(vault, &text),
        ErrorKind::Connection | ErrorKind::Io if is_unknown_host(&text) => {
            KeyVaultError::not_found(vault, "its host name does not resolve")
        }
        ErrorKind::Connection | ErrorKind::Io => KeyVaultError::network(vault, &text),
        // The SDK's own refusals, e.g. a challenge for a resource that is not the vault's domain.
        _ => KeyVaultError::other(vault, &text),
    }
}

fn classify_status(vault: &str, status: StatusCode, service: &ServiceMessage) -> KeyVaultError {
    let says = service.message.as_deref();
    match status {
        StatusCode::Unauthorized => KeyVaultError::unauthorized(vault, says),
        StatusCode::Forbidden if service.is_firewall() => KeyVaultError::firewall(vault, says),
        StatusCode::Forbidden => KeyVaultError::forbidden(vault, says),
        StatusCode::NotFound => KeyVaultError::not_found(vault, "HTTP 404"),
        StatusCode::TooManyRequests => KeyVaultError::throttled(vault),
        other => KeyVaultError::service(vault, u16::from(other), says),
    }
}

/// The `error` object of a Key Vault error body (`{"error": {"code", "message", "innererror"}}`).
/// It names the caller and the missing permission, never a secret.
#[derive(Default)]
struct ServiceMessage {
    codes: Vec<String>,
    message: Option<String>,
}

impl ServiceMessage {
    /// Key Vault reports a network-rule refusal as 403 with inner code `ForbiddenByFirewall`.
    fn is_firewall(&self) -> bool {
        self.codes
            .iter()
            .any(|code| code.eq_ignore_ascii_case("ForbiddenByFirewall"))
    }
}

fn service_message(err: azure_core::Error) -> ServiceMessage {
    let Ok(ErrorResponse {
        error: Some(detail),
        ..
    }) = ErrorResponse::try_from(err)
    else {
        return ServiceMessage::default();
    };
    let inner_code = detail
        .inner_error
        .as_ref()
        .and_then(|inner| inner.code.clone());
    ServiceMessage {
        codes: detail.code.into_iter().chain(inner_code).collect(),
        message: detail.message,
    }
}

/// reqwest reports a failed name lookup as a connect error whose cause says "dns error".
fn is_unknown_host(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("dns error")
        || text.contains("failed to lookup address")
        || text.contains("name or service not known")
}

/// Context lines the SDK adds that say nothing to a user.
const SDK_NOISE: &[&str] = &[
    "non-transport error occurred which will not be retried",
    "retry policy expired and the request will no longer be retried",
    "failed to execute `reqwest` request",
];

/// The error and its causes as one line, without the SDK's retry bookkeeping.
fn error_text(err: &azure_core::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(err);
    while let Some(cause) = current {
        let text = cause.to_string();
        let repeated = parts.last().is_some_and(|last| last.contains(text.trim()));
        if !text.trim().is_empty() && !SDK_NOISE.contains(&text.trim()) && !repeated {
            parts.push(text.trim().to_string());
        }
        current = cause.source();
    }
    sanitize(&parts.join(": "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::keyvault::KeyVaultErrorKind;

    #[test]
    fn vault_endpoint_keeps_the_origin() {
        assert_eq!(
            vault_endpoint("https://myvault.vault.azure.net/")
                .ok()
                .as_deref(),
            Some("https://myvault.vault.azure.net")
        );
        assert_eq!(
            vault_endpoint(" https://MyVault.vault.azure.net:8443 ")
                .ok()
                .as_deref(),
            Some("https://myvault.vault.azure.net:8443")
        );
    }

    #[test]
    fn vault_endpoint_refuses_what_is_not_a_vault_address() {
        for url in [
            "http://myvault.vault.azure.net",
            "myvault.vault.azure.net",
            "https://myvault.vault.azure.net/secrets/x",
            "https://myvault.vault.azure.net/?a=b",
            "https://me:pw@myvault.vault.azure.net",
            "",
        ] {
            let err = vault_endpoint(url)
                .err()
                .map(|err| (err.kind(), err.to_string()));
            let Some((kind, message)) = err else {
                panic!("{url} was accepted");
            };
            assert_eq!(kind, KeyVaultErrorKind::InvalidUrl, "{url}");
            assert!(!message.contains("pw@"), "{message}");
        }
    }

    #[test]
    fn dns_failures_are_unknown_hosts() {
        let io = std::io::Error::other(
            "dns error: failed to lookup address information: Name or service not known",
        );
        let err = azure_core::Error::with_error(
            ErrorKind::Connection,
            io,
            "failed to execute `reqwest` request",
        );
        let classified = classify("https://x.vault.azure.net", "the Azure CLI", err);
        assert_eq!(classified.kind(), KeyVaultErrorKind::NotFound);
        assert!(
            classified.to_string().contains("does not resolve"),
            "{classified}"
        );
    }

    #[test]
    fn error_text_drops_sdk_noise() {
        let io = std::io::Error::other("connection refused");
        let err =
            azure_core::Error::with_error(ErrorKind::Io, io, "failed to execute `reqwest` request")
                .with_context("retry policy expired and the request will no longer be retried");
        assert_eq!(error_text(&err), "connection refused");
    }
}
