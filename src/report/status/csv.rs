//! `status --format csv`: one line per project for a spreadsheet, with a header line; lists
//! (reasons, scopes, secrets) are joined with `; ` inside their cell; `particulars` holds what
//! goes with the state (the fixes, the reasons a person is needed, the upgrade needed).

use super::Fleet;
use crate::fixes::state::State;

const HEADER: [&str; 15] = [
    "repository",
    "project",
    "kind",
    "altinn_version",
    "model",
    "state",
    "fixes",
    "unsafe_fixes",
    "particulars",
    "errors",
    "warnings",
    "infos",
    "scopes",
    "secrets",
    "next_step",
];

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    items.join("; ")
}

pub fn render(fleet: &Fleet) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut records: Vec<Vec<String>> = vec![HEADER.iter().map(ToString::to_string).collect()];
    for row in &fleet.rows {
        let state = &row.standing.state;
        let unsafe_fixes = match state {
            State::FixableNow { unsafe_fixes, .. } => *unsafe_fixes,
            _ => 0,
        };
        let particulars = match state {
            State::NeedsPerson { reasons, .. } => joined(reasons),
            _ => state.particulars().unwrap_or_default(),
        };
        records.push(vec![
            row.repository.clone(),
            row.project.clone(),
            (if row.is_app { "altinn-app" } else { "other" }).to_string(),
            row.altinn_version.clone().unwrap_or_default(),
            row.model.unwrap_or_default().to_string(),
            state.kind().slug().to_string(),
            state.fixes().to_string(),
            unsafe_fixes.to_string(),
            particulars,
            row.standing.errors.to_string(),
            row.standing.warnings.to_string(),
            row.standing.infos.to_string(),
            joined(&row.standing.scopes),
            joined(&row.standing.secrets),
            row.standing.next_step.clone(),
        ]);
    }
    for record in records {
        writer
            .write_record(&record)
            .expect("writing to memory cannot fail");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}
