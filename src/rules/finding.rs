//! What a rule reports: a `Finding`, with the typed data later stages read (the plan reads
//! `outside`, the fix engine the rule's own `data`), and the circumstances that move its level
//! away from the rule's.

use std::any::Any;
use std::sync::Arc;

use super::Rule;
use crate::core::{Severity, Site};
use crate::edit::Fix;

/// Another place a finding involves.
#[derive(Debug, Clone)]
pub struct Related {
    pub site: Site,
    pub message: String,
}

/// A circumstance that moves a finding's level away from its rule's level; each rule declares
/// which ones apply to it and how (`Rule::adjustments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Circumstance {
    /// The finding is in `appsettings.Development.json` or `appsettings.Local.json`, which only
    /// local runs load.
    LocalOnlyFile,
    /// The keys are there but empty (placeholders filled elsewhere).
    EmptyPlaceholder,
    /// No Key Vault names were given, so the values may well live there.
    NoKeyVaultNames,
    /// `--studio-scopes` shows that the scope is not selected in Altinn Studio.
    NotSelectedInStudio,
    /// The app is on Altinn.App 9.0.0-preview.1 to .5, before "one identity per app".
    AltinnApp9Early,
    /// The construct does not compile on the app's Altinn.App version (9.0.0-preview.6 and
    /// later removed it).
    DoesNotCompile,
    /// On Altinn.App 9.0.0-preview.6 and later the registration stays on the legacy package,
    /// the supported route for a second identity.
    StaysOnLegacyPackage,
}

impl Circumstance {
    /// How `rules` and the README describe it: "info {phrase}".
    pub fn phrase(self) -> &'static str {
        match self {
            Circumstance::LocalOnlyFile => "in local-only files",
            Circumstance::EmptyPlaceholder => "for empty placeholders",
            Circumstance::NoKeyVaultNames => "without Key Vault names",
            Circumstance::NotSelectedInStudio => "with `--studio-scopes` for a scope not selected",
            Circumstance::AltinnApp9Early => "on Altinn.App 9.0.0-preview.1 to .5",
            Circumstance::DoesNotCompile => {
                "where it does not compile (Altinn.App 9.0.0-preview.6 and later)"
            }
            Circumstance::StaysOnLegacyPackage => {
                "where it stays on the legacy package (Altinn.App 9.0.0-preview.6 and later)"
            }
        }
    }
}

/// How a circumstance moves the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// One level lower (never below info).
    Lower,
    /// To this level, whatever the rule's level is.
    To(Severity),
}

/// One of a rule's per-circumstance level changes. Configuration sets a rule's base level;
/// adjustments still apply on top of it.
#[derive(Debug, Clone, Copy)]
pub struct Adjustment {
    pub when: Circumstance,
    pub shift: Shift,
}

impl Adjustment {
    /// On Altinn.App 9.0.0-preview.6 and later a registration that cannot move stays on the legacy
    /// package, the supported way to a second identity: an info, whatever the rule's level.
    pub const STAYS_ON_LEGACY_PACKAGE: &'static [Adjustment] = &[Adjustment {
        when: Circumstance::StaysOnLegacyPackage,
        shift: Shift::To(Severity::Info),
    }];
}

/// What a finding asks of the world outside the repository; `plan` orders these into steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outside {
    /// Select this scope for the app in Altinn Studio before deploying.
    SelectScope(String),
    /// The app asks for a scope only run time knows: look up its value (the expression, at
    /// `place`) and select it too.
    LookUpScope { expression: String, place: String },
    /// Rename this Key Vault secret before deploying.
    RenameSecret { name: String, to: String },
    /// This Key Vault secret overrides the provisioned credentials: delete or rename it once
    /// TT02 is verified.
    RetireOverridingSecret(String),
    /// Nothing reads this Key Vault secret (any more): delete it once production is verified.
    DeleteUnreadSecret(String),
    /// Maskinporten credentials were all the app read from Key Vault: remove the provider added
    /// at this place (and its `kvSetting` settings) once production is verified.
    RemoveKeyVaultProvider(String),
    /// The app reads this other secret from Key Vault: its Key Vault setup stays.
    KeepKeyVault(String),
    /// Without the vault's secret names, whether Key Vault is still needed cannot be told.
    KeyVaultUseUnknown,
}

/// Data only the reporting rule reads again, in a later stage (its `derive`).
pub type RuleData = Arc<dyn Any + Send + Sync>;

#[derive(Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    /// What moved the level away from the rule's (kept, so a configured level can be applied).
    pub circumstances: Vec<Circumstance>,
    pub site: Site,
    /// The project file the finding belongs to, as shown in reports.
    pub project: Option<String>,
    /// For people only: no later stage reads it.
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    pub fix_withheld: Option<String>,
    /// The rules whose findings in the same project decide this one, which has no fix of its
    /// own: it is resolved with their fixes (the credential keys MP301 removes with the
    /// section's legacy keys), or, where they have none (a certificate credential, a second
    /// identity, a handler that cannot move), they are what a person resolves first. The plan
    /// and the fleet view count those findings, not this one.
    pub waits_for: Vec<crate::core::Code>,
    /// What the finding asks of the world outside the repository, in order.
    pub outside: Vec<Outside>,
    pub data: Option<RuleData>,
}

impl std::fmt::Debug for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Finding")
            .field("rule", &self.rule.code)
            .field("severity", &self.severity)
            .field("site", &self.site)
            .field("message", &self.message)
            .field("fix", &self.fix)
            .field("fix_withheld", &self.fix_withheld)
            .field("outside", &self.outside)
            .finish_non_exhaustive()
    }
}

impl Finding {
    pub fn new(rule: &'static Rule, site: Site, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            circumstances: Vec::new(),
            site,
            project: None,
            message: message.into(),
            related: Vec::new(),
            fix: None,
            fix_withheld: None,
            waits_for: Vec::new(),
            outside: Vec::new(),
            data: None,
        }
    }

    pub fn related(mut self, site: Site, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            site,
            message: message.into(),
        });
        self
    }

    pub fn withheld(mut self, reason: impl Into<String>) -> Finding {
        self.fix_withheld = Some(reason.into());
        self
    }

    /// Records a circumstance; the level follows the rule's adjustment for it.
    pub fn when(mut self, circumstance: Circumstance) -> Finding {
        if !self.circumstances.contains(&circumstance) {
            self.circumstances.push(circumstance);
        }
        self.severity = self.rule.level(self.rule.severity, &self.circumstances);
        self
    }

    /// Records a circumstance when `applies`.
    pub fn when_if(self, applies: bool, circumstance: Circumstance) -> Finding {
        if applies {
            self.when(circumstance)
        } else {
            self
        }
    }

    pub fn outside(mut self, step: Outside) -> Finding {
        self.outside.push(step);
        self
    }

    pub fn with_data(mut self, data: impl Any + Send + Sync) -> Finding {
        self.data = Some(Arc::new(data));
        self
    }

    /// The rule's own data, when it is of type `T`.
    pub fn data<T: Any>(&self) -> Option<&T> {
        self.data.as_ref()?.downcast_ref()
    }

    /// `path:line` of the finding.
    pub fn location(&self) -> String {
        let line = self.site.file.position(self.site.span.start).line;
        format!("{}:{line}", self.site.file.display)
    }
}
