//! The CSV reading layer: the bytes of an import file, as Excel really saves it, become typed rows
//! with their line numbers. Only an unreadable file is an error (a row's problems are its warnings);
//! it never talks to Graph and never judges values (phone rules live in `phone`).

mod columns;
mod decode;
mod error;
pub(crate) mod excel;
mod file;
mod headers;
mod preamble;
mod rows;
mod sniff;
mod text;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::Serialize;

pub use columns::{normalize_header, Column};
pub use decode::decode;
pub use error::{CsvError, MAX_BYTES, MAX_CELL_CHARS, MAX_COLUMNS};
pub use file::read_file;
pub use sniff::sniff_delimiter;
pub use text::shorten;

/// One data row. `None` is a blank cell ("leave as is"); values are trimmed but otherwise verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// 1-based physical line of the file where the record starts.
    pub line: usize,
    pub user: Option<String>,
    pub mobile: Option<String>,
    pub alternate_mobile: Option<String>,
    pub office: Option<String>,
    pub email: Option<String>,
    pub sms_sign_in: Option<String>,
    pub default_method: Option<String>,
    pub forced_update: Option<String>,
    pub forced_removal: Option<String>,
    /// The user's object id, when the file has such a column (then it finds the user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// The user's mail address, when the file has such a column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
    /// The per-user MFA state cell (disabled, enabled, enforced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_user_mfa: Option<String>,
    pub warnings: Vec<String>,
    /// Cells that must not be used, with why: the row is invalid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl ImportRow {
    /// A row on `line` with every cell blank.
    pub fn blank(line: usize) -> Self {
        ImportRow {
            line,
            user: None,
            mobile: None,
            alternate_mobile: None,
            office: None,
            email: None,
            sms_sign_in: None,
            default_method: None,
            forced_update: None,
            forced_removal: None,
            object_id: None,
            mail: None,
            per_user_mfa: None,
            warnings: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The cell of `column`.
    pub fn get(&self, column: Column) -> Option<&str> {
        let cell = match column {
            Column::User => &self.user,
            Column::MobilePhone => &self.mobile,
            Column::AlternateMobilePhone => &self.alternate_mobile,
            Column::OfficePhone => &self.office,
            Column::Email => &self.email,
            Column::SmsSignIn => &self.sms_sign_in,
            Column::DefaultMethod => &self.default_method,
            Column::ForcedUpdate => &self.forced_update,
            Column::ForcedRemoval => &self.forced_removal,
            Column::UserId => &self.object_id,
            Column::UserMail => &self.mail,
            Column::PerUserMfaState => &self.per_user_mfa,
        };
        cell.as_deref()
    }

    pub(crate) fn slot_mut(&mut self, column: Column) -> &mut Option<String> {
        match column {
            Column::User => &mut self.user,
            Column::MobilePhone => &mut self.mobile,
            Column::AlternateMobilePhone => &mut self.alternate_mobile,
            Column::OfficePhone => &mut self.office,
            Column::Email => &mut self.email,
            Column::SmsSignIn => &mut self.sms_sign_in,
            Column::DefaultMethod => &mut self.default_method,
            Column::ForcedUpdate => &mut self.forced_update,
            Column::ForcedRemoval => &mut self.forced_removal,
            Column::UserId => &mut self.object_id,
            Column::UserMail => &mut self.mail,
            Column::PerUserMfaState => &mut self.per_user_mfa,
        }
    }
}

/// A readable import file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportFile {
    /// "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE" or "windows-1252".
    pub encoding: String,
    pub delimiter: char,
    /// The line above the header that was skipped, and why (Windows PowerShell's `#TYPE` line,
    /// the admin center's `version:` line): a sentence for the file line of the preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The header row, trimmed, without trailing empty columns.
    pub headers: Vec<String>,
    /// The column each header maps to, index for index.
    pub mapping: Vec<Option<Column>>,
    /// Non-empty headers nothing maps; the caller may map them through `remembered`, keyed by
    /// [`normalize_header`].
    pub unknown_headers: Vec<String>,
    pub rows: Vec<ImportRow>,
}

/// Reads an import file. `remembered` maps normalized headers to columns (the admin's earlier
/// choices) and wins over the built-in names.
pub fn read_import(
    bytes: &[u8],
    remembered: &HashMap<String, Column>,
) -> Result<ImportFile, CsvError> {
    let (text, encoding) = decode(bytes)?;
    if text.chars().all(text::is_blank_char) {
        return Err(CsvError::Empty);
    }
    let (skipped, start) = match preamble::skipped_line(&text) {
        Some((why, next)) => (Some(why), next),
        None => (None, 0),
    };
    let rest = &text[start..];
    let (delimiter, body_start) = match sniff::sep_line(rest) {
        Some((delimiter, next)) => (delimiter, start + next),
        None => (sniff_delimiter(rest), start),
    };
    let table = rows::read_table(&text, body_start, delimiter, remembered)?;
    Ok(ImportFile {
        encoding: encoding.to_string(),
        delimiter: char::from(delimiter),
        skipped,
        headers: table.headers,
        mapping: table.map.mapping,
        unknown_headers: table.map.unknown,
        rows: table.rows,
    })
}

/// The downloadable template: UTF-8 with BOM (so Excel opens it as UTF-8), CRLF, the Prestage
/// header and two example rows with numbers reserved for fiction (US 555-01xx, Australia's
/// 0491 570 xxx, London's 020 7946 0xxx) in Graph's `+CC NUMBER` form.
pub fn template() -> Vec<u8> {
    let header: Vec<&str> = Column::ALL[..7].iter().map(|c| c.header()).collect();
    let lines = [
        header.join(","),
        "adele.vance@contoso.com,+1 4255550100,+1 4255550101,,adele.vance@example.com,true,sms"
            .to_string(),
        "megan.bowen@contoso.com,+61 491570006,,+44 2079460123,,,".to_string(),
    ];
    let mut out = "\u{feff}".as_bytes().to_vec();
    for line in lines {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}
