//! MP905 unresolved-value: A scope, section, key or flag a fix needs is not statically known.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP905`.

use super::scopes::unresolved;
use super::{Code, Context, Finding, Outside, Rule, Severity, blockers};

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

It also reports each scope the app asks the built-in client for that only run time knows: an
argument of `GetAccessToken` / `GetAltinnExchangedToken` on an injected `IMaskinportenClient`,
of `UseMaskinportenAuthorization` / `UseMaskinportenAltinnAuthorization`, or the `Scopes` of a
`MaskinportenTokenRequest`, that is read from configuration, passed in as a parameter, built
with string interpolation, or held by a field that is not a `const` / `static readonly`
constant. Literals, collection expressions, arrays, lists (with the items `Add`ed to them),
locals and the project's constants and `static readonly` lists, in any file of the project, are
followed to their values. Silent with `--credentials keep`, where the app's own client carries
the scopes.

## Why it matters
Guessing would produce a client that asks for the wrong scope or the wrong kind of token. The
finding says which value and where it was looked for, so a person can fill it in.

## Example
```csharp
cd => cd.ClientSettings.Scope = ScopesByPrefix("altinn", cd.ClientSettings.Scope)
```
```csharp
var token = await _maskinportenClient.GetAccessToken([_configuration["Fiks:ArkivScope"]!]);
```

## Fix
None: write the value where the tool can read it (a literal in the lambda, or the `Scope` key in
appsettings), or migrate the registration by hand. For a scope the app asks the built-in client
for, look up the value it has in each environment and select it in Altinn Studio too; `plan`
lists it beside the scopes to select.

## Fix safety
No fix is offered here; the registrations it blocks say so in their own findings.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    blockers::report(&RULE, context, out);
    // With --credentials keep the app's own Maskinporten client carries the scopes.
    if context.keep() {
        return;
    }
    for scope in unresolved(context) {
        let line = scope.site.file.position(scope.site.span.start).line;
        let place = format!("{}:{line}", scope.site.file.display);
        out.push(
            Finding::new(
                &RULE,
                scope.site.clone(),
                format!(
                    "`{}` asks the built-in client for the scope `{}`, which is not known here: {}. Whatever it holds when the app runs must be selected for the app in Altinn Studio, or the provisioned client cannot get a token for it.",
                    scope.method, scope.text, scope.why
                ),
            )
            .withheld("The value is known only at run time; a person looks it up and selects it in Altinn Studio.")
            .outside(Outside::LookUpScope {
                expression: scope.text,
                place,
            }),
        );
    }
}
