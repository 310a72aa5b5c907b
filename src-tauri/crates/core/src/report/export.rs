//! The report as files: CSV (UTF-8 with a BOM and CRLF, formula cells neutralized with the
//! import's helper) and JSON (one object per user, the field names scripts rely on). Mobile
//! numbers are masked for roles that see masked numbers.

use serde_json::Value;

use super::row::{ReportRow, UserKind};
use super::Tile;
use crate::import::neutralize;
use crate::phone::mask;

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

fn kind_words(k: UserKind) -> &'static str {
    match k {
        UserKind::Member => "member",
        UserKind::InternalGuest => "internal guest",
        UserKind::External => "external user",
    }
}

fn mobile(r: &ReportRow, mask_numbers: bool) -> Option<String> {
    r.mobile
        .as_deref()
        .map(|m| if mask_numbers { mask(m) } else { m.to_string() })
}

/// Rows that belong to every tile in `only` (all rows when empty).
pub fn filter<'a>(rows: &'a [ReportRow], only: &[Tile]) -> Vec<&'a ReportRow> {
    rows.iter()
        .filter(|r| only.iter().all(|t| r.tiles.contains(t)))
        .collect()
}

/// The CSV bytes.
pub fn csv(rows: &[&ReportRow], mask_numbers: bool) -> Vec<u8> {
    let mut w = crate::csv::excel::writer();
    let _ = w.write_record([
        "Name",
        "UserPrincipalName",
        "Enabled",
        "UserType",
        "Synced",
        "Admin",
        "Roles",
        "Methods",
        "MfaCapable",
        "DefaultMethod",
        "SystemPreferredOverrides",
        "SmsSignIn",
        "Mobile",
        "PasswordResetAfter2027-02-01",
        "PhoneOnly",
        "BreaksOn",
        "Why",
        "Source",
        "Note",
        "LastUpdated",
        "Id",
        "PerUserMfa",
    ]);
    for r in rows {
        let record = [
            r.display_name.clone(),
            r.user_principal_name.clone(),
            yes_no(Some(r.account_enabled)).into(),
            kind_words(r.kind).into(),
            yes_no(Some(r.synced)).into(),
            yes_no(r.is_admin).into(),
            r.admin_roles
                .as_ref()
                .map(|v| v.join("; "))
                .unwrap_or_default(),
            match &r.methods {
                Some(_) => r.method_words.join("; "),
                None => "unknown".into(),
            },
            yes_no(r.mfa_capable).into(),
            r.default_words.clone().unwrap_or_default(),
            yes_no(Some(r.default_overridden)).into(),
            yes_no(r.sms_sign_in).into(),
            mobile(r, mask_numbers).unwrap_or_default(),
            yes_no(r.sspr_after_retirement).into(),
            yes_no(Some(r.phone_only)).into(),
            r.breaks_on.map(|d| d.to_string()).unwrap_or_default(),
            r.breaks.clone(),
            match r.source {
                super::Source::Registration => "registration".into(),
                super::Source::Methods => "methods".into(),
            },
            r.note.clone().unwrap_or_default(),
            r.last_updated
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            r.id.clone(),
            r.per_user_mfa.map(|s| s.to_string()).unwrap_or_default(),
        ];
        let _ = w.write_record(record.iter().map(|c| neutralize(c)));
    }
    crate::csv::excel::bytes(w)
}

/// The fields of each JSON object that scripts rely on (documented in the README; never renamed).
pub const JSON_FIELDS: [&str; 9] = [
    "id",
    "userPrincipalName",
    "userType",
    "isAdmin",
    "methods",
    "phoneOnly",
    "smsSignIn",
    "breaksOn",
    "source",
];

/// The JSON array: one object per user (`id`, `userPrincipalName`, `userType`, `isAdmin`,
/// `methods`, `phoneOnly`, `smsSignIn`, `breaksOn`, `source`, and the rest of the row).
pub fn json(rows: &[&ReportRow], mask_numbers: bool) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Some(m) = v.get_mut("mobile") {
                    *m = mobile(r, mask_numbers).map_or(Value::Null, Value::String);
                }
                v
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::DirectoryUser;
    use crate::report::row::{compute, Facts, RoleFacts};
    use crate::report::Source;

    fn row(name: &str, methods: &[&str], mobile: Option<&str>) -> ReportRow {
        let user = DirectoryUser {
            id: "id-1".into(),
            display_name: Some(name.into()),
            user_principal_name: Some("ana@t.example".into()),
            account_enabled: Some(true),
            user_type: Some("Member".into()),
            creation_type: None,
            external_user_state: None,
            on_premises_sync_enabled: None,
        };
        let facts = Facts {
            methods: Some(methods.iter().map(|s| s.to_string()).collect()),
            sms_sign_in: Some(false),
            mobile: mobile.map(str::to_string),
            ..Facts::default()
        };
        compute(&user, facts, &RoleFacts::default(), Source::Methods)
    }

    #[test]
    fn csv_has_a_bom_neutralized_formulas_and_masked_numbers() {
        let r = row(
            "=HYPERLINK(\"x\")",
            &["mobilePhone"],
            Some("+44 7400123456"),
        );
        let bytes = csv(&[&r], true);
        assert!(bytes.starts_with(b"\xEF\xBB\xBFName,UserPrincipalName"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        assert!(!text.contains("7400123456"), "{text}");
        assert!(text.contains("2027-02-01"));
        assert!(text.contains("\r\n"));
        let full = String::from_utf8(csv(&[&r], false)).unwrap();
        assert!(full.contains("'+44 7400123456"), "{full}");
    }

    #[test]
    fn json_has_the_field_names_scripts_rely_on() {
        let r = row("Ana", &["mobilePhone"], Some("+44 7400123456"));
        let v = json(&[&r], true);
        let o = &v[0];
        for key in JSON_FIELDS {
            assert!(o.get(key).is_some(), "{key} missing in {o}");
        }
        assert_eq!(o["breaksOn"], "2027-02-01");
        assert_eq!(o["source"], "methods");
        assert_eq!(o["methods"], serde_json::json!(["mobilePhone"]));
        assert_eq!(o["phoneOnly"], true);
        assert_ne!(o["mobile"], "+44 7400123456");
        let none = row("Bo", &["email"], None);
        assert_eq!(json(&[&none], true)[0]["breaksOn"], Value::Null);
        assert_eq!(filter(&[r, none], &[Tile::NoMfa]).len(), 1);
    }
}
