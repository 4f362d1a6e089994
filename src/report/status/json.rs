//! `status --format json`: one stable, versioned object (documented in the README): the
//! projects with their state, then the totals per state and the input that could not be used.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Fleet;
use crate::core::InputProblem;
use crate::fixes::state::{Reason, SecretStep, State};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    projects: Vec<ProjectJson<'a>>,
    totals: Totals,
    problems: &'a [InputProblem],
}

#[derive(Serialize)]
struct Upgrade<'a> {
    current: Option<&'a str>,
    needs: &'a str,
}

#[derive(Serialize)]
struct ProjectJson<'a> {
    repository: &'a str,
    project: &'a str,
    kind: &'static str,
    altinn_version: Option<&'a str>,
    model: Option<&'static str>,
    state: &'static str,
    fixes: usize,
    unsafe_fixes: usize,
    reasons: &'a [Reason],
    upgrade: Option<Upgrade<'a>>,
    errors: usize,
    warnings: usize,
    infos: usize,
    scopes: &'a [String],
    secrets: &'a [SecretStep],
    next_step: &'a str,
}

#[derive(Serialize)]
struct Totals {
    projects: usize,
    repositories: usize,
    fixes: usize,
    states: BTreeMap<&'static str, usize>,
}

pub fn render(fleet: &Fleet) -> String {
    let projects = fleet
        .rows
        .iter()
        .map(|row| {
            let state = &row.standing.state;
            let (unsafe_fixes, reasons, upgrade) = match state {
                State::FixableNow { unsafe_fixes, .. } => (*unsafe_fixes, &[][..], None),
                State::NeedsPerson { reasons, .. } => (0, &reasons[..], None),
                State::BlockedByVersion { current, needs } => (
                    0,
                    &[][..],
                    Some(Upgrade {
                        current: current.as_deref(),
                        needs,
                    }),
                ),
                _ => (0, &[][..], None),
            };
            ProjectJson {
                repository: &row.repository,
                project: &row.project,
                kind: if row.is_app { "altinn-app" } else { "other" },
                altinn_version: row.altinn_version.as_deref(),
                model: row.model,
                state: state.kind().slug(),
                fixes: state.fixes(),
                unsafe_fixes,
                reasons,
                upgrade,
                errors: row.standing.errors,
                warnings: row.standing.warnings,
                infos: row.standing.infos,
                scopes: &row.standing.scopes,
                secrets: &row.standing.secrets,
                next_step: &row.standing.next_step,
            }
        })
        .collect();
    let totals = fleet.totals();
    let document = Document {
        version: VERSION,
        projects,
        totals: Totals {
            projects: fleet.rows.len(),
            repositories: fleet.repositories(),
            fixes: totals.iter().map(|t| t.fixes).sum(),
            states: totals.iter().map(|t| (t.kind.slug(), t.projects)).collect(),
        },
        problems: &fleet.problems,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the status serialises");
    text.push('\n');
    text
}
