//! MP108 legacy-using: using Altinn.ApiClients.Maskinporten....
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP108`.

use super::{Applies, Code, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    code: Code::MP108,
    name: "legacy-using",
    severity: Severity::Warning,
    summary: "using Altinn.ApiClients.Maskinporten...",
    applies: Applies::Apps,
    check,
    doc: r#"## What it does
Finds `using` directives (plain, `global`, alias) that import a namespace of the legacy
`Altinn.ApiClients.Maskinporten` library.

## Why it matters
On Altinn.App 8 the legacy package arrives transitively, so these compile without a package
reference; Altinn.App 9 drops it and every such file stops compiling.

## Example
```csharp
using Altinn.ApiClients.Maskinporten.Extensions;
using Altinn.ApiClients.Maskinporten.Services;
```

## Fix
Removed when the file no longer uses anything from the namespace.
"#,
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let file_uses = |path: &std::path::Path| {
        context
            .facts
            .registrations
            .iter()
            .any(|r| r.site.file.path == path)
    };
    for using in &context.facts.legacy_usings {
        let message = format!(
            "`{}` imports the legacy Maskinporten library; it compiles on Altinn.App 8 only because the package arrives transitively, and Altinn.App 9 drops it.",
            using.namespace
        );
        let withheld = if file_uses(&using.site.file.path) {
            "The file still uses the legacy library; the using goes once its registrations are migrated."
        } else {
            "The removal is not automated yet."
        };
        out.push(Finding::new(&RULE, using.site.clone(), message).withheld(withheld));
    }
}
