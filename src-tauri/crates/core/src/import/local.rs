//! Reading one CSV row into what it asks for, without Graph: numbers normalized to Graph's form,
//! yes/no and method names parsed, Excel damage and Graph's static rules (extension only on
//! office, alternate needs mobile) turned into problems or warnings with a reason.

use crate::csv::{shorten, Column, ImportFile, ImportRow};
use crate::phone::{normalize, LineKind, PhoneNumber, PhoneType, Repair};
use crate::plan::{parse_default_method, Desired, RowPlan, Want};

/// Choices the admin makes for the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOptions {
    /// ISO region for numbers written without a country code (e.g. "GB").
    pub default_region: Option<String>,
    /// A blank cell removes the method instead of leaving it.
    pub blank_removes: bool,
}

/// A row read locally.
pub struct LocalRow {
    /// The cell that finds the user: the object id, else the UPN (or whatever the user column
    /// holds), else the mail address.
    pub user_input: String,
    /// The UPN and mail cells when another cell finds the user: the user found must have them.
    pub expect_upn: Option<String>,
    pub expect_mail: Option<String>,
    pub desired: Option<Desired>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

impl LocalRow {
    /// A previewed row read again to re-plan it (apply's re-check, resume, undo): what it asks
    /// for, without the file's checks, which the preview already passed.
    pub fn of_plan(row: &RowPlan) -> Self {
        LocalRow {
            user_input: row.user_input.clone(),
            expect_upn: None,
            expect_mail: None,
            desired: row.desired.clone(),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

const REMOVE_WORDS: &[&str] = &["remove", "delete"];

fn truthy(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" | "enable" | "enabled" | "x" => Some(true),
        "false" | "no" | "n" | "0" | "off" | "disable" | "disabled" => Some(false),
        _ => None,
    }
}

pub(crate) fn valid_email(text: &str) -> bool {
    text.split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !text.contains(char::is_whitespace)
}

pub(crate) fn phone_want(
    cell: Option<&str>,
    phone_type: PhoneType,
    blank_removes: bool,
    region: Option<&str>,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Want<PhoneNumber> {
    let label = crate::plan::Slot::phone(phone_type).label();
    let Some(text) = cell.map(str::trim).filter(|t| !t.is_empty()) else {
        return if blank_removes {
            Want::Remove
        } else {
            Want::Keep
        };
    };
    if REMOVE_WORDS.contains(&text.to_ascii_lowercase().as_str()) {
        return Want::Remove;
    }
    match normalize(text, region) {
        Ok(n) => {
            for repair in &n.repairs {
                warnings.push(match repair {
                    Repair::AddedPlus => format!(
                        "{label}: the leading + was missing (Excel drops it); read as {}",
                        n.number.as_str()
                    ),
                    Repair::DroppedTrunkZero => {
                        format!("{label}: dropped the (0) written after the country code")
                    }
                    Repair::ConvertedDigits => format!("{label}: converted full-width digits"),
                });
            }
            if n.number.has_extension() && phone_type != PhoneType::Office {
                problems.push(format!(
                    "{label}: Graph accepts an extension only on the office phone"
                ));
                return Want::Keep;
            }
            if n.kind == LineKind::FixedLine && phone_type != PhoneType::Office {
                warnings.push(format!(
                    "{label}: {} looks like a landline; text messages will not reach it",
                    n.number.as_str()
                ));
            }
            Want::Set(n.number)
        }
        // The admin's own cell, quoted as written so it can be found in the file.
        Err(e) => {
            problems.push(format!("{label}: {}", e.quoting(&shorten(text))));
            Want::Keep
        }
    }
}

/// Reads every row, spread over the machine's cores (normalization is CPU-bound).
pub fn read_rows(file: &ImportFile, options: &PlanOptions) -> Vec<LocalRow> {
    use rayon::prelude::*;
    let columns: Vec<Column> = file.mapping.iter().flatten().copied().collect();
    file.rows
        .par_iter()
        .map(|r| read_row(r, &columns, options))
        .collect()
}

/// Reads one row of a file with `columns`. Problems make the row invalid; warnings are shown
/// beside its plan. "Blank removes" (or ForcedRemoval) applies to blank cells only: a method whose
/// column the file does not have is left as it is.
pub fn read_row(row: &ImportRow, columns: &[Column], options: &PlanOptions) -> LocalRow {
    let mut problems = row.problems.clone();
    let mut warnings = row.warnings.clone();
    let (user_input, expect_upn, expect_mail) = match (&row.object_id, &row.user, &row.mail) {
        (Some(id), upn, mail) => (id.clone(), upn.clone(), mail.clone()),
        (None, Some(upn), mail) => (upn.clone(), None, mail.clone()),
        (None, None, mail) => (mail.clone().unwrap_or_default(), None, None),
    };
    if user_input.trim().is_empty() {
        problems.push("no user: the user column is empty".into());
    }
    let forced_removal = row
        .forced_removal
        .as_deref()
        .and_then(truthy)
        .unwrap_or(false);
    let blank_removes = options.blank_removes || forced_removal;
    let removes = |column: Column| blank_removes && columns.contains(&column);
    let overwrite = match row
        .forced_update
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => true,
        Some(t) => truthy(t).unwrap_or_else(|| {
            problems.push(format!("ForcedUpdate: '{}' is not yes/no", shorten(t)));
            true
        }),
    };
    let region = options.default_region.as_deref();
    let mobile = phone_want(
        row.mobile.as_deref(),
        PhoneType::Mobile,
        removes(Column::MobilePhone),
        region,
        &mut problems,
        &mut warnings,
    );
    let alternate_mobile = phone_want(
        row.alternate_mobile.as_deref(),
        PhoneType::AlternateMobile,
        removes(Column::AlternateMobilePhone),
        region,
        &mut problems,
        &mut warnings,
    );
    let office = phone_want(
        row.office.as_deref(),
        PhoneType::Office,
        removes(Column::OfficePhone),
        region,
        &mut problems,
        &mut warnings,
    );
    if matches!(mobile, Want::Remove) && matches!(alternate_mobile, Want::Set(_)) {
        problems.push("alternate mobile needs a mobile, but the row removes the mobile".into());
    }
    let email = match row
        .email
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None if removes(Column::Email) => Want::Remove,
        None => Want::Keep,
        Some(t) if REMOVE_WORDS.contains(&t.to_ascii_lowercase().as_str()) => Want::Remove,
        Some(t) if valid_email(t) => Want::Set(t.to_string()),
        Some(t) => {
            problems.push(format!("email: '{}' is not an email address", shorten(t)));
            Want::Keep
        }
    };
    let sms_sign_in = match row
        .sms_sign_in
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => truthy(t).or_else(|| {
            problems.push(format!("SmsSignIn: '{}' is not yes/no", shorten(t)));
            None
        }),
    };
    let per_user_mfa = match row
        .per_user_mfa
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => t.parse().ok().or_else(|| {
            problems.push(format!(
                "PerUserMfaState: '{}' is not disabled, enabled or enforced",
                shorten(t)
            ));
            None
        }),
    };
    let default_method = match row.default_method.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => parse_default_method(t).or_else(|| {
            problems.push(format!("DefaultMethod: '{}' is not a method (use sms, voiceMobile, voiceAlternateMobile, voiceOffice, push or oath)", shorten(t)));
            None
        }),
    };
    if sms_sign_in == Some(true) && matches!(mobile, Want::Remove) {
        problems.push("SMS sign-in needs a mobile, but the row removes the mobile".into());
    }
    let desired = Desired {
        mobile,
        alternate_mobile,
        office,
        email,
        sms_sign_in,
        default_method,
        per_user_mfa,
        tap: Want::Keep,
        overwrite,
        only_if_left: Vec::new(),
    };
    LocalRow {
        user_input,
        expect_upn,
        expect_mail,
        desired: Some(desired),
        problems,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_row_all(row: &ImportRow, options: &PlanOptions) -> LocalRow {
        read_row(row, &Column::ALL, options)
    }

    fn row(mobile: &str, office: &str) -> ImportRow {
        let mut r = ImportRow::blank(2);
        r.user = Some("a@b.example".into());
        r.mobile = Some(mobile.into()).filter(|s: &String| !s.is_empty());
        r.office = Some(office.into()).filter(|s: &String| !s.is_empty());
        r
    }

    #[test]
    fn numbers_are_normalized_and_damage_explained() {
        let opts = PlanOptions {
            default_region: Some("GB".into()),
            blank_removes: false,
        };
        let r = read_row_all(&row("07400 123456", "+44 20 7946 0958 ext 12"), &opts);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let d = r.desired.unwrap();
        assert_eq!(
            d.mobile,
            Want::Set(PhoneNumber::parse_graph("+44 7400123456").unwrap())
        );
        assert_eq!(
            d.office,
            Want::Set(PhoneNumber::parse_graph("+44 2079460958x12").unwrap())
        );
        assert_eq!(d.alternate_mobile, Want::Keep);

        let r = read_row_all(&row("3.16123E+11", ""), &opts);
        assert!(r.problems[0].contains("scientific notation"));
        let r = read_row_all(&row("+44 7400 123456 x5", ""), &opts);
        assert!(r.problems[0].contains("extension only on the office"));
        let r = read_row_all(&row("+44 20 7946 0958", ""), &opts);
        assert!(r.warnings.iter().any(|w| w.contains("landline")));
    }

    #[test]
    fn the_object_id_finds_the_user_and_the_other_identity_cells_are_checked() {
        let mut r = ImportRow::blank(2);
        r.object_id = Some("00000000-0000-4000-8000-000000000001".into());
        r.user = Some("a@b.example".into());
        r.mail = Some("a@mail.example".into());
        let local = read_row_all(&r, &PlanOptions::default());
        assert_eq!(local.user_input, "00000000-0000-4000-8000-000000000001");
        assert_eq!(local.expect_upn.as_deref(), Some("a@b.example"));
        assert_eq!(local.expect_mail.as_deref(), Some("a@mail.example"));
        r.object_id = None;
        let local = read_row_all(&r, &PlanOptions::default());
        assert_eq!(local.user_input, "a@b.example");
        assert_eq!(local.expect_upn, None);
        assert_eq!(local.expect_mail.as_deref(), Some("a@mail.example"));
        r.user = None;
        let local = read_row_all(&r, &PlanOptions::default());
        assert_eq!(local.user_input, "a@mail.example");
        assert_eq!((local.expect_upn, local.expect_mail), (None, None));
        r.mail = None;
        r.problems.push("a type name".into());
        let local = read_row_all(&r, &PlanOptions::default());
        assert_eq!(local.problems[0], "a type name");
        assert!(local.problems[1].starts_with("no user"));
    }

    /// Issue 13 item 7: a cell quoted in a message is cut, so a hostile file cannot flood the
    /// preview, the CLI or a results export with it.
    #[test]
    fn cells_quoted_in_problems_are_shortened() {
        let long = "x".repeat(1000);
        let mut r = row(&long, "");
        r.email = Some(long.clone());
        r.forced_update = Some(long.clone());
        r.sms_sign_in = Some(long.clone());
        r.default_method = Some(long.clone());
        let local = read_row_all(&r, &PlanOptions::default());
        assert_eq!(local.problems.len(), 5, "{:?}", local.problems);
        for p in &local.problems {
            assert!(p.chars().count() < 200, "{p}");
        }
    }

    #[test]
    fn blanks_keep_unless_blank_removes_and_words_parse() {
        let keep = read_row_all(&row("", ""), &PlanOptions::default())
            .desired
            .unwrap();
        assert!(keep.is_empty());
        let removes = read_row_all(
            &row("", ""),
            &PlanOptions {
                blank_removes: true,
                ..Default::default()
            },
        )
        .desired
        .unwrap();
        assert_eq!(removes.mobile, Want::Remove);
        // A method whose column the file lacks is never removed by "blank removes".
        let without_email = read_row(
            &row("", ""),
            &[Column::User, Column::MobilePhone, Column::OfficePhone],
            &PlanOptions {
                blank_removes: true,
                ..Default::default()
            },
        )
        .desired
        .unwrap();
        assert_eq!(without_email.mobile, Want::Remove);
        assert_eq!(without_email.email, Want::Keep);
        assert_eq!(without_email.alternate_mobile, Want::Keep);
        let mut r = row("", "");
        r.sms_sign_in = Some("maybe".into());
        assert!(read_row_all(&r, &PlanOptions::default()).problems[0].contains("SmsSignIn"));
    }
}
