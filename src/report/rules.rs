//! `rules`: the rule list, from the registry: one line per rule, JSON, or the Markdown table the
//! README carries (a test keeps the README's copy equal to it).

use crate::rules::RULES;

pub fn human() -> String {
    RULES
        .iter()
        .map(|rule| {
            format!(
                "{}  {:<32} {:<8} {}\n",
                rule.code, rule.name, rule.severity, rule.summary
            )
        })
        .collect()
}

pub fn json() -> String {
    let list: Vec<_> = RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code, "name": r.name, "severity": r.severity,
                "level": r.level_description(), "summary": r.summary
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).expect("rules serialise") + "\n"
}

/// The README's rule table.
pub fn markdown() -> String {
    let mut out =
        String::from("| code | name | default level | what it reports |\n|---|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.code,
            rule.name,
            rule.level_description(),
            rule.summary
                .replace('|', "\\|")
                .replace('<', "\\<")
                .replace('>', "\\>")
        ));
    }
    out
}
