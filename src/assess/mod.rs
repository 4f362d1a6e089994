//! Assess: once per project, what migrating each legacy registration needs and whether it is
//! known: the version model and the blockers of every fix (`gate`), the verdict on each
//! registration (`readiness`), the app's identities (`identity`), and which sections are read
//! and may go (`sections`). Rules and fixes read the `Assessment`; nothing computes it again, so
//! a project with N registrations costs O(N), not O(N²).

pub mod gate;
pub mod identity;
pub mod readiness;
pub mod runtime;
pub mod sections;

use std::collections::HashMap;

use crate::core::Code;
use crate::discover::Project;
use crate::facts::external::{Credentials, External};
use crate::facts::model::{Key, Registration, RegistrationKind, SettingsSource, last_segment};
use crate::facts::resolve::ProjectFacts;

pub use gate::VersionModel;
use identity::Identities;
use readiness::{Blocker, Inputs, Readiness};
use sections::Sections;

/// What migrating a project needs, computed once.
pub struct Assessment {
    pub model: VersionModel,
    /// `--credentials keep`: the app keeps its own Maskinporten client.
    pub keep: bool,
    /// Blockers of every fix in the project (version, custom token cache).
    pub gate: Vec<Blocker>,
    /// The verdict on each registration, by `Registration::id` (client definitions are judged
    /// through their handlers: see `migrates`).
    verdicts: Vec<Readiness>,
    /// Whether the fix migrates each registration: its target is known and the rewrite takes
    /// the call's shape; a client definition when every handler that uses it migrates.
    migrates: Vec<bool>,
    /// The message handlers that look each key up, in source order.
    handlers: HashMap<KeyName, Vec<usize>>,
    /// The first client definition registered under each key.
    definitions: HashMap<KeyName, usize>,
    pub identities: Identities,
    pub sections: Sections,
}

impl Assessment {
    pub fn of(project: Option<&Project>, facts: &ProjectFacts, external: &External) -> Assessment {
        let keep = external.credentials == Credentials::Keep;
        let model = VersionModel::of(project);
        let gate = match project {
            Some(p) if p.is_app() => gate::blockers(p, facts, keep),
            _ => Vec::new(),
        };
        let keys = KeyIndex::of(&facts.registrations);
        let settings: Vec<Result<Option<SettingsSource>, Blocker>> = facts
            .registrations
            .iter()
            .map(|r| settings_for(r, facts, &keys))
            .collect();
        let known: Vec<Option<SettingsSource>> = settings
            .iter()
            .map(|s| s.as_ref().ok().cloned().flatten())
            .collect();
        let identities = Identities::of(facts, &known);
        let mut verdicts: Vec<Readiness> = facts
            .registrations
            .iter()
            .zip(settings)
            .map(|(r, settings)| {
                readiness::assess(
                    r,
                    Inputs {
                        facts,
                        gate: &gate,
                        settings,
                        other_identity: None,
                    },
                )
            })
            .collect();
        // Several identities only stand in each other's way when more than one could move to
        // the built-in client (one identity per app); one that cannot move stays on the legacy
        // package beside it.
        let movable: std::collections::HashSet<&str> = facts
            .registrations
            .iter()
            .filter(|r| verdicts[r.id].target.is_some() && readiness::rewrite_obstacle(r).is_none())
            .filter_map(|r| identities.identity(r.id))
            .collect();
        if keep && model == VersionModel::V9 {
            // The app keeps its own identity, which only the legacy package can use there.
            for r in &facts.registrations {
                let verdict = &mut verdicts[r.id];
                verdict.blockers.push(Blocker {
                    rule: Code::MP903,
                    reason: "with --credentials keep the app keeps its own Maskinporten identity, and from Altinn.App 9.0.0-preview.6 only the legacy package can use it".to_string(),
                    site: r.site.clone(),
                });
                verdict.target = None;
            }
        }
        for r in &facts.registrations {
            if let Some(blocker) = other_identity(facts, &identities, &movable, r) {
                let verdict = &mut verdicts[r.id];
                verdict.blockers.push(blocker);
                verdict.target = None;
            }
        }
        let mut handlers: HashMap<KeyName, Vec<usize>> = HashMap::new();
        let mut definitions: HashMap<KeyName, usize> = HashMap::new();
        for r in &facts.registrations {
            match &r.kind {
                RegistrationKind::MessageHandler { key } => {
                    handlers.entry(KeyName::of(key)).or_default().push(r.id);
                }
                RegistrationKind::ClientDefinition { key } => {
                    definitions.entry(KeyName::of(key)).or_insert(r.id);
                }
                _ => {}
            }
        }
        let migrates = migrations(&facts.registrations, &verdicts, &handlers);
        let sections = Sections::of(facts, model, keep, &migrates);
        Assessment {
            model,
            keep,
            gate,
            verdicts,
            migrates,
            handlers,
            definitions,
            identities,
            sections,
        }
    }

    /// The verdict on a registration.
    pub fn verdict(&self, r: &Registration) -> &Readiness {
        &self.verdicts[r.id]
    }

    /// Whether the fix migrates the registration.
    pub fn migrates(&self, r: &Registration) -> bool {
        self.migrates[r.id]
    }

    /// The client definition a message handler looks up, when the project registers one.
    pub fn definition_of<'f>(
        &self,
        facts: &'f ProjectFacts,
        handler: &Registration,
    ) -> Option<&'f Registration> {
        let RegistrationKind::MessageHandler { key } = &handler.kind else {
            return None;
        };
        let id = *self.definitions.get(&KeyName::of(key))?;
        Some(&facts.registrations[id])
    }

    /// Whether the registration stays on the legacy package: on 9.0.0-preview.6 and later a
    /// registration that cannot move because it is a second identity (a certificate, a setting
    /// the built-in client lacks, another client id) uses the package, the supported route. A
    /// client definition stays when every handler that uses it does.
    pub fn stays_on_legacy_package(&self, facts: &ProjectFacts, r: &Registration) -> bool {
        if self.model != VersionModel::V9 || self.migrates(r) {
            return false;
        }
        if matches!(r.kind, RegistrationKind::ClientDefinition { .. }) {
            let handlers = self.handlers_of(facts, r);
            return !handlers.is_empty()
                && handlers
                    .iter()
                    .all(|h| self.stays_on_legacy_package(facts, h));
        }
        let blockers = &self.verdict(r).blockers;
        !blockers.is_empty()
            && blockers
                .iter()
                .all(|b| matches!(b.rule, Code::MP901 | Code::MP902 | Code::MP903))
    }

    /// The message handlers that use a client definition, in source order.
    pub fn handlers_of<'f>(
        &self,
        facts: &'f ProjectFacts,
        definition: &Registration,
    ) -> Vec<&'f Registration> {
        let RegistrationKind::ClientDefinition { key } = &definition.kind else {
            return Vec::new();
        };
        self.handlers
            .get(&KeyName::of(key))
            .map(|ids| ids.iter().map(|&id| &facts.registrations[id]).collect())
            .unwrap_or_default()
    }
}

/// Whether each registration migrates; definitions follow their handlers.
fn migrations(
    registrations: &[Registration],
    verdicts: &[Readiness],
    handlers: &HashMap<KeyName, Vec<usize>>,
) -> Vec<bool> {
    let own: Vec<bool> = registrations
        .iter()
        .map(|r| verdicts[r.id].target.is_some() && readiness::rewrite_obstacle(r).is_none())
        .collect();
    registrations
        .iter()
        .map(|r| match &r.kind {
            RegistrationKind::ClientDefinition { key } => handlers
                .get(&KeyName::of(key))
                .is_some_and(|ids| !ids.is_empty() && ids.iter().all(|&h| own[h])),
            _ => own[r.id],
        })
        .collect()
}

/// Another identity of the app that could move to the built-in client too, as a blocker.
fn other_identity(
    facts: &ProjectFacts,
    identities: &Identities,
    movable: &std::collections::HashSet<&str>,
    r: &Registration,
) -> Option<Blocker> {
    let other = &facts.registrations[identities.other_than(r.id, movable)?];
    Some(Blocker {
        rule: Code::MP903,
        reason: format!(
            "the app also uses another Maskinporten identity ({}); the built-in client has one identity per app",
            other
                .settings
                .as_ref()
                .map_or("other settings".to_string(), |(s, _)| s.describe())
        ),
        site: other.site.clone(),
    })
}

/// The settings a registration uses: its own, or for a handler those of the registration that
/// defines its key.
fn settings_for(
    r: &Registration,
    facts: &ProjectFacts,
    keys: &KeyIndex,
) -> Result<Option<SettingsSource>, Blocker> {
    let RegistrationKind::MessageHandler { key } = &r.kind else {
        return Ok(r.settings.as_ref().map(|(s, _)| s.clone()));
    };
    match keys.definer(key) {
        Some(id) => Ok(facts.registrations[id]
            .settings
            .as_ref()
            .map(|(s, _)| s.clone())),
        None => Err(Blocker {
            rule: Code::MP905,
            reason: format!(
                "no RegisterMaskinportenClientDefinition with the key {} was found in the project",
                key.describe()
            ),
            site: r.site.clone(),
        }),
    }
}

/// A key as `Key::matches` compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyName {
    Known(String),
    Type(String),
    Unknown(String),
}

impl KeyName {
    fn of(key: &Key) -> KeyName {
        match key {
            Key::Known(k) => KeyName::Known(k.clone()),
            Key::TypeName(t) => KeyName::Type(last_segment(t).to_string()),
            Key::Unknown(text) => KeyName::Unknown(text.clone()),
        }
    }
}

/// The first registration that defines each key: a client definition registered under it, a
/// named client with that name (which registers a definition of its own), a typed client of
/// that type (keyed by its type's name).
struct KeyIndex {
    definers: HashMap<KeyName, usize>,
}

impl KeyIndex {
    fn of(registrations: &[Registration]) -> KeyIndex {
        let mut definers = HashMap::new();
        for r in registrations {
            let key = match &r.kind {
                RegistrationKind::ClientDefinition { key } => KeyName::of(key),
                RegistrationKind::NamedClient { name } => KeyName::of(name),
                RegistrationKind::TypedClient { client, .. } => {
                    KeyName::Type(last_segment(client).to_string())
                }
                RegistrationKind::MessageHandler { .. } => continue,
            };
            definers.entry(key).or_insert(r.id);
        }
        KeyIndex { definers }
    }

    /// The first registration that defines the key.
    fn definer(&self, key: &Key) -> Option<usize> {
        self.definers.get(&KeyName::of(key)).copied()
    }
}
