//! Every input a fuzz target crashed on (`tests/data/fuzz/TARGET/NAME`), replayed through the
//! same checks the fuzz target makes (`fuzz/harness`). See `fuzz/README.md`.

#[path = "../fuzz/harness/mod.rs"]
mod harness;

use std::path::PathBuf;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    inputs.sort();
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails again", input.display());
    }
}

#[test]
fn csharp_crashes() {
    replay("csharp", harness::csharp);
}

#[test]
fn appsettings_crashes() {
    replay("appsettings", harness::appsettings);
}

#[test]
fn policy_crashes() {
    replay("policy", harness::policy);
}

#[test]
fn msbuild_crashes() {
    replay("msbuild", harness::msbuild);
}

#[test]
fn pipeline_crashes() {
    replay("pipeline", harness::pipeline);
}
