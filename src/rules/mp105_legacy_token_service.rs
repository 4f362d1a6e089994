//! MP105 legacy-token-service: Legacy IMaskinportenService registered, injected or called.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP105`.

use super::{Code, Context, Finding, Rule, Severity};
use crate::facts::model::TokenServiceUse;

pub static RULE: Rule = Rule {
    code: Code::MP105,
    name: "legacy-token-service",
    severity: Severity::Warning,
    summary: "Legacy IMaskinportenService registered, injected or called",
    check,
    doc: r#"## What it does
Finds the legacy `IMaskinportenService` registered (`AddSingleton<IMaskinportenService,
MaskinportenService>()`) or injected into a class (constructor or primary-constructor parameter,
field, property), with the `GetToken(...)` and `ExchangeToAltinnToken(...)` calls made through it.
A project's own interface of the same name is not reported.

## Why it matters
Code that fetches tokens by hand passes its own key, client id and environment, so it bypasses
the credentials Altinn Studio provisions. The built-in `IMaskinportenClient` is the equivalent.

## Example
```csharp
public class RegistryService(IMaskinportenService maskinporten)
{
    public async Task<string> Token() =>
        (await maskinporten.GetToken(jwk, "prod", clientId, "scope", null)).AccessToken;
}
```
becomes
```csharp
public class RegistryService(IMaskinportenClient maskinporten)
{
    public async Task<string> Token() => (await maskinporten.GetAccessToken(["scope"])).Value;
}
```

## Fix
None: the call sites change shape (`GetAccessToken(scopes)` / `GetAltinnExchangedToken(scopes)`
return a `JwtToken`, whose `Value` replaces `TokenResponse.AccessToken`), so a person does it.

## Fix safety
No fix is offered: the calls change shape (scopes instead of credentials, `JwtToken` instead of `TokenResponse`), so a person rewrites them.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for use_ in &context.facts.token_services {
        let finding = match use_ {
            TokenServiceUse::Registered { site } => Finding::new(
                &RULE,
                site.clone(),
                "The legacy IMaskinportenService is registered by hand: code that injects it fetches tokens with credentials it passes itself, bypassing the ones Altinn Studio provisions. The built-in IMaskinportenClient is registered by Altinn.App already.",
            )
            .withheld("Registrations of the legacy service are removed by hand once nothing injects it."),
            TokenServiceUse::Injected {
                class_name,
                site,
                calls,
            } => {
                let mut f = Finding::new(
                    &RULE,
                    site.clone(),
                    format!(
                        "`{class_name}` uses the legacy IMaskinportenService ({} token call(s)); inject IMaskinportenClient instead and call GetAccessToken(scopes) or GetAltinnExchangedToken(scopes).",
                        calls.len()
                    ),
                );
                for call in calls {
                    f = f.related(call.clone(), "a token call through the legacy service");
                }
                f.withheld("Token calls change shape (scopes instead of credentials, JwtToken instead of TokenResponse); a person rewrites them.")
            }
        };
        out.push(finding);
    }
}
