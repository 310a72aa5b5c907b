//! Graph's rules, one test each (numbers as in `rules.rs`): phone per type, alternate needs
//! mobile, undeletable mobile / default phone, number format, self-edit, role limits and
//! masking, SMS sign-in states. The registration report (rule 12) is in `reports.rs`.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

const MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
const ALTERNATE: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
const OFFICE: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";

fn no_phones(u: &serde_json::Value) -> bool {
    plain_member(u)
        && ["mobile", "alternateMobile", "office"]
            .iter()
            .all(|k| phone_of(u, k).is_none())
}

#[tokio::test]
async fn rules_1_to_4_phone_lifecycle() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, no_phones);
    let base = format!(
        "v1.0/users/{}/authentication/phoneMethods",
        u["id"].as_str().unwrap()
    );
    let prefs = format!(
        "beta/users/{}/authentication/signInPreferences",
        u["id"].as_str().unwrap()
    );
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+44 7700900123", "phoneType": "alternateMobile"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 2"
    );
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+44 7700900123", "phoneType": "mobile"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+44 7700900999", "phoneType": "mobile"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 1"
    );
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+44 7700900456", "phoneType": "alternateMobile"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = delete(&env, &t, &format!("{base}/{MOBILE}")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 3"
    );
    let r = patch(
        &env,
        &t,
        &prefs,
        json!({"userPreferredMethodForSecondaryAuthentication": "voiceAlternateMobile"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = delete(&env, &t, &format!("{base}/{ALTERNATE}")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 4"
    );
    let r = patch(
        &env,
        &t,
        &prefs,
        json!({"userPreferredMethodForSecondaryAuthentication": "sms"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = delete(&env, &t, &format!("{base}/{ALTERNATE}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = delete(&env, &t, &format!("{base}/{MOBILE}")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 4: sms default"
    );
}

#[tokio::test]
async fn rule_5_number_format() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, no_phones);
    let base = format!(
        "v1.0/users/{}/authentication/phoneMethods",
        u["id"].as_str().unwrap()
    );
    for (number, kind) in [
        ("0612345678", "mobile"),
        ("+31 6-1234-5678", "mobile"),
        ("+1 2065550123x12", "mobile"),
        ("+999 12345678", "mobile"),
        ("", "mobile"),
    ] {
        let r = post(
            &env,
            &t,
            &base,
            json!({"phoneNumber": number, "phoneType": kind}),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "badRequest"),
            "{number}"
        );
    }
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+31612345678", "phoneType": "mobile", "smsSignInState": "ready"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "smsSignInState in POST");
    let r = post(&env, &t, &base, json!({"phoneNumber": "+31612345678"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "phoneType required");
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+31612345678", "phoneType": "pager"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "BadRequest")
    );
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+31612345678", "phoneType": "mobile"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.body["phoneNumber"], "+31 612345678",
        "space inserted after the country code"
    );
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+353 15551234x77", "phoneType": "office"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["phoneNumber"], "+353 15551234x77");
    let r = patch(
        &env,
        &t,
        &format!("{base}/{OFFICE}"),
        json!({"phoneType": "mobile"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "phoneType can't change"
    );
}

#[tokio::test]
async fn rule_6_self_edit_is_refused() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let r = post(
        &env,
        &t,
        "v1.0/me/authentication/phoneMethods",
        json!({"phoneNumber": "+1 2065550111", "phoneType": "office"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied")
    );
    let me = get(&env, &t, "v1.0/me").await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = post(
        &env,
        &t,
        &format!("v1.0/users/{me}/authentication/emailMethods"),
        json!({"emailAddress": "p@example.com"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied")
    );
    let r = get(&env, &t, "v1.0/me/authentication/methods").await;
    assert_eq!(r.status, StatusCode::OK);
    let phone = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["phoneType"] == "mobile")
        .unwrap();
    assert!(
        !phone["phoneNumber"].as_str().unwrap().contains('X'),
        "own numbers are not masked"
    );
}

#[tokio::test]
async fn rule_7_roles_and_masking() {
    let env = default_env().await;
    let aa = sign_in(&env, "alex.wong").await;
    let gr = sign_in(&env, "gwen.reader").await;
    let none = sign_in(&env, "nora.nobody").await;
    let paa = sign_in(&env, "priya.patel").await;
    let target = find_user(&env, |u| {
        plain_member(u) && phone_of(u, "mobile").is_some() && phone_of(u, "office").is_none()
    });
    let full = phone_of(&target, "mobile").unwrap()["phoneNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!(
        "v1.0/users/{}/authentication/phoneMethods",
        target["id"].as_str().unwrap()
    );
    for t in [&aa, &gr] {
        let r = get(&env, t, &path).await;
        let shown = r.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["phoneType"] == "mobile")
            .unwrap()["phoneNumber"]
            .as_str()
            .unwrap()
            .to_owned();
        let cc = full.split(' ').next().unwrap();
        assert!(shown.starts_with(&format!("{cc} X")), "{shown}");
        assert_eq!(&shown[shown.len() - 2..], &full[full.len() - 2..]);
    }
    let r = get(&env, &paa, &path).await;
    assert!(r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["phoneNumber"] == full.as_str()));
    let r = get(&env, &none, &path).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied")
    );
    let office = json!({"phoneNumber": "+1 2065550100", "phoneType": "office"});
    let r = post(&env, &gr, &path, office.clone()).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied"),
        "Global Reader never writes"
    );
    let r = post(&env, &aa, &path, office.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "AA writes non-admins");
    let admin = env.sb.accounts()[0].id.clone();
    let r = post(
        &env,
        &aa,
        &format!("v1.0/users/{admin}/authentication/phoneMethods"),
        office.clone(),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied")
    );
    assert_eq!(r.body["error"]["message"], "Request Authorization failed");
    let r = post(
        &env,
        &paa,
        &format!("v1.0/users/{admin}/authentication/phoneMethods"),
        office,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "PAA writes Global Administrators"
    );
}

#[tokio::test]
async fn rule_8_sms_sign_in_states() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let ga = sign_in(&env, "gaby.admin").await;
    let pilot = |u: &serde_json::Value| {
        u["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "SMS sign-in pilot")
    };
    let inside = find_user(&env, |u| {
        plain_member(u)
            && pilot(u)
            && u["licensed"] == true
            && phone_of(u, "mobile").is_some_and(|p| p["smsSignInState"] != "phoneNumberNotUnique")
    });
    let outside = find_user(&env, |u| {
        plain_member(u)
            && !pilot(u)
            && u["groups"]
                .as_array()
                .unwrap()
                .iter()
                .all(|g| g != "Field service")
            && phone_of(u, "mobile").is_some()
    });
    let mobile = |u: &serde_json::Value| {
        format!(
            "v1.0/users/{}/authentication/phoneMethods/{MOBILE}",
            u["id"].as_str().unwrap()
        )
    };
    let r = post(
        &env,
        &t,
        &format!("{}/enableSmsSignIn", mobile(&inside)),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        get(&env, &t, &mobile(&inside)).await.body["smsSignInState"],
        "ready"
    );
    let r = post(
        &env,
        &t,
        &format!("{}/disableSmsSignIn", mobile(&inside)),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&env, &t, &mobile(&inside)).await.body["smsSignInState"],
        "notEnabled"
    );
    assert_eq!(
        get(&env, &t, &mobile(&outside)).await.body["smsSignInState"],
        "notAllowedByPolicy"
    );
    let r = post(
        &env,
        &t,
        &format!("{}/enableSmsSignIn", mobile(&outside)),
        json!(null),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest")
    );
    // Same number as someone else: phoneNumberNotUnique.
    let other_number = phone_of(&outside, "mobile").unwrap()["phoneNumber"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    let r = patch(
        &env,
        &t,
        &mobile(&inside),
        json!({"phoneNumber": other_number}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&env, &t, &mobile(&inside)).await.body["smsSignInState"],
        "phoneNumberNotUnique"
    );
    // SMS disabled in the policy: notAllowedByPolicy for everyone.
    let r = patch(&env, &ga, "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms", json!({"@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration", "state": "disabled"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&env, &t, &mobile(&inside)).await.body["smsSignInState"],
        "notAllowedByPolicy"
    );
}
