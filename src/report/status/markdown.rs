//! `status --format markdown`: the fleet view for an issue or a wiki page: the totals per
//! state, one table row per project, and the input that could not be used.

use super::Fleet;

/// A table cell: `|` and line breaks would break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn code_list<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let items: Vec<String> = items
        .iter()
        .map(|i| format!("`{}`", cell(&i.to_string())))
        .collect();
    items.join(", ")
}

pub fn render(fleet: &Fleet) -> String {
    let mut out = String::from("# Maskinporten migration status\n\n");
    out.push_str(&format!("{}.\n\n", fleet.headline()));
    out.push_str("| state | projects | fixes |\n|---|---:|---:|\n");
    for total in fleet.totals() {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            total.kind.label(),
            total.projects,
            total.fixes
        ));
    }
    if !fleet.rows.is_empty() {
        out.push_str(
            "\n| repository | project | Altinn.App | state | errors | warnings | infos | scopes to select in Altinn Studio | Key Vault secrets | next step |\n|---|---|---|---|---:|---:|---:|---|---|---|\n",
        );
    }
    for row in &fleet.rows {
        let s = &row.standing;
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&row.repository),
            cell(&row.project),
            cell(&row.version_cell()),
            cell(&s.state.describe()),
            s.errors,
            s.warnings,
            s.infos,
            code_list(&s.scopes),
            code_list(&s.secrets),
            cell(&s.next_step)
        ));
    }
    if !fleet.problems.is_empty() {
        out.push_str("\n## Problems\n\n");
        for problem in &fleet.problems {
            out.push_str(&format!("- `{}`: {}\n", problem.path, problem.message));
        }
    }
    out
}
