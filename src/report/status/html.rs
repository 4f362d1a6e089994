//! `status --format html`: one self-contained page (its CSS, JavaScript and SVG inline; a
//! content security policy forbids fetching anything) with a bar chart of projects per state, a
//! table that sorts and filters by any column (`assets/status.js`), and per project its
//! findings, proposed patch and plan in a `<details>` element. Without JavaScript the chart,
//! the table and the details are all there; only sorting and filtering need it.

use super::{Detail, Fleet, Row};
use crate::fixes::state::StateKind;

const STYLE: &str = include_str!("assets/status.css");
const SCRIPT: &str = include_str!("assets/status.js");

/// Text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A column: its key (sorting, filters, the fragment), heading, and whether it holds numbers.
struct Column {
    key: &'static str,
    heading: &'static str,
    numeric: bool,
}

const COLUMNS: [Column; 10] = [
    Column {
        key: "repository",
        heading: "Repository",
        numeric: false,
    },
    Column {
        key: "project",
        heading: "Project",
        numeric: false,
    },
    Column {
        key: "version",
        heading: "Altinn.App",
        numeric: false,
    },
    Column {
        key: "state",
        heading: "State",
        numeric: false,
    },
    Column {
        key: "errors",
        heading: "Errors",
        numeric: true,
    },
    Column {
        key: "warnings",
        heading: "Warnings",
        numeric: true,
    },
    Column {
        key: "infos",
        heading: "Infos",
        numeric: true,
    },
    Column {
        key: "scopes",
        heading: "Scopes to select",
        numeric: false,
    },
    Column {
        key: "secrets",
        heading: "Key Vault secrets",
        numeric: false,
    },
    Column {
        key: "next",
        heading: "Next step",
        numeric: false,
    },
];

pub fn render(fleet: &Fleet) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Maskinporten migration status</title>\n<style>\n",
    );
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>Maskinporten migration status</h1>\n");
    out.push_str(&format!(
        "<p>{}, checked by maskinporten-migrate {}.</p>\n</header>\n",
        escape(&fleet.headline()),
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(&chart(fleet));
    out.push_str(&table(fleet));
    if !fleet.problems.is_empty() {
        out.push_str("<section id=\"problems\">\n<h2>Input that could not be used</h2>\n<ul>\n");
        for problem in &fleet.problems {
            out.push_str(&format!(
                "<li><code>{}</code>: {}</li>\n",
                escape(&problem.path),
                escape(&problem.message)
            ));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// A horizontal bar per state; a bar links to the table filtered by its state.
fn chart(fleet: &Fleet) -> String {
    let totals = fleet.totals();
    let most = totals.iter().map(|t| t.projects).max().unwrap_or(0).max(1);
    let (label_width, bar_width, row_height) = (200.0, 440.0, 30.0);
    let height = row_height * totals.len() as f64 + 10.0;
    let mut out = format!(
        "<section id=\"chart\">\n<h2>Projects per state</h2>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 {height}\" role=\"img\" aria-label=\"Projects per state\">\n"
    );
    for (i, total) in totals.iter().enumerate() {
        let y = 5.0 + row_height * i as f64;
        let width = bar_width * total.projects as f64 / most as f64;
        let slug = total.kind.slug();
        out.push_str(&format!(
            "<a href=\"#state={slug}\"><title>{label}: {n}</title>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"bar {slug}\" data-count=\"{n}\" x=\"{label_width}\" y=\"{y}\" width=\"{width:.1}\" height=\"{h}\" rx=\"3\"/>\
             <text class=\"count\" x=\"{cx:.1}\" y=\"{ty}\">{n}</text></a>\n",
            label = escape(total.kind.label()),
            n = total.projects,
            tx = label_width - 10.0,
            ty = y + 19.0,
            h = row_height - 8.0,
            cx = label_width + width + 8.0,
        ));
    }
    out.push_str("</svg>\n</section>\n");
    out
}

fn table(fleet: &Fleet) -> String {
    let mut out = String::from(
        "<section>\n<h2>Projects</h2>\n<p id=\"controls\" class=\"js-only\"><span id=\"shown\"></span></p>\n<table id=\"fleet\">\n<thead>\n<tr>",
    );
    for c in &COLUMNS {
        out.push_str(&format!(
            "<th data-key=\"{}\"{}><button type=\"button\" class=\"sort\">{}</button></th>",
            c.key,
            if c.numeric { " class=\"n\"" } else { "" },
            c.heading
        ));
    }
    out.push_str("</tr>\n<tr class=\"filters js-only\">");
    for c in &COLUMNS {
        out.push_str(&format!(
            "<th><input type=\"search\" aria-label=\"Filter by {}\" placeholder=\"filter\"></th>",
            c.heading.to_lowercase()
        ));
    }
    out.push_str("</tr>\n</thead>\n");
    for (index, row) in fleet.rows.iter().enumerate() {
        out.push_str(&body(index, row));
    }
    out.push_str("</table>\n</section>\n");
    out
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let items: Vec<String> = items
        .iter()
        .map(|i| format!("<li><code>{}</code></li>", escape(&i.to_string())))
        .collect();
    format!("<ul class=\"items\">{}</ul>", items.join(""))
}

/// One project: its row, and a row with its details.
fn body(index: usize, row: &Row) -> String {
    let s = &row.standing;
    let kind = s.state.kind();
    let order = StateKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    let particulars = s
        .state
        .particulars()
        .map(|p| format!("<span class=\"particulars\">{}</span>", escape(&p)))
        .unwrap_or_default();
    let mut out = format!(
        "<tbody class=\"app\" data-index=\"{index}\" data-state=\"{slug}\">\n<tr>\
         <td class=\"repository\">{repository}</td><td class=\"project\"><code>{project}</code></td><td>{version}</td>\
         <td data-value=\"{order}\"><span class=\"state {slug}\">{label}</span>{particulars}</td>\
         <td class=\"n\">{e}</td><td class=\"n\">{w}</td><td class=\"n\">{i}</td>\
         <td>{scopes}</td><td>{secrets}</td><td>{next}</td></tr>\n",
        slug = kind.slug(),
        repository = escape(&row.repository),
        project = escape(&row.project),
        version = escape(&row.version_cell()),
        label = escape(kind.label()),
        e = s.errors,
        w = s.warnings,
        i = s.infos,
        scopes = list(&s.scopes),
        secrets = list(&s.secrets),
        next = escape(&s.next_step),
    );
    if let Some(detail) = &row.detail
        && !(detail.findings.is_empty() && detail.plan.is_empty())
    {
        out.push_str(&format!(
            "<tr class=\"detail\"><td colspan=\"{}\"><details><summary>Findings, proposed patch and plan</summary>\n{}</details></td></tr>\n",
            COLUMNS.len(),
            details(detail)
        ));
    }
    out.push_str("</tbody>\n");
    out
}

fn details(detail: &Detail) -> String {
    let mut out = String::new();
    if !detail.findings.is_empty() {
        out.push_str("<section><h3>Findings</h3>\n<ol class=\"findings\">\n");
        for f in &detail.findings {
            out.push_str(&format!(
                "<li><span class=\"sev {sev}\">{sev}</span> <strong>{code} {name}</strong> <code>{at}</code><br>{message}",
                sev = f.severity,
                code = f.rule,
                name = f.name,
                at = escape(&f.at),
                message = escape(&f.message)
            ));
            match (&f.fix, &f.withheld) {
                (Some(fix), _) => {
                    out.push_str(&format!("<span class=\"fix\">{}</span>", escape(fix)))
                }
                (None, Some(why)) => out.push_str(&format!(
                    "<span class=\"withheld\">no automatic fix: {}</span>",
                    escape(why)
                )),
                (None, None) => {}
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol></section>\n");
    }
    if !detail.patch.is_empty() {
        out.push_str("<section><h3>Proposed patch</h3>\n<pre class=\"diff\">");
        for line in detail.patch.split_inclusive('\n') {
            let class = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => Some("add"),
                Some(b'-') if !line.starts_with("---") => Some("del"),
                Some(b'@') => Some("hunk"),
                _ => None,
            };
            match class {
                Some(class) => {
                    out.push_str(&format!("<span class=\"{class}\">{}</span>", escape(line)))
                }
                None => out.push_str(&escape(line)),
            }
        }
        out.push_str("</pre></section>\n");
    }
    for path in &detail.hidden {
        out.push_str(&format!(
            "<p>The change to <code>{}</code> is not shown: its lines hold a secret value. Apply it with <code>fix --write</code> and review it locally.</p>\n",
            escape(path)
        ));
    }
    if !detail.plan.is_empty() {
        out.push_str("<section><h3>Plan</h3>\n<ol class=\"plan\">\n");
        for step in &detail.plan {
            out.push_str(&format!("<li>{}", escape(&step.title)));
            if !step.items.is_empty() {
                let items: Vec<String> = step
                    .items
                    .iter()
                    .map(|i| format!("<li><code>{}</code></li>", escape(i)))
                    .collect();
                out.push_str(&format!("<ul>{}</ul>", items.join("")));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol></section>\n");
    }
    out
}
