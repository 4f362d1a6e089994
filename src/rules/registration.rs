//! What MP101-MP104 share: the related locations of a legacy registration (its settings, the
//! appsettings section, the configure lambda, chained calls) and the sentence that says whether
//! and how it can be migrated.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::assess::readiness::Readiness;
use crate::core::Code;
use crate::core::{Site, SourceFile};
use crate::edit::{Edit, csharp, text};
use crate::facts::model::*;
use crate::rules::{Circumstance, Context, Finding, Rule, withheld_sentence};

/// The `using` each file's rewritten registrations need, worked out once per file.
#[derive(Default)]
pub struct Usings(HashMap<PathBuf, Option<Edit>>);

impl Usings {
    fn for_file(&mut self, file: &Arc<SourceFile>) -> Option<Edit> {
        self.0
            .entry(file.path.clone())
            .or_insert_with(|| csharp::builtin_using(file))
            .clone()
    }
}

/// The finding for a typed client, named client or handler registration.
pub fn finding(
    rule: &'static Rule,
    context: &Context,
    r: &Registration,
    message: String,
    usings: &mut Usings,
) -> Finding {
    let readiness = context.assessment.verdict(r);
    if context.assessment.stays_on_legacy_package(context.facts, r) {
        return stays(rule, r, message, readiness);
    }
    let mut finding = Finding::new(rule, r.site.clone(), message);
    finding.related = related(context, r, readiness);
    match &readiness.target {
        Some(target) => match csharp::registration_fix(r, target) {
            Ok(mut fix) => match keep_configure(context, r) {
                Ok(edit) => {
                    fix.edits.extend(edit);
                    fix.edits.extend(usings.for_file(&r.site.file));
                    finding.fix = Some(fix);
                }
                Err(why) => finding.fix_withheld = Some(format!("The rewrite is withheld: {why}.")),
            },
            Err(why) => {
                finding.fix_withheld = Some(format!("The rewrite is withheld: {why}."));
            }
        },
        None => {
            finding.fix_withheld = Some(withheld_sentence(&readiness.blockers));
            finding.waits_for = readiness.blockers.iter().map(|b| b.rule).collect();
            finding.waits_for.dedup();
        }
    }
    finding
}

fn related(
    context: &Context,
    r: &Registration,
    readiness: &Readiness,
) -> Vec<crate::rules::Related> {
    let mut out = Vec::new();
    let mut add = |site: Site, message: String| {
        out.push(crate::rules::Related { site, message });
    };
    if let Some((settings, site)) = &r.settings {
        add(
            site.clone(),
            format!("reads its settings from {}", settings.describe()),
        );
        add_sections(context, settings, &mut add);
    }
    if let RegistrationKind::MessageHandler { key } = &r.kind
        && let Some(definition) = context.assessment.definition_of(context.facts, r)
    {
        add(
            definition.site.clone(),
            format!("the client definition registered under {}", key.describe()),
        );
    }
    if let Some(lambda) = &r.configure {
        let set: Vec<&str> = lambda
            .assignments
            .iter()
            .map(|a| a.property.as_str())
            .collect();
        let message = if set.is_empty() {
            "the configure lambda".to_string()
        } else {
            format!("the configure lambda sets {}", set.join(", "))
        };
        add(lambda.site.clone(), message);
    }
    for chained in &r.chain {
        if chained.name == "AddTypedClient" {
            add(
                chained.site.clone(),
                format!(
                    "folds into AddHttpClient<{}>() on migration",
                    chained.type_args.join(", ")
                ),
            );
        }
    }
    if let Some(site) = &readiness.scope_site
        && site.file.path != r.site.file.path
    {
        add(
            site.clone(),
            "the scope the migrated client will request".to_string(),
        );
    }
    for blocker in &readiness.blockers {
        if blocker.site.span != r.site.span || blocker.site.file.path != r.site.file.path {
            add(
                blocker.site.clone(),
                format!("{}: {}", blocker.rule, blocker.reason),
            );
        }
    }
    out
}

/// The section's key in every appsettings file that defines it.
fn add_sections(context: &Context, settings: &SettingsSource, add: &mut impl FnMut(Site, String)) {
    let Some(path) = settings.section_path() else {
        return;
    };
    for file in &context.facts.appsettings {
        if let Some(entry) = file.get(path) {
            add(
                Site {
                    file: file.file.clone(),
                    span: entry.key_span,
                },
                format!("the section \"{path}\" it reads"),
            );
        }
    }
}

/// "`SettingsJwkClientDefinition`, configuration section \"X\"".
pub fn origin(r: &Registration) -> String {
    match &r.settings {
        Some((s, _)) => format!("`{}` with {}", r.definition.name, s.describe()),
        None => format!("`{}`", r.definition.name),
    }
}

/// A registration that stays on the legacy package (9.0.0-preview.6 and later): an info that
/// says what must hold, with the reasons it cannot move.
pub fn stays(
    rule: &'static Rule,
    r: &Registration,
    message: String,
    readiness: &Readiness,
) -> Finding {
    let section = r.settings.as_ref().and_then(|(s, _)| s.section_path());
    let default_section =
        section.is_some_and(|p| p.eq_ignore_ascii_case(crate::core::catalogue::DEFAULT_SECTION));
    let advice = if default_section {
        " It binds \"MaskinportenSettings\": a section of its own (for example \"MaskinportenSettingsLegacy\") is the safe choice, so it cannot be taken for the built-in client's."
    } else {
        ""
    };
    let message = message.replace(&format!(" {V9_NOTE}."), "");
    Finding::new(
        rule,
        r.site.clone(),
        format!(
            "{message} On Altinn.App 9.0.0-preview.6 and later this stays on the legacy package, the supported way to use a second Maskinporten identity: the project needs an explicit PackageReference to Altinn.ApiClients.Maskinporten ({}).{advice}",
            Code::MP110
        ),
    )
    .when(Circumstance::StaysOnLegacyPackage)
    .withheld(format!(
        "It stays on the legacy package: {}",
        withheld_sentence(&readiness.blockers)
    ))
}

pub const V9_NOTE: &str = "Altinn.App 9 no longer brings the legacy package, so this stops compiling there unless the app references it itself";

/// With `--credentials keep`: the `services.ConfigureMaskinportenClient("path")` that points the
/// built-in client at the legacy section, inserted once, above the first registration that
/// reads the section (a client definition's fix writes it in its place instead, MP104).
fn keep_configure(context: &Context, r: &Registration) -> Result<Option<Edit>, String> {
    if !context.keep() || matches!(r.kind, RegistrationKind::MessageHandler { .. }) {
        return Ok(None);
    }
    let settings = r.settings.as_ref().map(|(s, _)| s);
    let Some(path) = settings.and_then(SettingsSource::section_path) else {
        return Err(format!(
            "with --credentials keep the built-in client reads its credentials from a configuration section, and these come from {}",
            settings.map_or("nowhere known".to_string(), SettingsSource::describe)
        ));
    };
    if !context.assessment.sections.is_keep_anchor(r.id) {
        return Ok(None);
    }
    let file = &r.site.file;
    let start = text::line_start(file, r.site.span.start);
    let receiver = r.receiver.as_ref().map_or("services", |s| s.text());
    let receiver = if receiver
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        receiver
    } else {
        "services"
    };
    Ok(Some(Edit {
        site: Site {
            file: file.clone(),
            span: crate::core::Span::new(start, start),
        },
        replacement: format!(
            "{}{receiver}.ConfigureMaskinportenClient(\"{path}\");{}",
            file.indentation_at(r.site.span.start),
            text::line_ending(file)
        ),
    }))
}
