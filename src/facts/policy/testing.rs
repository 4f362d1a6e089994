//! Test policies and builders shared by the policy reader's, the grant logic's and the rule
//! renderer's tests. The full policies are files under `tests/data/policy/`.

use std::path::Path;

use super::*;
use crate::core::SourceFile;

/// The v8 app template's policy.xml (app-lib-dotnet
/// `test/Altinn.App.Integration.Tests/_testapps/basic/App/config/authorization/policy.xml`,
/// BOM removed): rule 1 for end users, rule 2 for the service owner, then obligations.
pub const TEMPLATE: &str = include_str!("../../../tests/data/policy/template.xml");

/// The shape `bench/gen_apps.py` writes, with and without its service-owner rule.
pub fn generated(with_org_rule: bool) -> String {
    if with_org_rule {
        include_str!("../../../tests/data/policy/generated-with-org-rule.xml").to_string()
    } else {
        include_str!("../../../tests/data/policy/generated.xml").to_string()
    }
}

/// A `<Match>` in the template's layout, without prefix.
pub fn m(match_id: &str, value: &str, attribute_id: &str, category: &str) -> String {
    format!(
        r#"<Match MatchId="{match_id}"><AttributeValue DataType="{STRING_TYPE}">{value}</AttributeValue><AttributeDesignator AttributeId="{attribute_id}" Category="{category}" DataType="{STRING_TYPE}" MustBePresent="false"/></Match>"#
    )
}

pub fn org(value: &str) -> String {
    m(
        STRING_EQUAL_IGNORE_CASE,
        value,
        ORG_ATTRIBUTE,
        ACCESS_SUBJECT,
    )
}

pub fn action(name: &str) -> String {
    m(STRING_EQUAL, name, ACTION_ID, ACTION_CATEGORY)
}

pub fn role(code: &str) -> String {
    m(
        STRING_EQUAL_IGNORE_CASE,
        code,
        "urn:altinn:rolecode",
        ACCESS_SUBJECT,
    )
}

/// `<AnyOf>` over AllOf elements, each given as its concatenated matches.
pub fn any_of(all_ofs: &[&str]) -> String {
    let inner: String = all_ofs
        .iter()
        .map(|all_of| format!("<AllOf>{all_of}</AllOf>"))
        .collect();
    format!("<AnyOf>{inner}</AnyOf>")
}

/// A default-namespace policy, one element per line, with these rules.
pub fn policy_with(rules: &[(&str, &str, &[String])]) -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Policy xmlns=\"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17\" PolicyId=\"urn:test:policyid:1\" RuleCombiningAlgId=\"urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides\">\n    <Target/>\n",
    );
    for (id, effect, any_ofs) in rules {
        text.push_str(&format!(
            "    <Rule RuleId=\"{id}\" Effect=\"{effect}\">\n      <Target>{}</Target>\n    </Rule>\n",
            any_ofs.concat()
        ));
    }
    text.push_str("</Policy>\n");
    text
}

pub fn file(text: &str) -> SourceFile {
    SourceFile::from_text(Path::new("policy.xml"), text.to_string(), false)
}

pub fn parsed(text: &str) -> Policy {
    parse(&file(text)).expect("test policy parses")
}
