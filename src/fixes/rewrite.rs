//! The edits that move one legacy registration to the built-in client, keeping the statement's
//! layout: the legacy call becomes `AddHttpClient...()` in place, the built-in call goes where the
//! chain style puts it (same line, or its own line in a one-call-per-line chain), a trailing
//! `.AddTypedClient<I, Impl>()` is folded into the types, and comments inside the replaced
//! arguments move above the statement.

use super::readiness::Target;
use super::text;
use super::{Edit, Fix, Safety};
use crate::core::Site;
use crate::core::Span;
use crate::facts::model::{Key, Registration, RegistrationKind, SettingsSource};

/// The fix for a typed client, named client or handler registration; None when the call has a
/// shape the rewrite does not handle (it then says why).
pub fn registration_fix(r: &Registration, target: &Target) -> Result<Fix, String> {
    if r.receiver.is_none() {
        return Err("the call has no receiver (it is not written as `services.Add...`)".into());
    }
    let file = &r.site.file;
    let method_start = r.method_site.span.start;
    // `services?.AddMaskinporten...`: a conditional call keeps its own semantics; not rewritten.
    if text::between(file, r.site.span.start, method_start)
        .trim_end()
        .ends_with("?.")
    {
        return Err("the call is conditional (`?.`)".into());
    }
    let folded = r
        .chain
        .iter()
        .find(|c| c.name == "AddTypedClient" && c.type_args.len() == 2);
    let replacement = match &r.kind {
        RegistrationKind::TypedClient {
            client,
            implementation,
        } => {
            let types = match (folded, implementation) {
                (Some(c), _) => c.type_args.join(", "),
                (None, Some(i)) => format!("{client}, {i}"),
                (None, None) => client.clone(),
            };
            format!("AddHttpClient<{types}>()")
        }
        RegistrationKind::NamedClient { name } => {
            let argument = match name {
                Key::Known(_) | Key::Unknown(_) | Key::TypeName(_) => name_argument(r),
            };
            format!("AddHttpClient({argument})")
        }
        RegistrationKind::MessageHandler { .. } => target.call_text(),
        RegistrationKind::ClientDefinition { .. } => {
            return Err("a client definition is removed, not rewritten".into());
        }
    };
    let call_span = Span::new(method_start, r.site.span.end);
    let mut edits = moved_comments(r, call_span);
    edits.push(Edit {
        site: Site {
            file: file.clone(),
            span: call_span,
        },
        replacement,
    });
    if !matches!(r.kind, RegistrationKind::MessageHandler { .. }) {
        edits.push(use_call(r, target, folded.map(|c| &c.site)));
    }
    let removed = settings_variable_removal(r);
    let variable_note = match (&r.settings, removed.is_empty()) {
        (Some((SettingsSource::Variable { name, .. }, _)), false) => {
            format!("; the settings variable `{name}`, used only here, goes with it")
        }
        _ => String::new(),
    };
    edits.extend(removed);
    Ok(Fix {
        safety: Safety::Safe,
        description: format!(
            "use the built-in client: `{}`{variable_note}",
            crate::rules::planned_code(r, &target.call_text())
        ),
        edits,
    })
}

/// The statements that built a settings variable only this registration used.
fn settings_variable_removal(r: &Registration) -> Vec<Edit> {
    let Some((SettingsSource::Variable { removable, .. }, _)) = &r.settings else {
        return Vec::new();
    };
    let file = &r.site.file;
    let lines: Option<Vec<Span>> = removable
        .iter()
        .map(|s| text::whole_lines(file, *s))
        .collect();
    lines
        .unwrap_or_default()
        .into_iter()
        .map(|span| Edit {
            site: Site {
                file: file.clone(),
                span,
            },
            replacement: String::new(),
        })
        .collect()
}

/// The first argument of a named registration, as written (a literal, constant or `nameof`).
fn name_argument(r: &Registration) -> String {
    let file = &r.site.file;
    let args = text::between(file, r.method_site.span.end, r.site.span.end);
    // `<TDef>("name", settings...)`: the text after `(` up to the first top-level comma.
    let open = args.find('(').map_or(0, |i| i + 1);
    let mut depth = 0i32;
    let mut end = args.len();
    for (i, c) in args[open..].char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                end = open + i;
                break;
            }
            _ => {}
        }
    }
    args[open..end].trim().to_string()
}

/// Where `.UseMaskinporten...(...)` goes: over a folded `.AddTypedClient<I, Impl>()`, or right
/// after the rewritten call (on its own line when the statement is written one call per line).
fn use_call(r: &Registration, target: &Target, folded: Option<&Site>) -> Edit {
    let file = &r.site.file;
    if let Some(chained) = folded {
        let written = chained.text();
        let lead = &written[..written.len() - written.trim_start().len()];
        return Edit {
            site: chained.clone(),
            replacement: format!("{lead}.{}", target.call_text()),
        };
    }
    let receiver_end = r
        .receiver
        .as_ref()
        .map_or(r.site.span.start, |s| s.span.end);
    let gap = text::between(file, receiver_end, r.method_site.span.start);
    let separator = if gap.contains('\n') {
        let line = file.line_text(file.position(r.method_site.span.start).line);
        let indent = &line[..line.len() - line.trim_start().len()];
        format!("{}{indent}", text::line_ending(file))
    } else {
        String::new()
    };
    Edit {
        site: Site {
            file: file.clone(),
            span: Span::new(r.site.span.end, r.site.span.end),
        },
        replacement: format!("{separator}.{}", target.call_text()),
    }
}

/// Comments inside the replaced call, re-inserted above the statement so none is lost.
fn moved_comments(r: &Registration, replaced: Span) -> Vec<Edit> {
    let file = &r.site.file;
    let comments = text::comments(file.slice(replaced));
    if comments.is_empty() {
        return Vec::new();
    }
    let start = text::line_start(file, r.site.span.start);
    let indent = file.indentation_at(r.site.span.start).to_string();
    let eol = text::line_ending(file);
    let block: String = comments
        .iter()
        .map(|c| format!("{indent}{}{eol}", c.trim()))
        .collect();
    vec![Edit {
        site: Site {
            file: file.clone(),
            span: Span::new(start, start),
        },
        replacement: block,
    }]
}

/// Removes a whole statement (`services.Register...(...);`) with its own lines.
pub fn remove_statement(call: &Site, description: String) -> Result<Fix, String> {
    let file = &call.file;
    let end = text::statement_end(file, call.span.end)
        .ok_or("the call is part of a larger expression, not a statement of its own")?;
    let lines = text::whole_lines(file, Span::new(call.span.start, end))
        .ok_or("other code shares the statement's lines")?;
    Ok(Fix {
        safety: Safety::Safe,
        description,
        edits: vec![Edit {
            site: Site {
                file: file.clone(),
                span: lines,
            },
            replacement: String::new(),
        }],
    })
}
