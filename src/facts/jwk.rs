//! Inspects a JSON Web Key from configuration (`JwkBase64`, `EncodedJwk`, or a `Jwk` object)
//! without keeping or showing any of its values: which members it has, and whether it holds
//! private key material.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};

/// The members the built-in client requires, all non-empty (`JwkWrapper.Validate`).
pub const REQUIRED_MEMBERS: [&str; 12] = [
    "kty", "use", "kid", "alg", "n", "e", "d", "p", "q", "qi", "dp", "dq",
];

/// Members that only a private key has.
const PRIVATE_MEMBERS: [&str; 6] = ["d", "p", "q", "qi", "dp", "dq"];

/// What a key is, described by member names only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkShape {
    /// Required members that are absent or empty.
    pub missing: Vec<&'static str>,
    /// Whether the key carries private material.
    pub private: bool,
}

/// Why a value is not a readable JWK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAJwk {
    NotBase64,
    NotJsonObject,
}

impl std::fmt::Display for NotAJwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NotAJwk::NotBase64 => "is not valid base64",
            NotAJwk::NotJsonObject => "does not decode to a JSON object",
        })
    }
}

/// Inspects a base64-encoded JWK (standard or URL-safe alphabet, padding optional).
pub fn inspect_base64(value: &str) -> Result<JwkShape, NotAJwk> {
    let compact: String = value.split_whitespace().collect();
    let trimmed = compact.trim_end_matches('=');
    let decoded = [STANDARD, URL_SAFE]
        .iter()
        .find_map(|engine| {
            let padded = pad(trimmed);
            engine.decode(padded.as_bytes()).ok()
        })
        .ok_or(NotAJwk::NotBase64)?;
    let json: serde_json::Value =
        serde_json::from_slice(&decoded).map_err(|_| NotAJwk::NotJsonObject)?;
    let object = json.as_object().ok_or(NotAJwk::NotJsonObject)?;
    Ok(shape(|member| {
        object
            .get(member)
            .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
    }))
}

fn pad(text: &str) -> String {
    let mut padded = text.to_string();
    while !padded.len().is_multiple_of(4) {
        padded.push('=');
    }
    padded
}

/// The shape of a key given which members are present and non-empty.
pub fn shape(has: impl Fn(&str) -> bool) -> JwkShape {
    JwkShape {
        missing: REQUIRED_MEMBERS
            .iter()
            .copied()
            .filter(|m| !has(m))
            .collect(),
        private: PRIVATE_MEMBERS.iter().any(|m| has(m)),
    }
}

/// Whether a base64 value decodes to a PKCS#12 (or other DER) blob: private key material.
pub fn is_der_blob(value: &str) -> bool {
    let compact: String = value.split_whitespace().collect();
    STANDARD
        .decode(pad(compact.trim_end_matches('=')).as_bytes())
        .is_ok_and(|bytes| bytes.len() > 64 && bytes[0] == 0x30)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(json: &str) -> String {
        STANDARD.encode(json)
    }

    #[test]
    fn a_complete_private_key_misses_nothing() {
        let full = r#"{"kty":"RSA","use":"sig","kid":"k1","alg":"RS256","n":"x","e":"AQAB","d":"x","p":"x","q":"x","qi":"x","dp":"x","dq":"x"}"#;
        let shape = inspect_base64(&encode(full)).unwrap();
        assert_eq!(shape.missing, Vec::<&str>::new());
        assert!(shape.private);
    }

    #[test]
    fn a_legacy_key_without_use_alg_kid_is_incomplete() {
        let legacy = r#"{"kty":"RSA","n":"x","e":"AQAB","d":"x","p":"x","q":"x","qi":"x","dp":"x","dq":"x"}"#;
        let shape = inspect_base64(&encode(legacy)).unwrap();
        assert_eq!(shape.missing, ["use", "kid", "alg"]);
    }

    #[test]
    fn a_public_key_is_not_private() {
        let public = r#"{"kty":"RSA","use":"sig","kid":"k","alg":"RS256","n":"x","e":"AQAB"}"#;
        let shape = inspect_base64(&URL_SAFE.encode(public).replace('=', "")).unwrap();
        assert!(!shape.private);
        assert_eq!(shape.missing, ["d", "p", "q", "qi", "dp", "dq"]);
    }

    #[test]
    fn garbage_is_named_not_shown() {
        assert_eq!(inspect_base64("not base64 ***"), Err(NotAJwk::NotBase64));
        assert_eq!(
            inspect_base64(&encode("[1,2]")),
            Err(NotAJwk::NotJsonObject)
        );
    }

    #[test]
    fn recognises_a_der_blob() {
        let mut der = vec![0x30, 0x82, 0x01, 0x00];
        der.extend(std::iter::repeat_n(7u8, 100));
        assert!(is_der_blob(&STANDARD.encode(&der)));
        assert!(!is_der_blob(&encode("{}")));
    }
}
