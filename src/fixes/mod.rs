//! Fixes: the engine that turns the findings' fixes into changed files. `apply` keeps the
//! first of any two overlapping fixes, adds the fixes that follow from others (each rule's
//! `derive`), applies each file's edits in reverse order and re-parses the result (`validate`);
//! `run` is one `fix` run (selection, what it left); `write` puts the changed files on disk for
//! `fix --write`, and `branch` commits them on a branch for `fix --write --branch`; `state` says
//! where each project stands once the fixes ran (the fleet view).

pub mod apply;
pub mod branch;
pub mod run;
pub mod state;
pub mod validate;
pub mod write;
