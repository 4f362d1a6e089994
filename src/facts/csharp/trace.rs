//! Where the settings argument of a legacy registration come from: a configuration section, a
//! settings object built in code, a `with` copy, or a local variable followed back through its
//! function (its declaration, `section.Bind(v)`, `v.X = value` before and after the call).
//!
//! Each function body is indexed once, in one walk, by variable name; tracing a variable is then
//! a look-up, so a file with thousands of registrations costs linear time.

use std::collections::HashMap;

use tree_sitter::Node;

use super::expr::{argument_expression, assignment_parts, classify, coalesced, span, text, unwrap};
use super::walk::preorder;
use crate::core::{SourceFile, Span};
use crate::facts::model::{Assignment, Expr, SettingsSource};

/// How deep a settings source may refer to other variables (`var b = a with {..}`) before it
/// counts as unknown; real code needs two or three levels.
const MAX_DEPTH: usize = 16;

/// The node kinds that delimit a variable's scope.
pub const BODY_KINDS: [&str; 6] = [
    "method_declaration",
    "local_function_statement",
    "constructor_declaration",
    "lambda_expression",
    "accessor_declaration",
    "compilation_unit",
];

/// Something a body does with a variable, in source order.
#[derive(Clone)]
enum Event<'t> {
    /// `var v = value;` (`statement` when the declaration declares nothing else).
    Declared {
        value: Option<Node<'t>>,
        statement: Option<Node<'t>>,
    },
    Parameter,
    /// `foreach (var v in over)`.
    Foreach {
        over: Node<'t>,
    },
    /// `v = value`.
    Assigned {
        value: Node<'t>,
    },
    /// `v.Property = value` (`statement` when it is a statement of its own).
    Mutated {
        node: Node<'t>,
        property: String,
        value: Node<'t>,
        statement: Option<Node<'t>>,
    },
    /// `section.Bind(v)`.
    Bound {
        call: Node<'t>,
        section: Node<'t>,
        statement: Option<Node<'t>>,
    },
    /// `v.Add(item)` or `v.AddRange(items)`: a collection growing.
    Added {
        item: Node<'t>,
    },
}

/// What a local variable holds where it is read, for values other than settings (scope lists).
pub enum Local<'t> {
    /// Its last value before the read, with the items added to it since.
    Value {
        value: Node<'t>,
        added: Vec<Node<'t>>,
    },
    /// A parameter of the function: each caller decides.
    Parameter,
    /// The variable of a `foreach` over this.
    Foreach { over: Node<'t> },
}

/// A function body's variables: what happens to each, and how often each name is referred to.
#[derive(Default)]
struct BodyIndex<'t> {
    events: HashMap<String, Vec<(usize, Event<'t>)>>,
    references: HashMap<&'t str, usize>,
}

/// Traces settings arguments through the bodies of one file.
pub struct Tracer<'t> {
    file: &'t SourceFile,
    bodies: HashMap<usize, BodyIndex<'t>>,
    depth: usize,
}

impl<'t> Tracer<'t> {
    pub fn new(file: &'t SourceFile) -> Tracer<'t> {
        Tracer {
            file,
            bodies: HashMap::new(),
            depth: 0,
        }
    }

    /// The settings an argument of a legacy call stands for; `body` is the function the call
    /// sits in.
    pub fn settings_source(
        &mut self,
        argument: Node<'t>,
        call: Node<'t>,
        body: Node<'t>,
    ) -> SettingsSource {
        let expr = classify(argument, self.file);
        match expr {
            Expr::Path(ref path) if path.len() == 1 => self
                .trace_variable(&path[0], call.start_byte(), body)
                .unwrap_or_else(|| self.source_of(expr, argument, body)),
            _ => self.source_of(expr, argument, body),
        }
    }

    /// What the local `name` holds where `use_at` reads it, when it is a variable of `body`
    /// that can be traced.
    pub fn variable(
        &mut self,
        name: &str,
        use_at: usize,
        body: Node<'t>,
    ) -> Option<SettingsSource> {
        self.trace_variable(name, use_at, body)
    }

    /// What the local `name` of `body` holds where `use_at` reads it, when the body declares
    /// it (or takes it as a parameter).
    pub fn local(&mut self, name: &str, use_at: usize, body: Node<'t>) -> Option<Local<'t>> {
        let file = self.file;
        let index = self
            .bodies
            .entry(body.id())
            .or_insert_with(|| BodyIndex::of(body, file));
        let mut found = None;
        for (at, event) in index.events.get(name)? {
            if *at >= use_at {
                break;
            }
            match event {
                &Event::Declared {
                    value: Some(value), ..
                }
                | &Event::Assigned { value } => {
                    found = Some(Local::Value {
                        value,
                        added: Vec::new(),
                    });
                }
                Event::Parameter => found = Some(Local::Parameter),
                &Event::Foreach { over } => found = Some(Local::Foreach { over }),
                &Event::Added { item } => {
                    if let Some(Local::Value { added, .. }) = &mut found {
                        added.push(item);
                    }
                }
                _ => {}
            }
        }
        found
    }

    fn source_of(&mut self, expr: Expr, node: Node<'t>, body: Node<'t>) -> SettingsSource {
        let file = self.file;
        match expr {
            Expr::Section { parts, .. } => section_source(&parts, node, file),
            Expr::SectionGet { section, .. } => match *section {
                Expr::Section { parts, .. } => section_source(&parts, node, file),
                _ => unknown(node, file),
            },
            Expr::New { inits, .. } => SettingsSource::Object { inits },
            Expr::With { base, inits } => {
                let base_node = unwrap(node).named_child(0).unwrap_or(node);
                let base_source = match *base {
                    Expr::Path(ref path) if path.len() == 1 => self
                        .trace_variable(&path[0], node.start_byte(), body)
                        .unwrap_or_else(|| self.source_of(*base.clone(), base_node, body)),
                    other => self.source_of(other, base_node, body),
                };
                SettingsSource::With {
                    base: Box::new(base_source),
                    inits,
                }
            }
            _ => unknown(node, file),
        }
    }

    /// Follows `name` back through the statements of `body` that come before `use_at`: its
    /// declaration, `section.Bind(name)`, and `name.X = value` mutations; mutations after it
    /// are kept apart (the legacy library reads the object when the first request is sent).
    fn trace_variable(
        &mut self,
        name: &str,
        use_at: usize,
        body: Node<'t>,
    ) -> Option<SettingsSource> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let file = self.file;
        let index = self
            .bodies
            .entry(body.id())
            .or_insert_with(|| BodyIndex::of(body, file));
        let events = index.events.get(name).cloned().unwrap_or_default();
        let references = index.references.get(name).copied().unwrap_or(0);
        self.depth += 1;
        let traced = self.replay(name, use_at, body, &events, references);
        self.depth -= 1;
        traced
    }

    fn replay(
        &mut self,
        name: &str,
        use_at: usize,
        body: Node<'t>,
        events: &[(usize, Event<'t>)],
        references: usize,
    ) -> Option<SettingsSource> {
        let file = self.file;
        let mut found = false;
        let mut origin: Option<SettingsSource> = None;
        let mut mutations = Vec::new();
        let mut later_mutations = Vec::new();
        let mut read_at = None;
        // Statements that exist only for this variable, and whether its initializer is plain.
        let mut own_statements: Vec<Span> = Vec::new();
        let mut plain_initializer = false;
        let mut binds = 0;
        for (at, event) in events {
            if *at >= use_at {
                if let Event::Mutated {
                    node,
                    property,
                    value,
                    ..
                } = event
                {
                    later_mutations.push(assignment(*node, property, *value, file));
                }
                continue;
            }
            match event {
                &Event::Declared {
                    value: Some(value),
                    statement,
                } => {
                    found = true;
                    // `section.Get<T>() ?? new T()`: the configured value, when there is one.
                    let value = coalesced(value);
                    let expr = classify(value, file);
                    read_at = matches!(expr, Expr::SectionGet { .. }).then(|| span(value, file));
                    plain_initializer = matches!(expr, Expr::New { .. } | Expr::SectionGet { .. });
                    own_statements.extend(statement.map(|s| span(s, file)));
                    origin = Some(self.source_of(expr, value, body));
                }
                Event::Declared { value: None, .. } => {}
                Event::Parameter => {
                    found = true;
                    origin = Some(SettingsSource::Unknown {
                        description: format!("the parameter `{name}`"),
                    });
                }
                &Event::Foreach { over } => {
                    found = true;
                    origin = Some(SettingsSource::Unknown {
                        description: format!("each entry of `{}`", text(over, file)),
                    });
                }
                &Event::Assigned { value } => {
                    found = true;
                    origin = Some(self.source_of(classify(value, file), value, body));
                }
                Event::Mutated {
                    node,
                    property,
                    value,
                    statement,
                } => {
                    own_statements.extend(statement.map(|s| span(s, file)));
                    mutations.push(assignment(*node, property, *value, file));
                }
                &Event::Bound {
                    call,
                    section,
                    statement,
                } => {
                    found = true;
                    read_at = Some(span(call, file));
                    binds += 1;
                    own_statements.extend(statement.map(|s| span(s, file)));
                    origin = Some(self.source_of(classify(section, file), section, body));
                }
                Event::Added { .. } => {}
            }
        }
        // Removable with the registration when nothing else refers to it: the declaration, the
        // binds, the property sets before the call and the call's own argument are all its uses.
        let expected = 1 + binds + mutations.len();
        let removable = if plain_initializer
            && later_mutations.is_empty()
            && references == expected
            && own_statements.len() == expected
        {
            own_statements
        } else {
            Vec::new()
        };
        found.then(|| SettingsSource::Variable {
            name: name.to_string(),
            origin: origin.map(Box::new),
            read_at,
            mutations,
            later_mutations,
            removable,
        })
    }
}

fn assignment(node: Node, property: &str, value: Node, file: &SourceFile) -> Assignment {
    Assignment {
        property: property.to_string(),
        value: classify(value, file),
        span: span(node, file),
    }
}

fn unknown(node: Node, file: &SourceFile) -> SettingsSource {
    SettingsSource::Unknown {
        description: format!("`{}`", text(node, file)),
    }
}

fn section_source(parts: &[Expr], node: Node, file: &SourceFile) -> SettingsSource {
    let known: Option<Vec<&str>> = parts.iter().map(Expr::literal_string).collect();
    SettingsSource::Section {
        path: known.map(|p| p.join(":")),
        text: text(node, file).to_string(),
    }
}

impl<'t> BodyIndex<'t> {
    /// One walk of the body, in source order.
    fn of(body: Node<'t>, file: &'t SourceFile) -> BodyIndex<'t> {
        let mut index = BodyIndex::default();
        preorder(body, |node, ancestors| {
            if node.is_named() {
                index.visit(node, ancestors, file);
            }
            true
        });
        index
    }

    fn record(&mut self, name: &str, at: usize, event: Event<'t>) {
        self.events
            .entry(name.to_string())
            .or_default()
            .push((at, event));
    }

    fn visit(&mut self, node: Node<'t>, ancestors: &[Node<'t>], file: &'t SourceFile) {
        let at = node.start_byte();
        let parent = ancestors.last().copied();
        let statement = || parent.filter(|p| p.kind() == "expression_statement");
        match node.kind() {
            "identifier" => {
                let declares = parent.is_some_and(|p| {
                    p.kind() == "variable_declarator" && p.child_by_field_name("name") == Some(node)
                });
                if !declares {
                    *self.references.entry(text(node, file)).or_default() += 1;
                }
            }
            "variable_declarator" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let statement = sole_declaration(ancestors);
                    let value = node.named_child(1);
                    self.record(text(name, file), at, Event::Declared { value, statement });
                }
            }
            "parameter" => {
                if let Some(name) = node.child_by_field_name("name") {
                    self.record(text(name, file), at, Event::Parameter);
                }
            }
            "foreach_statement" => {
                if let (Some(left), Some(over)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) {
                    let mut names = vec![text(left, file)];
                    let mut cursor = left.walk();
                    names.extend(left.named_children(&mut cursor).map(|c| text(c, file)));
                    names.dedup();
                    for name in names {
                        self.record(name, at, Event::Foreach { over });
                    }
                }
            }
            "assignment_expression" => {
                let Some((path, value)) = assignment_parts(node, file) else {
                    return;
                };
                match path.as_slice() {
                    [variable] => self.record(variable, at, Event::Assigned { value }),
                    [variable, property] => {
                        let event = Event::Mutated {
                            node,
                            property: property.clone(),
                            value,
                            statement: statement(),
                        };
                        self.record(variable, at, event);
                    }
                    _ => {}
                }
            }
            "invocation_expression" => {
                if let Some((variable, item)) = added(node, file) {
                    self.record(text(variable, file), at, Event::Added { item });
                }
                if let Some((variable, section)) = bind(node, file) {
                    let statement = statement();
                    self.record(
                        text(variable, file),
                        at,
                        Event::Bound {
                            call: node,
                            section,
                            statement,
                        },
                    );
                }
            }
            _ => {}
        }
    }
}

/// The local declaration statement of a declarator, when it declares nothing else.
fn sole_declaration<'t>(ancestors: &[Node<'t>]) -> Option<Node<'t>> {
    let (&declaration, rest) = ancestors.split_last()?;
    let &statement = rest.last()?;
    let mut cursor = declaration.walk();
    let declarators = declaration
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "variable_declarator")
        .count();
    (statement.kind() == "local_declaration_statement" && declarators == 1).then_some(statement)
}

/// `v.Add(item)` / `v.AddRange(items)`: the variable and what it gets.
fn added<'t>(call: Node<'t>, file: &SourceFile) -> Option<(Node<'t>, Node<'t>)> {
    let function = call.child_by_field_name("function")?;
    let name = function.child_by_field_name("name")?;
    let variable = function.child_by_field_name("expression")?;
    if function.kind() != "member_access_expression"
        || variable.kind() != "identifier"
        || !matches!(text(name, file), "Add" | "AddRange")
    {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let mut items = arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "argument");
    let item = items.next().and_then(argument_expression)?;
    items.next().is_none().then_some((variable, item))
}

/// `section.Bind(v)`: the variable and the section.
fn bind<'t>(call: Node<'t>, file: &SourceFile) -> Option<(Node<'t>, Node<'t>)> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "member_access_expression"
        || text(function.child_by_field_name("name")?, file) != "Bind"
    {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let argument = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() == "argument")
        .and_then(argument_expression)?;
    Some((argument, function.child_by_field_name("expression")?))
}
