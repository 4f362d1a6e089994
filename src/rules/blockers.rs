//! The blockers of every registration of an app, each place reported once: MP901, MP902 and
//! MP905 report them as findings.

use super::{Context, Finding, Rule, upper_first};
use crate::facts::model::RegistrationKind;

pub fn report(rule: &'static Rule, context: &Context, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    // A client definition is assessed through the handlers that use it (MP104 says which).
    let migrated = context
        .facts
        .registrations
        .iter()
        .filter(|r| !matches!(r.kind, RegistrationKind::ClientDefinition { .. }));
    for r in migrated {
        let verdict = context.assessment.verdict(r);
        for b in verdict.blockers.iter().filter(|b| b.rule == rule.code) {
            if !seen.insert((b.site.file.path.clone(), b.site.span, b.reason.clone())) {
                continue;
            }
            let mut finding =
                Finding::new(rule, b.site.clone(), format!("{}.", upper_first(&b.reason)));
            if b.site.span != r.site.span {
                finding = finding.related(
                    r.site.clone(),
                    "the registration this keeps from being migrated",
                );
            }
            out.push(finding.withheld("A person decides how to replace this; see `explain`."));
        }
    }
}
