//! The typed model of what a project contains, as the rules see it: legacy registrations with
//! everything a migration needs, token-service and shim uses, options, usings, built-in client
//! overrides, and the appsettings around them. Every fact carries the exact place it came from.

use crate::core::{Site, Span};

/// A C# expression reduced to what the rules can reason about.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Str(String),
    Bool(bool),
    Null,
    /// `nameof(X.Y)`: the string "Y".
    NameOf(String),
    /// `typeof(T).FullName`.
    TypeFullName(String),
    /// A name or a chain of member names: `config`, `ClientConstants.Kartverket`, `s.Scope`.
    Path(Vec<String>),
    /// `config.GetSection("A").GetSection("B")` (also `GetRequiredSection`), with each argument.
    Section {
        root: String,
        parts: Vec<Expr>,
    },
    /// `<section>.Get<T>()`.
    SectionGet {
        section: Box<Expr>,
        type_name: String,
    },
    /// `config["A:B"]` or `config.GetValue<T>("A:B")`: one configuration key, read at once.
    ConfigRead {
        key: Option<String>,
    },
    /// `new T { A = x, ... }`.
    New {
        type_name: String,
        inits: Vec<Assignment>,
    },
    /// `base with { A = x, ... }`.
    With {
        base: Box<Expr>,
        inits: Vec<Assignment>,
    },
    /// A lambda; its assignments are read separately.
    Lambda,
    /// Anything else, as written.
    Other(String),
}

impl Expr {
    /// The string this expression evaluates to, when it is a literal, a resolved constant or a
    /// `nameof`.
    pub fn literal_string(&self) -> Option<&str> {
        match self {
            Expr::Str(s) | Expr::NameOf(s) => Some(s),
            _ => None,
        }
    }
}

/// `target.Property = value`, in a lambda, an initializer or a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub property: String,
    pub value: Expr,
    pub span: Span,
}

/// Where the legacy settings of a registration come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsSource {
    /// A configuration section; `path` is known when every part is a literal.
    Section { path: Option<String>, text: String },
    /// A settings object built in code.
    Object { inits: Vec<Assignment> },
    /// `base with { ... }`.
    With {
        base: Box<SettingsSource>,
        inits: Vec<Assignment>,
    },
    /// A local variable, traced back to where it was declared or bound, with the properties
    /// set on it before the registration.
    Variable {
        name: String,
        origin: Option<Box<SettingsSource>>,
        /// Where configuration was read into it (`.Bind(v)`, `.Get<T>()`): read at that moment.
        read_at: Option<Span>,
        mutations: Vec<Assignment>,
        /// Properties set on the same object after the registration.
        later_mutations: Vec<Assignment>,
        /// The statements that exist only to build it (declaration, binds, property sets), when
        /// the registration is its only use: they go with the registration.
        removable: Vec<Span>,
    },
    /// Not statically known.
    Unknown {
        /// What it is, for messages: code in backticks or a phrase.
        description: String,
    },
}

impl SettingsSource {
    /// The configuration section path behind this source, when known.
    pub fn section_path(&self) -> Option<&str> {
        match self {
            SettingsSource::Section { path, .. } => path.as_deref(),
            SettingsSource::With { base, .. } => base.section_path(),
            SettingsSource::Variable { origin, .. } => origin.as_ref()?.section_path(),
            _ => None,
        }
    }

    /// Properties set in code on the settings, later ones winning.
    pub fn assignments(&self) -> Vec<&Assignment> {
        match self {
            SettingsSource::Object { inits } => inits.iter().collect(),
            SettingsSource::With { base, inits } => {
                let mut all = base.assignments();
                all.extend(inits);
                all
            }
            SettingsSource::Variable {
                origin, mutations, ..
            } => {
                let mut all = origin.as_ref().map(|o| o.assignments()).unwrap_or_default();
                all.extend(mutations);
                all
            }
            _ => Vec::new(),
        }
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            SettingsSource::Section { path: Some(p), .. } => {
                format!("configuration section \"{p}\"")
            }
            SettingsSource::Section { text, .. } => format!("the configuration section `{text}`"),
            SettingsSource::Object { .. } => "a settings object built in code".to_string(),
            SettingsSource::With { base, .. } => format!("a copy of {}", base.describe()),
            SettingsSource::Variable { name, origin, .. } => match origin {
                Some(o) => format!("variable `{name}`, from {}", o.describe()),
                None => format!("variable `{name}`"),
            },
            SettingsSource::Unknown { description } => description.clone(),
        }
    }
}

/// The client definition type argument of a legacy call.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinitionKind {
    Jwk,
    X509,
    Pkcs12,
    CertificateStore,
    /// A class of the project implementing `IClientDefinition`.
    Custom,
    /// A type parameter of the enclosing generic helper.
    TypeParameter,
    /// A type no file of the project declares: a client definition from a package or another
    /// project, which may sign with any credential.
    Unseen,
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub kind: DefinitionKind,
    pub site: Site,
}

/// How a message handler finds its client definition, or how a definition is registered.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    /// A string known statically (literal, resolved constant, `nameof`).
    Known(String),
    /// `typeof(T).FullName`, or implied by a typed client or handler.
    TypeName(String),
    /// Not statically known; the expression as written.
    Unknown(String),
}

impl Key {
    pub fn describe(&self) -> String {
        match self {
            Key::Known(k) => format!("\"{k}\""),
            Key::TypeName(t) => format!("typeof({t}).FullName"),
            Key::Unknown(text) => format!("`{text}`"),
        }
    }

    /// Whether two keys certainly name the same definition.
    pub fn matches(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Known(a), Key::Known(b)) => a == b,
            (Key::TypeName(a), Key::TypeName(b)) => last_segment(a) == last_segment(b),
            (Key::Unknown(a), Key::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

pub fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

#[derive(Debug, Clone, PartialEq)]
pub enum RegistrationKind {
    /// `AddMaskinportenHttpClient<TDef, TClient[, TImpl]>(settings [, configure])`.
    TypedClient {
        client: String,
        implementation: Option<String>,
    },
    /// `AddMaskinportenHttpClient<TDef>("name", settings [, configure])`.
    NamedClient { name: Key },
    /// `.AddMaskinportenHttpMessageHandler<TDef[, TClient]>(...)`.
    MessageHandler { key: Key },
    /// `RegisterMaskinportenClientDefinition<TDef>(key, settings)`.
    ClientDefinition { key: Key },
}

/// A call chained after a registration: `.AddTypedClient<I, Impl>()`.
#[derive(Debug, Clone)]
pub struct ChainedCall {
    pub name: String,
    pub type_args: Vec<String>,
    /// From the `.` to the closing parenthesis.
    pub site: Site,
}

/// A configure lambda passed to a legacy call.
#[derive(Debug, Clone)]
pub struct ConfigureLambda {
    pub site: Site,
    /// `cd.ClientSettings.X = value` assignments, in order.
    pub assignments: Vec<Assignment>,
    /// Statements that are not such assignments.
    pub other_statements: Vec<Span>,
}

/// A local variable an argument reads (`legacy` in `o => o.ClientId = legacy.ClientId`, `opts`
/// in `new Settings { ClientId = opts.Id }`) that was filled from configuration before the
/// call: its values were fixed when that line ran, however late the argument is evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedRead {
    /// The variable, traced to its configuration read (`read_at` is set).
    pub variable: SettingsSource,
    /// The argument that reads it.
    pub reader: Site,
}

/// One legacy registration call.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Its index in the project's registrations: the key the assessment keeps its verdicts by.
    pub id: usize,
    pub kind: RegistrationKind,
    /// The whole invocation, receiver included.
    pub site: Site,
    /// The method name with its type arguments.
    pub method_site: Site,
    /// The receiver (`services`, or the builder expression for a handler).
    pub receiver: Option<Site>,
    pub definition: Definition,
    pub settings: Option<(SettingsSource, Site)>,
    pub configure: Option<ConfigureLambda>,
    pub chain: Vec<ChainedCall>,
    /// The comments inside the call, in order.
    pub comments: Vec<Span>,
    /// The project method this call sits in, when it is a generic helper (a wrapper).
    pub wrapper: Option<String>,
    /// The call is one alternative of a switch expression or `?:`, chosen at run time.
    pub alternative: bool,
    /// Variables filled from configuration before the call that its arguments copy.
    pub captured: Vec<CapturedRead>,
}

impl Registration {
    /// The value a configure lambda or the settings set in code for `property`, last one winning.
    pub fn code_value(&self, property: &str) -> Option<&Assignment> {
        let from_lambda = self.configure.as_ref().and_then(|c| {
            c.assignments
                .iter()
                .rev()
                .find(|a| a.property.eq_ignore_ascii_case(property))
        });
        from_lambda.or_else(|| {
            let (settings, _) = self.settings.as_ref()?;
            settings
                .assignments()
                .into_iter()
                .rev()
                .find(|a| a.property.eq_ignore_ascii_case(property))
        })
    }

    /// Every property set in code, lambda and settings together.
    pub fn all_assignments(&self) -> Vec<&Assignment> {
        let mut all = self
            .settings
            .as_ref()
            .map(|(s, _)| s.assignments())
            .unwrap_or_default();
        if let Some(c) = &self.configure {
            all.extend(c.assignments.iter());
        }
        all
    }
}

/// Legacy `IMaskinportenService` used by one class or registered.
#[derive(Debug, Clone)]
pub enum TokenServiceUse {
    /// `AddSingleton<IMaskinportenService, MaskinportenService>()` and kin.
    Registered {
        site: Site,
        /// The method with its type arguments, as written.
        method_site: Site,
        /// Calls chained after it (`.ConfigureHttpClient(...)`), part of the same statement.
        chain: Vec<ChainedCall>,
    },
    /// Injected into a class: the first declaration that names the type, and the token calls.
    Injected {
        class_name: String,
        site: Site,
        calls: Vec<Site>,
    },
}

/// An app-lib shim that is gone in v9.
#[derive(Debug, Clone)]
pub struct ShimUse {
    pub name: String,
    pub site: Site,
}

/// `Configure<MaskinportenSettings>(...)` with the legacy type.
#[derive(Debug, Clone)]
pub struct LegacyOptions {
    pub site: Site,
    pub type_text: String,
}

/// Code that injects the legacy options (`IOptions<MaskinportenSettings>` and kin).
#[derive(Debug, Clone)]
pub struct OptionsReader {
    pub class_name: Option<String>,
    pub site: Site,
}

/// `using Altinn.ApiClients.Maskinporten...;`
#[derive(Debug, Clone)]
pub struct LegacyUsing {
    pub namespace: String,
    pub site: Site,
    /// The names it brings into the file: the namespace's public names, or the alias.
    pub names: Vec<String>,
    /// Where the file uses one of them.
    pub uses: Vec<Span>,
}

/// Code that reads a configuration path (`GetSection`, `GetValue`, an indexer, `Bind`).
#[derive(Debug, Clone)]
pub struct CodeRead {
    pub path: String,
    pub site: Site,
    /// It binds the built-in client's `MaskinportenSettings` type (`Configure<MaskinportenSettings>`,
    /// `.Get<MaskinportenSettings>()`): the built-in binding, not the app's own reader.
    pub binds_builtin_settings: bool,
    /// The type it binds the section to (`Configure<T>`, `.Get<T>()`), as written.
    pub bound_type: Option<String>,
    /// When that type is declared in a file of the project that was parsed: its members, so that
    /// a child section it has no member for counts as not read.
    pub bound_members: Option<Vec<String>>,
}

/// `ConfigureMaskinportenClient(...)` of the built-in client.
#[derive(Debug, Clone)]
pub struct ClientOverride {
    pub site: Site,
    pub argument: ClientOverrideArgument,
    /// Variables filled from configuration before the call that its lambda copies.
    pub captured: Vec<CapturedRead>,
}

#[derive(Debug, Clone)]
pub enum ClientOverrideArgument {
    Path(String),
    Lambda(ConfigureLambda),
    Unknown(String),
}

/// A customised `ITokenCacheProvider` (registered or implemented).
#[derive(Debug, Clone)]
pub struct CacheProviderUse {
    pub description: String,
    pub site: Site,
}

/// What code does with the built-in client's `MaskinportenSettings` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingsUse {
    /// `Configure<MaskinportenSettings>(...)` / `AddOptions<...>()`: replaces the default binding.
    Configures,
    /// `section.Get<MaskinportenSettings>()`: reads the settings itself.
    Reads,
    /// `IOptions<MaskinportenSettings>` and kin.
    Injects,
    /// Any other use of the type (a variable, `new`, a parameter).
    Names,
}

/// A use of the built-in `MaskinportenSettings` type.
#[derive(Debug, Clone)]
pub struct BuiltinSettingsUse {
    pub how: SettingsUse,
    pub class_name: Option<String>,
    pub site: Site,
}

/// One piece of a scope argument as written: a string, a name the project's constants may
/// hold (a string or a list of them), or something only known at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum ScopeTerm {
    Literal(String),
    /// `ArkivScopes.All`, `DefaultScope`: looked up among the project's constants.
    Name(Vec<String>),
    Unknown {
        /// The expression as written.
        text: String,
        /// Why its value is not known, as a clause ("it is read from configuration ...").
        why: String,
    },
}

/// A piece of a scope argument at its place in a call.
#[derive(Debug, Clone)]
pub struct ScopePiece {
    pub term: ScopeTerm,
    pub site: Site,
    /// The local variable the call passes it through, when it does ("the local `scopes`").
    pub via: Option<String>,
}

/// A `static readonly` (or `const`) collection of scopes, or a `MaskinportenTokenRequest` held
/// the same way: `static readonly string[] All = [Arkiv, "ks:fiks.io"];`.
#[derive(Debug, Clone)]
pub struct ScopeList {
    pub name: String,
    pub class: Option<String>,
    pub terms: Vec<ScopeTerm>,
}

/// A scope a call asks the built-in client for, resolved as far as the repository shows it.
#[derive(Debug, Clone)]
pub enum ScopeValue {
    /// One or more space-separated scopes (the client splits them); `via` names the constant
    /// or local variable it came through, for messages ("`ApiScopes.All`", "the local `scopes`").
    Known {
        value: String,
        site: Site,
        via: Option<String>,
    },
    /// Known only at run time.
    Unknown {
        text: String,
        why: String,
        site: Site,
    },
}

/// A call of the built-in `IMaskinportenClient`: `GetAccessToken(scopes)` or
/// `GetAltinnExchangedToken(scopes)` (a list of scopes or a `MaskinportenTokenRequest`).
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub site: Site,
    /// The method name with its position.
    pub method_site: Site,
    pub exchange: bool,
    pub scopes: Vec<ScopeValue>,
}

/// A client already on the built-in handler: `.UseMaskinportenAuthorization("scope", ...)`.
#[derive(Debug, Clone)]
pub struct BuiltinClient {
    pub site: Site,
    /// `UseMaskinportenAuthorization` with its position.
    pub method_site: Site,
    pub exchange: bool,
    /// The scopes of its arguments, each with its place.
    pub scopes: Vec<ScopeValue>,
    /// It is given a `MaskinportenTokenRequest` (Altinn.App 9), not scope strings.
    pub request: bool,
    /// The builder it is called on, when that is a call (`services.AddHttpClient<T>()`).
    pub builder: Option<crate::facts::csharp::ReceiverCall>,
    /// The parameters of the method it sits in: (type, name).
    pub parameters: Vec<(String, String)>,
}
