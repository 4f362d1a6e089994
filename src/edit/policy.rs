//! The `[org]` rule MP501 inserts into policy.xml: one `<Rule>` shaped like the app template's
//! service-owner rule, in the file's own prefix, indentation and line endings, with a RuleId no
//! other rule has.

use crate::core::SourceFile;
use crate::edit::text::line_ending;
use crate::facts::policy::*;

/// A RuleId no existing rule has: the stem with the next number.
pub fn new_rule_id(policy: &Policy) -> String {
    // u128 so that a suffix of u64::MAX still has a successor.
    let mut number = u128::from(policy.max_rule_number) + 1;
    loop {
        let id = format!("{}{number}", policy.rule_id_prefix);
        if !policy
            .rules
            .iter()
            .any(|r| r.rule_id.as_deref() == Some(&id))
        {
            return id;
        }
        number += 1;
    }
}

/// One `<Rule>` that grants `[org]` the given actions, shaped like the template's service-owner
/// rule and written in the file's prefix, indentation and line endings, ready to be inserted at
/// `policy.insert_at`. Empty when `actions` is empty (a rule without actions grants nothing).
pub fn render_org_rule(file: &SourceFile, policy: &Policy, actions: &[&str]) -> String {
    if actions.is_empty() {
        return String::new();
    }
    let p = policy
        .prefix
        .as_deref()
        .map_or(String::new(), |prefix| format!("{prefix}:"));
    let mut w = RuleWriter {
        policy,
        line_ending: line_ending(file),
        p: p.clone(),
        out: String::new(),
    };
    if policy.insert_needs_line_break {
        w.out.push_str(w.line_ending);
    }
    let id = escape(&new_rule_id(policy));
    w.line(1, &format!("<{p}Rule RuleId=\"{id}\" Effect=\"Permit\">"));
    let description = escape(&format!(
        "Added by maskinporten-migrate for Maskinporten service-owner access: gives the app owner ({ORG_PLACEHOLDER}) the rights {}.",
        actions.join(", ")
    ));
    w.line(
        2,
        &format!("<{p}Description>{description}</{p}Description>"),
    );
    w.line(2, &format!("<{p}Target>"));
    w.any_of(&[&[(
        STRING_EQUAL_IGNORE_CASE,
        ORG_PLACEHOLDER,
        ORG_ATTRIBUTE,
        ACCESS_SUBJECT,
    )]]);
    w.any_of(&[&[
        (STRING_EQUAL, "[ORG]", ORG_ATTRIBUTE, RESOURCE_CATEGORY),
        (STRING_EQUAL, "[APP]", APP_ATTRIBUTE, RESOURCE_CATEGORY),
    ]]);
    // One AllOf per action: the AnyOf then allows any of them, as in the template.
    let action_matches: Vec<[MatchSpec; 1]> = actions
        .iter()
        .map(|action| {
            [(
                STRING_EQUAL_IGNORE_CASE,
                *action,
                ACTION_ID,
                ACTION_CATEGORY,
            )]
        })
        .collect();
    let action_all_ofs: Vec<&[MatchSpec]> = action_matches.iter().map(|m| &m[..]).collect();
    w.any_of(&action_all_ofs);
    w.line(2, &format!("</{p}Target>"));
    w.line(1, &format!("</{p}Rule>"));
    w.out
}

/// MatchId, value, AttributeId, Category.
type MatchSpec<'a> = (&'a str, &'a str, &'a str, &'a str);

struct RuleWriter<'p> {
    policy: &'p Policy,
    line_ending: &'static str,
    /// The element prefix with its colon (`xacml:`), or empty.
    p: String,
    out: String,
}

impl RuleWriter<'_> {
    /// Writes one line `level` indentation units deep (the Rule itself is at level 1).
    fn line(&mut self, level: usize, content: &str) {
        for _ in 0..level {
            self.out.push_str(&self.policy.indent);
        }
        self.out.push_str(content);
        self.out.push_str(self.line_ending);
    }

    fn any_of(&mut self, all_ofs: &[&[MatchSpec]]) {
        let p = self.p.clone();
        self.line(3, &format!("<{p}AnyOf>"));
        for all_of in all_ofs {
            self.line(4, &format!("<{p}AllOf>"));
            for spec in all_of.iter() {
                self.match_element(spec);
            }
            self.line(4, &format!("</{p}AllOf>"));
        }
        self.line(3, &format!("</{p}AnyOf>"));
    }

    fn match_element(&mut self, &(match_id, value, attribute_id, category): &MatchSpec) {
        let p = self.p.clone();
        let value = escape(value);
        self.line(5, &format!("<{p}Match MatchId=\"{match_id}\">"));
        self.line(
            6,
            &format!("<{p}AttributeValue DataType=\"{STRING_TYPE}\">{value}</{p}AttributeValue>"),
        );
        self.line(
            6,
            &format!(
                "<{p}AttributeDesignator AttributeId=\"{attribute_id}\" Category=\"{category}\" DataType=\"{STRING_TYPE}\" MustBePresent=\"false\" />"
            ),
        );
        self.line(5, &format!("</{p}Match>"));
    }
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::policy::grants::{missing_org_actions, org_actions};
    use crate::facts::policy::testing::*;
    use std::path::Path;

    /// The file with `render_org_rule(actions)` inserted where the policy says.
    fn with_rule(file: &SourceFile, policy: &Policy, actions: &[&str]) -> String {
        let at = policy.insert_at - file.text_offset();
        let mut text = file.text.clone();
        text.insert_str(at, &render_org_rule(file, policy, actions));
        text
    }

    #[test]
    fn crlf_rule_is_rendered_with_crlf() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(generated(false).replace('\n', "\r\n").as_bytes());
        let source = SourceFile::from_bytes(Path::new("policy.xml"), bytes).unwrap();
        let policy = parse(&source).unwrap();
        let rule = render_org_rule(&source, &policy, &["read", "write"]);
        assert_eq!(rule.matches('\n').count(), rule.matches("\r\n").count());
        let fixed = with_rule(&source, &policy, &["read", "write"]);
        let again = parsed(&fixed);
        assert!(missing_org_actions(&again, &["read", "write"]).is_empty());
        assert!(fixed.contains("</xacml:Rule>\r\n"));
    }

    #[test]
    fn rendered_rule_makes_the_policy_complete() {
        let source = file(&generated(false));
        let policy = parse(&source).unwrap();
        let fixed = with_rule(&source, &policy, &["read", "write", "complete"]);
        let again = parsed(&fixed);
        assert_eq!(again.rules.len(), 1);
        assert_eq!(
            again.rules[0].rule_id.as_deref(),
            Some("urn:altinn:example:policyid:1:ruleid:1")
        );
        assert!(missing_org_actions(&again, &["read", "write", "complete"]).is_empty());
        assert!(fixed.contains(
            "\n  <xacml:Rule RuleId=\"urn:altinn:example:policyid:1:ruleid:1\" Effect=\"Permit\">\n    <xacml:Description>Added by maskinporten-migrate for Maskinporten service-owner access"
        ));
        assert!(fixed.ends_with("  </xacml:Rule>\n</xacml:Policy>\n"));
    }

    #[test]
    fn rendered_rule_matches_the_template_rule_shape() {
        let source = file(&generated(false));
        let policy = parse(&source).unwrap();
        let rule = render_org_rule(&source, &policy, &["read"]);
        let expected = format!(
            r#"  <xacml:Rule RuleId="urn:altinn:example:policyid:1:ruleid:1" Effect="Permit">
    <xacml:Description>Added by maskinporten-migrate for Maskinporten service-owner access: gives the app owner ([org]) the rights read.</xacml:Description>
    <xacml:Target>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="{STRING_EQUAL_IGNORE_CASE}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">[org]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="{ACCESS_SUBJECT}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="{STRING_EQUAL}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">[ORG]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="{RESOURCE_CATEGORY}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
          <xacml:Match MatchId="{STRING_EQUAL}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">[APP]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:app" Category="{RESOURCE_CATEGORY}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="{STRING_EQUAL_IGNORE_CASE}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">read</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="{ACTION_ID}" Category="{ACTION_CATEGORY}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
"#
        );
        pretty_assertions::assert_eq!(rule, expected);
        assert_eq!(render_org_rule(&source, &policy, &[]), "");
    }

    #[test]
    fn rendered_rule_into_the_template_keeps_schema_order_and_a_unique_id() {
        // The template minus its service-owner rule: end users only.
        let source = file(TEMPLATE);
        let template = parse(&source).unwrap();
        let org_rule = template.rules[1].span;
        let mut text = TEMPLATE.to_string();
        // From the start of its line through its line ending.
        text.replace_range(org_rule.start - 2..org_rule.end + 1, "");
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert_eq!(
            missing_org_actions(&policy, &["read", "write"]),
            ["read", "write"]
        );
        let fixed = with_rule(&source, &policy, &["read", "write"]);
        let again = parsed(&fixed);
        assert_eq!(
            again.rules[1].rule_id.as_deref(),
            Some("urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:2")
        );
        assert!(missing_org_actions(&again, &["read", "write"]).is_empty());
        let rule_end = fixed.find("</xacml:Rule>\n  <xacml:ObligationExpressions>");
        assert!(
            rule_end.is_some(),
            "the new rule sits right before the obligations"
        );
    }

    #[test]
    fn new_rule_id_follows_the_highest_number() {
        let text = policy_with(&[
            ("urn:test:ruleid:7", "Permit", &[]),
            ("urn:other:3", "Permit", &[]),
            ("no-number", "Permit", &[]),
        ]);
        let policy = parsed(&text);
        assert_eq!(policy.max_rule_number, 7);
        assert_eq!(new_rule_id(&policy), "urn:test:ruleid:8");
        let text = policy_with(&[("r:18446744073709551615", "Permit", &[])]);
        assert_eq!(new_rule_id(&parsed(&text)), "r:18446744073709551616");
    }

    #[test]
    fn one_line_policy_gets_the_rule_on_a_new_line() {
        let text = format!(
            "<Policy PolicyId=\"p\"><Rule RuleId=\"p:ruleid:1\" Effect=\"Permit\"><Target>{}</Target></Rule></Policy>",
            any_of(&[&role("dagl")])
        );
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert!(policy.insert_needs_line_break);
        assert_eq!(policy.indent, DEFAULT_INDENT);
        let fixed = with_rule(&source, &policy, &["read", "write"]);
        assert!(fixed.ends_with("</Rule>\n</Policy>"), "{fixed}");
        let again = parsed(&fixed);
        assert_eq!(again.rules.len(), 2);
        assert_eq!(org_actions(&again), ["read", "write"]);
    }

    #[test]
    fn no_prefix_of_the_template_panics() {
        let boundaries = (0..=TEMPLATE.len()).filter(|&i| TEMPLATE.is_char_boundary(i));
        for end in boundaries.step_by(7) {
            let source = file(&TEMPLATE[..end]);
            if let Ok(policy) = parse(&source) {
                let _ = render_org_rule(&source, &policy, &["read"]);
            }
        }
        for garbage in [
            "",
            "<",
            "<>",
            "</Policy>",
            "<Policy",
            "&amp;",
            "<Policy>&bogus;</Policy>",
        ] {
            let _ = parse(&file(garbage));
        }
    }
}
