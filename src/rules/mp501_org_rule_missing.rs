//! MP501 org-rule-missing: policy.xml has no rule granting [org] read and write (and complete on Altinn.App 9).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP501`.

use super::{Code, Context, Finding, Rule, Severity};
use crate::core::Site;
use crate::core::Span;
use crate::edit::policy::{new_rule_id, render_org_rule};
use crate::edit::{Edit, Fix, Safety};
use crate::facts::policy::grants::{missing_org_actions_for, org_actions_for};

pub static RULE: Rule = Rule {
    code: Code::MP501,
    name: "org-rule-missing",
    severity: Severity::Error,
    summary: "policy.xml has no rule granting [org] read and write (and complete on Altinn.App 9)",
    check,
    doc: r#"## What it does
Reads `App/config/authorization/policy.xml` (XACML 3.0, with or without a namespace prefix, BOM
allowed) of an app that uses Maskinporten (or is on Altinn.App 9, which always gets the
service-owner scopes), and reports when no Permit rule grants the subject `urn:altinn:org` =
`[org]` the actions `read` and `write`, and `complete` on Altinn.App 9. A policy that names the
owner itself (the `org` of `config/applicationmetadata.json`) counts too.

## Why it matters
With Studio-managed Maskinporten scopes the app calls its own and other Altinn APIs as the
service owner. Without the `[org]` rule, those calls are denied: instances cannot be read or
written (or completed by the v9 workflow engine) by the app's own integrations.

## Example
A policy with only the end-user rule (`[ORG]`/`[APP]` resources, PRIV/DAGL roles) and no
`urn:altinn:org` subject.

## Fix
Inserts one rule granting `[org]` the missing actions before the obligations, in the file's own
prefix, indentation and line endings, with a new unique RuleId.

## Fix safety
**Safe**: one rule is added that grants the app owner (`[org]`) the missing actions; no
existing rule changes, so the policy only allows more, and only for the service owner. The rule
gets a RuleId no other rule has, and the file's prefix, indentation and line endings.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let facts = context.facts;
    let uses_maskinporten = !facts.registrations.is_empty()
        || !facts.builtin_clients.is_empty()
        || !facts.token_requests.is_empty()
        || !facts.client_overrides.is_empty()
        || !facts.token_services.is_empty()
        || !facts.shims.is_empty();
    if !(uses_maskinporten || context.is_v9()) {
        return;
    }
    let required: &[&str] = if context.is_v9() {
        &["read", "write", "complete"]
    } else {
        &["read", "write"]
    };
    for p in &facts.policies {
        let missing = missing_org_actions_for(&p.policy, p.org.as_deref(), required);
        if missing.is_empty() {
            continue;
        }
        let granted = org_actions_for(&p.policy, p.org.as_deref());
        let has_rule = !granted.is_empty();
        let anchor = Span::new(p.policy.insert_at, p.policy.insert_at);
        let message = format!(
            "No rule in the policy lets the service owner ([org]) {}{}; calls the app makes as the service owner with its Maskinporten token are denied for {}.",
            missing.join(", "),
            if has_rule {
                format!(" (it may only {})", granted.join(", "))
            } else {
                String::new()
            },
            if missing.len() == 1 {
                "that action"
            } else {
                "those actions"
            }
        );
        let mut finding = Finding::new(
            &RULE,
            Site {
                file: p.file.clone(),
                span: anchor,
            },
            message,
        );
        for rule in p
            .policy
            .rules
            .iter()
            .filter(|r| !r.org_actions_for(p.org.as_deref()).is_empty())
        {
            finding = finding.related(
                Site {
                    file: p.file.clone(),
                    span: rule.span,
                },
                "the service owner's rule, which lacks the actions",
            );
        }
        let actions: Vec<&str> = missing.iter().map(String::as_str).collect();
        finding.fix = Some(Fix {
            safety: Safety::Safe,
            description: format!(
                "add a rule granting [org] {} (RuleId {})",
                missing.join(", "),
                new_rule_id(&p.policy)
            ),
            edits: vec![Edit {
                site: Site {
                    file: p.file.clone(),
                    span: anchor,
                },
                replacement: render_org_rule(&p.file, &p.policy, &actions),
            }],
        });
        out.push(finding);
    }
}
