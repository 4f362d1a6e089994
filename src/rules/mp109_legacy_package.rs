//! MP109 legacy-package: PackageReference to Altinn.ApiClients.Maskinporten.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP109`.

use super::{Code, Context, Finding, FixState, Rule, Severity};
use crate::core::Site;
use crate::edit::{Edit, Fix, text};

pub static RULE: Rule = Rule {
    code: Code::MP109,
    name: "legacy-package",
    severity: Severity::Warning,
    summary: "PackageReference to Altinn.ApiClients.Maskinporten",
    check,
    doc: r#"## What it does
Finds `<PackageReference Include="Altinn.ApiClients.Maskinporten" />` in an app's project file or
in a `Directory.Build.props` above it (the version may come from `Directory.Packages.props`).

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning; removed once nothing uses the library | the same | the same; kept while a registration stays on the legacy package |

## Why it matters
The reference keeps the legacy library in the app after the migration. On Altinn.App 8 removing
it does not remove the namespace (the package still arrives transitively, pinned to 8.0.1); on
Altinn.App 9 any remaining legacy code needs it.

## Example
```xml
<PackageReference Include="Altinn.ApiClients.Maskinporten" Version="9.2.1" />
```

## Fix
Removed when no code in the project uses the legacy library any more.

## Fix safety
**Safe**: the project's own reference is removed only when every legacy use in the project is
fixed in the same run. A reference in a shared `Directory.Build.props` stays. On Altinn.App 8 the
package still arrives transitively, so nothing that compiled before stops compiling.
"#,
    derive: Some(derive),
    ..Rule::DEFAULTS
};

/// The rules whose findings are uses of the legacy library in code: while one of them stays
/// unfixed in the project, the package stays.
const LEGACY_CODE: [Code; 8] = [
    Code::MP101,
    Code::MP102,
    Code::MP103,
    Code::MP104,
    Code::MP105,
    Code::MP106,
    Code::MP107,
    Code::MP108,
];

fn check(context: &Context, out: &mut Vec<Finding>) {
    let Some(reference) = context.project.and_then(|p| p.legacy_reference.as_ref()) else {
        return;
    };
    // On 9.0.0-preview.6 and later a registration that stays on the legacy package needs it.
    let facts = context.facts;
    if facts
        .registrations
        .iter()
        .any(|r| context.assessment.stays_on_legacy_package(facts, r))
    {
        return;
    }
    let version = reference.version.as_deref().unwrap_or("no version");
    let mut finding = Finding::new(
        &RULE,
        Site {
            file: reference.file.clone(),
            span: reference.span,
        },
        format!(
            "The app references the legacy Altinn.ApiClients.Maskinporten package ({version}); after the migration nothing should need it."
        ),
    );
    let in_use = context.facts.has_legacy_usage();
    finding.fix_withheld = Some(if in_use {
        "Code in the project still uses the legacy library; the reference goes once it is migrated."
            .to_string()
    } else {
        "The removal is not automated yet; no code in the project uses the library.".to_string()
    });
    out.push(finding);
}

/// Removes the project's own `PackageReference` once every legacy use in the project is fixed
/// in this run (a reference in a shared Directory.Build.props stays).
fn derive(finding: &Finding, state: &FixState) -> Option<Fix> {
    let own_project_file = finding.project.as_deref() == Some(finding.site.file.display.as_str());
    if !own_project_file || !state.unfixed_in_project(finding, &LEGACY_CODE).is_empty() {
        return None;
    }
    let lines = text::whole_lines(&finding.site.file, finding.site.span)?;
    Some(Fix::safe(
        "remove the PackageReference to Altinn.ApiClients.Maskinporten: nothing in the project uses it any more",
        vec![Edit::delete(Site::new(&finding.site.file, lines))],
    ))
}
