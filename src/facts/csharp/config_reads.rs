//! Where code reads configuration by a literal path: `GetSection("A").GetSection("B")`,
//! `GetValue<T>("A:B")`, `config["A:B"]`, `BindConfiguration("A")`, `Bind("A", o)`. A section the
//! app's own code reads must stay in appsettings, whatever the migration does to the Maskinporten
//! registrations around it (`Get<LegacySettings>() ?? throw` stops the app when it is gone).

use std::sync::Arc;

use tree_sitter::Node;

use super::expr::{argument_expression, classify, span, string_value, text};
use super::walk;
use crate::core::{Site, SourceFile};
use crate::facts::model::Expr;

/// One read of a configuration path by code.
#[derive(Debug, Clone)]
pub struct ConfigPathRead {
    /// The full path, parts joined with `:`.
    pub path: String,
    pub site: Site,
    /// The type the section is bound to, when the read feeds `.Get<T>()` or `Configure<T>(...)`:
    /// the resolver tells the built-in `MaskinportenSettings` apart.
    pub bound_type: Option<String>,
}

const SECTION_METHODS: [&str; 2] = ["GetSection", "GetRequiredSection"];
const PATH_METHODS: [&str; 2] = ["BindConfiguration", "Bind"];

/// Whether a file may hold a read worth looking for.
pub fn may_read(text: &str) -> bool {
    [
        "GetSection",
        "GetRequiredSection",
        "GetValue",
        "Bind",
        "[\"",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// Every configuration read by a literal path in the tree under `root`.
pub fn config_reads(root: Node, file: &Arc<SourceFile>) -> Vec<ConfigPathRead> {
    let mut reads = Vec::new();
    // The enclosing nodes come from the walk: `Node::parent` climbs from the root on every call,
    // which costs quadratic time in a deeply nested tree.
    walk::preorder(root, |node, ancestors| {
        let path = match node.kind() {
            "invocation_expression" => invocation_path(node, ancestors, file),
            "element_access_expression" => index_path(node, file),
            _ => None,
        };
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            reads.push(ConfigPathRead {
                path,
                site: Site {
                    file: file.clone(),
                    span: span(node, file),
                },
                bound_type: bound_type(node, ancestors, file),
            });
        }
        true
    });
    reads
}

/// The method name of an invocation on a receiver (`x.Name(...)`, `x.Name<T>(...)`), with its
/// type argument text.
fn member_call<'t>(node: Node<'t>, file: &'t SourceFile) -> Option<(&'t str, Option<&'t str>)> {
    let function = node.child_by_field_name("function")?;
    if function.kind() != "member_access_expression" {
        return None;
    }
    let name = function.child_by_field_name("name")?;
    Some(match name.kind() {
        "generic_name" => (
            text(name.named_child(0)?, file),
            name.named_child(1)
                .map(|t| text(t, file).trim_matches(['<', '>']).trim()),
        ),
        _ => (text(name, file), None),
    })
}

fn first_argument(node: Node) -> Option<Node> {
    let arguments = node.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let first = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() == "argument")?;
    argument_expression(first)
}

fn invocation_path(node: Node, ancestors: &[Node], file: &SourceFile) -> Option<String> {
    let (name, _) = member_call(node, file)?;
    match name {
        _ if SECTION_METHODS.contains(&name) => {
            if continued_by_section(node, ancestors, file) {
                return None;
            }
            section_path(&classify(node, file))
        }
        "GetValue" => {
            let key = string_value(first_argument(node)?, file)?;
            let receiver = node
                .child_by_field_name("function")?
                .child_by_field_name("expression")?;
            Some(match section_path(&classify(receiver, file)) {
                Some(prefix) => format!("{prefix}:{key}"),
                None => key,
            })
        }
        _ if PATH_METHODS.contains(&name) => string_value(first_argument(node)?, file),
        _ => None,
    }
}

/// `config["A:B"]`.
fn index_path(node: Node, file: &SourceFile) -> Option<String> {
    let subscript = node.child_by_field_name("subscript")?;
    let mut cursor = subscript.walk();
    let first = subscript
        .named_children(&mut cursor)
        .find(|c| c.kind() == "argument")?;
    string_value(argument_expression(first)?, file)
}

/// The path of a `GetSection` chain whose every part is a literal.
fn section_path(expr: &Expr) -> Option<String> {
    let Expr::Section { parts, .. } = expr else {
        return None;
    };
    let parts: Option<Vec<&str>> = parts.iter().map(Expr::literal_string).collect();
    Some(parts?.join(":"))
}

/// Whether `node` is the receiver of another `GetSection` (the outer call reads the full path).
fn continued_by_section(node: Node, ancestors: &[Node], file: &SourceFile) -> bool {
    outer_call(node, ancestors).is_some_and(|outer| {
        member_call(outer, file).is_some_and(|(name, _)| SECTION_METHODS.contains(&name))
    })
}

/// The invocation `node` is the receiver of: `node.Next(...)` (`ancestors`: the nodes that
/// enclose `node`, outermost first).
fn outer_call<'t>(node: Node<'t>, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
    let [.., call, access] = ancestors else {
        return None;
    };
    let (call, access) = (*call, *access);
    if access.kind() != "member_access_expression"
        || access.child_by_field_name("expression") != Some(node)
    {
        return None;
    }
    (call.kind() == "invocation_expression" && call.child_by_field_name("function") == Some(access))
        .then_some(call)
}

/// `T` of `read.Get<T>()` or of `Configure<T>(read)`.
fn bound_type(node: Node, ancestors: &[Node], file: &SourceFile) -> Option<String> {
    if let Some(outer) = outer_call(node, ancestors)
        && let Some(("Get" | "GetValue", Some(t))) = member_call(outer, file)
    {
        return Some(t.to_string());
    }
    let [.., call, _list, argument] = ancestors else {
        return None;
    };
    if argument.kind() != "argument" {
        return None;
    }
    let call = *call;
    if call.kind() != "invocation_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let name = match function.kind() {
        "member_access_expression" => function.child_by_field_name("name")?,
        _ => function,
    };
    (name.kind() == "generic_name")
        .then(|| name.named_child(1))
        .flatten()
        .map(|t| text(t, file).trim_matches(['<', '>']).trim().to_string())
}
