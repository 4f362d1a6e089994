//! C# edits that keep a file's own layout: the rewrite that moves one legacy registration to the
//! built-in client (the legacy call becomes `AddHttpClient...()` in place, the built-in call goes
//! where the chain style puts it, a trailing `.AddTypedClient<I, Impl>()` is folded into the
//! types, comments inside the replaced arguments move above the statement), the removal of a
//! whole statement, and the `using` the built-in calls need.

use std::sync::Arc;

use super::text;
use super::{Edit, Fix, Safety};
use crate::assess::readiness::{Target, rewrite_obstacle};
use crate::core::catalogue::BUILTIN_EXTENSIONS_NAMESPACE;
use crate::core::{Site, SourceFile, Span};
use crate::facts::model::{Key, Registration, RegistrationKind, SettingsSource};

/// The fix for a typed client, named client or handler registration; None when the call has a
/// shape the rewrite does not handle (it then says why).
pub fn registration_fix(r: &Registration, target: &Target) -> Result<Fix, String> {
    if let Some(why) = rewrite_obstacle(r) {
        return Err(why.into());
    }
    let file = &r.site.file;
    let method_start = r.method_site.span.start;
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
        RegistrationKind::NamedClient { .. } => format!("AddHttpClient({})", name_argument(r)),
        RegistrationKind::MessageHandler { .. } => target.call_text(),
        RegistrationKind::ClientDefinition { .. } => unreachable!("refused by rewrite_obstacle"),
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
            planned_code(r, &target.call_text())
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
    let comments: Vec<&str> = r
        .comments
        .iter()
        .filter(|c| replaced.start <= c.start && c.end <= replaced.end)
        .map(|c| file.slice(*c))
        .collect();
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

/// What the registration becomes, as code (for messages and fix descriptions).
pub fn planned_code(r: &Registration, use_call: &str) -> String {
    let receiver = r
        .receiver
        .as_ref()
        .map_or("services".to_string(), |s| one_line(s.text()));
    match &r.kind {
        RegistrationKind::TypedClient {
            client,
            implementation,
        } => {
            let folded = r
                .chain
                .iter()
                .find(|c| c.name == "AddTypedClient" && c.type_args.len() == 2);
            let types = match (folded, implementation) {
                (Some(c), _) => c.type_args.join(", "),
                (None, Some(i)) => format!("{client}, {i}"),
                (None, None) => client.clone(),
            };
            format!("{receiver}.AddHttpClient<{types}>().{use_call}")
        }
        RegistrationKind::NamedClient { name } => {
            let name = match name {
                Key::Known(k) => format!("\"{k}\""),
                Key::TypeName(t) => format!("typeof({t}).FullName"),
                Key::Unknown(text) => text.clone(),
            };
            format!("{receiver}.AddHttpClient({name}).{use_call}")
        }
        RegistrationKind::MessageHandler { .. } => format!("{receiver}.{use_call}"),
        RegistrationKind::ClientDefinition { .. } => String::new(),
    }
}

/// Longest receiver a message shows whole; a longer one (a chain of many calls) is cut.
const MAX_SHOWN_RECEIVER: usize = 400;

/// A multi-line builder expression on one line: `services.AddDanClient(x)` (a very long one cut,
/// with `…`, as it is only shown).
fn one_line(code: &str) -> String {
    let code = if code.len() > MAX_SHOWN_RECEIVER {
        let mut cut = MAX_SHOWN_RECEIVER;
        while !code.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &code[..cut])
    } else {
        code.to_string()
    };
    code.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" .", ".")
}

/// `using Altinn.App.Api.Extensions;` when the file does not import it yet. Every fix in a file
/// that adds a built-in call carries the same edit; the engine applies it once.
pub fn builtin_using(file: &Arc<SourceFile>) -> Option<Edit> {
    add_usings(file, &[BUILTIN_EXTENSIONS_NAMESPACE]).pop()
}

/// `using NS;` for each namespace the file does not import yet, where it sorts among the file's
/// usings (System ones first, as `dotnet format` orders them), or after the last; usings that
/// go to the same place are one edit.
pub fn add_usings(file: &Arc<SourceFile>, namespaces: &[&str]) -> Vec<Edit> {
    let eol = text::line_ending(file);
    let mut wanted: Vec<&str> = namespaces
        .iter()
        .copied()
        .filter(|ns| !imports(&file.text, ns))
        .collect();
    wanted.sort_unstable();
    let mut edits: Vec<Edit> = Vec::new();
    for namespace in wanted {
        let Some((at, lead)) = using_position(file, namespace) else {
            continue;
        };
        let line = format!("using {namespace};{eol}");
        match edits.iter_mut().find(|e| e.site.span.start == at) {
            Some(edit) => edit.replacement.push_str(&line),
            None => edits.push(Edit {
                site: Site::new(file, Span::new(at, at)),
                replacement: format!("{lead}{line}"),
            }),
        }
    }
    edits
}

/// Where `using namespace;` goes, and what must come before it (a line ending when the file's
/// last using has none).
fn using_position(file: &SourceFile, namespace: &str) -> Option<(usize, &'static str)> {
    let mut offset = file.text_offset();
    let mut insert_at = None;
    let mut last_using_end = None;
    for line in file.text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("using ") {
            let written = rest.trim_end_matches(';').trim();
            let is_plain = !rest.contains('=') && !rest.starts_with("static ");
            // System namespaces conventionally come first; sort among the others.
            let is_system = written == "System" || written.starts_with("System.");
            if is_plain && !is_system && insert_at.is_none() && written > namespace {
                insert_at = Some(offset);
            }
            last_using_end = Some(offset + line.len());
        } else if !trimmed.is_empty() && !trimmed.starts_with("//") && last_using_end.is_some() {
            break;
        }
        offset += line.len();
    }
    let at = insert_at.or(last_using_end)?;
    let at_end = at == file.text_offset() + file.text.len() && !file.text.ends_with('\n');
    Some((at, if at_end { text::line_ending(file) } else { "" }))
}

/// Whether the text has `using NS;` or `global using NS;`.
fn imports(text: &str, namespace: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        let l = l.strip_prefix("global ").unwrap_or(l);
        l.strip_prefix("using ")
            .is_some_and(|rest| rest.trim_end_matches(';').trim() == namespace)
    })
}
