//! Walking a syntax tree without recursion: a cursor visits the nodes in source order (pre-order)
//! and keeps the chain of ancestors, so no nesting, however deep, can exhaust the stack.

use tree_sitter::Node;

/// Visits `root` and its descendants in source order. `visit(node, ancestors)` (ancestors
/// outermost first, ending with the node's parent) returns whether to enter the node's children.
pub fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool) {
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if visit(node, &ancestors) && cursor.goto_first_child() {
            ancestors.push(node);
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
            ancestors.pop();
        }
    }
}
