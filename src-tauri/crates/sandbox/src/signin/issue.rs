//! What every grant ends with: the token response (access token, refresh token when
//! `offline_access` was asked, an ID token when `openid` was) with its scopes as granted, and the
//! 400 an invalid request gets. Shared by the code, refresh and device-code grants.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::oauth_error;
use crate::state::Shared;

const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];
const DEFAULT_SCOPES: &str = "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All https://graph.microsoft.com/User.Read.All https://graph.microsoft.com/GroupMember.Read.All https://graph.microsoft.com/AuditLog.Read.All https://graph.microsoft.com/Policy.Read.All https://graph.microsoft.com/RoleManagement.Read.Directory";

pub(crate) fn bad(error: &str, code: u32, text: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error, code, text)
}

/// Scopes as granted: resource scopes made absolute (`.default` expanded), OIDC scopes kept.
fn granted_scope(requested: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for s in requested.split_whitespace() {
        if OIDC_SCOPES.contains(&s) {
            continue;
        }
        if s.ends_with("/.default") || s == ".default" {
            out.extend(DEFAULT_SCOPES.split(' ').map(str::to_owned));
        } else if s.starts_with("https://") {
            out.push(s.to_owned());
        } else {
            out.push(format!("https://graph.microsoft.com/{s}"));
        }
    }
    out.dedup();
    for s in requested
        .split_whitespace()
        .filter(|s| OIDC_SCOPES.contains(s))
    {
        out.push(s.to_owned());
    }
    out.join(" ")
}

pub(crate) fn success(
    shared: &Shared,
    user: usize,
    client_id: &str,
    scope: &str,
    nonce: Option<&str>,
) -> Response {
    let lifetime = shared.config.token_lifetime;
    let mut inner = shared.lock();
    let access = inner
        .tokens
        .issue_access(user, client_id, &granted_scope(scope), lifetime);
    inner.counters.access_tokens_issued += 1;
    let wants = |s: &str| scope.split_whitespace().any(|x| x == s);
    let refresh =
        wants("offline_access").then(|| inner.tokens.issue_refresh(user, client_id, scope));
    let u = &inner.dir.users[user];
    let id_token = wants("openid").then(|| {
        let now = chrono::Utc::now().timestamp();
        let exp = now + i64::try_from(lifetime.as_secs()).unwrap_or(3600);
        let sub =
            URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{}:{client_id}", u.id).as_bytes()));
        let mut claims = json!({
            "aud": client_id,
            "iss": format!("{}/{}/v2.0", shared.base(), shared.tenant_id),
            "iat": now, "nbf": now, "exp": exp,
            "name": u.display_name,
            "oid": u.id,
            "preferred_username": u.upn,
            "sub": sub,
            "tid": shared.tenant_id,
            "ver": "2.0",
        });
        if let Some(n) = nonce {
            claims["nonce"] = json!(n);
        }
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
        format!("{header}.{payload}.")
    });
    drop(inner);
    let secs = lifetime.as_secs();
    let mut body = json!({
        "token_type": "Bearer",
        "scope": granted_scope(scope),
        "expires_in": secs,
        "ext_expires_in": secs,
        "access_token": access,
    });
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    if let Some(i) = id_token {
        body["id_token"] = json!(i);
    }
    (
        StatusCode::OK,
        [("cache-control", "no-store"), ("pragma", "no-cache")],
        Json(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_expanded() {
        let s = granted_scope("https://graph.microsoft.com/.default offline_access openid");
        assert!(s.contains("UserAuthenticationMethod.ReadWrite.All"));
        assert!(s.ends_with("offline_access openid"));
        assert_eq!(
            granted_scope("User.Read"),
            "https://graph.microsoft.com/User.Read"
        );
    }
}
