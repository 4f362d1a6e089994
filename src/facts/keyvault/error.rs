//! The one error type of the Key Vault source. Every message is one sentence that names the
//! vault (or the file), says what went wrong and what to do. All wording lives here so it can be
//! reviewed in one place.
//!
//! No message ever carries a secret value or a token: the listing never fetches values, text from
//! a names file is never echoed (only its line number and the offending character), URLs are
//! shown without user info or query, and text that comes from the SDK or the service passes
//! through [`sanitize`], which also blanks anything shaped like a bearer token.

use std::fmt;
use std::path::Path;

/// What kind of failure a [`KeyVaultError`] is, for callers that react differently (exit codes,
/// tests). The message says the same thing in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyVaultErrorKind {
    /// This build has no live Key Vault support (cargo feature `kv` off).
    Unsupported,
    /// The vault URL is not an `https://host` address.
    InvalidUrl,
    /// A names file could not be read or has a line or entry that is not a secret name.
    NamesFile,
    /// No credential could get a token.
    NoCredential,
    /// The vault rejected the token (HTTP 401).
    Unauthorized,
    /// The identity may not list secrets, or the vault's firewall refused the caller (HTTP 403).
    Forbidden,
    /// The vault does not exist (HTTP 404 or a host name that does not resolve).
    NotFound,
    /// The vault throttled the requests (HTTP 429) until the retries ran out.
    Throttled,
    /// The vault could not be reached.
    Network,
    /// The listing did not finish in time.
    Timeout,
    /// The vault answered with something that is not a secret list.
    MalformedResponse,
    /// The vault answered with another HTTP error.
    Service,
    /// The SDK refused to go on for another reason (the message has it).
    Other,
}

/// A failure to get secret names from a vault or a names file. `Display` is one sentence for the
/// user; [`KeyVaultError::kind`] classifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVaultError {
    kind: KeyVaultErrorKind,
    message: String,
}

impl KeyVaultError {
    /// What kind of failure this is.
    pub fn kind(&self) -> KeyVaultErrorKind {
        self.kind
    }

    fn new(kind: KeyVaultErrorKind, message: String) -> Self {
        Self { kind, message }
    }

    #[cfg(not(feature = "kv"))]
    pub(crate) fn unsupported(url: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::Unsupported,
            format!(
                "cannot list Key Vault {}: this build has no Key Vault support; use --key-vault-secrets FILE",
                display_url(url)
            ),
        )
    }

    pub(crate) fn names_file(path: &Path, problem: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::NamesFile,
            format!("Key Vault names file {}: {problem}", path.display()),
        )
    }
}

/// The listing's failures, in the order they can happen.
#[cfg(feature = "kv")]
impl KeyVaultError {
    pub(crate) fn invalid_url(url: &str, problem: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::InvalidUrl,
            format!(
                "{:?} is not a Key Vault URL ({problem}): pass the vault's address, like https://NAME.vault.azure.net",
                display_url(url)
            ),
        )
    }

    pub(crate) fn no_credential(vault: &str, tried: &str, reason: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::NoCredential,
            format!(
                "no Azure credential could get a token for Key Vault {vault} (tried {tried}: {}); run `az login`, or in CI configure workload identity or managed identity, or choose a credential with --azure-credential",
                sanitize(reason)
            ),
        )
    }

    pub(crate) fn unauthorized(vault: &str, service_says: Option<&str>) -> Self {
        Self::new(
            KeyVaultErrorKind::Unauthorized,
            format!(
                "Key Vault {vault} rejected the credential (HTTP 401{}): the token is probably for another tenant or has expired, so sign in to the vault's tenant (`az login --tenant TENANT`) or check which identity is used",
                said(service_says)
            ),
        )
    }

    pub(crate) fn forbidden(vault: &str, service_says: Option<&str>) -> Self {
        Self::new(
            KeyVaultErrorKind::Forbidden,
            format!(
                "the identity may not list secrets in Key Vault {vault} (HTTP 403{}): give it the \"Key Vault Reader\" role (names only; \"Key Vault Secrets User\" also works) on a vault that uses Azure RBAC, or an access policy with the List secret permission",
                said(service_says)
            ),
        )
    }

    pub(crate) fn firewall(vault: &str, service_says: Option<&str>) -> Self {
        Self::new(
            KeyVaultErrorKind::Forbidden,
            format!(
                "the firewall of Key Vault {vault} refused this machine (HTTP 403{}): run from a network the vault allows, or pass the names with --key-vault-secrets FILE",
                said(service_says)
            ),
        )
    }

    pub(crate) fn not_found(vault: &str, how: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::NotFound,
            format!(
                "Key Vault {vault} was not found ({how}): check the URL (https://NAME.vault.azure.net) and that the vault exists"
            ),
        )
    }

    pub(crate) fn throttled(vault: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::Throttled,
            format!(
                "Key Vault {vault} is throttling requests (HTTP 429) and the retries ran out: try again later"
            ),
        )
    }

    pub(crate) fn network(vault: &str, reason: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::Network,
            format!("could not reach Key Vault {vault}: {}", sanitize(reason)),
        )
    }

    pub(crate) fn other(vault: &str, reason: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::Other,
            format!("listing Key Vault {vault} failed: {}", sanitize(reason)),
        )
    }

    pub(crate) fn timeout(vault: &str, seconds: u64) -> Self {
        Self::new(
            KeyVaultErrorKind::Timeout,
            format!(
                "listing Key Vault {vault} did not finish within {seconds} seconds: check the network and try again"
            ),
        )
    }

    pub(crate) fn malformed(vault: &str, reason: &str) -> Self {
        Self::new(
            KeyVaultErrorKind::MalformedResponse,
            format!(
                "Key Vault {vault} sent a response that is not a list of secrets ({}): check that the URL is a Key Vault",
                sanitize(reason)
            ),
        )
    }

    pub(crate) fn service(vault: &str, status: u16, service_says: Option<&str>) -> Self {
        Self::new(
            KeyVaultErrorKind::Service,
            format!(
                "Key Vault {vault} answered HTTP {status} to the request to list secrets{}: check the URL and try again, and if it persists, check the vault in the Azure portal",
                said(service_says)
            ),
        )
    }
}

impl fmt::Display for KeyVaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KeyVaultError {}

/// `; Key Vault said: "..."` for a status message, or nothing.
#[cfg(feature = "kv")]
fn said(service_says: Option<&str>) -> String {
    match service_says.map(sanitize) {
        Some(text) if !text.is_empty() => format!("; Key Vault said: \"{text}\""),
        _ => String::new(),
    }
}

/// The URL as it may be shown: without user info (a password), query or fragment (a signature).
pub(crate) fn display_url(url: &str) -> String {
    let url = url.trim();
    let without_tail = url.split(['?', '#']).next().unwrap_or(url);
    match without_tail.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let slash = if rest.contains('/') { "/" } else { "" };
            sanitize(&format!("{scheme}://{host}{slash}{path}"))
        }
        None => sanitize(without_tail),
    }
}

/// Longest text taken from the SDK or the service into a message.
const MAX_FOREIGN_TEXT: usize = 400;

/// Makes text from elsewhere fit in a one-line message: line breaks and control characters
/// become spaces, runs of spaces collapse, anything shaped like a token is replaced, and the
/// result is cut at [`MAX_FOREIGN_TEXT`] characters.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        out.push(if looks_like_token(word) {
            "[redacted]"
        } else {
            word
        });
    }
    let joined = out.join(" ");
    match joined.char_indices().nth(MAX_FOREIGN_TEXT) {
        Some((cut, _)) => format!("{}...", &joined[..cut]),
        None => joined,
    }
}

/// A JWT (`eyJ...`) or a long unbroken run of base64/hex characters: access tokens, client
/// assertions and keys look like this; error messages do not.
fn looks_like_token(word: &str) -> bool {
    let word = word.trim_matches(|c: char| "\"'()[]{}<>,;.".contains(c));
    if word.contains("eyJ") {
        return true;
    }
    let tokenish = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c));
    let has_digit = word.chars().any(|c| c.is_ascii_digit());
    let has_letter = word.chars().any(|c| c.is_ascii_alphabetic());
    tokenish && has_digit && has_letter && word.len() >= 40
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_joins_lines_and_redacts_tokens() {
        let text = "failed:\n  token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln rejected\r\n";
        assert_eq!(sanitize(text), "failed: token [redacted] rejected");
    }

    #[test]
    fn sanitize_redacts_long_base64_runs_but_keeps_ids_and_words() {
        let key = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVm";
        assert_eq!(sanitize(&format!("key {key} end")), "key [redacted] end");
        let plain = "AADSTS700016: Application with identifier '1b2c3d4e-aaaa-bbbb-cccc-0123456789ab' was not found";
        assert_eq!(sanitize(plain), plain);
    }

    #[test]
    fn sanitize_cuts_long_text() {
        let long = "word ".repeat(200);
        let cut = sanitize(&long);
        assert!(cut.ends_with("..."));
        assert!(cut.chars().count() <= MAX_FOREIGN_TEXT + 3);
    }

    #[test]
    fn display_url_drops_user_info_query_and_fragment() {
        assert_eq!(
            display_url("https://me:hunter2@x.vault.azure.net/?sig=abc#f"),
            "https://x.vault.azure.net/"
        );
        assert_eq!(
            display_url("https://x.vault.azure.net"),
            "https://x.vault.azure.net"
        );
        assert_eq!(display_url("x.vault.azure.net"), "x.vault.azure.net");
    }
}
