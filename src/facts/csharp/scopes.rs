//! Reads the scopes an argument asks the built-in client for: string literals, collection
//! expressions, arrays and lists, `MaskinportenTokenRequest { Scopes = ... }`, locals followed
//! back to their value (and the items added to them), and names left for the project's
//! constants (`facts::resolve` looks them up). What only run time knows is kept as an unknown
//! term, with why: a scope is never dropped silently.

use tree_sitter::Node;

use super::expr::{self, classify, member_path, string_value, text, unwrap};
use super::trace::{Local, Tracer};
use crate::core::SourceFile;
use crate::core::catalogue::{TOKEN_REQUEST_SCOPES, TOKEN_REQUEST_TYPE};
use crate::facts::model::{Expr, ScopeTerm};

/// How deep locals may refer to other locals before the value counts as unknown.
const MAX_DEPTH: usize = 8;

/// Methods that pass their receiver's items on unchanged (`Scopes.ToArray()`).
const PASS_THROUGH: [&str; 7] = [
    "ToArray",
    "ToList",
    "ToHashSet",
    "AsEnumerable",
    "AsReadOnly",
    "ToImmutableArray",
    "Distinct",
];
/// Methods that add their argument's items to the receiver's (`Base.Concat(["x"])`).
const COMBINE: [&str; 3] = ["Concat", "Union", "Append"];

/// Where an argument sits: the function bodies around it (nearest first), for following
/// locals, and the method it is in, for naming a parameter.
pub struct Scope<'a, 't> {
    pub tracer: &'a mut Tracer<'t>,
    pub bodies: Vec<Node<'t>>,
    pub method: Option<String>,
}

/// One term with the node it was read from and the local it came through.
pub struct Read<'t> {
    pub term: ScopeTerm,
    pub node: Node<'t>,
    pub via: Option<String>,
}

/// The terms of a scope argument of a call, following locals.
pub fn argument_terms<'t>(
    node: Node<'t>,
    file: &'t SourceFile,
    scope: &mut Scope<'_, 't>,
) -> Vec<Read<'t>> {
    let mut reader = Reader {
        file,
        scope: Some(scope),
        depth: 0,
        out: Vec::new(),
    };
    reader.read(node, node.start_byte(), None);
    reader.out
}

/// The terms of a field or property initializer (no locals to follow).
pub fn initializer_terms(node: Node, file: &SourceFile) -> Vec<ScopeTerm> {
    let mut reader = Reader {
        file,
        scope: None,
        depth: 0,
        out: Vec::new(),
    };
    reader.read(node, node.start_byte(), None);
    reader.out.into_iter().map(|r| r.term).collect()
}

/// Whether an argument is a `MaskinportenTokenRequest` written in place.
pub fn is_request(node: Node, file: &SourceFile) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "implicit_object_creation_expression" => true,
        "object_creation_expression" => node
            .child_by_field_name("type")
            .is_some_and(|t| simple_type_name(text(t, file)) == TOKEN_REQUEST_TYPE),
        _ => false,
    }
}

fn simple_type_name(written: &str) -> &str {
    let base = written.split('<').next().unwrap_or(written);
    base.rsplit('.').next().unwrap_or(base).trim()
}

struct Reader<'a, 'b, 't> {
    file: &'t SourceFile,
    scope: Option<&'a mut Scope<'b, 't>>,
    depth: usize,
    out: Vec<Read<'t>>,
}

impl<'t> Reader<'_, '_, 't> {
    fn push(&mut self, term: ScopeTerm, node: Node<'t>, via: &Option<String>) {
        self.out.push(Read {
            term,
            node,
            via: via.clone(),
        });
    }

    fn unknown(&mut self, node: Node<'t>, why: impl Into<String>, via: &Option<String>) {
        let term = ScopeTerm::Unknown {
            text: shortened(text(node, self.file)),
            why: why.into(),
        };
        self.push(term, node, via);
    }

    /// Reads `node`, which `use_at` (the call or the declaration) reads.
    fn read(&mut self, node: Node<'t>, use_at: usize, via: Option<String>) {
        let node = unwrap(node);
        if let Some(value) = string_value(node, self.file) {
            self.push(ScopeTerm::Literal(value), node, &via);
            return;
        }
        match node.kind() {
            "interpolated_string_expression" => {
                self.unknown(node, "it is built when the call runs", &via)
            }
            "collection_expression" => {
                let mut cursor = node.walk();
                let elements: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "collection_element")
                    .filter_map(|e| e.named_child(0))
                    .collect();
                for element in elements {
                    // `expression_element` and `spread_element` (`..Other`) hold one expression.
                    if let Some(inner) = element.named_child(0) {
                        self.read(inner, use_at, via.clone());
                    }
                }
            }
            "array_creation_expression" | "implicit_array_creation_expression" => {
                match child_of_kind(node, "initializer_expression") {
                    Some(init) => self.read_items(init, use_at, &via),
                    None => self.unknown(node, "its items are not written out", &via),
                }
            }
            "object_creation_expression" | "implicit_object_creation_expression" => {
                self.read_creation(node, use_at, via)
            }
            "identifier" => self.read_name(node, use_at, via),
            "member_access_expression" | "qualified_name" => match member_path(node, self.file) {
                Some(path) => self.push(ScopeTerm::Name(path), node, &via),
                None => self.unknown(node, "it is computed when the call runs", &via),
            },
            "invocation_expression" => self.read_invocation(node, use_at, via),
            "conditional_expression" => {
                // Either branch may be asked for: both must be selected.
                for field in ["consequence", "alternative"] {
                    if let Some(branch) = node.child_by_field_name(field) {
                        self.read(branch, use_at, via.clone());
                    }
                }
            }
            "binary_expression"
                if node
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "??") =>
            {
                for field in ["left", "right"] {
                    if let Some(side) = node.child_by_field_name(field) {
                        self.read(side, use_at, via.clone());
                    }
                }
            }
            "cast_expression" => match node.child_by_field_name("value") {
                Some(value) => self.read(value, use_at, via),
                None => self.unknown(node, "it is computed when the call runs", &via),
            },
            _ => self.read_other(node, via),
        }
    }

    fn read_items(&mut self, initializer: Node<'t>, use_at: usize, via: &Option<String>) {
        let mut cursor = initializer.walk();
        let items: Vec<Node> = initializer.named_children(&mut cursor).collect();
        for item in items {
            self.read(item, use_at, via.clone());
        }
    }

    /// `new MaskinportenTokenRequest { Scopes = ... }`, `new() { Scopes = ... }`,
    /// `new List<string> { ... }`, `new List<string>(other)`.
    fn read_creation(&mut self, node: Node<'t>, use_at: usize, via: Option<String>) {
        let initializer = node
            .child_by_field_name("initializer")
            .or_else(|| child_of_kind(node, "initializer_expression"));
        let assignments: Vec<(String, Node)> = initializer
            .map(|init| {
                let mut cursor = init.walk();
                init.named_children(&mut cursor)
                    .filter(|c| c.kind() == "assignment_expression")
                    .filter_map(|a| {
                        let left = a.child_by_field_name("left")?;
                        Some((
                            text(left, self.file).to_string(),
                            a.child_by_field_name("right")?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !assignments.is_empty() || is_request(node, self.file) {
            match assignments
                .iter()
                .find(|(property, _)| property == TOKEN_REQUEST_SCOPES)
            {
                Some((_, value)) => self.read(*value, use_at, via),
                None => self.unknown(node, "it sets no Scopes the tool can see", &via),
            }
            return;
        }
        if let Some(init) = initializer {
            self.read_items(init, use_at, &via);
            return;
        }
        let arguments: Vec<Node> = node
            .child_by_field_name("arguments")
            .or_else(|| child_of_kind(node, "argument_list"))
            .map(|list| {
                let mut cursor = list.walk();
                list.named_children(&mut cursor)
                    .filter(|c| c.kind() == "argument")
                    .filter_map(expr::argument_expression)
                    .collect()
            })
            .unwrap_or_default();
        match arguments.as_slice() {
            [source] => self.read(*source, use_at, via),
            _ => self.unknown(node, "its items are not written out", &via),
        }
    }

    /// A name: a local of the enclosing functions, a parameter, or (left for the project's
    /// constants) a field.
    fn read_name(&mut self, node: Node<'t>, use_at: usize, via: Option<String>) {
        let name = text(node, self.file);
        let local = match self.scope.as_mut() {
            Some(scope) if self.depth < MAX_DEPTH => {
                let bodies = scope.bodies.clone();
                bodies
                    .into_iter()
                    .find_map(|body| scope.tracer.local(name, use_at, body))
            }
            _ => None,
        };
        match local {
            Some(Local::Value { value, added }) => {
                let via = via.or_else(|| Some(format!("the local `{name}`")));
                self.depth += 1;
                self.read(value, value.start_byte(), via.clone());
                for item in added {
                    self.read(item, item.start_byte(), via.clone());
                }
                self.depth -= 1;
            }
            Some(Local::Parameter) => {
                let method = self
                    .scope
                    .as_ref()
                    .and_then(|s| s.method.clone())
                    .map_or(String::new(), |m| format!(" of `{m}`"));
                self.unknown(
                    node,
                    format!("it is the parameter `{name}`{method}, so each caller passes its own"),
                    &via,
                );
            }
            Some(Local::Foreach { over }) => {
                let why = format!("it is each entry of `{}` in turn", text(over, self.file));
                self.unknown(node, why, &via);
            }
            None => self.push(ScopeTerm::Name(vec![name.to_string()]), node, &via),
        }
    }

    fn read_invocation(&mut self, node: Node<'t>, use_at: usize, via: Option<String>) {
        let function = node.child_by_field_name("function");
        let receiver = function
            .filter(|f| f.kind() == "member_access_expression")
            .and_then(|f| f.child_by_field_name("expression"));
        let method = function
            .filter(|f| f.kind() == "member_access_expression")
            .and_then(|f| f.child_by_field_name("name"))
            .map(|n| text(n, self.file));
        let arguments: Vec<Node> = node
            .child_by_field_name("arguments")
            .map(|list| {
                let mut cursor = list.walk();
                list.named_children(&mut cursor)
                    .filter(|c| c.kind() == "argument")
                    .filter_map(expr::argument_expression)
                    .collect()
            })
            .unwrap_or_default();
        match (receiver, method) {
            (Some(receiver), Some(m)) if PASS_THROUGH.contains(&m) && arguments.is_empty() => {
                self.read(receiver, use_at, via)
            }
            (Some(receiver), Some(m)) if COMBINE.contains(&m) && arguments.len() == 1 => {
                self.read(receiver, use_at, via.clone());
                self.read(arguments[0], use_at, via);
            }
            _ => self.read_other(node, via),
        }
    }

    fn read_other(&mut self, node: Node<'t>, via: Option<String>) {
        let why = match classify(node, self.file) {
            Expr::ConfigRead { key: Some(key) } => {
                format!("it is read from configuration (\"{key}\") when the call runs")
            }
            Expr::ConfigRead { key: None } | Expr::Section { .. } | Expr::SectionGet { .. } => {
                "it is read from configuration when the call runs".to_string()
            }
            _ => "it is computed when the call runs".to_string(),
        };
        self.unknown(node, why, &via);
    }
}

fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

/// An expression for a message: one line, at most 80 characters.
fn shortened(written: &str) -> String {
    let line: String = written.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 80 {
        line
    } else {
        line.chars().take(79).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use crate::core::SourceFile;
    use crate::facts::csharp::extract;
    use crate::facts::model::ScopeTerm;

    /// The terms of each token call of a snippet, as (term, via) pairs.
    fn terms_of(source: &str) -> Vec<Vec<(ScopeTerm, Option<String>)>> {
        let file = SourceFile::from_text(Path::new("S.cs"), source.to_string(), false);
        extract(Arc::new(file))
            .calls
            .iter()
            .filter(|c| c.name == "GetAccessToken")
            .map(|c| {
                c.scopes
                    .iter()
                    .map(|p| (p.term.clone(), p.via.clone()))
                    .collect()
            })
            .collect()
    }

    fn literal(s: &str) -> ScopeTerm {
        ScopeTerm::Literal(s.to_string())
    }

    fn name(s: &str) -> ScopeTerm {
        ScopeTerm::Name(s.split('.').map(str::to_string).collect())
    }

    fn unknown(text: &str, why: &str) -> ScopeTerm {
        ScopeTerm::Unknown {
            text: text.to_string(),
            why: why.to_string(),
        }
    }

    #[test]
    fn follows_collections_locals_and_names_and_keeps_what_only_run_time_knows() {
        let calls = terms_of(
            r#"using Altinn.App.Core.Features.Maskinporten;
public class S(IMaskinportenClient client)
{
    private static readonly string[] Extra = ["c"];

    public async Task M(bool internt, string fromCaller, CancellationToken ct)
    {
        string[] pair = new[] { "a", "b" };
        await client.GetAccessToken(pair.Concat(Extra).ToArray(), ct);
        await client.GetAccessToken(internt ? ["x"] : new List<string> { "y" });
        await client.GetAccessToken([..Extra, $"p:{fromCaller}", fromCaller, Scopes.Arkiv]);
        foreach (var each in Lists.All)
        {
            await client.GetAccessToken([each]);
        }
    }
}
"#,
        );
        let local = Some("the local `pair`".to_string());
        assert_eq!(
            calls,
            [
                vec![
                    (literal("a"), local.clone()),
                    (literal("b"), local),
                    (name("Extra"), None)
                ],
                vec![(literal("x"), None), (literal("y"), None)],
                vec![
                    (name("Extra"), None),
                    (
                        unknown("$\"p:{fromCaller}\"", "it is built when the call runs"),
                        None
                    ),
                    (
                        unknown(
                            "fromCaller",
                            "it is the parameter `fromCaller` of `M`, so each caller passes its own"
                        ),
                        None
                    ),
                    (name("Scopes.Arkiv"), None),
                ],
                vec![(
                    unknown("each", "it is each entry of `Lists.All` in turn"),
                    None
                )],
            ]
        );
    }
}
