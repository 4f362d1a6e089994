//! MP905 unresolved-value: A scope, section, key or flag a fix needs is not statically known.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP905`.

use super::{Code, Context, Finding, Rule, Severity, blockers};

pub static RULE: Rule = Rule {
    code: Code::MP905,
    name: "unresolved-value",
    severity: Severity::Info,
    summary: "A scope, section, key or flag a fix needs is not statically known",
    check,
    doc: r#"## What it does
Reports each value a migration needs but cannot know from the repository: a scope computed in
code or read from a section no deployed appsettings file defines (Key Vault, environment), an
`ExhangeToAltinnToken` that is not a literal, a section path or client-definition key that is
not a literal or constant, settings from a loop or a parameter, a client definition that is a
type parameter of a helper, values that differ between deployed appsettings files.

## Why it matters
Guessing would produce a client that asks for the wrong scope or the wrong kind of token. The
finding says which value and where it was looked for, so a person can fill it in.

## Example
```csharp
cd => cd.ClientSettings.Scope = ScopesByPrefix("altinn", cd.ClientSettings.Scope)
```

## Fix
None: write the value where the tool can read it (a literal in the lambda, or the `Scope` key in
appsettings), or migrate the registration by hand.

## Fix safety
No fix is offered here; the registrations it blocks say so in their own findings.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    blockers::report(&RULE, context, out);
}
