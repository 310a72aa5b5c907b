//! Users a test names itself: a fixed id, UPN and mail and a given set of phone and email
//! methods, added to a running tenant after the seeded directory (`RunningSandbox::add_users`).
//! The seeded users keep their ids and indexes. No randomness and no wall clock: same input,
//! same users. Graph's rules for methods hold (numbers in `+CC NUMBER[xEXT]` form, an extension
//! only on the office phone, an alternate mobile only next to a mobile, a default method the user
//! has registered); the UPN's domain is not checked against the tenant's domains.

use serde::{Deserialize, Serialize};

use super::epoch_plus;
use crate::directory::{
    Directory, EmailMethod, Methods, Phone, PhoneType, SearchKeys, SignInPreferences, User,
};
use crate::phone_format::PhoneNumber;

/// A user to add, with exactly these methods (besides a password). Enabled, licensed,
/// cloud-only members without a directory role or group; SMS sign-in off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedUser {
    /// Object id (a GUID, stored lower-case).
    pub id: String,
    pub user_principal_name: String,
    /// Defaults to the UPN's local part.
    pub display_name: String,
    /// The `mail` property (users can be looked up by it).
    pub mail: Option<String>,
    /// Phone methods in Graph's form, e.g. `+1 4255550100`.
    pub mobile: Option<String>,
    pub alternate_mobile: Option<String>,
    pub office: Option<String>,
    /// The email authentication method's address.
    pub email: Option<String>,
    /// `userPreferredMethodForSecondaryAuthentication`: push, oath, voiceMobile,
    /// voiceAlternateMobile, voiceOffice or sms (only the phone ones can be registered here).
    pub default_method: Option<String>,
}

fn phone(kind: PhoneType, raw: Option<&str>, who: &str) -> Result<Option<Phone>, String> {
    let Some(raw) = raw else { return Ok(None) };
    let number = PhoneNumber::parse_for(raw, kind == PhoneType::Office).map_err(|e| {
        let shown = crate::phone_format::mask(raw);
        format!("{who}: {} '{shown}' is not accepted ({e:?})", kind.as_str())
    })?;
    Ok(Some(Phone {
        kind,
        number: number.canonical(),
        sms_sign_in: false,
        created: epoch_plus(1800, 0),
    }))
}

fn user(s: &SeedUser) -> Result<User, String> {
    let who = s.user_principal_name.as_str();
    if s.id.trim().is_empty() || who.trim().is_empty() || !who.contains('@') {
        return Err(format!(
            "'{who}': a seeded user needs an id and a UPN with a domain"
        ));
    }
    let local = who.split('@').next().unwrap_or(who);
    let display_name = if s.display_name.is_empty() {
        local.to_owned()
    } else {
        s.display_name.clone()
    };
    let (given, surname) = display_name
        .split_once(' ')
        .unwrap_or((display_name.as_str(), ""));
    let phones: Vec<Phone> = [
        phone(PhoneType::Mobile, s.mobile.as_deref(), who)?,
        phone(
            PhoneType::AlternateMobile,
            s.alternate_mobile.as_deref(),
            who,
        )?,
        phone(PhoneType::Office, s.office.as_deref(), who)?,
    ]
    .into_iter()
    .flatten()
    .collect();
    if s.alternate_mobile.is_some() && s.mobile.is_none() {
        return Err(format!("{who}: an alternate mobile needs a mobile"));
    }
    let created = epoch_plus(1000, 0);
    let mut u = User {
        id: s.id.to_lowercase(),
        display_name: display_name.clone(),
        given_name: given.to_owned(),
        surname: surname.to_owned(),
        upn: who.to_owned(),
        mail: s.mail.clone(),
        mobile_phone: None,
        business_phones: Vec::new(),
        other_mails: Vec::new(),
        job_title: None,
        department: None,
        office_location: None,
        city: "Seattle".to_owned(),
        country: "United States".to_owned(),
        usage_location: "US".to_owned(),
        preferred_language: "en-US".to_owned(),
        account_enabled: true,
        guest: false,
        external: false,
        synced: false,
        licensed: true,
        created,
        roles: Vec::new(),
        groups: Vec::new(),
        methods: Methods {
            password_created: Some(created),
            phones,
            email: s.email.as_ref().map(|address| EmailMethod {
                address: address.clone(),
                created: epoch_plus(1800, 0),
            }),
            ..Methods::default()
        },
        prefs: SignInPreferences {
            preferred: s.default_method.clone(),
            ..SignInPreferences::default()
        },
        methods_updated: epoch_plus(1800, 0),
        report_view: None,
        keys: SearchKeys::of(&display_name, who, s.mail.as_deref(), given, surname),
    };
    if let Some(m) = &u.prefs.preferred {
        if !u.supports(m) {
            return Err(format!(
                "{who}: the default method '{m}' needs a method the user does not have"
            ));
        }
    }
    u.mobile_phone = u.methods.phone(PhoneType::Mobile).map(|p| p.number.clone());
    Ok(u)
}

/// Appends `seeds` to `dir` (all or none). Refuses an id or UPN already in the tenant.
pub(crate) fn add_users(dir: &mut Directory, seeds: &[SeedUser]) -> Result<(), String> {
    let mut added = Vec::with_capacity(seeds.len());
    for s in seeds {
        let u = user(s)?;
        let taken = dir.find_user(&u.id).is_some()
            || dir.find_user(&u.upn).is_some()
            || added
                .iter()
                .any(|a: &User| a.id == u.id || a.upn.eq_ignore_ascii_case(&u.upn));
        if taken {
            return Err(format!("{}: the id or UPN is already in the tenant", u.upn));
        }
        added.push(u);
    }
    // Rebuilding keeps every index (UPN, id, sort orders, mobile uniqueness) right; existing
    // users keep their positions, so group members and counters stay valid.
    let old = std::mem::take(dir);
    let mut users = old.users;
    users.extend(added);
    *dir = Directory::new(users, old.groups, old.roles);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(upn: &str) -> SeedUser {
        SeedUser {
            id: format!("00000000-0000-4000-8000-{:012}", upn.len()),
            user_principal_name: upn.into(),
            ..SeedUser::default()
        }
    }

    #[test]
    fn adds_users_findable_by_upn_and_id_with_canonical_numbers() {
        let mut dir = super::super::build(10, 1, chrono::Utc::now()).directory;
        let u = SeedUser {
            mobile: Some("+14255550100".into()),
            office: Some("+44 2079460123x12".into()),
            default_method: Some("sms".into()),
            ..seed("ana@contoso.example")
        };
        add_users(&mut dir, &[u]).unwrap();
        let i = dir.find_user("ANA@contoso.example").unwrap();
        assert_eq!(i, 10);
        assert_eq!(dir.find_user(&dir.users[i].id.clone()), Some(i));
        let phones = &dir.users[i].methods.phones;
        assert_eq!(phones[0].number, "+1 4255550100");
        assert_eq!(phones[1].number, "+44 2079460123x12");
        assert!(dir.mobile_shared(0, "+1 4255550100"));
    }

    #[test]
    fn refuses_what_graph_would_refuse_and_duplicates() {
        let mut dir = super::super::build(10, 1, chrono::Utc::now()).directory;
        let bad = [
            SeedUser {
                mobile: Some("+1 4255550100x5".into()),
                ..seed("a@x.example")
            },
            SeedUser {
                alternate_mobile: Some("+1 4255550100".into()),
                ..seed("a@x.example")
            },
            SeedUser {
                default_method: Some("voiceOffice".into()),
                ..seed("a@x.example")
            },
            seed("no-domain"),
        ];
        for b in bad {
            assert!(add_users(&mut dir, &[b]).is_err());
        }
        let upn = dir.users[0].upn.clone();
        assert!(add_users(&mut dir, &[seed(&upn)]).is_err());
        assert!(add_users(&mut dir, &[seed("b@x.example"), seed("B@x.example")]).is_err());
        assert_eq!(dir.users.len(), 10, "nothing added when one is refused");
    }
}
