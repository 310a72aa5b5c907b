//! Fuzz target for the CSV import reader: the promises live in
//! `prestage_core::fuzzing::csv_import`, which the corpus replay test (tests/integration) also runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| prestage_core::fuzzing::csv_import(bytes));
