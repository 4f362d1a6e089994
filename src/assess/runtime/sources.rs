//! The configuration sources of an app in the order it adds them: what
//! `WebApplication.CreateBuilder` adds (appsettings.json, appsettings.{Environment}.json, user
//! secrets in Development, environment variables), then the start-up steps in the order the
//! start-up walk found them: service registration (where eager reads happen),
//! `ConfigureAppWebHost` (the provisioned `maskinporten-settings.json` on Altinn.App 8 and the
//! early 9 previews, the runtime secret files, `altinn-appsettings-secret.json`, environment
//! variables again, `appsettings.Local.json`), each Key Vault call and each source the app adds
//! itself (`AddJsonFile`, ...), in the environments its `if` allows. A step the walk did not
//! find is placed where the app template has it.

use std::path::Path;
use std::sync::Arc;

use crate::assess::VersionModel;
use crate::core::{Site, SourceFile};
use crate::discover::Project;
use crate::facts::appsettings::AppSettingsFile;
use crate::facts::csharp::environment::EnvCondition;
use crate::facts::csharp::startup::{AddedSource, StartupKind};
use crate::facts::external::External;
use crate::facts::resolve::ProjectFacts;

use super::{Environment, Source, SourceKind};

/// The sources in order, with where services are registered and the web host configured.
pub struct Order {
    pub sources: Vec<Source>,
    pub registered_at: usize,
    pub registration: Option<Site>,
    /// The index of the first source `ConfigureAppWebHost` adds.
    pub web_host_at: usize,
}

/// The first Altinn.App version whose `ConfigureAppWebHost` adds the provisioned file.
const PROVISIONED_SINCE: (u64, u64, u64) = (8, 3, 0);
/// The first Altinn.App version whose `ConfigureAppWebHost` adds the other `*.json` files of
/// the runtime secrets directory.
const RUNTIME_FILES_SINCE: (u64, u64, u64) = (8, 11, 0);

pub fn order(
    project: &Project,
    facts: &ProjectFacts,
    model: VersionModel,
    external: &External,
    environments: &[Environment],
) -> Order {
    let mut sources = builder_defaults(project, facts, environments);
    // Without a `RegisterCustomAppServices` in the walk, services are taken to be registered
    // before the web host is configured, as in the template.
    let walked_registration = facts
        .startup
        .iter()
        .any(|e| e.kind == StartupKind::ServiceRegistration);
    let mut registered_at = None;
    let mut registration = None;
    let mut web_host_at = None;
    for event in &facts.startup {
        match event.kind {
            StartupKind::ServiceRegistration if registered_at.is_none() => {
                registered_at = Some(sources.len());
                registration = Some(event.site.clone());
            }
            StartupKind::WebHost if web_host_at.is_none() => {
                if !walked_registration {
                    registered_at.get_or_insert(sources.len());
                }
                web_host_at = Some(sources.len());
                sources.extend(web_host(project, facts, model, Some(event.site.clone())));
            }
            StartupKind::KeyVault => sources.push(Source {
                kind: SourceKind::KeyVault {
                    names: external.key_vault.as_ref().map(|kv| kv.source.clone()),
                },
                added_at: Some(event.site.clone()),
                added_by: None,
                condition: event.condition.clone(),
            }),
            StartupKind::Configuration => {
                if let Some(added) = &event.added {
                    sources.push(Source {
                        kind: added_kind(project, facts, added),
                        added_at: Some(event.site.clone()),
                        added_by: Some(added.method.clone()),
                        condition: event.condition.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    let registered_at = registered_at.unwrap_or(builder_count(&sources));
    let web_host_at = match web_host_at {
        Some(at) => at,
        None => {
            // Not found in the start-up: where the template has it, right after registration.
            let added = web_host(project, facts, model, None);
            sources.splice(registered_at..registered_at, added);
            registered_at
        }
    };
    Order {
        sources,
        registered_at,
        registration,
        web_host_at,
    }
}

/// The appsettings files of the repository the app adds itself after `ConfigureAppWebHost`
/// (so after the provisioned credentials), each with the call that adds it.
pub fn added_after_web_host(
    project: &Project,
    facts: &ProjectFacts,
) -> Vec<(Arc<SourceFile>, Site)> {
    let Some(web_host) = facts
        .startup
        .iter()
        .position(|e| e.kind == StartupKind::WebHost)
    else {
        return Vec::new();
    };
    facts.startup[web_host..]
        .iter()
        .filter_map(|event| {
            let added = event.added.as_ref()?;
            match added_kind(project, facts, added) {
                SourceKind::AppSettings(file) => Some((file, event.site.clone())),
                _ => None,
            }
        })
        .collect()
}

/// What a source the app adds itself is: an appsettings file of the repository (read like the
/// others), environment variables, user secrets, the command line, or another source the
/// repository does not show, named by its file, prefix or method. Only file names and prefixes
/// are shown of the arguments (a connection string may hold a secret).
fn added_kind(project: &Project, facts: &ProjectFacts, added: &AddedSource) -> SourceKind {
    let argument = added.argument.as_deref();
    let other = |name: String| SourceKind::Added { name };
    match (added.method.as_str(), argument) {
        ("AddJsonFile", Some(file)) => repository_file(project, facts, file)
            .map_or_else(|| other(file.to_string()), SourceKind::AppSettings),
        ("AddEnvironmentVariables", None) => SourceKind::EnvironmentVariables { again: true },
        ("AddEnvironmentVariables", Some(prefix)) => {
            other(format!("environment variables with the prefix {prefix}"))
        }
        ("AddUserSecrets", _) => SourceKind::UserSecrets,
        ("AddCommandLine", _) => SourceKind::CommandLine,
        ("AddAppSettingsSecretFile", _) => SourceKind::AppSettingsSecret,
        ("AddXmlFile" | "AddIniFile" | "AddKeyPerFile", Some(path)) => other(path.to_string()),
        (method, _) => other(method.to_string()),
    }
}

/// The appsettings file of the project a relative `AddJsonFile` path names (the content root
/// is the project's folder).
fn repository_file(project: &Project, facts: &ProjectFacts, file: &str) -> Option<Arc<SourceFile>> {
    if Path::new(file).is_absolute() {
        return None;
    }
    let wanted = project.dir.join(file);
    facts
        .appsettings
        .iter()
        .find(|f| f.file.path == wanted)
        .map(|f| f.file.clone())
}

/// How many sources `CreateBuilder` added (before any start-up step).
fn builder_count(sources: &[Source]) -> usize {
    sources
        .iter()
        .position(|s| s.added_at.is_some())
        .unwrap_or(sources.len())
}

/// The appsettings files in the project's folder, the content root the defaults load them from
/// (one in another folder is loaded only when the app adds it itself).
fn content_root_files<'f>(
    project: &Project,
    facts: &'f ProjectFacts,
) -> impl Iterator<Item = &'f AppSettingsFile> {
    facts
        .appsettings
        .iter()
        .filter(move |f| f.file.path.parent() == Some(project.dir.as_path()))
}

/// What `WebApplication.CreateBuilder` adds, for the environments traced.
fn builder_defaults(
    project: &Project,
    facts: &ProjectFacts,
    environments: &[Environment],
) -> Vec<Source> {
    let mut sources = Vec::new();
    let files: Vec<_> = content_root_files(project, facts).collect();
    if let Some(base) = files.iter().find(|f| f.environment.is_none()) {
        sources.push(Source {
            kind: SourceKind::AppSettings(base.file.clone()),
            added_at: None,
            added_by: None,
            condition: EnvCondition::always(),
        });
    }
    for env in environments {
        if let Some(file) = files.iter().find(|f| {
            f.environment
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&env.name))
        }) {
            sources.push(Source {
                kind: SourceKind::AppSettings(file.file.clone()),
                added_at: None,
                added_by: None,
                condition: EnvCondition::Only(vec![env.name.clone()]),
            });
        }
    }
    if project.csproj.text.contains("<UserSecretsId>") {
        sources.push(Source {
            kind: SourceKind::UserSecrets,
            added_at: None,
            added_by: None,
            condition: EnvCondition::Only(vec!["Development".to_string()]),
        });
    }
    sources.push(Source {
        kind: SourceKind::EnvironmentVariables { again: false },
        added_at: None,
        added_by: None,
        condition: EnvCondition::always(),
    });
    sources
}

/// What `ConfigureAppWebHost` adds: the provisioned file (Altinn.App 8.3 to 9.0.0-preview.5, in
/// deployed environments), the other files of the runtime secrets directory (8.11.0 and later,
/// deployed environments), `altinn-appsettings-secret.json` (mounted in deployed
/// environments), environment variables again, and `appsettings.Local.json` when the
/// repository has one (local runs). The command line it adds again is left out: Altinn runs
/// apps without arguments.
fn web_host(
    project: &Project,
    facts: &ProjectFacts,
    model: VersionModel,
    site: Option<Site>,
) -> Vec<Source> {
    let at_least = |version| {
        project
            .altinn_version
            .as_ref()
            .is_none_or(|v| v.is_at_least(version))
    };
    let deployed = || EnvCondition::Except(vec!["Development".to_string()]);
    let source = |kind, condition| Source {
        kind,
        added_at: site.clone(),
        added_by: Some(crate::core::catalogue::WEB_HOST.to_string()),
        condition,
    };
    let mut sources = Vec::new();
    if model != VersionModel::V9 && at_least(PROVISIONED_SINCE) {
        sources.push(source(SourceKind::Provisioned, deployed()));
    }
    if at_least(RUNTIME_FILES_SINCE) {
        sources.push(source(SourceKind::RuntimeSecretFiles, deployed()));
    }
    sources.push(source(SourceKind::AppSettingsSecret, deployed()));
    sources.push(source(
        SourceKind::EnvironmentVariables { again: true },
        EnvCondition::always(),
    ));
    let local = content_root_files(project, facts).find(|f| {
        f.environment
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("Local"))
    });
    if let Some(local) = local {
        sources.push(source(
            SourceKind::AppSettings(local.file.clone()),
            EnvCondition::Only(vec!["Development".to_string()]),
        ));
    }
    sources
}
