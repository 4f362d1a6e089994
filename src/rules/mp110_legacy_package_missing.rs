//! MP110 legacy-package-missing: Code uses the legacy library, but the project does not reference the package on an Altinn.App that no longer brings it.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP110`.

use super::{Code, Context, Finding, FixState, Rule, Severity};
use crate::assess::gate::legacy_package_needs_own_reference;
use crate::core::catalogue::{LEGACY_PACKAGE, LEGACY_PACKAGE_VERSION, REGISTRATION_METHODS};
use crate::core::{Site, Span};
use crate::discover::Project;
use crate::edit::{Fix, msbuild};

pub static RULE: Rule = Rule {
    code: Code::MP110,
    name: "legacy-package-missing",
    severity: Severity::Error,
    summary: "Code uses the legacy library, but the project lacks the package reference an Altinn.App 9 app needs",
    check,
    derive: Some(derive),
    doc: r#"## What it does
Reports an app on Altinn.App 9.0.0-preview.4 or later whose code uses
`Altinn.ApiClients.Maskinporten` (registrations, `IMaskinportenService`, the legacy options or a
`using` of its namespaces) while the project has no explicit, unconditional `PackageReference`
to the package (a reference with a `Condition`, or in an ItemGroup with one, does not count).

| Altinn.App 8 | 9.0.0-preview.1 to .3 | 9.0.0-preview.4 and later |
|---|---|---|
| not reported: the package arrives transitively (8.0.1) | not reported: still transitive | error: the build fails |

## Why it matters
Since 9.0.0-preview.4 Altinn.App no longer brings the legacy package, so such code stops
compiling. On 9.0.0-preview.6 and later the legacy package is also the supported way to use a
second Maskinporten identity (a certificate, another client id), which then needs this
reference for good.

## Example
```xml
<PackageReference Include="Altinn.App.Api" Version="9.0.0-preview.6" />
<!-- no Altinn.ApiClients.Maskinporten -->
```

## Fix
Adds `<PackageReference Include="Altinn.ApiClients.Maskinporten" Version="10.1.0" />` (10.x is
the line that targets net10.0) after the project's last package reference, in the file's own
indentation and style; under central package management the reference is versionless and a
`<PackageVersion>` goes into `Directory.Packages.props`. The fix follows from the run's other
fixes: when they migrate every legacy use away, nothing is added (and MP109 removes a reference
instead), so the two never fight.

## Fix safety
**Safe**: it only makes the existing code build; nothing that runs changes. **Withheld** when
the project's reference exists but is conditional (make it unconditional by hand: which
condition was meant is for a person to say), or when the project file gives no place to add it.
"#,
    ..Rule::DEFAULTS
};

/// The legacy code rules: while a finding of one of them stays, the package is needed.
const LEGACY_CODE: [Code; 7] = [
    Code::MP101,
    Code::MP102,
    Code::MP103,
    Code::MP104,
    Code::MP105,
    Code::MP107,
    Code::MP108,
];

/// The fix, worked out at check time and offered once the run's other fixes are known.
struct Pending(Fix);

fn check(context: &Context, out: &mut Vec<Finding>) {
    let Some(project) = context.project else {
        return;
    };
    let facts = context.facts;
    let uses_legacy = !(facts.registrations.is_empty()
        && facts.token_services.is_empty()
        && facts.legacy_options.is_empty()
        && facts.legacy_usings.is_empty());
    let moves_to_legacy = !uses_legacy && super::keep_on_legacy::moves_identity(context);
    let reference = project.legacy_reference.as_ref();
    let referenced = reference.is_some_and(|r| !r.conditional);
    if !(uses_legacy || moves_to_legacy)
        || referenced
        || !legacy_package_needs_own_reference(project)
    {
        return;
    }
    let version = project
        .altinn_version
        .as_ref()
        .map_or(String::new(), |v| format!(" {v}"));
    let anchor = match &project.altinn_reference {
        Some(r) => Site::new(&r.file, r.span),
        None => Site::new(&project.csproj, Span::new(0, 0)),
    };
    let mut finding = Finding::new(
        &RULE,
        anchor,
        if moves_to_legacy {
            format!(
                "With --credentials keep, {}'s fix moves the app's own identity to {LEGACY_PACKAGE}, but Altinn.App{version} does not bring the package and the project has no explicit, unconditional PackageReference to it: the build would fail.",
                Code::MP201
            )
        } else {
            format!(
                "Code in the project uses {LEGACY_PACKAGE}, but Altinn.App{version} no longer brings the package and the project has no explicit, unconditional PackageReference to it: the build fails."
            )
        },
    );
    let uses = facts
        .registrations
        .iter()
        .map(|r| (&r.site, "uses the legacy library"))
        .chain(
            facts
                .legacy_usings
                .iter()
                .map(|u| (&u.site, "imports the legacy library")),
        );
    for (site, what) in uses.take(5) {
        finding = finding.related(site.clone(), what);
    }
    match (reference, fix(project)) {
        (Some(r), _) => {
            finding = finding
                .related(Site::new(&r.file, r.span), "the reference, which has a Condition")
                .withheld("The reference exists but is conditional; which condition was meant is for a person to decide.");
        }
        (None, Some(fix)) => {
            finding = finding
                .withheld("Added when the legacy code stays after the run's other fixes.")
                .with_data(Pending(fix));
        }
        (None, None) => {
            finding =
                finding.withheld("The project file gives no place to add a PackageReference.");
        }
    }
    out.push(finding);
}

/// The reference (and under central package management its version) to add.
fn fix(project: &Project) -> Option<Fix> {
    let mut edits = Vec::new();
    match &project.central {
        Some(central) => {
            edits.push(msbuild::add_package_reference(
                &project.csproj,
                &project.slots,
                LEGACY_PACKAGE,
                None,
            )?);
            if !central.has_legacy_version {
                edits.push(msbuild::add_package_version(
                    central,
                    LEGACY_PACKAGE,
                    LEGACY_PACKAGE_VERSION,
                )?);
            }
        }
        None => edits.push(msbuild::add_package_reference(
            &project.csproj,
            &project.slots,
            LEGACY_PACKAGE,
            Some(LEGACY_PACKAGE_VERSION),
        )?),
    }
    Some(Fix::safe(
        format!(
            "add a PackageReference to {LEGACY_PACKAGE} {LEGACY_PACKAGE_VERSION}, which the legacy code needs on this Altinn.App version"
        ),
        edits,
    ))
}

/// Offers the fix when legacy code stays after the run's other fixes, or one of them writes some.
fn derive(finding: &Finding, state: &FixState) -> Option<Fix> {
    let Pending(fix) = finding.data::<Pending>()?;
    let stays = !state.unfixed_in_project(finding, &LEGACY_CODE).is_empty();
    let written = state
        .accepted_replacements_in_project(finding)
        .any(|text| REGISTRATION_METHODS.iter().any(|m| text.contains(m)));
    (stays || written).then(|| fix.clone())
}
