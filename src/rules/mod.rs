//! Rules: pure functions from a project's facts and assessment to findings. Each rule lives in
//! one module (`mpNNN_name.rs`) that declares, in one `Rule`: its code, name and level, the
//! circumstances that move the level, its documentation (served by `explain`), the check, the
//! fixes it offers, the fix it derives from other fixes, and what its findings mean for the
//! plan. `RULES` registers them. Shared helpers sit beside them (`registration`, `sections`,
//! `scopes`, `blockers`, `keyvault_secrets`); suppressions, baselines and fingerprints filter
//! and identify findings after the rules ran.
//!
//! Adding a rule: write its module, add it to `RULES` and its code to `core::code`, and add a
//! fixture that shows it.

mod blockers;
mod keep_on_legacy;
mod keyvault_secrets;
mod mp101_legacy_typed_client;
mod mp102_legacy_named_client;
mod mp103_legacy_message_handler;
mod mp104_legacy_client_definition;
mod mp105_legacy_token_service;
mod mp106_removed_shim;
mod mp107_legacy_options;
mod mp108_legacy_using;
mod mp109_legacy_package;
mod mp110_legacy_package_missing;
mod mp201_custom_config_path;
mod mp202_default_client_override;
mod mp203_builtin_unavailable;
mod mp301_legacy_shaped_section;
mod mp302_credential_collision;
mod mp303_section_not_found;
mod mp304_keyvault_overrides_provisioned;
mod mp305_orphan_secret;
mod mp306_jwk_incomplete;
mod mp307_committed_private_key;
mod mp308_unknown_environment;
mod mp309_section_not_read;
mod mp401_keyvault_before_webhost;
mod mp402_eager_config_read;
mod mp403_keyvault_after_migration;
mod mp501_org_rule_missing;
mod mp601_malformed_scope;
mod mp602_scope_to_register;
mod mp901_unsupported_credential;
mod mp902_unsupported_setting;
mod mp903_several_identities;
mod mp904_not_an_app;
mod mp905_unresolved_value;
mod registration;
mod scopes;
mod sections;

pub mod baseline;
mod finding;
pub mod fingerprint;
pub mod suppressions;

use std::path::PathBuf;

pub use crate::core::{Code, Severity};
pub use finding::{Adjustment, Circumstance, Finding, Outside, Related, Shift};

use crate::assess::Assessment;
use crate::assess::readiness::Blocker;
use crate::core::SourceFile;
use crate::discover::Project;
use crate::edit::{Edit, Fix};
use crate::facts::external::External;
use crate::facts::resolve::ProjectFacts;

/// Which projects a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Altinn apps only: migration findings.
    Apps,
    /// Projects that are not Altinn apps (inventory).
    OtherProjects,
}

/// What a rule's findings mean for `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanRole {
    /// Work in the code: a finding without a fix is a step for a person.
    Code,
    /// Work outside the repository: each finding's `outside` says what.
    Outside,
    /// Inventory only: never part of a plan.
    Inventory,
}

/// A fix that follows from the fixes of other findings, decided on the state the accepted
/// fixes leave (MP108 drops a `using` nothing uses any more, MP109 the package reference).
pub type Derive = fn(&Finding, &FixState) -> Option<Fix>;

/// A rule: its identity, level and documentation, its check and what its findings mean for the
/// stages after it, in one place.
pub struct Rule {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    /// Circumstances that move a finding's level, applied in this order.
    pub adjustments: &'static [Adjustment],
    /// One line for `rules`.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, example, fix, fix safety.
    pub doc: &'static str,
    pub applies: Applies,
    pub plan: PlanRole,
    pub check: fn(&Context, &mut Vec<Finding>),
    pub derive: Option<Derive>,
}

impl Rule {
    /// Whether the app's Altinn.App version moves the rule's level (a version circumstance).
    pub fn depends_on_version(&self) -> bool {
        self.adjustments.iter().any(|a| {
            matches!(
                a.when,
                Circumstance::AltinnApp9Early
                    | Circumstance::DoesNotCompile
                    | Circumstance::StaysOnLegacyPackage
            )
        })
    }

    /// What a rule leaves at its default: it looks at apps, its findings are code work, it
    /// derives nothing, no circumstance moves its level. A rule sets `code`, `name`,
    /// `severity`, `summary`, `doc` and `check` itself (a test checks every code is unique).
    pub const DEFAULTS: Rule = Rule {
        code: Code::MP001,
        name: "",
        severity: Severity::Warning,
        adjustments: &[],
        summary: "",
        doc: "",
        applies: Applies::Apps,
        plan: PlanRole::Code,
        check: |_, _| {},
        derive: None,
    };

    /// The level of a finding in these circumstances, starting from `base` (the rule's level
    /// or the configured one).
    pub fn level(&self, base: Severity, circumstances: &[Circumstance]) -> Severity {
        self.adjustments
            .iter()
            .filter(|a| circumstances.contains(&a.when))
            .fold(base, |level, a| match a.shift {
                Shift::Lower => level.lower(),
                Shift::To(to) => to,
            })
    }

    /// "warning (info in local-only files)": the level and what moves it.
    pub fn level_description(&self) -> String {
        let mut groups: Vec<(Severity, Vec<&str>)> = Vec::new();
        for a in self.adjustments {
            let to = self.level(self.severity, &[a.when]);
            match groups.iter_mut().find(|(level, _)| *level == to) {
                Some((_, phrases)) => phrases.push(a.when.phrase()),
                None => groups.push((to, vec![a.when.phrase()])),
            }
        }
        if groups.is_empty() {
            return self.severity.to_string();
        }
        let moved: Vec<String> = groups
            .iter()
            .map(|(level, phrases)| format!("{level} {}", phrases.join(" and ")))
            .collect();
        format!("{} ({})", self.severity, moved.join("; "))
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code.as_str())
    }
}

/// Every rule, in catalogue order.
pub static RULES: &[&Rule] = &[
    &suppressions::UNUSED,
    &suppressions::NO_REASON,
    &mp101_legacy_typed_client::RULE,
    &mp102_legacy_named_client::RULE,
    &mp103_legacy_message_handler::RULE,
    &mp104_legacy_client_definition::RULE,
    &mp105_legacy_token_service::RULE,
    &mp106_removed_shim::RULE,
    &mp107_legacy_options::RULE,
    &mp108_legacy_using::RULE,
    &mp109_legacy_package::RULE,
    &mp110_legacy_package_missing::RULE,
    &mp201_custom_config_path::RULE,
    &mp202_default_client_override::RULE,
    &mp203_builtin_unavailable::RULE,
    &mp301_legacy_shaped_section::RULE,
    &mp302_credential_collision::RULE,
    &mp303_section_not_found::RULE,
    &mp304_keyvault_overrides_provisioned::RULE,
    &mp305_orphan_secret::RULE,
    &mp306_jwk_incomplete::RULE,
    &mp307_committed_private_key::RULE,
    &mp308_unknown_environment::RULE,
    &mp309_section_not_read::RULE,
    &mp401_keyvault_before_webhost::RULE,
    &mp402_eager_config_read::RULE,
    &mp403_keyvault_after_migration::RULE,
    &mp501_org_rule_missing::RULE,
    &mp601_malformed_scope::RULE,
    &mp602_scope_to_register::RULE,
    &mp901_unsupported_credential::RULE,
    &mp902_unsupported_setting::RULE,
    &mp903_several_identities::RULE,
    &mp904_not_an_app::RULE,
    &mp905_unresolved_value::RULE,
];

/// Looks a rule up by code (`MP101`) or name (`legacy-typed-client`), ignoring case.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    let wanted = code_or_name.trim();
    RULES.iter().copied().find(|r| {
        r.code.as_str().eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted)
    })
}

/// The rule with this code.
pub fn rule(code: Code) -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.code == code)
        .expect("every code has a rule")
}

/// What a rule sees: one project, its facts and assessment, and what was given from outside the
/// repository.
pub struct Context<'a> {
    pub project: Option<&'a Project>,
    pub facts: &'a ProjectFacts,
    pub external: &'a External,
    pub assessment: &'a Assessment,
}

impl Context<'_> {
    pub fn is_app(&self) -> bool {
        self.project.is_some_and(Project::is_app)
    }

    /// Whether the migration keeps the app's own credentials (`--credentials keep`).
    pub fn keep(&self) -> bool {
        self.assessment.keep
    }

    /// Whether the app is on Altinn.App 9 or later.
    pub fn is_v9(&self) -> bool {
        self.assessment.model.is_v9()
    }
}

/// Runs every rule that applies to the project.
pub fn check_project(context: &Context) -> Vec<Finding> {
    let wanted = if context.is_app() {
        Applies::Apps
    } else {
        Applies::OtherProjects
    };
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| r.applies == wanted) {
        (rule.check)(context, &mut findings);
    }
    let project = context.project.map(|p| p.display().to_string());
    // The level of these rules depends on the version: say that it was assumed.
    let assumed = context
        .project
        .is_some_and(|p| p.is_app() && p.altinn_version.is_none());
    for f in &mut findings {
        f.project = project.clone();
        if assumed && f.rule.depends_on_version() {
            f.message.push_str(
                " (The app's Altinn.App version is not known, so this reads it as Altinn.App 8.)",
            );
        }
    }
    findings
}

/// The findings of a run and which of their fixes the fix engine has accepted so far: what a
/// rule's `derive` decides on.
pub struct FixState<'a> {
    pub findings: &'a [Finding],
    accepted: &'a [bool],
}

impl<'a> FixState<'a> {
    pub fn new(findings: &'a [Finding], accepted: &'a [bool]) -> FixState<'a> {
        FixState { findings, accepted }
    }

    pub fn is_accepted(&self, index: usize) -> bool {
        self.accepted.get(index).copied().unwrap_or(false)
    }

    /// The accepted edits in `file`.
    pub fn edits_in(&self, file: &SourceFile) -> Vec<&'a Edit> {
        self.findings
            .iter()
            .enumerate()
            .filter(|(i, _)| self.is_accepted(*i))
            .filter_map(|(_, f)| f.fix.as_ref())
            .flat_map(|fix| &fix.edits)
            .filter(|e| e.site.file.path == file.path)
            .collect()
    }

    /// Findings of the same project whose rule is one of `codes` and whose fix is not
    /// accepted.
    pub fn unfixed_in_project(&self, of: &Finding, codes: &[Code]) -> Vec<&'a Finding> {
        self.findings
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                f.project == of.project && codes.contains(&f.rule.code) && !self.is_accepted(*i)
            })
            .map(|(_, f)| f)
            .collect()
    }

    /// Whether a finding of rule `code` at `site` has its fix accepted.
    pub fn accepted_at(&self, code: Code, site: &crate::core::Site) -> bool {
        self.findings
            .iter()
            .enumerate()
            .any(|(i, f)| f.rule.code == code && f.site == *site && self.is_accepted(i))
    }

    /// The replacement texts of the accepted fixes of findings in the same project.
    pub fn accepted_replacements_in_project<'s>(
        &'s self,
        of: &'s Finding,
    ) -> impl Iterator<Item = &'a str> + 's {
        self.findings
            .iter()
            .enumerate()
            .filter(move |(i, f)| self.is_accepted(*i) && f.project == of.project)
            .filter_map(|(_, f)| f.fix.as_ref())
            .flat_map(|fix| fix.edits.iter().map(|e| e.replacement.as_str()))
    }

    /// The files the accepted fixes change.
    pub fn changed_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .findings
            .iter()
            .enumerate()
            .filter(|(i, _)| self.is_accepted(*i))
            .filter_map(|(_, f)| f.fix.as_ref())
            .flat_map(|fix| fix.edits.iter().map(|e| e.site.file.path.clone()))
            .collect();
        files.sort();
        files.dedup();
        files
    }
}

/// Joins blocker reasons into the one sentence `fix_withheld` holds.
pub fn withheld_sentence(blockers: &[Blocker]) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for b in blockers {
        let reason = format!("{} ({})", b.reason, b.rule);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    upper_first(&reasons.join("; ")) + "."
}

/// The text with its first letter in upper case.
pub fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_exactly_one_rule_named_after_its_module() {
        for code in Code::ALL {
            let with_code = RULES.iter().filter(|r| r.code == *code).count();
            assert_eq!(with_code, 1, "{code}");
        }
        assert_eq!(RULES.len(), Code::ALL.len());
        for rule in RULES {
            assert!(
                !rule.name.is_empty() && !rule.summary.is_empty(),
                "{rule:?}"
            );
        }
    }

    #[test]
    fn adjustments_move_the_level_from_the_configured_base() {
        let mp302 = rule(Code::MP302);
        assert_eq!(mp302.level(Severity::Error, &[]), Severity::Error);
        assert_eq!(
            mp302.level(Severity::Error, &[Circumstance::EmptyPlaceholder]),
            Severity::Info
        );
        let mp301 = rule(Code::MP301);
        assert_eq!(
            mp301.level(Severity::Error, &[Circumstance::LocalOnlyFile]),
            Severity::Warning
        );
    }
}
