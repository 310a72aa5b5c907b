//! Rule 18: per-user MFA state (beta `requirements`) only for the roles and permissions
//! the docs name, and "enabled" turning into "enforced" for a registered user.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

const WRITE_SCOPE: &str = "https://graph.microsoft.com/Policy.ReadWrite.AuthenticationMethod";

/// Signs `upn` in and redeems the refresh token for the base scopes plus `extra` (incremental
/// consent, as the app does when per-user MFA is first changed): (base token, widened token).
async fn tokens(env: &Env, upn: &str, extra: &str) -> (String, String) {
    let body = sign_in_upn(env, upn).await;
    let rt = body["refresh_token"].as_str().unwrap();
    let wide = redeem(env, rt, &format!("{SCOPE} {extra}")).await;
    let token = |v: &Value| v["access_token"].as_str().unwrap().to_owned();
    (token(&body), token(&wide))
}

fn holder_of(env: &Env, role: &str) -> String {
    find_user(env, |u| {
        u["roles"].as_array().unwrap().iter().any(|r| r == role) && u["accountEnabled"] == true
    })["userPrincipalName"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn path(u: &Value) -> String {
    format!(
        "beta/users/{}/authentication/requirements",
        u["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn rule_18_per_user_mfa_state_roles_permissions_and_enforcement() {
    let env = default_env().await;
    let unregistered = find_user(&env, |u| {
        plain_member(u)
            && u["perUserMfaState"] == "disabled"
            && u["methods"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod")
    });
    let registered = find_user(&env, |u| {
        plain_member(u) && u["perUserMfaState"] == "disabled" && phone_of(u, "mobile").is_some()
    });
    let (p_unreg, p_reg) = (path(&unregistered), path(&registered));

    // Readers the docs name: Global Reader, Authentication Policy Administrator (and GA).
    let gwen = sign_in(&env, "gwen.reader").await;
    let r = get(&env, &gwen, &p_unreg).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["perUserMfaState"], "disabled");
    let apa = holder_of(&env, "Authentication Policy Administrator");
    let (apa_base, apa_wide) = tokens(&env, &apa, WRITE_SCOPE).await;
    assert_eq!(get(&env, &apa_base, &p_unreg).await.status, StatusCode::OK);

    // Authentication (and Privileged Authentication) Administrators manage methods, not this.
    for local in ["alex.wong", "priya.patel", "nora.nobody"] {
        let t = sign_in(&env, local).await;
        let r = get(&env, &t, &p_unreg).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "accessDenied"),
            "{local} reads"
        );
    }
    let (_, priya_wide) = tokens(&env, &upn(&env, "priya.patel"), WRITE_SCOPE).await;
    let r = patch(
        &env,
        &priya_wide,
        &p_unreg,
        json!({"perUserMfaState": "enabled"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied"),
        "a PAA may not write per-user MFA"
    );
    let (_, gwen_wide) = tokens(&env, &upn(&env, "gwen.reader"), WRITE_SCOPE).await;
    let r = patch(
        &env,
        &gwen_wide,
        &p_unreg,
        json!({"perUserMfaState": "enabled"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a Global Reader only reads"
    );

    // The right role without the write permission in the token: refused until consented.
    let r = patch(
        &env,
        &apa_base,
        &p_unreg,
        json!({"perUserMfaState": "enabled"}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "Authorization_RequestDenied"),
        "Policy.ReadWrite.AuthenticationMethod is needed"
    );
    // A token without Policy.Read.All cannot read.
    let body = sign_in_upn(&env, &apa).await;
    let narrow = redeem(
        &env,
        body["refresh_token"].as_str().unwrap(),
        "https://graph.microsoft.com/User.Read.All offline_access",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(&env, &narrow, &p_unreg).await.code(),
        "Authorization_RequestDenied"
    );

    // With it: enabled stays enabled while nothing is registered ...
    let r = patch(
        &env,
        &apa_wide,
        &p_unreg,
        json!({"perUserMfaState": "enabled"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        get(&env, &apa_wide, &p_unreg).await.body["perUserMfaState"],
        "enabled"
    );
    // ... and becomes enforced for a user who has an MFA method (documented).
    let r = patch(
        &env,
        &apa_wide,
        &p_reg,
        json!({"perUserMfaState": "enabled"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&env, &apa_wide, &p_reg).await.body["perUserMfaState"],
        "enforced"
    );
    let r = patch(
        &env,
        &apa_wide,
        &p_reg,
        json!({"perUserMfaState": "disabled"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&env, &gwen, &p_reg).await.body["perUserMfaState"],
        "disabled"
    );
    for bad in [
        json!("sometimes"),
        json!("Enabled"),
        json!(2),
        json!("unknownFutureValue"),
    ] {
        let r = patch(&env, &apa_wide, &p_reg, json!({"perUserMfaState": bad})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = patch(
        &env,
        &apa_wide,
        &p_reg,
        json!({"perUserMfaState": "enabled", "extra": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Rule 6: not on oneself.
    let me = find_user(&env, |u| u["userPrincipalName"] == apa.as_str());
    let r = patch(
        &env,
        &apa_wide,
        &path(&me),
        json!({"perUserMfaState": "enforced"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Only under beta.
    let r = get(&env, &gwen, &p_reg.replace("beta/", "v1.0/")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The dump shows it.
    let after = find_user(&env, |u| u["id"] == unregistered["id"]);
    assert_eq!(after["perUserMfaState"], "enabled");
}
