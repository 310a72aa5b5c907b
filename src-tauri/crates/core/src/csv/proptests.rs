//! Property tests: any bytes are read without a panic, and any table the `csv` writer produces —
//! in every delimiter, line ending and encoding Excel uses, with or without `sep=` — reads back
//! the same: no row lost, every row on the line it was written, lines strictly increasing.

use std::collections::HashMap;

use csv::{Terminator, WriterBuilder};
use proptest::prelude::*;

use super::*;

#[derive(Debug, Clone, Copy)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

const ENCODINGS: [Enc; 5] = [
    Enc::Utf8,
    Enc::Utf8Bom,
    Enc::Utf16Le,
    Enc::Utf16Be,
    Enc::Windows1252,
];

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    let utf16 = |be: bool| -> Vec<u8> {
        "\u{feff}"
            .encode_utf16()
            .chain(text.encode_utf16())
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    };
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Enc::Utf16Le => utf16(false),
        Enc::Utf16Be => utf16(true),
        Enc::Windows1252 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            assert!(
                !unmappable,
                "the generator only makes Windows-1252 text here"
            );
            bytes.into_owned()
        }
    }
}

/// Cells with delimiters, quotes, CR/LF, non-breaking spaces and non-ASCII letters. The Latin
/// alphabet stays inside Windows-1252 and, with é ü ñ as its only non-ASCII bytes, can never be
/// mistaken for UTF-8.
fn cell(latin: bool) -> BoxedStrategy<String> {
    let pattern = if latin {
        "[a-zA-Z0-9 ,;\t\"'\r\n+@.éüñ\u{a0}-]{0,10}"
    } else {
        "[a-zA-Z0-9 ,;\t\"'\r\n+@.éüñ\u{a0}中😀Ω-]{0,10}"
    };
    proptest::string::string_regex(pattern).unwrap().boxed()
}

#[derive(Debug, Clone)]
struct Case {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    delimiter: u8,
    crlf: bool,
    sep_line: bool,
    enc: Enc,
}

fn case() -> impl Strategy<Value = Case> {
    let columns = proptest::sample::subsequence(Column::ALL[1..].to_vec(), 1..=8)
        .prop_map(|mut c| {
            c.push(Column::User);
            c
        })
        .prop_shuffle();
    (
        columns,
        proptest::sample::select(vec![b',', b';', b'\t']),
        any::<bool>(),
        any::<bool>(),
        proptest::sample::select(ENCODINGS.to_vec()),
    )
        .prop_flat_map(|(columns, delimiter, crlf, sep_line, enc)| {
            let latin = matches!(enc, Enc::Windows1252);
            let row = proptest::collection::vec(cell(latin), columns.len());
            proptest::collection::vec(row, 0..12).prop_map(move |rows| Case {
                columns: columns.clone(),
                rows,
                delimiter,
                crlf,
                sep_line,
                enc,
            })
        })
}

/// 1 + the line ends (CRLF, LF or lone CR) before byte `at`.
fn line_of(text: &str, at: usize) -> usize {
    let s = &text[..at];
    1 + s.matches('\r').count() + s.matches('\n').count() - s.matches("\r\n").count()
}

/// Writes the case; returns the text and the byte offset where each data row starts.
fn write(case: &Case) -> (String, Vec<usize>) {
    let terminator = if case.crlf {
        Terminator::CRLF
    } else {
        Terminator::Any(b'\n')
    };
    let mut prefix = String::new();
    if case.sep_line {
        prefix = format!(
            "sep={}{}",
            case.delimiter as char,
            if case.crlf { "\r\n" } else { "\n" }
        );
    }
    let mut w = WriterBuilder::new()
        .delimiter(case.delimiter)
        .terminator(terminator)
        .from_writer(prefix.into_bytes());
    w.write_record(case.columns.iter().map(|c| c.header()))
        .unwrap();
    let mut starts = Vec::new();
    for row in &case.rows {
        w.flush().unwrap();
        starts.push(w.get_ref().len());
        w.write_record(row).unwrap();
    }
    let bytes = w.into_inner().unwrap();
    (String::from_utf8(bytes).unwrap(), starts)
}

fn expected(case: &Case, text: &str, starts: &[usize]) -> Vec<ImportRow> {
    let mut out = Vec::new();
    for (row, &start) in case.rows.iter().zip(starts) {
        let mut want = ImportRow::blank(line_of(text, start));
        for (column, value) in case.columns.iter().zip(row) {
            let trimmed = value.trim();
            if !trimmed.is_empty() {
                *want.slot_mut(*column) = Some(trimmed.to_string());
            }
        }
        if case.columns.iter().any(|c| want.get(*c).is_some()) {
            out.push(want);
        }
    }
    out
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_import(&bytes, &HashMap::new());
    }

    #[test]
    fn csvish_text_never_panics_and_lines_increase(
        body in "[UPNMobile,;\t\"\r\n a@1\u{a0}é]{0,300}",
        header in proptest::sample::select(vec!["UPN,Mobile\n", "UPN;Mobile\r\n", "sep=;\n", ""]),
    ) {
        let text = format!("{header}{body}");
        if let Ok(file) = read_import(text.as_bytes(), &HashMap::new()) {
            let lines: Vec<usize> = file.rows.iter().map(|r| r.line).collect();
            prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "{:?}", lines);
            let last = line_of(&text, text.len());
            prop_assert!(lines.iter().all(|l| *l >= 1 && *l <= last));
        }
    }

    #[test]
    fn written_tables_read_back_the_same(case in case()) {
        let (text, starts) = write(&case);
        let bytes = encode(&text, case.enc);
        let file = read_import(&bytes, &HashMap::new())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text:?}")))?;

        prop_assert_eq!(file.delimiter, case.delimiter as char);
        let want_encoding = match case.enc {
            Enc::Utf8 => "UTF-8",
            Enc::Utf8Bom => "UTF-8 (BOM)",
            Enc::Utf16Le => "UTF-16LE",
            Enc::Utf16Be => "UTF-16BE",
            Enc::Windows1252 if text.is_ascii() => "UTF-8",
            Enc::Windows1252 => "windows-1252",
        };
        prop_assert_eq!(file.encoding.as_str(), want_encoding);
        prop_assert_eq!(&file.mapping, &case.columns.iter().map(|c| Some(*c)).collect::<Vec<_>>());
        prop_assert!(file.unknown_headers.is_empty());

        let want = expected(&case, &text, &starts);
        prop_assert_eq!(file.rows.len(), want.len(), "no row lost: {:?}", text);
        prop_assert_eq!(&file.rows, &want);
        let lines: Vec<usize> = file.rows.iter().map(|r| r.line).collect();
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]));
    }
}
