//! `POST /{tenant}/oauth2/v2.0/token`: redeems authorization codes (S256/plain PKCE checked,
//! single use, 10-minute life) and refresh tokens (rotated; old ones stay valid until
//! `refresh_token_lifetime`), answering Entra's JSON shapes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::issue::{bad, success};
use super::tenant_matches;
use crate::faults;
use crate::state::Shared;

const CODE_LIFETIME: Duration = Duration::from_secs(600);

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let wait = {
        let mut inner = shared.lock();
        faults::latency(
            &mut inner,
            shared.config.latency,
            shared.config.latency_jitter,
        )
    };
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    if !tenant_matches(&shared, &tenant) {
        return bad(
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    }
    let get = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client_id) = get("client_id") else {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    match get("grant_type") {
        Some("authorization_code") => redeem_code(&shared, client_id, &form),
        Some("refresh_token") => redeem_refresh(&shared, client_id, &form),
        Some(super::device::GRANT_TYPE) => super::device::redeem(&shared, client_id, &form),
        Some("client_credentials") => {
            super::client_credentials::redeem(&shared, &tenant, client_id, &form)
        }
        Some(other) => bad(
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
        None => bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
        ),
    }
}

fn pkce_ok(method: &str, challenge: &str, verifier: &str) -> bool {
    if method == "S256" {
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
    } else {
        verifier == challenge
    }
}

fn redeem_code(shared: &Shared, client_id: &str, form: &HashMap<String, String>) -> Response {
    let Some(code) = form.get("code").filter(|c| !c.is_empty()) else {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'code'.",
        );
    };
    let mut inner = shared.lock();
    let Some(grant) = inner.tokens.codes.get(code).cloned() else {
        return bad(
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid.",
        );
    };
    if grant.redeemed {
        return bad("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    }
    if grant.issued.elapsed() > CODE_LIFETIME {
        return bad("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    }
    if grant.client_id != client_id {
        return bad("invalid_grant", 70000, "Provided grant is invalid or malformed: the authorization code was issued to another client.");
    }
    let sent = form
        .get("redirect_uri")
        .map(|r| super::normalize_redirect(r));
    if sent.as_deref() != Some(super::normalize_redirect(&grant.redirect_uri).as_str()) {
        return bad("invalid_grant", 50011, "The redirect URI specified in the request does not match the redirect URI used in the authorization request.");
    }
    if let Some(challenge) = &grant.challenge {
        let verifier = form
            .get("code_verifier")
            .map(String::as_str)
            .unwrap_or_default();
        if !pkce_ok(&grant.challenge_method, challenge, verifier) {
            return bad("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        }
    }
    if !inner.dir.users[grant.user].account_enabled {
        return bad("invalid_grant", 50057, "The user account is disabled.");
    }
    if let Some(g) = inner.tokens.codes.get_mut(code) {
        g.redeemed = true;
    }
    drop(inner);
    success(
        shared,
        grant.user,
        client_id,
        &grant.scope,
        grant.nonce.as_deref(),
    )
}

fn redeem_refresh(shared: &Shared, client_id: &str, form: &HashMap<String, String>) -> Response {
    let Some(rt) = form.get("refresh_token").filter(|c| !c.is_empty()) else {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'refresh_token'.",
        );
    };
    let mut inner = shared.lock();
    let Some(grant) = inner.tokens.refresh.get(rt).cloned() else {
        return bad(
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid.",
        );
    };
    if grant.client_id != client_id {
        return bad("invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to another client.");
    }
    if grant.issued.elapsed() > shared.config.refresh_token_lifetime {
        return bad("invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued too long ago and was inactive for longer than the configured lifetime.");
    }
    if !inner.dir.users[grant.user].account_enabled {
        return bad("invalid_grant", 50057, "The user account is disabled.");
    }
    if let Some(g) = inner.tokens.refresh.get_mut(rt) {
        g.redeemed += 1;
    }
    inner.counters.refresh_tokens_redeemed += 1;
    drop(inner);
    let scope = form.get("scope").cloned().unwrap_or(grant.scope);
    success(shared, grant.user, client_id, &scope, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc7636_example() {
        assert!(pkce_ok(
            "S256",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!pkce_ok(
            "S256",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "wrong"
        ));
    }
}
