//! MP402 eager-config-read: Maskinporten settings read from configuration during service registration, before Key Vault and the provisioned file are added.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP402`.

use super::{Code, Context, Finding, Rule, Severity};
use super::{keyvault_secrets, sections};
use crate::assess::VersionModel;
use crate::core::Site;
use crate::core::Span;
use crate::facts::csharp::startup::StartupKind;
use crate::facts::model::{Registration, SettingsSource};

pub static RULE: Rule = Rule {
    code: Code::MP402,
    name: "eager-config-read",
    severity: Severity::Warning,
    summary: "Maskinporten settings read from configuration during service registration, before Key Vault and the provisioned file are added",
    check,
    doc: r#"## What it does
Reports configuration read *when the line runs* during service registration, for the settings of
a legacy Maskinporten registration: `section.Bind(settings)`, `section.Get<T>()`, single keys
(`config["A:B"]`, `config.GetValue<T>("A:B")`) in the settings object it is built from, and the
`IConfiguration` overloads of `AddMaskinportenHttpClient` / `RegisterMaskinportenClientDefinition`,
which bind at registration since legacy 9.0 (an app on Altinn.App 8 without its own package
reference gets legacy 8.0.1 transitively, which binds lazily; Altinn.App 8.12.0-8.12.6 brought
10.0.1). It also reports settings read into a variable that a
`ConfigureMaskinportenClient(o => ...)` lambda copies: the lambda runs late, the variable was
filled early (Altinn.App 8 and 9.0.0-preview.1 to .5; on preview.6 the call does not compile,
MP202). It fires when the section's signing key (or the single key read) is not in the deployed
appsettings files (empty or missing: it must come from a source added later) or when Key Vault
names show secrets under the section.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| `IConfiguration` overloads only with an explicit legacy reference of 9.0 or later (or on 8.12.0-8.12.6) | the same, and without an explicit reference (9.0.0-preview.4 and later need one: MP110) | as preview.1 to .5; reads copied by `ConfigureMaskinportenClient` are not reported (the call does not compile) |

## Why it matters
The app template runs `RegisterCustomAppServices` before `ConfigureAppWebHost` and before Key
Vault is added, so such a read sees only appsettings and environment variables: the credentials
from Key Vault or the provisioned `maskinporten-settings.json` are not there yet, and the client
signs with empty or stale values. Reads inside a lambda that runs later (options, a
`ConfigureMaskinportenClient(o => ...)` that reads configuration inside) see everything.

## Example
```csharp
var settings = config.GetSection("MaskinportenSettings").Get<MaskinportenSettings>(); // too early
services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, Client>(settings);
```

## Fix
None: bind lazily (pass the section, with a legacy version that binds lazily, or read
configuration inside an options lambda), or add the values to a source that exists at that time.

## Fix safety
No fix is offered: making the read lazy changes the code's structure, so a person does it.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    if !registration_runs_first(context) {
        return;
    }
    let eager_overloads = crate::assess::gate::legacy_binds_eagerly(context.project);
    let mut seen: Vec<Span> = Vec::new();
    for r in &context.facts.registrations {
        let Some((settings, argument)) = &r.settings else {
            continue;
        };
        let Some((read, how)) = eager_read(r, settings, argument, eager_overloads) else {
            continue;
        };
        if seen.contains(&read.span) {
            continue;
        }
        let Some(path) = settings.section_path() else {
            continue;
        };
        let Some(why) = values_arrive_later(context, path) else {
            continue;
        };
        seen.push(read.span);
        let finding = Finding::new(
            &RULE,
            read,
            format!(
                "{how} reads section \"{path}\" while services are registered, before ConfigureAppWebHost and Key Vault add their sources; {why}, so the client gets empty or stale credentials."
            ),
        )
        .related(r.site.clone(), "the registration that uses these settings")
        .withheld("Making the read lazy changes the code's structure; a person does it.");
        out.push(with_late_sources(context, finding, path));
    }
    key_reads(context, &mut seen, out);
    captured_reads(context, &mut seen, out);
}

/// `var s = section.Get<T>(); services.ConfigureMaskinportenClient(o => o.ClientId = s.ClientId)`
/// (the guide's legacy-compatibility mapping) and legacy registrations whose lambda or settings
/// object copies such a variable: the copy may run late, the variable was filled early. Not on
/// Altinn.App 9.0.0-preview.6+, where `ConfigureMaskinportenClient` does not compile (MP202).
fn captured_reads(context: &Context, seen: &mut Vec<Span>, out: &mut Vec<Finding>) {
    let overrides = context
        .facts
        .client_overrides
        .iter()
        .filter(|_| context.assessment.model != VersionModel::V9)
        .flat_map(|o| {
            o.captured
                .iter()
                .map(move |c| (c, &o.site, Copier::Override))
        });
    let registrations = context.facts.registrations.iter().flat_map(|r| {
        r.captured
            .iter()
            .map(move |c| (c, &r.site, Copier::Registration))
    });
    for (captured, call, copier) in overrides.chain(registrations) {
        let SettingsSource::Variable {
            name,
            read_at: Some(read),
            ..
        } = &captured.variable
        else {
            continue;
        };
        let Some(path) = captured.variable.section_path() else {
            continue;
        };
        if seen.contains(read) {
            continue;
        }
        let Some(why) = values_arrive_later(context, path) else {
            continue;
        };
        seen.push(*read);
        let finding = Finding::new(
            &RULE,
            Site::new(&call.file, *read),
            format!(
                "This line reads section \"{path}\" into `{name}` while services are registered, before ConfigureAppWebHost and Key Vault add their sources; {why}. {}",
                copier.consequence(name)
            ),
        )
        .related(captured.reader.clone(), format!("copies `{name}`"))
        .withheld("Making the read lazy changes the code's structure; a person does it.");
        out.push(with_late_sources(context, finding, path));
    }
}

/// What copies an early-read variable into the client's settings.
#[derive(Clone, Copy)]
enum Copier {
    Override,
    Registration,
}

impl Copier {
    fn consequence(self, name: &str) -> String {
        match self {
            Copier::Override => format!(
                "The ConfigureMaskinportenClient lambda runs later but copies `{name}`, so the client gets empty or stale credentials. Read the configuration inside an options callback instead, which runs once every source is added: `services.AddOptions<MaskinportenSettings>().Configure<IConfiguration>((options, config) => {{ var legacy = config.GetSection(\"...\").Get<...>(); options.ClientId = legacy.ClientId; ... }})`."
            ),
            Copier::Registration => format!(
                "The registration copies `{name}` into the client's settings, so the client gets empty or stale credentials. Put the values in a source that exists at that point (appsettings, environment variables), or bind the settings where configuration is complete (an options callback, `services.AddOptions<T>().Configure<IConfiguration>(...)`)."
            ),
        }
    }
}

/// Points a finding at the sources that arrive too late: the Key Vault call and the secrets
/// under `path` that the names show.
fn with_late_sources(context: &Context, mut finding: Finding, path: &str) -> Finding {
    let events = &context.facts.startup;
    let registration = events
        .iter()
        .position(|e| e.kind == StartupKind::ServiceRegistration);
    let vault = events.iter().position(|e| e.kind == StartupKind::KeyVault);
    if let Some(vault) = vault
        && registration.is_none_or(|r| r < vault)
    {
        finding = finding.related(
            events[vault].site.clone(),
            "Key Vault is added as a configuration source here, later",
        );
    }
    if let Some(kv) = &context.external.key_vault {
        for secret in kv.under(path).take(3) {
            finding = keyvault_secrets::with_name_site(finding, kv, secret);
        }
    }
    finding
}

/// `config["A:B"]` / `config.GetValue<T>("A:B")` in the settings a registration is built from
/// (an initializer, a `with` copy, a property set before the call): read when the line runs.
fn key_reads(context: &Context, seen: &mut Vec<Span>, out: &mut Vec<Finding>) {
    for r in &context.facts.registrations {
        let Some((settings, _)) = &r.settings else {
            continue;
        };
        for assignment in settings.assignments() {
            let crate::facts::model::Expr::ConfigRead { key: Some(key) } = &assignment.value else {
                continue;
            };
            if seen.contains(&assignment.span) {
                continue;
            }
            let Some(why) = key_arrives_later(context, key) else {
                continue;
            };
            seen.push(assignment.span);
            out.push(
                Finding::new(
                    &RULE,
                    Site {
                        file: r.site.file.clone(),
                        span: assignment.span,
                    },
                    format!(
                        "{} reads the key \"{key}\" while services are registered, before ConfigureAppWebHost and Key Vault add their sources; {why}, so the settings get an empty or stale value.",
                        assignment.property
                    ),
                )
                .related(r.site.clone(), "the registration that uses these settings")
                .withheld("Making the read lazy changes the code's structure; a person does it."),
            );
        }
    }
}

/// Why one configuration key's value comes from a source added after registration, if it does.
fn key_arrives_later(context: &Context, key: &str) -> Option<String> {
    if let Some(kv) = &context.external.key_vault
        && let Some(secret) = kv.under(key).next()
    {
        return Some(format!(
            "Key Vault ({}) holds {secret}, which is added later",
            kv.source
        ));
    }
    let set = context.facts.deployed_appsettings().any(|f| {
        f.get(key)
            .and_then(|e| e.value.as_config_string())
            .is_some_and(|v| !v.trim().is_empty())
    });
    (!set).then(|| "no deployed appsettings file gives it a value, so it must come from a source added later (Key Vault, secret files)".to_string())
}

/// Where the settings were read eagerly, and a phrase for how.
fn eager_read(
    r: &Registration,
    settings: &SettingsSource,
    argument: &Site,
    eager_overloads: bool,
) -> Option<(Site, &'static str)> {
    match settings {
        SettingsSource::Section { .. } if eager_overloads => Some((
            argument.clone(),
            "The IConfiguration overload (legacy 9.0 and later)",
        )),
        SettingsSource::Variable {
            read_at: Some(span),
            ..
        } => Some((
            Site {
                file: r.site.file.clone(),
                span: *span,
            },
            "This line",
        )),
        SettingsSource::With { base, .. } => eager_read(r, base, argument, eager_overloads),
        _ => None,
    }
}

/// Whether service registration runs before the web host is configured (as in the template;
/// assumed when the start-up cannot be followed).
fn registration_runs_first(context: &Context) -> bool {
    let events = &context.facts.startup;
    let at = |kind| events.iter().position(|e| e.kind == kind);
    match (
        at(StartupKind::ServiceRegistration),
        at(StartupKind::WebHost),
    ) {
        (Some(registration), Some(host)) => registration < host,
        _ => true,
    }
}

/// Why the section's values come from a source added after registration, if they do.
fn values_arrive_later(context: &Context, path: &str) -> Option<String> {
    if let Some(kv) = &context.external.key_vault
        && let Some(secret) = kv.under(path).next()
    {
        return Some(format!(
            "Key Vault ({}) holds {secret}, which is added later",
            kv.source
        ));
    }
    let has_key = sections::signing_key_deployed(context, path);
    (!has_key).then(|| {
        "no deployed appsettings file gives it a signing key, so the key must come from a source added later (Key Vault, secret files)".to_string()
    })
}
