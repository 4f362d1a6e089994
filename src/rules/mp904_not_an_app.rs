//! MP904 not-an-app: Legacy Maskinporten usage in a project that is not an Altinn app (inventory).
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP904`.

use super::{Applies, Code, Context, Finding, PlanRole, Rule, Severity};
use crate::core::Site;
use crate::facts::model::TokenServiceUse;

pub static RULE: Rule = Rule {
    code: Code::MP904,
    name: "not-an-app",
    severity: Severity::Info,
    summary: "Legacy Maskinporten usage in a project that is not an Altinn app (inventory)",
    applies: Applies::OtherProjects,
    check,
    doc: r#"## What it does
Lists legacy `Altinn.ApiClients.Maskinporten` usage in projects that do not reference
`Altinn.App.Api` or `Altinn.App.Core` (platform services, Azure Functions, class libraries,
console tools), and in C# files outside any project.

## Why it matters
The built-in client is part of Altinn.App; these projects cannot move to it and keep the legacy
library legitimately. The inventory still tells a team where the library is used.

## Example
```csharp
builder.Services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IContactClient, ContactClient>(
    builder.Configuration.GetSection("ContactRegister:MaskinportenSettings"));
```

## Fix
Never: nothing to migrate to.

## Fix safety
Never: a project that is not an Altinn app has nothing to migrate to.
"#,
    plan: PlanRole::Inventory,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let facts = context.facts;
    let whose = match context.project {
        Some(p) => format!("{} is not an Altinn app", p.display()),
        None => "this file belongs to no project".to_string(),
    };
    let mut add = |site: &Site, what: String| {
        out.push(
            Finding::new(
                &RULE,
                site.clone(),
                format!("{what} ({whose}; the built-in client exists only in Altinn.App, so this stays)."),
            )
            .withheld("Not an Altinn app: there is nothing to migrate to."),
        );
    };
    for r in &facts.registrations {
        add(
            &r.site,
            format!(
                "Legacy Maskinporten registration `{}`",
                r.method_site.text()
            ),
        );
    }
    for t in &facts.token_services {
        match t {
            TokenServiceUse::Registered { site, .. } => {
                add(site, "Legacy IMaskinportenService registration".into())
            }
            TokenServiceUse::Injected {
                class_name, site, ..
            } => add(
                site,
                format!("`{class_name}` uses the legacy IMaskinportenService"),
            ),
        }
    }
    for o in &facts.legacy_options {
        add(&o.site, format!("Legacy `{}` options", o.type_text));
    }
    // A using is listed only in files with nothing else to list.
    let reported: Vec<_> = facts
        .registrations
        .iter()
        .map(|r| &r.site)
        .chain(facts.token_services.iter().map(|t| match t {
            TokenServiceUse::Registered { site, .. } | TokenServiceUse::Injected { site, .. } => {
                site
            }
        }))
        .chain(facts.legacy_options.iter().map(|o| &o.site))
        .map(|s| s.file.path.clone())
        .collect();
    for u in &facts.legacy_usings {
        if !reported.contains(&u.site.file.path) {
            add(&u.site, format!("`using {}`", u.namespace));
        }
    }
    if let Some(reference) = context.project.and_then(|p| p.legacy_reference.as_ref()) {
        add(
            &Site {
                file: reference.file.clone(),
                span: reference.span,
            },
            "PackageReference to Altinn.ApiClients.Maskinporten".into(),
        );
    }
}
