//! MP901 unsupported-credential: A certificate or custom client definition, which the built-in client cannot use.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP901`.

use super::{Adjustment, Code, Context, Finding, Rule, Severity, blockers};
use crate::facts::model::last_segment;

pub static RULE: Rule = Rule {
    code: Code::MP901,
    name: "unsupported-credential",
    severity: Severity::Warning,
    summary: "A certificate or custom client definition, which the built-in client cannot use",
    check,
    doc: r#"## What it does
Reports legacy registrations whose client definition is `SettingsX509ClientDefinition`,
`Pkcs12ClientDefinition`, `CertificateStoreClientDefinition`, a class of the project that
implements `IClientDefinition`, or a definition type no file of the project declares (from a
shared package or another repository: the call is the library's when the file imports
`Altinn.ApiClients.Maskinporten.*` or the project references the package, and no method of the
project's own could be the one called). What such a definition signs with is not known, so it
counts as custom.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning: the registration cannot migrate | the same | **info**: the registration stays on the legacy package, the supported way to a second identity |

## Why it matters
The built-in client signs only with a JWK read from configuration (`Jwk` or `JwkBase64`). A
client that authenticates with a certificate, or whose key comes from custom code, has no direct
equivalent: a JWK has to be registered on the Maskinporten client first (or Studio-managed
credentials used instead).

## Example
```csharp
services.AddMaskinportenHttpClient<SettingsX509ClientDefinition, ICertClient, CertClient>(
    config.GetSection("CertClient:MaskinportenSettings"));
```

## Fix
None: register a JWK (or select the scopes in Altinn Studio), then migrate the registration.

## Fix safety
No fix is offered: a JWK must be registered (or the Studio-provisioned client used) first.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let first = out.len();
    blockers::report(&RULE, context, out);
    for finding in &mut out[first..] {
        let named = finding.site.text().to_string();
        let custom = context
            .facts
            .custom_definitions
            .iter()
            .find(|d| d.name == last_segment(&named));
        if let Some(definition) = custom {
            finding.related.push(super::Related {
                site: definition.site.clone(),
                message: "the custom client definition, which depends on the legacy library"
                    .to_string(),
            });
        }
    }
}
