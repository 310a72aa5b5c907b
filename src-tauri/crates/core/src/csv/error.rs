//! The ways a whole import file is refused — only when it cannot be read at all. Each message is a
//! sentence an IT generalist can act on in Excel; problems with single rows are row warnings.

use serde::Serialize;

use super::columns::{identity_list, Column};
use super::text::quoted;

/// Largest file Prestage reads (50 MiB).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Most columns a line may have (up to its last non-blank cell).
pub const MAX_COLUMNS: usize = 256;
/// Longest cell Prestage reads, in characters.
pub const MAX_CELL_CHARS: usize = 1024;
/// Headers named in a message before "and N more".
const FOUND_SHOWN: usize = 12;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CsvError {
    #[error("The file is empty. Save the sheet as CSV with a header row (UserPrincipalName, MobilePhone, …) and one line per user.")]
    Empty,
    #[error("The first line of the file looks like data, not column names. Insert a header row such as UserPrincipalName,MobilePhone,AlternateMobilePhone,OfficePhone,Email (or download the template).")]
    NoHeader,
    #[error("No column names the user. Add a column named UserPrincipalName (also accepted: {}). Columns found: {}.", identity_list(), found_list(.found))]
    NoUserColumn { found: Vec<String> },
    #[error("Two columns both hold the {}: {} and {}. Delete or rename one of them.", .column.describe(), quoted(.first), quoted(.second))]
    DuplicateColumn {
        column: Column,
        first: String,
        second: String,
    },
    #[error("The file is {} but Prestage reads files up to 50 MB. Split it into smaller files and import them one at a time.", megabytes(*.bytes))]
    TooLarge { bytes: usize },
    #[error("This is an Excel workbook (.{format}), not a CSV file. In Excel choose File > Save As > \"CSV UTF-8 (Comma delimited)\" and import that file.")]
    Workbook { format: String },
    #[error("Line {line} cannot be read: {reason}.")]
    Malformed { line: usize, reason: String },
    #[error("This is {what}, not a file; choose the CSV file itself.")]
    NotAFile { what: String },
    #[error("The file could not be read: {reason}.")]
    Unreadable { reason: String },
    #[error("Line {line} has {columns} columns, but Prestage reads at most 256. Delete the columns the import does not need, or check that this is the right file.")]
    TooManyColumns { line: usize, columns: usize },
    #[error("Line {line}: the header of column {column} is {} characters long, but Prestage reads headers up to 1,024 characters. Check that this is the right file.", thousands(*.length))]
    HeaderTooLong {
        line: usize,
        column: String,
        length: usize,
    },
}

impl CsvError {
    /// The 1-based line the problem is on, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            CsvError::Malformed { line, .. }
            | CsvError::TooManyColumns { line, .. }
            | CsvError::HeaderTooLong { line, .. } => Some(*line),
            _ => None,
        }
    }
}

fn found_list(found: &[String]) -> String {
    if found.is_empty() {
        return "none (the first line is empty)".into();
    }
    let mut shown: Vec<String> = found.iter().take(FOUND_SHOWN).map(|h| quoted(h)).collect();
    if found.len() > FOUND_SHOWN {
        shown.push(format!("and {} more", found.len() - FOUND_SHOWN));
    }
    shown.join(", ")
}

/// 5000 → "5,000".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = CsvError::NoUserColumn {
            found: vec!["Name".into(), "Mobile".into()],
        };
        let text = e.to_string();
        assert!(text.contains("UserPrincipalName"), "{text}");
        assert!(text.contains("UPN, User, UserName"), "{text}");
        assert!(
            text.contains("ObjectId, Id, UserId, UserObjectId, Mail"),
            "{text}"
        );
        assert!(text.contains("\"Name\", \"Mobile\""), "{text}");

        let e = CsvError::TooLarge {
            bytes: 73 * 1024 * 1024 + 200 * 1024,
        };
        assert!(e.to_string().starts_with("The file is 73.2 MB"), "{e}");
    }

    #[test]
    fn thousands_are_grouped() {
        let got: Vec<String> = [0, 999, 1000, 5000, 1234567].map(thousands).to_vec();
        assert_eq!(got, ["0", "999", "1,000", "5,000", "1,234,567"]);
    }

    #[test]
    fn json_is_tagged_by_kind() {
        let e = CsvError::Malformed {
            line: 7,
            reason: "x".into(),
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"kind": "malformed", "line": 7, "reason": "x"})
        );
        let e = CsvError::DuplicateColumn {
            column: Column::MobilePhone,
            first: "a".into(),
            second: "b".into(),
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"kind": "duplicateColumn", "column": "mobilePhone", "first": "a", "second": "b"})
        );
        assert_eq!(e.line(), None);
    }
}
