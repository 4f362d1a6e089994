//! The run-time view of an app's Maskinporten settings: for each identity the app uses and each
//! key it reads, which configuration source gives the key its value in each environment, and
//! what that makes of the identity there (one identity, a hybrid, missing keys, a value read
//! before its source is loaded), with the rule that reports it as a typed `Code`. .NET
//! configuration merges key by key and a later source wins, so the order of the sources
//! (`sources`), which keys each identity reads and when (`identities`) and the winner per key
//! (`verdict`) are all it takes. Values are never kept: only whether a source sets a key.

mod identities;
mod sources;
mod verdict;

use std::sync::Arc;

use super::{Assessment, VersionModel};
use crate::core::{Code, Site, SourceFile};
use crate::discover::Project;
use crate::facts::csharp::environment::EnvCondition;
use crate::facts::external::External;
use crate::facts::resolve::ProjectFacts;

/// The environments traced when none are asked for: local runs, TT02 and production.
pub const DEFAULT_ENVIRONMENTS: [&str; 3] = ["Development", "Staging", "Production"];

/// An ASP.NET Core environment (`ASPNETCORE_ENVIRONMENT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
}

impl Environment {
    pub fn new(name: &str) -> Environment {
        Environment {
            name: name.to_string(),
        }
    }

    /// Development: a local run, where nothing is provisioned.
    pub fn is_local(&self) -> bool {
        self.name.eq_ignore_ascii_case("Development")
    }

    /// The name with the Altinn environment it stands for: `Staging (TT02)`.
    pub fn label(&self) -> String {
        if self.name.eq_ignore_ascii_case("Staging") {
            format!("{} (TT02)", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// One app's trace.
#[derive(Debug)]
pub struct Runtime {
    /// The project file, as reports name it.
    pub project: String,
    pub model: VersionModel,
    pub environments: Vec<Environment>,
    /// The configuration sources, in the order the app adds them (a later one wins).
    pub sources: Vec<Source>,
    /// Sources before this index are loaded when the app's services are registered: what a
    /// value read at registration sees.
    pub registered_at: usize,
    /// Where the app's services are registered, when the start-up shows it.
    pub registration: Option<Site>,
    pub identities: Vec<Identity>,
}

/// A configuration source.
#[derive(Debug, Clone)]
pub struct Source {
    pub kind: SourceKind,
    /// The start-up call that adds it (`ConfigureAppWebHost`, the Key Vault call, the app's own
    /// `AddJsonFile`); None for what `WebApplication.CreateBuilder` adds.
    pub added_at: Option<Site>,
    /// The method of that call: `ConfigureAppWebHost`, `AddJsonFile`, ...
    pub added_by: Option<String>,
    /// The environments that load it.
    pub condition: EnvCondition,
}

#[derive(Debug, Clone)]
pub enum SourceKind {
    /// An appsettings file of the repository.
    AppSettings(Arc<SourceFile>),
    /// The user secrets of a project with a `UserSecretsId`, loaded in Development.
    UserSecrets,
    /// Environment variables; `again` when they are added a second time (by
    /// `ConfigureAppWebHost`, after the provisioned file, or by the app itself).
    EnvironmentVariables { again: bool },
    /// The `maskinporten-settings.json` Altinn Studio provisions (deployed environments).
    Provisioned,
    /// The other `*.json` files of the runtime secrets directory (Altinn.App 8.11.0 and later,
    /// deployed environments).
    RuntimeSecretFiles,
    /// `/altinn-appsettings-secret/altinn-appsettings-secret.json`, mounted in deployed
    /// environments.
    AppSettingsSecret,
    /// Command-line arguments, when the app adds them itself (Altinn runs apps without any).
    CommandLine,
    /// Another source the app adds itself, by its file (`/mnt/overrides.json`), prefix or
    /// method (`AddInMemoryCollection`).
    Added { name: String },
    /// Azure Key Vault; `names` says where the secret names came from, when they were given.
    KeyVault { names: Option<String> },
}

impl Source {
    /// Whether the repository and the inputs show which keys it defines.
    pub fn visible(&self) -> bool {
        match &self.kind {
            SourceKind::AppSettings(_) | SourceKind::Provisioned => true,
            SourceKind::KeyVault { names } => names.is_some(),
            SourceKind::UserSecrets
            | SourceKind::EnvironmentVariables { .. }
            | SourceKind::RuntimeSecretFiles
            | SourceKind::AppSettingsSecret
            | SourceKind::CommandLine
            | SourceKind::Added { .. } => false,
        }
    }

    /// Whether `environment` loads it (a condition that is not understood counts as loaded).
    pub fn loaded_in(&self, environment: &Environment) -> bool {
        self.condition.holds_in(&environment.name).unwrap_or(true)
    }

    /// A short name: `appsettings.Production.json`, `Key Vault`.
    pub fn name(&self) -> String {
        match &self.kind {
            SourceKind::AppSettings(file) => file.path.file_name().map_or_else(
                || file.display.clone(),
                |n| n.to_string_lossy().into_owned(),
            ),
            SourceKind::UserSecrets => "user secrets".to_string(),
            SourceKind::EnvironmentVariables { .. } => "environment variables".to_string(),
            SourceKind::Provisioned => "maskinporten-settings.json".to_string(),
            SourceKind::RuntimeSecretFiles => "runtime secret files".to_string(),
            SourceKind::AppSettingsSecret => "altinn-appsettings-secret.json".to_string(),
            SourceKind::CommandLine => "command line".to_string(),
            SourceKind::Added { name } => name.clone(),
            SourceKind::KeyVault { .. } => "Key Vault".to_string(),
        }
    }
}

/// A Maskinporten identity the app uses, and what each key of it is in each environment.
#[derive(Debug)]
pub struct Identity {
    pub client: Client,
    pub keys: Vec<KeyRead>,
    /// For the built-in client: code that configures its settings in a way the trace does not
    /// follow (`Configure<MaskinportenSettings>(...)`), each with the rule that reports it.
    pub not_followed: Vec<Pointer>,
    /// By environment, in the order of `Runtime::environments`.
    pub environments: Vec<EnvironmentTrace>,
}

/// Which client signs with the identity.
#[derive(Debug, Clone)]
pub enum Client {
    /// The built-in client, reading the app's configuration (Altinn.App 8, 9.0.0-preview.1-5).
    BuiltIn(Binding),
    /// The built-in client on 9.0.0-preview.6 and later: it reads only its private
    /// configuration. `removed`: the `ConfigureMaskinportenClient` calls that no longer exist.
    BuiltInPrivate { removed: Vec<Pointer> },
    /// Legacy registrations reading one set of settings.
    Legacy {
        /// `typed client EventsSubscriptionClient`, `named client "krr"`, each once.
        clients: Vec<String>,
        /// The section the settings are bound from, when they are.
        section: Option<String>,
        /// The registrations, and the rule that reports each.
        registrations: Vec<Pointer>,
    },
}

/// How the built-in client finds its settings in the app's configuration.
#[derive(Debug, Clone)]
pub enum Binding {
    /// The `MaskinportenSettings` section, bound by default.
    Default,
    /// `ConfigureMaskinportenClient("path")`.
    Path { path: String, site: Site },
    /// `ConfigureMaskinportenClient(o => ...)`: only what the lambda sets.
    Lambda { site: Site },
    /// `ConfigureMaskinportenClient(x)` with a path that is not statically known.
    Unknown { text: String, site: Site },
}

/// One key an identity reads.
#[derive(Debug, Clone)]
pub struct KeyRead {
    /// As the settings type spells it: `clientId` (built-in), `EncodedJwk` (legacy).
    pub name: String,
    pub role: KeyRole,
    pub origin: KeyOrigin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// The client id: the identity is who it is.
    ClientId,
    /// Needed for a token (`authority`, `Environment`, `Scope`).
    Required,
    /// A signing key; the first that is set is used (`jwkBase64` before `jwk`).
    Signing,
    /// Read when set.
    Optional,
}

/// Where a key's value comes from.
#[derive(Debug, Clone)]
pub enum KeyOrigin {
    /// Bound from the configuration key `key`; `eager` is where it is read while services are
    /// registered (before the later sources are added), None when it is read when first used.
    Config { key: String, eager: Option<Site> },
    /// Set in code, after any binding.
    Code { value: CodeValue, site: Site },
    /// The built-in client's private configuration (9.0.0-preview.6 and later).
    Private,
    /// Nothing sets it (a settings object built in code without it).
    Unset,
}

/// What code sets a key to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeValue {
    Set,
    Empty,
    /// Computed at run time (a method call, a switch): taken as set.
    Computed,
}

/// What a source holds for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Set,
    Empty,
    /// Key Vault without its secret names: it may hold the key.
    Unknown,
}

/// Where a key's value comes from in one environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Winner {
    /// A configuration source (an index into `Runtime::sources`), set or empty there.
    Source(usize, Presence),
    Code(CodeValue),
    /// The private configuration: provisioned when deployed, the file `studioctl` writes when
    /// run locally (not visible from the repository).
    Private {
        local: bool,
    },
    /// No visible source defines it.
    Missing,
}

impl Winner {
    /// Whether the key ends up with a value.
    pub fn is_set(self) -> bool {
        match self {
            Winner::Source(_, presence) => presence == Presence::Set,
            Winner::Code(value) => value != CodeValue::Empty,
            Winner::Private { local } => !local,
            Winner::Missing => false,
        }
    }
}

/// A key in one environment.
#[derive(Debug, Clone)]
pub struct KeyValue {
    /// The visible sources this environment loads that define the key, in order (and Key
    /// Vault without names, as `Unknown`). Sources after the read of an eager key are left out.
    pub defined_by: Vec<(usize, Presence)>,
    pub winner: Winner,
    /// For a key read while services are registered: the sources loaded after the read that
    /// define it (they come too late).
    pub too_late: Vec<(usize, Presence)>,
}

/// One identity in one environment.
#[derive(Debug, Clone)]
pub struct EnvironmentTrace {
    /// By key, in the order of `Identity::keys`.
    pub keys: Vec<KeyValue>,
    pub verdict: Verdict,
}

/// What the winners make of the identity.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub kind: VerdictKind,
    /// The rule that reports this, when one does.
    pub pointer: Option<Pointer>,
    /// For one identity or a hybrid: sources whose keys are not known (Key Vault without its
    /// secret names), loaded after a key's winner, that may override it.
    pub may_override: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerdictKind {
    /// The client id and the signing key come from one owner.
    Consistent { owner: Owner, from: Vec<Supplier> },
    /// The client id and the signing key come from different owners (each key with its source).
    Hybrid { parts: Vec<(usize, Supplier)> },
    /// Keys without a value (indices into `Identity::keys`; a signing group counts once, by its
    /// first key). `hidden`: sources not visible from the repository that might set them.
    Missing {
        keys: Vec<usize>,
        hidden: Vec<usize>,
    },
    /// Keys read while services are registered, before a source that defines them is added.
    ReadTooEarly { keys: Vec<usize> },
    /// Everything comes from a source the repository does not show (the private configuration
    /// when run locally on 9.0.0-preview.6 and later).
    NotVisible,
}

/// Where a key's value comes from, as a verdict names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supplier {
    Source(usize),
    Code,
    Private,
}

/// Whose credentials: the ones Altinn Studio provisions, or the app's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Provisioned,
    App,
}

/// The rule that reports something, and where, to find its finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    pub code: Code,
    /// The exact place the rule reports it; None: anywhere in the project.
    pub at: Option<Site>,
}

/// The appsettings files of the repository the app adds itself after `ConfigureAppWebHost`, so
/// after the provisioned credentials, each with the call that adds it.
pub fn added_after_web_host(
    project: &Project,
    facts: &ProjectFacts,
) -> Vec<(Arc<SourceFile>, Site)> {
    sources::added_after_web_host(project, facts)
}

impl Runtime {
    /// The trace of an app; None for a project that is not an app.
    pub fn of(
        project: &Project,
        facts: &ProjectFacts,
        assessment: &Assessment,
        external: &External,
        environments: &[Environment],
    ) -> Option<Runtime> {
        if !project.is_app() {
            return None;
        }
        let order = sources::order(project, facts, assessment.model, external, environments);
        let inputs = verdict::Inputs {
            order: &order,
            facts,
            external,
            reads: &assessment.sections.reads,
        };
        let identities = identities::of(project, facts, assessment, external)
            .into_iter()
            .map(|(client, keys)| {
                let traces = environments
                    .iter()
                    .map(|env| verdict::trace(&inputs, &client, &keys, env))
                    .collect();
                Identity {
                    not_followed: identities::not_followed(facts, &client),
                    client,
                    keys,
                    environments: traces,
                }
            })
            .collect();
        Some(Runtime {
            project: project.display().to_string(),
            model: assessment.model,
            environments: environments.to_vec(),
            sources: order.sources,
            registered_at: order.registered_at,
            registration: order.registration,
            identities,
        })
    }

    /// The environment by name, if traced.
    pub fn environment(&self, name: &str) -> Option<usize> {
        self.environments
            .iter()
            .position(|e| e.name.eq_ignore_ascii_case(name))
    }
}
