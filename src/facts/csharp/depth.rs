//! Bounds on nesting. The recursive expression helpers (`classify` and what it calls) take a
//! guard per level, and past `MAX_NESTING` levels an expression is not reduced any further (it
//! counts as unknown), so no nesting, however deep, can exhaust the stack. The queries start
//! matches only down to `MAX_NESTING` levels below the root (a query cursor keeps a state for
//! every enclosing node that may still match, which costs quadratic time in a deep tree). The
//! first place either bound cuts is recorded, and `extract` names it as an input problem
//! ("expression nested too deeply to analyse"). The tree walks themselves are iterative
//! (`walk::preorder`, the start-up walker) and need no bound.

use std::cell::Cell;

use tree_sitter::Node;

/// How many levels of nesting are analysed; real code needs a few dozen.
pub const MAX_NESTING: usize = 256;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The byte offset (in the text) where the bound was first reached in this file.
    static CUT_AT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// One level of nesting, released when dropped.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Enters one level at `node`; None (and the place recorded) when the bound is reached.
pub fn enter(node: Node) -> Option<Guard> {
    DEPTH.with(|d| {
        if d.get() >= MAX_NESTING {
            CUT_AT.with(|c| {
                if c.get().is_none() {
                    c.set(Some(node.start_byte()));
                }
            });
            None
        } else {
            d.set(d.get() + 1);
            Some(Guard(()))
        }
    })
}

/// Starts a file: forgets where an earlier file reached the bound.
pub fn reset() {
    CUT_AT.with(|c| c.set(None));
}

/// Where the bound was first reached since `reset`, as a byte offset into the text.
pub fn cut_at() -> Option<usize> {
    CUT_AT.with(Cell::get)
}

/// Where the tree is nested deeper than `MAX_NESTING` levels (the first node past it), if
/// anywhere: the queries find nothing below it.
pub fn first_too_deep(root: Node) -> Option<usize> {
    let mut found = None;
    super::walk::preorder(root, |node, ancestors| {
        if found.is_some() {
            return false;
        }
        if ancestors.len() >= MAX_NESTING {
            found = Some(node.start_byte());
            return false;
        }
        true
    });
    found
}

/// Records a cut found outside the guarded helpers (the first one wins).
pub fn record(at: usize) {
    CUT_AT.with(|c| {
        if c.get().is_none_or(|first| at < first) {
            c.set(Some(at));
        }
    });
}
