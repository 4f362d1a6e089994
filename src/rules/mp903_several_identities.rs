//! MP903 several-identities: More than one Maskinporten identity (settings source) in one app.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP903`.

use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity};
use crate::core::Site;
use crate::facts::model::Registration;

pub static RULE: Rule = Rule {
    code: Code::MP903,
    name: "several-identities",
    severity: Severity::Warning,
    summary: "More than one Maskinporten identity (settings source) in one app",
    check,
    doc: r#"## What it does
Reports an app whose legacy registrations read their credentials from more than one place:
different configuration sections (compared without case; two sections whose `ClientId` in
appsettings is the same count as one), or settings objects with different client ids.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning | the same | **info**: one identity is the one Altinn Studio provisions, every other stays on the legacy package; it blocks only registrations that could otherwise move |

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

## Fix safety
No fix is offered: which identity the app keeps is a decision for a person.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    // The first registration of each identity, in source order.
    let firsts: Vec<(&Registration, &str)> = context
        .assessment
        .identities
        .distinct()
        .iter()
        .map(|(identity, id)| (&context.facts.registrations[*id], identity.as_str()))
        .collect();
    if firsts.len() < 2 {
        return;
    }
    let describe = |r: &Registration| {
        r.settings
            .as_ref()
            .map_or("its settings".to_string(), |(s, _)| s.describe())
    };
    let (first, _) = firsts[0];
    let names: Vec<String> = firsts.iter().map(|(r, _)| describe(r)).collect();
    let v9 = context.assessment.model == crate::assess::VersionModel::V9;
    let tail = if v9 {
        " On Altinn.App 9.0.0-preview.6 and later that is the supported way: the built-in client keeps the one identity Altinn Studio provisions, and each other identity stays on the legacy package."
    } else {
        ""
    };
    let mut finding = Finding::new(
        &RULE,
        first.site.clone(),
        format!(
            "The app's legacy registrations read Maskinporten credentials from {} different places ({}); unless they hold the same client, the app signs as several identities, and the built-in client has one identity per app, so migrating merges them.{tail}",
            firsts.len(),
            names.join(", ")
        ),
    )
    .when_if(v9, Circumstance::StaysOnLegacyPackage);
    for (r, _) in &firsts[1..] {
        finding = finding.related(r.site.clone(), format!("another identity: {}", describe(r)));
    }
    for (r, _) in &firsts {
        for client_id in client_id_sites(context, r) {
            finding = finding.related(client_id, "the client id of this identity");
        }
    }
    out.push(finding.withheld("Which identity the app keeps is a decision for a person."));
}

/// The `ClientId` keys of the registration's section in the appsettings files.
fn client_id_sites(context: &Context, r: &Registration) -> Vec<Site> {
    let Some(path) = r.settings.as_ref().and_then(|(s, _)| s.section_path()) else {
        return Vec::new();
    };
    let key = format!("{path}:ClientId");
    context
        .facts
        .appsettings
        .iter()
        .filter_map(|f| {
            f.get(&key).map(|e| Site {
                file: f.file.clone(),
                span: e.key_span,
            })
        })
        .collect()
}
