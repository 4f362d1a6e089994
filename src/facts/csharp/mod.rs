//! Extracts syntax facts from one C# file with tree-sitter: the calls the rules care about (with
//! type arguments, reduced arguments, receiver, chained calls and the enclosing method), using
//! directives, project declarations (methods, types, string constants) and legacy type references.
//! Nothing here knows the project: deciding what is the library happens in `facts::resolve`.

mod ancestry;
pub mod config_reads;
mod depth;
pub use depth::MAX_NESTING;
pub mod environment;
pub mod expr;
mod scopes;
mod skim;
pub mod startup;
mod trace;
mod walk;

use std::sync::{Arc, OnceLock};

use tree_sitter::{Node, Parser, Query, QueryCursor, StreamingIterator};

use crate::core::Site;
use crate::core::catalogue;
use crate::core::{SourceFile, Span};
use crate::facts::model::{
    CapturedRead, ChainedCall, ConfigureLambda, Expr, ScopeList, ScopePiece, SettingsSource,
};
use ancestry::{Ancestry, is_inside, nearest};
use expr::{argument_expression, classify, span, text};
pub use skim::{ListSource, Skimmed, skim};
use trace::Tracer;

#[derive(Debug, Clone)]
pub struct UsingDirective {
    pub namespace: String,
    pub alias: Option<String>,
    pub global: bool,
    pub is_static: bool,
    pub site: Site,
}

#[derive(Debug, Clone)]
pub struct MethodDecl {
    pub name: String,
    pub type_params: usize,
    /// Parameter types as written, not counting an extension method's `this` parameter nor a
    /// `params` array.
    pub param_types: Vec<String>,
    /// How many of them a call must pass: the ones before the first with a default value.
    pub required_params: usize,
    /// The method ends in a `params` array, which takes any number of further arguments.
    pub variadic: bool,
}

#[derive(Debug, Clone)]
pub struct TypeDecl {
    pub name: String,
    pub bases: Vec<String>,
    pub site: Site,
    /// The properties and fields it declares (a record's positional parameters included): what
    /// configuration binding can fill.
    pub members: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Constant {
    pub name: String,
    pub class: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct TypeParam {
    pub name: String,
    pub constraints: Vec<String>,
}

/// The method or local function a call sits in.
#[derive(Debug, Clone)]
pub struct EnclosingMethod {
    pub name: String,
    /// Type parameters of the method and of its class.
    pub type_params: Vec<TypeParam>,
    /// The method's parameters: (type as written, name).
    pub parameters: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct TypeArg {
    pub text: String,
    pub site: Site,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub expr: Expr,
    pub site: Site,
    /// Set when the argument is a lambda.
    pub lambda: Option<ConfigureLambda>,
    /// Set for the arguments of registration calls, traced to their origin.
    pub settings: Option<SettingsSource>,
    /// For the arguments of legacy registrations and `ConfigureMaskinportenClient`: variables
    /// filled from configuration earlier that the argument copies.
    pub captured: Vec<CapturedRead>,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub name: String,
    pub type_args: Vec<TypeArg>,
    pub args: Vec<Arg>,
    pub site: Site,
    pub method_site: Site,
    pub receiver: Option<(Site, Expr)>,
    pub chain: Vec<ChainedCall>,
    pub enclosing_method: Option<EnclosingMethod>,
    pub enclosing_class: Option<String>,
    /// The call is one arm of a switch expression or a branch of `?:`: chosen at run time.
    pub alternative: bool,
    /// The comments inside the call, in order.
    pub comments: Vec<Span>,
    /// The receiver, when it is itself a call: `services.AddHttpClient<I, Impl>()` before
    /// `.UseMaskinportenAuthorization(...)`.
    pub receiver_call: Option<ReceiverCall>,
    /// For the built-in client's calls (`GetAccessToken`, `UseMaskinportenAuthorization`...):
    /// the scopes their arguments ask for, as written.
    pub scopes: Vec<ScopePiece>,
    /// The first argument is a `MaskinportenTokenRequest` written in place.
    pub request: bool,
}

/// A call that is the receiver of another: its method name, type arguments and arguments as
/// written, and its own receiver.
#[derive(Debug, Clone)]
pub struct ReceiverCall {
    pub name: String,
    pub type_args: Vec<String>,
    pub args: Vec<String>,
    pub method_site: Site,
    pub receiver: Option<Site>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefContext {
    Parameter,
    Field,
    Property,
    Local,
    TypeArgument,
    Base,
    Other,
}

/// A use of one of the legacy type names in code.
#[derive(Debug, Clone)]
pub struct TypeRef {
    pub name: String,
    /// The qualified name when written as `A.B.Name`.
    pub qualified: Option<String>,
    pub context: RefContext,
    pub class: Option<String>,
    /// The parameter, field or property name it declares.
    pub member: Option<String>,
    /// For a type argument, the generic type it is an argument of (`IOptions`).
    pub container: Option<String>,
    pub site: Site,
}

/// Everything extracted from one file.
#[derive(Debug)]
pub struct CsFile {
    pub file: Arc<SourceFile>,
    /// Namespaces the file declares.
    pub namespaces: Vec<String>,
    pub usings: Vec<UsingDirective>,
    pub methods: Vec<MethodDecl>,
    pub types: Vec<TypeDecl>,
    pub constants: Vec<Constant>,
    /// `static readonly` collections of scopes (and token requests).
    pub scope_lists: Vec<ScopeList>,
    pub calls: Vec<Call>,
    pub type_refs: Vec<TypeRef>,
    /// Places where the parser found syntax errors (at most a few).
    pub parse_errors: Vec<Span>,
    /// Start-up steps, for files that configure the host.
    pub startup: Vec<startup::StartupEvent>,
    /// Where a public name of a legacy namespace occurs in code (not in a `using`), for files
    /// that import one: a `using` stays while any of its names is used.
    pub legacy_name_uses: Vec<(String, Span)>,
    /// Configuration read by a literal path.
    pub config_reads: Vec<config_reads::ConfigPathRead>,
    /// Where an expression was nested too deeply to analyse (the first such place), if any.
    pub too_deep: Option<Span>,
}

/// One compiled query file. Compiling a query against the C# grammar takes tens of
/// milliseconds, so each is compiled once, and `warm_up` starts all of them on their own threads
/// while discovery walks the file system.
struct LazyQuery {
    name: &'static str,
    source: &'static str,
    compiled: OnceLock<Query>,
}

impl LazyQuery {
    const fn new(name: &'static str, source: &'static str) -> Self {
        LazyQuery {
            name,
            source,
            compiled: OnceLock::new(),
        }
    }

    fn get(&self) -> &Query {
        self.compiled.get_or_init(|| {
            Query::new(&tree_sitter_c_sharp::LANGUAGE.into(), self.source)
                .unwrap_or_else(|e| panic!("queries/{} does not compile: {e}", self.name))
        })
    }
}

static CALLS: LazyQuery = LazyQuery::new("calls.scm", include_str!("../../../queries/calls.scm"));
static DECLARATIONS: LazyQuery = LazyQuery::new(
    "declarations.scm",
    include_str!("../../../queries/declarations.scm"),
);
static TYPE_REFS: LazyQuery = LazyQuery::new(
    "type_references.scm",
    include_str!("../../../queries/type_references.scm"),
);

/// Starts compiling the queries in the background.
pub fn warm_up() {
    // Once per process: a fleet runs one analysis per repository.
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        for query in [&CALLS, &DECLARATIONS, &TYPE_REFS] {
            std::thread::spawn(move || {
                query.get();
            });
        }
    });
}

thread_local! {
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new({
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
            .expect("the C# grammar is compatible with tree-sitter");
        parser
    });
}

/// Parses a file and extracts its facts.
pub fn extract(file: Arc<SourceFile>) -> CsFile {
    let tree = PARSER.with(|p| p.borrow_mut().parse(&file.text, None));
    depth::reset();
    let mut out = CsFile {
        file: file.clone(),
        namespaces: Vec::new(),
        usings: Vec::new(),
        methods: Vec::new(),
        types: Vec::new(),
        constants: Vec::new(),
        scope_lists: Vec::new(),
        calls: Vec::new(),
        type_refs: Vec::new(),
        parse_errors: Vec::new(),
        startup: Vec::new(),
        legacy_name_uses: Vec::new(),
        config_reads: Vec::new(),
        too_deep: None,
    };
    let Some(tree) = tree else {
        out.parse_errors.push(Span::new(0, 0));
        return out;
    };
    let root = tree.root_node();
    if root.has_error() {
        collect_errors(root, &file, &mut out.parse_errors);
    }
    if let Some(at) = depth::first_too_deep(root) {
        depth::record(at);
    }
    let bytes = file.text.as_bytes();
    if config_reads::may_read(&file.text) {
        out.config_reads = config_reads::config_reads(root, &file);
    }
    if file.text.contains(catalogue::WEB_HOST) || file.text.contains("AzureKeyVault") {
        out.startup = startup::startup_events(root, &file);
    }

    let mut declarations: Vec<(&str, Node)> = Vec::new();
    let query = DECLARATIONS.get();
    let mut cursor = QueryCursor::new();
    cursor.set_max_start_depth(Some(MAX_NESTING as u32));
    let mut matches = cursor.matches(query, root, bytes);
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            declarations.push((query.capture_names()[capture.index as usize], capture.node));
        }
    }

    // Files that only set up the host (Key Vault, web host) hold none of the names the call and
    // type queries look for: skip those queries there.
    let mentions = |names: &[&str]| names.iter().any(|n| file.text.contains(n));
    let mut calls: Vec<Node> = Vec::new();
    let mut type_refs: Vec<Node> = Vec::new();
    if mentions(&[
        "Maskinporten",
        catalogue::TOKEN_CACHE,
        catalogue::SHIM_TYPES[1],
    ]) {
        let query = CALLS.get();
        let call_index = query.capture_index_for_name("call");
        let mut cursor = QueryCursor::new();
        cursor.set_max_start_depth(Some(MAX_NESTING as u32));
        let mut matches = cursor.matches(query, root, bytes);
        while let Some(m) = matches.next() {
            if let Some(capture) = m.captures().iter().find(|c| Some(c.index) == call_index) {
                calls.push(capture.node);
            }
        }
        if mentions(&catalogue::TYPE_REFERENCE_NAMES) {
            let mut cursor = QueryCursor::new();
            cursor.set_max_start_depth(Some(MAX_NESTING as u32));
            let mut matches = cursor.matches(TYPE_REFS.get(), root, bytes);
            while let Some(m) = matches.next() {
                type_refs.extend(m.captures().iter().map(|c| c.node));
            }
        }
    }

    let constants = declarations
        .iter()
        .filter(|(name, _)| matches!(*name, "constant" | "field" | "property"))
        .map(|(_, node)| *node);
    let targets: Vec<Node> = constants
        .chain(calls.iter().copied())
        .chain(type_refs.iter().copied())
        .collect();
    let ancestry = Ancestry::of(root, &targets);

    for (name, node) in declarations {
        match name {
            "method" => out.methods.push(method_decl(node, &file)),
            "type" => out.types.push(type_decl(node, &file)),
            "constant" => out
                .constants
                .extend(constant(node, ancestry.of_node(node), &file)),
            "field" | "property" => {
                out.scope_lists
                    .extend(scope_list(node, ancestry.of_node(node), &file))
            }
            "using" => out.usings.extend(using_directive(node, &file)),
            "namespace" => out
                .namespaces
                .push(text(node, &file).split_whitespace().collect()),
            _ => {}
        }
    }
    if out
        .usings
        .iter()
        .any(|u| catalogue::is_legacy_namespace(&u.namespace))
    {
        let aliases: Vec<&str> = out
            .usings
            .iter()
            .filter(|u| catalogue::is_legacy_namespace(&u.namespace))
            .filter_map(|u| u.alias.as_deref())
            .collect();
        out.legacy_name_uses = legacy_name_uses(root, &file, &aliases);
    }
    let mut tracer = Tracer::new(&file);
    for node in calls {
        out.calls
            .push(call(node, ancestry.of_node(node), &file, &mut tracer));
    }
    for node in type_refs {
        out.type_refs
            .extend(type_ref(node, ancestry.of_node(node), &file));
    }
    out.too_deep = depth::cut_at().map(|at| file.span_of_text(at, at));
    out
}

/// Identifiers that name something public of a legacy namespace, or a `using` alias of one,
/// outside `using` directives.
fn legacy_name_uses(root: Node, file: &SourceFile, aliases: &[&str]) -> Vec<(String, Span)> {
    let names: std::collections::HashSet<&str> = catalogue::LEGACY_NAMES
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .chain(aliases.iter().copied())
        .collect();
    let mut found = Vec::new();
    walk::preorder(root, |node, ancestors| {
        // A method of the project's own that is named like a legacy method is no use of it.
        // (The walk's ancestors, not `Node::parent`, which climbs from the root every time.)
        let declares = ancestors.last().is_some_and(|p| {
            p.kind() == "method_declaration" && p.child_by_field_name("name") == Some(node)
        });
        if node.kind() == "identifier" && !declares && names.contains(text(node, file)) {
            found.push((text(node, file).to_string(), span(node, file)));
        }
        node.kind() != "using_directive"
    });
    found
}

/// The first few syntax errors, found by descending only into subtrees that hold one.
fn collect_errors(root: Node, file: &SourceFile, out: &mut Vec<Span>) {
    walk::preorder(root, |node, _| {
        if out.len() >= 5 {
            return false;
        }
        if node.is_error() || node.is_missing() {
            out.push(span(node, file));
            return false;
        }
        node.has_error()
    });
}

fn site(node: Node, file: &Arc<SourceFile>) -> Site {
    Site {
        file: file.clone(),
        span: span(node, file),
    }
}

fn method_decl(node: Node, file: &SourceFile) -> MethodDecl {
    let name = node
        .child_by_field_name("name")
        .map(|n| text(n, file).to_string())
        .unwrap_or_default();
    let type_params = node
        .child_by_field_name("type_parameters")
        .map_or(0, |t| t.named_child_count());
    let mut param_types = Vec::new();
    let mut required_params = None;
    let mut variadic = false;
    if let Some(list) = node.child_by_field_name("parameters") {
        let mut cursor = list.walk();
        // A `params` array is not a `parameter` node: its keyword, type and name sit in the list.
        variadic = list.children(&mut cursor).any(|c| c.kind() == "params");
        let mut cursor = list.walk();
        for (i, p) in list
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "parameter")
            .enumerate()
        {
            let mut c = p.walk();
            let is_this = p
                .children(&mut c)
                .any(|m| m.kind() == "modifier" && text(m, file) == "this");
            if i == 0 && is_this {
                continue;
            }
            let mut c = p.walk();
            let has_default = p.children(&mut c).any(|m| m.kind() == "=");
            if has_default && required_params.is_none() {
                required_params = Some(param_types.len());
            }
            let written = p.child_by_field_name("type").map(|t| text(t, file));
            param_types.push(written.unwrap_or_default().to_string());
        }
    }
    MethodDecl {
        name,
        type_params,
        required_params: required_params.unwrap_or(param_types.len()),
        param_types,
        variadic,
    }
}

fn type_decl(node: Node, file: &Arc<SourceFile>) -> TypeDecl {
    let name_node = node.child_by_field_name("name").unwrap_or(node);
    let mut cursor = node.walk();
    let bases = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "base_list")
        .flat_map(|b| {
            let mut c = b.walk();
            b.named_children(&mut c)
                .map(|t| {
                    let written = text(t, file);
                    // `IClientDefinition`, `Ns.IClientDefinition`, `Base<T>`: keep the simple name.
                    let simple = written.split('<').next().unwrap_or(written);
                    simple
                        .rsplit('.')
                        .next()
                        .unwrap_or(simple)
                        .trim()
                        .to_string()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    TypeDecl {
        name: text(name_node, file).to_string(),
        bases,
        site: site(name_node, file),
        members: members(node, file),
    }
}

/// The names of a type's properties, fields and positional record parameters.
fn members(node: Node, file: &SourceFile) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "parameter_list" => {
                let mut c = child.walk();
                names.extend(
                    child
                        .named_children(&mut c)
                        .filter_map(|p| p.child_by_field_name("name"))
                        .map(|n| text(n, file).to_string()),
                );
            }
            "declaration_list" => {
                let mut c = child.walk();
                for member in child.named_children(&mut c) {
                    match member.kind() {
                        "property_declaration" => names.extend(
                            member
                                .child_by_field_name("name")
                                .map(|n| text(n, file).to_string()),
                        ),
                        "field_declaration" => walk::preorder(member, |n, _| {
                            if n.kind() == "variable_declarator"
                                && let Some(name) = n.child_by_field_name("name")
                            {
                                names.push(text(name, file).to_string());
                            }
                            true
                        }),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    names
}

fn modifiers<'f>(holder: Node, file: &'f SourceFile) -> Vec<&'f str> {
    let mut cursor = holder.walk();
    holder
        .children(&mut cursor)
        .filter(|c| c.kind() == "modifier")
        .map(|m| text(m, file))
        .collect()
}

/// Whether a field never changes after its initializer: `const` or `static readonly`.
fn is_fixed_field(holder: Node, file: &SourceFile) -> bool {
    let modifiers = modifiers(holder, file);
    modifiers.contains(&"const")
        || (modifiers.contains(&"static") && modifiers.contains(&"readonly"))
}

/// A `const string` or `static readonly string` with a literal value.
fn constant(declarator: Node, ancestors: &[Node], file: &SourceFile) -> Option<Constant> {
    if !is_fixed_field(*ancestors.get(1)?, file) {
        return None;
    }
    let name = text(declarator.child_by_field_name("name")?, file).to_string();
    let value_node = declarator
        .named_child(u32::try_from(declarator.named_child_count().checked_sub(1)?).ok()?)?;
    Some(Constant {
        name,
        class: enclosing_class(ancestors, file),
        value: expr::string_value(value_node, file)?,
    })
}

/// Value kinds and declared types that can hold scopes.
const LIST_VALUES: [&str; 5] = [
    "collection_expression",
    "array_creation_expression",
    "implicit_array_creation_expression",
    "object_creation_expression",
    "implicit_object_creation_expression",
];

/// A `static readonly` (or `const`) field, or a static get-only property, whose value is a
/// collection of scopes or a token request: `static readonly string[] All = [Arkiv, "x"];`.
fn scope_list(node: Node, ancestors: &[Node], file: &SourceFile) -> Option<ScopeList> {
    let (name, declared, value) = if node.kind() == "property_declaration" {
        let accessors = node.child_by_field_name("accessors");
        let settable = accessors.is_some_and(|a| {
            let written = text(a, file);
            written.contains("set") || written.contains("init")
        });
        if settable || !modifiers(node, file).contains(&"static") {
            return None;
        }
        let value = node.child_by_field_name("value")?;
        let value = if value.kind() == "arrow_expression_clause" {
            value.named_child(0)?
        } else {
            value
        };
        (
            node.child_by_field_name("name")?,
            node.child_by_field_name("type")?,
            value,
        )
    } else {
        // variable_declarator → variable_declaration → field_declaration
        let declaration = *ancestors.first()?;
        if !is_fixed_field(*ancestors.get(1)?, file) {
            return None;
        }
        let value =
            node.named_child(u32::try_from(node.named_child_count().checked_sub(1)?).ok()?)?;
        (
            node.child_by_field_name("name")?,
            declaration.child_by_field_name("type")?,
            value,
        )
    };
    let declared = text(declared, file);
    let holds_scopes = LIST_VALUES.contains(&expr::unwrap(value).kind())
        || declared.contains("string[]")
        || declared.contains("<string>")
        || declared.contains(catalogue::TOKEN_REQUEST_TYPE);
    if !holds_scopes || value == name {
        return None;
    }
    Some(ScopeList {
        name: text(name, file).to_string(),
        class: enclosing_class(ancestors, file),
        terms: scopes::initializer_terms(value, file),
    })
}

/// The string constants and scope lists a file declares (for files the prefilter skips).
pub fn declared_values(file: &SourceFile) -> (Vec<Constant>, Vec<ScopeList>) {
    let Some(tree) = PARSER.with(|p| p.borrow_mut().parse(&file.text, None)) else {
        return (Vec::new(), Vec::new());
    };
    let root = tree.root_node();
    let query = DECLARATIONS.get();
    let mut nodes: Vec<(&str, Node)> = Vec::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, root, file.text.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            let name = query.capture_names()[capture.index as usize];
            if matches!(name, "constant" | "field" | "property") {
                nodes.push((name, capture.node));
            }
        }
    }
    let targets: Vec<Node> = nodes.iter().map(|(_, n)| *n).collect();
    let ancestry = Ancestry::of(root, &targets);
    let mut constants = Vec::new();
    let mut lists = Vec::new();
    for (name, node) in nodes {
        if name == "constant" {
            constants.extend(constant(node, ancestry.of_node(node), file));
        } else {
            lists.extend(scope_list(node, ancestry.of_node(node), file));
        }
    }
    (constants, lists)
}

fn using_directive(node: Node, file: &Arc<SourceFile>) -> Option<UsingDirective> {
    let mut global = false;
    let mut is_static = false;
    let mut target = None;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "global" => global = true,
            "static" => is_static = true,
            "qualified_name" | "identifier" | "generic_name" | "alias_qualified_name"
                if node.child_by_field_name("name") != Some(child) =>
            {
                target = Some(child);
            }
            _ => {}
        }
    }
    let alias = node
        .child_by_field_name("name")
        .map(|n| text(n, file).to_string());
    Some(UsingDirective {
        namespace: text(target?, file).split_whitespace().collect(),
        alias,
        global,
        is_static,
        site: site(node, file),
    })
}

fn generic_parts<'t>(name_node: Node<'t>, file: &SourceFile) -> (String, Option<Node<'t>>) {
    if name_node.kind() == "generic_name" {
        let name = name_node
            .named_child(0)
            .map(|n| text(n, file).to_string())
            .unwrap_or_default();
        (name, name_node.named_child(1))
    } else {
        (text(name_node, file).to_string(), None)
    }
}

fn type_arguments(list: Option<Node>, file: &Arc<SourceFile>) -> Vec<TypeArg> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .map(|t| TypeArg {
            text: text(t, file).to_string(),
            site: site(t, file),
        })
        .collect()
}

fn call<'t>(
    node: Node<'t>,
    ancestors: &[Node<'t>],
    file: &'t Arc<SourceFile>,
    tracer: &mut Tracer<'t>,
) -> Call {
    let function = node.child_by_field_name("function").unwrap_or(node);
    let (name_node, receiver) = match function.kind() {
        "member_access_expression" => (
            function.child_by_field_name("name").unwrap_or(function),
            function.child_by_field_name("expression"),
        ),
        "conditional_access_expression" => {
            let mut cursor = function.walk();
            let binding = function
                .named_children(&mut cursor)
                .find(|c| c.kind() == "member_binding_expression");
            (
                binding
                    .and_then(|b| b.child_by_field_name("name"))
                    .unwrap_or(function),
                function.child_by_field_name("condition"),
            )
        }
        _ => (function, None),
    };
    let (name, type_list) = generic_parts(name_node, file);
    let is_registration = catalogue::SETTINGS_METHODS.contains(&name.as_str());
    let copies_settings = is_registration
        || catalogue::REGISTRATION_METHODS.contains(&name.as_str())
        || name == catalogue::CLIENT_OVERRIDE;
    let body = ancestry::nearest(ancestors, &trace::BODY_KINDS).unwrap_or(node);
    let enclosing = enclosing_method(ancestors, file);
    let (scopes, request) =
        scope_arguments(node, &name, ancestors, enclosing.as_ref(), file, tracer);
    let args = node
        .child_by_field_name("arguments")
        .map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor)
                .filter(|c| c.kind() == "argument")
                .filter_map(|a| {
                    let expression = argument_expression(a)?;
                    let settings = (is_registration && !is_lambda(expression))
                        .then(|| tracer.settings_source(expression, node, body));
                    let mut argument = argument(expression, settings, file);
                    if copies_settings {
                        argument.captured = captured_reads(expression, node, body, file, tracer);
                    }
                    Some(argument)
                })
                .collect()
        })
        .unwrap_or_default();
    Call {
        name,
        type_args: type_arguments(type_list, file),
        args,
        site: site(node, file),
        method_site: site(name_node, file),
        receiver: receiver.map(|r| (site(r, file), classify(r, file))),
        chain: chained_calls(node, ancestors, file),
        enclosing_method: enclosing,
        enclosing_class: enclosing_class(ancestors, file),
        alternative: is_inside(ancestors, "switch_expression_arm")
            || is_inside(ancestors, "conditional_expression"),
        comments: comments_in(node, receiver, file),
        receiver_call: receiver.and_then(|r| receiver_call(r, file)),
        scopes,
        request,
    }
}

/// The scopes a call of the built-in client asks for: the first argument of `GetAccessToken`
/// and `GetAltinnExchangedToken`, every argument of `UseMaskinportenAuthorization` and kin.
fn scope_arguments<'t>(
    call: Node<'t>,
    name: &str,
    ancestors: &[Node<'t>],
    enclosing: Option<&EnclosingMethod>,
    file: &'t Arc<SourceFile>,
    tracer: &mut Tracer<'t>,
) -> (Vec<ScopePiece>, bool) {
    let all = if catalogue::BUILTIN_AUTHORIZATION.contains(&name) {
        true
    } else if catalogue::BUILTIN_TOKEN_CALLS.contains(&name) {
        false
    } else {
        return (Vec::new(), false);
    };
    let arguments: Vec<Node> = call
        .child_by_field_name("arguments")
        .map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor)
                .filter(|c| c.kind() == "argument")
                .filter_map(argument_expression)
                .collect()
        })
        .unwrap_or_default();
    let taken = if all { arguments.len() } else { 1 };
    // The functions around the call, nearest first; the file itself only for top-level
    // statements (it would otherwise hold every class's fields and other methods' locals).
    let mut bodies: Vec<Node> = ancestors
        .iter()
        .copied()
        .filter(|n| trace::BODY_KINDS.contains(&n.kind()))
        .collect();
    if bodies.len() > 1 {
        bodies.retain(|n| n.kind() != "compilation_unit");
    }
    let mut scope = scopes::Scope {
        tracer,
        bodies,
        method: enclosing.map(|m| m.name.clone()),
    };
    let pieces = arguments
        .iter()
        .take(taken)
        .flat_map(|a| scopes::argument_terms(*a, file, &mut scope))
        .map(|read| ScopePiece {
            term: read.term,
            site: site(read.node, file),
            via: read.via,
        })
        .collect();
    let request = arguments
        .first()
        .is_some_and(|a| scopes::is_request(*a, file));
    (pieces, request)
}

/// The outer variables an argument reads that configuration was read into before `call`.
fn captured_reads<'t>(
    argument: Node<'t>,
    call: Node<'t>,
    body: Node<'t>,
    file: &'t Arc<SourceFile>,
    tracer: &mut Tracer<'t>,
) -> Vec<CapturedRead> {
    expr::outer_names(argument, file)
        .iter()
        .filter_map(|name| tracer.variable(name, call.start_byte(), body))
        .filter(|source| {
            matches!(
                source,
                SettingsSource::Variable {
                    read_at: Some(_),
                    ..
                }
            )
        })
        .map(|variable| CapturedRead {
            variable,
            reader: site(argument, file),
        })
        .collect()
}

/// The receiver as a call, when it is one.
fn receiver_call(receiver: Node, file: &Arc<SourceFile>) -> Option<ReceiverCall> {
    if receiver.kind() != "invocation_expression" {
        return None;
    }
    let function = receiver.child_by_field_name("function")?;
    let (name_node, inner) = match function.kind() {
        "member_access_expression" => (
            function.child_by_field_name("name")?,
            function.child_by_field_name("expression"),
        ),
        _ => (function, None),
    };
    let (name, type_list) = generic_parts(name_node, file);
    let args = receiver
        .child_by_field_name("arguments")
        .map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor)
                .filter(|c| c.kind() == "argument")
                .map(|a| text(a, file).to_string())
                .collect()
        })
        .unwrap_or_default();
    Some(ReceiverCall {
        name,
        type_args: type_arguments(type_list, file)
            .into_iter()
            .map(|t| t.text)
            .collect(),
        args,
        method_site: site(name_node, file),
        receiver: inner.map(|i| site(i, file)),
    })
}

/// The comment nodes inside `node` but not inside its receiver (a fix replaces the call from its
/// name on; the receiver, which may be a long chain of other calls, is walked once for those),
/// in order.
fn comments_in(node: Node, receiver: Option<Node>, file: &SourceFile) -> Vec<Span> {
    let mut found = Vec::new();
    walk::preorder(node, |current, _| {
        if Some(current) == receiver {
            return false;
        }
        if current.kind() == "comment" {
            found.push(span(current, file));
        }
        true
    });
    found
}

fn is_lambda(expression: Node) -> bool {
    matches!(
        expr::unwrap(expression).kind(),
        "lambda_expression" | "anonymous_method_expression"
    )
}

fn argument(expression: Node, settings: Option<SettingsSource>, file: &Arc<SourceFile>) -> Arg {
    let expr = classify(expression, file);
    let lambda = (expr == Expr::Lambda).then(|| expr::configure_lambda(expression, file));
    Arg {
        expr,
        site: site(expression, file),
        lambda,
        settings,
        captured: Vec::new(),
    }
}

/// `.Next<..>(...)` calls made on the result of `call`, outermost last.
fn chained_calls(call: Node, ancestors: &[Node], file: &Arc<SourceFile>) -> Vec<ChainedCall> {
    let mut chain = Vec::new();
    let mut current = call;
    for pair in ancestors.chunks_exact(2) {
        let (access, invocation) = (pair[0], pair[1]);
        let is_chain = access.kind() == "member_access_expression"
            && access.child_by_field_name("expression") == Some(current)
            && invocation.kind() == "invocation_expression"
            && invocation.child_by_field_name("function") == Some(access);
        if !is_chain {
            break;
        }
        let (name, type_list) = access
            .child_by_field_name("name")
            .map(|n| generic_parts(n, file))
            .unwrap_or_default();
        chain.push(ChainedCall {
            name,
            type_args: type_arguments(type_list, file)
                .into_iter()
                .map(|t| t.text)
                .collect(),
            site: Site {
                file: file.clone(),
                span: file.span_of_text(current.end_byte(), invocation.end_byte()),
            },
        });
        current = invocation;
    }
    chain
}

fn enclosing_method(ancestors: &[Node], file: &SourceFile) -> Option<EnclosingMethod> {
    let mut method = None;
    let mut type_params = Vec::new();
    let mut parameters = Vec::new();
    for &n in ancestors {
        match n.kind() {
            "method_declaration" | "local_function_statement" if method.is_none() => {
                method = n
                    .child_by_field_name("name")
                    .map(|m| text(m, file).to_string());
                type_params.extend(type_parameters(n, file));
                parameters = method_parameters(n, file);
            }
            "class_declaration" | "struct_declaration" | "record_declaration" => {
                type_params.extend(type_parameters(n, file));
            }
            _ => {}
        }
    }
    Some(EnclosingMethod {
        name: method?,
        type_params,
        parameters,
    })
}

/// (type, name) of each parameter of a method or local function.
fn method_parameters(method: Node, file: &SourceFile) -> Vec<(String, String)> {
    let Some(list) = method.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|p| p.kind() == "parameter")
        .filter_map(|p| {
            let kind = p.child_by_field_name("type")?;
            let name = p.child_by_field_name("name")?;
            Some((text(kind, file).to_string(), text(name, file).to_string()))
        })
        .collect()
}

fn type_parameters(declaration: Node, file: &SourceFile) -> Vec<TypeParam> {
    let mut params: Vec<TypeParam> = declaration
        .child_by_field_name("type_parameters")
        .map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor)
                .filter_map(|p| p.child_by_field_name("name"))
                .map(|n| TypeParam {
                    name: text(n, file).to_string(),
                    constraints: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut cursor = declaration.walk();
    for clause in declaration
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "type_parameter_constraints_clause")
    {
        let mut c = clause.walk();
        let children: Vec<Node> = clause.named_children(&mut c).collect();
        let Some(target) = children.first().map(|t| text(*t, file)) else {
            continue;
        };
        let constraints = children[1..]
            .iter()
            .map(|c| {
                let t = c.child_by_field_name("type").unwrap_or(*c);
                text(t, file).to_string()
            })
            .collect::<Vec<_>>();
        if let Some(p) = params.iter_mut().find(|p| p.name == target) {
            p.constraints.extend(constraints);
        }
    }
    params
}

fn enclosing_class(ancestors: &[Node], file: &SourceFile) -> Option<String> {
    let class = nearest(
        ancestors,
        &[
            "class_declaration",
            "struct_declaration",
            "record_declaration",
        ],
    )?;
    class
        .child_by_field_name("name")
        .map(|m| text(m, file).to_string())
}

fn type_ref(identifier: Node, ancestors: &[Node], file: &Arc<SourceFile>) -> Option<TypeRef> {
    if is_inside(ancestors, "attribute") || is_inside(ancestors, "using_directive") {
        return None;
    }
    // Climb through `A.B.Name` and `Name<T>` to the whole type.
    let mut node = identifier;
    let mut above = ancestors;
    while let Some((&parent, rest)) = above.split_first() {
        let names_it = match parent.kind() {
            "qualified_name" => true,
            "generic_name" => parent.named_child(0) == Some(node),
            _ => false,
        };
        if !names_it {
            break;
        }
        node = parent;
        above = rest;
    }
    let parent = *above.first()?;
    let container = (parent.kind() == "type_argument_list")
        .then(|| above.get(1).copied())
        .flatten()
        .filter(|g| g.kind() == "generic_name")
        .and_then(|g| g.named_child(0))
        .map(|n| text(n, file).to_string());
    let field = |n: Node, name: &str| n.child_by_field_name(name) == Some(node);
    if field(parent, "name") {
        return None; // a declaration of that name, or a member access `.Name`
    }
    let (context, member) = match parent.kind() {
        "parameter" if field(parent, "type") => {
            (RefContext::Parameter, parent.child_by_field_name("name"))
        }
        "variable_declaration" if field(parent, "type") => {
            let mut cursor = parent.walk();
            let declarator = parent
                .named_children(&mut cursor)
                .find(|c| c.kind() == "variable_declarator")
                .and_then(|d| d.child_by_field_name("name"));
            let holder = above.get(1).map(|h| h.kind());
            let context = if holder == Some("field_declaration") {
                RefContext::Field
            } else {
                RefContext::Local
            };
            (context, declarator)
        }
        "property_declaration" if field(parent, "type") => {
            (RefContext::Property, parent.child_by_field_name("name"))
        }
        "type_argument_list" => match located_local(&above[1..], container.as_deref()) {
            // `var client = provider.GetRequiredService<IMaskinportenClient>();`
            Some(name) => (RefContext::Local, Some(name)),
            None => (RefContext::TypeArgument, None),
        },
        "base_list" => (RefContext::Base, None),
        _ => (RefContext::Other, None),
    };
    Some(TypeRef {
        name: text(identifier, file).to_string(),
        qualified: (node != identifier).then(|| text(node, file).to_string()),
        context,
        class: enclosing_class(ancestors, file),
        member: member.map(|m| text(m, file).to_string()),
        container,
        site: site(node, file),
    })
}

/// The local a service locator's result is stored in: `above` starts at the generic name of
/// `GetRequiredService<T>` and climbs through the call to its declarator.
fn located_local<'t>(above: &[Node<'t>], container: Option<&str>) -> Option<Node<'t>> {
    if !container.is_some_and(|c| catalogue::SERVICE_LOCATORS.contains(&c)) {
        return None;
    }
    let declarator = above.iter().copied().find(|n| {
        !matches!(
            n.kind(),
            "generic_name" | "member_access_expression" | "invocation_expression"
        )
    })?;
    let name = declarator.child_by_field_name("name")?;
    (declarator.kind() == "variable_declarator").then_some(name)
}
