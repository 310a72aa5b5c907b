//! Graph's JSON for directory objects: users (default and `$select`-able properties) and groups.
//! Shared by `/users`, `/groups`, `memberOf` and `members`; names no handler, so `users` and
//! `groups` both depend on it and not on each other.

use serde_json::{json, Map, Value};

use crate::directory::{Group, User};
use crate::errors::iso;

pub(crate) const DEFAULT_PROPS: [&str; 11] = [
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

pub(crate) const EXTRA_PROPS: [&str; 13] = [
    "accountEnabled",
    "userType",
    "onPremisesSyncEnabled",
    "usageLocation",
    "department",
    "city",
    "country",
    "createdDateTime",
    "assignedLicenses",
    "mailNickname",
    "creationType",
    "externalUserState",
    "otherMails",
];

/// Microsoft 365 E3 (includes Entra ID P1).
const E3_SKU: &str = "05e9a617-0261-4cee-bb44-138d3ef5d965";

fn prop(u: &User, name: &str) -> Value {
    match name {
        "id" => json!(u.id),
        "businessPhones" => json!(u.business_phones),
        "displayName" => json!(u.display_name),
        "givenName" => json!(u.given_name),
        "jobTitle" => json!(u.job_title),
        "mail" => json!(u.mail),
        "mobilePhone" => json!(u.mobile_phone),
        "officeLocation" => json!(u.office_location),
        "preferredLanguage" => json!(u.preferred_language),
        "surname" => json!(u.surname),
        "userPrincipalName" => json!(u.upn),
        "accountEnabled" => json!(u.account_enabled),
        "userType" => json!(if u.guest { "Guest" } else { "Member" }),
        "onPremisesSyncEnabled" => {
            if u.synced {
                json!(true)
            } else {
                Value::Null
            }
        }
        "usageLocation" => json!(Some(&u.usage_location).filter(|l| !l.is_empty())),
        "department" => json!(u.department),
        "city" => json!(u.city),
        "country" => json!(u.country),
        "createdDateTime" => json!(iso(u.created)),
        "assignedLicenses" => {
            if u.licensed {
                json!([{ "disabledPlans": [], "skuId": E3_SKU }])
            } else {
                json!([])
            }
        }
        "mailNickname" => json!(u.upn.split('@').next().unwrap_or_default()),
        "creationType" => {
            if u.external {
                json!("Invitation")
            } else {
                Value::Null
            }
        }
        "externalUserState" => {
            if u.external {
                json!("Accepted")
            } else {
                Value::Null
            }
        }
        "otherMails" => json!(u.other_mails),
        _ => Value::Null,
    }
}

/// A user property's canonical name, if `$select` may name it (case-insensitive).
pub(crate) fn selectable(name: &str) -> Option<&'static str> {
    DEFAULT_PROPS
        .iter()
        .chain(EXTRA_PROPS.iter())
        .find(|p| p.eq_ignore_ascii_case(name))
        .copied()
}

pub(crate) fn user_json(u: &User, props: &[&str]) -> Value {
    let mut m = Map::new();
    for p in props {
        m.insert((*p).to_owned(), prop(u, p));
    }
    Value::Object(m)
}

pub(crate) fn group_json(g: &Group) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.group",
        "id": g.id,
        "deletedDateTime": null,
        "classification": null,
        "createdDateTime": iso(g.created),
        "description": g.description,
        "displayName": g.display_name,
        "groupTypes": [],
        "isAssignableToRole": null,
        "mail": null,
        "mailEnabled": false,
        "mailNickname": g.mail_nickname,
        "onPremisesSyncEnabled": null,
        "securityEnabled": true,
        "visibility": null,
    })
}
