//! MP303 section-not-found: Code reads a configuration section no appsettings file or Key Vault secret defines.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP303`.

use super::sections;
use super::{Adjustment, Circumstance, Code, Context, Finding, Rule, Severity, Shift};

pub static RULE: Rule = Rule {
    code: Code::MP303,
    name: "section-not-found",
    severity: Severity::Warning,
    summary: "Code reads a configuration section no appsettings file or Key Vault secret defines",
    check,
    doc: r#"## What it does
Reports a section path the code reads (the settings of a legacy registration,
`ConfigureMaskinportenClient("path")`) that no deployed appsettings file defines and, when Key
Vault names are given (`--key-vault-secrets`, `--key-vault`), no secret maps to (`A--B` is the
key `A:B`). Paths compare without case, as configuration does. Without Key Vault names the
finding is an info: the values may well live there.

## Why it matters
A missing section binds to empty settings: the legacy library throws on the unknown environment
at the first request, the built-in client fails its validation when the first token is asked
for. Both happen at run time, after a deploy that looked fine.

## Example
```csharp
services.ConfigureMaskinportenClient("myapp:MaskinportenSettings"); // defined nowhere
```

## Fix
None: define the section, or point the code at the one that exists.

## Fix safety
No fix is offered: where the values should come from is a decision for a person.
"#,
    adjustments: &[Adjustment {
        when: Circumstance::NoKeyVaultNames,
        shift: Shift::To(Severity::Info),
    }],
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let deployed: Vec<_> = context.facts.deployed_appsettings().collect();
    let mut seen: Vec<String> = Vec::new();
    for read in &context.assessment.sections.reads {
        let lower = read.path.to_ascii_lowercase();
        if seen.contains(&lower) || deployed.iter().any(|f| f.get(&read.path).is_some()) {
            continue;
        }
        seen.push(lower);
        let key_vault = context.external.key_vault.as_ref();
        if key_vault.is_some_and(|kv| kv.under(&read.path).next().is_some()) {
            continue;
        }
        let local = context
            .facts
            .appsettings
            .iter()
            .filter(|f| !f.is_deployed())
            .find_map(|f| sections::section_site(f, &read.path));
        let tail = match key_vault {
            Some(kv) => format!("nor does any secret in {}", kv.source),
            None => "and no Key Vault names were given to check (pass --key-vault-secrets FILE or --key-vault URL)".to_string(),
        };
        let mut finding = Finding::new(
            &RULE,
            read.site.clone(),
            format!(
                "The code reads section \"{}\", but no deployed appsettings file defines it, {tail}; if nothing else supplies it, the settings bind empty and the first token request fails at run time.",
                read.path
            ),
        )
        .when_if(key_vault.is_none(), Circumstance::NoKeyVaultNames);
        if let Some(site) = local {
            finding = finding.related(site, "defined only for local runs here");
        }
        // Code the fixes replace no longer needs the section: it goes with their fixes.
        match sections::readers_that_go(context, &read.path) {
            Some(codes) => {
                let names: Vec<String> = codes.iter().map(ToString::to_string).collect();
                finding.fix_withheld = Some(format!(
                    "Nothing needs the section once the fixes replace the code that reads it ({}).",
                    names.join(", ")
                ));
                finding.waits_for = codes;
            }
            None => {
                finding.fix_withheld =
                    Some("Where the values should come from is a decision for a person.".into());
            }
        }
        out.push(finding);
    }
}
