//! Reduces C# expression nodes to the small `Expr` model: literals, names, configuration
//! sections, settings objects and `with` copies, and reads configure lambdas.

use tree_sitter::Node;

use crate::core::Site;
use crate::core::{SourceFile, Span};
use crate::facts::csharp::walk;
use crate::facts::model::{Assignment, ConfigureLambda, Expr};
use std::sync::Arc;

pub fn text<'a>(node: Node, file: &'a SourceFile) -> &'a str {
    &file.text[node.byte_range()]
}

pub fn span(node: Node, file: &SourceFile) -> Span {
    file.span_of_text(node.start_byte(), node.end_byte())
}

/// The expression inside an `argument` node (after a name, `ref` or `out`).
pub fn argument_expression(argument: Node) -> Option<Node> {
    argument.named_child(u32::try_from(argument.named_child_count().checked_sub(1)?).ok()?)
}

/// The string a literal holds, when it has no interpolation.
pub fn string_value(node: Node, file: &SourceFile) -> Option<String> {
    match node.kind() {
        "string_literal" => {
            let mut out = String::new();
            let mut cursor = node.walk();
            for part in node.named_children(&mut cursor) {
                match part.kind() {
                    "string_literal_content" => out.push_str(text(part, file)),
                    "escape_sequence" => out.push_str(&unescape(text(part, file))),
                    _ => return None,
                }
            }
            Some(out)
        }
        "verbatim_string_literal" => {
            let raw = text(node, file);
            Some(
                raw.get(2..raw.len().saturating_sub(1))?
                    .replace("\"\"", "\""),
            )
        }
        "raw_string_literal" => {
            let mut cursor = node.walk();
            let content = node
                .named_children(&mut cursor)
                .find(|c| c.kind() == "raw_string_content")
                .map(|c| text(c, file).to_string());
            Some(content.unwrap_or_default())
        }
        _ => None,
    }
}

fn unescape(escape: &str) -> String {
    match escape {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\\\" => "\\".into(),
        "\\\"" => "\"".into(),
        "\\'" => "'".into(),
        other => other.into(),
    }
}

/// Strips parentheses, `!` and casts that do not change what a value is (in a loop: any number
/// of them).
pub fn unwrap(node: Node) -> Node {
    let mut node = node;
    loop {
        let inner = match node.kind() {
            "parenthesized_expression" => node.named_child(0),
            "postfix_unary_expression" if node.child(1).is_some_and(|c| c.kind() == "!") => {
                node.named_child(0)
            }
            // `x ?? throw ...` is `x` or no value at all.
            "binary_expression"
                if node
                    .child_by_field_name("right")
                    .is_some_and(|r| r.kind() == "throw_expression")
                    && node
                        .child_by_field_name("operator")
                        .is_some_and(|o| o.kind() == "??") =>
            {
                node.child_by_field_name("left")
            }
            _ => None,
        };
        match inner {
            Some(inner) => node = inner,
            None => return node,
        }
    }
}

/// The left operand of `a ?? b` (through parentheses), else the expression itself (in a loop:
/// `a ?? b ?? c` of any length).
pub fn coalesced(node: Node) -> Node {
    let mut node = unwrap(node);
    while node.kind() == "binary_expression"
        && node
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "??")
    {
        match node.child_by_field_name("left") {
            Some(left) => node = unwrap(left),
            None => break,
        }
    }
    node
}

/// Member names of `a.b.c` / `a?.b.c`; None when the chain has anything else in it. Walks down
/// the chain in a loop, so a chain of any length is read without recursion.
pub fn member_path(node: Node, file: &SourceFile) -> Option<Vec<String>> {
    // The names from the last to the first.
    let mut names = Vec::new();
    let mut node = unwrap(node);
    loop {
        match node.kind() {
            "identifier" => {
                names.push(text(node, file).to_string());
                break;
            }
            "this" | "this_expression" => {
                names.push("this".to_string());
                break;
            }
            "member_access_expression" => {
                names.push(text(node.child_by_field_name("name")?, file).to_string());
                node = unwrap(node.child_by_field_name("expression")?);
            }
            "qualified_name" => {
                names.extend(text(node, file).rsplit('.').map(|s| s.trim().to_string()));
                break;
            }
            "conditional_access_expression" => {
                let mut cursor = node.walk();
                let binding = node
                    .named_children(&mut cursor)
                    .find(|c| c.kind() == "member_binding_expression")?;
                names.push(text(binding.child_by_field_name("name")?, file).to_string());
                node = unwrap(node.child_by_field_name("condition")?);
            }
            _ => return None,
        }
    }
    names.reverse();
    Some(names)
}

/// Reduces an expression node. Past `depth::MAX_NESTING` nested levels the rest counts as
/// unknown (and the place is recorded as a problem of the file).
pub fn classify(node: Node, file: &SourceFile) -> Expr {
    let node = unwrap(node);
    let Some(_level) = super::depth::enter(node) else {
        return other(node, file);
    };
    if let Some(s) = string_value(node, file) {
        return Expr::Str(s);
    }
    match node.kind() {
        "boolean_literal" => return Expr::Bool(text(node, file) == "true"),
        "null_literal" => return Expr::Null,
        "lambda_expression" | "anonymous_method_expression" => return Expr::Lambda,
        "with_expression" => {
            if let Some(base) = node.named_child(0) {
                let mut cursor = node.walk();
                let inits = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "with_initializer")
                    .filter_map(|c| with_initializer(c, file))
                    .collect();
                return Expr::With {
                    base: Box::new(classify(base, file)),
                    inits,
                };
            }
        }
        "object_creation_expression" => {
            let type_name = node
                .child_by_field_name("type")
                .map(|t| text(t, file).to_string())
                .unwrap_or_default();
            let inits = node
                .child_by_field_name("initializer")
                .map(|init| initializer_assignments(init, file))
                .unwrap_or_default();
            return Expr::New { type_name, inits };
        }
        "member_access_expression" => {
            let name = node.child_by_field_name("name").map(|n| text(n, file));
            let target = node.child_by_field_name("expression").map(unwrap);
            if let (Some("FullName"), Some(t)) = (name, target)
                && t.kind() == "typeof_expression"
                && let Some(ty) = t.child_by_field_name("type")
            {
                return Expr::TypeFullName(text(ty, file).to_string());
            }
        }
        "invocation_expression" => {
            if let Some(expr) = classify_invocation(node, file) {
                return expr;
            }
        }
        "element_access_expression" => {
            if let Some(read) = configuration_index(node, file) {
                return read;
            }
        }
        _ => {}
    }
    match member_path(node, file) {
        Some(path) => Expr::Path(path),
        None => other(node, file),
    }
}

/// Longest text an unknown expression keeps (it is shown in messages); a longer one keeps its
/// start and its length, so that a long chain of calls costs each of its calls a little, not the
/// whole chain again.
const MAX_OTHER: usize = 1_000;

/// An expression the model has no name for, by its text.
fn other(node: Node, file: &SourceFile) -> Expr {
    let written = text(node, file);
    if written.len() <= MAX_OTHER {
        return Expr::Other(written.to_string());
    }
    let mut cut = MAX_OTHER / 2;
    while !written.is_char_boundary(cut) {
        cut -= 1;
    }
    Expr::Other(format!("{}… ({} bytes)", &written[..cut], written.len()))
}

fn classify_invocation(node: Node, file: &SourceFile) -> Option<Expr> {
    let function = node.child_by_field_name("function")?;
    let arguments = node.child_by_field_name("arguments")?;
    let first_argument = || {
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .find(|c| c.kind() == "argument")
            .and_then(argument_expression)
    };
    if function.kind() == "identifier" && text(function, file) == "nameof" {
        let path = member_path(first_argument()?, file)?;
        return Some(Expr::NameOf(path.last()?.clone()));
    }
    if function.kind() != "member_access_expression" {
        return None;
    }
    let name_node = function.child_by_field_name("name")?;
    let receiver = function.child_by_field_name("expression")?;
    let (name, type_args) = match name_node.kind() {
        "generic_name" => (
            text(name_node.named_child(0)?, file),
            name_node
                .named_child(1)
                .map(|t| text(t, file).trim_matches(['<', '>']).to_string()),
        ),
        _ => (text(name_node, file), None),
    };
    match name {
        "GetSection" | "GetRequiredSection" => {
            let part = classify(first_argument()?, file);
            let (root, mut parts) = match classify(receiver, file) {
                Expr::Section { root, parts } => (root, parts),
                other => (expr_text(&other, receiver, file), Vec::new()),
            };
            parts.push(part);
            Some(Expr::Section { root, parts })
        }
        "GetValue" => {
            // `config.GetValue<string>("A:B")`: one key, read when the line runs.
            let key = first_argument().and_then(|a| string_value(a, file));
            let section = classify(receiver, file);
            match section {
                Expr::Section { .. } if type_args.is_some() && key.is_none() => {
                    Some(Expr::SectionGet {
                        section: Box::new(section),
                        type_name: type_args.unwrap_or_default(),
                    })
                }
                _ => Some(Expr::ConfigRead { key }),
            }
        }
        "Get" if type_args.is_some() => {
            let section = classify(receiver, file);
            matches!(section, Expr::Section { .. }).then(|| Expr::SectionGet {
                section: Box::new(section),
                type_name: type_args.unwrap_or_default(),
            })
        }
        _ => None,
    }
}

/// `config["A:B"]` on something named like a configuration: one key, read when the line runs.
fn configuration_index(node: Node, file: &SourceFile) -> Option<Expr> {
    let target = node.child_by_field_name("expression")?;
    let named = text(target, file).to_ascii_lowercase();
    if !named.contains("config") {
        return None;
    }
    let list = node.child_by_field_name("subscript")?;
    let mut cursor = list.walk();
    let argument = list
        .named_children(&mut cursor)
        .find(|c| c.kind() == "argument")
        .and_then(argument_expression)?;
    Some(Expr::ConfigRead {
        key: string_value(argument, file),
    })
}

fn expr_text(expr: &Expr, node: Node, file: &SourceFile) -> String {
    match expr {
        Expr::Path(p) => p.join("."),
        _ => text(node, file).to_string(),
    }
}

fn with_initializer(node: Node, file: &SourceFile) -> Option<Assignment> {
    let property = node.named_child(0)?;
    let value = node.named_child(1)?;
    Some(Assignment {
        property: text(property, file).to_string(),
        value: classify(value, file),
        span: span(node, file),
    })
}

fn initializer_assignments(init: Node, file: &SourceFile) -> Vec<Assignment> {
    let mut cursor = init.walk();
    init.named_children(&mut cursor)
        .filter(|c| c.kind() == "assignment_expression")
        .filter_map(|a| {
            Some(Assignment {
                property: text(a.child_by_field_name("left")?, file).to_string(),
                value: classify(a.child_by_field_name("right")?, file),
                span: span(a, file),
            })
        })
        .collect()
}

/// An assignment `target.A.B = value` as (member path of the target, value node).
pub fn assignment_parts<'t>(node: Node<'t>, file: &SourceFile) -> Option<(Vec<String>, Node<'t>)> {
    if node.kind() != "assignment_expression"
        || node.child_by_field_name("operator").map(|o| text(o, file)) != Some("=")
    {
        return None;
    }
    let left = member_path(node.child_by_field_name("left")?, file)?;
    Some((left, node.child_by_field_name("right")?))
}

/// Reads a configure lambda: assignments to `param.ClientSettings.X` (legacy) or `param.X`
/// (built-in options), and any other statement.
pub fn configure_lambda(lambda: Node, file: &Arc<SourceFile>) -> ConfigureLambda {
    let parameter = lambda_parameter(lambda, file);
    let mut assignments = Vec::new();
    let mut other_statements = Vec::new();
    let body = lambda.child_by_field_name("body");
    let statements: Vec<Node> = match body {
        Some(b) if b.kind() == "block" => {
            let mut cursor = b.walk();
            b.named_children(&mut cursor).collect()
        }
        Some(b) => vec![b],
        None => Vec::new(),
    };
    for statement in statements {
        let expression = if statement.kind() == "expression_statement" {
            statement.named_child(0).unwrap_or(statement)
        } else {
            statement
        };
        let parsed = assignment_parts(expression, file).and_then(|(path, value)| {
            let rest = match path.split_first() {
                Some((first, rest)) if Some(first.as_str()) == parameter.as_deref() => rest,
                _ => return None,
            };
            let property = match rest {
                [settings, property] if settings == "ClientSettings" => property,
                [property] => property,
                _ => return None,
            };
            Some(Assignment {
                property: property.clone(),
                value: classify(value, file),
                span: span(expression, file),
            })
        });
        match parsed {
            Some(a) => assignments.push(a),
            None if statement.kind() == "comment" => {}
            None => other_statements.push(span(statement, file)),
        }
    }
    ConfigureLambda {
        site: Site {
            file: file.clone(),
            span: span(lambda, file),
        },
        assignments,
        other_statements,
    }
}

/// The names `node` reads members of that it does not declare itself (`legacy` in
/// `o => o.ClientId = legacy.ClientId`; the parameters of lambdas inside are its own), in order
/// of first use.
pub fn outer_names(node: Node, file: &SourceFile) -> Vec<String> {
    let mut own: Vec<String> = Vec::new();
    walk::preorder(node, |n, _| {
        if matches!(
            n.kind(),
            "lambda_expression" | "anonymous_method_expression"
        ) {
            own.extend(lambda_parameter(n, file));
        }
        true
    });
    let mut names: Vec<String> = Vec::new();
    walk::preorder(node, |n, _| {
        if n.kind() == "member_access_expression"
            && let Some(root) = n.child_by_field_name("expression")
            && root.kind() == "identifier"
        {
            let name = text(root, file);
            if !own.iter().any(|o| o == name) && !names.iter().any(|o| o == name) {
                names.push(name.to_string());
            }
        }
        true
    });
    names
}

fn lambda_parameter(lambda: Node, file: &SourceFile) -> Option<String> {
    let parameters = lambda.child_by_field_name("parameters")?;
    match parameters.kind() {
        "implicit_parameter" | "identifier" => Some(text(parameters, file).to_string()),
        _ => {
            let mut cursor = parameters.walk();
            let first = parameters
                .named_children(&mut cursor)
                .find(|c| c.kind() == "parameter")?;
            Some(text(first.child_by_field_name("name")?, file).to_string())
        }
    }
}
