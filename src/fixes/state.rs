//! Where a project stands in the migration, for the fleet view (`status`): one state per app
//! (and per other project that uses the legacy library), decided from the same findings, fixes
//! and plan data `check`, `fix` and `plan` produce, once the fix engine has run on them, and from
//! which Maskinporten clients the code uses. Messages are never read.

use serde::Serialize;

use crate::assess::gate::MINIMUM_VERSION;
use crate::core::{Code, Severity};
use crate::discover::Project;
use crate::edit::Safety;
use crate::facts::resolve::MaskinportenUse;
use crate::rules::{Circumstance, Finding, Outside, PlanRole};

/// The kinds of state, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateKind {
    NoMaskinporten,
    BuiltIn,
    FixableNow,
    NeedsPerson,
    StaysOnLegacyPackage,
    BlockedByVersion,
}

impl StateKind {
    pub const ALL: [StateKind; 6] = [
        StateKind::NoMaskinporten,
        StateKind::BuiltIn,
        StateKind::FixableNow,
        StateKind::NeedsPerson,
        StateKind::StaysOnLegacyPackage,
        StateKind::BlockedByVersion,
    ];

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            StateKind::NoMaskinporten => "no Maskinporten",
            StateKind::BuiltIn => "on the built-in client",
            StateKind::FixableNow => "fixable now",
            StateKind::NeedsPerson => "needs a person",
            StateKind::StaysOnLegacyPackage => "stays on the legacy package",
            StateKind::BlockedByVersion => "blocked by version",
        }
    }

    /// How machines read it (JSON, CSV, the HTML report's filters).
    pub fn slug(self) -> &'static str {
        match self {
            StateKind::NoMaskinporten => "no-maskinporten",
            StateKind::BuiltIn => "built-in",
            StateKind::FixableNow => "fixable-now",
            StateKind::NeedsPerson => "needs-person",
            StateKind::StaysOnLegacyPackage => "stays-on-legacy-package",
            StateKind::BlockedByVersion => "blocked-by-version",
        }
    }
}

/// Findings of one rule that a person must resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: Code,
    pub name: &'static str,
    pub count: usize,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.rule, self.name)?;
        if self.count > 1 {
            write!(f, " ×{}", self.count)?;
        }
        Ok(())
    }
}

/// Where a project stands; the first that applies, in this order: blocked by version, needs a
/// person, fixable now, stays on the legacy package, on the built-in client, no Maskinporten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Nothing in the code uses Maskinporten.
    NoMaskinporten,
    /// The code uses the built-in client and nothing of the legacy library is left to move.
    BuiltIn,
    /// `fix` migrates everything that is left in the code.
    FixableNow { fixes: usize, unsafe_fixes: usize },
    /// Something is left that no fix does (after the fixes that can be applied).
    NeedsPerson { fixes: usize, reasons: Vec<Reason> },
    /// What uses the legacy library stays on its package (Altinn.App 9.0.0-preview.6 and
    /// later), and nothing else is left.
    StaysOnLegacyPackage,
    /// The Altinn.App version is too old for the rewrites (or not known).
    BlockedByVersion {
        current: Option<String>,
        needs: String,
    },
}

impl State {
    pub fn kind(&self) -> StateKind {
        match self {
            State::NoMaskinporten => StateKind::NoMaskinporten,
            State::BuiltIn => StateKind::BuiltIn,
            State::FixableNow { .. } => StateKind::FixableNow,
            State::NeedsPerson { .. } => StateKind::NeedsPerson,
            State::StaysOnLegacyPackage => StateKind::StaysOnLegacyPackage,
            State::BlockedByVersion { .. } => StateKind::BlockedByVersion,
        }
    }

    /// The state with its particulars: "fixable now (3 fixes)", "needs a person: MP901 ...".
    pub fn describe(&self) -> String {
        let label = self.kind().label();
        match (self, self.particulars()) {
            (State::FixableNow { .. }, Some(fixes)) => format!("{label} ({fixes})"),
            (_, Some(particulars)) => format!("{label}: {particulars}"),
            (_, None) => label.to_string(),
        }
    }

    /// What goes with the state: the fixes, the reasons, the upgrade needed.
    pub fn particulars(&self) -> Option<String> {
        match self {
            State::FixableNow {
                fixes,
                unsafe_fixes,
            } => Some(count_fixes(*fixes, *unsafe_fixes)),
            State::NeedsPerson { reasons, .. } => {
                let reasons: Vec<String> = reasons.iter().map(ToString::to_string).collect();
                Some(reasons.join(", "))
            }
            State::BlockedByVersion { current, needs } => Some(match current {
                Some(current) => format!("Altinn.App {current}, needs {needs} or later"),
                None => format!("Altinn.App version unknown, needs {needs} or later"),
            }),
            _ => None,
        }
    }

    /// The fixes `fix` would apply (including unsafe ones, which it applies only when asked).
    pub fn fixes(&self) -> usize {
        match self {
            State::FixableNow { fixes, .. } | State::NeedsPerson { fixes, .. } => *fixes,
            _ => 0,
        }
    }
}

fn count_fixes(fixes: usize, unsafe_fixes: usize) -> String {
    let plural = if fixes == 1 { "" } else { "es" };
    if unsafe_fixes == 0 {
        format!("{fixes} fix{plural}")
    } else {
        format!("{fixes} fix{plural}, {unsafe_fixes} unsafe")
    }
}

/// A Key Vault secret the plan asks to delete or rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum SecretStep {
    /// Rename before deploying (`--credentials keep`).
    Rename { name: String, to: String },
    /// It overrides the provisioned credentials: delete or rename it once TT02 is verified.
    DeleteOrRename { name: String },
    /// Nothing reads it: delete it once production is verified.
    Delete { name: String },
}

impl std::fmt::Display for SecretStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretStep::Rename { name, to } => write!(f, "rename {name} → {to}"),
            SecretStep::DeleteOrRename { name } => write!(f, "delete or rename {name}"),
            SecretStep::Delete { name } => write!(f, "delete {name}"),
        }
    }
}

/// A project's state and the figures that go with it.
#[derive(Debug, Clone)]
pub struct Standing {
    pub state: State,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Scopes to select in Altinn Studio.
    pub scopes: Vec<String>,
    pub secrets: Vec<SecretStep>,
    /// What to do next, in a few words.
    pub next_step: String,
}

/// Where a project stands, from its findings after the fix engine ran on them (`fix` already
/// reflects overlaps and derived fixes); None for a project that is not an app and does not use
/// the legacy library, which the fleet view leaves out.
pub fn standing(
    project: Option<&Project>,
    usage: MaskinportenUse,
    findings: &[&Finding],
) -> Option<Standing> {
    let is_app = project.is_some_and(Project::is_app);
    if !is_app && !usage.legacy && findings.is_empty() {
        return None;
    }
    let state = if is_app {
        app_state(project, usage, findings)
    } else {
        // Not an Altinn app: the tool only inventories it, so a person migrates it.
        State::NeedsPerson {
            fixes: 0,
            reasons: reasons(findings.iter().copied()),
        }
    };
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let scopes = unique(findings, |o| match o {
        Outside::SelectScope(scope) => Some(scope.clone()),
        _ => None,
    });
    let secrets = unique(findings, |o| match o {
        Outside::RenameSecret { name, to } => Some(SecretStep::Rename {
            name: name.clone(),
            to: to.clone(),
        }),
        Outside::RetireOverridingSecret(name) => {
            Some(SecretStep::DeleteOrRename { name: name.clone() })
        }
        Outside::DeleteUnreadSecret(name) => Some(SecretStep::Delete { name: name.clone() }),
        _ => None,
    });
    let next_step = next_step(&state, is_app, &scopes, &secrets);
    Some(Standing {
        state,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        scopes,
        secrets,
        next_step,
    })
}

fn app_state(project: Option<&Project>, usage: MaskinportenUse, findings: &[&Finding]) -> State {
    if findings.iter().any(|f| f.rule.code == Code::MP203) {
        let (major, minor, patch) = MINIMUM_VERSION;
        return State::BlockedByVersion {
            current: project
                .and_then(|p| p.altinn_version.as_ref())
                .map(|v| v.text.clone()),
            needs: format!("{major}.{minor}.{patch}"),
        };
    }
    let fixes = findings.iter().filter(|f| f.fix.is_some()).count();
    let unsafe_fixes = findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|fix| fix.safety == Safety::Unsafe)
        })
        .count();
    let for_person = person_reasons(findings);
    let stays = findings.iter().any(|f| {
        f.circumstances
            .contains(&Circumstance::StaysOnLegacyPackage)
    });
    if !for_person.is_empty() {
        State::NeedsPerson {
            fixes,
            reasons: for_person,
        }
    } else if fixes > 0 {
        State::FixableNow {
            fixes,
            unsafe_fixes,
        }
    } else if stays || usage.legacy {
        State::StaysOnLegacyPackage
    } else if usage.builtin {
        State::BuiltIn
    } else {
        State::NoMaskinporten
    }
}

/// Why a person is needed in an app, once the fixes ran: the rules of the work left in the code,
/// each with how many findings.
pub fn person_reasons(findings: &[&Finding]) -> Vec<Reason> {
    reasons(
        findings
            .iter()
            .copied()
            .filter(|f| left_for_person(f) && !waits_for_another(f, findings)),
    )
}

/// Work in the code that no fix does. A finding whose fix only follows from others (a `using`,
/// the package reference) waits for those, and one that stays on the legacy package on purpose
/// is where the migration ends.
fn left_for_person(f: &Finding) -> bool {
    f.fix.is_none()
        && f.rule.plan == PlanRole::Code
        && f.rule.derive.is_none()
        && !f
            .circumstances
            .contains(&Circumstance::StaysOnLegacyPackage)
}

/// Whether findings of the rules a finding waits for decide it: fixed, they resolve it (MP301's
/// fix removes the credential keys of MP302); left for a person, they are the reason (the
/// certificate credential a registration needs replaced, not the registration). One that stays
/// on the legacy package on purpose decides nothing.
fn waits_for_another(f: &Finding, findings: &[&Finding]) -> bool {
    findings
        .iter()
        .any(|g| f.waits_for.contains(&g.rule.code) && (g.fix.is_some() || left_for_person(g)))
}

/// The rules of the findings, each with how many, in catalogue order.
fn reasons<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::new();
    for f in findings {
        match out.iter_mut().find(|r| r.rule == f.rule.code) {
            Some(reason) => reason.count += 1,
            None => out.push(Reason {
                rule: f.rule.code,
                name: f.rule.name,
                count: 1,
            }),
        }
    }
    out.sort_by_key(|r| r.rule);
    out
}

/// The items the findings' outside steps give through `pick`, each once, in finding order.
fn unique<T: PartialEq>(findings: &[&Finding], pick: impl Fn(&Outside) -> Option<T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in findings.iter().flat_map(|f| &f.outside).filter_map(pick) {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn next_step(state: &State, is_app: bool, scopes: &[String], secrets: &[SecretStep]) -> String {
    let codes = |reasons: &[Reason]| {
        let codes: Vec<String> = reasons.iter().map(|r| r.rule.to_string()).collect();
        codes.join(", ")
    };
    let outside = || {
        if !scopes.is_empty() {
            Some(format!(
                "select {} in Altinn Studio",
                count(scopes.len(), "scope")
            ))
        } else if !secrets.is_empty() {
            Some(format!(
                "clean up {} in Key Vault",
                count(secrets.len(), "secret")
            ))
        } else {
            None
        }
    };
    match state {
        State::BlockedByVersion { needs, .. } => {
            format!("upgrade Altinn.App to {needs} or later")
        }
        State::NeedsPerson { .. } if !is_app => "not an Altinn app: migrate it by hand".to_string(),
        State::NeedsPerson { fixes: 0, reasons } => format!("resolve {} by hand", codes(reasons)),
        State::NeedsPerson { fixes, reasons } => format!(
            "run fix ({}), then resolve {} by hand",
            count(*fixes, "fix"),
            codes(reasons)
        ),
        State::FixableNow {
            fixes,
            unsafe_fixes,
        } if fixes == unsafe_fixes => format!(
            "review {}: fix --write --unsafe-fixes",
            count(*fixes, "unsafe fix")
        ),
        State::FixableNow { fixes, .. } => format!("run fix --write ({})", count(*fixes, "fix")),
        State::StaysOnLegacyPackage => {
            outside().unwrap_or_else(|| "none: it keeps the legacy package".to_string())
        }
        State::BuiltIn | State::NoMaskinporten => outside().unwrap_or_else(|| "none".to_string()),
    }
}

/// "1 scope", "3 scopes", "2 fixes".
fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        _ if what.ends_with('x') => format!("{n} {what}es"),
        _ => format!("{n} {what}s"),
    }
}
