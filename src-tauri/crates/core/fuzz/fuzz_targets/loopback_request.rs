//! Fuzz target for the loopback sign-in listener's request parser: the promises live in
//! `prestage_core::fuzzing::loopback_request`, which the corpus replay test (tests/integration) also runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| prestage_core::fuzzing::loopback_request(bytes));
