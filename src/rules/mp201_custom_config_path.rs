//! MP201 custom-config-path: ConfigureMaskinportenClient("X") points the built-in client at a section of the app's configuration.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP201`.

use super::keep_on_legacy;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};
use crate::assess::VersionModel;
use crate::core::Site;
use crate::core::catalogue::DEFAULT_SECTION;
use crate::edit::csharp;
use crate::facts::model::{ClientOverride, ClientOverrideArgument};

pub static RULE: Rule = Rule {
    code: Code::MP201,
    name: "custom-config-path",
    severity: Severity::Warning,
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
    summary: "ConfigureMaskinportenClient(\"X\") points the built-in client at a section of the app's configuration",
    check,
    doc: r#"## What it does
Finds `services.ConfigureMaskinportenClient("path")`. What it means depends on the app's
Altinn.App version:

| | Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|---|
| reported | a path other than `MaskinportenSettings` (compared without case), or a path not statically known: warning | same: error | **every** call: error |
| what happens | the built-in client binds that section instead of the provisioned one | same, and the default client also mints the workflow engine's service-owner tokens, which the preview.4 changelog says not to redirect | the method is gone: the app does not compile |

## Why it matters
Altinn Studio provisions the app's Maskinporten credentials at the default `MaskinportenSettings`
path only. A custom path keeps the app on credentials it manages itself (often app-prefixed Key
Vault secrets such as `myapp--MaskinportenSettings--ClientId`), so the scopes selected in Studio
are never used. Since 9.0.0-preview.6 ("one identity per app") the built-in client reads its
credentials from a private configuration source only, and `ConfigureMaskinportenClient` no
longer exists.

## Example
```csharp
services.ConfigureMaskinportenClient("myapp:MaskinportenSettings");
```

## Fix
`--credentials studio` (default): the call is removed; the app then uses the identity Altinn
Studio provisions (`plan` lists the scopes to select and the Key Vault secrets to delete).
`--credentials keep`: on Altinn.App 8 the call stays (it is how the app keeps its own client); on
9.0.0-preview.6 and later the app keeps its identity through the legacy package: the built-in
registrations become legacy registrations bound to the same section (see MP110 for the package
reference), and `plan` lists the Key Vault secrets to rename to the legacy key names.

## Fix safety
With `--credentials studio` the removal is **safe** on 9.0.0-preview.6 and later (the call
cannot compile, so no running behaviour is lost) and **safe** in the sense the target means on
Altinn.App 8: the built-in client then binds the section Altinn Studio provisions, which is the
migration itself; it changes which credentials sign, so select the scopes in Studio first and
verify in TT02 (`plan` lists both). **Withheld** when the path is not statically known (on
Altinn.App 8) or the call is part of a larger expression, and with `--credentials keep` on
9.0.0-preview.6 and later when the registrations that use the identity cannot all be rewritten
(an `IMaskinportenClient` used directly, a builder the rewrite does not know).
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let gone = context.assessment.model == VersionModel::V9;
    for o in &context.facts.client_overrides {
        let finding = match &o.argument {
            ClientOverrideArgument::Lambda(_) => continue,
            _ if gone => removed_method(context, o),
            ClientOverrideArgument::Path(path) if path.eq_ignore_ascii_case(DEFAULT_SECTION) => {
                continue;
            }
            ClientOverrideArgument::Path(path) => custom_path(context, o, path),
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

/// Altinn.App 8 and the early 9 previews: the call moves the built-in client off the
/// provisioned section.
fn custom_path(context: &Context, o: &ClientOverride, path: &str) -> Finding {
    let v9 = context.is_v9();
    let tail = if v9 {
        " On Altinn.App 9 the default client also mints the workflow engine's service-owner tokens, so this redirects what the app's own process authenticates as."
    } else {
        ""
    };
    let f = Finding::new(
        &RULE,
        o.site.clone(),
        format!(
            "The built-in Maskinporten client is bound to \"{path}\", but Altinn Studio provisions credentials only at \"MaskinportenSettings\": the app keeps signing with the credentials it manages itself, and scopes selected in Studio are not used.{tail}"
        ),
    )
    .when_if(v9, Circumstance::AltinnApp9Early);
    let f = with_sections(context, f, path);
    if context.keep() {
        return f
            .withheld("Kept: with --credentials keep the app keeps its own client at this path.");
    }
    removal(
        f,
        o,
        format!(
            "remove ConfigureMaskinportenClient(\"{path}\"): the built-in client binds the section Altinn Studio provisions"
        ),
    )
}

/// 9.0.0-preview.6 and later: the method is gone.
fn removed_method(context: &Context, o: &ClientOverride) -> Finding {
    let path = match &o.argument {
        ClientOverrideArgument::Path(path) => format!("\"{path}\""),
        _ => "a section of its own".to_string(),
    };
    let f = Finding::new(
        &RULE,
        o.site.clone(),
        format!(
            "ConfigureMaskinportenClient does not compile on Altinn.App 9.0.0-preview.6 and later (\"one identity per app\"): the built-in client reads only the credentials Altinn Studio provisions, and can no longer be pointed at {path}. Remove the call to use the provisioned identity, or keep the app's own identity through the Altinn.ApiClients.Maskinporten package."
        ),
    )
    .when(Circumstance::DoesNotCompile);
    let f = match &o.argument {
        ClientOverrideArgument::Path(path) => with_sections(context, f, path),
        _ => f,
    };
    if context.keep() {
        return keep_on_legacy::finding(context, o, f);
    }
    removal(
        f,
        o,
        "remove ConfigureMaskinportenClient: it does not compile on this version, and the built-in client uses the identity Altinn Studio provisions".to_string(),
    )
}

/// The section's key in every appsettings file that defines it.
fn with_sections(context: &Context, mut f: Finding, path: &str) -> Finding {
    for file in &context.facts.appsettings {
        if let Some(entry) = file.get(path) {
            f = f.related(
                Site::new(&file.file, entry.key_span),
                format!("the section \"{path}\""),
            );
        }
    }
    f
}

fn removal(mut f: Finding, o: &ClientOverride, description: String) -> Finding {
    match csharp::remove_statement(&o.site, description) {
        Ok(fix) => {
            f.fix = Some(fix);
            f
        }
        Err(why) => f.withheld(format!("The removal is withheld: {why}.")),
    }
}
