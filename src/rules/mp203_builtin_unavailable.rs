//! MP203 builtin-unavailable: The app's Altinn.App version is below what the migration needs (8.7.0).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP203`.

use super::{Code, Context, Finding, Rule, Severity};
use crate::assess::readiness::Blocker;

pub static RULE: Rule = Rule {
    code: Code::MP203,
    name: "builtin-unavailable",
    severity: Severity::Warning,
    summary: "The app's Altinn.App version is below what the migration needs (8.7.0)",
    check,
    doc: r#"## What it does
Reports an app with legacy registrations whose `Altinn.App.Api` (or `Altinn.App.Core`) version is
below 8.7.0, or whose version cannot be determined (a property or central version that does not
resolve).

## Why it matters
The built-in client exists from 8.3.0, but `UseMaskinportenAuthorization` and
`UseMaskinportenAltinnAuthorization` have their stable names only from 8.7.0 (8.5 and 8.6 spell
them `-isation`; 8.3 has no token exchange). Code rewritten for an older version does not compile.

## Example
```xml
<PackageReference Include="Altinn.App.Api" Version="8.2.0" />
```

## Fix
None: upgrade Altinn.App.Api and Altinn.App.Core to 8.7.0 or later, then run the tool again.

## Fix safety
No fix is offered: upgrading a package (and testing the app on it) is left to a person.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let Some(Blocker { reason, site, .. }) =
        context.assessment.gate.iter().find(|b| b.rule == RULE.code)
    else {
        return;
    };
    let registrations = &context.facts.registrations;
    if registrations.is_empty() {
        return;
    }
    let built_in_exists = context
        .project
        .and_then(|p| p.altinn_version.as_ref())
        .is_some_and(|v| v.is_at_least((8, 3, 0)));
    let mut finding = Finding::new(
        &RULE,
        site.clone(),
        format!(
            "{} Upgrade Altinn.App.Api and Altinn.App.Core to 8.7.0 or later before migrating.",
            if built_in_exists {
                "The built-in Maskinporten client exists in this version, but UseMaskinportenAuthorization and UseMaskinportenAltinnAuthorization have their stable names only from 8.7.0, so the legacy registrations cannot be rewritten yet."
            } else {
                "The app's Altinn.App version has no usable built-in Maskinporten client (it arrived in 8.3.0 and has its stable method names from 8.7.0), so the legacy registrations cannot be rewritten yet."
            }
        ),
    )
    .withheld(format!("Upgrading a package is left to a person: {reason}."));
    for r in registrations {
        finding = finding.related(r.site.clone(), "a registration the upgrade unblocks");
    }
    out.push(finding);
}
