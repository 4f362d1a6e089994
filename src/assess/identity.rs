//! Maskinporten identities: which credentials each legacy registration signs with, as far as
//! the repository shows, so that an app with more than one can be told apart (MP903). Computed
//! once per project; asking "is there another identity" is then constant time.

use crate::core::catalogue::CLIENT_ID_KEY;
use crate::facts::appsettings::ConfigValue;
use crate::facts::model::{Registration, RegistrationKind, SettingsSource};
use crate::facts::resolve::ProjectFacts;

/// The identity of each registration, and the distinct identities in order of appearance.
pub struct Identities {
    /// By registration id; None when the credentials are not statically known.
    of: Vec<Option<String>>,
    /// Each distinct identity with the first registration (not a handler) that has it.
    distinct: Vec<(String, usize)>,
}

impl Identities {
    /// `settings[id]` are the settings registration `id` uses (a handler's are its
    /// definition's).
    pub fn of(facts: &ProjectFacts, settings: &[Option<SettingsSource>]) -> Identities {
        let of: Vec<Option<String>> = facts
            .registrations
            .iter()
            .map(|r| identity_of(facts, settings[r.id].as_ref()))
            .collect();
        let mut distinct: Vec<(String, usize)> = Vec::new();
        for r in facts.registrations.iter().filter(|r| !is_handler(r)) {
            if let Some(identity) = &of[r.id]
                && !distinct.iter().any(|(d, _)| d == identity)
            {
                distinct.push((identity.clone(), r.id));
            }
        }
        Identities { of, distinct }
    }

    pub fn identity(&self, id: usize) -> Option<&str> {
        self.of.get(id)?.as_deref()
    }

    /// The first registration (not a handler) with an identity other than `id`'s among
    /// `candidates`, when `id`'s identity is known.
    pub fn other_than(
        &self,
        id: usize,
        candidates: &std::collections::HashSet<&str>,
    ) -> Option<usize> {
        let mine = self.identity(id)?;
        self.distinct
            .iter()
            .find(|(identity, _)| identity != mine && candidates.contains(&identity.as_str()))
            .map(|(_, first)| *first)
    }

    /// The distinct identities, each with its first registration.
    pub fn distinct(&self) -> &[(String, usize)] {
        &self.distinct
    }
}

fn is_handler(r: &Registration) -> bool {
    matches!(r.kind, RegistrationKind::MessageHandler { .. })
}

/// A stable description of the credentials some settings stand for; None when they are not
/// statically known.
fn identity_of(facts: &ProjectFacts, settings: Option<&SettingsSource>) -> Option<String> {
    let settings = settings?;
    let credentials: Vec<String> = settings
        .assignments()
        .iter()
        // A Maskinporten client is its client id; keys and environments may vary with it.
        .filter(|a| a.property.eq_ignore_ascii_case(CLIENT_ID_KEY))
        .map(|a| format!("{}={:?}", a.property, a.value))
        .collect();
    // Settings whose origin is not known are no identity of their own (MP905 reports them).
    match (settings.section_path(), settings) {
        // Two sections with the same client id in appsettings are one identity.
        (Some(path), _) if credentials.is_empty() => {
            let client_id = deployed_value(facts, &format!("{path}:{CLIENT_ID_KEY}"))
                .and_then(ConfigValue::as_config_string)
                .filter(|id| !id.trim().is_empty());
            Some(match client_id {
                Some(id) => format!("client:{id}"),
                None => format!("section:{}", path.to_ascii_lowercase()),
            })
        }
        (Some(path), _) => Some(format!(
            "section:{}|{}",
            path.to_ascii_lowercase(),
            credentials.join(",")
        )),
        (None, SettingsSource::Object { .. }) if !credentials.is_empty() => {
            Some(format!("code:{}", credentials.join(",")))
        }
        _ => None,
    }
}

/// The first value a deployed appsettings file gives this key.
fn deployed_value<'a>(facts: &'a ProjectFacts, key: &str) -> Option<&'a ConfigValue> {
    facts
        .deployed_appsettings()
        .find_map(|f| f.get(key).map(|e| &e.value))
}
