//! One row of the tenant report and the rules that fill it: phone only, no MFA, SMS sign-in,
//! password reset after the retirement, the default method, and the "breaks on" date —
//! 1 Feb 2027 for users whose only MFA methods are SMS/voice, 1 Jul 2027 for Global
//! Administrators and external users, 1 Feb 2027 for SMS sign-in users whatever their role.
//! Pure functions of what was read; both sources go through [`compute`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::vocab;
use crate::graph::DirectoryUser;

/// Microsoft-provided SMS and voice end for MFA and SSPR, and SMS sign-in ends for everyone.
pub const RETIREMENT: NaiveDate = date(2027, 2, 1);
/// The same for Global Administrators and external users.
pub const RETIREMENT_LATE: NaiveDate = date(2027, 7, 1);

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(x) => x,
        None => NaiveDate::MIN,
    }
}

/// Where a row's methods came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// `/reports/authenticationMethods/userRegistrationDetails` (can be hours old).
    Registration,
    /// Each user's `/authentication/methods`, read live.
    Methods,
}

/// Member, internal guest or external user (they retire on different dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UserKind {
    Member,
    /// `userType` Guest with a local account: retires with members on 1 Feb 2027.
    InternalGuest,
    /// Signs in with another organisation's identity (B2B): 1 Jul 2027.
    External,
}

impl UserKind {
    /// From `userType`, `creationType`, `externalUserState` and the `#EXT#` UPN.
    pub fn of(u: &DirectoryUser) -> Self {
        let external = u.external_user_state.is_some()
            || u.creation_type
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case("Invitation"))
            || u.user_principal_name
                .as_deref()
                .is_some_and(|p| p.contains("#EXT#"));
        let guest = u
            .user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("Guest"));
        match (external, guest) {
            (true, _) => UserKind::External,
            (false, true) => UserKind::InternalGuest,
            (false, false) => UserKind::Member,
        }
    }
}

/// The summary tiles (and `--only` filters) a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tile {
    #[serde(rename = "breaks-2027-02-01")]
    Breaks20270201,
    #[serde(rename = "sms-sign-in")]
    SmsSignIn,
    #[serde(rename = "no-mfa")]
    NoMfa,
    #[serde(rename = "phone-default")]
    PhoneDefault,
    #[serde(rename = "admins")]
    Admins,
    #[serde(rename = "passwordless")]
    Passwordless,
}

impl Tile {
    pub const ALL: [Tile; 6] = [
        Tile::Breaks20270201,
        Tile::SmsSignIn,
        Tile::NoMfa,
        Tile::PhoneDefault,
        Tile::Admins,
        Tile::Passwordless,
    ];

    /// The CLI / JSON name (`breaks-2027-02-01`, `sms-sign-in`, …).
    pub fn name(self) -> &'static str {
        match self {
            Tile::Breaks20270201 => "breaks-2027-02-01",
            Tile::SmsSignIn => "sms-sign-in",
            Tile::NoMfa => "no-mfa",
            Tile::PhoneDefault => "phone-default",
            Tile::Admins => "admins",
            Tile::Passwordless => "passwordless",
        }
    }

    pub fn parse(text: &str) -> Option<Tile> {
        Tile::ALL.into_iter().find(|t| t.name() == text.trim())
    }

    /// The tile's caption.
    pub fn label(self) -> &'static str {
        match self {
            Tile::Breaks20270201 => "Break on 1 Feb 2027",
            Tile::SmsSignIn => "SMS sign-in users",
            Tile::NoMfa => "No MFA method",
            Tile::PhoneDefault => "Phone is the default",
            Tile::Admins => "Admins",
            Tile::Passwordless => "Passwordless-capable",
        }
    }
}

/// Everything read about one user, before the rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub methods: Option<Vec<String>>,
    /// The registration report's `isMfaCapable` (policy-aware); None on the methods source.
    pub mfa_capable: Option<bool>,
    pub default_method: Option<String>,
    pub system_preferred: Option<bool>,
    /// SMS sign-in `ready` on the mobile phone; None when the phones could not be read.
    pub sms_sign_in: Option<bool>,
    pub mobile: Option<String>,
    /// The report's `isAdmin` (any admin role), when read.
    pub reported_admin: Option<bool>,
    pub last_updated: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// What is known of the directory roles.
#[derive(Debug, Clone, Default)]
pub(crate) struct RoleFacts {
    /// The user's role names; None when role members could not be read.
    pub roles: Option<Vec<String>>,
    pub global_admin: Option<bool>,
}

/// One user of the tenant report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRow {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub account_enabled: bool,
    /// Graph's `userType` (`Member` / `Guest`).
    pub user_type: String,
    pub kind: UserKind,
    pub synced: bool,
    /// Holds any admin role; None when neither the report nor the role members said.
    pub is_admin: Option<bool>,
    /// Role names, when role members are readable.
    pub admin_roles: Option<Vec<String>>,
    pub global_admin: Option<bool>,
    /// Graph's `methodsRegistered` names; None when the methods could not be read.
    pub methods: Option<Vec<String>>,
    /// The same in words.
    pub method_words: Vec<String>,
    pub mfa_capable: Option<bool>,
    pub passwordless_capable: bool,
    /// `userPreferredMethodForSecondaryAuthentication` (`push`, `sms`, …), None for none.
    pub default_method: Option<String>,
    pub default_words: Option<String>,
    /// System-preferred MFA is on, so it picks the method instead of the default.
    pub default_overridden: bool,
    pub phone_default: bool,
    pub sms_sign_in: Option<bool>,
    /// The mobile number as read (masked for roles that see masked numbers).
    pub mobile: Option<String>,
    /// Can still reset their password after 1 Feb 2027 (an SSPR method that is not SMS/voice).
    pub sspr_after_retirement: Option<bool>,
    /// Has a phone method and no other MFA-capable method.
    pub phone_only: bool,
    pub no_mfa: bool,
    /// `2027-02-01`, `2027-07-01` or null.
    pub breaks_on: Option<NaiveDate>,
    /// Why, in words ("only SMS/voice", "SMS sign-in ends 1 Feb 2027", "no MFA method", …).
    pub breaks: String,
    pub tiles: Vec<Tile>,
    pub source: Source,
    /// Why this row is special (not in the registration report, refreshed live, …).
    pub note: Option<String>,
    pub last_updated: Option<DateTime<Utc>>,
    /// Per-user MFA (disabled / enabled / enforced), once read on request (`report::per_user_mfa`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_user_mfa: Option<crate::graph::PerUserMfaState>,
}

/// Applies the rules to what was read about `user`.
pub(crate) fn compute(
    user: &DirectoryUser,
    facts: Facts,
    roles: &RoleFacts,
    source: Source,
) -> ReportRow {
    let kind = UserKind::of(user);
    let names = facts.methods.clone().unwrap_or_default();
    let known = facts.methods.is_some();
    let has_phone = names.iter().any(|n| vocab::is_phone(n));
    let has_other = names.iter().any(|n| vocab::is_other_mfa(n));
    let phone_only = has_phone && !has_other;
    let no_mfa = known && !has_phone && !has_other;
    let is_admin = match (&roles.roles, facts.reported_admin) {
        (Some(r), reported) => Some(!r.is_empty() || reported == Some(true)),
        (None, reported) => reported,
    };
    let sms = facts.sms_sign_in == Some(true);
    let (breaks_on, breaks) = if sms {
        (Some(RETIREMENT), "SMS sign-in ends 1 Feb 2027".to_string())
    } else if phone_only {
        match (kind, roles.global_admin, is_admin) {
            (UserKind::External, _, _) => (
                Some(RETIREMENT_LATE),
                "Only SMS/voice; external user: 1 Jul 2027".to_string(),
            ),
            (_, Some(true), _) => (
                Some(RETIREMENT_LATE),
                "Only SMS/voice; Global Administrator: 1 Jul 2027".to_string(),
            ),
            (_, None, Some(true)) => (
                Some(RETIREMENT),
                "Only SMS/voice; admin: date depends on role (1 Feb 2027, or 1 Jul 2027 for a Global Administrator)".to_string(),
            ),
            _ => (Some(RETIREMENT), "Only SMS/voice: 1 Feb 2027".to_string()),
        }
    } else if no_mfa {
        (None, "No MFA method".to_string())
    } else {
        (None, String::new())
    };
    let default_method = facts
        .default_method
        .clone()
        .filter(|d| !d.is_empty() && d != "none");
    let default_overridden = facts.system_preferred == Some(true) && default_method.is_some();
    let phone_default = default_method
        .as_deref()
        .is_some_and(vocab::default_is_phone)
        && (facts.system_preferred != Some(true) || phone_only);
    let passwordless_capable = names.iter().any(|n| vocab::is_passwordless(n));
    let mut tiles = Vec::new();
    if breaks_on == Some(RETIREMENT) {
        tiles.push(Tile::Breaks20270201);
    }
    if sms {
        tiles.push(Tile::SmsSignIn);
    }
    if no_mfa {
        tiles.push(Tile::NoMfa);
    }
    if phone_default {
        tiles.push(Tile::PhoneDefault);
    }
    if is_admin == Some(true) {
        tiles.push(Tile::Admins);
    }
    if passwordless_capable {
        tiles.push(Tile::Passwordless);
    }
    ReportRow {
        id: user.id.clone(),
        display_name: user.display_name.clone().unwrap_or_default(),
        user_principal_name: user.user_principal_name.clone().unwrap_or_default(),
        account_enabled: user.account_enabled.unwrap_or(true),
        user_type: user.user_type.clone().unwrap_or_else(|| "Member".into()),
        kind,
        synced: user.on_premises_sync_enabled == Some(true),
        is_admin,
        admin_roles: roles.roles.clone(),
        global_admin: roles.global_admin,
        method_words: names.iter().map(|n| vocab::words(n)).collect(),
        mfa_capable: facts
            .mfa_capable
            .or(known.then_some(has_phone || has_other)),
        passwordless_capable,
        default_words: default_method.as_deref().map(vocab::default_words),
        default_method,
        default_overridden,
        phone_default,
        sms_sign_in: facts.sms_sign_in,
        mobile: facts.mobile,
        sspr_after_retirement: known.then(|| names.iter().any(|n| vocab::is_sspr_not_phone(n))),
        phone_only,
        no_mfa,
        breaks_on,
        breaks,
        tiles,
        source,
        note: facts.note,
        last_updated: facts.last_updated,
        per_user_mfa: None,
        methods: facts.methods,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(kind: &str) -> DirectoryUser {
        DirectoryUser {
            id: "u1".into(),
            display_name: Some("Ana".into()),
            user_principal_name: Some(if kind == "external" {
                "ana_x.example#EXT#@t.example".into()
            } else {
                "ana@t.example".into()
            }),
            account_enabled: Some(true),
            user_type: Some(if kind == "member" { "Member" } else { "Guest" }.into()),
            creation_type: (kind == "external").then(|| "Invitation".into()),
            external_user_state: (kind == "external").then(|| "Accepted".into()),
            on_premises_sync_enabled: None,
        }
    }

    fn facts(methods: &[&str]) -> Facts {
        Facts {
            methods: Some(methods.iter().map(|s| s.to_string()).collect()),
            sms_sign_in: Some(false),
            ..Facts::default()
        }
    }

    fn no_roles() -> RoleFacts {
        RoleFacts {
            roles: Some(Vec::new()),
            global_admin: Some(false),
        }
    }

    #[test]
    fn phone_only_breaks_on_the_first_of_february() {
        let r = compute(
            &user("member"),
            facts(&["mobilePhone", "email"]),
            &no_roles(),
            Source::Methods,
        );
        assert!(r.phone_only && !r.no_mfa);
        assert_eq!(r.breaks_on, Some(RETIREMENT));
        assert_eq!(r.sspr_after_retirement, Some(true), "email still resets");
        assert!(r.tiles.contains(&Tile::Breaks20270201));
        let internal = compute(
            &user("internal"),
            facts(&["mobilePhone"]),
            &no_roles(),
            Source::Methods,
        );
        assert_eq!(internal.kind, UserKind::InternalGuest);
        assert_eq!(
            internal.breaks_on,
            Some(RETIREMENT),
            "internal guests are included"
        );
        assert_eq!(internal.sspr_after_retirement, Some(false));
    }

    #[test]
    fn external_users_and_global_admins_break_in_july() {
        let r = compute(
            &user("external"),
            facts(&["mobilePhone"]),
            &no_roles(),
            Source::Registration,
        );
        assert_eq!(
            (r.kind, r.breaks_on),
            (UserKind::External, Some(RETIREMENT_LATE))
        );
        let ga = RoleFacts {
            roles: Some(vec!["Global Administrator".into()]),
            global_admin: Some(true),
        };
        let r = compute(
            &user("member"),
            facts(&["officePhone"]),
            &ga,
            Source::Methods,
        );
        assert_eq!(r.breaks_on, Some(RETIREMENT_LATE));
        assert!(r.tiles.contains(&Tile::Admins));
        // Roles unreadable, the report says admin: the date depends on the role.
        let unknown = RoleFacts::default();
        let mut f = facts(&["mobilePhone"]);
        f.reported_admin = Some(true);
        let r = compute(&user("member"), f, &unknown, Source::Registration);
        assert_eq!(r.breaks_on, Some(RETIREMENT));
        assert!(r.breaks.contains("date depends on role"), "{}", r.breaks);
    }

    #[test]
    fn sms_sign_in_ends_in_february_even_for_global_admins_with_other_methods() {
        let ga = RoleFacts {
            roles: Some(vec!["Global Administrator".into()]),
            global_admin: Some(true),
        };
        let mut f = facts(&["mobilePhone", "microsoftAuthenticatorPush"]);
        f.sms_sign_in = Some(true);
        let r = compute(&user("member"), f, &ga, Source::Registration);
        assert!(!r.phone_only);
        assert_eq!(r.breaks_on, Some(RETIREMENT));
        assert_eq!(r.breaks, "SMS sign-in ends 1 Feb 2027");
        assert!(r.tiles.contains(&Tile::SmsSignIn));
    }

    #[test]
    fn unknown_methods_never_count_as_not_mfa() {
        let r = compute(
            &user("member"),
            facts(&["mobilePhone", "qrCode"]),
            &no_roles(),
            Source::Registration,
        );
        assert!(!r.phone_only);
        assert_eq!(r.breaks_on, None);
        let r = compute(
            &user("member"),
            facts(&["somethingNew2028"]),
            &no_roles(),
            Source::Registration,
        );
        assert!(!r.no_mfa);
        let r = compute(
            &user("member"),
            facts(&["email", "temporaryAccessPass"]),
            &no_roles(),
            Source::Methods,
        );
        assert!(r.no_mfa);
        assert_eq!(r.breaks, "No MFA method");
        assert!(r.tiles.contains(&Tile::NoMfa));
    }

    #[test]
    fn phone_default_unless_system_preferred_picks_something_else() {
        let mut f = facts(&["mobilePhone", "microsoftAuthenticatorPush"]);
        f.default_method = Some("sms".into());
        f.system_preferred = Some(false);
        let r = compute(&user("member"), f.clone(), &no_roles(), Source::Methods);
        assert!(r.phone_default && !r.default_overridden);
        f.system_preferred = Some(true);
        let r = compute(&user("member"), f, &no_roles(), Source::Methods);
        assert!(!r.phone_default && r.default_overridden);
    }

    #[test]
    fn tiles_have_cli_names() {
        for t in Tile::ALL {
            assert_eq!(Tile::parse(t.name()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.name());
        }
        assert_eq!(Tile::parse("nope"), None);
    }
}
