//! MP105 legacy-token-service: Legacy IMaskinportenService registered, injected or called.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP105`.

use super::{Code, Context, Finding, FixState, Rule, Severity};
use crate::core::{Site, Span};
use crate::edit::{Fix, csharp};
use crate::facts::model::{ChainedCall, TokenServiceUse};

pub static RULE: Rule = Rule {
    code: Code::MP105,
    name: "legacy-token-service",
    severity: Severity::Warning,
    summary: "Legacy IMaskinportenService registered, injected or called",
    check,
    doc: r#"## What it does
Finds the legacy `IMaskinportenService` registered by hand (the library's "manual use" set-up:
`AddSingleton<IMaskinportenService, MaskinportenService>()`, `AddTransient`, `AddScoped`, the
`TryAdd` forms, or the typed client `AddHttpClient<IMaskinportenService, MaskinportenService>()`)
or injected into a class (constructor or primary-constructor parameter, field, property), with
the `GetToken(...)` and `ExchangeToAltinnToken(...)` calls made through it. A project's own
interface of the same name is not reported.

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
The built-in equivalent of the registration is nothing: Altinn.App registers
`IMaskinportenClient` itself. The registration statement is removed once nothing in the project
injects or names `IMaskinportenService` and the project's legacy registrations (whose token
handlers get the service from the container) are migrated in the same run. The injections and
token calls are not rewritten: the call sites change shape (`GetAccessToken(scopes)` /
`GetAltinnExchangedToken(scopes)` return a `JwtToken`, whose `Value` replaces
`TokenResponse.AccessToken`), so a person does it.

## Fix safety
**Safe** for the registration: it is removed only when nothing in the project resolves the
service any more. Withheld while a class injects it or code names it (a
`GetRequiredService<IMaskinportenService>()`, a class implementing it), while a legacy
registration that stays needs it, and when the project references other projects
(`<ProjectReference>`), whose classes may inject it. No fix for the injections and calls: they
change shape (scopes instead of credentials, `JwtToken` instead of `TokenResponse`), so a person
rewrites them.
"#,
    derive: Some(derive),
    ..Rule::DEFAULTS
};

/// The legacy registrations whose token handlers resolve the service from the container.
const LEGACY_REGISTRATIONS: [Code; 4] = [Code::MP101, Code::MP102, Code::MP103, Code::MP104];

fn check(context: &Context, out: &mut Vec<Finding>) {
    for use_ in &context.facts.token_services {
        let finding = match use_ {
            TokenServiceUse::Registered {
                site,
                method_site,
                chain,
            } => registration(context, site, method_site, chain),
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

/// The removal a registration gets once the project's legacy registrations are migrated.
struct AfterLegacyRegistrations(Fix);

/// A hand registration: removed when nothing resolves the service any more.
fn registration(
    context: &Context,
    site: &Site,
    method_site: &Site,
    chain: &[ChainedCall],
) -> Finding {
    let facts = context.facts;
    let mut finding = Finding::new(
        &RULE,
        site.clone(),
        format!(
            "`{}` registers the legacy IMaskinportenService by hand: code that injects it fetches tokens with credentials it passes itself, bypassing the ones Altinn Studio provisions. The built-in equivalent needs no registration: Altinn.App registers IMaskinportenClient; inject it and call GetAccessToken(scopes) or GetAltinnExchangedToken(scopes).",
            method_site.text()
        ),
    );
    let injections: Vec<(&str, &Site)> = facts
        .token_services
        .iter()
        .filter_map(|t| match t {
            TokenServiceUse::Injected {
                class_name, site, ..
            } => Some((class_name.as_str(), site)),
            TokenServiceUse::Registered { .. } => None,
        })
        .collect();
    for (class_name, at) in &injections {
        finding = finding.related((*at).clone(), format!("`{class_name}` injects the service"));
    }
    for at in &facts.token_service_refs {
        finding = finding.related(at.clone(), "names the service");
    }
    for cache in &facts.cache_providers {
        finding = finding.related(
            cache.site.clone(),
            format!("the token cache the service uses ({})", Code::MP902),
        );
    }
    if !injections.is_empty() {
        let classes: Vec<String> = injections.iter().map(|(c, _)| format!("`{c}`")).collect();
        let verb = if classes.len() == 1 {
            "injects"
        } else {
            "inject"
        };
        return finding.withheld(format!(
            "{} still {verb} the service; the registration goes once nothing does.",
            classes.join(", ")
        ));
    }
    if let Some(first) = facts.token_service_refs.first() {
        return finding.withheld(format!(
            "{}:{} still names the service; the registration goes once nothing does.",
            first.file.display,
            first.file.position(first.span.start).line
        ));
    }
    if context.project.is_some_and(|p| p.has_project_references()) {
        return finding.withheld("The project references other projects (<ProjectReference>), whose classes may inject the service; remove the registration by hand once none does.");
    }
    let statement = Site::new(
        &site.file,
        Span::new(
            site.span.start,
            chain.last().map_or(site.span.end, |c| c.site.span.end),
        ),
    );
    let fix = match csharp::remove_statement(
        &statement,
        "remove the registration: nothing in the project uses the legacy service, and the built-in IMaskinportenClient needs none".to_string(),
    ) {
        Ok(fix) => fix,
        Err(why) => return finding.withheld(format!("The removal is withheld: {why}.")),
    };
    if let Some(first) = facts.registrations.first() {
        return finding
            .withheld(format!(
                "The legacy registration at line {} of {} gets the service for its token handler; the registration goes once the legacy registrations are migrated.",
                first.site.file.position(first.site.span.start).line,
                first.site.file.display
            ))
            .with_data(AfterLegacyRegistrations(fix));
    }
    finding.fix = Some(fix);
    finding
}

/// The removal, once every legacy registration of the project is migrated in this run.
fn derive(finding: &Finding, state: &FixState) -> Option<Fix> {
    let AfterLegacyRegistrations(fix) = finding.data::<AfterLegacyRegistrations>()?;
    state
        .unfixed_in_project(finding, &LEGACY_REGISTRATIONS)
        .is_empty()
        .then(|| fix.clone())
}
