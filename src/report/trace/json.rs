//! `trace --format json`, version 1: per app the sources in order (numbered from 1), where
//! services are registered, and per identity its keys and, per environment, the sources that
//! define each key, the one that wins, and the verdict with the finding that reports it.
//! States are `set`, `empty`, `missing` and `not-visible`; values are never included.

use serde::Serialize;

use super::{Side, View, locate, state, verdict_text};
use crate::assess::runtime::{
    Binding, Client, EnvironmentTrace, Identity, KeyOrigin, KeyRole, KeyValue, Owner, Pointer,
    Presence, Runtime, Source, SourceKind, Supplier, VerdictKind, Winner,
};
use crate::core::{InputProblem, Site};
use crate::facts::csharp::environment::EnvCondition;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    /// Set with `--after-fix`: the fixes the traced tree has.
    after_fix: Option<AfterFix>,
    environments: Vec<String>,
    apps: Vec<App>,
    /// The input the run could not use, as in `check --format json`.
    problems: &'a [InputProblem],
}

#[derive(Serialize)]
struct AfterFix {
    fixes: usize,
    files: usize,
    unsafe_fixes: bool,
}

#[derive(Serialize)]
struct Place {
    path: String,
    line: usize,
}

#[derive(Serialize)]
struct App {
    project: String,
    altinn_version: Option<String>,
    model: &'static str,
    sources: Vec<SourceOut>,
    services_registered: Registered,
    identities: Vec<IdentityOut>,
}

#[derive(Serialize)]
struct Registered {
    /// Sources 1 to this one are loaded when services are registered.
    after_source: usize,
    at: Option<Place>,
}

#[derive(Serialize)]
struct SourceOut {
    id: usize,
    name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    environments: Environments,
    visible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    names_from: Option<String>,
    added_at: Option<Place>,
    /// The method of the call at `added_at`: `ConfigureAppWebHost`, `AddJsonFile`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    added_by: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Environments {
    Only(Vec<String>),
    Except(Vec<String>),
    When(String),
}

#[derive(Serialize)]
struct Finding {
    rule: &'static str,
    /// The finding's place; null when no finding of the rule reports it in this run.
    path: Option<String>,
    line: Option<usize>,
}

#[derive(Serialize)]
struct IdentityOut {
    /// `built-in`, `built-in-private` or `legacy`.
    client: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    binding: Option<&'static str>,
    section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bound_at: Option<Place>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    clients: Vec<String>,
    /// The legacy registrations, or the `ConfigureMaskinportenClient` calls that no longer
    /// compile on 9.0.0-preview.6 and later, each with the finding that reports it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<Finding>,
    /// Built-in: `Configure<MaskinportenSettings>(...)` calls that also configure the settings,
    /// which the trace does not follow, each with the finding that reports it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_followed: Vec<Finding>,
    keys: Vec<KeyOut>,
    environments: Vec<EnvironmentOut>,
}

#[derive(Serialize)]
struct KeyOut {
    key: String,
    role: &'static str,
    /// `when-used`, `at-registration`, `code`, `private`, or `unset`.
    read: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<Place>,
}

#[derive(Serialize)]
struct EnvironmentOut {
    environment: String,
    keys: Vec<KeyValueOut>,
    verdict: VerdictOut,
}

#[derive(Serialize)]
struct KeyValueOut {
    key: String,
    /// The source id that wins, `code`, `private`, or null.
    wins: serde_json::Value,
    state: &'static str,
    defined_by: Vec<Defined>,
    too_late: Vec<Defined>,
}

#[derive(Serialize)]
struct Defined {
    source: usize,
    state: &'static str,
}

#[derive(Serialize)]
struct VerdictOut {
    /// `consistent`, `hybrid`, `missing`, `read-too-early` or `not-visible`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'static str>,
    /// Consistent: where the client id and the signing key come from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    from: Vec<serde_json::Value>,
    /// Hybrid: each identity key and where it comes from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<Part>,
    /// Missing or read too early: the keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keys: Vec<String>,
    /// Missing: sources not visible from the repository that might set them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unless: Vec<usize>,
    /// Consistent or hybrid: sources whose keys are not known (Key Vault without its secret
    /// names) that may override a key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    may_override: Vec<usize>,
    text: String,
    finding: Option<Finding>,
}

#[derive(Serialize)]
struct Part {
    key: String,
    from: serde_json::Value,
}

pub fn render(view: &View) -> String {
    let document = Document {
        version: 1,
        after_fix: view.after_fix.as_ref().map(|a| AfterFix {
            fixes: a.fixes,
            files: a.files,
            unsafe_fixes: a.unsafe_fixes,
        }),
        environments: view.environments.iter().map(|e| e.name.clone()).collect(),
        apps: view.side.runtimes.iter().map(|r| app(view, r)).collect(),
        problems: view.problems,
    };
    serde_json::to_string_pretty(&document).expect("the trace serialises") + "\n"
}

fn place(site: &Site) -> Place {
    Place {
        path: site.file.display.clone(),
        line: site.file.position(site.span.start).line,
    }
}

fn app(view: &View, runtime: &Runtime) -> App {
    let project = view
        .projects
        .iter()
        .find(|p| p.display() == runtime.project);
    App {
        project: runtime.project.clone(),
        altinn_version: project
            .and_then(|p| p.altinn_version.as_ref())
            .map(|v| v.to_string()),
        model: runtime.model.name(),
        sources: runtime
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| source(i, s))
            .collect(),
        services_registered: Registered {
            after_source: runtime.registered_at,
            at: runtime.registration.as_ref().map(place),
        },
        identities: runtime
            .identities
            .iter()
            .map(|i| identity(&view.side, runtime, i))
            .collect(),
    }
}

fn source(index: usize, source: &Source) -> SourceOut {
    let (kind, path, names_from) = match &source.kind {
        SourceKind::AppSettings(file) => ("appsettings", Some(file.display.clone()), None),
        SourceKind::UserSecrets => ("user-secrets", None, None),
        SourceKind::EnvironmentVariables { .. } => ("environment-variables", None, None),
        SourceKind::Provisioned => ("provisioned", None, None),
        SourceKind::RuntimeSecretFiles => ("runtime-secret-files", None, None),
        SourceKind::AppSettingsSecret => ("appsettings-secret", None, None),
        SourceKind::CommandLine => ("command-line", None, None),
        SourceKind::Added { .. } => ("other", None, None),
        SourceKind::KeyVault { names } => ("key-vault", None, names.clone()),
    };
    SourceOut {
        id: index + 1,
        name: source.name(),
        kind,
        path,
        environments: match &source.condition {
            EnvCondition::Only(names) => Environments::Only(names.clone()),
            EnvCondition::Except(names) => Environments::Except(names.clone()),
            EnvCondition::Unknown(text) => Environments::When(super::as_written(text)),
        },
        visible: source.visible(),
        names_from,
        added_at: source.added_at.as_ref().map(place),
        added_by: source.added_by.clone(),
    }
}

fn finding(side: &Side, runtime: &Runtime, pointer: &Pointer) -> Finding {
    let found = locate(side.findings, &runtime.project, pointer);
    Finding {
        rule: pointer.code.as_str(),
        path: found.map(|f| f.site.file.display.clone()),
        line: found.map(|f| f.site.file.position(f.site.span.start).line),
    }
}

fn identity(side: &Side, runtime: &Runtime, identity: &Identity) -> IdentityOut {
    let mut out = IdentityOut {
        client: "built-in",
        binding: None,
        section: None,
        bound_at: None,
        clients: Vec::new(),
        findings: Vec::new(),
        not_followed: identity
            .not_followed
            .iter()
            .map(|p| finding(side, runtime, p))
            .collect(),
        keys: identity.keys.iter().map(key).collect(),
        environments: runtime
            .environments
            .iter()
            .zip(&identity.environments)
            .map(|(env, trace)| EnvironmentOut {
                environment: env.name.clone(),
                keys: identity
                    .keys
                    .iter()
                    .zip(&trace.keys)
                    .map(|(k, v)| key_value(&k.name, v))
                    .collect(),
                verdict: verdict(side, runtime, identity, trace),
            })
            .collect(),
    };
    match &identity.client {
        Client::BuiltIn(binding) => {
            let (how, section, at) = match binding {
                Binding::Default => ("default", Some("MaskinportenSettings".to_string()), None),
                Binding::Path { path, site } => ("path", Some(path.clone()), Some(site)),
                Binding::Lambda { site } => ("lambda", None, Some(site)),
                Binding::Unknown { site, .. } => ("unknown", None, Some(site)),
            };
            out.binding = Some(how);
            out.section = section;
            out.bound_at = at.map(place);
        }
        Client::BuiltInPrivate { removed } => {
            out.client = "built-in-private";
            out.findings = removed.iter().map(|p| finding(side, runtime, p)).collect();
        }
        Client::Legacy {
            clients,
            section,
            registrations,
        } => {
            out.client = "legacy";
            out.section = section.clone();
            out.clients = clients.clone();
            out.findings = registrations
                .iter()
                .map(|p| finding(side, runtime, p))
                .collect();
        }
    }
    out
}

fn key(k: &crate::assess::runtime::KeyRead) -> KeyOut {
    let role = match k.role {
        KeyRole::ClientId => "client-id",
        KeyRole::Required => "required",
        KeyRole::Signing => "signing",
        KeyRole::Optional => "optional",
    };
    let (read, config_key, at) = match &k.origin {
        KeyOrigin::Config { key, eager: None } => ("when-used", Some(key.clone()), None),
        KeyOrigin::Config {
            key,
            eager: Some(site),
        } => ("at-registration", Some(key.clone()), Some(place(site))),
        KeyOrigin::Code { site, .. } => ("code", None, Some(place(site))),
        KeyOrigin::Private => ("private", None, None),
        KeyOrigin::Unset => ("unset", None, None),
    };
    KeyOut {
        key: k.name.clone(),
        role,
        read,
        config_key,
        at,
    }
}

fn presence(p: Presence) -> &'static str {
    match p {
        Presence::Set => "set",
        Presence::Empty => "empty",
        Presence::Unknown => "not-visible",
    }
}

fn defined(list: &[(usize, Presence)]) -> Vec<Defined> {
    list.iter()
        .map(|(i, p)| Defined {
            source: i + 1,
            state: presence(*p),
        })
        .collect()
}

fn key_value(name: &str, value: &KeyValue) -> KeyValueOut {
    let wins = match value.winner {
        Winner::Source(i, _) => serde_json::json!(i + 1),
        Winner::Code(_) => serde_json::json!("code"),
        Winner::Private { .. } => serde_json::json!("private"),
        Winner::Missing => serde_json::Value::Null,
    };
    KeyValueOut {
        key: name.to_string(),
        wins,
        state: state(value),
        defined_by: defined(&value.defined_by),
        too_late: defined(&value.too_late),
    }
}

fn supplier(s: Supplier) -> serde_json::Value {
    match s {
        Supplier::Source(i) => serde_json::json!(i + 1),
        Supplier::Code => serde_json::json!("code"),
        Supplier::Private => serde_json::json!("private"),
    }
}

fn verdict(
    side: &Side,
    runtime: &Runtime,
    identity: &Identity,
    trace: &EnvironmentTrace,
) -> VerdictOut {
    let mut out = VerdictOut {
        kind: "consistent",
        owner: None,
        from: Vec::new(),
        parts: Vec::new(),
        keys: Vec::new(),
        unless: Vec::new(),
        may_override: trace.verdict.may_override.iter().map(|i| i + 1).collect(),
        text: verdict_text(side, runtime, identity, trace),
        finding: trace
            .verdict
            .pointer
            .as_ref()
            .map(|p| finding(side, runtime, p)),
    };
    match &trace.verdict.kind {
        VerdictKind::Consistent { owner, from } => {
            out.owner = Some(match owner {
                Owner::Provisioned => "provisioned",
                Owner::App => "app",
            });
            out.from = from.iter().map(|s| supplier(*s)).collect();
        }
        VerdictKind::Hybrid { parts } => {
            out.kind = "hybrid";
            out.parts = parts
                .iter()
                .map(|(k, s)| Part {
                    key: identity.keys[*k].name.clone(),
                    from: supplier(*s),
                })
                .collect();
        }
        VerdictKind::Missing { keys, hidden } => {
            out.kind = "missing";
            out.keys = keys
                .iter()
                .map(|k| super::key_names(identity, &[*k], true))
                .collect();
            out.unless = hidden.iter().map(|i| i + 1).collect();
        }
        VerdictKind::ReadTooEarly { keys } => {
            out.kind = "read-too-early";
            out.keys = keys
                .iter()
                .map(|&k| identity.keys[k].name.clone())
                .collect();
        }
        VerdictKind::NotVisible => out.kind = "not-visible",
    }
    out
}
