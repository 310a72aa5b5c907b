//! Records to rows: the `csv` crate splits the text (quotes, doubled quotes, embedded newlines,
//! ragged rows); this file finds the header, maps it, and turns every non-blank record into an
//! [`ImportRow`] with its physical line number and warnings. It never drops a non-blank record.

use std::collections::HashMap;

use csv::{ReaderBuilder, StringRecord};

use super::columns::{map_headers, Column, HeaderMap};
use super::sniff::unclosed_quote;
use super::text::{clean, is_blank_char, Lines};
use super::{CsvError, ImportRow};

/// The header, its mapping and the rows of one file.
pub(crate) struct Table {
    pub headers: Vec<String>,
    pub map: HeaderMap,
    pub rows: Vec<ImportRow>,
}

/// Reads `text[body_start..]` (after any `sep=` line) with `delimiter`; line numbers count from
/// the start of `text`.
pub(crate) fn read_table(
    text: &str,
    body_start: usize,
    delimiter: u8,
    remembered: &HashMap<String, Column>,
) -> Result<Table, CsvError> {
    let lines = Lines::new(text);
    let body = &text[body_start..];
    if let Some(at) = unclosed_quote(body, delimiter).filter(|at| swallows_lines(&body[*at..])) {
        return Err(CsvError::Malformed {
            line: lines.line_at(body_start + at),
            reason: "a quote (\") opens a cell here and is never closed, so the rest of the file \
                     would be read as that one cell; close the quote or delete it"
                .into(),
        });
    }
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut record = StringRecord::new();
    let mut header: Option<(Vec<String>, HeaderMap)> = None;
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or(body.len(), |p| byte_offset(p.byte()));
                return Err(CsvError::Malformed {
                    line: lines.line_at(body_start + at.min(body.len())),
                    reason: e.to_string(),
                });
            }
        }
        let cells: Vec<Option<String>> = record.iter().map(clean).collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let start = record.position().map_or(0, |p| byte_offset(p.byte()));
        let line = record_line(text, &lines, body_start + start);
        match &header {
            None => {
                let mut headers: Vec<String> = record
                    .iter()
                    .map(|h| h.trim_matches(is_blank_char).to_string())
                    .collect();
                while headers.last().is_some_and(String::is_empty) {
                    headers.pop();
                }
                let map = map_headers(&headers, remembered)?;
                header = Some((headers, map));
            }
            Some((headers, map)) => rows.push(build_row(line, cells, headers, &map.mapping)),
        }
    }
    let (headers, map) = header.ok_or(CsvError::Empty)?;
    Ok(Table { headers, map, rows })
}

/// Whether an unclosed quoted cell starting at `rest` would take in later non-blank lines (on
/// the last line it only loses its closing quote, which `csv` tolerates).
fn swallows_lines(rest: &str) -> bool {
    rest.find(['\r', '\n'])
        .is_some_and(|end| !rest[end..].trim().is_empty())
}

fn byte_offset(byte: u64) -> usize {
    usize::try_from(byte).unwrap_or(usize::MAX)
}

/// The line a record starts on. `csv` reports the position after the previous record, which may
/// sit before blank lines (or the LF of a CRLF), and counts only LF as a line end; so skip line
/// ends and count lines ourselves.
fn record_line(text: &str, lines: &Lines, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = offset;
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    lines.line_at(at)
}

fn build_row(
    line: usize,
    cells: Vec<Option<String>>,
    headers: &[String],
    mapping: &[Option<Column>],
) -> ImportRow {
    let mut row = ImportRow::blank(line);
    let mut extra = Vec::new();
    let mut nameless = Vec::new();
    for (i, cell) in cells.into_iter().enumerate() {
        let Some(value) = cell else { continue };
        match mapping.get(i) {
            Some(Some(column)) => *row.slot_mut(*column) = Some(value),
            Some(None) if headers.get(i).is_some_and(String::is_empty) => nameless.push(i),
            Some(None) => {}
            None => extra.push(value),
        }
    }
    if !extra.is_empty() {
        let shown: Vec<String> = extra.iter().take(3).map(|v| quoted(v)).collect();
        let more = if extra.len() > 3 { ", …" } else { "" };
        row.warnings.push(format!(
            "This line has more cells than the header row; ignored: {}{more}.",
            shown.join(", ")
        ));
    }
    for i in nameless {
        row.warnings.push(format!(
            "Column {} has no header, so its value on this line was ignored.",
            column_letter(i)
        ));
    }
    row
}

fn quoted(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("\"{head}…\"")
    } else {
        format!("\"{head}\"")
    }
}

/// Excel's name for the 0-based column `i`: A … Z, AA, AB, …
fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str, delimiter: u8) -> Table {
        read_table(text, 0, delimiter, &HashMap::new()).unwrap()
    }

    #[test]
    fn column_letters() {
        let got: Vec<String> = [0, 25, 26, 27, 701, 702].map(column_letter).to_vec();
        assert_eq!(got, ["A", "Z", "AA", "AB", "ZZ", "AAA"]);
    }

    #[test]
    fn lines_survive_blank_lines_crlf_and_quoted_newlines() {
        let text = "\r\nUPN,Mobile\r\n\r\n,,\r\na@b,\"+1\r\n2\"\r\n\r\nc@d,3\r\n";
        let t = table(text, b',');
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [5, 8]);
        assert_eq!(t.rows[0].mobile.as_deref(), Some("+1\r\n2"));
    }

    #[test]
    fn lone_cr_line_ends_are_lines() {
        let t = table("UPN,Mobile\ra@b,1\rc@d,2\r", b',');
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn extra_and_nameless_cells_warn() {
        let t = table("UPN,,Mobile\na@b,x,1,extra,,\nc@d,,2,,\n", b',');
        assert_eq!(t.headers, ["UPN", "", "Mobile"]);
        assert!(t.map.unknown.is_empty());
        assert_eq!(
            t.rows[0].warnings,
            [
                "This line has more cells than the header row; ignored: \"extra\".",
                "Column B has no header, so its value on this line was ignored."
            ]
        );
        assert!(t.rows[1].warnings.is_empty());
    }

    #[test]
    fn header_only_is_fine_and_nothing_is_empty() {
        assert!(table("UPN,Mobile\r\n", b',').rows.is_empty());
        assert_eq!(
            read_table(" \n,,\n", 0, b',', &HashMap::new()).err(),
            Some(CsvError::Empty)
        );
    }

    #[test]
    fn unclosed_quote_is_a_file_error_with_its_line() {
        let err = read_table(
            "UPN,Mobile\na@b,1\nc@d,\"2\ne@f,3\n",
            0,
            b',',
            &HashMap::new(),
        )
        .err()
        .unwrap();
        assert_eq!(err.line(), Some(3));
    }

    #[test]
    fn unclosed_quote_on_the_last_line_loses_nothing() {
        let t = table("UPN,Mobile\r\na@b,\"+1 2\r\n\r\n", b',');
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].mobile.as_deref(), Some("+1 2"));
    }
}
