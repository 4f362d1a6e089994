//! MP104 legacy-client-definition: Legacy RegisterMaskinportenClientDefinition<TDef>(key, settings).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP104`.

use super::registration;
use super::{Adjustment, Code, Context, Finding, Rule, Severity};
use crate::core::Site;
use crate::core::Span;
use crate::core::catalogue::DEFAULT_SECTION;
use crate::edit::{Edit, Fix, Safety, csharp, text};
use crate::facts::model::Registration;
use crate::facts::model::RegistrationKind;

pub static RULE: Rule = Rule {
    code: Code::MP104,
    name: "legacy-client-definition",
    severity: Severity::Error,
    summary: "Legacy RegisterMaskinportenClientDefinition<TDef>(key, settings)",
    check,
    doc: r#"## What it does
Finds `RegisterMaskinportenClientDefinition<TClientDefinition>(key, settings)` of the legacy
library in an Altinn app, and lists the message handlers (MP103) that use its key.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| error; migrated to the built-in client when nothing blocks it | error; the same, and the code compiles only with the project's own legacy PackageReference from preview.4 (MP110) | error while it can migrate; **info** when only MP901, MP902 or MP903 block it: it stays on the legacy package, the supported way to a second identity (MP110 adds the reference) |

## Why it matters
The definition holds the credentials the legacy handlers sign with. Since legacy 9.0 an
`IConfiguration` argument is bound when the line runs, which in the app template is before
`maskinporten-settings.json` and Key Vault are added to the configuration.

## Example
```csharp
services.RegisterMaskinportenClientDefinition<SettingsJwkClientDefinition>(
    "client-name", config.GetSection("Maskinporten-Config-Path"));
```

## Fix
Removed once every handler that uses its key is migrated (MP103). Withheld while a handler with
the key cannot be migrated, or when no handler in the project uses the key (then something else,
perhaps a library, may look it up).

## Fix safety
**Safe**: the definition is removed only when every handler that looks it up is migrated
in the same run, so nothing is left that would throw on a missing key. A definition that no
handler in the project uses is left alone (something outside the project may look it up). With
`--credentials keep` it becomes `ConfigureMaskinportenClient("path")` in its place.
"#,
    adjustments: Adjustment::STAYS_ON_LEGACY_PACKAGE,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    for r in &context.facts.registrations {
        let RegistrationKind::ClientDefinition { key } = &r.kind else {
            continue;
        };
        let handlers = context.assessment.handlers_of(context.facts, r);
        let message = format!(
            "Client definition {} is registered with the legacy library ({}); {} handler(s) in the project sign their tokens with it.",
            key.describe(),
            registration::origin(r),
            handlers.len()
        );
        if context.assessment.stays_on_legacy_package(context.facts, r) {
            let verdict = context.assessment.verdict(handlers[0]);
            out.push(registration::stays(&RULE, r, message, verdict));
            continue;
        }
        let mut finding = Finding::new(&RULE, r.site.clone(), message);
        if let Some((_, site)) = &r.settings {
            finding = finding.related(site.clone(), "the settings it binds");
        }
        let mut blocked = Vec::new();
        for h in &handlers {
            finding = finding.related(h.site.clone(), "a handler that uses this definition");
            if !context.assessment.migrates(h) {
                blocked.push(h);
            }
        }
        if handlers.is_empty() {
            finding.fix_withheld = Some(format!(
                "No AddMaskinportenHttpMessageHandler in the project uses the key {}; something outside it may look the definition up, so it is left for a person.",
                key.describe()
            ));
        } else if !blocked.is_empty() {
            finding.fix_withheld = Some(format!(
                "{} handler(s) using this definition cannot be migrated automatically yet (see {}), so the definition stays.",
                blocked.len(),
                Code::MP103
            ));
            finding.waits_for = vec![Code::MP103];
        } else {
            match definition_fix(context, r) {
                Ok(fix) => finding.fix = Some(fix),
                Err(why) => finding.fix_withheld = Some(format!("The removal is withheld: {why}.")),
            }
        }
        out.push(finding);
    }
}

/// Studio-managed credentials: the definition goes. `--credentials keep`: it becomes
/// `services.ConfigureMaskinportenClient("path")` in its place, as the Altinn guide's migration
/// path shows (nothing when the path is the default section).
fn definition_fix(context: &Context, r: &Registration) -> Result<Fix, String> {
    let path = r.settings.as_ref().and_then(|(s, _)| s.section_path());
    match path {
        Some(path) if context.keep() && !path.eq_ignore_ascii_case(DEFAULT_SECTION) => {
            let file = &r.site.file;
            let end = text::statement_end(file, r.site.span.end)
                .ok_or("the call is part of a larger expression, not a statement of its own")?;
            let receiver = r.receiver.as_ref().map_or("services", |s| s.text());
            Ok(Fix {
                safety: Safety::Safe,
                description: format!(
                    "point the built-in client at \"{path}\" in place of the legacy client definition"
                ),
                edits: vec![Edit {
                    site: Site {
                        file: file.clone(),
                        span: Span::new(r.site.span.start, end),
                    },
                    replacement: format!("{receiver}.ConfigureMaskinportenClient(\"{path}\");"),
                }],
            })
        }
        None if context.keep() => Err(
            "with --credentials keep the built-in client reads its credentials from a configuration section, and this definition's settings are not one".into(),
        ),
        _ => csharp::remove_statement(
            &r.site,
            "remove the client definition: every handler that used it is migrated".to_string(),
        ),
    }
}
