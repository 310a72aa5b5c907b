//! Fuzz target for the Retry-After header parser: the promises live in
//! `prestage_core::fuzzing::retry_after`, which the corpus replay test (tests/integration) also runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| prestage_core::fuzzing::retry_after(bytes));
