//! Fuzz target for the CSV import reader: any bytes must give a file or a `CsvError`, never a
//! panic; a file that reads must keep its promises (rows in line order, lines inside the file).
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use prestage_core::csv::{read_import, Column};

fuzz_target!(|bytes: &[u8]| {
    // Half the runs with a remembered mapping, so the caller's path is fuzzed too.
    let remembered = if bytes.first().is_some_and(|b| b & 1 == 1) {
        HashMap::from([("handy".to_string(), Column::MobilePhone)])
    } else {
        HashMap::new()
    };
    if let Ok(file) = read_import(bytes, &remembered) {
        assert_eq!(file.headers.len(), file.mapping.len());
        assert!(file.rows.windows(2).all(|w| w[0].line < w[1].line));
        assert!(file.rows.iter().all(|r| r.line >= 2));
    }
});
