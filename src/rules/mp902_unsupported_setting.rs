//! MP902 unsupported-setting: A legacy setting or customisation with no built-in equivalent.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP902`.

use super::{Adjustment, Code, Context, Finding, Rule, Severity, blockers, upper_first};

pub static RULE: Rule = Rule {
    code: Code::MP902,
    name: "unsupported-setting",
    severity: Severity::Warning,
    summary: "A legacy setting or customisation with no built-in equivalent",
    check,
    doc: r#"## What it does
Reports settings of a legacy registration that the built-in client cannot honour, set in a
configure lambda, a settings object, a `with` copy, a mutation before the registration, or in the
section of a deployed appsettings file: `ConsumerOrgNo`, `Resource`, `EnterpriseUserName`,
`EnterpriseUserPassword`, `UseAltinnTestOrg`, `TokenExchangeEnvironment`,
`OverwriteAuthorizationHeader` (other than `true`, which is what the built-in handler always
does) and `Kid`; and a custom `ITokenCacheProvider`.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning: the registration cannot migrate | the same | **info**: the registration stays on the legacy package, the supported way to a second identity |

## Why it matters
Migrating would silently drop the claim, the exchange variant or the caching behaviour: the app
would get a different token than today.

## Example
```csharp
cd => { cd.ClientSettings.UseAltinnTestOrg = true; }
```

## Fix
None: decide whether the behaviour is still needed (Altinn.App 9 previews can express
`consumer_org`, `resource` and system users through `MaskinportenTokenRequest`).

## Fix safety
No fix is offered: whether the behaviour is still needed is a decision for a person.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    blockers::report(&RULE, context, out);
    // A custom token cache matters even where nothing is migrated yet (the legacy service).
    for cache in &context.facts.cache_providers {
        let already = out.iter().any(|f| {
            f.rule.code == RULE.code
                && f.site.span == cache.site.span
                && f.site.file.path == cache.site.file.path
        });
        if !already {
            out.push(
                Finding::new(
                    &RULE,
                    cache.site.clone(),
                    format!(
                        "{}; the built-in client caches its tokens itself and has no pluggable cache, so this customisation does not carry over.",
                        upper_first(&cache.description)
                    ),
                )
                .withheld("A person decides whether the caching behaviour is still needed."),
            );
        }
    }
}
