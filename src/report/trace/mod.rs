//! `trace`: renders the run-time view the assessment computed (`assess::runtime`) as a compact
//! table per identity (human), a versioned JSON document, or Markdown, and the "Run time"
//! section of the Markdown review report. The wording every format shares lives here: source
//! names, cells, verdict sentences, and finding the finding a verdict points to (by its rule
//! code, never by its message). Values never appear: the trace holds none.

pub mod human;
pub mod json;
pub mod markdown;

use crate::assess::runtime::{
    Binding, Client, CodeValue, Environment, EnvironmentTrace, Identity, KeyOrigin, KeyValue,
    Owner, Pointer, Presence, Runtime, Source, SourceKind, Supplier, VerdictKind, Winner,
};
use crate::core::paths::RepoRoot;
use crate::core::{InputProblem, Site};
use crate::discover::Project;
use crate::facts::csharp::environment::EnvCondition;
use crate::rules::Finding;

/// The traces of one run and the findings of the same run, which the verdicts point to.
pub struct Side<'a> {
    pub runtimes: &'a [Runtime],
    pub findings: &'a [Finding],
    /// Name files relative to this root (the Markdown review report); else as `check` shows
    /// them, relative to the current directory.
    pub root: Option<&'a RepoRoot>,
}

impl Side<'_> {
    /// `path:line` of a site.
    fn location(&self, site: &Site) -> String {
        let path = match self.root {
            Some(root) => root.relative(&site.file.path),
            None => site.file.display.clone(),
        };
        format!("{path}:{}", site.file.position(site.span.start).line)
    }
}

/// What the fixes were, when the trace is of the tree they would produce.
pub struct AfterFix {
    pub fixes: usize,
    pub files: usize,
    pub unsafe_fixes: bool,
}

/// Everything a trace renderer needs.
pub struct View<'a> {
    pub projects: &'a [Project],
    pub environments: &'a [Environment],
    pub side: Side<'a>,
    /// Set with `--after-fix`: `side` is the tree the fixes would produce.
    pub after_fix: Option<AfterFix>,
    /// The input the run could not use (also on standard error).
    pub problems: &'a [InputProblem],
    /// Where less was checked than the paths suggest (also among `problems`).
    pub gaps: &'a [InputProblem],
}

/// The finding a verdict points to: its rule's finding at the place the pointer names, or the
/// first of its rule in the project when it names none.
fn locate<'a>(findings: &'a [Finding], project: &str, pointer: &Pointer) -> Option<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.rule.code == pointer.code && f.project.as_deref() == Some(project))
        .find(|f| pointer.at.as_ref().is_none_or(|at| f.site == *at))
}

/// "MP304 at App/Program.cs:34", or that no finding of the rule reports it (a rule that does
/// not fire in this case, one turned off, or a finding suppressed).
fn pointer_text(side: &Side, project: &str, pointer: &Pointer) -> String {
    match locate(side.findings, project, pointer) {
        Some(f) => format!("{} at {}", pointer.code, side.location(&f.site)),
        None => format!("no {} finding reports it", pointer.code),
    }
}

/// The Altinn.App version and model of a project: "Altinn.App 8.12.7, v8".
fn version_text(projects: &[Project], runtime: &Runtime) -> String {
    let version = projects
        .iter()
        .find(|p| p.display() == runtime.project)
        .and_then(|p| p.altinn_version.as_ref())
        .map_or("Altinn.App version unknown".to_string(), |v| {
            format!("Altinn.App {v}")
        });
    format!("{version}, {}", runtime.model.name())
}

/// Code as written (a condition, an argument), the only text of the app a trace shows: secret-
/// looking string values masked, at most 80 characters, and never the start of a string that
/// was cut (the masking sees only whole strings).
fn as_written(text: &str) -> String {
    const MAX: usize = 80;
    let masked = crate::report::redact::redact(text);
    let mut cut = masked.ends_with('…');
    let mut shown = masked.trim_end_matches('…').to_string();
    if shown.chars().count() > MAX {
        shown = shown.chars().take(MAX - 1).collect();
        cut = true;
    }
    if cut
        && shown.matches('"').count() % 2 == 1
        && let Some(open) = shown.rfind('"')
    {
        shown.truncate(open + 1);
    }
    if cut {
        shown.push('…');
    }
    shown
}

/// In which environments a source is loaded, for people: "" (always), "not in Development".
fn condition_text(condition: &EnvCondition) -> Option<String> {
    match condition {
        EnvCondition::Except(names) if names.is_empty() => None,
        EnvCondition::Except(names) => Some(format!("not in {}", names.join(", "))),
        EnvCondition::Only(names) if names.is_empty() => Some("in no environment".to_string()),
        EnvCondition::Only(names) => Some(names.join(", ")),
        EnvCondition::Unknown(text) => Some(format!("when `{}`", as_written(text))),
    }
}

/// A source as the list of sources describes it.
fn source_description(side: &Side, source: &Source) -> String {
    let mut details: Vec<String> = condition_text(&source.condition).into_iter().collect();
    let name = match &source.kind {
        SourceKind::AppSettings(_) => source.name(),
        SourceKind::UserSecrets => "user secrets".to_string(),
        SourceKind::EnvironmentVariables { again: false } => "environment variables".to_string(),
        SourceKind::EnvironmentVariables { again: true } => {
            "environment variables, again".to_string()
        }
        SourceKind::Provisioned => {
            "maskinporten-settings.json, provisioned by Altinn Studio once scopes are selected"
                .to_string()
        }
        SourceKind::RuntimeSecretFiles => {
            "runtime secret files, the other *.json files of the secrets directory".to_string()
        }
        SourceKind::AppSettingsSecret | SourceKind::CommandLine | SourceKind::Added { .. } => {
            source.name()
        }
        SourceKind::KeyVault { names } => {
            details.push(match names {
                Some(from) => format!("secret names from {from}"),
                None => "secret names not given, so the keys it holds are not known".to_string(),
            });
            "Key Vault".to_string()
        }
    };
    if !source.visible() && !matches!(source.kind, SourceKind::KeyVault { .. }) {
        details.push("not visible from the repository".to_string());
    }
    if let Some(site) = &source.added_at {
        let by = source
            .added_by
            .as_ref()
            .map_or(String::new(), |method| format!("by {method} "));
        details.push(format!("added {by}at {}", side.location(site)));
    }
    if details.is_empty() {
        name
    } else {
        format!("{name} ({})", details.join("; "))
    }
}

/// Where services are registered, for the marker in the list of sources.
fn registration_place(side: &Side, runtime: &Runtime) -> String {
    match &runtime.registration {
        Some(site) => format!("RegisterCustomAppServices at {}", side.location(site)),
        None => "not found in the start-up: assumed here, as in the app template".to_string(),
    }
}

/// A short name for a source in a cell: the file, `provisioned`, `Key Vault`.
fn cell_name(runtime: &Runtime, index: usize) -> String {
    let source = &runtime.sources[index];
    match source.kind {
        SourceKind::Provisioned => "provisioned".to_string(),
        _ => source.name(),
    }
}

/// One cell of the table: the source that gives the key its value in the environment.
fn cell(runtime: &Runtime, value: &KeyValue) -> String {
    let mut text = match value.winner {
        Winner::Source(i, Presence::Empty) => format!("{} (empty)", cell_name(runtime, i)),
        Winner::Source(i, _) => cell_name(runtime, i),
        Winner::Code(CodeValue::Empty) => "code (empty)".to_string(),
        Winner::Code(_) => "code".to_string(),
        Winner::Private { local: false } => "provisioned".to_string(),
        Winner::Private { local: true } => "studioctl (local)".to_string(),
        Winner::Missing => "missing".to_string(),
    };
    // A source after the winner that may hold the key: Key Vault without its names.
    let winner_at = match value.winner {
        Winner::Source(i, _) => Some(i),
        _ => None,
    };
    if value
        .defined_by
        .iter()
        .any(|(i, p)| *p == Presence::Unknown && winner_at.is_none_or(|w| *i > w))
    {
        text.push_str(", Key Vault?");
    }
    for (i, presence) in &value.too_late {
        let maybe = if *presence == Presence::Unknown {
            "?"
        } else {
            ""
        };
        text.push_str(&format!(", {}{maybe} too late", cell_name(runtime, *i)));
    }
    text
}

/// The state of a key in one environment: set, empty, missing or not visible.
fn state(value: &KeyValue) -> &'static str {
    match value.winner {
        Winner::Source(_, Presence::Empty) | Winner::Code(CodeValue::Empty) => "empty",
        Winner::Missing => "missing",
        Winner::Private { local: true } => "not-visible",
        _ => "set",
    }
}

/// The identity's heading: which client, which section, and how it is bound.
fn identity_heading(side: &Side, runtime: &Runtime, identity: &Identity) -> String {
    match &identity.client {
        Client::BuiltIn(Binding::Default) => {
            "Built-in client, section \"MaskinportenSettings\" (bound by default)".to_string()
        }
        Client::BuiltIn(Binding::Path { path, site }) => format!(
            "Built-in client, section \"{path}\" (ConfigureMaskinportenClient at {})",
            side.location(site)
        ),
        Client::BuiltIn(Binding::Lambda { site }) => format!(
            "Built-in client, settings set by the ConfigureMaskinportenClient lambda at {}",
            side.location(site)
        ),
        Client::BuiltIn(Binding::Unknown { text, site }) => format!(
            "Built-in client, section `{}` (not statically known; ConfigureMaskinportenClient at {})",
            as_written(text),
            side.location(site)
        ),
        Client::BuiltInPrivate { .. } => "Built-in client: on Altinn.App 9.0.0-preview.6 and later it reads only its private configuration (the maskinporten-settings.json Altinn Studio provisions; locally, the file `studioctl app maskinporten set` writes), so appsettings, Key Vault and environment variables do not reach it".to_string(),
        Client::Legacy {
            clients,
            section,
            registrations,
        } => {
            let settings = match section {
                Some(s) => format!("section \"{s}\""),
                None => "settings built in code".to_string(),
            };
            let reported: Vec<String> = registrations
                .iter()
                .take(SHOWN_CLIENTS)
                .map(|p| pointer_text(side, &runtime.project, p))
                .collect();
            format!(
                "Legacy {}, {settings} ({})",
                first_of(clients, clients.len()),
                first_of(&reported, registrations.len())
            )
        }
    }
}

/// How many of an identity's clients a heading names (the JSON lists them all).
const SHOWN_CLIENTS: usize = 3;

/// The first few of `total` items, and how many more there are: an app may register thousands
/// of clients with one section.
fn first_of(items: &[String], total: usize) -> String {
    let shown = items[..items.len().min(SHOWN_CLIENTS)].join(", ");
    match total.saturating_sub(SHOWN_CLIENTS) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// Notes under the heading: the calls that no longer compile, code that configures the settings
/// in a way the trace does not follow, and the keys read while services are registered.
fn identity_notes(side: &Side, runtime: &Runtime, identity: &Identity) -> Vec<String> {
    let mut notes = Vec::new();
    if let Client::BuiltInPrivate { removed } = &identity.client {
        for pointer in removed {
            let at = pointer
                .at
                .as_ref()
                .map_or(String::new(), |site| side.location(site));
            notes.push(format!(
                "ConfigureMaskinportenClient at {at} does not exist on this version: the app does not build until it is removed ({})",
                pointer_text(side, &runtime.project, pointer)
            ));
        }
    }
    for pointer in &identity.not_followed {
        let at = pointer
            .at
            .as_ref()
            .map_or(String::new(), |site| side.location(site));
        notes.push(format!(
            "Configure<MaskinportenSettings> at {at} also configures these settings (and keeps Altinn.App from binding MaskinportenSettings by default); the trace does not follow what it sets ({})",
            pointer_text(side, &runtime.project, pointer)
        ));
    }
    let mut eager: Vec<(String, Vec<String>)> = Vec::new();
    for key in &identity.keys {
        if let KeyOrigin::Config {
            key: config_key,
            eager: Some(site),
        } = &key.origin
        {
            // A key copied from another one (`options.JwkBase64 = legacy.EncodedJwk`) names it.
            let read = config_key.rsplit(':').next().unwrap_or(config_key);
            let name = if read.eq_ignore_ascii_case(&key.name) {
                key.name.clone()
            } else {
                format!("{} (from {config_key})", key.name)
            };
            let at = side.location(site);
            match eager.iter_mut().find(|(a, _)| *a == at) {
                Some((_, names)) => names.push(name),
                None => eager.push((at, vec![name])),
            }
        }
    }
    for (at, names) in eager {
        notes.push(format!(
            "read while services are registered, at {at}: {}",
            names.join(", ")
        ));
    }
    notes
}

/// The names of keys; with `group`, a signing key stands for all of them (`jwkBase64/jwk`).
fn key_names(identity: &Identity, keys: &[usize], group: bool) -> String {
    keys.iter()
        .map(|&k| {
            if group && identity.keys[k].role == crate::assess::runtime::KeyRole::Signing {
                identity
                    .keys
                    .iter()
                    .filter(|key| key.role == crate::assess::runtime::KeyRole::Signing)
                    .map(|key| key.name.as_str())
                    .collect::<Vec<_>>()
                    .join("/")
            } else {
                identity.keys[k].name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn supplier_name(runtime: &Runtime, supplier: Supplier) -> String {
    match supplier {
        Supplier::Source(i) => match runtime.sources[i].kind {
            SourceKind::Provisioned => "maskinporten-settings.json (provisioned)".to_string(),
            _ => runtime.sources[i].name(),
        },
        Supplier::Code => "code".to_string(),
        Supplier::Private => "the provisioned private configuration".to_string(),
    }
}

/// The verdict as one sentence, with the finding that reports it.
fn verdict_text(
    side: &Side,
    runtime: &Runtime,
    identity: &Identity,
    trace: &EnvironmentTrace,
) -> String {
    let mut text = match &trace.verdict.kind {
        VerdictKind::Consistent {
            owner: Owner::Provisioned,
            ..
        } => "one identity: the credentials Altinn Studio provisions".to_string(),
        VerdictKind::Consistent {
            owner: Owner::App,
            from,
        } => {
            let names: Vec<String> = from.iter().map(|s| supplier_name(runtime, *s)).collect();
            format!("one identity, the app's own ({})", names.join(" and "))
        }
        VerdictKind::Hybrid { parts } => {
            let named: Vec<String> = parts
                .iter()
                .map(|(k, s)| {
                    format!(
                        "{} from {}",
                        identity.keys[*k].name,
                        supplier_name(runtime, *s)
                    )
                })
                .collect();
            format!(
                "hybrid identity: {}; the client id and the key do not belong together, so token requests fail",
                named.join(", ")
            )
        }
        VerdictKind::Missing { keys, hidden } => {
            let unless = if hidden.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = hidden
                    .iter()
                    .map(|&i| match runtime.sources[i].kind {
                        SourceKind::KeyVault { .. } => "Key Vault".to_string(),
                        _ => runtime.sources[i].name(),
                    })
                    .fold(Vec::new(), |mut all, n| {
                        if !all.contains(&n) {
                            all.push(n);
                        }
                        all
                    });
                let them = if keys.len() == 1 { "it" } else { "them" };
                format!(", unless {} set {them}", either(&names))
            };
            format!(
                "missing {}: the client fails at its first token request{unless}",
                key_names(identity, keys, true)
            )
        }
        VerdictKind::ReadTooEarly { keys } => {
            let mut late: Vec<(String, bool)> = Vec::new();
            for &k in keys {
                for (i, presence) in &trace.keys[k].too_late {
                    let name = supplier_name(runtime, Supplier::Source(*i));
                    let known = *presence != Presence::Unknown;
                    match late.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, k)) => *k |= known,
                        None => late.push((name, known)),
                    }
                }
            }
            let (it, verb) = if keys.len() == 1 {
                ("it", "is")
            } else {
                ("them", "are")
            };
            let sources: Vec<String> = late
                .into_iter()
                .map(|(name, known)| {
                    if known {
                        name
                    } else {
                        format!("{name} (which may hold {it})")
                    }
                })
                .collect();
            let added = if sources.len() == 1 { "is" } else { "are" };
            format!(
                "read too early: {} {verb} read while services are registered, before {} {added} added, so the client gets an empty or stale value",
                key_names(identity, keys, false),
                sources.join(" and ")
            )
        }
        VerdictKind::NotVisible => {
            "credentials from `studioctl app maskinporten set`, not visible from the repository"
                .to_string()
        }
    };
    if !trace.verdict.may_override.is_empty() {
        let names: Vec<String> = trace
            .verdict
            .may_override
            .iter()
            .map(|&i| runtime.sources[i].name())
            .collect();
        text.push_str(&format!(
            ", unless {} overrides it (its secret names were not given)",
            either(&names)
        ));
    }
    if let Some(pointer) = &trace.verdict.pointer {
        text.push_str(&format!(
            " ({})",
            pointer_text(side, &runtime.project, pointer)
        ));
    }
    text
}

/// Names as a choice: "a", "a or b", "a, b or c".
fn either(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Whether any identity of the app reads the app's own configuration (a v9 app whose only
/// identity is the private built-in client does not).
fn reads_configuration(runtime: &Runtime) -> bool {
    runtime
        .identities
        .iter()
        .any(|i| !matches!(i.client, Client::BuiltInPrivate { .. }))
}
