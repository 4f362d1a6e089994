//! MP108 legacy-using: using Altinn.ApiClients.Maskinporten....
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP108`.

use super::{Code, Context, Finding, FixState, Rule, Severity};
use crate::core::{Regions, Site, Span};
use crate::edit::{Edit, Fix, text};

pub static RULE: Rule = Rule {
    code: Code::MP108,
    name: "legacy-using",
    severity: Severity::Warning,
    summary: "using Altinn.ApiClients.Maskinporten...",
    check,
    doc: r#"## What it does
Finds `using` directives (plain, `global`, alias) that import a namespace of the legacy
`Altinn.ApiClients.Maskinporten` library.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning: compiles because the package arrives transitively | warning: from preview.4 compiles only with the project's own reference (MP110) | warning, as preview.4 and later |

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

## Fix safety
**Safe**: a `using` is removed only when, with the run's other fixes applied, nothing in the
file uses a name of its namespace. The fix follows from those fixes: with `fix --only MP108` the
tool says which fixes it waits for instead of removing a using that is still needed.
"#,
    derive: Some(derive),
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    // The registrations of each file: a use inside one goes when it is migrated.
    let registrations = Regions::of_sites(context.facts.registrations.iter().map(|r| &r.site));
    let why = if context.is_v9() {
        format!(
            "Altinn.App 9 no longer brings the package, so it compiles only with the project's own PackageReference ({})",
            Code::MP110
        )
    } else {
        "it compiles on Altinn.App 8 only because the package arrives transitively, and Altinn.App 9 drops it".to_string()
    };
    for using in &context.facts.legacy_usings {
        let message = format!(
            "`{}` imports the legacy Maskinporten library; {why}.",
            using.namespace
        );
        let outside_registrations = using
            .uses
            .iter()
            .find(|span| !registrations.hold(&using.site.file.path, **span));
        let withheld = if let Some(first) = outside_registrations {
            format!(
                "The file still uses a name it imports (line {}); the using goes once nothing does.",
                using.site.file.position(first.start).line
            )
        } else if registrations.cover_file(&using.site.file.path) {
            "The file still uses the legacy library; the using goes once its registrations are migrated.".to_string()
        } else if let Some(first) = using.uses.first() {
            format!(
                "The file still uses a name it imports (line {}); the using goes once nothing does.",
                using.site.file.position(first.start).line
            )
        } else {
            "Nothing in the file uses it; the fix removes it with the run's other fixes."
                .to_string()
        };
        out.push(
            Finding::new(&RULE, using.site.clone(), message)
                .withheld(withheld)
                .with_data(Imported {
                    namespace: using.namespace.clone(),
                    names: using.names.clone(),
                    uses: using.uses.clone(),
                }),
        );
    }
}

/// What the derived fix needs: the namespace, the names it brings, and where the file uses them.
struct Imported {
    namespace: String,
    names: Vec<String>,
    uses: Vec<Span>,
}

/// Removes the using when, with the accepted fixes applied, nothing in the file uses a name of
/// its namespace: every use lies in a range an accepted edit replaces, and no replacement
/// brings one back.
fn derive(finding: &Finding, state: &FixState) -> Option<Fix> {
    let imported = finding.data::<Imported>()?;
    let names = &imported.names;
    if names.is_empty() {
        // A namespace whose names the catalogue does not list: its uses cannot be told apart.
        return None;
    }
    let file = &finding.site.file;
    let edits = state.edits_in(file);
    // The ranges the accepted edits replace, by start; they do not overlap each other.
    let mut ranges: Vec<Span> = edits
        .iter()
        .map(|e| e.site.span)
        .filter(|r| r.start < r.end)
        .collect();
    ranges.sort();
    let replaced = |used: &Span| {
        let before = ranges.partition_point(|r| r.start <= used.start);
        before > 0 && used.end <= ranges[before - 1].end
    };
    let brought_back = edits
        .iter()
        .any(|e| names.iter().any(|name| has_word(&e.replacement, name)));
    if brought_back || !imported.uses.iter().all(replaced) {
        return None;
    }
    let lines = text::whole_lines(file, finding.site.span)?;
    Some(Fix::safe(
        format!(
            "remove `using {};`: nothing in the file uses it any more",
            imported.namespace
        ),
        vec![Edit::delete(Site::new(file, lines))],
    ))
}

/// Whether `text` holds `word` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let is_identifier = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
    })
}
