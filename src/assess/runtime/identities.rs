//! Which identities an app uses and, for each, the keys it reads and where each key's value
//! comes from: a configuration key (read when first used, or while services are registered),
//! a value set in code, or the built-in client's private configuration. The built-in client
//! reads `authority`, `clientId`, `jwkBase64` and `jwk` (the first signing key that is set
//! wins); a legacy registration reads the keys of its client definition's credential, its
//! environment and scope, and any other legacy setting a source or the code gives it.

use crate::assess::gate::legacy_binds_eagerly;
use crate::assess::{Assessment, VersionModel};
use crate::core::catalogue::{CLIENT_ID_KEY, DEFAULT_SECTION, LEGACY_KEYS, SCOPE_KEY};
use crate::core::{Code, Site, SourceFile};
use crate::discover::Project;
use crate::facts::external::{External, KeyVaultNames};
use crate::facts::model::{
    Assignment, CapturedRead, ClientOverrideArgument, DefinitionKind, Expr, Registration,
    RegistrationKind, SettingsSource, SettingsUse,
};
use crate::facts::resolve::ProjectFacts;

use super::{Binding, Client, CodeValue, KeyOrigin, KeyRead, KeyRole, Pointer};

/// The built-in settings' keys, signing keys in the order the client prefers them.
const BUILT_IN_KEYS: [(&str, KeyRole); 4] = [
    ("authority", KeyRole::Required),
    ("clientId", KeyRole::ClientId),
    ("jwkBase64", KeyRole::Signing),
    ("jwk", KeyRole::Signing),
];

/// The identities of an app, each with the keys it reads.
pub fn of(
    project: &Project,
    facts: &ProjectFacts,
    assessment: &Assessment,
    external: &External,
) -> Vec<(Client, Vec<KeyRead>)> {
    let mut identities = Vec::new();
    if let Some(built_in) = built_in(facts, assessment.model) {
        identities.push(built_in);
    }
    let eager = legacy_binds_eagerly(Some(project));
    let mut legacy: Vec<(Client, Vec<KeyRead>)> = Vec::new();
    for r in &facts.registrations {
        let Some((client, keys)) = legacy_identity(facts, assessment, external, r, eager) else {
            continue;
        };
        merge(&mut legacy, client, keys);
    }
    identities.extend(legacy);
    identities
}

/// The built-in client, when the app uses it: it registers a client with it, injects it, or
/// configures it; on Altinn.App 9 it also mints the workflow engine's tokens, so always.
fn built_in(facts: &ProjectFacts, model: VersionModel) -> Option<(Client, Vec<KeyRead>)> {
    let used = model.is_v9()
        || !facts.builtin_clients.is_empty()
        || !facts.builtin_client_injections.is_empty()
        || !facts.client_overrides.is_empty();
    if !used {
        return None;
    }
    if model == VersionModel::V9 {
        // MP202 reports a lambda, MP201 a path.
        let removed = facts
            .client_overrides
            .iter()
            .map(|o| Pointer {
                code: match o.argument {
                    ClientOverrideArgument::Lambda(_) => Code::MP202,
                    _ => Code::MP201,
                },
                at: Some(o.site.clone()),
            })
            .collect();
        let keys = BUILT_IN_KEYS
            .iter()
            .map(|(name, role)| KeyRead {
                name: (*name).to_string(),
                role: *role,
                origin: KeyOrigin::Private,
            })
            .collect();
        return Some((Client::BuiltInPrivate { removed }, keys));
    }
    // `ConfigureMaskinportenClient` replaces the default binding; the first call decides.
    let (binding, section, lambda) = match facts.client_overrides.first() {
        None => (Binding::Default, Some(DEFAULT_SECTION.to_string()), None),
        Some(o) => match &o.argument {
            ClientOverrideArgument::Path(path) => (
                Binding::Path {
                    path: path.clone(),
                    site: o.site.clone(),
                },
                Some(path.clone()),
                None,
            ),
            ClientOverrideArgument::Lambda(lambda) => (
                Binding::Lambda {
                    site: o.site.clone(),
                },
                None,
                Some((lambda, &o.captured)),
            ),
            ClientOverrideArgument::Unknown(text) => (
                Binding::Unknown {
                    text: text.clone(),
                    site: o.site.clone(),
                },
                None,
                None,
            ),
        },
    };
    let keys = BUILT_IN_KEYS
        .iter()
        .map(|(name, role)| {
            let set_in_lambda = lambda.and_then(|(l, captured)| {
                let a = l
                    .assignments
                    .iter()
                    .rev()
                    .find(|a| a.property.eq_ignore_ascii_case(name))?;
                Some(code_origin(a, &l.site.file, captured, true))
            });
            let origin = match (&section, set_in_lambda) {
                (_, Some(origin)) => origin,
                (Some(section), None) => KeyOrigin::Config {
                    key: format!("{section}:{}", upper_first(name)),
                    eager: None,
                },
                (None, None) => KeyOrigin::Unset,
            };
            KeyRead {
                name: (*name).to_string(),
                role: *role,
                origin,
            }
        })
        .collect();
    Some((Client::BuiltIn(binding), keys))
}

/// `Configure<MaskinportenSettings>(...)` and kin configure the built-in client's settings too
/// (and keep Altinn.App from binding the default section): the trace does not follow what they
/// bind, and says so. MP202 reports each.
pub fn not_followed(facts: &ProjectFacts, client: &Client) -> Vec<Pointer> {
    if !matches!(client, Client::BuiltIn(_)) {
        return Vec::new();
    }
    facts
        .builtin_settings
        .iter()
        .filter(|u| u.how == SettingsUse::Configures)
        .map(|u| Pointer {
            code: Code::MP202,
            at: Some(u.site.clone()),
        })
        .collect()
}

fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// Where a value set in code comes from. `late`: the code runs when the client is first used
/// (a configure lambda), not when services are registered.
fn code_origin(
    assignment: &Assignment,
    file: &std::sync::Arc<SourceFile>,
    captured: &[CapturedRead],
    late: bool,
) -> KeyOrigin {
    let site = Site::new(file, assignment.span);
    let code = |value| KeyOrigin::Code {
        value,
        site: site.clone(),
    };
    match &assignment.value {
        Expr::Str(s) if s.trim().is_empty() => code(CodeValue::Empty),
        Expr::Null => code(CodeValue::Empty),
        Expr::Str(_) | Expr::Bool(_) | Expr::NameOf(_) | Expr::TypeFullName(_) => {
            code(CodeValue::Set)
        }
        Expr::ConfigRead { key: Some(key) } => KeyOrigin::Config {
            key: key.clone(),
            eager: (!late).then(|| site.clone()),
        },
        Expr::Path(parts) => captured_read(parts.first(), parts.get(1), captured)
            .unwrap_or_else(|| code(CodeValue::Computed)),
        Expr::Other(text) => {
            // `legacy.Environment switch { ... }`: computed from an early-read variable.
            let found = captured.iter().find_map(|c| {
                let SettingsSource::Variable { name, .. } = &c.variable else {
                    return None;
                };
                let at = text.find(&format!("{name}."))?;
                let property: String = text[at + name.len() + 1..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                captured_read(Some(name), Some(&property), captured)
            });
            found.unwrap_or_else(|| code(CodeValue::Computed))
        }
        _ => code(CodeValue::Computed),
    }
}

/// `variable.Property` of a variable filled from configuration before the call: the key below
/// its section, read where the variable was filled.
fn captured_read(
    variable: Option<&String>,
    property: Option<&String>,
    captured: &[CapturedRead],
) -> Option<KeyOrigin> {
    let (variable, property) = (variable?, property?);
    let read = captured.iter().find(
        |c| matches!(&c.variable, SettingsSource::Variable { name, .. } if name == variable),
    )?;
    let SettingsSource::Variable {
        read_at: Some(span),
        ..
    } = &read.variable
    else {
        return None;
    };
    Some(KeyOrigin::Config {
        key: format!("{}:{property}", read.variable.section_path()?),
        eager: Some(Site::new(&read.reader.file, *span)),
    })
}

/// The keys a legacy definition reads, each with its role.
fn legacy_keys(kind: &DefinitionKind) -> Vec<(&'static str, KeyRole)> {
    let mut keys = vec![
        ("Environment", KeyRole::Required),
        (CLIENT_ID_KEY, KeyRole::ClientId),
        (SCOPE_KEY, KeyRole::Required),
    ];
    match kind {
        DefinitionKind::Jwk => keys.push(("EncodedJwk", KeyRole::Signing)),
        DefinitionKind::X509 => keys.push(("EncodedX509", KeyRole::Signing)),
        DefinitionKind::Pkcs12 => {
            keys.push(("CertificatePkcs12Path", KeyRole::Signing));
            keys.push(("CertificatePkcs12Password", KeyRole::Required));
        }
        DefinitionKind::CertificateStore => {
            keys.push(("CertificateStoreThumbprint", KeyRole::Signing));
        }
        // A custom definition, or one no file declares, finds its key itself.
        DefinitionKind::Custom | DefinitionKind::TypeParameter | DefinitionKind::Unseen => {}
    }
    keys
}

/// Where a legacy registration's settings come from: a section (read at `eager` or when
/// used), and the properties code sets on them afterwards.
struct Settings {
    section: Option<String>,
    eager: Option<Site>,
    overrides: Vec<(Assignment, bool)>,
}

/// The settings of a registration, when they are statically known. `eager_overloads`: the
/// `IConfiguration` overloads bind at registration.
fn settings_of(
    source: &SettingsSource,
    argument: &Site,
    eager_overloads: bool,
) -> Option<Settings> {
    match source {
        SettingsSource::Section {
            path: Some(path), ..
        } => Some(Settings {
            section: Some(path.clone()),
            eager: eager_overloads.then(|| argument.clone()),
            overrides: Vec::new(),
        }),
        SettingsSource::Object { inits } => Some(Settings {
            section: None,
            eager: None,
            overrides: inits.iter().map(|a| (a.clone(), false)).collect(),
        }),
        SettingsSource::With { base, inits } => {
            let mut settings = settings_of(base, argument, eager_overloads)?;
            settings
                .overrides
                .extend(inits.iter().map(|a| (a.clone(), false)));
            Some(settings)
        }
        SettingsSource::Variable {
            origin: Some(origin),
            read_at,
            mutations,
            ..
        } => {
            let mut settings = settings_of(origin, argument, eager_overloads)?;
            if let Some(span) = read_at {
                settings.eager = Some(Site::new(&argument.file, *span));
            }
            settings
                .overrides
                .extend(mutations.iter().map(|a| (a.clone(), false)));
            Some(settings)
        }
        _ => None,
    }
}

/// A legacy registration's identity; None for a handler (its definition has it) and for
/// settings that are not statically known.
fn legacy_identity(
    facts: &ProjectFacts,
    assessment: &Assessment,
    external: &External,
    r: &Registration,
    eager_overloads: bool,
) -> Option<(Client, Vec<KeyRead>)> {
    let (label, code) = match &r.kind {
        RegistrationKind::TypedClient { client, .. } => {
            (format!("typed client {client}"), Code::MP101)
        }
        RegistrationKind::NamedClient { name } => {
            (format!("named client {}", name.describe()), Code::MP102)
        }
        RegistrationKind::ClientDefinition { key } => {
            (format!("client definition {}", key.describe()), Code::MP104)
        }
        RegistrationKind::MessageHandler { .. } => return None,
    };
    let (source, argument) = r.settings.as_ref()?;
    let mut settings = settings_of(source, argument, eager_overloads)?;
    // Configure lambdas run when the handler is created, after the settings are bound: the
    // registration's own, and for a definition those of the handlers that use it.
    let mut lambdas: Vec<&Registration> = vec![r];
    lambdas.extend(assessment.handlers_of(facts, r));
    for with_lambda in &lambdas {
        if let Some(lambda) = &with_lambda.configure {
            settings
                .overrides
                .extend(lambda.assignments.iter().map(|a| (a.clone(), true)));
        }
    }
    let captured: Vec<CapturedRead> = lambdas.iter().flat_map(|l| l.captured.clone()).collect();
    let mut wanted = legacy_keys(&r.definition.kind);
    for name in defined_below(
        facts,
        external.key_vault.as_ref(),
        settings.section.as_deref(),
    )
    .into_iter()
    .chain(settings.overrides.iter().map(|(a, _)| a.property.clone()))
    {
        let known = LEGACY_KEYS
            .iter()
            .chain(std::iter::once(&CLIENT_ID_KEY))
            .find(|k| k.eq_ignore_ascii_case(&name));
        if let Some(known) = known
            && !wanted.iter().any(|(w, _)| w.eq_ignore_ascii_case(known))
        {
            wanted.push((known, KeyRole::Optional));
        }
    }
    let keys = wanted
        .into_iter()
        .map(|(name, role)| {
            let set = settings
                .overrides
                .iter()
                .rev()
                .find(|(a, _)| a.property.eq_ignore_ascii_case(name));
            let origin = match (set, &settings.section) {
                (Some((a, late)), _) => code_origin(a, &r.site.file, &captured, *late),
                (None, Some(section)) => KeyOrigin::Config {
                    key: format!("{section}:{name}"),
                    eager: settings.eager.clone(),
                },
                (None, None) => KeyOrigin::Unset,
            };
            KeyRead {
                name: name.to_string(),
                role,
                origin,
            }
        })
        .collect();
    let client = Client::Legacy {
        clients: vec![label],
        section: settings.section.clone(),
        registrations: vec![Pointer {
            code,
            at: Some(r.site.clone()),
        }],
    };
    Some((client, keys))
}

/// The names of the keys directly below `section` in the appsettings files and the Key Vault
/// names.
fn defined_below(
    facts: &ProjectFacts,
    vault: Option<&KeyVaultNames>,
    section: Option<&str>,
) -> Vec<String> {
    let Some(section) = section else {
        return Vec::new();
    };
    let in_files = facts
        .appsettings
        .iter()
        .flat_map(|f| f.children(section))
        .map(|e| e.path.clone());
    let in_vault = vault
        .into_iter()
        .flat_map(|kv| kv.under(section))
        .map(|name| KeyVaultNames::config_key(name));
    in_files
        .chain(in_vault)
        .filter_map(|key| {
            let rest = key.get(section.len() + 1..)?;
            Some(rest.split(':').next().unwrap_or(rest).to_string())
        })
        .collect()
}

/// Adds a legacy identity, or its client to one that reads the same settings the same way.
fn merge(identities: &mut Vec<(Client, Vec<KeyRead>)>, client: Client, keys: Vec<KeyRead>) {
    let Client::Legacy {
        clients,
        section,
        registrations,
    } = client
    else {
        return;
    };
    let same = identities.iter_mut().find(|(c, k)| {
        matches!(c, Client::Legacy { section: s, .. } if *s == section)
            && section.is_some()
            && same_reads(k, &keys)
    });
    match same {
        Some((
            Client::Legacy {
                clients: existing,
                registrations: pointers,
                ..
            },
            _,
        )) => {
            for c in clients {
                if !existing.contains(&c) {
                    existing.push(c);
                }
            }
            pointers.extend(registrations);
        }
        _ => identities.push((
            Client::Legacy {
                clients,
                section,
                registrations,
            },
            keys,
        )),
    }
}

/// Whether two identities read the same keys from the same places (code values may differ:
/// each client sets its own scope).
fn same_reads(a: &[KeyRead], b: &[KeyRead]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.name == y.name
                && match (&x.origin, &y.origin) {
                    (
                        KeyOrigin::Config { key: k1, eager: e1 },
                        KeyOrigin::Config { key: k2, eager: e2 },
                    ) => k1.eq_ignore_ascii_case(k2) && e1.is_some() == e2.is_some(),
                    (KeyOrigin::Code { .. }, KeyOrigin::Code { .. }) => true,
                    (KeyOrigin::Unset, KeyOrigin::Unset) => true,
                    _ => false,
                }
        })
}
