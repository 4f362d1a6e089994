//! `plan`: the ordered steps outside the repository that a migration needs, app by app, read
//! from the findings' typed data: code a person must change first (findings of code rules
//! without a fix), scopes to select in Altinn Studio (with the ones only run time knows, to look
//! up), Key Vault secrets to rename, deploy and verify in TT02 and production (the guide's
//! order), and Key Vault secrets to delete once the switch is verified. Messages are never read.

use serde::Serialize;

use crate::rules::{Finding, Outside, PlanRole};

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub title: String,
    /// What the step is about, one line each (scopes, secrets, findings).
    pub items: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AppPlan {
    pub project: String,
    pub steps: Vec<Step>,
}

/// The plan for every project with something to do.
pub fn build(findings: &[Finding]) -> Vec<AppPlan> {
    let mut projects: Vec<String> = findings
        .iter()
        .filter(|f| f.rule.plan != PlanRole::Inventory)
        .filter_map(|f| f.project.clone())
        .collect();
    projects.sort();
    projects.dedup();
    projects
        .into_iter()
        .map(|project| {
            let mine: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.project.as_deref() == Some(project.as_str()))
                .collect();
            AppPlan {
                steps: steps(&mine),
                project,
            }
        })
        .filter(|p| !p.steps.is_empty())
        .collect()
}

/// The items of the findings' outside steps that `pick` selects, in finding order, each once.
fn items(findings: &[&Finding], pick: impl Fn(&Outside) -> Option<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    findings
        .iter()
        .flat_map(|f| &f.outside)
        .filter_map(pick)
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

fn step(steps: &mut Vec<Step>, title: &str, items: Vec<String>) {
    if !items.is_empty() {
        steps.push(Step {
            title: title.to_string(),
            items,
        });
    }
}

/// Whether the fixes of the findings a finding waits for resolve it (MP301's fix removes the
/// credential keys of MP302 with the section's legacy keys).
fn resolved_by_fixes(f: &Finding, findings: &[&Finding]) -> bool {
    let mut deciding = findings
        .iter()
        .filter(|g| f.waits_for.contains(&g.rule.code))
        .peekable();
    deciding.peek().is_some() && deciding.all(|g| g.fix.is_some())
}

fn steps(findings: &[&Finding]) -> Vec<Step> {
    let mut steps = Vec::new();
    // A scope only run time knows is a step of its own, beside the scopes to select.
    let manual: Vec<String> = findings
        .iter()
        .filter(|f| f.fix.is_none() && f.rule.plan == PlanRole::Code)
        .filter(|f| !resolved_by_fixes(f, findings))
        .filter(|f| {
            !f.outside
                .iter()
                .any(|o| matches!(o, Outside::LookUpScope { .. }))
        })
        .map(|f| format!("{} {} at {}", f.rule.code, f.rule.name, f.location()))
        .collect();
    if !manual.is_empty() {
        step(
            &mut steps,
            "Resolve in code what `fix` leaves for a person (`check` explains each), then apply the fixes (`fix --write`)",
            manual,
        );
    } else if findings.iter().any(|f| f.fix.is_some()) {
        steps.push(Step {
            title: "Apply the fixes (`fix --write`) and review the change".into(),
            items: Vec::new(),
        });
    }
    let mut scopes = items(findings, |o| match o {
        Outside::SelectScope(scope) => Some(scope.clone()),
        _ => None,
    });
    scopes.extend(items(findings, |o| match o {
        Outside::LookUpScope { expression, place } => Some(format!(
            "the value of `{expression}` ({place}), known only at run time: look it up"
        )),
        _ => None,
    }));
    step(
        &mut steps,
        "Select these scopes for the app in Altinn Studio (Maskinporten tab or the app's scope settings)",
        scopes,
    );
    step(
        &mut steps,
        "Rename these Key Vault secrets before deploying, to the names the client reads (an Authority takes the Maskinporten URL, an Environment its name: prod, test, ver1, ver2)",
        items(findings, |o| match o {
            Outside::RenameSecret { name, to } => Some(format!("{name} → {to}")),
            _ => None,
        }),
    );
    let uses_maskinporten = findings.iter().any(|f| f.rule.plan != PlanRole::Inventory);
    if uses_maskinporten {
        steps.push(Step {
            title: "Deploy to TT02; verify that the app gets a Maskinporten token, and that calls needing an exchanged Altinn token still work".into(),
            items: Vec::new(),
        });
    }
    step(
        &mut steps,
        "Key Vault still overrides the provisioned credentials: after TT02 is verified, delete or rename these secrets (or the app keeps its old client)",
        items(findings, |o| match o {
            Outside::RetireOverridingSecret(name) => Some(name.clone()),
            _ => None,
        }),
    );
    if uses_maskinporten {
        steps.push(Step {
            title: "Deploy to production and verify the same way".into(),
            items: Vec::new(),
        });
    }
    step(
        &mut steps,
        "After production is verified, delete Maskinporten secrets nothing reads (and the old Maskinporten client, once no other app or integration uses it)",
        items(findings, |o| match o {
            Outside::DeleteUnreadSecret(name) => Some(name.clone()),
            _ => None,
        }),
    );
    key_vault_steps(findings, &mut steps);
    steps
}

/// The guide's last step: what becomes of the Key Vault setup.
fn key_vault_steps(findings: &[&Finding], steps: &mut Vec<Step>) {
    step(
        steps,
        "After production is verified, remove the Azure Key Vault configuration provider and the kvSetting settings it reads: Maskinporten credentials were the only values the app read from Key Vault (the call also adds the app's secret file: keep that if the app uses it)",
        items(findings, |o| match o {
            Outside::RemoveKeyVaultProvider(at) => Some(at.clone()),
            _ => None,
        }),
    );
    step(
        steps,
        "Keep the Azure Key Vault setup: the app reads these other secrets from it",
        items(findings, |o| match o {
            Outside::KeepKeyVault(name) => Some(name.clone()),
            _ => None,
        }),
    );
    if findings
        .iter()
        .any(|f| f.outside.contains(&Outside::KeyVaultUseUnknown))
    {
        steps.push(Step {
            title: "Whether the Azure Key Vault setup is still needed after the migration cannot be told without the vault's secret names (--key-vault-secrets FILE or --key-vault URL): keep it unless Maskinporten credentials are all the app reads from it".into(),
            items: Vec::new(),
        });
    }
}

pub fn render_human(plans: &[AppPlan]) -> String {
    let mut out = String::new();
    if plans.is_empty() {
        out.push_str("Nothing to do outside the repository.\n");
    }
    for plan in plans {
        out.push_str(&format!("{}\n", plan.project));
        for (i, step) in plan.steps.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, step.title));
            for item in &step.items {
                out.push_str(&format!("     - {item}\n"));
            }
        }
        out.push('\n');
    }
    out
}

pub fn render_markdown(plans: &[AppPlan]) -> String {
    let mut out = String::from("# Migration plan\n\n");
    if plans.is_empty() {
        out.push_str("Nothing to do outside the repository.\n");
    }
    for plan in plans {
        out.push_str(&format!("## `{}`\n\n", plan.project));
        for (i, step) in plan.steps.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, step.title));
            for item in &step.items {
                out.push_str(&format!("   - `{item}`\n"));
            }
        }
        out.push('\n');
    }
    out
}

pub fn render_json(plans: &[AppPlan]) -> String {
    let document = serde_json::json!({ "version": 1, "apps": plans });
    serde_json::to_string_pretty(&document).expect("the plan serialises") + "\n"
}
