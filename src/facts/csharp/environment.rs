//! The environments a start-up step runs in, read from the `if` conditions around it:
//! `env.IsDevelopment()`, `IsProduction()`, `IsStaging()`, `IsEnvironment("Name")`,
//! `EnvironmentName == "Name"`, combined with `!`, `&&` and `||`. Anything else is kept as
//! written, so a reader can see what the step depends on.

use tree_sitter::Node;

use super::expr::{argument_expression, string_value, text};
use crate::core::SourceFile;

/// In which ASP.NET Core environments (`ASPNETCORE_ENVIRONMENT`) something happens. Names
/// compare without case, as `IsEnvironment` compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvCondition {
    /// Only in these environments.
    Only(Vec<String>),
    /// In every environment but these (`Except([])`: always).
    Except(Vec<String>),
    /// A condition that is not about the environment name alone, as written.
    Unknown(String),
}

impl EnvCondition {
    /// Every environment.
    pub fn always() -> EnvCondition {
        EnvCondition::Except(Vec::new())
    }

    pub fn is_always(&self) -> bool {
        matches!(self, EnvCondition::Except(names) if names.is_empty())
    }

    /// Whether it holds in `environment`; None when the condition is not understood.
    pub fn holds_in(&self, environment: &str) -> Option<bool> {
        let named = |names: &[String]| names.iter().any(|n| n.eq_ignore_ascii_case(environment));
        match self {
            EnvCondition::Only(names) => Some(named(names)),
            EnvCondition::Except(names) => Some(!named(names)),
            EnvCondition::Unknown(_) => None,
        }
    }

    pub fn negate(&self) -> EnvCondition {
        match self {
            EnvCondition::Only(names) => EnvCondition::Except(names.clone()),
            EnvCondition::Except(names) => EnvCondition::Only(names.clone()),
            EnvCondition::Unknown(text) => EnvCondition::Unknown(format!("!({text})")),
        }
    }

    /// Both conditions hold.
    pub fn and(&self, other: &EnvCondition) -> EnvCondition {
        use EnvCondition::*;
        match (self, other) {
            (Unknown(a), Unknown(b)) => Unknown(format!("{a} && {b}")),
            (Unknown(a), _) | (_, Unknown(a)) => Unknown(a.clone()),
            (Only(a), Only(b)) => Only(a.iter().filter(|n| contains(b, n)).cloned().collect()),
            (Only(a), Except(b)) | (Except(b), Only(a)) => {
                Only(a.iter().filter(|n| !contains(b, n)).cloned().collect())
            }
            (Except(a), Except(b)) => Except(union(a, b)),
        }
    }

    /// Either condition holds.
    pub fn or(&self, other: &EnvCondition) -> EnvCondition {
        self.negate().and(&other.negate()).negate()
    }
}

fn contains(names: &[String], name: &str) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut all = a.to_vec();
    all.extend(b.iter().filter(|n| !contains(a, n)).cloned());
    all
}

/// The environments in which `condition` (an `if` condition) is true. Past
/// `depth::MAX_NESTING` nested levels the rest is kept as written.
pub fn condition_of(condition: Node, file: &SourceFile) -> EnvCondition {
    let Some(_level) = super::depth::enter(condition) else {
        return unknown(condition, file);
    };
    match condition.kind() {
        "parenthesized_expression" => match condition.named_child(0) {
            Some(inner) => condition_of(inner, file),
            None => unknown(condition, file),
        },
        "prefix_unary_expression" if condition.child(0).is_some_and(|c| c.kind() == "!") => {
            match condition.named_child(0) {
                Some(operand) => condition_of(operand, file).negate(),
                None => unknown(condition, file),
            }
        }
        "binary_expression" => binary(condition, file),
        "invocation_expression" => invocation(condition, file),
        _ => unknown(condition, file),
    }
}

/// A condition kept as written, on one line: its first 400 bytes (a condition can be as long
/// as the file), with `…` when it is longer. Reports shorten it further and mask secret-looking
/// values.
fn unknown(node: Node, file: &SourceFile) -> EnvCondition {
    let written = text(node, file);
    // Only the start is kept, so only the start is read: a condition nested 256 levels deep
    // is cut at each level.
    let mut end = written.len().min(400);
    while !written.is_char_boundary(end) {
        end -= 1;
    }
    let mut line = written[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if end < written.len() {
        line.push('…');
    }
    EnvCondition::Unknown(line)
}

fn binary(node: Node, file: &SourceFile) -> EnvCondition {
    let (Some(left), Some(operator), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("operator"),
        node.child_by_field_name("right"),
    ) else {
        return unknown(node, file);
    };
    let both = |combine: fn(&EnvCondition, &EnvCondition) -> EnvCondition| {
        let (l, r) = (condition_of(left, file), condition_of(right, file));
        // A part that is not about the environment makes the whole condition unknown: keep it
        // all as written.
        if matches!(l, EnvCondition::Unknown(_)) || matches!(r, EnvCondition::Unknown(_)) {
            unknown(node, file)
        } else {
            combine(&l, &r)
        }
    };
    match text(operator, file) {
        "&&" => both(EnvCondition::and),
        "||" => both(EnvCondition::or),
        op @ ("==" | "!=") => {
            // `env.EnvironmentName == "Production"` (either way round).
            let name = |n: Node| {
                let t = text(n, file);
                t == "EnvironmentName" || t.ends_with(".EnvironmentName")
            };
            let value = match (name(left), name(right)) {
                (true, false) => string_value(right, file),
                (false, true) => string_value(left, file),
                _ => None,
            };
            match value {
                Some(v) if op == "==" => EnvCondition::Only(vec![v]),
                Some(v) => EnvCondition::Except(vec![v]),
                None => unknown(node, file),
            }
        }
        _ => unknown(node, file),
    }
}

/// `x.IsDevelopment()`, `x.IsProduction()`, `x.IsStaging()`, `x.IsEnvironment("Name")`.
fn invocation(call: Node, file: &SourceFile) -> EnvCondition {
    let name = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "member_access_expression")
        .and_then(|f| f.child_by_field_name("name"))
        .map(|n| text(n, file));
    let only = |name: &str| EnvCondition::Only(vec![name.to_string()]);
    match name {
        Some("IsDevelopment") => only("Development"),
        Some("IsProduction") => only("Production"),
        Some("IsStaging") => only("Staging"),
        Some("IsEnvironment") => {
            let argument = call.child_by_field_name("arguments").and_then(|list| {
                let mut cursor = list.walk();
                list.named_children(&mut cursor)
                    .find(|c| c.kind() == "argument")
            });
            match argument
                .and_then(argument_expression)
                .and_then(|a| string_value(a, file))
            {
                Some(environment) => EnvCondition::Only(vec![environment]),
                None => unknown(call, file),
            }
        }
        _ => unknown(call, file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn condition(code: &str) -> EnvCondition {
        let text = format!("if ({code}) {{ }}");
        let file = SourceFile::from_text(Path::new("Program.cs"), text, false);
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(&file.text, None).unwrap();
        let mut found = None;
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "if_statement" {
                found = node.child_by_field_name("condition");
                break;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        condition_of(found.unwrap(), &file)
    }

    #[test]
    fn reads_the_environment_checks_of_the_template_and_their_combinations() {
        let not_dev = condition("!builder.Environment.IsDevelopment()");
        assert_eq!(not_dev, EnvCondition::Except(vec!["Development".into()]));
        assert_eq!(not_dev.holds_in("production"), Some(true));
        assert_eq!(not_dev.holds_in("Development"), Some(false));
        let prod_or_staging = condition("env.IsProduction() || env.IsStaging()");
        assert_eq!(prod_or_staging.holds_in("Staging"), Some(true));
        assert_eq!(prod_or_staging.holds_in("Development"), Some(false));
        let named = condition("builder.Environment.IsEnvironment(\"AT22\") && !env.IsProduction()");
        assert_eq!(named, EnvCondition::Only(vec!["AT22".into()]));
        let compared = condition("\"Production\" != app.Environment.EnvironmentName");
        assert_eq!(compared, EnvCondition::Except(vec!["Production".into()]));
    }

    #[test]
    fn keeps_other_conditions_as_written() {
        let flag = condition("useKeyVault && !env.IsDevelopment()");
        assert_eq!(
            flag,
            EnvCondition::Unknown("useKeyVault && !env.IsDevelopment()".into())
        );
        assert_eq!(flag.holds_in("Production"), None);
        assert!(EnvCondition::always().is_always());
    }
}
