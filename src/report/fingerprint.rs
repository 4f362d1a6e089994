//! A finding's fingerprint: stable across edits elsewhere in the file (it hashes the rule, the
//! path and the construct's own text with whitespace folded, never a line number), so SARIF
//! consumers and baselines recognise the same finding after unrelated lines move.

use crate::rules::Finding;

/// FNV-1a, 64 bits: small, stable across platforms and releases (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

pub fn of(finding: &Finding) -> String {
    let text: Vec<&str> = finding.site.text().split_whitespace().collect();
    let key = format!(
        "{}|{}|{}",
        finding.rule.code,
        finding.site.file.display,
        text.join(" ")
    );
    format!("{:016x}", fnv1a(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(super::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
