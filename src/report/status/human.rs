//! `status` for a terminal: an aligned table fitted to the width (the widest text columns are
//! cut with `…` until it fits; counts never are), then one totals line per state and the input
//! that could not be used.

use super::{Fleet, Row};

/// A column: its heading, its cell, whether it may be cut to fit, and the width it keeps
/// while others can still give (the state keeps its name, say).
struct Column {
    heading: &'static str,
    cell: fn(&Row) -> String,
    cut: bool,
    keep: usize,
    /// Cut below `keep` only when nothing else can give.
    essential: bool,
    numeric: bool,
}

const COLUMNS: [Column; 10] = [
    Column {
        heading: "REPOSITORY",
        keep: 12,
        essential: false,
        cell: |r| r.repository.clone(),
        cut: true,
        numeric: false,
    },
    Column {
        heading: "PROJECT",
        keep: 14,
        essential: false,
        cell: |r| r.project.clone(),
        cut: true,
        numeric: false,
    },
    Column {
        heading: "ALTINN.APP",
        keep: 0,
        essential: false,
        cell: Row::version_cell,
        cut: false,
        numeric: false,
    },
    Column {
        heading: "STATE",
        keep: 27,
        essential: true,
        cell: |r| r.standing.state.describe(),
        cut: true,
        numeric: false,
    },
    Column {
        heading: "E",
        keep: 0,
        essential: false,
        cell: |r| r.standing.errors.to_string(),
        cut: false,
        numeric: true,
    },
    Column {
        heading: "W",
        keep: 0,
        essential: false,
        cell: |r| r.standing.warnings.to_string(),
        cut: false,
        numeric: true,
    },
    Column {
        heading: "I",
        keep: 0,
        essential: false,
        cell: |r| r.standing.infos.to_string(),
        cut: false,
        numeric: true,
    },
    Column {
        heading: "SCOPES",
        keep: 10,
        essential: false,
        cell: |r| list(&r.standing.scopes),
        cut: true,
        numeric: false,
    },
    Column {
        heading: "KEY VAULT",
        keep: 10,
        essential: false,
        cell: |r| list(&r.standing.secrets),
        cut: true,
        numeric: false,
    },
    Column {
        heading: "NEXT STEP",
        keep: 16,
        essential: false,
        cell: |r| r.standing.next_step.clone(),
        cut: true,
        numeric: false,
    },
];

/// No column is cut below this many characters.
const NARROWEST: usize = 6;
const GAP: &str = "  ";

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "-".to_string();
    }
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    items.join(", ")
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The table and totals; `width` is the terminal's (None: nothing is cut).
pub fn render(fleet: &Fleet, width: Option<usize>) -> String {
    let mut out = String::new();
    if fleet.rows.is_empty() {
        out.push_str("No Altinn app and no project that uses the legacy library was found.\n");
    } else {
        table(fleet, width, &mut out);
    }
    out.push('\n');
    for total in fleet.totals() {
        let projects = total.projects;
        let mut line = format!(
            "{:<28}{projects:>4} project{}",
            total.kind.label(),
            if projects == 1 { "" } else { "s" }
        );
        if total.fixes > 0 {
            line.push_str(&format!(
                ", {} fix{}",
                total.fixes,
                if total.fixes == 1 { "" } else { "es" }
            ));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!("{}\n", fleet.headline()));
    for problem in &fleet.problems {
        out.push_str(&format!("problem: {}: {}\n", problem.path, problem.message));
    }
    out
}

fn table(fleet: &Fleet, width: Option<usize>, out: &mut String) {
    let cells: Vec<Vec<String>> = fleet
        .rows
        .iter()
        .map(|row| COLUMNS.iter().map(|c| (c.cell)(row)).collect())
        .collect();
    let mut widths: Vec<usize> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|row| chars(&row[i]))
                .chain([chars(c.heading)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    if let Some(width) = width {
        fit(&mut widths, width);
    }
    let headings: Vec<String> = COLUMNS.iter().map(|c| c.heading.to_string()).collect();
    for row in std::iter::once(&headings).chain(&cells) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .zip(&COLUMNS)
            .map(|((cell, &w), column)| {
                let cell = cut(cell, w);
                if column.numeric {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(line.join(GAP).trim_end());
        out.push('\n');
    }
}

/// Narrows the widest column that may be cut, one character at a time, until the table fits:
/// first the others down to the width each keeps, then the essential one (the state) down to
/// its, then the others down to the narrowest, then all.
fn fit(widths: &mut [usize], width: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * (w.len() - 1);
    let floors: [fn(&Column) -> usize; 4] = [
        |c| {
            if c.essential {
                usize::MAX
            } else {
                c.keep.max(NARROWEST)
            }
        },
        |c| c.keep.max(NARROWEST),
        |c| if c.essential { c.keep } else { NARROWEST },
        |_| NARROWEST,
    ];
    for floor in floors {
        while total(widths) > width {
            let widest = (0..widths.len())
                .filter(|&i| COLUMNS[i].cut && widths[i] > floor(&COLUMNS[i]))
                .max_by_key(|&i| (widths[i], i));
            match widest {
                Some(i) => widths[i] -= 1,
                None => break,
            }
        }
    }
}

fn cut(text: &str, width: usize) -> String {
    if chars(text) <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}
