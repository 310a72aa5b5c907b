//! Helpers shared by the sandbox's HTTP tests: start a sandbox, sign in with PKCE through the
//! real endpoints, and call Graph with reqwest.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use prestage_sandbox::{start, RunningSandbox, SandboxConfig};
use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
pub const REDIRECT: &str = "http://localhost:53123/callback";
pub const SCOPE: &str = "https://graph.microsoft.com/.default offline_access openid profile";

pub struct Env {
    pub sb: RunningSandbox,
    pub http: Client,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

pub async fn env(config: SandboxConfig) -> Env {
    let sb = start(config, 0).await.expect("sandbox starts");
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Env { sb, http }
}

pub async fn default_env() -> Env {
    env(SandboxConfig::default()).await
}

pub fn upn(env: &Env, local: &str) -> String {
    format!("{local}@{}", env.sb.tenant_domain())
}

pub fn pkce() -> (String, String) {
    let verifier = format!(
        "verifier-{}-abcdefghijklmnopqrstuvwxyz0123456789",
        rand_suffix()
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Runs the account picker form for `account` and returns the authorization code.
pub async fn authorize(env: &Env, account: &str, challenge: &str) -> String {
    let url = env
        .sb
        .base_url()
        .join("organizations/oauth2/v2.0/authorize")
        .unwrap();
    let form = [
        ("client_id", CLIENT_ID),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPE),
        ("state", "xyz"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("account", account),
    ];
    let resp = env.http.post(url).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let loc = url::Url::parse(&location).unwrap();
    assert_eq!(loc.host_str(), Some("localhost"));
    let pairs: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
    assert_eq!(pairs.get("state").map(String::as_str), Some("xyz"));
    pairs["code"].clone()
}

pub async fn token_request(env: &Env, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let url = env
        .sb
        .base_url()
        .join(&format!("{}/oauth2/v2.0/token", env.sb.tenant_id()))
        .unwrap();
    let resp = env.http.post(url).form(form).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

/// Signs `local@domain` in and returns the token response.
pub async fn sign_in_full(env: &Env, local: &str) -> Value {
    sign_in_upn(env, &upn(env, local)).await
}

/// Redeems `refresh_token` for `scope` (incremental consent asks for more this way).
pub async fn redeem(env: &Env, refresh_token: &str, scope: &str) -> Value {
    let (status, body) = token_request(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh_token),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Signs any user in by UPN and returns the token response.
pub async fn sign_in_upn(env: &Env, upn: &str) -> Value {
    let (verifier, challenge) = pkce();
    let code = authorize(env, upn, &challenge).await;
    let (status, body) = token_request(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub async fn sign_in(env: &Env, local: &str) -> String {
    sign_in_full(env, local).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A Graph call; `path` is relative to the base (e.g. `v1.0/me`).
pub async fn call(
    env: &Env,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Resp {
    let url = format!("{}{}", env.sb.base_url(), path);
    let mut req = env.http.request(method, url).bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Resp {
        status,
        headers,
        body,
    }
}

pub async fn get(env: &Env, token: &str, path: &str) -> Resp {
    call(env, token, Method::GET, path, None, &[]).await
}

pub async fn post(env: &Env, token: &str, path: &str, body: Value) -> Resp {
    call(env, token, Method::POST, path, Some(body), &[]).await
}

pub async fn patch(env: &Env, token: &str, path: &str, body: Value) -> Resp {
    call(env, token, Method::PATCH, path, Some(body), &[]).await
}

pub async fn delete(env: &Env, token: &str, path: &str) -> Resp {
    call(env, token, Method::DELETE, path, None, &[]).await
}

/// The id of the first user (after the sign-in accounts) matching `pred` in the state dump.
pub fn find_user(env: &Env, pred: impl Fn(&Value) -> bool) -> Value {
    let dump = env.sb.dump();
    dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .find(|u| pred(u))
        .cloned()
        .expect("a matching seeded user")
}

pub fn has_method(u: &Value, odata: &str) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["@odata.type"] == format!("#microsoft.graph.{odata}"))
}

pub fn phone_of(u: &Value, kind: &str) -> Option<Value> {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["phoneType"] == kind)
        .cloned()
}

pub fn plain_member(u: &Value) -> bool {
    u["userType"] == "Member"
        && u["roles"].as_array().unwrap().is_empty()
        && u["accountEnabled"] == true
}
