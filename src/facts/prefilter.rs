//! The byte prefilter: a C# file is parsed only when it mentions one of the names the extractor
//! looks for. Every legacy entry point, shim and look-alike contains one of these words.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

const NEEDLES: [&str; 4] = [
    "maskinporten",
    "IX509CertificateProvider",
    "IClientDefinition",
    "ITokenCacheProvider",
];

/// Whether a C# file can hold anything the extractor reports.
pub fn may_matter(text: &[u8]) -> bool {
    static MATCHER: OnceLock<AhoCorasick> = OnceLock::new();
    MATCHER
        .get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(NEEDLES)
                .expect("the prefilter patterns are valid")
        })
        .is_match(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_any_casing_and_skips_unrelated_code() {
        assert!(super::may_matter(
            b"services.AddMaskinportenHttpClient<X>()"
        ));
        assert!(super::may_matter(b"class MaskinPortenClientDefinition"));
        assert!(super::may_matter(b"IX509CertificateProvider p"));
        assert!(!super::may_matter(b"public sealed class Handler1 { }"));
    }
}
