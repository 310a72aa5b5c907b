//! Sign-in endpoints: PKCE happy path, wrong verifier, replayed code, refresh rotation and
//! expiry, the account picker, auto-approve, redirect URI checks, token expiry on Graph.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use prestage_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn pkce_happy_path_issues_tokens_and_id_token_claims() {
    let env = default_env().await;
    let body = sign_in_full(&env, "priya.patel").await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["refresh_token"].is_string());
    let id_token = body["id_token"].as_str().unwrap();
    let parts: Vec<&str> = id_token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[2], "");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "none");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["aud"], CLIENT_ID);
    assert_eq!(claims["tid"], env.sb.tenant_id());
    assert_eq!(claims["preferred_username"], upn(&env, "priya.patel"));
    assert_eq!(
        claims["iss"],
        format!("{}{}/v2.0", env.sb.base_url(), env.sb.tenant_id())
    );
    let me = get(&env, body["access_token"].as_str().unwrap(), "v1.0/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["id"], claims["oid"]);
    assert_eq!(me.body["userPrincipalName"], upn(&env, "priya.patel"));
}

#[tokio::test]
async fn wrong_verifier_and_replayed_code_are_invalid_grant() {
    let env = default_env().await;
    let (verifier, challenge) = pkce();
    let code = authorize(&env, &upn(&env, "gaby.admin"), &challenge).await;
    let form = |v: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", v),
        ]
    };
    let mut bad = form("not-the-verifier");
    bad.push(("code", &code));
    let (status, body) = token_request(&env, &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_codes"][0], 501481);
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS501481: The Code_Verifier does not match"));
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key}");
    }
    let good = [
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.as_str()),
        ("code", code.as_str()),
    ];
    let (status, _) = token_request(&env, &good).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = token_request(&env, &good).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_codes"][0], 54005);
}

#[tokio::test]
async fn refresh_rotates_and_old_tokens_stay_valid() {
    let env = default_env().await;
    let first = sign_in_full(&env, "alex.wong").await;
    let rt1 = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = refresh(&env, &rt1).await;
    assert_eq!(status, StatusCode::OK);
    let rt2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rt1, rt2, "a new refresh token each time");
    let (status, _) = refresh(&env, &rt1).await;
    assert_eq!(status, StatusCode::OK, "old refresh tokens are not revoked");
    let (status, body) = refresh(&env, "sbx-rt.unknown").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn expired_refresh_token_is_aadsts700082() {
    let env = env(SandboxConfig {
        refresh_token_lifetime: Duration::from_millis(50),
        ..Default::default()
    })
    .await;
    let first = sign_in_full(&env, "alex.wong").await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let rt = first["refresh_token"].as_str().unwrap();
    let (status, body) = token_request(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", rt),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_codes"][0], 700082);
}

#[tokio::test]
async fn expired_access_tokens_get_401_and_refresh_still_works() {
    let env = default_env().await;
    let first = sign_in_full(&env, "gaby.admin").await;
    let at = first["access_token"].as_str().unwrap();
    env.sb.expire_all_tokens();
    let r = get(&env, at, "v1.0/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "InvalidAuthenticationToken");
    assert!(r.headers.contains_key("request-id"));
    let rt = first["refresh_token"].as_str().unwrap();
    let (status, second) = token_request(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", rt),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let r = get(&env, second["access_token"].as_str().unwrap(), "v1.0/me").await;
    assert_eq!(r.status, StatusCode::OK);
    let none = env
        .http
        .get(format!("{}v1.0/me", env.sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn picker_page_lists_accounts_and_bad_redirects_are_refused() {
    let env = default_env().await;
    let (_, challenge) = pkce();
    let url = format!(
        "{}common/oauth2/v2.0/authorize?client_id={CLIENT_ID}&response_type=code&redirect_uri={}&scope=openid&state=s&code_challenge={challenge}&code_challenge_method=S256",
        env.sb.base_url(),
        urlencode(REDIRECT)
    );
    let page = env.http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<title>Sign in to the Prestage sandbox tenant</title>"));
    assert!(!html.contains("<script"));
    for a in env.sb.accounts() {
        assert!(
            html.contains(&a.user_principal_name),
            "{}",
            a.user_principal_name
        );
    }
    let bad = url.replace(&urlencode(REDIRECT), &urlencode("https://evil.example/cb"));
    let page = env.http.get(&bad).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.text().await.unwrap().contains("AADSTS50011"));
    let no_pkce = url.replace(&format!("&code_challenge={challenge}"), "");
    let resp = env.http.get(&no_pkce).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(resp.headers()["location"]
        .to_str()
        .unwrap()
        .contains("error=invalid_request"));
}

#[tokio::test]
async fn auto_approve_redirects_with_login_hint() {
    let env = env(SandboxConfig {
        auto_approve: true,
        ..Default::default()
    })
    .await;
    let (_, challenge) = pkce();
    let hint = upn(&env, "gwen.reader");
    let url = format!(
        "{}{}/oauth2/v2.0/authorize?client_id={CLIENT_ID}&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2F&scope=openid&state=s&code_challenge={challenge}&code_challenge_method=S256&login_hint={}",
        env.sb.base_url(),
        env.sb.tenant_domain(),
        urlencode(&hint)
    );
    let resp = env.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = resp.headers()["location"].to_str().unwrap();
    assert!(loc.starts_with("http://127.0.0.1:9/?code="), "{loc}");
}

#[tokio::test]
async fn device_code_flow() {
    let env = default_env().await;
    let url = format!("{}organizations/oauth2/v2.0/devicecode", env.sb.base_url());
    let dc: Value = env
        .http
        .post(&url)
        .form(&[("client_id", CLIENT_ID), ("scope", SCOPE)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device_code = dc["device_code"].as_str().unwrap();
    let user_code = dc["user_code"].as_str().unwrap();
    assert_eq!(
        dc["verification_uri"],
        format!("{}devicelogin", env.sb.base_url())
    );
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", CLIENT_ID),
        ("device_code", device_code),
    ];
    let (status, body) = token_request(&env, &poll).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("authorization_pending"))
    );
    let page = env
        .http
        .post(format!("{}devicelogin", env.sb.base_url()))
        .form(&[
            ("user_code", user_code),
            ("account", &upn(&env, "alex.wong")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let (status, body) = token_request(&env, &poll).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let me = get(&env, body["access_token"].as_str().unwrap(), "v1.0/me").await;
    assert_eq!(me.body["userPrincipalName"], upn(&env, "alex.wong"));
}

#[tokio::test]
async fn revoke_sign_in_sessions_kills_refresh_tokens() {
    let env = default_env().await;
    let alex = sign_in_full(&env, "alex.wong").await;
    let nora = sign_in(&env, "nora.nobody").await;
    let ga = sign_in(&env, "gaby.admin").await;
    let path = format!("v1.0/users/{}/revokeSignInSessions", upn(&env, "alex.wong"));
    let r = post(&env, &nora, &path, serde_json::json!({})).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "accessDenied")
    );
    let r = post(&env, &ga, &path, serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["value"], true);
    let (status, body) = refresh(&env, alex["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let r = post(
        &env,
        &nora,
        "v1.0/me/revokeSignInSessions",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "users revoke their own sessions");
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn refresh(env: &Env, rt: &str) -> (StatusCode, Value) {
    token_request(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", rt),
        ],
    )
    .await
}
