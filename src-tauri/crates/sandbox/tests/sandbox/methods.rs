//! Authentication-method CRUD at the HTTP level: list all, phone create/update/delete, email,
//! TAP, other method types, signInPreferences, and what a write leaves in the state dump.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn phone_crud_round_trip() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, |u| {
        plain_member(u) && phone_of(u, "mobile").is_none() && phone_of(u, "office").is_none()
    });
    let id = u["id"].as_str().unwrap();
    let base = format!("v1.0/users/{id}/authentication/phoneMethods");
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+1 2065550123", "phoneType": "mobile"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["id"], "3179e48a-750b-4051-897c-87b9720928f7");
    assert_eq!(r.body["phoneNumber"], "+1 2065550123");
    assert_eq!(r.body["phoneType"], "mobile");
    assert!(r.body["smsSignInState"].is_string());
    let r = patch(
        &env,
        &t,
        &format!("{base}/3179e48a-750b-4051-897c-87b9720928f7"),
        json!({"phoneNumber": "+12065550199"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = get(
        &env,
        &t,
        &format!("{base}/3179e48a-750b-4051-897c-87b9720928f7"),
    )
    .await;
    assert_eq!(r.body["phoneNumber"], "+1 2065550199");
    let r = post(
        &env,
        &t,
        &base,
        json!({"phoneNumber": "+1 2065550100x42", "phoneType": "office"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["id"], "e37fc753-ff3b-4958-9484-eaa9425c82bc");
    assert_eq!(r.body["smsSignInState"], "notSupported");
    let list = get(&env, &t, &base).await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 2);
    assert!(list.body["@odata.context"]
        .as_str()
        .unwrap()
        .contains("/authentication/phoneMethods"));
    let r = delete(
        &env,
        &t,
        &format!("{base}/e37fc753-ff3b-4958-9484-eaa9425c82bc"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = delete(
        &env,
        &t,
        &format!("{base}/e37fc753-ff3b-4958-9484-eaa9425c82bc"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "itemNotFound");
    let dump = env.sb.dump();
    let row = dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["writesApplied"], 4);
    assert_eq!(
        dump["counters"]["writesAppliedByUser"][row["userPrincipalName"].as_str().unwrap()],
        4
    );
}

#[tokio::test]
async fn methods_list_carries_odata_types_and_password() {
    let env = default_env().await;
    let t = sign_in(&env, "gaby.admin").await;
    let u = find_user(&env, |u| {
        has_method(u, "microsoftAuthenticatorAuthenticationMethod")
            && phone_of(u, "mobile").is_some()
    });
    let r = get(
        &env,
        &t,
        &format!(
            "v1.0/users/{}/authentication/methods",
            u["userPrincipalName"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let types: Vec<&str> = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["@odata.type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"#microsoft.graph.passwordAuthenticationMethod"));
    assert!(types.contains(&"#microsoft.graph.phoneAuthenticationMethod"));
    assert!(types.contains(&"#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"));
    let pw = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod")
        .unwrap();
    assert_eq!(pw["id"], "28c10230-6103-485e-b985-444c60001490");
    assert_eq!(r.headers["request-id"].len(), 36);
    assert!(r.headers.contains_key("x-ms-resource-unit"));
}

#[tokio::test]
async fn email_and_other_methods() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, |u| {
        plain_member(u)
            && !has_method(u, "emailAuthenticationMethod")
            && has_method(u, "microsoftAuthenticatorAuthenticationMethod")
    });
    let id = u["id"].as_str().unwrap();
    let base = format!("v1.0/users/{id}/authentication/emailMethods");
    let r = post(
        &env,
        &t,
        &base,
        json!({"emailAddress": "someone@example.com"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["id"], "3ddfcfc8-9383-446f-83cc-3ab9be4be18f");
    let r = post(
        &env,
        &t,
        &base,
        json!({"emailAddress": "other@example.com"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 9"
    );
    let r = patch(
        &env,
        &t,
        &format!("{base}/3ddfcfc8-9383-446f-83cc-3ab9be4be18f"),
        json!({"emailAddress": "not-an-email"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = delete(
        &env,
        &t,
        &format!("{base}/3ddfcfc8-9383-446f-83cc-3ab9be4be18f"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let list = get(
        &env,
        &t,
        &format!("v1.0/users/{id}/authentication/microsoftAuthenticatorMethods"),
    )
    .await;
    let auth_id = list.body["value"][0]["id"].as_str().unwrap().to_owned();
    let r = delete(
        &env,
        &t,
        &format!("v1.0/users/{id}/authentication/microsoftAuthenticatorMethods/{auth_id}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = get(
        &env,
        &t,
        &format!("v1.0/users/{id}/authentication/passwordMethods"),
    )
    .await;
    assert_eq!(
        r.body["value"][0]["id"],
        "28c10230-6103-485e-b985-444c60001490"
    );
    let r = delete(
        &env,
        &t,
        &format!(
            "v1.0/users/{id}/authentication/passwordMethods/28c10230-6103-485e-b985-444c60001490"
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn temporary_access_pass_rules() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, plain_member);
    let base = format!(
        "v1.0/users/{}/authentication/temporaryAccessPassMethods",
        u["id"].as_str().unwrap()
    );
    for bad in [5, 50_000, 600] {
        let r = post(&env, &t, &base, json!({"lifetimeInMinutes": bad})).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "badRequest"),
            "lifetime {bad}"
        );
    }
    let r = post(
        &env,
        &t,
        &base,
        json!({"lifetimeInMinutes": 60, "isUsableOnce": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["temporaryAccessPass"].as_str().unwrap().len(), 8);
    assert_eq!(r.body["isUsable"], true);
    assert_eq!(r.body["methodUsabilityReason"], "EnabledByPolicy");
    assert_eq!(r.body["lifetimeInMinutes"], 60);
    let later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let r = post(&env, &t, &base, json!({"startDateTime": later})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["methodUsabilityReason"], "NotYetValid");
    let list = get(&env, &t, &base).await;
    let items = list.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 1, "a new pass replaces the old one");
    assert!(
        items[0]["temporaryAccessPass"].is_null(),
        "the secret is shown only on create"
    );
    let ga = sign_in(&env, "gaby.admin").await;
    let r = patch(&env, &ga, "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", json!({"isUsableOnce": true})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = post(&env, &t, &base, json!({"isUsableOnce": false})).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest")
    );
}

#[tokio::test]
async fn sign_in_preferences_beta_only() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let u = find_user(&env, |u| {
        plain_member(u)
            && !has_method(u, "microsoftAuthenticatorAuthenticationMethod")
            && phone_of(u, "mobile").is_some()
            && phone_of(u, "office").is_none()
    });
    let path = format!(
        "beta/users/{}/authentication/signInPreferences",
        u["id"].as_str().unwrap()
    );
    let r = get(&env, &t, &path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["isSystemPreferredAuthenticationMethodEnabled"].is_boolean());
    let r = patch(
        &env,
        &t,
        &path,
        json!({"userPreferredMethodForSecondaryAuthentication": "push"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "badRequest"),
        "rule 11: no Authenticator"
    );
    let r = patch(
        &env,
        &t,
        &path,
        json!({"userPreferredMethodForSecondaryAuthentication": "carrierPigeon"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = patch(
        &env,
        &t,
        &path,
        json!({"userPreferredMethodForSecondaryAuthentication": "voiceOffice"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no office phone");
    let r = patch(&env, &t, &path, json!({"userPreferredMethodForSecondaryAuthentication": "sms", "isSystemPreferredAuthenticationMethodEnabled": false})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = get(&env, &t, &path).await;
    assert_eq!(
        r.body["userPreferredMethodForSecondaryAuthentication"],
        "sms"
    );
    assert_eq!(
        r.body["isSystemPreferredAuthenticationMethodEnabled"],
        false
    );
    let r = get(&env, &t, &path.replace("beta/", "v1.0/")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "BadRequest")
    );
}
