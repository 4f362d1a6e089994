//! One `fix` run: which fixes the user selected (`--only`, `--unsafe-fixes`), applying them, and
//! what the run has to say about what it left: findings left for a person, unsafe fixes not
//! applied, fixes `--only` could not apply without fixes it left out, and targets that do not
//! fit a project.

use std::collections::HashSet;

use super::apply::{Applied, apply};
use crate::core::Code;
use crate::discover::Project;
use crate::edit::Safety;
use crate::rules::{Finding, PlanRole};

/// Which fixes to apply.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Only the fixes of these rules (all when empty).
    pub only: Vec<Code>,
    /// Also the fixes marked unsafe.
    pub unsafe_fixes: bool,
}

impl Selection {
    pub fn wants(&self, f: &Finding) -> bool {
        self.safe_enough(f) && (self.only.is_empty() || self.only.contains(&f.rule.code))
    }

    fn safe_enough(&self, f: &Finding) -> bool {
        self.unsafe_fixes || f.fix.as_ref().is_none_or(|fix| fix.safety == Safety::Safe)
    }
}

/// A selected finding whose fix depends on fixes `--only` left out.
#[derive(Debug)]
pub struct LeftOut {
    pub finding: usize,
    /// The rules whose fixes it needs first.
    pub needs: Vec<Code>,
}

/// What a fix run did and left.
#[derive(Debug)]
pub struct FixRun {
    pub applied: Applied,
    /// Findings without a fix, apart from inventory.
    pub left_for_person: usize,
    /// Unsafe fixes that were offered but not applied.
    pub unsafe_left: usize,
    pub left_out: Vec<LeftOut>,
    /// Warnings about the run as a whole, one line each.
    pub warnings: Vec<String>,
}

/// Applies the selected fixes to `findings` (updating their `fix` and `fix_withheld`).
pub fn run(
    findings: &mut [Finding],
    projects: &[Project],
    keep: bool,
    selection: &Selection,
) -> FixRun {
    // What every fix would give, to tell what --only leaves out.
    let complete = (!selection.only.is_empty()).then(|| {
        let mut everything = findings.to_vec();
        let all = apply(&mut everything, |f| selection.safe_enough(f));
        (everything, all.fixed)
    });
    let applied = apply(findings, |f| selection.wants(f));
    let fixed: HashSet<usize> = applied.fixed.iter().copied().collect();
    let left_out = complete
        .map(|(everything, all)| left_out(&everything, &all, &fixed, selection))
        .unwrap_or_default();
    let left_for_person = findings
        .iter()
        .filter(|f| f.fix.is_none() && f.rule.plan != PlanRole::Inventory)
        .count();
    let unsafe_left = findings
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            f.fix
                .as_ref()
                .is_some_and(|fix| fix.safety == Safety::Unsafe)
                && !fixed.contains(i)
        })
        .count();
    let warnings = if keep {
        projects
            .iter()
            .filter(|p| {
                p.is_app()
                    && crate::assess::VersionModel::of(Some(p))
                        == crate::assess::VersionModel::V9Early
            })
            .map(|p| {
                format!(
                    "{}: {}",
                    p.display(),
                    crate::assess::gate::KEEP_REFUSED_ON_V9
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    FixRun {
        applied,
        left_for_person,
        unsafe_left,
        left_out,
        warnings,
    }
}

/// Selected findings that get a fix when every fix is applied, but not under the selection
/// (a `using` stays in use until the registrations that use it are migrated): each with the
/// rules whose fixes in the same file (or else the same project) it waits for.
fn left_out(
    everything: &[Finding],
    all: &[usize],
    chosen: &HashSet<usize>,
    selection: &Selection,
) -> Vec<LeftOut> {
    let waits_for = |same: &dyn Fn(&Finding) -> bool| -> Vec<Code> {
        let mut codes: Vec<Code> = all
            .iter()
            .map(|&j| &everything[j])
            .filter(|g| !selection.only.contains(&g.rule.code) && same(g))
            .map(|g| g.rule.code)
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    all.iter()
        .copied()
        .filter(|i| selection.only.contains(&everything[*i].rule.code) && !chosen.contains(i))
        .map(|i| {
            let f = &everything[i];
            let mut needs = waits_for(&|g| g.site.file.path == f.site.file.path);
            if needs.is_empty() {
                needs = waits_for(&|g| g.project == f.project);
            }
            LeftOut { finding: i, needs }
        })
        .collect()
}
