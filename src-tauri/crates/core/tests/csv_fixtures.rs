//! Snapshot tests of the CSV reader over the fixture files in `tests/fixtures/csv/` (one file per
//! quirk of what Excel saves; regenerate them with `make_fixtures.py` there). Accept changed
//! snapshots with `INSTA_UPDATE=always cargo test -p prestage-core --test csv_fixtures` and read them.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;

use prestage_core::csv::{decode, read_import, Column, CsvError, ImportFile};
use serde::Serialize;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/csv")
}

/// What a snapshot records: the decoded text (so the input can be read next to the result), then
/// the file as read, or the error with the sentence the admin sees.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    text: Option<String>,
    outcome: Outcome,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Outcome {
    Read(ImportFile),
    Refused { error: CsvError, message: String },
}

fn read_fixture(name: &str, remembered: &HashMap<String, Column>) -> Snapshot {
    let bytes = std::fs::read(fixture_dir().join(name)).unwrap();
    let text = decode(&bytes).ok().map(|(text, _)| text);
    let outcome = match read_import(&bytes, remembered) {
        Ok(file) => Outcome::Read(file),
        Err(error) => Outcome::Refused {
            message: error.to_string(),
            error,
        },
    };
    Snapshot { text, outcome }
}

macro_rules! fixtures {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_yaml_snapshot!($file, read_fixture($file, &HashMap::new()));
            }
        )*

        const FIXTURES: &[&str] = &[$($file),*];
    };
}

fixtures! {
    utf8 => "utf8.csv",
    utf8_bom => "utf8-bom.csv",
    utf16le_tab => "utf16le-tab.txt",
    utf16be_bom => "utf16be-bom.csv",
    windows_1252 => "windows-1252.csv",
    semicolon => "semicolon.csv",
    tab => "tab.tsv",
    sep_line => "sep-line.csv",
    quoted_embedded => "quoted-embedded.csv",
    blank_lines_crlf => "blank-lines-crlf.csv",
    trailing_empty_columns => "trailing-empty-columns.csv",
    community_template => "community-template.csv",
    unknown_headers => "unknown-headers.csv",
    excel_damage => "excel-damage.csv",
    ragged_rows => "ragged-rows.csv",
    no_user_column => "no-user-column.csv",
    empty => "empty.csv",
    mac_cr => "mac-cr.csv",
    unclosed_quote => "unclosed-quote.csv",
    duplicate_columns => "duplicate-columns.csv",
    no_header => "no-header.csv",
    ps51_type_line => "ps51-type-line.csv",
    graph_ps7_export => "graph-ps7-export.csv",
    graph_ps51_business_phones => "graph-ps51-business-phones.csv",
    entra_bulk_create => "entra-bulk-create.csv",
}

#[test]
fn unknown_headers_with_a_remembered_mapping() {
    let remembered = HashMap::from([("handy".to_string(), Column::AlternateMobilePhone)]);
    insta::assert_yaml_snapshot!(
        "unknown-headers.csv+remembered",
        read_fixture("unknown-headers.csv", &remembered)
    );
}

#[test]
fn every_fixture_file_has_a_snapshot_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !n.ends_with(".py"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn the_template_is_a_fixture_too() {
    let file = read_import(&prestage_core::csv::template(), &HashMap::new()).unwrap();
    insta::assert_yaml_snapshot!("template", file);
}
