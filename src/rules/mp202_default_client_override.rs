//! MP202 default-client-override: Code sets or reads the built-in client's settings itself (ConfigureMaskinportenClient(o => ...), Configure<MaskinportenSettings>, Get<MaskinportenSettings>()).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP202`.

use std::collections::HashSet;

use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::assess::VersionModel;
use crate::facts::model::{BuiltinSettingsUse, ClientOverrideArgument, SettingsUse};

pub static RULE: Rule = Rule {
    code: Code::MP202,
    name: "default-client-override",
    severity: Severity::Warning,
    summary: "Code sets or reads the built-in client's settings itself (ConfigureMaskinportenClient(o => ...), Configure<MaskinportenSettings>, Get<MaskinportenSettings>())",
    check,
    doc: r#"## What it does
Finds code that takes the built-in client's settings into its own hands:
`services.ConfigureMaskinportenClient(options => ...)` (which sets `Authority`, `ClientId`, `Jwk`
or `JwkBase64` in code), `Configure<MaskinportenSettings>(...)` / `AddOptions<MaskinportenSettings>()`
and `section.Get<MaskinportenSettings>()` of the **built-in** type
(`Altinn.App.Core.Features.Maskinporten.Models`; the legacy type is MP107's).

| | Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|---|
| `ConfigureMaskinportenClient(o => ...)` | warning: replaces the provisioned credentials | error: the default client is shared infrastructure | error: the method is gone, the app does not compile |
| `Configure<MaskinportenSettings>` | warning: suppresses the default binding | error, as above | error: the type is internal (CS0122) |
| `Get<MaskinportenSettings>()` | warning: reads the settings eagerly | warning | error: CS0122 |
| any other use of the type (`IOptions<MaskinportenSettings>`, `new`) | not reported | not reported | error: CS0122 |

## Why it matters
The lambda or options replace the credentials Altinn Studio provisions. On Altinn.App 9 the
default client also mints the service-owner tokens the workflow engine uses, so an override
changes what the app's own process authenticates as; since 9.0.0-preview.6 the override cannot
even compile. The guide's legacy-compatibility mapping must also run lazily (inside the lambda)
when its values come from Key Vault (MP402).

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
None. Two ways out, which a person chooses: remove the override and use the identity Altinn
Studio provisions (select the scopes in Studio, see `plan`), or keep the app's own identity
through the `Altinn.ApiClients.Maskinporten` package with a section of its own (on Altinn.App 8
also `--credentials keep`).

## Fix safety
No fix is offered: whether the app should keep its own credentials is a decision for a person.
"#,
    adjustments: &[
        Adjustment {
            when: Circumstance::AltinnApp9Early,
            shift: Shift::To(Severity::Error),
        },
        Adjustment {
            when: Circumstance::DoesNotCompile,
            shift: Shift::To(Severity::Error),
        },
    ],
    ..Rule::DEFAULTS
};

/// The two ways out, as the messages say them.
const WAYS_OUT: &str = "remove it and use the identity Altinn Studio provisions (select the scopes in Studio), or keep the app's own identity through the Altinn.ApiClients.Maskinporten package with a section of its own";

const WITHHELD: &str =
    "Whether the app should keep its own credentials is a decision for a person.";

fn check(context: &Context, out: &mut Vec<Finding>) {
    let model = context.assessment.model;
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
        let (tail, circumstance) = match model {
            VersionModel::V8 => (String::new(), None),
            VersionModel::V9Early => (
                " On Altinn.App 9 the default client also mints the workflow engine's service-owner tokens, so this changes what the app's own process authenticates as.".to_string(),
                Some(Circumstance::AltinnApp9Early),
            ),
            VersionModel::V9 => (
                format!(" ConfigureMaskinportenClient does not compile on Altinn.App 9.0.0-preview.6 and later: {WAYS_OUT}."),
                Some(Circumstance::DoesNotCompile),
            ),
        };
        let mut finding = Finding::new(
            &RULE,
            o.site.clone(),
            format!(
                "ConfigureMaskinportenClient sets {what} in code, replacing the credentials Altinn Studio provisions.{tail}"
            ),
        );
        if let Some(c) = circumstance {
            finding = finding.when(c);
        }
        out.push(
            finding
                .related(lambda.site.clone(), "the lambda that sets the credentials")
                .withheld(WITHHELD),
        );
    }
    let mut seen = HashSet::new();
    for u in &context.facts.builtin_settings {
        // One finding per class for each thing it does; any use of the type is one thing.
        let how = match u.how {
            SettingsUse::Injects => SettingsUse::Names,
            other => other,
        };
        let key = (u.site.file.path.clone(), u.class_name.clone(), how);
        if !seen.insert(key) {
            continue;
        }
        if let Some(finding) = settings_use(u, model) {
            out.push(finding.withheld(WITHHELD));
        }
    }
}

/// A use of the built-in `MaskinportenSettings` type, as far as the version makes it matter.
fn settings_use(u: &BuiltinSettingsUse, model: VersionModel) -> Option<Finding> {
    let what = match u.how {
        SettingsUse::Configures => {
            "configures the built-in client's MaskinportenSettings itself, so Altinn.App no longer binds the section Altinn Studio provisions"
        }
        SettingsUse::Reads => {
            "reads the built-in client's MaskinportenSettings itself when the line runs, before the provisioned credentials and Key Vault are loaded"
        }
        SettingsUse::Injects | SettingsUse::Names => {
            "uses the built-in client's MaskinportenSettings type"
        }
    };
    let owner = u
        .class_name
        .as_deref()
        .map_or("This code".to_string(), |c| format!("`{c}`"));
    let (tail, circumstance) = match (model, u.how) {
        (VersionModel::V9, _) => (
            format!(" Since Altinn.App 9.0.0-preview.6 the type is internal and this does not compile (CS0122): {WAYS_OUT}."),
            Some(Circumstance::DoesNotCompile),
        ),
        (_, SettingsUse::Injects | SettingsUse::Names) => return None,
        (VersionModel::V9Early, SettingsUse::Configures) => (
            " On Altinn.App 9 the default client also mints the workflow engine's service-owner tokens.".to_string(),
            Some(Circumstance::AltinnApp9Early),
        ),
        _ => (String::new(), None),
    };
    let finding = Finding::new(&RULE, u.site.clone(), format!("{owner} {what}.{tail}"));
    Some(match circumstance {
        Some(c) => finding.when(c),
        None => finding,
    })
}
