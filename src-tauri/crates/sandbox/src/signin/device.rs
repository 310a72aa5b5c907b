//! The device-code flow: `POST /{tenant}/oauth2/v2.0/devicecode` issues a user code, the plain
//! HTML page `/devicelogin` approves it for a chosen account (at once with `auto_approve`), and
//! the token endpoint's device_code grant answers `authorization_pending` until then.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use rand::Rng;
use serde_json::json;

use super::issue::{bad, success};
use super::{escape, tenant_matches};
use crate::seed::{ACCOUNTS, DEFAULT_ACCOUNT};
use crate::state::Shared;
use crate::tokens::{random_secret, DeviceGrant};

pub(crate) const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
const LIFETIME: Duration = Duration::from_secs(900);
const CODE_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

pub(crate) async fn devicecode(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !tenant_matches(&shared, &tenant) {
        return bad(
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    }
    let get = |k: &str| form.get(k).filter(|v| !v.is_empty()).cloned();
    let Some(client_id) = get("client_id") else {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    let Some(scope) = get("scope") else {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    let user_code: String = {
        let mut rng = rand::thread_rng();
        (0..9)
            .map(|_| char::from(CODE_CHARS[rng.gen_range(0..CODE_CHARS.len())]))
            .collect()
    };
    let device_code = format!("sbx-dc.{}", random_secret(32));
    let mut inner = shared.lock();
    let approved_user = shared.config.auto_approve.then_some(DEFAULT_ACCOUNT);
    inner.tokens.devices.insert(
        device_code.clone(),
        DeviceGrant {
            user_code: user_code.clone(),
            client_id,
            scope,
            issued: Instant::now(),
            approved_user,
            redeemed: false,
        },
    );
    drop(inner);
    let uri = format!("{}devicelogin", shared.base_url);
    Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": uri,
        "expires_in": LIFETIME.as_secs(),
        "interval": 1,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
    }))
    .into_response()
}

/// The device_code grant of the token endpoint.
pub(crate) fn redeem(shared: &Shared, client_id: &str, form: &HashMap<String, String>) -> Response {
    let Some(code) = form.get("device_code").filter(|c| !c.is_empty()) else {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'device_code'.",
        );
    };
    let mut inner = shared.lock();
    let Some(grant) = inner.tokens.devices.get(code).cloned() else {
        return bad(
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid.",
        );
    };
    if grant.client_id != client_id {
        return bad(
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed: the device code was issued to another client.",
        );
    }
    if grant.issued.elapsed() > LIFETIME {
        return bad("expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
    }
    if grant.redeemed {
        return bad(
            "invalid_grant",
            54005,
            "The device code was already redeemed.",
        );
    }
    let Some(user) = grant.approved_user else {
        return bad(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        );
    };
    if let Some(g) = inner.tokens.devices.get_mut(code) {
        g.redeemed = true;
    }
    drop(inner);
    success(shared, user, client_id, &grant.scope, None)
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to the Prestage sandbox tenant</title></head><body><h1>Sign in to the Prestage sandbox tenant</h1>{body}</body></html>"
    ))
}

pub(crate) async fn login_page(State(shared): State<Arc<Shared>>) -> Html<String> {
    let mut buttons = String::new();
    for (local, given, surname, role) in ACCOUNTS {
        let upn = escape(&format!("{local}@{}", shared.tenant_domain));
        buttons.push_str(&format!("<li><button type=\"submit\" name=\"account\" value=\"{upn}\">{given} {surname} — {upn} ({role})</button></li>"));
    }
    page(&format!(
        "<form method=\"post\" action=\"/devicelogin\"><p><label>Code <input name=\"user_code\" autocomplete=\"off\"></label></p><ul>{buttons}</ul></form>"
    ))
}

pub(crate) async fn login_submit(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let code = form
        .get("user_code")
        .map(|c| c.trim().to_ascii_uppercase())
        .unwrap_or_default();
    let account = form.get("account").cloned().unwrap_or_default();
    let mut inner = shared.lock();
    let Some(user) = inner
        .dir
        .find_user(account.trim())
        .filter(|u| inner.dir.users[*u].account_enabled)
    else {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "<p id=\"error\">AADSTS50034: The user account does not exist or is disabled.</p>",
            ),
        )
            .into_response();
    };
    let grant = inner
        .tokens
        .devices
        .values_mut()
        .find(|g| g.user_code == code && g.issued.elapsed() <= LIFETIME);
    match grant {
        Some(g) => {
            g.approved_user = Some(user);
            page("<p>You have signed in to the application on your device. You may now close this window.</p>").into_response()
        }
        None => (StatusCode::BAD_REQUEST, page("<p id=\"error\">AADSTS70019: That code didn't work. Check the code and try again.</p>")).into_response(),
    }
}
