//! MP201 custom-config-path: ConfigureMaskinportenClient("X") binds the built-in client to a section other than MaskinportenSettings.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP201`.

use super::{Code, Context, Finding, Rule, Severity};
use crate::core::Site;
use crate::edit::csharp;
use crate::facts::model::ClientOverrideArgument;

pub static RULE: Rule = Rule {
    code: Code::MP201,
    name: "custom-config-path",
    severity: Severity::Warning,
    summary: "ConfigureMaskinportenClient(\"X\") binds the built-in client to a section other than MaskinportenSettings",
    check,
    doc: r#"## What it does
Finds `services.ConfigureMaskinportenClient("path")` where the path is not
`MaskinportenSettings` (compared without case, as configuration keys are), and calls whose path
is not statically known.

## Why it matters
Altinn Studio provisions the app's Maskinporten credentials at the default `MaskinportenSettings`
path only. A custom path keeps the app on credentials it manages itself (often app-prefixed Key
Vault secrets such as `myapp--MaskinportenSettings--ClientId`), so the scopes selected in Studio
are never used.

## Example
```csharp
services.ConfigureMaskinportenClient("myapp:MaskinportenSettings");
```

## Fix
`--credentials studio` (default): the call is removed, after which the Key Vault secrets at the
old path can be deleted (see `plan`). `--credentials keep`: the call stays.

## Fix safety
**Safe** in the sense the target means: with `--credentials studio` the call is removed so
that the built-in client binds the section Altinn Studio provisions, which is the migration
itself. It changes which credentials sign, so select the scopes in Studio first and verify in
TT02 (`plan` lists both). With `--credentials keep` the call stays. **Withheld** when the path is
not statically known or the call is part of a larger expression.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for o in &context.facts.client_overrides {
        let finding = match &o.argument {
            ClientOverrideArgument::Path(path) if path.eq_ignore_ascii_case("MaskinportenSettings") => continue,
            ClientOverrideArgument::Lambda(_) => continue,
            ClientOverrideArgument::Path(path) => {
                let mut f = Finding::new(
                    &RULE,
                    o.site.clone(),
                    format!(
                        "The built-in Maskinporten client is bound to \"{path}\", but Altinn Studio provisions credentials only at \"MaskinportenSettings\": the app keeps signing with the credentials it manages itself, and scopes selected in Studio are not used."
                    ),
                );
                for file in &context.facts.appsettings {
                    if let Some(entry) = file.get(path) {
                        f = f.related(
                            Site {
                                file: file.file.clone(),
                                span: entry.key_span,
                            },
                            format!("the section \"{path}\""),
                        );
                    }
                }
                if context.keep() {
                    out.push(f.withheld("Kept: with --credentials keep the app keeps its own client at this path."));
                    continue;
                }
                match csharp::remove_statement(
                    &o.site,
                    format!("remove ConfigureMaskinportenClient(\"{path}\"): the built-in client binds the section Altinn Studio provisions"),
                ) {
                    Ok(fix) => {
                        f.fix = Some(fix);
                        f
                    }
                    Err(why) => f.withheld(format!("The removal is withheld: {why}.")),
                }
            }
            ClientOverrideArgument::Unknown(text) => Finding::new(
                &RULE,
                o.site.clone(),
                format!(
                    "The built-in Maskinporten client is bound to the section `{text}`, which is not known here; Altinn Studio provisions credentials only at \"MaskinportenSettings\"."
                ),
            )
            .withheld(format!(
                "The section path `{text}` is not statically known ({}).",
                Code::MP905
            )),
        };
        out.push(finding);
    }
}
