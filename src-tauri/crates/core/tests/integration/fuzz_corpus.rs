//! The fuzz corpus, replayed: every checked-in seed of every cargo-fuzz target (fuzz/seeds/) goes
//! through the same `prestage_core::fuzzing` function its target calls. A seed that crashes a
//! parser, or breaks a promise, fails here — in CI, on stable, with no fuzzer installed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use prestage_core::fuzzing;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "{target}: only {} seeds", seeds.len());
    let failed: Vec<String> = seeds
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).unwrap();
            catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target}: these seeds fail: {failed:#?}");
}

#[test]
fn read_import_seeds() {
    replay("read_import", fuzzing::csv_import);
}

#[test]
fn phone_seeds() {
    replay("phone", fuzzing::phone);
}

#[test]
fn json_lines_seeds() {
    replay("json_lines", fuzzing::json_lines);
}

#[test]
fn retry_after_seeds() {
    replay("retry_after", fuzzing::retry_after);
}

#[test]
fn loopback_request_seeds() {
    replay("loopback_request", fuzzing::loopback_request);
}
