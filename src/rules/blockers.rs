//! The blockers of every registration of an app, each place reported once: MP901, MP902 and
//! MP905 report them as findings.

use super::{Circumstance, Context, Finding, Rule, upper_first};
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
            let stays = context.assessment.stays_on_legacy_package(context.facts, r);
            let (tail, related, withheld) = if stays {
                (
                    " It stays on the legacy package, the supported way to use a second identity on Altinn.App 9.0.0-preview.6 and later.",
                    "the registration that stays on the legacy package",
                    format!(
                        "Nothing to migrate: the legacy package carries this identity (see {} for its package reference).",
                        crate::core::Code::MP110
                    ),
                )
            } else {
                (
                    "",
                    "the registration this keeps from being migrated",
                    "A person decides how to replace this; see `explain`.".to_string(),
                )
            };
            let mut finding = Finding::new(
                rule,
                b.site.clone(),
                format!("{}.{tail}", upper_first(&b.reason)),
            )
            .when_if(stays, Circumstance::StaysOnLegacyPackage);
            if b.site.span != r.site.span {
                finding = finding.related(r.site.clone(), related);
            }
            out.push(finding.withheld(withheld));
        }
    }
}
