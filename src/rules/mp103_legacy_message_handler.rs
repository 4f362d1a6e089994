//! MP103 legacy-message-handler: Legacy AddMaskinportenHttpMessageHandler<TDef[, TClient]>() on an IHttpClientBuilder.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP103`.

use super::registration::{self, V9_NOTE};
use super::{Adjustment, Code, Context, Finding, Rule, Severity};
use crate::facts::model::RegistrationKind;

pub static RULE: Rule = Rule {
    code: Code::MP103,
    name: "legacy-message-handler",
    severity: Severity::Error,
    summary: "Legacy AddMaskinportenHttpMessageHandler<TDef[, TClient]>() on an IHttpClientBuilder",
    check,
    doc: r#"## What it does
Finds `.AddMaskinportenHttpMessageHandler<TClientDefinition>("key"[, configure])` and
`.AddMaskinportenHttpMessageHandler<TClientDefinition, TClient>([configure])` of the legacy
library on an `IHttpClientBuilder` made by anything: `AddHttpClient`, Refit's `AddRefitClient`,
the DAN client's `AddDanClient`. The handler looks its settings up by key in the definitions
registered with `RegisterMaskinportenClientDefinition` (MP104).

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| error; migrated to the built-in client when nothing blocks it | error; the same, and the code compiles only with the project's own legacy PackageReference from preview.4 (MP110) | error while it can migrate; **info** when only MP901, MP902 or MP903 block it: it stays on the legacy package, the supported way to a second identity (MP110 adds the reference) |

## Why it matters
The handler signs tokens with credentials the app manages itself. When no definition is
registered under the key, the first request throws. Altinn.App 9 no longer brings the legacy
package.

## Example
```csharp
services.RegisterMaskinportenClientDefinition<SettingsJwkClientDefinition>(
    "client-name", config.GetSection("Maskinporten-Config-Path"));
services
    .AddDanClient(config.GetSection("Dan-Config-Path"))
    .AddMaskinportenHttpMessageHandler<SettingsJwkClientDefinition>(
        "client-name", cd => { cd.ClientSettings.Scope = "altinn:dataaltinnno"; });
```
becomes
```csharp
services
    .AddDanClient(config.GetSection("Dan-Config-Path"))
    .UseMaskinportenAuthorization("altinn:dataaltinnno");
```

## Fix
`.UseMaskinportenAuthorization(scopes)` (or `UseMaskinportenAltinnAuthorization`), with the
scope from the handler's lambda or the definition's settings. Withheld, with the reason, when no
definition with the key is found or as in MP101 (MP203, MP901, MP902, MP903, MP905).

## Fix safety
**Safe**, as MP101: the builder keeps every other handler and setting; only the
Maskinporten handler is replaced by the built-in one, with the scopes of the definition the key
looked up. **Withheld** when no definition with the key is found in the project, and in the cases
of MP101.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let mut usings = registration::Usings::default();
    for r in &context.facts.registrations {
        let RegistrationKind::MessageHandler { key } = &r.kind else {
            continue;
        };
        let message = format!(
            "This HTTP client gets its Maskinporten token from the legacy message handler for the client definition {} (`{}`): it signs with credentials the app manages itself, not the ones Altinn Studio provisions. {V9_NOTE}.",
            key.describe(),
            r.definition.name
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
