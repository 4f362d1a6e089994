//! The ancestors of chosen nodes, found in one walk of the tree. tree-sitter's `Node::parent`
//! starts from the root again on every call and scans the siblings on the way down, so climbing
//! from every call in a file with thousands of statements costs quadratic time. One walk with a
//! cursor, which only enters the subtrees that hold a chosen node, keeps the chain of ancestors
//! for all of them, without recursion.

use std::collections::HashMap;

use tree_sitter::Node;

use super::walk::preorder;

/// The ancestors of each chosen node, nearest first.
pub struct Ancestry<'t> {
    chains: HashMap<usize, Vec<Node<'t>>>,
}

impl<'t> Ancestry<'t> {
    pub fn of(root: Node<'t>, targets: &[Node<'t>]) -> Ancestry<'t> {
        let mut starts: Vec<usize> = targets.iter().map(Node::start_byte).collect();
        starts.sort_unstable();
        let wanted: std::collections::HashSet<usize> = targets.iter().map(Node::id).collect();
        // Whether a chosen node starts inside [start, end): only such subtrees are entered.
        let holds_target = |node: Node| {
            let first = starts.partition_point(|&s| s < node.start_byte());
            starts
                .get(first)
                .is_some_and(|&s| s < node.end_byte() || s == node.start_byte())
        };
        let mut chains = HashMap::with_capacity(targets.len());
        preorder(root, |node, ancestors| {
            if wanted.contains(&node.id()) {
                chains.insert(node.id(), ancestors.iter().rev().copied().collect());
            }
            holds_target(node)
        });
        Ancestry { chains }
    }

    /// The ancestors of a chosen node, nearest first (empty for a node that was not chosen).
    pub fn of_node(&self, node: Node<'t>) -> &[Node<'t>] {
        self.chains.get(&node.id()).map_or(&[], Vec::as_slice)
    }
}

/// The nearest ancestor of one of these kinds.
pub fn nearest<'t>(ancestors: &[Node<'t>], kinds: &[&str]) -> Option<Node<'t>> {
    ancestors
        .iter()
        .copied()
        .find(|a| kinds.contains(&a.kind()))
}

/// Whether an ancestor has this kind.
pub fn is_inside(ancestors: &[Node], kind: &str) -> bool {
    ancestors.iter().any(|a| a.kind() == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_same_ancestors_as_climbing_does() {
        let text = "class A { void M() { var x = F(G(1), H()); if (y) { K(); } } }";
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(text, None).unwrap();
        let mut calls = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == "invocation_expression" {
                calls.push(n);
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        assert_eq!(calls.len(), 4);
        let ancestry = Ancestry::of(tree.root_node(), &calls);
        for call in calls {
            let mut climbed = Vec::new();
            let mut current = call.parent();
            while let Some(p) = current {
                climbed.push(p);
                current = p.parent();
            }
            assert_eq!(ancestry.of_node(call), climbed.as_slice());
        }
    }
}
