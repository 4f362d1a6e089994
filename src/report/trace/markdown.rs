//! The trace in Markdown: `trace --format markdown`, and the "Run time" section the review
//! report of `check --format markdown` gives each app: production before and after the patch,
//! key by key, so a reviewer sees which credentials production uses once it is applied.

use super::{
    Side, View, cell, identity_heading, identity_notes, reads_configuration, registration_place,
    source_description, verdict_text, version_text,
};
use crate::assess::runtime::{Client, Identity, Runtime};
use crate::discover::Project;

pub fn render(view: &View) -> String {
    let mut out = String::from("# Run-time trace\n\n");
    if let Some(after) = &view.after_fix {
        out.push_str(&format!(
            "After the pending fixes ({} fix(es) in {} file(s), {}; nothing was written).\n\n",
            after.fixes,
            after.files,
            if after.unsafe_fixes {
                "unsafe ones included"
            } else {
                "safe ones only"
            }
        ));
    }
    for gap in view.gaps {
        out.push_str(&format!(
            "**Incomplete:** `{}`: {}.\n\n",
            gap.path.replace('`', "'"),
            gap.message
        ));
    }
    if view.side.runtimes.is_empty() {
        out.push_str(if view.gaps.is_empty() {
            "No Altinn app here.\n"
        } else {
            "No Altinn app in what was checked (less was checked than asked).\n"
        });
    }
    for runtime in view.side.runtimes {
        out.push_str(&app(view, runtime));
    }
    out
}

fn app(view: &View, runtime: &Runtime) -> String {
    let side = &view.side;
    let mut out = format!(
        "## `{}` ({})\n\n",
        runtime.project,
        version_text(view.projects, runtime)
    );
    if runtime.identities.is_empty() {
        out.push_str("No Maskinporten client.\n\n");
        return out;
    }
    if reads_configuration(runtime) {
        out.push_str(
            "Configuration sources, in the order the app adds them (a later one wins):\n\n",
        );
        for (i, source) in runtime.sources.iter().enumerate() {
            out.push_str(&format!(
                "{}. {}\n",
                i + 1,
                source_description(side, source)
            ));
        }
        let registered = runtime.registered_at;
        out.push_str(&format!(
            "\nServices are registered after source {registered} ({}): a value read then sees only sources 1 to {registered}.\n\n",
            registration_place(side, runtime)
        ));
    }
    for identity in &runtime.identities {
        out.push_str(&format!(
            "### {}\n\n",
            identity_heading(side, runtime, identity)
        ));
        let notes = identity_notes(side, runtime, identity);
        for note in &notes {
            out.push_str(&format!("- {note}\n"));
        }
        if !notes.is_empty() {
            out.push('\n');
        }
        out.push_str("| key |");
        for env in &runtime.environments {
            out.push_str(&format!(" {} |", env.label()));
        }
        out.push_str(&format!(
            "\n|---|{}\n",
            "---|".repeat(runtime.environments.len())
        ));
        for (k, key) in identity.keys.iter().enumerate() {
            out.push_str(&format!("| `{}` |", key.name));
            for trace in &identity.environments {
                out.push_str(&format!(" {} |", cell(runtime, &trace.keys[k])));
            }
            out.push('\n');
        }
        out.push('\n');
        for (env, trace) in runtime.environments.iter().zip(&identity.environments) {
            out.push_str(&format!(
                "- **{}**: {}\n",
                env.label(),
                verdict_text(side, runtime, identity, trace)
            ));
        }
        out.push('\n');
    }
    out
}

/// Production before and after the patch, for the review report.
pub struct Comparison<'a> {
    pub projects: &'a [Project],
    pub before: Side<'a>,
    pub after: Side<'a>,
}

/// The environment the review report shows.
const SHOWN: &str = "Production";

/// The "Run time" section of one app in the review report; empty when the app has no trace.
pub fn run_time(comparison: &Comparison, project: &str) -> String {
    let (Some(before), after) = (
        traced(comparison.before.runtimes, project),
        traced(comparison.after.runtimes, project),
    ) else {
        return String::new();
    };
    let mut out = format!(
        "\n### Run time ({})\n\nWhich source gives each Maskinporten setting its value in production, before and after the proposed patch (values are never shown).\n",
        before.0.environments[before.1].label()
    );
    let mut pairs: Vec<(Option<&Identity>, Option<&Identity>)> = before
        .0
        .identities
        .iter()
        .map(|b| {
            let twin = after.and_then(|(a, _)| a.identities.iter().find(|i| same_client(b, i)));
            (Some(b), twin)
        })
        .collect();
    if let Some((a, _)) = after {
        for identity in &a.identities {
            if !before.0.identities.iter().any(|b| same_client(b, identity)) {
                pairs.push((None, Some(identity)));
            }
        }
    }
    if pairs.is_empty() {
        out.push_str("\nNo Maskinporten client.\n");
    }
    for (b, a) in pairs {
        out.push_str(&pair(comparison, before, after, b, a));
    }
    out
}

/// The project's trace and the index of the environment shown.
fn traced<'r>(runtimes: &'r [Runtime], project: &str) -> Option<Traced<'r>> {
    runtimes
        .iter()
        .find(|r| r.project == project)
        .and_then(|r| Some((r, r.environment(SHOWN)?)))
}

/// Whether two identities are the same client on either side of the patch: the built-in
/// client, or the same legacy registrations.
fn same_client(a: &Identity, b: &Identity) -> bool {
    match (&a.client, &b.client) {
        (Client::Legacy { clients: x, .. }, Client::Legacy { clients: y, .. }) => x == y,
        (Client::Legacy { .. }, _) | (_, Client::Legacy { .. }) => false,
        _ => true,
    }
}

type Traced<'r> = (&'r Runtime, usize);

fn pair(
    comparison: &Comparison,
    before: Traced,
    after: Option<Traced>,
    b: Option<&Identity>,
    a: Option<&Identity>,
) -> String {
    let heading = |side: &Side, traced: Traced, identity: &Identity| {
        identity_heading(side, traced.0, identity)
    };
    let mut out = String::new();
    match (b, a) {
        (Some(b), Some(a)) => {
            let (hb, ha) = (
                heading(&comparison.before, before, b),
                heading(&comparison.after, after.expect("a twin has a side"), a),
            );
            if hb == ha {
                out.push_str(&format!("\n**{hb}**\n"));
            } else {
                out.push_str(&format!("\n**Before:** {hb}  \n**After:** {ha}\n"));
            }
        }
        (Some(b), None) => out.push_str(&format!(
            "\n**{}**: gone after the patch\n",
            heading(&comparison.before, before, b)
        )),
        (None, Some(a)) => out.push_str(&format!(
            "\n**{}**: new with the patch\n",
            heading(&comparison.after, after.expect("an identity has a side"), a)
        )),
        (None, None) => return out,
    }
    let mut names: Vec<&str> = Vec::new();
    for identity in [b, a].into_iter().flatten() {
        for key in &identity.keys {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(&key.name)) {
                names.push(&key.name);
            }
        }
    }
    out.push_str("\n| key | before the patch | after the patch |\n|---|---|---|\n");
    let value = |traced: Option<Traced>, identity: Option<&Identity>, name: &str| {
        let (Some((runtime, env)), Some(identity)) = (traced, identity) else {
            return "—".to_string();
        };
        identity
            .keys
            .iter()
            .position(|k| k.name.eq_ignore_ascii_case(name))
            .map_or("—".to_string(), |k| {
                cell(runtime, &identity.environments[env].keys[k])
            })
    };
    for name in names {
        out.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            value(Some(before), b, name),
            value(after, a, name)
        ));
    }
    out.push('\n');
    let verdict =
        |side: &Side, traced: Option<Traced>, identity: Option<&Identity>| match (traced, identity)
        {
            (Some((runtime, env)), Some(identity)) => {
                verdict_text(side, runtime, identity, &identity.environments[env])
            }
            _ => "not used".to_string(),
        };
    out.push_str(&format!(
        "- before: {}\n- after: {}\n",
        verdict(&comparison.before, Some(before), b),
        verdict(&comparison.after, after, a)
    ));
    out
}
