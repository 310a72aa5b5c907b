//! The results export: CSV in UTF-8 with a BOM (opens cleanly in Excel) — row, user, action,
//! before → after (masked when the signed-in role sees masked numbers), status, Graph request-id.
//! Cells starting with = + - @ (or tab / CR) are neutralized against formula injection.

use super::journal::RowEnd;
use super::outcome::RowResult;
use crate::phone::mask;
use crate::plan::{Action, Change};

/// Prefixes a quote to cells a spreadsheet would run as a formula.
pub fn neutralize(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn action_word(c: &Change) -> String {
    let verb = match c.action {
        Action::Add => "add",
        Action::Update => "change",
        Action::Remove => "remove",
        Action::Enable => "enable",
        Action::Disable => "disable",
        Action::Set => "set",
    };
    format!("{verb} {}", c.slot.label())
}

fn value(v: Option<&str>, is_phone: bool, masked: bool) -> String {
    match v {
        Some(v) if is_phone && masked => mask(v),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// The export's bytes. `mask_numbers` follows the signed-in role (masked readers get masked).
pub fn results_csv(results: &[RowResult], mask_numbers: bool) -> Vec<u8> {
    let mut w = crate::csv::excel::writer();
    let _ = w.write_record([
        "Row",
        "User",
        "Action",
        "Before",
        "After",
        "Status",
        "Detail",
        "RequestId",
    ]);
    for r in results {
        let user = r
            .user
            .as_ref()
            .map(|u| u.user_principal_name.as_str())
            .unwrap_or("");
        let status = match r.end {
            RowEnd::Done => "done",
            RowEnd::AlreadyApplied => "already applied",
            RowEnd::Failed => "failed",
            RowEnd::ChangedSincePreview => "changed since preview",
            RowEnd::ChangedSinceRun => "changed since the run (left as it is)",
        };
        let mut records: Vec<[String; 8]> = r
            .changes
            .iter()
            .map(|c| {
                let phone = c.change.slot.phone_type().is_some();
                [
                    r.line.to_string(),
                    user.to_string(),
                    action_word(&c.change),
                    value(c.change.before.as_deref(), phone, mask_numbers),
                    value(c.change.after.as_deref(), phone, mask_numbers),
                    if c.ok { "done".into() } else { "failed".into() },
                    c.error.clone().unwrap_or_default(),
                    c.request_id.clone().unwrap_or_default(),
                ]
            })
            .collect();
        if records.is_empty() {
            records.push([
                r.line.to_string(),
                user.to_string(),
                String::new(),
                String::new(),
                String::new(),
                status.into(),
                r.message.clone().unwrap_or_default(),
                String::new(),
            ]);
        }
        for rec in records {
            let _ = w.write_record(rec.iter().map(|c| neutralize(c)));
        }
    }
    crate::csv::excel::bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_numbers_kept_as_text() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+44 7400123456"), "'+44 7400123456");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("-1"), "'-1");
        assert_eq!(neutralize("alice@x.example"), "alice@x.example");
        let bytes = results_csv(&[], false);
        assert!(bytes.starts_with(b"\xEF\xBB\xBFRow,User,Action"));
    }
}
