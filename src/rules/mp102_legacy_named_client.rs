//! MP102 legacy-named-client: Named HttpClient registered with the legacy AddMaskinportenHttpClient<TDef>("name", ...).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP102`.

use super::registration::{self, V9_NOTE};
use super::{Adjustment, Code, Context, Finding, Rule, Severity};
use crate::facts::model::RegistrationKind;

pub static RULE: Rule = Rule {
    code: Code::MP102,
    name: "legacy-named-client",
    severity: Severity::Error,
    summary: "Named HttpClient registered with the legacy AddMaskinportenHttpClient<TDef>(\"name\", ...)",
    check,
    doc: r#"## What it does
Finds `AddMaskinportenHttpClient<TClientDefinition>("name", settings[, configure])` calls of the
legacy `Altinn.ApiClients.Maskinporten` library in an Altinn app. The name may be a literal, a
string constant of the project or `nameof(...)`.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| error; migrated to the built-in client when nothing blocks it | error; the same, and the code compiles only with the project's own legacy PackageReference from preview.4 (MP110) | error while it can migrate; **info** when only MP901, MP902 or MP903 block it: it stays on the legacy package, the supported way to a second identity (MP110 adds the reference) |

## Why it matters
Clients created with `IHttpClientFactory.CreateClient("name")` get their token from the legacy
handler, which uses credentials the app manages itself instead of the ones Altinn Studio
provisions. Altinn.App 9 no longer brings the legacy package.

## Example
```csharp
services.AddMaskinportenHttpClient<SettingsJwkClientDefinition>(
    "registry", config.GetSection("MaskinportenSettings"),
    cd => cd.ClientSettings.Scope = "altinn:serviceowner/instances.read");
```
becomes
```csharp
services.AddHttpClient("registry").UseMaskinportenAuthorization("altinn:serviceowner/instances.read");
```

## Fix
`AddHttpClient("name").UseMaskinportenAuthorization(scopes)` (or
`UseMaskinportenAltinnAuthorization` when the token is exchanged). Withheld, with the reason, in
the same cases as MP101: version below 8.7.0 (MP203), a certificate or custom definition (MP901),
an unsupported setting (MP902), several identities (MP903), or an unknown scope (MP905).

## Fix safety
**Safe**, as MP101: `IHttpClientFactory.CreateClient("name")` still finds the client under
the same name, with the same scopes and exchange. **Withheld** in the same cases as MP101.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let mut usings = registration::Usings::default();
    for r in &context.facts.registrations {
        let RegistrationKind::NamedClient { name } = &r.kind else {
            continue;
        };
        let message = format!(
            "Named client {} gets its Maskinporten token from the legacy library ({}): it signs with credentials the app manages itself, not the ones Altinn Studio provisions. {V9_NOTE}.",
            name.describe(),
            registration::origin(r)
        );
        out.push(registration::finding(
            &RULE,
            context,
            r,
            message,
            &mut usings,
        ));
    }
}
