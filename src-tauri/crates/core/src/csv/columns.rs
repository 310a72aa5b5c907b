//! Which column a header names: the Prestage template, the community template, the attribute in
//! brackets of the Entra admin center's templates (`Mobile phone [mobile]`) and their aliases,
//! matched on [`normalize_header`] (case, spaces, `_`, `-` and punctuation ignored), plus the
//! caller's remembered mapping (applied to a header row in `headers.rs`).

use serde::{Deserialize, Serialize};

/// A field Prestage reads from an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Column {
    User,
    MobilePhone,
    AlternateMobilePhone,
    OfficePhone,
    Email,
    SmsSignIn,
    DefaultMethod,
    ForcedUpdate,
    ForcedRemoval,
    /// The user's object id (Graph PowerShell's `Id`): finds the user when present, and the
    /// UPN and mail columns are then checked against the user it found.
    UserId,
    /// The user's mail address (Graph's `mail`): finds the user when nothing else does, else is
    /// checked against the user found.
    UserMail,
    /// Legacy per-user MFA: disabled, enabled or enforced.
    PerUserMfaState,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::User,
        Column::MobilePhone,
        Column::AlternateMobilePhone,
        Column::OfficePhone,
        Column::Email,
        Column::SmsSignIn,
        Column::DefaultMethod,
        Column::ForcedUpdate,
        Column::ForcedRemoval,
        Column::UserId,
        Column::UserMail,
        Column::PerUserMfaState,
    ];

    /// The columns that name the user; a file needs at least one.
    pub const IDENTITY: [Column; 3] = [Column::UserId, Column::User, Column::UserMail];

    /// The header Prestage writes for this column (the template's spelling).
    pub fn header(self) -> &'static str {
        match self {
            Column::User => "UserPrincipalName",
            Column::MobilePhone => "MobilePhone",
            Column::AlternateMobilePhone => "AlternateMobilePhone",
            Column::OfficePhone => "OfficePhone",
            Column::Email => "Email",
            Column::SmsSignIn => "SmsSignIn",
            Column::DefaultMethod => "DefaultMethod",
            Column::ForcedUpdate => "ForcedUpdate",
            Column::ForcedRemoval => "ForcedRemoval",
            Column::UserId => "ObjectId",
            Column::UserMail => "Mail",
            Column::PerUserMfaState => "PerUserMfaState",
        }
    }

    /// What the column holds, in words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Column::User => "user (UPN or object id)",
            Column::MobilePhone => "mobile phone",
            Column::AlternateMobilePhone => "alternate mobile phone",
            Column::OfficePhone => "office phone",
            Column::Email => "authentication email",
            Column::SmsSignIn => "SMS sign-in setting",
            Column::DefaultMethod => "default sign-in method",
            Column::ForcedUpdate => "forced-update flag",
            Column::ForcedRemoval => "forced-removal flag",
            Column::UserId => "user's object id",
            Column::UserMail => "user's mail address (not the authentication email)",
            Column::PerUserMfaState => "per-user MFA state",
        }
    }

    /// The column a header spelling means (any accepted name, compared after
    /// [`normalize_header`]), e.g. `Mobile`, `alternate mobile phone` or, from the Entra admin
    /// center's templates, `Mobile phone [mobile]`.
    pub fn named(text: &str) -> Option<Column> {
        builtin(&header_key(text))
    }

    /// Every header spelling recognised for this column (compared after [`normalize_header`]).
    pub fn accepted_names(self) -> impl Iterator<Item = &'static str> {
        ALIASES
            .iter()
            .filter(move |(_, c)| *c == self)
            .map(|(name, _)| *name)
    }
}

/// Header spellings, as shown in messages; the first one of each column is its template header.
const ALIASES: &[(&str, Column)] = &[
    ("UserPrincipalName", Column::User),
    ("UPN", Column::User),
    ("User", Column::User),
    ("UserName", Column::User),
    ("SignInName", Column::User),
    // The admin center's group-member template: "Member object ID or user principal name".
    ("MemberObjectIdOrUpn", Column::User),
    ("MobilePhone", Column::MobilePhone),
    ("Mobile", Column::MobilePhone),
    ("Phone", Column::MobilePhone),
    ("MobileNumber", Column::MobilePhone),
    ("MobilePhoneNumber", Column::MobilePhone),
    ("PhoneNumber", Column::MobilePhone),
    ("CellPhone", Column::MobilePhone),
    ("AlternateMobilePhone", Column::AlternateMobilePhone),
    ("AlternateMobile", Column::AlternateMobilePhone),
    ("Alternate", Column::AlternateMobilePhone),
    ("AlternatePhone", Column::AlternateMobilePhone),
    ("AlternateMobileNumber", Column::AlternateMobilePhone),
    ("AltMobile", Column::AlternateMobilePhone),
    ("OfficePhone", Column::OfficePhone),
    ("Office", Column::OfficePhone),
    ("OfficeNumber", Column::OfficePhone),
    ("OfficePhoneNumber", Column::OfficePhone),
    ("BusinessPhone", Column::OfficePhone),
    // Graph's `businessPhones` (a list: PowerShell exports it as `System.String[]` unless joined).
    ("BusinessPhones", Column::OfficePhone),
    // The admin center's `Office phone [telephoneNumber]` (the directory's old attribute name).
    ("TelephoneNumber", Column::OfficePhone),
    ("WorkPhone", Column::OfficePhone),
    ("Email", Column::Email),
    ("EmailAddress", Column::Email),
    ("AuthenticationEmail", Column::Email),
    ("SmsSignIn", Column::SmsSignIn),
    ("SmsSignInState", Column::SmsSignIn),
    ("EnableSmsSignIn", Column::SmsSignIn),
    ("DefaultMethod", Column::DefaultMethod),
    ("Default", Column::DefaultMethod),
    ("PreferredMethod", Column::DefaultMethod),
    ("DefaultMfaMethod", Column::DefaultMethod),
    ("UserPreferredMethod", Column::DefaultMethod),
    ("ForcedUpdate", Column::ForcedUpdate),
    ("ForceUpdate", Column::ForcedUpdate),
    ("ForcedRemoval", Column::ForcedRemoval),
    ("ForceRemoval", Column::ForcedRemoval),
    ("ObjectId", Column::UserId),
    ("Id", Column::UserId),
    ("UserId", Column::UserId),
    ("UserObjectId", Column::UserId),
    // Graph's `mail` is the user's mailbox, which identifies them; it is not an authentication
    // email to register (that one must be another address, or it cannot recover the account).
    ("Mail", Column::UserMail),
    ("PerUserMfaState", Column::PerUserMfaState),
    ("PerUserMfa", Column::PerUserMfaState),
    ("MfaState", Column::PerUserMfaState),
    // The legacy MFA portal's bulk-update file: "Username,MFA Status".
    ("MfaStatus", Column::PerUserMfaState),
];

/// The key a header is matched and remembered by: lowercase letters and digits only, so
/// `User Principal Name`, `user_principal_name` and `USER-PRINCIPAL-NAME` are one header.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The key a header is matched by: the attribute in its last `[…]` when it has one (the admin
/// center writes `User name [userPrincipalName] Required`, and `Office [physicalDeliveryOfficeName]`
/// must not read as the office phone), else the whole header; normalized either way.
pub(super) fn header_key(h: &str) -> String {
    let bracketed = h.rfind('[').and_then(|open| {
        let inner = &h[open + 1..];
        inner.find(']').map(|close| &inner[..close])
    });
    match bracketed.map(normalize_header).filter(|k| !k.is_empty()) {
        Some(key) => key,
        None => normalize_header(h),
    }
}

pub(super) fn builtin(normalized: &str) -> Option<Column> {
    ALIASES
        .iter()
        .find(|(name, _)| normalize_header(name) == normalized)
        .map(|(_, c)| *c)
}

/// Every spelling of a column that names the user besides `UserPrincipalName`: "UPN, …, Id, Mail".
pub(crate) fn identity_list() -> String {
    let mut names: Vec<&str> = Column::User.accepted_names().skip(1).collect();
    names.extend(Column::UserId.accepted_names());
    names.extend(Column::UserMail.accepted_names());
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn normalization_ignores_case_spaces_and_punctuation() {
        assert_eq!(normalize_header("User Principal_Name"), "userprincipalname");
        assert_eq!(normalize_header(" SMS-Sign-In "), "smssignin");
        assert_eq!(normalize_header("E-mail\u{a0}"), "email");
        assert_eq!(normalize_header("Téléphone"), "téléphone");
    }

    #[test]
    fn every_template_header_is_its_own_first_alias() {
        for c in Column::ALL {
            assert_eq!(c.accepted_names().next(), Some(c.header()));
            assert_eq!(builtin(&normalize_header(c.header())), Some(c));
        }
    }

    #[test]
    fn aliases_are_unambiguous() {
        let mut seen = HashMap::new();
        for (name, c) in ALIASES {
            if let Some(other) = seen.insert(normalize_header(name), *c) {
                panic!("{name} maps to both {other:?} and {c:?}");
            }
        }
    }
}
