//! The order in which a Program.cs adds configuration sources: simulates the top-level statements
//! (or `Main`) in source order, stepping into the local functions and methods of the same file
//! they call, and records when the app's web host configuration (`ConfigureAppWebHost`), Key
//! Vault, any other configuration source the app adds itself (`AddJsonFile`,
//! `AddEnvironmentVariables`, ...) and the app's service registration happen, and in which
//! environments each happens (the `if (!builder.Environment.IsDevelopment())` around the
//! template's Key Vault call).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use tree_sitter::Node;

use super::environment::{EnvCondition, condition_of};
use super::expr::{argument_expression, string_value, text};
use crate::core::Site;
use crate::core::SourceFile;
use crate::core::catalogue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartupKind {
    /// `ConfigureAppWebHost(...)`: adds the provisioned `maskinporten-settings.json` and the rest.
    WebHost,
    /// `AddAzureKeyVaultAsConfigProvider()` or `AddAzureKeyVault(...)`.
    KeyVault,
    /// `RegisterCustomAppServices(...)` is entered: the app's own service registration.
    ServiceRegistration,
    /// Another configuration source the app adds itself (`StartupEvent::added` says which).
    Configuration,
}

/// A configuration source the app adds itself: `builder.Configuration.AddJsonFile("x.json")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedSource {
    /// The method: `AddJsonFile`, `AddEnvironmentVariables`, ...
    pub method: String,
    /// The first argument when it is a string literal: the file of `AddJsonFile`, the prefix of
    /// `AddEnvironmentVariables`.
    pub argument: Option<String>,
}

/// One step of the start-up, with the chain of calls that led to it (outermost first).
#[derive(Debug, Clone)]
pub struct StartupEvent {
    pub kind: StartupKind,
    pub site: Site,
    pub via: Vec<Site>,
    /// The top-level statement it happens in (None inside `Main`).
    pub statement: Option<Site>,
    /// The environments it happens in, from the `if` statements around it and around the
    /// calls that lead to it.
    pub condition: EnvCondition,
    /// For `StartupKind::Configuration`: the source added.
    pub added: Option<AddedSource>,
}

const MAX_DEPTH: usize = 6;

/// The start-up events of a file, in execution order; empty when the file has no entry point.
pub fn startup_events(root: Node, file: &Arc<SourceFile>) -> Vec<StartupEvent> {
    let functions = functions(root, file);
    let mut walker = Walker {
        file,
        functions: &functions,
        events: Vec::new(),
        stack: Vec::new(),
        statement: None,
        condition: Rc::new(EnvCondition::always()),
    };
    let mut cursor = root.walk();
    let globals: Vec<Node> = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "global_statement")
        .collect();
    if globals.is_empty() {
        if let Some(main) = functions.get("Main") {
            walker.walk(*main);
        }
    } else {
        for statement in globals {
            walker.statement = Some(walker.site(statement));
            walker.walk(statement);
        }
    }
    walker.events
}

/// Local functions and methods of the file, by name (the first of a name wins).
fn functions<'t>(root: Node<'t>, file: &SourceFile) -> HashMap<String, Node<'t>> {
    let mut found = HashMap::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind(),
            "local_function_statement" | "method_declaration"
        ) && let (Some(name), Some(body)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("body"),
        ) {
            found.entry(text(name, file).to_string()).or_insert(body);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

struct Walker<'a, 't> {
    file: &'a Arc<SourceFile>,
    functions: &'a HashMap<String, Node<'t>>,
    events: Vec<StartupEvent>,
    /// The calls being stepped into, outermost first.
    stack: Vec<(String, Site)>,
    /// The top-level statement being walked.
    statement: Option<Site>,
    /// The environments the code being walked runs in.
    condition: Rc<EnvCondition>,
}

impl<'t> Walker<'_, 't> {
    fn site(&self, node: Node) -> Site {
        Site {
            file: self.file.clone(),
            span: self.file.span_of_text(node.start_byte(), node.end_byte()),
        }
    }

    fn push(&mut self, kind: StartupKind, node: Node) {
        self.events.push(StartupEvent {
            kind,
            site: self.site(node),
            via: self.stack.iter().map(|(_, s)| s.clone()).collect(),
            statement: self.statement.clone(),
            condition: (*self.condition).clone(),
            added: None,
        });
    }

    /// Visits `node` in source order; a call of a function of the file is stepped into after its
    /// arguments, as it runs, and the branches of an `if` are visited under the environments
    /// its condition allows. Iterative (an explicit stack of nodes still to visit, each with the
    /// environments it runs in), so no nesting, however deep, can exhaust the stack; stepping
    /// into calls is bounded by `MAX_DEPTH`.
    fn walk(&mut self, node: Node<'t>) {
        let outer = self.condition.clone();
        // (node, whether its children have been visited, the environments it runs in)
        let mut pending: Vec<(Node<'t>, bool, Rc<EnvCondition>)> =
            vec![(node, false, outer.clone())];
        let mut children = Vec::new();
        while let Some((node, visited, condition)) = pending.pop() {
            if visited {
                if node.kind() == "invocation_expression" {
                    self.condition = condition;
                    self.invocation(node);
                }
                continue;
            }
            // A local function is a definition, not a step.
            if node.kind() == "local_function_statement" {
                continue;
            }
            if node.kind() == "if_statement"
                && let Some(test) = node.child_by_field_name("condition")
            {
                let when = condition_of(test, self.file);
                let branches = [
                    (node.child_by_field_name("alternative"), when.negate()),
                    (node.child_by_field_name("consequence"), when),
                ];
                for (branch, holds) in branches {
                    if let Some(branch) = branch {
                        pending.push((branch, false, Rc::new(condition.and(&holds))));
                    }
                }
                pending.push((test, false, condition));
                continue;
            }
            pending.push((node, true, condition.clone()));
            let mut cursor = node.walk();
            children.extend(node.named_children(&mut cursor));
            pending.extend(
                children
                    .drain(..)
                    .rev()
                    .map(|child| (child, false, condition.clone())),
            );
        }
        self.condition = outer;
    }

    fn invocation(&mut self, call: Node<'t>) {
        let Some(name) = called_name(call, self.file) else {
            return;
        };
        match name.as_str() {
            catalogue::WEB_HOST => self.push(StartupKind::WebHost, call),
            n if catalogue::KEY_VAULT_METHODS.contains(&n) => {
                self.push(StartupKind::KeyVault, call)
            }
            n if catalogue::CONFIG_SOURCE_METHODS.contains(&n) && !on_new_builder(call) => {
                self.push(StartupKind::Configuration, call);
                let argument = first_string_argument(call, self.file);
                if let Some(event) = self.events.last_mut() {
                    event.added = Some(AddedSource {
                        method: n.to_string(),
                        argument,
                    });
                }
            }
            _ => {}
        }
        if name == catalogue::SERVICE_HOOK {
            self.push(StartupKind::ServiceRegistration, call);
        }
        // Only a plain `Name(...)` calls a local function or a method of this file.
        let is_plain = call
            .child_by_field_name("function")
            .is_some_and(|f| f.kind() == "identifier");
        let Some(body) = self.functions.get(&name).copied().filter(|_| is_plain) else {
            return;
        };
        let recursive = self.stack.iter().any(|(n, _)| *n == name);
        if recursive || self.stack.len() >= MAX_DEPTH {
            return;
        }
        let site = self.site(call);
        self.stack.push((name, site));
        self.walk(body);
        self.stack.pop();
    }
}

/// Whether a call's receiver chain starts with `new ConfigurationBuilder()` (or any other
/// object created there): a configuration of its own, not the app's.
fn on_new_builder(call: Node) -> bool {
    let mut node = call;
    loop {
        let next = match node.kind() {
            "invocation_expression" => node.child_by_field_name("function"),
            "member_access_expression" => node.child_by_field_name("expression"),
            "conditional_access_expression" => node.named_child(0),
            "parenthesized_expression" => node.named_child(0),
            "object_creation_expression" | "implicit_object_creation_expression" => return true,
            _ => return false,
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
}

/// The first argument of a call, when it is a string literal.
fn first_string_argument(call: Node, file: &SourceFile) -> Option<String> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let first = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() == "argument")?;
    string_value(argument_expression(first)?, file)
}

/// `Name` of `Name(...)`, `x.Name(...)`, `x?.Name(...)`, `Name<T>(...)`.
fn called_name(call: Node, file: &SourceFile) -> Option<String> {
    let function = call.child_by_field_name("function")?;
    let name = match function.kind() {
        "identifier" => function,
        "generic_name" => function.named_child(0)?,
        "member_access_expression" => function.child_by_field_name("name")?,
        _ => return None,
    };
    let name = if name.kind() == "generic_name" {
        name.named_child(0)?
    } else {
        name
    };
    Some(text(name, file).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn events(code: &str) -> Vec<StartupEvent> {
        let file = Arc::new(SourceFile::from_text(
            Path::new("Program.cs"),
            code.to_string(),
            false,
        ));
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(&file.text, None).unwrap();
        startup_events(tree.root_node(), &file)
    }

    #[test]
    fn sources_the_app_adds_itself_are_steps_and_a_builder_of_its_own_is_not() {
        let found = events(
            "var builder = WebApplication.CreateBuilder(args);\n\
             var bootstrap = new ConfigurationBuilder().AddJsonFile(\"serilog.json\").Build();\n\
             builder.WebHost.ConfigureAppWebHost(args);\n\
             builder.Configuration.AddJsonFile(\"/mnt/overrides/overrides.json\", optional: true)\n\
                 .AddEnvironmentVariables(\"APP_\");\n\
             if (builder.Environment.IsDevelopment()) { builder.Configuration.AddUserSecrets<Program>(); }\n",
        );
        let steps: Vec<_> = found
            .iter()
            .map(|e| {
                (
                    e.kind,
                    e.added
                        .as_ref()
                        .map(|a| (a.method.as_str(), a.argument.as_deref())),
                    e.condition.clone(),
                )
            })
            .collect();
        let dev = EnvCondition::Only(vec!["Development".into()]);
        assert_eq!(
            steps,
            [
                (StartupKind::WebHost, None, EnvCondition::always()),
                (
                    StartupKind::Configuration,
                    Some(("AddJsonFile", Some("/mnt/overrides/overrides.json"))),
                    EnvCondition::always()
                ),
                (
                    StartupKind::Configuration,
                    Some(("AddEnvironmentVariables", Some("APP_"))),
                    EnvCondition::always()
                ),
                (
                    StartupKind::Configuration,
                    Some(("AddUserSecrets", None)),
                    dev
                ),
            ]
        );
    }

    #[test]
    fn key_vault_carries_the_environments_of_the_ifs_around_it_and_its_callers() {
        let found = events(
            "var builder = WebApplication.CreateBuilder(args);\n\
             ConfigureWebHostBuilder(builder.WebHost);\n\
             if (!builder.Environment.IsDevelopment())\n{\n    builder.AddAzureKeyVaultAsConfigProvider();\n}\n\
             if (builder.Environment.IsProduction()) AddVault(builder); else { }\n\
             void AddVault(WebApplicationBuilder b) { if (useVault) b.Configuration.AddAzureKeyVault(uri, credential); }\n\
             void ConfigureWebHostBuilder(IWebHostBuilder b) { b.ConfigureAppWebHost(args); }\n",
        );
        let kinds: Vec<_> = found
            .iter()
            .map(|e| (e.kind, e.condition.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (StartupKind::WebHost, EnvCondition::always()),
                (
                    StartupKind::KeyVault,
                    EnvCondition::Except(vec!["Development".into()])
                ),
                (
                    StartupKind::KeyVault,
                    EnvCondition::Unknown("useVault".into())
                ),
            ]
        );
    }
}
