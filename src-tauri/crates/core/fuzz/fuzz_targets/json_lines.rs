//! Fuzz target for the JSON-lines reader of the run journals and the audit log: the promises live in
//! `prestage_core::fuzzing::json_lines`, which the corpus replay test (tests/integration) also runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| prestage_core::fuzzing::json_lines(bytes));
