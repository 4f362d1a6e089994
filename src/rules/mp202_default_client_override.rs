//! MP202 default-client-override: ConfigureMaskinportenClient(options => ...) sets the built-in client's credentials in code.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP202`.

use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::facts::model::ClientOverrideArgument;

pub static RULE: Rule = Rule {
    code: Code::MP202,
    name: "default-client-override",
    severity: Severity::Warning,
    summary: "ConfigureMaskinportenClient(options => ...) sets the built-in client's credentials in code",
    check,
    doc: r#"## What it does
Finds `services.ConfigureMaskinportenClient(options => ...)`, which sets the built-in client's
`Authority`, `ClientId`, `Jwk` or `JwkBase64` in code. An error on Altinn.App 9.

## Why it matters
The lambda replaces the credentials Altinn Studio provisions. On Altinn.App 9 the default client
also mints the service-owner tokens the workflow engine uses, so the override changes what the
app's own process authenticates as. The guide's legacy-compatibility mapping must also run lazily
(inside the lambda) when its values come from Key Vault.

## Example
```csharp
services.ConfigureMaskinportenClient(options =>
{
    options.ClientId = legacy.ClientId;
    options.JwkBase64 = legacy.EncodedJwk;
    options.Authority = "https://test.maskinporten.no/";
});
```

## Fix
None: remove the override once the scopes are selected in Studio, or keep the app's own client
deliberately (`--credentials keep`, Altinn.App 8 only).

## Fix safety
No fix is offered: whether the app should keep its own credentials is a decision for a person.
"#,
    adjustments: &[Adjustment {
        when: Circumstance::AltinnApp9,
        shift: Shift::To(Severity::Error),
    }],
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for o in &context.facts.client_overrides {
        let ClientOverrideArgument::Lambda(lambda) = &o.argument else {
            continue;
        };
        let set: Vec<&str> = lambda
            .assignments
            .iter()
            .map(|a| a.property.as_str())
            .collect();
        let what = if set.is_empty() {
            "the client's settings".to_string()
        } else {
            set.join(", ")
        };
        let tail = if context.is_v9() {
            " On Altinn.App 9 the default client also mints the workflow engine's service-owner tokens, so this changes what the app's own process authenticates as."
        } else {
            ""
        };
        out.push(
            Finding::new(
                &RULE,
                o.site.clone(),
                format!(
                    "ConfigureMaskinportenClient sets {what} in code, replacing the credentials Altinn Studio provisions.{tail}"
                ),
            )
            .when_if(context.is_v9(), Circumstance::AltinnApp9)
            .related(lambda.site.clone(), "the lambda that sets the credentials")
            .withheld("Whether the app should keep its own credentials is a decision for a person."),
        );
    }
}
