//! MP101 legacy-typed-client: Typed HttpClient registered with the legacy AddMaskinportenHttpClient<TDef, TClient[, TImpl]>.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP101`.

use super::registration::{self, V9_NOTE};
use super::{Adjustment, Code, Context, Finding, Rule, Severity};
use crate::facts::model::RegistrationKind;

pub static RULE: Rule = Rule {
    code: Code::MP101,
    name: "legacy-typed-client",
    severity: Severity::Error,
    summary: "Typed HttpClient registered with the legacy AddMaskinportenHttpClient<TDef, TClient[, TImpl]>",
    check,
    doc: r#"## What it does
Finds `AddMaskinportenHttpClient<TClientDefinition, TClient>(...)` and
`AddMaskinportenHttpClient<TClientDefinition, TClient, TImplementation>(...)` calls of the legacy
`Altinn.ApiClients.Maskinporten` library in an Altinn app, whatever the settings argument (a
configuration section, a settings object, a `with` copy) and with or without a configure lambda.
Calls of a project's own method with the same name are not reported; calls inside such a helper
are.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| error; migrated to the built-in client when nothing blocks it | error; the same, and the code compiles only with the project's own legacy PackageReference from preview.4 (MP110) | error while it can migrate; **info** when only MP901, MP902 or MP903 block it: it stays on the legacy package, the supported way to a second identity (MP110 adds the reference) |

## Why it matters
The legacy handler signs tokens with credentials the app manages itself (appsettings, Key Vault).
The built-in client uses the credentials Altinn Studio provisions for the scopes selected in
Studio. Altinn.App 9 no longer brings the legacy package, and its `MaskinportenSettings`
section collides with the provisioned one key by key.

## Example
```csharp
services
    .AddMaskinportenHttpClient<SettingsJwkClientDefinition, EventsSubscriptionClient>(
        config.GetSection("MaskinportenSettings"),
        cd =>
        {
            cd.ClientSettings.Scope = "altinn:serviceowner/instances.read";
            cd.ClientSettings.ExhangeToAltinnToken = true;
        })
    .AddTypedClient<IEventsSubscription, EventsSubscriptionClient>();
```
becomes
```csharp
services
    .AddHttpClient<IEventsSubscription, EventsSubscriptionClient>()
    .UseMaskinportenAltinnAuthorization("altinn:serviceowner/instances.read");
```

## Fix
`AddHttpClient<TClient[, TImpl]>().UseMaskinportenAuthorization(scopes)`, or
`UseMaskinportenAltinnAuthorization(scopes)` when `ExhangeToAltinnToken` is true. A trailing
`.AddTypedClient<I, Impl>()` folds into `AddHttpClient<I, Impl>()`; other chained calls stay.
Scopes come from the configure lambda, the settings set in code, or the section's `Scope` key
when every deployed appsettings file agrees (space-separated scopes become separate arguments).

The fix is withheld, and the finding says why, when the app is below Altinn.App 8.7.0 (MP203),
the definition is not a JWK (MP901), a setting has no built-in equivalent (MP902), the app uses
several identities (MP903), or a value it needs is not statically known (MP905).

## Fix safety
**Safe.** The client keeps its type, its chained calls and handlers, and the settings it was
registered with; what changes is where the token comes from, which is the migration itself. The
token is exchanged for an Altinn token exactly when the legacy settings said so, and it asks for
exactly the scopes they held. Comments inside the replaced arguments move above the statement;
a settings variable built only for this registration goes with it.

**Withheld**, with the reason, when a value the rewrite needs is not statically known (MP905),
the definition or a setting has no built-in equivalent (MP901, MP902), the app has several
identities (MP903), the version is too old (MP203), or the call's shape cannot be rewritten in
place (no receiver, a conditional `?.` call). Never unsafe: a change of behaviour beyond the move
is never made silently.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let mut usings = registration::Usings::default();
    for r in &context.facts.registrations {
        let RegistrationKind::TypedClient {
            client,
            implementation,
        } = &r.kind
        else {
            continue;
        };
        let client_text = match implementation {
            Some(i) => format!("`{client}` (implemented by `{i}`)"),
            None => format!("`{client}`"),
        };
        let message = format!(
            "Typed client {client_text} gets its Maskinporten token from the legacy library ({}): it signs with credentials the app manages itself, not the ones Altinn Studio provisions. {V9_NOTE}.",
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
