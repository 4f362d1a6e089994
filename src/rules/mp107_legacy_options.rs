//! MP107 legacy-options: Configure<MaskinportenSettings> with the legacy settings type.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP107`.

use super::{Code, Context, Finding, Rule, Severity};
use crate::core::Site;
use crate::edit::csharp;

pub static RULE: Rule = Rule {
    code: Code::MP107,
    name: "legacy-options",
    severity: Severity::Warning,
    summary: "Configure<MaskinportenSettings> with the legacy settings type",
    check,
    doc: r#"## What it does
Finds `Configure<MaskinportenSettings>(...)`, `Configure<MaskinportenSettings<TDefinition>>(...)`
and `AddOptions<...>()` where the type is the legacy `Altinn.ApiClients.Maskinporten.Config`
one (by `using`, alias or full name), not the built-in
`Altinn.App.Core.Features.Maskinporten.Models.MaskinportenSettings`.

## Why it matters
The two types share a name and usually the `MaskinportenSettings` section. The legacy options
feed only the obsolete JWK token provider (MP106), the obsolete `AddEFormidlingServices<TM, TR>`
status handler, and code that injects `IOptions<MaskinportenSettings>`; once those are gone they
bind a section nobody reads, whose legacy keys collide with the provisioned ones.

## Example
```csharp
using Altinn.ApiClients.Maskinporten.Config;
services.Configure<MaskinportenSettings>(config.GetSection("MaskinportenSettings"));
```

## Fix
Removed when nothing reads the legacy options any more (the finding lists the readers it found).

## Fix safety
**Safe**: the options are removed only when nothing in the project reads them (no injected
`IOptions<MaskinportenSettings>` of the legacy type, no JWK token provider). **Withheld**
otherwise; the finding lists the readers.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let facts = context.facts;
    let shims = facts
        .shims
        .iter()
        .filter(|s| s.name == "AddMaskinportenJwkTokenProvider");
    let readers: Vec<(&Site, String)> = shims
        .map(|s| {
            (
                &s.site,
                "the JWK token provider reads these options".to_string(),
            )
        })
        .chain(facts.options_readers.iter().map(|r| {
            let message = match r.class_name.as_deref() {
                Some(class) => format!("`{class}` injects these options"),
                None => "reads these options".to_string(),
            };
            (&r.site, message)
        }))
        .collect();
    for options in &facts.legacy_options {
        let mut finding = Finding::new(
            &RULE,
            options.site.clone(),
            format!(
                "`{}` here is the legacy Altinn.ApiClients.Maskinporten type; these options only feed the obsolete JWK token provider and code that injects them, and Altinn.App 9 no longer brings the type.",
                options.type_text
            ),
        );
        for (site, message) in &readers {
            finding = finding.related((*site).clone(), message.clone());
        }
        if readers.is_empty() {
            match csharp::remove_statement(
                &options.site,
                "remove the legacy options: nothing reads them".to_string(),
            ) {
                Ok(fix) => finding.fix = Some(fix),
                Err(why) => finding.fix_withheld = Some(format!("The removal is withheld: {why}.")),
            }
        } else {
            finding.fix_withheld = Some(format!(
                "{} place(s) in the project still read these options; they go first.",
                readers.len()
            ));
        }
        out.push(finding);
    }
}
