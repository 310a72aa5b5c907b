//! A directory user's own attributes become what their row asks for, without Graph: the region
//! national numbers are read in (usageLocation, else the admin's confirmed mapping of the free-text
//! `country`, else the default region), the import's phone rules (extension only on office,
//! landline warnings), and the checks only a whole directory shows — a number several users share.
//! Pure; unit-tested.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::graph::SourceUser;
use crate::import::{phone_want, valid_email, LocalRow};
use crate::phone::{PhoneNumber, PhoneType};
use crate::plan::{Desired, Want};

/// Which attributes feed which method, and how existing methods are treated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceOptions {
    /// `mobilePhone` → mobile (on by default).
    pub mobile: bool,
    /// `businessPhones[0]` → office phone (opt-in).
    pub office: bool,
    /// `otherMails[0]` → email method (opt-in).
    pub email: bool,
    /// ISO region for national numbers of users without a usable `usageLocation`.
    pub default_region: Option<String>,
    /// Free-text `country` values the admin confirmed as a region ("UK" → "GB").
    #[serde(default)]
    pub country_regions: BTreeMap<String, String>,
    /// Replace numbers and addresses that differ (false: add only — an existing method is
    /// never overwritten or removed).
    pub update_existing: bool,
}

impl Default for SourceOptions {
    fn default() -> Self {
        Self {
            mobile: true,
            office: false,
            email: false,
            default_region: None,
            country_regions: BTreeMap::new(),
            update_existing: false,
        }
    }
}

/// A region code as written by an admin: two ASCII letters, upper-cased.
fn region_code(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
}

/// The region national numbers of `user` are read in, and where it came from.
pub fn region_for(user: &SourceUser, options: &SourceOptions) -> (Option<String>, String) {
    if let Some(r) = user.usage_location.as_deref().and_then(region_code) {
        return (Some(r.clone()), format!("{r} (usageLocation)"));
    }
    if let Some(country) = user
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let mapped = options
            .country_regions
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(country))
            .and_then(|(_, v)| region_code(v));
        if let Some(r) = mapped {
            return (
                Some(r.clone()),
                format!("{r} (country '{country}', mapped)"),
            );
        }
    }
    match options.default_region.as_deref().and_then(region_code) {
        Some(r) => (Some(r.clone()), format!("{r} (default)")),
        None => (None, "none (international numbers only)".into()),
    }
}

/// Free-text `country` values of users without a usable `usageLocation`, with how many users
/// carry each — what the admin is asked to map (nothing is guessed).
pub fn countries_to_map(users: &[SourceUser]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for u in users {
        if u.usage_location.as_deref().and_then(region_code).is_none() {
            if let Some(c) = u
                .country
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                *counts.entry(c.to_string()).or_default() += 1;
            }
        }
    }
    counts.into_iter().collect()
}

/// One user's row, and the region it used. A row that asks for nothing has no `desired`
/// (the caller marks it skipped with `nothing_to_add`).
pub fn row_of(user: &SourceUser, options: &SourceOptions) -> (LocalRow, String) {
    let (region, region_note) = region_for(user, options);
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut want = |cell: Option<&str>, t: PhoneType, on: bool| -> Want<PhoneNumber> {
        if !on {
            return Want::Keep;
        }
        phone_want(
            cell,
            t,
            false,
            region.as_deref(),
            &mut problems,
            &mut warnings,
        )
    };
    let mobile = want(
        user.mobile_phone.as_deref(),
        PhoneType::Mobile,
        options.mobile,
    );
    let office = want(
        user.business_phones.first().map(String::as_str),
        PhoneType::Office,
        options.office,
    );
    let email = match user.other_mails.first().map(|m| m.trim()) {
        Some(m) if options.email && valid_email(m) => Want::Set(m.to_string()),
        Some(m) if options.email && !m.is_empty() => {
            problems.push(format!("email: otherMails '{m}' is not an email address"));
            Want::Keep
        }
        _ => Want::Keep,
    };
    let desired = Desired {
        mobile,
        alternate_mobile: Want::Keep,
        office,
        email,
        sms_sign_in: None,
        default_method: None,
        overwrite: options.update_existing,
        ..Desired::keep_all()
    };
    let row = LocalRow {
        user_input: user.id.clone(),
        expect_upn: None,
        expect_mail: None,
        desired: (!desired.is_empty() || !problems.is_empty()).then_some(desired),
        problems,
        warnings,
    };
    (row, region_note)
}

/// What a row with nothing to add says.
pub fn nothing_to_add(options: &SourceOptions) -> String {
    let mut names = Vec::new();
    if options.mobile {
        names.push("mobilePhone");
    }
    if options.office {
        names.push("businessPhones");
    }
    if options.email {
        names.push("otherMails");
    }
    format!("nothing to add: the directory has no {}", names.join(" / "))
}

/// A number several users share (a switchboard, a team phone) is refused on every one of them:
/// SMS sign-in needs a number unique in the tenant, and it is rarely the person's own phone.
pub fn refuse_shared_numbers(users: &[SourceUser], rows: &mut [LocalRow]) {
    let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(d) = &row.desired {
            for t in [PhoneType::Mobile, PhoneType::Office] {
                if let Want::Set(n) = d.phone(t) {
                    let key = n.digits();
                    let list = owners.entry(key).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }
    for list in owners.values().filter(|l| l.len() > 1) {
        for &i in list {
            let others: Vec<&str> = list
                .iter()
                .filter(|&&j| j != i)
                .take(3)
                .map(|&j| {
                    users[j]
                        .user_principal_name
                        .as_deref()
                        .unwrap_or(users[j].id.as_str())
                })
                .collect();
            let more = list.len().saturating_sub(4);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            rows[i].problems.push(format!(
                "shared number: {} other user(s) have the same number ({}{tail}) — a switchboard or team phone is not this person's phone, and SMS sign-in needs a unique number",
                list.len() - 1,
                others.join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(
        id: &str,
        mobile: Option<&str>,
        usage: Option<&str>,
        country: Option<&str>,
    ) -> SourceUser {
        SourceUser {
            id: id.into(),
            display_name: None,
            user_principal_name: Some(format!("{id}@x.example")),
            mobile_phone: mobile.map(Into::into),
            business_phones: vec!["+44 20 7946 0000".into()],
            other_mails: vec!["me@example.net".into()],
            usage_location: usage.map(Into::into),
            country: country.map(Into::into),
            account_enabled: Some(true),
            user_type: Some("Member".into()),
        }
    }

    #[test]
    fn the_region_comes_from_usage_location_then_the_confirmed_mapping_then_the_default() {
        let mut o = SourceOptions {
            default_region: Some("us".into()),
            ..SourceOptions::default()
        };
        assert_eq!(
            region_for(&user("a", None, Some("DE"), None), &o).1,
            "DE (usageLocation)"
        );
        // Free text is never guessed...
        let uk = user("a", None, None, Some("UK"));
        assert_eq!(region_for(&uk, &o).1, "US (default)");
        // ...only mapped when the admin said so.
        o.country_regions.insert("uk".into(), "GB".into());
        assert_eq!(region_for(&uk, &o).1, "GB (country 'UK', mapped)");
        o.default_region = None;
        assert_eq!(region_for(&user("a", None, None, None), &o).0, None);
        assert_eq!(
            countries_to_map(&[uk.clone(), uk, user("b", None, Some("FR"), Some("France"))]),
            vec![("UK".to_string(), 2)]
        );
    }

    #[test]
    fn national_numbers_are_read_in_the_users_region_and_add_only_is_the_default() {
        let (row, note) = row_of(
            &user("a", Some("07400 123456"), Some("GB"), None),
            &SourceOptions::default(),
        );
        let d = row.desired.unwrap();
        assert_eq!(
            d.mobile,
            Want::Set(PhoneNumber::parse_graph("+44 7400123456").unwrap())
        );
        assert!(
            d.office.is_keep() && d.email.is_keep(),
            "office and email are opt-in"
        );
        assert!(!d.overwrite);
        assert_eq!(note, "GB (usageLocation)");
        let all = SourceOptions {
            office: true,
            email: true,
            ..SourceOptions::default()
        };
        let d = row_of(&user("a", Some("+44 7400 123456"), Some("GB"), None), &all)
            .0
            .desired
            .unwrap();
        assert!(matches!(d.office, Want::Set(_)) && d.email == Want::Set("me@example.net".into()));
    }

    #[test]
    fn what_the_directory_gets_wrong_is_flagged_per_row() {
        let o = SourceOptions::default();
        let not_a_phone = row_of(&user("a", Some("n/a"), Some("GB"), None), &o).0;
        assert!(
            !not_a_phone.problems.is_empty(),
            "{:?}",
            not_a_phone.problems
        );
        let extension = row_of(
            &user("a", Some("+44 7400 123456 ext. 4021"), Some("GB"), None),
            &o,
        )
        .0;
        assert!(
            extension.problems.iter().any(|p| p.contains("extension")),
            "{:?}",
            extension.problems
        );
        let landline = row_of(&user("a", Some("+44 20 7946 0018"), Some("GB"), None), &o).0;
        assert!(
            landline.warnings.iter().any(|w| w.contains("landline")),
            "{:?}",
            landline.warnings
        );
        let none = row_of(&user("a", None, Some("GB"), None), &o).0;
        assert!(none.desired.is_none() && none.problems.is_empty());
        let users = vec![
            user("a", Some("+44 20 7946 0000"), Some("GB"), None),
            user("b", Some("020 7946 0000"), Some("GB"), None),
            user("c", Some("+44 7400 123999"), Some("GB"), None),
        ];
        let mut rows: Vec<LocalRow> = users.iter().map(|u| row_of(u, &o).0).collect();
        refuse_shared_numbers(&users, &mut rows);
        assert!(rows[0].problems.iter().any(|p| p.contains("b@x.example")));
        assert!(rows[1].problems.iter().any(|p| p.contains("a@x.example")));
        assert!(rows[2].problems.is_empty());
    }
}
