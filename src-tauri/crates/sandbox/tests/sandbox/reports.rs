//! Rule 12, the registration report: reader roles and premium licence only, rows computed
//! from the current state, `$filter` on flags and `methodsRegistered/any(...)`, beta extras.

use prestage_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::json;

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
    let env = default_env().await;
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
