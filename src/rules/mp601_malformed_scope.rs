//! MP601 malformed-scope: A requested scope is not of the form prefix:subscope.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP601`.

use super::scopes::{malformed, requested};
use super::{Code, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    code: Code::MP601,
    name: "malformed-scope",
    severity: Severity::Error,
    summary: "A requested scope is not of the form prefix:subscope",
    check,
    doc: r#"## What it does
Checks every scope the app asks for (legacy `Scope` values, split on whitespace as the legacy
library sends them, and the arguments of `UseMaskinportenAuthorization` /
`UseMaskinportenAltinnAuthorization`) against Maskinporten's form `prefix:subscope`: no empty
prefix or subscope, no trailing `/` or `:`, no empty part between separators, no whitespace inside
one scope.

## Why it matters
Maskinporten refuses a token request with an unknown scope (`invalid_scope`), at run time, and
Altinn Studio cannot select a scope that does not exist.

## Example
```csharp
.UseMaskinportenAuthorization("altinn:serviceowner/")
```

## Fix
None: correct the scope to the one registered in Maskinporten.

## Fix safety
No fix is offered: the right scope is the one registered in Maskinporten.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    let mut seen: std::collections::HashSet<(String, crate::core::Span)> = Default::default();
    for r in requested(context) {
        let Some(why) = malformed(&r.scope) else {
            continue;
        };
        if !seen.insert((r.scope.clone(), r.site.span)) {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                r.site.clone(),
                format!(
                    "The scope \"{}\" {why}; Maskinporten answers invalid_scope and no token is issued.",
                    r.scope
                ),
            )
            .withheld("The right scope is the one registered in Maskinporten; a person picks it."),
        );
    }
}
