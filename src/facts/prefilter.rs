//! The byte prefilter: a C# file is parsed only when it mentions one of the words of
//! `catalogue::PREFILTER_WORDS`. Every legacy entry point, namespace and shim contains one of
//! them, and so does a host set-up that orders configuration sources (web host, Key Vault); they
//! are spelled as C# (which is case-sensitive) requires, and an exact search is many times faster
//! than a case-insensitive one.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::core::catalogue;

/// Whether a C# file can hold anything the extractor reports.
pub fn may_matter(text: &[u8]) -> bool {
    static MATCHER: OnceLock<AhoCorasick> = OnceLock::new();
    MATCHER
        .get_or_init(|| {
            AhoCorasick::builder()
                .build(catalogue::PREFILTER_WORDS)
                .expect("the prefilter patterns are valid")
        })
        .is_match(text)
}

#[cfg(test)]
mod tests {
    use super::may_matter;

    #[test]
    fn matches_the_names_and_skips_unrelated_code() {
        assert!(may_matter(b"services.AddMaskinportenHttpClient<X>()"));
        assert!(may_matter(
            b"using Altinn.ApiClients.Maskinporten.Services;"
        ));
        assert!(may_matter(
            b"class MaskinPortenDefinition : IClientDefinition"
        ));
        assert!(may_matter(b"IX509CertificateProvider p"));
        assert!(!may_matter(b"public sealed class Handler1 { }"));
        assert!(!may_matter(b"// maskinporten, in a comment in lower case"));
    }
}
