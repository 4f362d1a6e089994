//! Which actions a policy's Permit rules grant the service owner: the subject
//! `urn:altinn:org` = `[org]` (or the owner written out), with every other subject match and
//! every action match of the grant taken into account (see `Grant`).

use super::*;

impl PolicyRule {
    /// The lower-cased actions this rule grants `[org]`: nothing unless the effect is Permit.
    pub fn org_actions(&self) -> Vec<String> {
        self.org_actions_for(None)
    }

    /// As [`PolicyRule::org_actions`], also accepting the app's owner written out (`org` from
    /// applicationmetadata.json, e.g. `ttd`) instead of the `[org]` placeholder.
    pub fn org_actions_for(&self, org: Option<&str>) -> Vec<String> {
        let mut actions = Vec::new();
        if self.effect.as_deref() != Some("Permit") {
            return actions;
        }
        for action in self.grants.iter().filter_map(|g| org_action(g, org)) {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
        actions
    }
}

/// The lower-cased actions granted to `[org]` by the Permit rules, without duplicates, in the
/// order first seen. Deny rules are ignored (they never grant); resource matches other than the
/// app itself and Conditions are not evaluated, so a grant limited to one task still counts.
pub fn org_actions(policy: &Policy) -> Vec<String> {
    org_actions_for(policy, None)
}

/// As [`org_actions`], also accepting the app's owner written out instead of `[org]`.
pub fn org_actions_for(policy: &Policy, org: Option<&str>) -> Vec<String> {
    let mut actions: Vec<String> = Vec::new();
    for action in policy.rules.iter().flat_map(|r| r.org_actions_for(org)) {
        if !actions.contains(&action) {
            actions.push(action);
        }
    }
    actions
}

/// The actions of `required` (lower-cased, in the given order) that no Permit rule grants `[org]`.
pub fn missing_org_actions(policy: &Policy, required: &[&str]) -> Vec<String> {
    missing_org_actions_for(policy, None, required)
}

/// As [`missing_org_actions`], also accepting the app's owner written out instead of `[org]`.
pub fn missing_org_actions_for(
    policy: &Policy,
    org: Option<&str>,
    required: &[&str],
) -> Vec<String> {
    let granted = org_actions_for(policy, org);
    let mut missing: Vec<String> = Vec::new();
    for action in required.iter().map(|a| a.to_lowercase()) {
        if !granted.contains(&action) && !missing.contains(&action) {
            missing.push(action);
        }
    }
    missing
}

/// The action a grant gives the org, if it gives one: every subject match must be the org match
/// (another subject constraint, such as a role code, is one the org's token does not carry), and
/// every action match must name the same action (a request has one action-id).
fn org_action(grant: &Grant, org: Option<&str>) -> Option<String> {
    if grant.subjects.is_empty() || !grant.subjects.iter().all(|m| is_org_subject(m, org)) {
        return None;
    }
    let mut actions = grant.actions.iter().map(action_name);
    let first = actions.next()??;
    actions
        .all(|other| other.as_ref() == Some(&first))
        .then_some(first)
}

fn is_org_subject(m: &AttributeMatch, org: Option<&str>) -> bool {
    let names_org = m.value.eq_ignore_ascii_case(ORG_PLACEHOLDER)
        || org.is_some_and(|org| m.value.eq_ignore_ascii_case(org));
    is_string_equality(&m.match_id)
        && m.attribute_id == ORG_ATTRIBUTE
        && m.category == ACCESS_SUBJECT
        && names_org
}

/// The lower-cased action an action match names; `None` for a match this reader cannot decide.
fn action_name(m: &AttributeMatch) -> Option<String> {
    (is_string_equality(&m.match_id) && m.attribute_id == ACTION_ID).then(|| m.value.to_lowercase())
}

fn is_string_equality(match_id: &str) -> bool {
    match_id == STRING_EQUAL || match_id == STRING_EQUAL_IGNORE_CASE
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn template_grants_the_service_owner_its_four_actions() {
        let policy = parsed(TEMPLATE);
        assert_eq!(policy.rules.len(), 2);
        assert_eq!(
            org_actions(&policy),
            ["read", "write", "instantiate", "complete"]
        );
        assert!(missing_org_actions(&policy, &["read", "write", "complete"]).is_empty());
        assert!(
            policy.rules[0].org_actions().is_empty(),
            "rule 1 is for PRIV/DAGL"
        );
        assert_eq!(policy.rules[1].grants.len(), 4);
        assert_eq!(policy.rules[1].grants[0].resources.len(), 2);
        assert_eq!(
            policy.rules[1].rule_id.as_deref(),
            Some("urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:2")
        );
        assert_eq!(policy.prefix.as_deref(), Some("xacml"));
        assert_eq!(
            policy.policy_id.as_deref(),
            Some("urn:altinn:resource:app_[ORG]_[APP]:policyid:1")
        );
        assert_eq!(policy.indent, "  ");
        assert_eq!(
            policy.rule_id_prefix,
            "urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:"
        );
        assert_eq!(policy.max_rule_number, 2);
        assert!(!policy.rules[1].has_condition);
    }

    #[test]
    fn generated_policy_with_its_org_rule() {
        let text = generated(true);
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert_eq!(org_actions(&policy), ["read", "write"]);
        assert_eq!(
            missing_org_actions(&policy, &["read", "write", "complete"]),
            ["complete"]
        );
        let at = source.position(policy.insert_at);
        assert_eq!(source.line_text(at.line), "</xacml:Policy>");
        assert_eq!(at.column, 1);
    }

    #[test]
    fn policy_without_org_rule_misses_read_and_write() {
        let text = generated(false);
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert!(policy.rules.is_empty());
        assert!(org_actions(&policy).is_empty());
        assert_eq!(
            missing_org_actions(&policy, &["Read", "write"]),
            ["read", "write"]
        );
        // No Rule to copy: the Policy's Target shows the indentation; the PolicyId the RuleId stem.
        assert_eq!(policy.indent, "  ");
        assert_eq!(
            policy.rule_id_prefix,
            "urn:altinn:example:policyid:1:ruleid:"
        );
        assert_eq!(policy.max_rule_number, 0);
        assert_eq!(
            source.line_text(source.position(policy.insert_at).line),
            "</xacml:Policy>"
        );
    }

    #[test]
    fn org_rule_with_only_read() {
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Permit",
            &[any_of(&[&org("[org]")]), any_of(&[&action("read")])],
        )]);
        let policy = parsed(&text);
        assert_eq!(org_actions(&policy), ["read"]);
        assert_eq!(missing_org_actions(&policy, &["read", "write"]), ["write"]);
    }

    #[test]
    fn default_namespace_policy() {
        let text = policy_with(&[(
            "urn:test:ruleid:4",
            "Permit",
            &[
                any_of(&[&org("[ORG]")]),
                any_of(&[&action("Read"), &action("write")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.prefix, None);
        assert_eq!(policy.indent, "    ");
        assert_eq!(
            org_actions(&policy),
            ["read", "write"],
            "value compared ignoring case"
        );
        assert_eq!(policy.rule_id_prefix, "urn:test:ruleid:");
        assert_eq!(policy.max_rule_number, 4);
    }

    #[test]
    fn deny_rule_for_org_is_not_a_grant() {
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Deny",
            &[
                any_of(&[&org("[org]")]),
                any_of(&[&action("read"), &action("write")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants.len(), 2);
        assert!(org_actions(&policy).is_empty());
    }

    #[test]
    fn any_of_elements_are_anded() {
        // The org must also hold the DAGL role, which an org token does not: no grant.
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Permit",
            &[
                any_of(&[&org("[org]")]),
                any_of(&[&role("dagl")]),
                any_of(&[&action("read")]),
            ],
        )]);
        assert!(org_actions(&parsed(&text)).is_empty());
    }

    #[test]
    fn all_of_elements_are_ored() {
        // Users with DAGL, or the org, may read and write.
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Permit",
            &[
                any_of(&[&role("dagl"), &org("[org]")]),
                any_of(&[&action("read"), &action("write")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants.len(), 4);
        assert_eq!(org_actions(&policy), ["read", "write"]);
    }

    #[test]
    fn matches_in_one_all_of_must_all_hold() {
        // A request has one action, so read AND write in one AllOf never matches.
        let both = format!("{}{}", action("read"), action("write"));
        let org_and_role = format!("{}{}", org("[org]"), role("dagl"));
        let text = policy_with(&[
            (
                "urn:test:ruleid:1",
                "Permit",
                &[any_of(&[&org("[org]")]), any_of(&[&both])],
            ),
            (
                "urn:test:ruleid:2",
                "Permit",
                &[any_of(&[&org_and_role]), any_of(&[&action("read")])],
            ),
        ]);
        assert!(org_actions(&parsed(&text)).is_empty());
    }

    #[test]
    fn other_orgs_and_other_attributes_do_not_count() {
        let recipient = m(
            STRING_EQUAL,
            "[org]",
            ORG_ATTRIBUTE,
            "urn:oasis:names:tc:xacml:1.0:subject-category:recipient-subject",
        );
        let regexp = m(
            "urn:oasis:names:tc:xacml:1.0:function:string-regexp-match",
            "[org]",
            ORG_ATTRIBUTE,
            ACCESS_SUBJECT,
        );
        let text = policy_with(&[
            (
                "r:1",
                "Permit",
                &[any_of(&[&org("ttd")]), any_of(&[&action("read")])],
            ),
            (
                "r:2",
                "Permit",
                &[any_of(&[&recipient]), any_of(&[&action("read")])],
            ),
            (
                "r:3",
                "Permit",
                &[any_of(&[&regexp]), any_of(&[&action("read")])],
            ),
            ("r:4", "Permit", &[any_of(&[&org("[org]")])]),
        ]);
        assert!(org_actions(&parsed(&text)).is_empty());
    }

    #[test]
    fn the_owner_written_out_counts_when_given() {
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[any_of(&[&org("TTD")]), any_of(&[&action("read")])],
        )]);
        let policy = parsed(&text);
        assert!(org_actions(&policy).is_empty());
        assert_eq!(org_actions_for(&policy, Some("ttd")), ["read"]);
        assert!(org_actions_for(&policy, Some("tdd")).is_empty());
        assert_eq!(
            missing_org_actions_for(&policy, Some("ttd"), &["read", "write"]),
            ["write"]
        );
    }

    #[test]
    fn policy_target_narrows_every_rule() {
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[any_of(&[&org("[org]")]), any_of(&[&action("read")])],
        )])
        .replace(
            "<Target/>",
            &format!("<Target>{}</Target>", any_of(&[&role("dagl")])),
        );
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants[0].subjects.len(), 2);
        assert!(org_actions(&policy).is_empty());
    }

    #[test]
    fn resource_limits_and_conditions_are_recorded_but_still_count() {
        let task = m(STRING_EQUAL, "Task_1", "urn:altinn:task", RESOURCE_CATEGORY);
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[
                any_of(&[&org("[org]")]),
                any_of(&[&task]),
                any_of(&[&action("write")]),
            ],
        )])
        .replace(
            "</Target>\n    </Rule>",
            "</Target>\n      <Condition><Apply FunctionId=\"f\"/></Condition>\n    </Rule>",
        );
        let policy = parsed(&text);
        let rule = &policy.rules[0];
        assert!(rule.has_condition);
        assert_eq!(rule.grants[0].resources[0].value, "Task_1");
        assert_eq!(org_actions(&policy), ["write"]);
    }
}
