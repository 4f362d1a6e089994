//! `status` for a terminal: an aligned table fitted to the width (the widest text columns are
//! cut with `…` until it fits, the descriptions before what names the row, and paths from the
//! start so the project file stays; counts never are), then one totals line per state and the
//! input that could not be used.

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
    /// A path: cut from the start, since its end tells rows apart (`…/Functions.csproj`).
    path: bool,
    /// Left out, lowest first, when the table cannot fit otherwise: a column cut to a few
    /// characters says nothing, and the other formats hold it whole.
    left_out: Option<u8>,
}

const COLUMNS: [Column; 10] = [
    Column {
        heading: "REPOSITORY",
        keep: 24,
        essential: true,
        cell: |r| r.repository.clone(),
        cut: true,
        numeric: false,
        path: true,
        left_out: None,
    },
    Column {
        heading: "PROJECT",
        keep: 30,
        essential: true,
        cell: |r| r.project.clone(),
        cut: true,
        numeric: false,
        path: true,
        left_out: None,
    },
    Column {
        heading: "ALTINN.APP",
        keep: 0,
        essential: false,
        cell: Row::version_cell,
        cut: false,
        numeric: false,
        path: false,
        left_out: None,
    },
    Column {
        heading: "STATE",
        keep: 27,
        essential: true,
        cell: |r| r.standing.state.describe(),
        cut: true,
        numeric: false,
        path: false,
        left_out: None,
    },
    Column {
        heading: "E",
        keep: 0,
        essential: false,
        cell: |r| r.standing.errors.to_string(),
        cut: false,
        numeric: true,
        path: false,
        left_out: None,
    },
    Column {
        heading: "W",
        keep: 0,
        essential: false,
        cell: |r| r.standing.warnings.to_string(),
        cut: false,
        numeric: true,
        path: false,
        left_out: None,
    },
    Column {
        heading: "I",
        keep: 0,
        essential: false,
        cell: |r| r.standing.infos.to_string(),
        cut: false,
        numeric: true,
        path: false,
        left_out: None,
    },
    Column {
        heading: "SCOPES",
        keep: 10,
        essential: false,
        cell: |r| list(&r.standing.scopes),
        cut: true,
        numeric: false,
        path: false,
        left_out: Some(2),
    },
    Column {
        heading: "KEY VAULT",
        keep: 10,
        essential: false,
        cell: |r| list(&r.standing.secrets),
        cut: true,
        numeric: false,
        path: false,
        left_out: Some(1),
    },
    Column {
        heading: "NEXT STEP",
        keep: 16,
        essential: false,
        cell: |r| r.standing.next_step.clone(),
        cut: true,
        numeric: false,
        path: false,
        left_out: Some(3),
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
    let natural: Vec<usize> = COLUMNS
        .iter()
        .map(|c| {
            fleet
                .rows
                .iter()
                .map(|row| chars(&(c.cell)(row)))
                .chain([chars(c.heading)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let shown = shown_columns(&natural, width);
    let columns: Vec<&Column> = shown.iter().map(|&i| &COLUMNS[i]).collect();
    let mut widths: Vec<usize> = shown.iter().map(|&i| natural[i]).collect();
    if let Some(width) = width {
        fit(&columns, &mut widths, width);
    }
    let headings = columns.iter().map(|c| c.heading.to_string());
    out.push_str(&line(&columns, &widths, headings));
    for row in &fleet.rows {
        out.push_str(&line(
            &columns,
            &widths,
            columns.iter().map(|c| (c.cell)(row)),
        ));
    }
    let left_out: Vec<&str> = (0..COLUMNS.len())
        .filter(|i| !shown.contains(i))
        .map(|i| COLUMNS[i].heading)
        .collect();
    if !left_out.is_empty() {
        out.push_str(&format!(
            "left out to fit: {} (--format markdown shows all)\n",
            left_out.join(", ")
        ));
    }
}

/// One line of the table: each cell cut to its column's width and aligned.
fn line(columns: &[&Column], widths: &[usize], cells: impl Iterator<Item = String>) -> String {
    let cells: Vec<String> = cells
        .zip(widths)
        .zip(columns)
        .map(|((cell, &w), column)| {
            let cell = if column.path {
                cut_start(&cell, w)
            } else {
                cut(&cell, w)
            };
            if column.numeric {
                format!("{cell:>w$}")
            } else {
                format!("{cell:<w$}")
            }
        })
        .collect();
    format!("{}\n", cells.join(GAP).trim_end())
}

/// The columns that fit `width` with none cut below the width it keeps, leaving out the
/// optional ones (lowest rank first) until they do; all when nothing is cut.
fn shown_columns(natural: &[usize], width: Option<usize>) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..COLUMNS.len()).collect();
    let Some(width) = width else {
        return shown;
    };
    let narrowest = |shown: &[usize]| -> usize {
        let cells: usize = shown
            .iter()
            .map(|&i| {
                let column = &COLUMNS[i];
                if column.cut {
                    natural[i].min(column.keep.max(NARROWEST))
                } else {
                    natural[i]
                }
            })
            .sum();
        cells + GAP.len() * shown.len().saturating_sub(1)
    };
    while narrowest(&shown) > width {
        let next = shown
            .iter()
            .copied()
            .filter_map(|i| Some((COLUMNS[i].left_out?, i)))
            .min();
        match next {
            Some((_, i)) => shown.retain(|&s| s != i),
            None => break,
        }
    }
    shown
}

/// Narrows the widest column that may be cut, one character at a time, until the table fits:
/// first the others down to the width each keeps, then the essential ones (what names the row,
/// and the state) down to theirs, then the others down to the narrowest, then all.
fn fit(columns: &[&Column], widths: &mut [usize], width: usize) {
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
                .filter(|&i| columns[i].cut && widths[i] > floor(columns[i]))
                .max_by_key(|&i| (widths[i], i));
            match widest {
                Some(i) => widths[i] -= 1,
                None => break,
            }
        }
    }
}

/// `text` in `width` characters, its start replaced by `…` when it is longer.
fn cut_start(text: &str, width: usize) -> String {
    let length = chars(text);
    if length <= width {
        return text.to_string();
    }
    let kept: String = text.chars().skip(length + 1 - width.max(1)).collect();
    format!("…{kept}")
}

fn cut(text: &str, width: usize) -> String {
    if chars(text) <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_cut_from_the_start_and_text_at_the_end() {
        let path = "src/Altinn.Notifications.Functions/Altinn.Notifications.Functions.csproj";
        assert_eq!(cut_start(path, 20), "…ns.Functions.csproj");
        assert_eq!(chars(&cut_start(path, 20)), 20);
        assert_eq!(cut_start("App/App.csproj", 14), "App/App.csproj");
        assert_eq!(cut("needs a person: MP904", 10), "needs a p…");
    }
}
