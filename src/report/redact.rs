//! Masks secret values in source text before a code frame shows it: string values of secret
//! keys in JSON (`JwkBase64`, `EncodedJwk`, passwords, the private members of a `Jwk`), and any
//! long base64-looking string literal in any file. Masking keeps every byte offset, so the
//! finding's spans still point at the right place.

/// JSON keys whose string values are secrets.
const SECRET_KEYS: [&str; 16] = [
    "jwk",
    "jwkbase64",
    "encodedjwk",
    "encodedx509",
    "clientsecret",
    "password",
    "certificatepkcs12password",
    "enterpriseuserpassword",
    "clientkey",
    "d",
    "p",
    "q",
    "dp",
    "dq",
    "qi",
    "k",
];

/// Strings at least this long that look like base64 are masked wherever they are.
const LONG_BASE64: usize = 32;

/// The text with secret string contents replaced by `*`, byte for byte.
pub fn redact(text: &str) -> String {
    redact_with(text, LONG_BASE64)
}

/// Whether the text shows a secret value: a secret key's value, or a base64 string long enough
/// to be key material (client ids and hashes are shorter).
pub fn shows_secret(text: &str) -> bool {
    redact_with(text, KEY_MATERIAL) != text
}

/// Base64 strings at least this long are taken for key material by `shows_secret`.
const KEY_MATERIAL: usize = 64;

fn redact_with(text: &str, long_base64: usize) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let Some(len) = bytes[start..].iter().position(|&b| b == b'"' || b == b'\n') else {
            break;
        };
        let end = start + len;
        if bytes.get(end) != Some(&b'"') {
            i = end;
            continue;
        }
        let content = &text[start..end];
        if looks_like_base64(content, long_base64) || follows_secret_key(text, i) {
            mask(&mut out[start..end]);
        }
        i = end + 1;
    }
    // Only ASCII bytes inside quoted strings were replaced by ASCII, so the text stays UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn mask(bytes: &mut [u8]) {
    for b in bytes.iter_mut().filter(|b| b.is_ascii()) {
        *b = b'*';
    }
}

fn looks_like_base64(content: &str, long: usize) -> bool {
    content.len() >= long
        && content
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

/// Whether the string starting at `quote` is the value of a JSON property with a secret name:
/// `"name": "value"` (the name is the previous quoted string, separated by a colon).
fn follows_secret_key(text: &str, quote: usize) -> bool {
    let before = text[..quote].trim_end();
    let Some(before) = before.strip_suffix(':') else {
        return false;
    };
    let before = before.trim_end();
    let Some(name_end) = before.strip_suffix('"') else {
        return false;
    };
    let Some(name_start) = name_end.rfind('"') else {
        return false;
    };
    let name = name_end[name_start + 1..].to_ascii_lowercase();
    SECRET_KEYS.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_secret_values_and_keeps_offsets() {
        let text = "{\n  \"ClientId\": \"abc\",\n  \"JwkBase64\": \"eyJrdHki\",\n  \"Jwk\": { \"d\": \"xyz\", \"e\": \"AQAB\" },\n  \"Other\": \"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaA==\"\n}";
        let masked = redact(text);
        assert_eq!(masked.len(), text.len());
        assert!(masked.contains("\"ClientId\": \"abc\""));
        assert!(masked.contains("\"JwkBase64\": \"********\""));
        assert!(masked.contains("\"d\": \"***\""));
        assert!(masked.contains("\"e\": \"AQAB\""));
        assert!(!masked.contains("QUJDREVG"));
    }

    #[test]
    fn leaves_code_alone() {
        let code = "services.AddHttpClient(\"registry\").UseMaskinportenAuthorization(\"altinn:serviceowner/instances.read\");";
        assert_eq!(redact(code), code);
    }
}
