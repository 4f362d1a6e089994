//! Decides, project by project, which of the extracted calls and names are the legacy library
//! (or the app-lib shims) and which belong to the project itself, and builds the typed model the
//! rules read. The deciding evidence: the client definition type argument (a library type, a
//! project class implementing `IClientDefinition`, or a type parameter constrained to one), the
//! `using` directives (file and global), the project's own declarations, and argument counts that
//! only the library's overloads accept.

use std::collections::HashMap;

use crate::discover::Project;
use crate::facts::appsettings::AppSettingsFile;
use crate::facts::csharp::{Arg, Call, CsFile, ListSource, RefContext, Skimmed, TypeDecl};
use crate::facts::model::*;

use crate::core::catalogue::{
    self, BUILTIN_MODELS_NAMESPACE, LEGACY_CONFIG_NAMESPACE, LEGACY_NAMESPACE, OPTIONS_TYPES,
    SERVICE_REGISTRATIONS, SHIM_NAMESPACES, is_legacy_namespace,
};

/// What the rules know about one project (or about the files outside any project).
#[derive(Debug, Default)]
pub struct ProjectFacts {
    pub registrations: Vec<Registration>,
    pub token_services: Vec<TokenServiceUse>,
    /// Other places that name the legacy `IMaskinportenService`: a service-provider look-up
    /// (`GetRequiredService<IMaskinportenService>()`), a local, a cast, a class implementing it.
    /// Its registrations and the injections in `token_services` are not among them.
    pub token_service_refs: Vec<crate::core::Site>,
    pub shims: Vec<ShimUse>,
    pub legacy_options: Vec<LegacyOptions>,
    pub options_readers: Vec<OptionsReader>,
    pub legacy_usings: Vec<LegacyUsing>,
    pub client_overrides: Vec<ClientOverride>,
    pub cache_providers: Vec<CacheProviderUse>,
    pub builtin_clients: Vec<BuiltinClient>,
    /// Calls of the built-in `IMaskinportenClient` that ask for a token.
    pub token_requests: Vec<TokenRequest>,
    /// Uses of the built-in client's `MaskinportenSettings` type.
    pub builtin_settings: Vec<BuiltinSettingsUse>,
    /// Classes that inject the built-in `IMaskinportenClient` (one place per class).
    pub builtin_client_injections: Vec<crate::core::Site>,
    /// Configuration paths the code reads.
    pub code_reads: Vec<CodeRead>,
    /// Start-up steps of the files that set up the host, file by file.
    pub startup: Vec<crate::facts::csharp::startup::StartupEvent>,
    /// Calls of Altinn.App's own start-up (`ConfigureAppWebHost`, `AddAltinnAppServices`): what
    /// shows a project runs as an app.
    pub app_start_up: Vec<AppStartUp>,
    /// Project classes implementing `IClientDefinition`.
    pub custom_definitions: Vec<TypeDecl>,
    pub appsettings: Vec<AppSettingsFile>,
    pub policies: Vec<PolicyFile>,
}

impl ProjectFacts {
    /// The appsettings files a deployed app loads (not the Development or Local overlays).
    pub fn deployed_appsettings(&self) -> impl Iterator<Item = &AppSettingsFile> {
        self.appsettings.iter().filter(|f| f.is_deployed())
    }

    /// Whether the project uses the legacy library or the shims at all.
    pub fn has_legacy_usage(&self) -> bool {
        !(self.registrations.is_empty()
            && self.token_services.is_empty()
            && self.shims.is_empty()
            && self.legacy_options.is_empty()
            && self.legacy_usings.is_empty())
    }

    /// Which Maskinporten clients the project's code uses.
    pub fn usage(&self) -> MaskinportenUse {
        MaskinportenUse {
            builtin: !(self.builtin_clients.is_empty()
                && self.builtin_client_injections.is_empty()
                && self.client_overrides.is_empty()),
            legacy: self.has_legacy_usage(),
        }
    }
}

/// Which Maskinporten clients a project's code uses, whatever the findings say: what tells an
/// app on the built-in client from one that has nothing to do with Maskinporten.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaskinportenUse {
    /// `UseMaskinportenAuthorization`/`UseMaskinportenAltinnAuthorization`, an injected
    /// `IMaskinportenClient`, or `ConfigureMaskinportenClient`.
    pub builtin: bool,
    /// The legacy library or the app-lib shims over it.
    pub legacy: bool,
}

/// The project's own names.
struct Symbols<'a> {
    methods: HashMap<&'a str, Vec<&'a crate::facts::csharp::MethodDecl>>,
    types: HashMap<&'a str, &'a TypeDecl>,
    /// Types declared in files the prefilter skipped, known by name only.
    skimmed_types: std::collections::HashSet<&'a str>,
    constants: HashMap<String, Option<String>>,
    /// Static collections of scopes of the parsed files, by `Name` and `Class.Name` (None when
    /// ambiguous).
    scope_lists: HashMap<String, Option<&'a ScopeList>>,
    /// Skipped files that may declare more, parsed when a scope names one of theirs.
    list_sources: &'a [ListSource],
    custom_definitions: Vec<&'a TypeDecl>,
    global_usings: Vec<String>,
}

impl<'a> Symbols<'a> {
    fn new(files: &'a [CsFile], skimmed: &'a Skimmed, project: Option<&Project>) -> Self {
        let mut methods: HashMap<&str, Vec<_>> = HashMap::new();
        let mut types = HashMap::new();
        let mut constants: HashMap<String, Option<String>> = HashMap::new();
        let mut global_usings: Vec<String> =
            project.map(|p| p.global_usings.clone()).unwrap_or_default();
        for file in files {
            for m in &file.methods {
                methods.entry(m.name.as_str()).or_default().push(m);
            }
            for t in &file.types {
                types.insert(t.name.as_str(), t);
            }
            for c in &file.constants {
                let mut add = |key: String| {
                    constants
                        .entry(key)
                        .and_modify(|v| {
                            if v.as_deref() != Some(c.value.as_str()) {
                                *v = None; // ambiguous
                            }
                        })
                        .or_insert_with(|| Some(c.value.clone()));
                };
                add(c.name.clone());
                if let Some(class) = &c.class {
                    add(format!("{class}.{}", c.name));
                }
            }
            global_usings.extend(
                file.usings
                    .iter()
                    .filter(|u| u.global && u.alias.is_none() && !u.is_static)
                    .map(|u| u.namespace.clone()),
            );
        }
        for c in &skimmed.constants {
            constants
                .entry(c.name.clone())
                .and_modify(|v| {
                    if v.as_deref() != Some(c.value.as_str()) {
                        *v = None;
                    }
                })
                .or_insert_with(|| Some(c.value.clone()));
        }
        let mut scope_lists: HashMap<String, Option<&ScopeList>> = HashMap::new();
        for list in files.iter().flat_map(|f| &f.scope_lists) {
            let mut add = |key: String| {
                scope_lists
                    .entry(key)
                    .and_modify(|v| *v = None) // ambiguous
                    .or_insert(Some(list));
            };
            add(list.name.clone());
            if let Some(class) = &list.class {
                add(format!("{class}.{}", list.name));
            }
        }
        let custom_definitions = custom_definitions(&types);
        Symbols {
            methods,
            types,
            skimmed_types: skimmed.type_names.iter().map(String::as_str).collect(),
            constants,
            scope_lists,
            list_sources: &skimmed.list_sources,
            custom_definitions,
            global_usings,
        }
    }

    fn declares_type(&self, name: &str) -> bool {
        self.types.contains_key(last_segment(name))
    }

    /// The project's type of that simple name, when generic arguments do not get in the way.
    fn type_named(&self, name: &str) -> Option<&TypeDecl> {
        self.types.get(name).copied()
    }

    /// Whether any file of the project declares the type, parsed or skipped.
    fn declares_type_anywhere(&self, name: &str) -> bool {
        self.declares_type(name) || self.skimmed_types.contains(last_segment(name))
    }

    /// The value of `Class.Name` or `Name`: qualified first, then the simple name when only one
    /// constant in the project has it.
    fn constant(&self, path: &[String]) -> Option<&str> {
        let qualified = path[path.len().saturating_sub(2)..].join(".");
        let simple = path.last()?;
        match self.constants.get(&qualified) {
            Some(value) => value.as_deref(),
            None => self.constants.get(simple)?.as_deref(),
        }
    }

    /// The scope list `Class.Name` or `Name`, as `constant` looks constants up; the skipped
    /// files that may declare it are parsed now.
    fn scope_list(&self, path: &[String]) -> Option<&'a ScopeList> {
        let qualified = path[path.len().saturating_sub(2)..].join(".");
        let simple = path.last()?;
        if let Some(list) = self.scope_lists.get(&qualified) {
            return *list;
        }
        let class = (path.len() >= 2).then(|| path[path.len() - 2].as_str());
        let mut skipped = self
            .list_sources
            .iter()
            .filter(|s| s.names.contains(simple))
            .flat_map(ListSource::lists)
            .filter(|l| &l.name == simple && class.is_none_or(|c| l.class.as_deref() == Some(c)));
        match (skipped.next(), skipped.next()) {
            (Some(list), None) => Some(list),
            (Some(_), Some(_)) => None, // ambiguous
            (None, _) => *self.scope_lists.get(simple)?,
        }
    }

    /// Whether the project declares a method `name` that this call could bind to: the same
    /// number of type arguments, an argument for every parameter without a default value and
    /// none too many (a `params` array takes the rest), each argument fitting its parameter's
    /// type.
    fn declares_method_for(&self, call: &Call) -> bool {
        self.methods.get(call.name.as_str()).is_some_and(|ms| {
            ms.iter().any(|m| {
                let count = call.args.len();
                m.type_params == call.type_args.len()
                    && count >= m.required_params
                    && (count <= m.param_types.len() || m.variadic)
                    && call
                        .args
                        .iter()
                        .zip(&m.param_types)
                        .all(|(a, t)| argument_fits(&a.expr, t))
            })
        })
    }

    fn declares_method(&self, name: &str) -> bool {
        self.methods.contains_key(name)
    }
}

/// Whether an argument can be passed to a parameter of the written type, as far as the argument's
/// shape shows (a string literal is no section, a section no string, a lambda no value).
fn argument_fits(arg: &Expr, parameter_type: &str) -> bool {
    let t = parameter_type.trim_end_matches('?');
    let is_string = t == "string" || t == "String";
    let is_delegate = t.starts_with("Action") || t.starts_with("Func");
    let is_configuration = matches!(last_segment(t), "IConfiguration" | "IConfigurationSection");
    match arg {
        Expr::Str(_) | Expr::NameOf(_) | Expr::TypeFullName(_) => !is_delegate && !is_configuration,
        Expr::Section { .. } => !is_string && !is_delegate,
        Expr::SectionGet { .. } | Expr::New { .. } | Expr::With { .. } => {
            !is_string && !is_delegate && !is_configuration
        }
        Expr::Lambda => is_delegate || !(is_string || is_configuration),
        Expr::Bool(_) => !is_string && !is_delegate && !is_configuration,
        _ => true,
    }
}

/// Project classes that implement `IClientDefinition`, directly or through another one.
fn custom_definitions<'a>(types: &HashMap<&'a str, &'a TypeDecl>) -> Vec<&'a TypeDecl> {
    let mut found: Vec<&TypeDecl> = Vec::new();
    loop {
        let before = found.len();
        for t in types.values() {
            let is_definition = t.bases.iter().any(|b| {
                b == catalogue::DEFINITION_INTERFACE
                    || library_definition(b).is_some()
                    || found.iter().any(|f| &f.name == b)
            });
            if is_definition && !found.iter().any(|f| f.name == t.name) {
                found.push(t);
            }
        }
        if found.len() == before {
            break;
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

fn library_definition(name: &str) -> Option<DefinitionKind> {
    catalogue::library_definition(name).map(|credential| match credential {
        catalogue::Credential::Jwk => DefinitionKind::Jwk,
        catalogue::Credential::X509 => DefinitionKind::X509,
        catalogue::Credential::Pkcs12 => DefinitionKind::Pkcs12,
        catalogue::Credential::CertificateStore => DefinitionKind::CertificateStore,
    })
}

/// The usings that apply to one file.
struct Imports<'a> {
    file: &'a CsFile,
    global: &'a [String],
    /// The project references the legacy package itself.
    legacy_package: bool,
}

impl Imports<'_> {
    fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.file
            .usings
            .iter()
            .filter(|u| u.alias.is_none())
            .map(|u| u.namespace.as_str())
            .chain(self.global.iter().map(String::as_str))
    }

    fn imports(&self, namespace: &str) -> bool {
        self.namespaces().any(|n| n == namespace)
    }

    fn imports_legacy(&self) -> bool {
        self.namespaces().any(is_legacy_namespace)
    }

    /// The alias target when `name` is a using alias in this file.
    fn alias(&self, name: &str) -> Option<&str> {
        self.file
            .usings
            .iter()
            .find(|u| u.alias.as_deref() == Some(name))
            .map(|u| u.namespace.as_str())
    }
}

/// Builds the facts of one project from its files.
/// A project's files, as extracted.
#[derive(Debug, Default)]
pub struct ProjectFiles {
    pub csharp: Vec<CsFile>,
    /// What the C# files the prefilter skipped tell: string constants and type names.
    pub skimmed: Skimmed,
    pub appsettings: Vec<AppSettingsFile>,
    pub policies: Vec<PolicyFile>,
}

/// A call of an app start-up method (not a project method of the same name).
#[derive(Debug, Clone)]
pub struct AppStartUp {
    pub method: &'static str,
    pub site: crate::core::Site,
}

/// An authorization policy with the app owner it may name.
#[derive(Debug)]
pub struct PolicyFile {
    pub file: std::sync::Arc<crate::core::SourceFile>,
    pub policy: crate::facts::policy::Policy,
    /// The `org` of `applicationmetadata.json`, when found.
    pub org: Option<String>,
}

pub fn resolve(project: Option<&Project>, input: ProjectFiles) -> ProjectFacts {
    let ProjectFiles {
        csharp,
        skimmed,
        appsettings,
        policies,
    } = input;
    let files = &csharp[..];
    // The legacy library's own source (or a fork of it) is not a use of the library.
    let is_the_library = files
        .iter()
        .any(|f| f.namespaces.iter().any(|n| is_legacy_namespace(n)));
    if is_the_library {
        return ProjectFacts::default();
    }
    let symbols = Symbols::new(files, &skimmed, project);
    let mut facts = ProjectFacts {
        appsettings,
        policies,
        custom_definitions: symbols
            .custom_definitions
            .iter()
            .map(|t| (*t).clone())
            .collect(),
        ..ProjectFacts::default()
    };
    for file in files {
        let imports = Imports {
            file,
            global: &symbols.global_usings,
            legacy_package: project.is_some_and(|p| p.legacy_reference.is_some()),
        };
        // The name of a call of the project's own method with a library name uses nothing of a
        // `using` (its type arguments still may).
        let own_calls: Vec<usize> = file
            .calls
            .iter()
            .filter(|c| catalogue::REGISTRATION_METHODS.contains(&c.name.as_str()))
            .filter(|c| symbols.declares_method_for(c))
            .map(|c| c.method_site.span.start)
            .collect();
        let is_own_call = |span: &crate::core::Span| own_calls.contains(&span.start);
        for using in &file.usings {
            if is_legacy_namespace(&using.namespace) {
                let names: Vec<String> = match &using.alias {
                    Some(alias) => vec![alias.clone()],
                    None => catalogue::legacy_names_of(&using.namespace)
                        .unwrap_or_default()
                        .iter()
                        .map(|n| n.to_string())
                        .collect(),
                };
                facts.legacy_usings.push(LegacyUsing {
                    namespace: using.namespace.clone(),
                    site: using.site.clone(),
                    uses: file
                        .legacy_name_uses
                        .iter()
                        .filter(|(name, span)| names.contains(name) && !is_own_call(span))
                        .map(|(_, span)| *span)
                        .collect(),
                    names,
                });
            }
        }
        for call in &file.calls {
            resolve_call(call, &imports, &symbols, &mut facts);
        }
        resolve_type_refs(file, &imports, &symbols, &mut facts);
        facts
            .code_reads
            .extend(file.config_reads.iter().map(|read| {
                CodeRead {
                    path: read.path.clone(),
                    site: read.site.clone(),
                    binds_builtin_settings: read
                        .bound_type
                        .as_deref()
                        .is_some_and(|t| is_builtin_settings_type(t, &imports, &symbols)),
                    bound_type: read.bound_type.clone(),
                    bound_members: read
                        .bound_type
                        .as_deref()
                        .and_then(|t| symbols.type_named(last_segment(t)))
                        .map(|t| t.members.clone()),
                }
            }));
        facts.startup.extend(file.startup.iter().cloned());
        for t in &file.types {
            if t.bases.iter().any(|b| b == catalogue::TOKEN_CACHE) && imports.imports_legacy() {
                facts.cache_providers.push(CacheProviderUse {
                    description: format!("`{}` implements a custom `ITokenCacheProvider`", t.name),
                    site: t.site.clone(),
                });
            }
        }
    }
    facts
}

fn resolve_call(call: &Call, imports: &Imports, symbols: &Symbols, facts: &mut ProjectFacts) {
    let name = call.name.as_str();
    match name {
        _ if catalogue::REGISTRATION_METHODS.contains(&name) => {
            if let Some(mut registration) = legacy_registration(call, imports, symbols) {
                registration.id = facts.registrations.len();
                facts.registrations.push(registration);
            }
        }
        catalogue::CLIENT_OVERRIDE if !symbols.declares_method(name) => {
            if let Some(arg) = call.args.first() {
                facts.client_overrides.push(ClientOverride {
                    site: call.site.clone(),
                    argument: client_override_argument(arg, symbols),
                    captured: arg.captured.clone(),
                });
            }
        }
        _ if catalogue::BUILTIN_AUTHORIZATION.contains(&name) && !symbols.declares_method(name) => {
            facts.builtin_clients.push(BuiltinClient {
                site: call.site.clone(),
                method_site: call.method_site.clone(),
                builder: call.receiver_call.clone(),
                parameters: call
                    .enclosing_method
                    .as_ref()
                    .map(|m| m.parameters.clone())
                    .unwrap_or_default(),
                exchange: call.name.contains("Altinn"),
                scopes: resolve_scopes(call, symbols),
                request: call.request,
            });
        }
        _ if catalogue::BUILTIN_TOKEN_CALLS.contains(&name)
            && asks_builtin_client(call, imports, symbols) =>
        {
            facts.token_requests.push(TokenRequest {
                site: call.site.clone(),
                method_site: call.method_site.clone(),
                exchange: name == catalogue::BUILTIN_TOKEN_CALLS[1],
                scopes: resolve_scopes(call, symbols),
            });
        }
        _ if catalogue::APP_START_UP.contains(&name) && !symbols.declares_method(name) => {
            if let Some(method) = catalogue::APP_START_UP.into_iter().find(|m| *m == name) {
                facts.app_start_up.push(AppStartUp {
                    method,
                    site: call.method_site.clone(),
                });
            }
        }
        catalogue::SHIM_REGISTRATION if !symbols.declares_method(name) => {
            facts.shims.push(ShimUse {
                name: call.name.clone(),
                site: call.site.clone(),
            });
        }
        _ if catalogue::OPTIONS_METHODS.contains(&name) => {
            if let Some(type_arg) = call.type_args.first()
                && is_legacy_settings_type(&type_arg.text, imports, symbols)
            {
                facts.legacy_options.push(LegacyOptions {
                    site: call.site.clone(),
                    type_text: type_arg.text.clone(),
                });
            }
        }
        _ if SERVICE_REGISTRATIONS.contains(&name) => {
            let Some(service) = call.type_args.first() else {
                return;
            };
            let legacy_name = |wanted: &str| {
                last_segment(&service.text) == wanted
                    && !symbols.declares_type(wanted)
                    && (imports.imports_legacy() || service.text.starts_with(LEGACY_NAMESPACE))
            };
            if legacy_name(catalogue::TOKEN_SERVICE) {
                facts.token_services.push(TokenServiceUse::Registered {
                    site: call.site.clone(),
                    method_site: call.method_site.clone(),
                    chain: call.chain.clone(),
                });
            } else if legacy_name(catalogue::TOKEN_CACHE) && name != catalogue::TYPED_CLIENT {
                let implementation = call
                    .type_args
                    .get(1)
                    .map_or("a factory".to_string(), |t| format!("`{}`", t.text));
                facts.cache_providers.push(CacheProviderUse {
                    description: format!("registers {implementation} as the token cache"),
                    site: call.site.clone(),
                });
            }
        }
        _ => {}
    }
}

/// Whether a token call is made on the built-in `IMaskinportenClient`: on a field, property,
/// parameter or local declared with that type in the same class (or fetched with
/// `GetRequiredService<IMaskinportenClient>()`), where the file imports Altinn.App's
/// Maskinporten namespace. A project's own `IMaskinportenClient`, or a class of its own with a
/// `GetAccessToken` method, is not it.
fn asks_builtin_client(call: &Call, imports: &Imports, symbols: &Symbols) -> bool {
    if symbols.declares_type_anywhere(catalogue::BUILTIN_CLIENT) {
        return false;
    }
    let imported = |written: Option<&str>| {
        imports.imports(catalogue::BUILTIN_CLIENT_NAMESPACE)
            || written.is_some_and(|w| w.starts_with(catalogue::BUILTIN_CLIENT_NAMESPACE))
    };
    if let Some(located) = &call.receiver_call
        && catalogue::SERVICE_LOCATORS.contains(&located.name.as_str())
    {
        let service = located.type_args.first().map(String::as_str);
        return service.is_some_and(|s| last_segment(s) == catalogue::BUILTIN_CLIENT)
            && imported(service);
    }
    let Some((_, Expr::Path(path))) = &call.receiver else {
        return false;
    };
    let Some(member) = path.last() else {
        return false;
    };
    imports.file.type_refs.iter().any(|r| {
        r.name == catalogue::BUILTIN_CLIENT
            && r.member.as_ref() == Some(member)
            && r.class == call.enclosing_class
            && matches!(
                r.context,
                RefContext::Parameter
                    | RefContext::Field
                    | RefContext::Property
                    | RefContext::Local
            )
            && imported(r.qualified.as_deref())
    })
}

/// How deep scope lists may refer to other lists.
const MAX_LIST_DEPTH: usize = 8;

/// The scopes a call's arguments ask for, with the project's constants and scope lists looked
/// up; each keeps the place in the call it was asked for at.
fn resolve_scopes(call: &Call, symbols: &Symbols) -> Vec<ScopeValue> {
    let mut out = Vec::new();
    for piece in &call.scopes {
        let at = Asked {
            site: &piece.site,
            via: piece.via.clone(),
        };
        let class = call.enclosing_class.as_deref();
        resolve_term(&piece.term, class, at, symbols, 0, &mut out);
    }
    out
}

/// Where a scope is asked for, and the name it came through.
struct Asked<'s> {
    site: &'s crate::core::Site,
    via: Option<String>,
}

fn resolve_term(
    term: &ScopeTerm,
    class: Option<&str>,
    at: Asked,
    symbols: &Symbols,
    depth: usize,
    out: &mut Vec<ScopeValue>,
) {
    let site = at.site.clone();
    match term {
        ScopeTerm::Literal(value) => out.push(ScopeValue::Known {
            value: value.clone(),
            site,
            via: at.via,
        }),
        ScopeTerm::Unknown { text, why } => out.push(ScopeValue::Unknown {
            text: text.clone(),
            why: why.clone(),
            site,
        }),
        ScopeTerm::Name(path) => {
            let written = path.join(".");
            // Inside a class, a plain name is first that class's own member.
            let own: Option<Vec<String>> = match (class, path.as_slice()) {
                (Some(c), [name]) => Some(vec![c.to_string(), name.clone()]),
                _ => None,
            };
            let candidates: Vec<&[String]> =
                own.as_deref().into_iter().chain([&path[..]]).collect();
            let via = at.via.or_else(|| Some(format!("`{written}`")));
            if let Some(value) = candidates.iter().find_map(|p| symbols.constant(p)) {
                out.push(ScopeValue::Known {
                    value: value.to_string(),
                    site,
                    via,
                });
                return;
            }
            let list = candidates.iter().find_map(|p| symbols.scope_list(p));
            match list {
                Some(list) if depth < MAX_LIST_DEPTH => {
                    for inner in &list.terms {
                        let at = Asked {
                            site: at.site,
                            via: via.clone(),
                        };
                        resolve_term(inner, list.class.as_deref(), at, symbols, depth + 1, out);
                    }
                }
                _ => out.push(ScopeValue::Unknown {
                    text: written,
                    why: "it is neither a literal nor a constant the tool can read (a field, property or setting known only at run time)".to_string(),
                    site,
                }),
            }
        }
    }
}

fn client_override_argument(arg: &Arg, symbols: &Symbols) -> ClientOverrideArgument {
    match (&arg.expr, &arg.lambda) {
        (_, Some(lambda)) => ClientOverrideArgument::Lambda(lambda.clone()),
        (Expr::Str(s) | Expr::NameOf(s), _) => ClientOverrideArgument::Path(s.clone()),
        (Expr::Path(path), _) => match symbols.constant(path) {
            Some(value) => ClientOverrideArgument::Path(value.to_string()),
            None => ClientOverrideArgument::Unknown(arg.site.text().to_string()),
        },
        _ => ClientOverrideArgument::Unknown(arg.site.text().to_string()),
    }
}

fn is_legacy_settings_type(written: &str, imports: &Imports, symbols: &Symbols) -> bool {
    let base = written.split('<').next().unwrap_or(written).trim();
    if base.starts_with(LEGACY_CONFIG_NAMESPACE) {
        return true;
    }
    if let Some(target) = imports.alias(base) {
        return target.starts_with(LEGACY_CONFIG_NAMESPACE);
    }
    if base != catalogue::SETTINGS_TYPE || symbols.declares_type(base) {
        return false;
    }
    // Only the legacy library ever had the generic `MaskinportenSettings<TDefinition>`.
    let generic = written.contains('<');
    imports.imports(LEGACY_CONFIG_NAMESPACE)
        && (generic || !imports.imports(BUILTIN_MODELS_NAMESPACE))
}

fn definition_of(call: &Call, imports: &Imports, symbols: &Symbols) -> Option<Definition> {
    let first = call.type_args.first()?;
    let name = first.text.clone();
    let kind = if let Some(kind) = library_definition(&name) {
        kind
    } else if symbols
        .custom_definitions
        .iter()
        .any(|t| t.name == last_segment(&name))
    {
        DefinitionKind::Custom
    } else if call.enclosing_method.as_ref().is_some_and(|m| {
        m.type_params.iter().any(|p| {
            p.name == name
                && p.constraints.iter().any(|c| {
                    last_segment(c) == catalogue::DEFINITION_INTERFACE
                        || library_definition(c).is_some()
                        || symbols.custom_definitions.iter().any(|t| &t.name == c)
                })
        })
    }) {
        DefinitionKind::TypeParameter
    } else if is_unseen_definition(call, &name, imports, symbols) {
        DefinitionKind::Unseen
    } else {
        return None;
    };
    // A project's own definition type only counts where the library is imported.
    if matches!(kind, DefinitionKind::Custom | DefinitionKind::TypeParameter)
        && !imports.imports_legacy()
    {
        return None;
    }
    Some(Definition {
        name,
        kind,
        site: first.site.clone(),
    })
}

/// Whether a definition type the project does not declare is the library's call with a client
/// definition from a package or project the scan cannot see: the file imports the library (or
/// writes the type in its namespace), or the project references the package. A type parameter
/// of the enclosing method is no such type, and the caller has already made sure that no
/// project method of the same name can be the target.
fn is_unseen_definition(call: &Call, name: &str, imports: &Imports, symbols: &Symbols) -> bool {
    let type_parameter = call
        .enclosing_method
        .as_ref()
        .is_some_and(|m| m.type_params.iter().any(|p| p.name == name));
    let library_in_play = imports.imports_legacy()
        || imports.legacy_package
        || is_legacy_namespace(name.rsplit_once('.').map_or("", |(ns, _)| ns));
    !type_parameter && !symbols.declares_type_anywhere(name) && library_in_play
}

fn legacy_registration(call: &Call, imports: &Imports, symbols: &Symbols) -> Option<Registration> {
    let type_count = call.type_args.len();
    let arity = catalogue::legacy_arity(&call.name, type_count)?;
    if !arity.contains(&call.args.len()) || symbols.declares_method_for(call) {
        return None;
    }
    let definition = definition_of(call, imports, symbols)?;
    let key = |arg: Option<&Arg>| arg.map(|a| key_of(a, symbols));
    let settings_at = |i: usize| {
        call.args
            .get(i)
            .and_then(|a| Some((a.settings.clone()?, a.site.clone())))
    };
    let lambda_at = |i: usize| call.args.get(i).and_then(|a| a.lambda.clone());
    let (kind, settings, configure) = match (call.name.as_str(), type_count) {
        (catalogue::ADD_HTTP_CLIENT, 1) => (
            RegistrationKind::NamedClient {
                name: key(call.args.first())?,
            },
            settings_at(1),
            lambda_at(2),
        ),
        (catalogue::ADD_HTTP_CLIENT, _) => (
            RegistrationKind::TypedClient {
                client: call.type_args[1].text.clone(),
                implementation: call.type_args.get(2).map(|t| t.text.clone()),
            },
            settings_at(0),
            lambda_at(1),
        ),
        (catalogue::REGISTER_DEFINITION, _) => (
            RegistrationKind::ClientDefinition {
                key: key(call.args.first())?,
            },
            settings_at(1),
            None,
        ),
        (_, 1) => (
            RegistrationKind::MessageHandler {
                key: key(call.args.first())?,
            },
            None,
            lambda_at(1),
        ),
        (_, _) => (
            RegistrationKind::MessageHandler {
                key: Key::TypeName(call.type_args[1].text.clone()),
            },
            None,
            lambda_at(0),
        ),
    };
    let wrapper = call.enclosing_method.as_ref().and_then(|m| {
        let generic_here = call
            .type_args
            .iter()
            .any(|t| m.type_params.iter().any(|p| p.name == t.text));
        generic_here.then(|| m.name.clone())
    });
    Some(Registration {
        id: 0,
        kind,
        site: call.site.clone(),
        method_site: call.method_site.clone(),
        receiver: call.receiver.as_ref().map(|(s, _)| s.clone()),
        definition,
        settings,
        configure,
        chain: call.chain.clone(),
        comments: call.comments.clone(),
        wrapper,
        alternative: call.alternative,
        captured: call.args.iter().flat_map(|a| a.captured.clone()).collect(),
    })
}

fn key_of(arg: &Arg, symbols: &Symbols) -> Key {
    match &arg.expr {
        Expr::Str(s) | Expr::NameOf(s) => Key::Known(s.clone()),
        Expr::TypeFullName(t) => Key::TypeName(t.clone()),
        Expr::Path(path) => match symbols.constant(path) {
            Some(value) => Key::Known(value.to_string()),
            None => Key::Unknown(arg.site.text().to_string()),
        },
        _ => Key::Unknown(arg.site.text().to_string()),
    }
}

/// Whether a reference to a legacy type name is the library's type: the file imports the
/// library, or the name is written qualified with its namespace.
fn refers_to_legacy(r: &crate::facts::csharp::TypeRef, imports: &Imports) -> bool {
    imports.imports_legacy()
        || r.qualified
            .as_deref()
            .is_some_and(|q| q.starts_with(LEGACY_NAMESPACE))
}

fn resolve_type_refs(
    file: &CsFile,
    imports: &Imports,
    symbols: &Symbols,
    facts: &mut ProjectFacts,
) {
    let is_declaration = |c: RefContext| {
        matches!(
            c,
            RefContext::Parameter | RefContext::Field | RefContext::Property
        )
    };
    // One finding per class and type: the first declaration, with the token calls made through
    // any member of that type.
    let mut seen: Vec<(Option<String>, String)> = Vec::new();
    for r in &file.type_refs {
        if symbols.declares_type(&r.name) {
            continue;
        }
        let group = (r.class.clone(), r.name.clone());
        match r.name.as_str() {
            catalogue::TOKEN_SERVICE if !is_declaration(r.context) => {
                let registered = r.context == RefContext::TypeArgument
                    && r.container
                        .as_deref()
                        .is_some_and(|c| SERVICE_REGISTRATIONS.contains(&c));
                if !registered && refers_to_legacy(r, imports) {
                    facts.token_service_refs.push(r.site.clone());
                }
            }
            catalogue::TOKEN_SERVICE => {
                if !refers_to_legacy(r, imports) || seen.contains(&group) {
                    continue;
                }
                seen.push(group);
                let members: Vec<&str> = file
                    .type_refs
                    .iter()
                    .filter(|o| o.name == r.name && o.class == r.class)
                    .filter_map(|o| o.member.as_deref())
                    .collect();
                let calls = file
                    .calls
                    .iter()
                    .filter(|c| {
                        catalogue::TOKEN_CALLS.contains(&c.name.as_str())
                            && c.enclosing_class == r.class
                            && c.receiver.as_ref().is_some_and(|(_, e)| match e {
                                Expr::Path(p) => {
                                    p.last().is_some_and(|l| members.contains(&l.as_str()))
                                }
                                _ => false,
                            })
                    })
                    .map(|c| c.site.clone())
                    .collect();
                facts.token_services.push(TokenServiceUse::Injected {
                    class_name: r.class.clone().unwrap_or_default(),
                    site: r.site.clone(),
                    calls,
                });
            }
            name if catalogue::SHIM_TYPES.contains(&name) && r.context != RefContext::Other => {
                let qualified = r
                    .qualified
                    .as_deref()
                    .is_some_and(|q| SHIM_NAMESPACES.iter().any(|n| q.starts_with(n)));
                let imported = SHIM_NAMESPACES.iter().any(|n| imports.imports(n));
                if !(imported || qualified) || seen.contains(&group) {
                    continue;
                }
                seen.push(group);
                facts.shims.push(ShimUse {
                    name: r.name.clone(),
                    site: r.site.clone(),
                });
            }
            catalogue::SETTINGS_TYPE
                if r.container
                    .as_deref()
                    .is_some_and(|c| OPTIONS_TYPES.contains(&c))
                    && is_legacy_settings_type(
                        r.qualified.as_deref().unwrap_or(&r.name),
                        imports,
                        symbols,
                    ) =>
            {
                if seen.contains(&group) {
                    continue;
                }
                seen.push(group);
                facts.options_readers.push(OptionsReader {
                    class_name: r.class.clone(),
                    site: r.site.clone(),
                });
            }
            catalogue::BUILTIN_CLIENT if is_declaration(r.context) && !seen.contains(&group) => {
                seen.push(group);
                facts.builtin_client_injections.push(r.site.clone());
            }
            catalogue::SETTINGS_TYPE
                if is_builtin_settings_type(
                    r.qualified.as_deref().unwrap_or(&r.name),
                    imports,
                    symbols,
                ) =>
            {
                facts.builtin_settings.push(BuiltinSettingsUse {
                    how: match r.container.as_deref() {
                        Some("Configure" | "AddOptions" | "PostConfigure") => {
                            SettingsUse::Configures
                        }
                        Some("Get" | "GetValue") => SettingsUse::Reads,
                        Some(c) if OPTIONS_TYPES.contains(&c) => SettingsUse::Injects,
                        _ => SettingsUse::Names,
                    },
                    class_name: r.class.clone(),
                    site: r.site.clone(),
                });
            }
            _ => {}
        }
    }
}

/// Whether a written `MaskinportenSettings` is the built-in client's type: imported (or written
/// out) from Altinn.App's models, not the legacy one and not the project's own.
fn is_builtin_settings_type(written: &str, imports: &Imports, symbols: &Symbols) -> bool {
    if written.contains('<') || is_legacy_settings_type(written, imports, symbols) {
        return false;
    }
    let base = written.trim();
    if base.starts_with(BUILTIN_MODELS_NAMESPACE) {
        return true;
    }
    base == catalogue::SETTINGS_TYPE
        && !symbols.declares_type(base)
        && imports.imports(BUILTIN_MODELS_NAMESPACE)
}
