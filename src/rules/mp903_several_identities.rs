use super::{Applies, Context, Finding, Rule, Severity};
use crate::facts::model::RegistrationKind;
use crate::fixes::readiness::identity_of;

pub static RULE: Rule = Rule {
    code: "MP903",
    name: "several-identities",
    severity: Severity::Warning,
    summary: "More than one Maskinporten identity (settings source) in one app",
    applies: Applies::Apps,
    check,
    doc: r#"## What it does
Reports an app whose legacy registrations read their credentials from more than one place:
different configuration sections (compared without case), or settings objects with different
client ids or keys.

## Why it matters
The built-in client has one identity per app: the one Altinn Studio provisions. Migrating every
registration to it merges several Maskinporten clients into one, which then needs all their
scopes, and possibly scopes owned by other organisations.

## Example
```csharp
services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, KartverketClient>(config.GetSection("MPKartverket"));
services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, TeamClient>(config.GetSection("MaskinportenSettings-TeamApps1"));
```

## Fix
None: decide which identity the app keeps (usually the Studio-provisioned one) and whether the
other integrations stay on their own client.
"#,
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let owners: Vec<_> = context
        .facts
        .registrations
        .iter()
        .filter(|r| !matches!(r.kind, RegistrationKind::MessageHandler { .. }))
        .filter_map(|r| Some((r, identity_of(r, context.facts)?)))
        .collect();
    let mut identities: Vec<&String> = owners.iter().map(|(_, i)| i).collect();
    identities.sort();
    identities.dedup();
    if identities.len() < 2 {
        return;
    }
    for (r, identity) in &owners {
        let others: Vec<_> = owners.iter().filter(|(_, i)| i != identity).collect();
        let describe = |reg: &crate::facts::model::Registration| {
            reg.settings
                .as_ref()
                .map_or("its settings".to_string(), |(s, _)| s.describe())
        };
        let mut finding = Finding::new(
            &RULE,
            r.site.clone(),
            format!(
                "This registration signs as the identity in {}, and the app uses {} other Maskinporten identit{} too; the built-in client has one identity per app.",
                describe(r),
                identities.len() - 1,
                if identities.len() == 2 { "y" } else { "ies" }
            ),
        );
        for (other, _) in others {
            finding = finding.related(
                other.site.clone(),
                format!("another identity: {}", describe(other)),
            );
        }
        out.push(finding.withheld("Which identity the app keeps is a decision for a person."));
    }
}
