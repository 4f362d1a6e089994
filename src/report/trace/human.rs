//! The human trace: per app the configuration sources in order, then per identity a table of
//! keys × environments with the source that wins in each cell, and one verdict line per
//! environment.

use super::{
    View, cell, identity_heading, identity_notes, reads_configuration, registration_place,
    source_description, verdict_text, version_text,
};
use crate::assess::runtime::{Identity, Runtime};

pub fn render(view: &View) -> String {
    let mut out = String::new();
    if let Some(after) = &view.after_fix {
        out.push_str(&format!(
            "After the pending fixes ({} fix(es) in {} file(s){}; nothing was written):\n\n",
            after.fixes,
            after.files,
            if after.unsafe_fixes {
                ", unsafe ones included"
            } else {
                ", safe ones only"
            }
        ));
    }
    for gap in view.gaps {
        out.push_str(&format!("incomplete: {}: {}\n", gap.path, gap.message));
    }
    if !view.gaps.is_empty() {
        out.push('\n');
    }
    if view.side.runtimes.is_empty() {
        out.push_str(if view.gaps.is_empty() {
            "No Altinn app here.\n"
        } else {
            "No Altinn app in what was checked (less was checked than asked: see `incomplete:` above).\n"
        });
    }
    for runtime in view.side.runtimes {
        out.push_str(&app(view, runtime));
        out.push('\n');
    }
    out
}

fn app(view: &View, runtime: &Runtime) -> String {
    let mut out = format!(
        "{} ({})\n",
        runtime.project,
        version_text(view.projects, runtime)
    );
    if runtime.identities.is_empty() {
        out.push_str("  No Maskinporten client.\n");
        return out;
    }
    if reads_configuration(runtime) {
        out.push_str(
            "  Configuration sources, in the order the app adds them (a later one wins):\n",
        );
        for (i, source) in runtime.sources.iter().enumerate() {
            if i == runtime.registered_at {
                out.push_str(&registration_line(view, runtime));
            }
            out.push_str(&format!(
                "  {:>3}. {}\n",
                i + 1,
                source_description(&view.side, source)
            ));
        }
        if runtime.registered_at == runtime.sources.len() {
            out.push_str(&registration_line(view, runtime));
        }
    }
    for identity in &runtime.identities {
        out.push('\n');
        out.push_str(&identity_block(view, runtime, identity));
    }
    out
}

fn registration_line(view: &View, runtime: &Runtime) -> String {
    format!(
        "      -- services are registered here ({}): a value read then sees only the sources above\n",
        registration_place(&view.side, runtime)
    )
}

fn identity_block(view: &View, runtime: &Runtime, identity: &Identity) -> String {
    let side = &view.side;
    let mut out = format!("  {}\n", identity_heading(side, runtime, identity));
    for note in identity_notes(side, runtime, identity) {
        out.push_str(&format!("    {note}\n"));
    }
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("key".to_string())
            .chain(runtime.environments.iter().map(|e| e.label()))
            .collect(),
    ];
    for (k, key) in identity.keys.iter().enumerate() {
        let mut row = vec![key.name.clone()];
        row.extend(
            identity
                .environments
                .iter()
                .map(|trace| cell(runtime, &trace.keys[k])),
        );
        rows.push(row);
    }
    out.push_str(&table(&rows));
    for (env, trace) in runtime.environments.iter().zip(&identity.environments) {
        out.push_str(&format!(
            "    {}: {}\n",
            env.label(),
            verdict_text(side, runtime, identity, trace)
        ));
    }
    out
}

/// Columns padded to their widest cell, indented under the identity.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("    ");
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
