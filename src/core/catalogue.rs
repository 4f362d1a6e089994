//! The catalogue of the APIs the tool knows: the legacy `Altinn.ApiClients.Maskinporten`
//! library (package, namespaces, methods, types, settings keys), the app-lib shims, and the
//! built-in client of Altinn.App. Every stage that needs one of these names takes it from here:
//! the tree-sitter queries (checked against these lists by a test), the byte prefilter,
//! resolution, the derived edits and the configuration rules. The facts behind each list are in
//! `shared/reference/altinn-maskinporten-api.md`.

/// The legacy package's NuGet id.
pub const LEGACY_PACKAGE: &str = "Altinn.ApiClients.Maskinporten";
/// The legacy package version an Altinn.App 9 app references: the 10.x line is the one that
/// targets net10.0, and 10.1.0 is its newest release.
pub const LEGACY_PACKAGE_VERSION: &str = "10.1.0";

/// Packages whose reference makes a project an Altinn app, in the order their version counts
/// (`Altinn.App.Core` alone only with more evidence: see `discover::classify`).
pub const APP_PACKAGES: [&str; 3] = [
    "Altinn.App.Api",
    "Altinn.App.Core",
    "Altinn.App.Api.Experimental",
];

/// The legacy library's root namespace; every namespace below it is the library's too.
pub const LEGACY_NAMESPACE: &str = "Altinn.ApiClients.Maskinporten";
/// Where the legacy `MaskinportenSettings` lives.
pub const LEGACY_CONFIG_NAMESPACE: &str = "Altinn.ApiClients.Maskinporten.Config";
/// Where the built-in client's `MaskinportenSettings` lives (Altinn.App 8).
pub const BUILTIN_MODELS_NAMESPACE: &str = "Altinn.App.Core.Features.Maskinporten.Models";
/// Where `UseMaskinportenAuthorization` and its kin live.
pub const BUILTIN_EXTENSIONS_NAMESPACE: &str = "Altinn.App.Api.Extensions";
/// Where the app-lib shims live (the namespace moved between Altinn.App 7 and 8).
pub const SHIM_NAMESPACES: [&str; 2] = [
    "Altinn.App.Core.Internal.Maskinporten",
    "Altinn.App.Core.Infrastructure.Clients.Maskinporten",
];

/// The public names of each legacy namespace: a `using` of it stays while any is used.
pub const LEGACY_NAMES: [(&str, &[&str]); 8] = [
    (
        "Altinn.ApiClients.Maskinporten.Extensions",
        &[
            "AddMaskinportenHttpClient",
            "RegisterMaskinportenClientDefinition",
            "AddMaskinportenHttpMessageHandler",
            "SetMaskinportenRequestContext",
            "GetMaskinportenRequestContext",
        ],
    ),
    (
        "Altinn.ApiClients.Maskinporten.Services",
        &[
            "SettingsJwkClientDefinition",
            "SettingsX509ClientDefinition",
            "Pkcs12ClientDefinition",
            "CertificateStoreClientDefinition",
            "MaskinportenService",
            "MemoryTokenCacheProvider",
            "FileTokenCacheProvider",
        ],
    ),
    (LEGACY_CONFIG_NAMESPACE, &["MaskinportenSettings"]),
    (
        "Altinn.ApiClients.Maskinporten.Interfaces",
        &[
            "IClientDefinition",
            "IMaskinportenService",
            "IMaskinportenSettings",
            "ITokenCacheProvider",
        ],
    ),
    (
        "Altinn.ApiClients.Maskinporten.Models",
        &[
            "TokenResponse",
            "ClientSecrets",
            "TokenRequestException",
            "MaskinportenRequestContext",
        ],
    ),
    (
        "Altinn.ApiClients.Maskinporten.Handlers",
        &["MaskinportenTokenHandler"],
    ),
    (
        "Altinn.ApiClients.Maskinporten.Factories",
        &["MaskinportenHttpMessageHandlerFactory"],
    ),
    (
        "Altinn.ApiClients.Maskinporten.Helpers",
        &["MaskinportenClientDefinitionHelper"],
    ),
];

/// Whether `namespace` is the legacy library's root namespace or one below it.
pub fn is_legacy_namespace(namespace: &str) -> bool {
    namespace == LEGACY_NAMESPACE
        || namespace
            .strip_prefix(LEGACY_NAMESPACE)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The public names of a legacy namespace, if it is one.
pub fn legacy_names_of(namespace: &str) -> Option<&'static [&'static str]> {
    LEGACY_NAMES
        .iter()
        .find(|(n, _)| *n == namespace)
        .map(|(_, names)| *names)
}

// Methods of the legacy library.

pub const ADD_HTTP_CLIENT: &str = "AddMaskinportenHttpClient";
pub const REGISTER_DEFINITION: &str = "RegisterMaskinportenClientDefinition";
pub const ADD_MESSAGE_HANDLER: &str = "AddMaskinportenHttpMessageHandler";
/// The legacy registration methods.
pub const REGISTRATION_METHODS: [&str; 3] =
    [ADD_HTTP_CLIENT, REGISTER_DEFINITION, ADD_MESSAGE_HANDLER];
/// Registration methods that take settings, traced back to where they come from.
pub const SETTINGS_METHODS: [&str; 2] = [ADD_HTTP_CLIENT, REGISTER_DEFINITION];
/// Calls of `IMaskinportenService` made by hand.
pub const TOKEN_CALLS: [&str; 2] = ["GetToken", "ExchangeToAltinnToken"];

/// The argument counts the library's overloads accept, by method and number of type arguments.
pub fn legacy_arity(method: &str, type_args: usize) -> Option<std::ops::RangeInclusive<usize>> {
    match (method, type_args) {
        (ADD_HTTP_CLIENT, 1) => Some(2..=3),
        (ADD_HTTP_CLIENT, 2 | 3) => Some(1..=2),
        (REGISTER_DEFINITION, 1) => Some(2..=2),
        (ADD_MESSAGE_HANDLER, 1) => Some(1..=2),
        (ADD_MESSAGE_HANDLER, 2) => Some(0..=1),
        _ => None,
    }
}

// Types of the legacy library.

pub const TOKEN_SERVICE: &str = "IMaskinportenService";
pub const DEFINITION_INTERFACE: &str = "IClientDefinition";
pub const TOKEN_CACHE: &str = "ITokenCacheProvider";
pub const SETTINGS_TYPE: &str = "MaskinportenSettings";

/// How a library client definition signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Jwk,
    X509,
    Pkcs12,
    CertificateStore,
}

/// The library's client definitions.
pub const DEFINITIONS: [(&str, Credential); 4] = [
    ("SettingsJwkClientDefinition", Credential::Jwk),
    ("SettingsX509ClientDefinition", Credential::X509),
    ("Pkcs12ClientDefinition", Credential::Pkcs12),
    (
        "CertificateStoreClientDefinition",
        Credential::CertificateStore,
    ),
];

/// The credential of a library client definition, by its simple or qualified name.
pub fn library_definition(name: &str) -> Option<Credential> {
    let simple = name.rsplit('.').next().unwrap_or(name);
    DEFINITIONS
        .iter()
        .find(|(n, _)| *n == simple)
        .map(|(_, credential)| *credential)
}

// The app-lib shims (obsolete in Altinn.App 8, removed in 9).

pub const SHIM_REGISTRATION: &str = "AddMaskinportenJwkTokenProvider";
pub const SHIM_TYPES: [&str; 2] = ["IMaskinportenTokenProvider", "IX509CertificateProvider"];

// The built-in client of Altinn.App.

pub const CLIENT_OVERRIDE: &str = "ConfigureMaskinportenClient";
/// The built-in client's interface, injected by code that asks for tokens itself.
pub const BUILTIN_CLIENT: &str = "IMaskinportenClient";
/// Where `IMaskinportenClient` lives.
pub const BUILTIN_CLIENT_NAMESPACE: &str = "Altinn.App.Core.Features.Maskinporten";
/// The token methods of `IMaskinportenClient`; the second exchanges the token for an Altinn one.
pub const BUILTIN_TOKEN_CALLS: [&str; 2] = ["GetAccessToken", "GetAltinnExchangedToken"];
/// What Altinn.App 9 takes instead of scope strings: `new MaskinportenTokenRequest { Scopes = ... }`.
pub const TOKEN_REQUEST_TYPE: &str = "MaskinportenTokenRequest";
/// The property of `MaskinportenTokenRequest` that holds the scopes.
pub const TOKEN_REQUEST_SCOPES: &str = "Scopes";
/// Calls that fetch a service by its type: `provider.GetRequiredService<IMaskinportenClient>()`.
pub const SERVICE_LOCATORS: [&str; 2] = ["GetRequiredService", "GetService"];
/// `UseMaskinportenAuthorization` and kin, with the `-isation` spellings of 8.5 and 8.6.
pub const BUILTIN_AUTHORIZATION: [&str; 4] = [
    "UseMaskinportenAuthorization",
    "UseMaskinportenAltinnAuthorization",
    "UseMaskinportenAuthorisation",
    "UseMaskinportenAltinnAuthorisation",
];
/// The section Altinn Studio provisions and the built-in client binds by default.
pub const DEFAULT_SECTION: &str = "MaskinportenSettings";

// ASP.NET Core calls the extractor needs around them.

/// `Configure<T>` and `AddOptions<T>`: options of the legacy settings type.
pub const OPTIONS_METHODS: [&str; 2] = ["Configure", "AddOptions"];
/// The options wrappers code injects settings through.
pub const OPTIONS_TYPES: [&str; 3] = ["IOptions", "IOptionsMonitor", "IOptionsSnapshot"];
/// The typed-client registration of ASP.NET Core.
pub const TYPED_CLIENT: &str = "AddHttpClient";
/// Service registrations that may register the legacy token service or cache: the plain
/// lifetimes, their `TryAdd` forms, and the typed client `AddHttpClient<IMaskinportenService,
/// MaskinportenService>()` (the service takes an `HttpClient`).
pub const SERVICE_REGISTRATIONS: [&str; 7] = [
    TYPED_CLIENT,
    "AddSingleton",
    "AddTransient",
    "AddScoped",
    "TryAddSingleton",
    "TryAddTransient",
    "TryAddScoped",
];

// The start-up of an app.

pub const WEB_HOST: &str = "ConfigureAppWebHost";
/// The app template's registration of the Altinn.App services.
pub const APP_SERVICES: &str = "AddAltinnAppServices";
/// Calls only an app's start-up makes (both are Altinn.App.Api extension methods).
pub const APP_START_UP: [&str; 2] = [WEB_HOST, APP_SERVICES];
/// The project files of Altinn.App's own source, as a `<ProjectReference>` names them, in the
/// order their version counts.
pub const APP_PROJECTS: [&str; 2] = ["Altinn.App.Api.csproj", "Altinn.App.Core.csproj"];
pub const KEY_VAULT_METHODS: [&str; 2] = ["AddAzureKeyVaultAsConfigProvider", "AddAzureKeyVault"];
/// The app template's hook for the app's own service registrations.
pub const SERVICE_HOOK: &str = "RegisterCustomAppServices";
/// `IConfigurationBuilder` extension methods that add a configuration source (Key Vault has its
/// own list): the start-up walk records them where the app adds them.
pub const CONFIG_SOURCE_METHODS: [&str; 11] = [
    "AddJsonFile",
    "AddEnvironmentVariables",
    "AddUserSecrets",
    "AddCommandLine",
    "AddInMemoryCollection",
    "AddKeyPerFile",
    "AddXmlFile",
    "AddIniFile",
    "AddJsonStream",
    "AddAzureAppConfiguration",
    "AddAppSettingsSecretFile",
];

/// Every method name `queries/calls.scm` captures.
pub fn call_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = REGISTRATION_METHODS.to_vec();
    names.extend([CLIENT_OVERRIDE, SHIM_REGISTRATION]);
    names.extend(APP_START_UP);
    names.extend(BUILTIN_AUTHORIZATION);
    names.extend(OPTIONS_METHODS);
    names.extend(SERVICE_REGISTRATIONS);
    names.extend(TOKEN_CALLS);
    names.extend(BUILTIN_TOKEN_CALLS);
    names
}

/// Every type name `queries/type_references.scm` captures.
pub const TYPE_REFERENCE_NAMES: [&str; 6] = [
    TOKEN_SERVICE,
    SHIM_TYPES[0],
    SHIM_TYPES[1],
    TOKEN_CACHE,
    SETTINGS_TYPE,
    BUILTIN_CLIENT,
];

/// Words one of which every C# file the extractor can report something in contains, spelled as
/// C# (case-sensitive) requires: every legacy name, shim and built-in method contains
/// "Maskinporten" or is listed, and so is every start-up step that orders configuration or
/// shows an app (`AddAltinnAppServices`); code that reads configuration (a section the migration
/// would otherwise remove) mentions one of the last five.
pub const PREFILTER_WORDS: [&str; 12] = [
    "Maskinporten",
    WEB_HOST,
    APP_SERVICES,
    "AzureKeyVault",
    SHIM_TYPES[1],
    DEFINITION_INTERFACE,
    TOKEN_CACHE,
    "GetSection",
    "GetRequiredSection",
    "GetValue",
    "BindConfiguration",
    "IConfiguration",
];

// Settings keys (configuration keys compare without case).

pub const SCOPE_KEY: &str = "Scope";
pub const EXCHANGE_KEY: &str = "ExhangeToAltinnToken";
pub const CLIENT_ID_KEY: &str = "ClientId";

/// Keys only the legacy `MaskinportenSettings` has.
pub const LEGACY_KEYS: [&str; 18] = [
    "Environment",
    "EncodedJwk",
    "EncodedX509",
    "CertificatePkcs12Path",
    "CertificatePkcs12Password",
    "CertificateStoreThumbprint",
    EXCHANGE_KEY,
    SCOPE_KEY,
    "ConsumerOrgNo",
    "EnterpriseUserName",
    "EnterpriseUserPassword",
    "EnableDebugLogging",
    "ClientKey",
    "UseAltinnTestOrg",
    "Resource",
    "TokenExchangeEnvironment",
    "OverwriteAuthorizationHeader",
    "Kid",
];

/// The credential keys of the built-in settings, which the provisioned file also sets.
pub const CREDENTIAL_KEYS: [&str; 3] = [CLIENT_ID_KEY, "Jwk", "JwkBase64"];

/// Legacy settings the built-in client has no equivalent for.
pub const UNSUPPORTED_SETTINGS: [&str; 8] = [
    "ConsumerOrgNo",
    "Resource",
    "EnterpriseUserName",
    "EnterpriseUserPassword",
    "UseAltinnTestOrg",
    "TokenExchangeEnvironment",
    "OverwriteAuthorizationHeader",
    "Kid",
];

/// Keys whose values are secrets: never shown, never removed with a value in place.
pub const SECRET_VALUE_KEYS: [&str; 7] = [
    "JwkBase64",
    "EncodedJwk",
    "EncodedX509",
    "Jwk",
    "CertificatePkcs12Password",
    "EnterpriseUserPassword",
    "ClientSecret",
];

/// Keys that hold or locate the signing key itself (a client id alone is often kept in
/// appsettings while the key lives in Key Vault).
pub const KEY_MATERIAL: [&str; 6] = [
    "EncodedJwk",
    "EncodedX509",
    "JwkBase64",
    "Jwk",
    "CertificatePkcs12Path",
    "CertificateStoreThumbprint",
];

/// The legacy `Environment` names and the Maskinporten URL (the built-in `Authority`) each
/// stands for.
pub const ENVIRONMENTS: [(&str, &str); 4] = [
    ("prod", "https://maskinporten.no/"),
    ("test", "https://test.maskinporten.no/"),
    ("ver1", "https://ver1.maskinporten.no/"),
    ("ver2", "https://ver2.maskinporten.no/"),
];

/// The built-in `Authority` for a legacy `Environment` (empty stays empty: a placeholder).
pub fn authority_of(environment: &str) -> Option<&'static str> {
    if environment.is_empty() {
        return Some("");
    }
    ENVIRONMENTS
        .iter()
        .find(|(name, _)| *name == environment)
        .map(|(_, url)| *url)
}

/// The legacy `Environment` for a built-in `Authority` URL (with or without its trailing slash;
/// empty stays empty).
pub fn environment_of(authority: &str) -> Option<&'static str> {
    let wanted = authority.trim().trim_end_matches('/');
    if wanted.is_empty() {
        return Some("");
    }
    ENVIRONMENTS
        .iter()
        .find(|(_, url)| url.trim_end_matches('/').eq_ignore_ascii_case(wanted))
        .map(|(name, _)| *name)
}

/// Whether `key` is one of `names`, compared as configuration compares keys.
pub fn is_one_of(key: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoted names of the `#any-of?` predicate in a query file.
    fn any_of(query: &str) -> Vec<String> {
        let start = query
            .find("#any-of?")
            .expect("the query has an #any-of? list");
        let list = &query[start..];
        let list = &list[..list.find(')').unwrap()];
        list.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn sorted(mut names: Vec<String>) -> Vec<String> {
        names.sort();
        names
    }

    #[test]
    fn the_queries_capture_exactly_the_catalogued_names() {
        let calls = any_of(include_str!("../../queries/calls.scm"));
        let expected: Vec<String> = call_names().into_iter().map(String::from).collect();
        assert_eq!(sorted(calls), sorted(expected));
        let types = any_of(include_str!("../../queries/type_references.scm"));
        let expected: Vec<String> = TYPE_REFERENCE_NAMES.iter().map(|s| s.to_string()).collect();
        assert_eq!(sorted(types), sorted(expected));
    }

    #[test]
    fn every_name_the_extractor_reports_passes_the_prefilter() {
        let mut names: Vec<&str> = call_names()
            .into_iter()
            .filter(|n| {
                !OPTIONS_METHODS.contains(n)
                    && !SERVICE_REGISTRATIONS.contains(n)
                    && !TOKEN_CALLS.contains(n)
                    && !BUILTIN_TOKEN_CALLS.contains(n)
            })
            .collect();
        names.extend(TYPE_REFERENCE_NAMES);
        names.extend(LEGACY_NAMES.iter().map(|(namespace, _)| *namespace));
        names.extend(SHIM_NAMESPACES);
        names.extend(KEY_VAULT_METHODS);
        names.extend(APP_START_UP);
        names.push(DEFINITION_INTERFACE);
        for name in names {
            assert!(
                PREFILTER_WORDS.iter().any(|w| name.contains(w)),
                "{name} would be skipped by the prefilter"
            );
        }
    }
}
