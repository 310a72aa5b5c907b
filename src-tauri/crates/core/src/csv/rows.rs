//! Records to rows: the `csv` crate splits the text (quotes, doubled quotes, embedded newlines,
//! ragged rows); this file finds the header, maps it, and turns every non-blank record into an
//! [`ImportRow`] with its physical line number and warnings. It never drops a non-blank record.

use std::collections::HashMap;

use csv::{ReaderBuilder, StringRecord};

use super::columns::Column;
use super::error::{thousands, MAX_CELL_CHARS, MAX_COLUMNS};
use super::headers::{map_headers, HeaderMap};
use super::sniff::unclosed_quote;
use super::text::{clean, is_blank_char, quoted, Lines};
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
        let columns = cells.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
        if columns > MAX_COLUMNS {
            return Err(CsvError::TooManyColumns { line, columns });
        }
        match &header {
            None => {
                let mut headers: Vec<String> = record
                    .iter()
                    .map(|h| h.trim_matches(is_blank_char).to_string())
                    .collect();
                while headers.last().is_some_and(String::is_empty) {
                    headers.pop();
                }
                if let Some((i, h)) = headers
                    .iter()
                    .enumerate()
                    .find(|(_, h)| h.chars().count() > MAX_CELL_CHARS)
                {
                    return Err(CsvError::HeaderTooLong {
                        line,
                        column: column_letter(i),
                        length: h.chars().count(),
                    });
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
        let header = || headers.get(i).map_or("", String::as_str);
        match mapping.get(i) {
            Some(Some(_)) if value.chars().count() > MAX_CELL_CHARS => {
                row.problems.push(format!(
                    "{}: the cell is {} characters long, but Prestage reads cells up to 1,024 \
                     characters, so nothing from it is written",
                    quoted(header()),
                    thousands(value.chars().count())
                ));
            }
            Some(Some(_)) if powershell_type_name(&value) => {
                row.problems.push(type_name_problem(header(), &value));
            }
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

/// A cell where PowerShell's Export-Csv wrote the name of a value's type instead of the value:
/// `System.String[]` for a list (Graph's `businessPhones`), `Microsoft.Graph.PowerShell.Models.…`
/// for an object. No phone number, address or yes/no looks like this.
fn powershell_type_name(cell: &str) -> bool {
    const PREFIXES: [&str; 5] = [
        "System.",
        "Microsoft.Graph.",
        "Microsoft.Open.",
        "Microsoft.Online.",
        "Deserialized.",
    ];
    let Some(rest) = PREFIXES.iter().find_map(|p| cell.strip_prefix(p)) else {
        return false;
    };
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        && cell
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._`[],+".contains(c))
}

/// What to do about a type name in the column `header`: export the values with an expression.
fn type_name_problem(header: &str, value: &str) -> String {
    let property = if header
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        header.to_string()
    } else {
        format!("'{}'", header.replace('\'', "''"))
    };
    let name = header.replace('\'', "''");
    format!(
        "{}: the cell holds {}, the name of a PowerShell type, not a value (Export-Csv writes \
         that for a list or an object), so nothing from it is written. Export the values: in \
         Select-Object use @{{n='{name}'; e={{$_.{property} -join ';'}}}} — or, for a phone \
         column, e={{$_.{property}[0]}} to keep the first number",
        quoted(header),
        quoted(value),
    )
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
    fn powershell_type_names_are_problems_and_never_values() {
        let text = "Id,UserPrincipalName,BusinessPhones,Mobile Phone\n\
                    1,a@b,System.String[],Microsoft.Graph.PowerShell.Models.MicrosoftGraphX\n\
                    2,c@d,+1 4255550100,System.Object[]\n";
        let t = table(text, b',');
        assert_eq!(t.rows[0].office, None);
        assert_eq!(t.rows[0].mobile, None);
        assert_eq!(t.rows[0].problems.len(), 2);
        let first = &t.rows[0].problems[0];
        assert!(first.starts_with("\"BusinessPhones\": the cell holds \"System.String[]\""));
        assert!(first.contains("$_.BusinessPhones -join ';'"), "{first}");
        assert!(t.rows[0].problems[1].contains("$_.'Mobile Phone'[0]"));
        assert_eq!(t.rows[1].office.as_deref(), Some("+1 4255550100"));
        assert_eq!(t.rows[1].problems.len(), 1);
        for value in [
            "System",
            "System.",
            "system.String[]",
            "System.String x",
            "+1 System.X",
        ] {
            assert!(!powershell_type_name(value), "{value}");
        }
        for value in [
            "System.Collections.Generic.Dictionary`2[System.String,System.Object]",
            "Microsoft.Open.AzureAD.Model.PasswordProfile",
            "Deserialized.Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser",
        ] {
            assert!(powershell_type_name(value), "{value}");
        }
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
