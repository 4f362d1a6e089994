//! `plan`: the ordered steps outside the repository that a migration needs, app by app, taken
//! from the findings: scopes to select in Altinn Studio (MP602), code a person must change first
//! (findings without a fix), deploy and verify in TT02 and production (the guide's order), and
//! Key Vault secrets to delete or rename once the switch is verified (MP304, MP305).

use serde::Serialize;

use crate::rules::Finding;

#[derive(Debug, Serialize)]
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
        .filter(|f| f.rule.code != crate::core::Code::MP904)
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

fn quoted(message: &str) -> Option<String> {
    let start = message.find('"')? + 1;
    let end = start + message[start..].find('"')?;
    Some(message[start..end].to_string())
}

fn location(f: &Finding) -> String {
    let p = f.site.file.position(f.site.span.start);
    format!("{}:{}", f.site.file.display, p.line)
}

fn steps(findings: &[&Finding]) -> Vec<Step> {
    let by = |code: crate::core::Code| findings.iter().filter(move |f| f.rule.code == code);
    let mut steps = Vec::new();
    let manual: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.fix.is_none()
                && !matches!(
                    f.rule.code,
                    crate::core::Code::MP602
                        | crate::core::Code::MP304
                        | crate::core::Code::MP305
                        | crate::core::Code::MP904
                )
        })
        .map(|f| format!("{} {} at {}", f.rule.code, f.rule.name, location(f)))
        .collect();
    if !manual.is_empty() {
        steps.push(Step {
            title: "Resolve in code what `fix` leaves for a person (`check` explains each), then apply the fixes (`fix --write`)".into(),
            items: manual,
        });
    } else if findings.iter().any(|f| f.fix.is_some()) {
        steps.push(Step {
            title: "Apply the fixes (`fix --write`) and review the change".into(),
            items: Vec::new(),
        });
    }
    let mut scopes: Vec<String> = by(crate::core::Code::MP602)
        .filter(|f| !f.message.contains("is selected in Altinn Studio but"))
        .filter_map(|f| quoted(&f.message))
        .collect();
    scopes.dedup();
    if !scopes.is_empty() {
        steps.push(Step {
            title: "Select these scopes for the app in Altinn Studio (Maskinporten tab or the app's scope settings)".into(),
            items: scopes,
        });
    }
    let renames: Vec<String> = by(crate::core::Code::MP304)
        .filter_map(|f| {
            let to = f.message.split("rename it to ").nth(1)?;
            let to = to.split([' ', '(']).next()?;
            Some(format!("{} → {to}", secret_name(&f.message)?))
        })
        .collect();
    if !renames.is_empty() {
        steps.push(Step {
            title: "Rename these Key Vault secrets to the built-in client's keys before deploying (Authority takes the Maskinporten URL)".into(),
            items: renames,
        });
    }
    let uses_maskinporten = findings
        .iter()
        .any(|f| f.rule.code != crate::core::Code::MP904);
    if uses_maskinporten {
        steps.push(Step {
            title: "Deploy to TT02; verify that the app gets a Maskinporten token, and that calls needing an exchanged Altinn token still work".into(),
            items: Vec::new(),
        });
    }
    let overriding: Vec<String> = by(crate::core::Code::MP304)
        .filter(|f| !f.message.contains("rename it to ") && !f.message.contains("no longer read"))
        .filter_map(|f| secret_name(&f.message))
        .collect();
    if !overriding.is_empty() {
        steps.push(Step {
            title: "Key Vault still overrides the provisioned credentials: after TT02 is verified, delete or rename these secrets (or the app keeps its old client)".into(),
            items: overriding,
        });
    }
    if uses_maskinporten {
        steps.push(Step {
            title: "Deploy to production and verify the same way".into(),
            items: Vec::new(),
        });
    }
    let orphans: Vec<String> = by(crate::core::Code::MP304)
        .filter(|f| f.message.contains("no longer read"))
        .chain(by(crate::core::Code::MP305))
        .filter_map(|f| secret_name(&f.message))
        .collect();
    if !orphans.is_empty() {
        steps.push(Step {
            title: "After production is verified, delete Maskinporten secrets nothing reads (and the old Maskinporten client, once no other app or integration uses it)".into(),
            items: orphans,
        });
    }
    steps
}

/// The secret name in an MP304/MP305 message ("... holds NAME, which ..." / "holds NAME (").
fn secret_name(message: &str) -> Option<String> {
    let rest = &message[message.find("holds ")? + "holds ".len()..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
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
