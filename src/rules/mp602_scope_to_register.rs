//! MP602 scope-to-register: A scope the migrated app requests must be selected in Altinn Studio.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP602`.

use std::collections::HashMap;

use super::scopes::{DEFAULT_SCOPES, RequestedScope, malformed, requested, unresolved};
use super::{
    Adjustment, Circumstance, Code, Context, Finding, Outside, PlanRole, Rule, Severity, Shift,
};
use crate::core::Site;

pub static RULE: Rule = Rule {
    code: Code::MP602,
    name: "scope-to-register",
    severity: Severity::Info,
    summary: "A scope the migrated app requests must be selected in Altinn Studio",
    check,
    doc: r#"## What it does
Lists every scope the app will ask the built-in client for: `UseMaskinportenAuthorization` /
`UseMaskinportenAltinnAuthorization` (scope strings or a `MaskinportenTokenRequest`), the token
calls of an injected `IMaskinportenClient` (`GetAccessToken`, `GetAltinnExchangedToken`), and
legacy registrations that can be migrated. Scopes written as collection expressions, arrays,
lists, locals, or the project's `const` and `static readonly` fields (in any file of the project)
are followed to their values; space-separated scopes in one string count one by one. A scope
only run time knows is reported by MP905. Altinn Studio provisions a client with exactly the
scopes selected for the app, so each must be selected there. With `--studio-scopes FILE` (the
selected scopes: one per line, or a JSON array of strings or of objects with a `scope` field) a
requested scope that is not selected is an error, and a selected scope nothing requests is an
info (the three default service-owner scopes excepted; Altinn.App 9 gets them automatically)
that names the scopes only run time knows, which it may be.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| every requested scope, the service-owner defaults included (opt-in on 8) | the three default service-owner scopes are not listed: every app gets them | as preview.1 to .5 |

## Why it matters
The provisioned client cannot get a token for a scope it was not given: the request fails with
`invalid_scope` after the deploy.

## Example
```csharp
services.AddHttpClient<IKrrClient, KrrClient>().UseMaskinportenAuthorization("krr:global/kontaktinformasjon.read");
```
```csharp
public class Example(IMaskinportenClient maskinportenClient) : IProcessTaskEnd
{
    public async Task End(string taskId, Instance instance)
    {
        var token = await maskinportenClient.GetAccessToken(ArkivScopes.All); // static readonly string[] All = ["ks:fiks.arkiv", ...]
    }
}
```

With `--credentials keep` the app keeps its own Maskinporten client, which must be granted the
scopes instead, and this rule is silent.

## Fix
None in the repository: select the scope in Altinn Studio (the `plan` lists them), then deploy.

## Fix safety
No fix in the repository: scopes are selected in Altinn Studio (`plan` lists them).
"#,
    adjustments: &[Adjustment {
        when: Circumstance::NotSelectedInStudio,
        shift: Shift::To(Severity::Error),
    }],
    plan: PlanRole::Outside,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    // With --credentials keep the app's own Maskinporten client carries the scopes.
    if context.keep() {
        return;
    }
    let requested: Vec<RequestedScope> = requested(context)
        .into_iter()
        .filter(|r| r.built_in && malformed(&r.scope).is_none())
        .collect();
    let studio = context.external.studio_scopes.as_ref();
    let is_default = |scope: &str| DEFAULT_SCOPES.contains(&scope);
    // Each scope with every place that requests it, in order of first request.
    let mut order: Vec<&str> = Vec::new();
    let mut places: HashMap<&str, Vec<&RequestedScope>> = HashMap::new();
    for r in &requested {
        let list = places.entry(&r.scope).or_default();
        if list.is_empty() {
            order.push(&r.scope);
        }
        list.push(r);
    }
    for scope in &order {
        // Altinn Studio adds the default service-owner scopes to every Altinn.App 9 app itself.
        if context.is_v9() && is_default(scope) {
            continue;
        }
        let (first, others) = places[scope].split_first().expect("listed once seen");
        let through = first
            .via
            .as_ref()
            .map_or(String::new(), |v| format!(" (through {v})"));
        let mut finding = match studio {
            None => Finding::new(
                &RULE,
                first.site.clone(),
                format!(
                    "The app asks the built-in client for \"{scope}\"{through}: select it for the app in Altinn Studio before deploying, or the provisioned client cannot get a token for it."
                ),
            ),
            Some(selected) if selected.contains(scope) => continue,
            Some(selected) => Finding::new(
                &RULE,
                first.site.clone(),
                format!(
                    "The app asks the built-in client for \"{scope}\"{through}, which is not selected in Altinn Studio ({}): the provisioned client cannot get a token for it, and the request fails with invalid_scope.",
                    selected.file.display
                ),
            )
            .when(Circumstance::NotSelectedInStudio),
        };
        for other in others {
            finding = finding.related(other.site.clone(), "also requested here");
        }
        out.push(
            finding
                .withheld("Scopes are selected in Altinn Studio, outside the repository.")
                .outside(Outside::SelectScope(scope.to_string())),
        );
    }
    let Some(selected) = studio else {
        return;
    };
    // A selected scope may be one only run time knows (MP905 reports those).
    let unknown = unresolved(context);
    let tail = match unknown.first() {
        None => "the provisioned client carries a scope it does not use.".to_string(),
        Some(u) => format!(
            "it may be the value of a scope only known at run time (`{}`, {}:{}{}); otherwise the provisioned client carries a scope it does not use.",
            u.text,
            u.site.file.display,
            u.site.file.position(u.site.span.start).line,
            match unknown.len() {
                1 => String::new(),
                n => format!(", and {} more", n - 1),
            }
        ),
    };
    for (scope, span) in &selected.scopes {
        if places.contains_key(scope.as_str()) || is_default(scope) {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                Site::new(&selected.file, *span),
                format!(
                    "\"{scope}\" is selected in Altinn Studio but nothing in the app requests it from the built-in client; {tail}"
                ),
            )
            .withheld("Whether the scope is still needed is a decision for a person."),
        );
    }
}
