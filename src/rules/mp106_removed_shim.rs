//! MP106 removed-shim: App-lib shims over the legacy library, removed in Altinn.App 9.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP106`.

use super::{Code, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    code: Code::MP106,
    name: "removed-shim",
    severity: Severity::Error,
    summary: "App-lib shims over the legacy library, removed in Altinn.App 9",
    check,
    doc: r#"## What it does
Finds `AddMaskinportenJwkTokenProvider(...)` calls and uses of `IMaskinportenTokenProvider` and
`IX509CertificateProvider` from `Altinn.App.Core.Internal.Maskinporten`: obsolete in Altinn.App 8,
removed in 9.

## Why it matters
`MaskinportenJwkTokenProvider` reads the key from Key Vault through the legacy service and the
legacy `MaskinportenSettings` options. On Altinn.App 9 the code stops compiling. Since 8.6 the
built-in client registers an `IMaskinportenTokenProvider` itself when none is registered.

## Example
```csharp
services.Configure<MaskinportenSettings>(config.GetSection("MaskinportenSettings"));
services.AddMaskinportenJwkTokenProvider("MaskinportenSettings--EncodedJwk");
```

## Fix
None: remove the registration and move the code that injects `IMaskinportenTokenProvider` to
`IMaskinportenClient`. Certificate users must register a JWK in Maskinporten first.

## Fix safety
No fix is offered: the code that uses the shim changes shape, and a certificate user must register a JWK first.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for shim in &context.facts.shims {
        let message = match shim.name.as_str() {
            "AddMaskinportenJwkTokenProvider" => "AddMaskinportenJwkTokenProvider registers the obsolete JWK token provider, which reads the key from Key Vault through the legacy library; Altinn.App 9 removes it, and since 8.6 the built-in client provides IMaskinportenTokenProvider itself.".to_string(),
            name => format!(
                "`{name}` is an obsolete app-lib shim over the legacy library that Altinn.App 9 removes; use IMaskinportenClient instead."
            ),
        };
        out.push(Finding::new(&RULE, shim.site.clone(), message).withheld(
            "The code that uses the shim changes shape; a person moves it to IMaskinportenClient.",
        ));
    }
}
