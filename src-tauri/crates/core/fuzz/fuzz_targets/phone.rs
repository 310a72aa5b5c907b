//! Fuzz target for the phone parser (first byte: default region): the promises live in
//! `prestage_core::fuzzing::phone`, which the corpus replay test (tests/integration) also runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| prestage_core::fuzzing::phone(bytes));
