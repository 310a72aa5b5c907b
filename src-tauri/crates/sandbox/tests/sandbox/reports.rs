//! Rule 12, the registration report: reader roles and premium licence only, rows computed
//! from the current state, `$filter` on flags and `methodsRegistered/any(...)`, beta extras.

use std::time::{Duration, Instant};

use prestage_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

fn no_phones(u: &serde_json::Value) -> bool {
    plain_member(u)
        && ["mobile", "alternateMobile", "office"]
            .iter()
            .all(|k| phone_of(u, k).is_none())
}

#[tokio::test]
async fn rule_12_registration_report_access() {
    let env = default_env().await;
    for (who, ok) in [
        ("gaby.admin", true),
        ("gwen.reader", true),
        ("alex.wong", false),
        ("priya.patel", false),
        ("nora.nobody", false),
    ] {
        let t = sign_in(&env, who).await;
        let r = get(
            &env,
            &t,
            "v1.0/reports/authenticationMethods/userRegistrationDetails?$top=5",
        )
        .await;
        if ok {
            assert_eq!(r.status, StatusCode::OK, "{who}");
            assert_eq!(r.body["value"].as_array().unwrap().len(), 5);
            assert!(r.body["@odata.nextLink"].is_string());
        } else {
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::FORBIDDEN, "accessDenied"),
                "{who}"
            );
        }
    }
    let np = env_np().await;
    let t = sign_in(&np, "gaby.admin").await;
    let r = get(
        &np,
        &t,
        "v1.0/reports/authenticationMethods/userRegistrationDetails",
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (
            StatusCode::FORBIDDEN,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
        )
    );
    assert_eq!(
        r.body["error"]["message"],
        "Neither tenant is B2C or tenant doesn't have premium license"
    );
}

async fn env_np() -> Env {
    env(SandboxConfig {
        non_premium: true,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn registration_report_follows_state_and_filters() {
    let env = env(SandboxConfig {
        report_lag: Duration::ZERO,
        ..Default::default()
    })
    .await;
    let ga = sign_in(&env, "gaby.admin").await;
    let paa = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, no_phones);
    let id = u["id"].as_str().unwrap();
    let path = format!("beta/reports/authenticationMethods/userRegistrationDetails/{id}");
    let before = get(&env, &ga, &path).await.body;
    assert!(!before["methodsRegistered"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "mobilePhone"));
    post(
        &env,
        &paa,
        &format!("v1.0/users/{id}/authentication/phoneMethods"),
        json!({"phoneNumber": "+49 15112345678", "phoneType": "mobile"}),
    )
    .await;
    let after = get(&env, &ga, &path).await.body;
    assert!(after["methodsRegistered"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "mobilePhone"));
    assert_eq!(after["isMfaRegistered"], true);
    assert!(after["defaultMfaMethod"].is_string());
    let r = get(&env, &ga, "v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=methodsRegistered/any(x:x%20eq%20'mobilePhone')%20and%20isMfaRegistered%20eq%20true&$top=999").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.body["value"].as_array().unwrap();
    assert!(rows.iter().any(|x| x["id"] == id));
    assert!(rows.iter().all(|x| x["methodsRegistered"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "mobilePhone")));
    assert!(
        rows.iter().all(|x| x.get("defaultMfaMethod").is_none(),),
        "defaultMfaMethod is beta only"
    );
}

const REPORT: &str = "v1.0/reports/authenticationMethods/userRegistrationDetails";

fn names(v: &Value) -> Vec<String> {
    v["methodsRegistered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

async fn report_row(env: &Env, token: &str, id: &str) -> Resp {
    get(env, token, &format!("{REPORT}/{id}")).await
}

#[tokio::test]
async fn rule_12_reports_have_their_own_bucket_of_5_per_10_seconds() {
    let env = env(SandboxConfig {
        users: 30,
        ..Default::default()
    })
    .await;
    let ga = sign_in(&env, "gaby.admin").await;
    let start = Instant::now();
    for i in 0..5 {
        let r = get(&env, &ga, &format!("{REPORT}?$top=1")).await;
        assert_eq!(r.status, StatusCode::OK, "request {i}");
    }
    let r = get(&env, &ga, &format!("{REPORT}?$top=1")).await;
    assert!(start.elapsed() < Duration::from_secs(2), "test too slow");
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "TooManyRequests")
    );
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(
        (1..=2).contains(&wait),
        "one request refills in 2 s, got {wait}"
    );
    assert_eq!(
        r.headers["x-ms-throttle-information"].to_str().unwrap(),
        "ReportsLimitExceeded"
    );
    // The identity bucket is separate: directory reads still go through.
    assert_eq!(
        get(&env, &ga, "v1.0/users?$top=5").await.status,
        StatusCode::OK
    );
    let dump = env.sb.dump();
    assert_eq!(dump["counters"]["throttled"]["reportsLimit"], 1);
    assert_eq!(dump["counters"]["throttled"]["resourceUnitLimit"], 0);
}

#[tokio::test]
async fn rule_12_server_page_size_and_disabled_users_absent() {
    let env = env(SandboxConfig {
        users: 1300,
        ..Default::default()
    })
    .await;
    let ga = sign_in(&env, "gwen.reader").await;
    let first = get(&env, &ga, REPORT).await;
    assert_eq!(first.status, StatusCode::OK);
    let page = first.body["value"].as_array().unwrap();
    assert_eq!(page.len(), 1000, "the server picks 1000 rows without $top");
    let next = first.body["@odata.nextLink"].as_str().unwrap();
    let rest = get(
        &env,
        &ga,
        next.split_once("/v1.0/")
            .map(|(_, p)| format!("v1.0/{p}"))
            .unwrap()
            .as_str(),
    )
    .await;
    let mut ids: Vec<String> = page
        .iter()
        .chain(rest.body["value"].as_array().unwrap())
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(rest.body["@odata.nextLink"].is_null());
    let dump = env.sb.dump();
    let users = dump["users"].as_array().unwrap();
    let mut enabled: Vec<String> = users
        .iter()
        .filter(|u| u["accountEnabled"] == true)
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    enabled.sort();
    assert_eq!(ids, enabled, "every enabled user once, no disabled user");
    assert!(enabled.len() < users.len(), "the seed has disabled users");
    let disabled = users.iter().find(|u| u["accountEnabled"] == false).unwrap();
    let r = report_row(&env, &ga, disabled["id"].as_str().unwrap()).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "Request_ResourceNotFound")
    );
}

#[tokio::test]
async fn rule_12_methods_registered_as_documented() {
    let env = default_env().await;
    let ga = sign_in(&env, "gaby.admin").await;
    let enabled = |u: &Value| u["accountEnabled"] == true;
    let authenticator = find_user(&env, |u| {
        enabled(u) && has_method(u, "microsoftAuthenticatorAuthenticationMethod")
    });
    let row = report_row(&env, &ga, authenticator["id"].as_str().unwrap()).await;
    let got = names(&row.body);
    assert!(
        got.contains(&"microsoftAuthenticatorPush".to_owned()),
        "{got:?}"
    );
    assert!(
        got.contains(&"softwareOneTimePasscode".to_owned()),
        "{got:?}"
    );

    let passkey = |kind: &'static str| {
        move |u: &Value| {
            enabled(u)
                && u["methods"].as_array().unwrap().iter().any(|m| {
                    m["passkeyType"] == kind
                        && m["aaGuid"] != "90a3ccdf-635c-4729-a248-9b709135078f"
                })
        }
    };
    for (kind, name) in [
        ("deviceBound", "passKeyDeviceBound"),
        ("synced", "passKeySynced"),
    ] {
        let u = find_user(&env, passkey(kind));
        let got = names(&report_row(&env, &ga, u["id"].as_str().unwrap()).await.body);
        assert!(got.contains(&name.to_owned()), "{kind}: {got:?}");
        assert!(!got.iter().any(|m| m == "fido2SecurityKey"), "{got:?}");
    }
    // Default-method fields: the user's preference, the system-preferred switch and method.
    let u = find_user(&env, |u| {
        enabled(u)
            && u["signInPreferences"]["userPreferredMethodForSecondaryAuthentication"] == "push"
            && u["signInPreferences"]["isSystemPreferredAuthenticationMethodEnabled"] == true
    });
    let id = u["id"].as_str().unwrap();
    let v1 = report_row(&env, &ga, id).await.body;
    assert_eq!(v1["userPreferredMethodForSecondaryAuthentication"], "push");
    assert_eq!(v1["isSystemPreferredAuthenticationMethodEnabled"], true);
    assert_eq!(v1["systemPreferredAuthenticationMethods"], json!(["push"]));
    let beta = get(
        &env,
        &ga,
        &format!("beta/reports/authenticationMethods/userRegistrationDetails/{id}"),
    )
    .await
    .body;
    assert_eq!(beta["defaultMfaMethod"], "microsoftAuthenticatorPush");
}

#[tokio::test]
async fn rule_12_report_lags_recent_changes() {
    let env = default_env().await;
    let ga = sign_in(&env, "gaby.admin").await;
    let paa = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, no_phones);
    let id = u["id"].as_str().unwrap();
    let before = report_row(&env, &ga, id).await.body;
    let r = post(
        &env,
        &paa,
        &format!("v1.0/users/{id}/authentication/phoneMethods"),
        json!({"phoneNumber": "+49 15112345678", "phoneType": "mobile"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let after = report_row(&env, &ga, id).await.body;
    assert_eq!(
        names(&after),
        names(&before),
        "the report still shows the old state"
    );
    assert!(!names(&after).contains(&"mobilePhone".to_owned()));
    assert_eq!(after["lastUpdatedDateTime"], before["lastUpdatedDateTime"]);
    // The methods API is live.
    let live = get(
        &env,
        &ga,
        &format!("v1.0/users/{id}/authentication/phoneMethods"),
    )
    .await;
    assert_eq!(live.body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn beta_last_used_is_populated_for_seeded_methods() {
    let env = default_env().await;
    let ga = sign_in(&env, "gaby.admin").await;
    let mut used = 0;
    let mut never = 0;
    for u in env.sb.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .take(40)
    {
        let id = u["id"].as_str().unwrap();
        let r = get(
            &env,
            &ga,
            &format!("beta/users/{id}/authentication/methods"),
        )
        .await;
        for m in r.body["value"].as_array().unwrap() {
            match m["lastUsedDateTime"].as_str() {
                Some(t) => {
                    assert!(t >= m["createdDateTime"].as_str().unwrap(), "{m}");
                    used += 1;
                }
                None => never += 1,
            }
        }
    }
    assert!(used > never * 3, "mostly used: {used} used, {never} never");
    assert!(never > 0, "some methods were never used");
}

#[tokio::test]
async fn rule_17_role_members_need_a_directory_read_permission() {
    let env = default_env().await;
    let full = sign_in_full(&env, "gwen.reader").await;
    let token = full["access_token"].as_str().unwrap();
    let path = "v1.0/directoryRoles(roleTemplateId='62e90394-69f5-4237-9190-012177145e10')/members";
    let r = get(&env, token, path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let members: Vec<&str> = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["userPrincipalName"].as_str().unwrap())
        .collect();
    let dump = env.sb.dump();
    let expected: Vec<&str> = dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            u["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "Global Administrator")
        })
        .map(|u| u["userPrincipalName"].as_str().unwrap())
        .collect();
    assert_eq!(members, expected);
    assert!(members.len() >= 2);
    // A token without RoleManagement.Read.Directory / Directory.Read.All.
    let (status, narrow) = token_request(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", full["refresh_token"].as_str().unwrap()),
            ("scope", "User.Read.All AuditLog.Read.All offline_access"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{narrow}");
    let r = get(&env, narrow["access_token"].as_str().unwrap(), path).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "Authorization_RequestDenied")
    );
}

#[tokio::test]
async fn seeded_directory_has_the_report_mix() {
    let env = env(SandboxConfig {
        users: 2000,
        ..Default::default()
    })
    .await;
    let dump = env.sb.dump();
    let users = dump["users"].as_array().unwrap();
    let count = |pred: &dyn Fn(&Value) -> bool| users.iter().filter(|u| pred(u)).count();
    let phones = ["mobile", "alternateMobile", "office"];
    let only_phone = |u: &Value| {
        phones.iter().any(|k| phone_of(u, k).is_some())
            && u["methods"].as_array().unwrap().iter().all(|m| {
                let t = m["@odata.type"].as_str().unwrap();
                t.ends_with("phoneAuthenticationMethod")
                    || t.ends_with("passwordAuthenticationMethod")
                    || t.ends_with("emailAuthenticationMethod")
            })
    };
    let nothing = |u: &Value| u["methods"].as_array().unwrap().len() == 1;
    let sms_sign_in =
        |u: &Value| phone_of(u, "mobile").is_some_and(|p| p["smsSignInState"] == "ready");
    let passkey = |u: &Value| has_method(u, "fido2AuthenticationMethod");
    let admin = |u: &Value| !u["roles"].as_array().unwrap().is_empty();
    let guest = |u: &Value| u["userType"] == "Guest";
    let external =
        |u: &Value| guest(u) && u["userPrincipalName"].as_str().unwrap().contains("#EXT#");
    let internal_guest = |u: &Value| guest(u) && !external(u);
    let disabled = |u: &Value| u["accountEnabled"] == false;
    for (what, n) in [
        ("phone-only", count(&only_phone)),
        ("no method", count(&nothing)),
        ("SMS sign-in", count(&sms_sign_in)),
        ("passkey", count(&passkey)),
        ("admin", count(&admin)),
        ("external", count(&external)),
        ("internal guest", count(&internal_guest)),
        ("disabled", count(&disabled)),
    ] {
        assert!(n >= 5, "{what}: {n}");
    }
}
