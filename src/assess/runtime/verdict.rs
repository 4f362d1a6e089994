//! The winner of each key in one environment and what the winners make of the identity. A key
//! bound from configuration takes the value of the last source loaded in the environment that
//! defines it (an empty value counts: it overrides); a key read while services are registered
//! sees only the sources added before that. The identity is one when its client id and signing
//! key come from one owner (the credentials Altinn Studio provisions, or the app's own), a
//! hybrid when they do not; keys without a value, and values read before their source is
//! loaded, come first. Each verdict names the rule that reports it.

use crate::assess::sections::SectionRead;
use crate::core::catalogue::{CLIENT_ID_KEY, CREDENTIAL_KEYS, DEFAULT_SECTION, is_one_of};
use crate::core::{Code, Site};
use crate::facts::appsettings::ConfigValue;
use crate::facts::external::External;
use crate::facts::resolve::ProjectFacts;

use super::sources::Order;
use super::{
    Binding, Client, Environment, EnvironmentTrace, KeyOrigin, KeyRead, KeyRole, KeyValue, Owner,
    Pointer, Presence, SourceKind, Supplier, Verdict, VerdictKind, Winner,
};

/// What the winners and verdicts of one app are computed from.
pub struct Inputs<'a> {
    pub order: &'a Order,
    pub facts: &'a ProjectFacts,
    pub external: &'a External,
    /// Where the code reads each section (MP303 reports one nothing defines there).
    pub reads: &'a [SectionRead],
}

/// The identity's keys and verdict in one environment.
pub fn trace(
    app: &Inputs,
    client: &Client,
    keys: &[KeyRead],
    env: &Environment,
) -> EnvironmentTrace {
    let values: Vec<KeyValue> = keys.iter().map(|k| value(app, k, env)).collect();
    let mut verdict = verdict(app, client, keys, &values, env);
    if matches!(
        verdict.kind,
        VerdictKind::Consistent { .. } | VerdictKind::Hybrid { .. }
    ) {
        verdict.may_override = may_override(&values);
    }
    EnvironmentTrace {
        keys: values,
        verdict,
    }
}

fn value(app: &Inputs, key: &KeyRead, env: &Environment) -> KeyValue {
    let order = app.order;
    let (config_key, eager) = match &key.origin {
        KeyOrigin::Config { key, eager } => (key, eager),
        KeyOrigin::Code { value, .. } => return fixed(Winner::Code(*value)),
        KeyOrigin::Private => {
            // The provisioned file holds authority, clientId and jwk (no jwkBase64).
            let provisioned = !key.name.eq_ignore_ascii_case("jwkBase64");
            return fixed(match (env.is_local(), provisioned) {
                (true, _) => Winner::Private { local: true },
                (false, true) => Winner::Private { local: false },
                (false, false) => Winner::Missing,
            });
        }
        KeyOrigin::Unset => return fixed(Winner::Missing),
    };
    let cut = if eager.is_some() {
        order.registered_at
    } else {
        order.sources.len()
    };
    let mut defined_by = Vec::new();
    let mut too_late = Vec::new();
    for (i, source) in order.sources.iter().enumerate() {
        if !source.loaded_in(env) {
            continue;
        }
        let Some(presence) = presence(&source.kind, app.facts, app.external, config_key) else {
            continue;
        };
        if i < cut {
            defined_by.push((i, presence));
        } else {
            too_late.push((i, presence));
        }
    }
    let winner = defined_by
        .iter()
        .rev()
        .find(|(_, p)| *p != Presence::Unknown)
        .map_or(Winner::Missing, |(i, p)| Winner::Source(*i, *p));
    KeyValue {
        defined_by,
        winner,
        too_late,
    }
}

/// Sources whose keys are not known that come after a key's winner (or define a key that has
/// no value): they may override it.
fn may_override(values: &[KeyValue]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for value in values {
        // A key without a value may get one from them too.
        let after = match value.winner {
            Winner::Source(winner, _) => Some(winner),
            Winner::Missing => None,
            Winner::Code(_) | Winner::Private { .. } => continue,
        };
        for (i, presence) in &value.defined_by {
            if *presence == Presence::Unknown && after.is_none_or(|w| *i > w) && !out.contains(i) {
                out.push(*i);
            }
        }
    }
    out.sort_unstable();
    out
}

fn fixed(winner: Winner) -> KeyValue {
    KeyValue {
        defined_by: Vec::new(),
        winner,
        too_late: Vec::new(),
    }
}

/// What a visible source holds for `key` (Key Vault without names: `Unknown`); None when it
/// does not define it or cannot be seen.
fn presence(
    kind: &SourceKind,
    facts: &ProjectFacts,
    external: &External,
    key: &str,
) -> Option<Presence> {
    match kind {
        SourceKind::AppSettings(file) => {
            let settings = facts
                .appsettings
                .iter()
                .find(|f| f.file.path == file.path)?;
            let entry = settings.get(key)?;
            let set = match &entry.value {
                ConfigValue::Nested => settings.entries.iter().any(|e| {
                    crate::facts::external::KeyVaultNames::is_below(&e.path, key)
                        && e.value
                            .as_config_string()
                            .is_some_and(|v| !v.trim().is_empty())
                }),
                other => other
                    .as_config_string()
                    .is_some_and(|v| !v.trim().is_empty()),
            };
            Some(if set { Presence::Set } else { Presence::Empty })
        }
        SourceKind::Provisioned => provisioned_defines(key).then_some(Presence::Set),
        SourceKind::KeyVault { names: Some(_) } => external
            .key_vault
            .as_ref()
            .is_some_and(|kv| kv.under(key).next().is_some())
            .then_some(Presence::Set),
        SourceKind::KeyVault { names: None } => Some(Presence::Unknown),
        SourceKind::UserSecrets
        | SourceKind::EnvironmentVariables { .. }
        | SourceKind::RuntimeSecretFiles
        | SourceKind::AppSettingsSecret
        | SourceKind::CommandLine
        | SourceKind::Added { .. } => None,
    }
}

/// Whether `key` is one the provisioned file writes: `Authority`, `ClientId` or `Jwk` under
/// `MaskinportenSettings` (compared without case, as configuration compares keys).
fn provisioned_defines(key: &str) -> bool {
    let Some(rest) = key
        .get(..DEFAULT_SECTION.len())
        .filter(|s| s.eq_ignore_ascii_case(DEFAULT_SECTION))
        .and_then(|_| key.get(DEFAULT_SECTION.len()..))
        .and_then(|r| r.strip_prefix(':'))
    else {
        return false;
    };
    let first = rest.split(':').next().unwrap_or(rest);
    ["Authority", CLIENT_ID_KEY, "Jwk"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(first))
}

fn verdict(
    app: &Inputs,
    client: &Client,
    keys: &[KeyRead],
    values: &[KeyValue],
    env: &Environment,
) -> Verdict {
    let (order, facts) = (app.order, app.facts);
    let none = |kind| Verdict {
        kind,
        pointer: None,
        may_override: Vec::new(),
    };
    if matches!(client, Client::BuiltInPrivate { .. }) && env.is_local() {
        return none(VerdictKind::NotVisible);
    }
    if let Some(verdict) = read_too_early(order, keys, values) {
        return verdict;
    }
    let missing = missing(keys, values);
    if !missing.is_empty() {
        let all_eager = missing
            .iter()
            .all(|&k| matches!(&keys[k].origin, KeyOrigin::Config { eager: Some(_), .. }));
        let hidden = order
            .sources
            .iter()
            .enumerate()
            .filter(|(i, _)| !(all_eager && *i >= order.registered_at))
            .filter(|(_, s)| s.loaded_in(env))
            .filter(|(i, s)| {
                !s.visible()
                    || values
                        .iter()
                        .any(|v| v.defined_by.contains(&(*i, Presence::Unknown)))
            })
            .map(|(i, _)| i)
            .collect();
        return Verdict {
            kind: VerdictKind::Missing {
                keys: missing,
                hidden,
            },
            pointer: section_not_found(app, client, keys),
            may_override: Vec::new(),
        };
    }
    let parts: Vec<(usize, Supplier)> = identity_keys(keys, values)
        .into_iter()
        .map(|k| (k, supplier(values[k].winner)))
        .collect();
    let owners: Vec<Owner> = parts.iter().map(|(_, s)| owner(order, *s)).collect();
    if owners.windows(2).any(|w| w[0] != w[1]) {
        let pointer = hybrid_pointer(order, facts, client, &parts);
        return Verdict {
            kind: VerdictKind::Hybrid { parts },
            pointer,
            may_override: Vec::new(),
        };
    }
    let owner = owners.first().copied().unwrap_or(Owner::App);
    let mut from: Vec<Supplier> = Vec::new();
    for (_, s) in &parts {
        if !from.contains(s) {
            from.push(*s);
        }
    }
    let pointer = match owner {
        Owner::App => app_owned_pointer(order, client, &from),
        Owner::Provisioned => overridden_key_vault(order, values),
    };
    Verdict {
        kind: VerdictKind::Consistent { owner, from },
        pointer,
        may_override: Vec::new(),
    }
}

/// Keys read while services are registered that a later source in this environment gives the
/// value the app means: Key Vault (the app's own secrets), or any source for a key that has no
/// value at the read (Key Vault without names: one that may). A provisioned value arriving after
/// a legacy client read its own is no loss.
fn read_too_early(order: &Order, keys: &[KeyRead], values: &[KeyValue]) -> Option<Verdict> {
    let early: Vec<usize> = keys
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(_, (k, v))| {
            let unset = !v.winner.is_set();
            matches!(&k.origin, KeyOrigin::Config { eager: Some(_), .. })
                && v.too_late.iter().any(|(i, p)| match p {
                    Presence::Set => {
                        unset || matches!(order.sources[*i].kind, SourceKind::KeyVault { .. })
                    }
                    Presence::Unknown => unset,
                    Presence::Empty => false,
                })
        })
        .map(|(i, _)| i)
        .collect();
    let first = *early.first()?;
    let KeyOrigin::Config {
        eager: Some(at), ..
    } = &keys[first].origin
    else {
        return None;
    };
    Some(Verdict {
        pointer: Some(Pointer {
            code: Code::MP402,
            at: Some(at.clone()),
        }),
        kind: VerdictKind::ReadTooEarly { keys: early },
        may_override: Vec::new(),
    })
}

/// A section no deployed source the repository shows defines any key of (in any environment):
/// MP303 reports it where the code first reads it. A file loaded only locally does not count,
/// as for the rule; Key Vault without its names may hold it, and the rule still reports it.
fn section_not_found(app: &Inputs, client: &Client, keys: &[KeyRead]) -> Option<Pointer> {
    let section = match client {
        Client::Legacy {
            section: Some(section),
            ..
        } => section,
        Client::BuiltIn(Binding::Path { path, .. }) => path,
        _ => return None,
    };
    let deployed = |kind: &SourceKind| match kind {
        SourceKind::AppSettings(file) => app
            .facts
            .appsettings
            .iter()
            .any(|f| f.file.path == file.path && f.is_deployed()),
        _ => true,
    };
    let defined = keys.iter().any(|key| {
        let KeyOrigin::Config { key, .. } = &key.origin else {
            return false;
        };
        app.order.sources.iter().any(|source| {
            deployed(&source.kind)
                && presence(&source.kind, app.facts, app.external, key)
                    .is_some_and(|p| p != Presence::Unknown)
        })
    });
    if defined {
        return None;
    }
    let read = app
        .reads
        .iter()
        .find(|r| r.path.eq_ignore_ascii_case(section))?;
    pointer(Code::MP303, Some(read.site.clone()))
}

/// Needed keys without a value; the signing keys count once, by the first, when none is set.
fn missing(keys: &[KeyRead], values: &[KeyValue]) -> Vec<usize> {
    let mut out: Vec<usize> = keys
        .iter()
        .enumerate()
        .filter(|(i, k)| {
            matches!(k.role, KeyRole::ClientId | KeyRole::Required) && !values[*i].winner.is_set()
        })
        .map(|(i, _)| i)
        .collect();
    let signing: Vec<usize> = (0..keys.len())
        .filter(|&i| keys[i].role == KeyRole::Signing)
        .collect();
    if let Some(&first) = signing.first()
        && !signing.iter().any(|&i| values[i].winner.is_set())
    {
        out.push(first);
        out.sort_unstable();
    }
    out
}

/// The keys that make the identity: the client id and the signing key in use (the first one
/// that is set).
fn identity_keys(keys: &[KeyRead], values: &[KeyValue]) -> Vec<usize> {
    let client_id = keys.iter().position(|k| k.role == KeyRole::ClientId);
    let signing =
        (0..keys.len()).find(|&i| keys[i].role == KeyRole::Signing && values[i].winner.is_set());
    client_id.into_iter().chain(signing).collect()
}

fn supplier(winner: Winner) -> Supplier {
    match winner {
        Winner::Source(i, _) => Supplier::Source(i),
        Winner::Code(_) | Winner::Missing => Supplier::Code,
        Winner::Private { .. } => Supplier::Private,
    }
}

fn owner(order: &Order, supplier: Supplier) -> Owner {
    match supplier {
        Supplier::Private => Owner::Provisioned,
        Supplier::Source(i) if matches!(order.sources[i].kind, SourceKind::Provisioned) => {
            Owner::Provisioned
        }
        _ => Owner::App,
    }
}

fn key_vault_site(order: &Order, supplier: Supplier) -> Option<Site> {
    match supplier {
        Supplier::Source(i) if matches!(order.sources[i].kind, SourceKind::KeyVault { .. }) => {
            order.sources[i].added_at.clone()
        }
        _ => None,
    }
}

/// Where the app first adds Key Vault: where MP304 reports the secrets.
fn first_key_vault(order: &Order) -> Option<Site> {
    order.sources.iter().find_map(|s| match s.kind {
        SourceKind::KeyVault { .. } => s.added_at.clone(),
        _ => None,
    })
}

fn pointer(code: Code, at: Option<Site>) -> Option<Pointer> {
    Some(Pointer { code, at })
}

/// Which rule reports a hybrid: Key Vault added before the web host (its keys lose to the
/// provisioned ones only where the provisioned file has them), Key Vault overriding part of the
/// provisioned credentials, or the app's own credentials in appsettings.
fn hybrid_pointer(
    order: &Order,
    facts: &ProjectFacts,
    client: &Client,
    parts: &[(usize, Supplier)],
) -> Option<Pointer> {
    let vault_before_web_host = parts.iter().find_map(|(_, s)| match s {
        Supplier::Source(i) if *i < order.web_host_at => key_vault_site(order, *s),
        _ => None,
    });
    if let Some(site) = vault_before_web_host {
        return pointer(Code::MP401, Some(site));
    }
    let default = matches!(client, Client::BuiltIn(Binding::Default));
    if default
        && parts
            .iter()
            .any(|(_, s)| key_vault_site(order, *s).is_some())
    {
        return pointer(Code::MP304, first_key_vault(order));
    }
    let in_file = parts.iter().find_map(|(k, s)| match s {
        Supplier::Source(i) => match &order.sources[*i].kind {
            SourceKind::AppSettings(file) => Some((*k, file)),
            _ => None,
        },
        _ => None,
    });
    match (client, in_file) {
        (Client::BuiltIn(Binding::Default), Some((_, file))) => {
            // MP302 reports a file at its first credential key.
            let at = facts
                .appsettings
                .iter()
                .find(|f| f.file.path == file.path)
                .and_then(|f| {
                    f.children(DEFAULT_SECTION)
                        .find(|e| {
                            let name = e.path.rsplit(':').next().unwrap_or(&e.path);
                            is_one_of(name, &CREDENTIAL_KEYS)
                        })
                        .map(|e| Site::new(file, e.key_span))
                });
            pointer(Code::MP302, at)
        }
        (
            Client::Legacy {
                section: Some(s), ..
            },
            _,
        ) if s.eq_ignore_ascii_case(DEFAULT_SECTION) => pointer(Code::MP301, None),
        _ => None,
    }
}

/// The rule that reports an app signing with its own credentials through the built-in client
/// (a custom path, a lambda, Key Vault over the provisioned section), or through a legacy
/// registration.
fn app_owned_pointer(order: &Order, client: &Client, from: &[Supplier]) -> Option<Pointer> {
    match client {
        Client::BuiltIn(Binding::Path { site, .. } | Binding::Unknown { site, .. }) => {
            pointer(Code::MP201, Some(site.clone()))
        }
        Client::BuiltIn(Binding::Lambda { site }) => pointer(Code::MP202, Some(site.clone())),
        Client::BuiltIn(Binding::Default) => from
            .iter()
            .any(|s| key_vault_site(order, *s).is_some())
            .then(|| Pointer {
                code: Code::MP304,
                at: first_key_vault(order),
            }),
        Client::Legacy { registrations, .. } => registrations.first().cloned(),
        Client::BuiltInPrivate { .. } => None,
    }
}

/// Key Vault added before the web host, whose value for a key the provisioned file overrides:
/// the app meant Key Vault to win (MP401).
fn overridden_key_vault(order: &Order, values: &[KeyValue]) -> Option<Pointer> {
    values.iter().find_map(|v| {
        let Winner::Source(winner, _) = v.winner else {
            return None;
        };
        if !matches!(order.sources[winner].kind, SourceKind::Provisioned) {
            return None;
        }
        v.defined_by.iter().find_map(|(i, p)| {
            (*i < order.web_host_at && *p == Presence::Set)
                .then(|| key_vault_site(order, Supplier::Source(*i)))
                .flatten()
                .map(|site| Pointer {
                    code: Code::MP401,
                    at: Some(site),
                })
        })
    })
}
