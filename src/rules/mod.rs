//! Rules: pure functions from a project's facts to findings. Each rule lives in its own module
//! with its documentation (served by `explain`), its name and its default severity.

mod blockers;
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
mod mp401_keyvault_before_webhost;
mod mp402_eager_config_read;
mod mp501_org_rule_missing;
mod mp601_malformed_scope;
mod mp602_scope_to_register;
mod mp901_unsupported_credential;
mod mp902_unsupported_setting;
mod mp903_several_identities;
mod mp904_not_an_app;
mod mp905_unresolved_value;
mod registration;
pub use registration::planned_code;
pub mod baseline;
mod scopes;
mod sections;
pub mod suppressions;

use crate::core::Site;
pub use crate::core::{Code, Severity};
use crate::discover::Project;
use crate::facts::external::External;
use crate::facts::resolve::ProjectFacts;
use crate::fixes::Fix;
use crate::fixes::readiness::{Blocker, ProjectGate};

/// Which projects a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Altinn apps only: migration findings.
    Apps,
    /// Projects that are not Altinn apps (inventory).
    OtherProjects,
}

/// A rule: its identity, default level and documentation in one place.
pub struct Rule {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `rules`.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, example, fix.
    pub doc: &'static str,
    pub applies: Applies,
    pub check: fn(&Context, &mut Vec<Finding>),
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
    &mp401_keyvault_before_webhost::RULE,
    &mp402_eager_config_read::RULE,
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
    RULES.iter().copied().find(|r| {
        r.code.as_str().eq_ignore_ascii_case(code_or_name)
            || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Another place a finding involves.
#[derive(Debug, Clone)]
pub struct Related {
    pub site: Site,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub site: Site,
    pub project: Option<String>,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    pub fix_withheld: Option<String>,
}

impl Finding {
    pub fn new(rule: &'static Rule, site: Site, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            site,
            project: None,
            message: message.into(),
            related: Vec::new(),
            fix: None,
            fix_withheld: None,
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

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
}

/// What a rule sees: one project, its facts, and what was given from outside the repository.
pub struct Context<'a> {
    pub project: Option<&'a Project>,
    pub facts: &'a ProjectFacts,
    pub external: &'a External,
    /// Blockers for every fix in the project (version, custom token cache).
    pub gate: Vec<Blocker>,
}

impl<'a> Context<'a> {
    pub fn new(
        project: Option<&'a Project>,
        facts: &'a ProjectFacts,
        external: &'a External,
    ) -> Self {
        let gate = match project {
            Some(p) if p.is_app() => ProjectGate {
                project: p,
                facts,
                keep: external.credentials == crate::facts::external::Credentials::Keep,
            }
            .blockers(),
            _ => Vec::new(),
        };
        Context {
            project,
            facts,
            external,
            gate,
        }
    }

    pub fn is_app(&self) -> bool {
        self.project.is_some_and(Project::is_app)
    }

    /// Whether the migration keeps the app's own credentials (`--credentials keep`).
    pub fn keep(&self) -> bool {
        self.external.credentials == crate::facts::external::Credentials::Keep
    }

    /// Whether the app is on Altinn.App 9 or later.
    pub fn is_v9(&self) -> bool {
        self.project
            .and_then(|p| p.altinn_version.as_ref())
            .is_some_and(|v| v.major >= 9)
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
    for f in &mut findings {
        f.project = project.clone();
    }
    findings
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
