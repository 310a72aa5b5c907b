//! The client-credentials grant with a certificate assertion (RFC 7523): the app registered with
//! `RunningSandbox::register_app` signs a JWT (PS256 or RS256, `x5t#S256` or `x5t` naming the
//! uploaded certificate); the sandbox checks signature, `iss`/`sub`, `aud`, `exp`, `nbf` and a
//! replayed `jti`, and issues an app-only token carrying the granted `roles`.
//!
//! | Check | Status | Error | AADSTS | Source |
//! |---|---|---|---|---|
//! | unknown client id | 400 | `unauthorized_client` | 700016 | documented |
//! | no `client_assertion` (or wrong `client_assertion_type`) | 401 | `invalid_client` | 7000218 | documented |
//! | scope not `{resource}/.default` | 400 | `invalid_scope` | 1002012 | documented |
//! | assertion not a JWT / header unreadable | 400 | `invalid_request` | 50027 | documented code, wording a guess |
//! | thumbprint not among the app's certificates | 401 | `invalid_client` | 700027 | documented |
//! | signature does not verify | 401 | `invalid_client` | 700027 | documented |
//! | `iss` or `sub` not the client id | 401 | `invalid_client` | 700021 | **guess** |
//! | `aud` not this token endpoint | 401 | `invalid_client` | 700023 | **guess** (code and wording) |
//! | `exp` past or `nbf` ahead (5 min skew) | 401 | `invalid_client` | 700024 | documented |
//! | `jti` used before (until its `exp`) | 401 | `invalid_client` | 700025 | **our own strictness**: Entra documents no replay check |

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rsa::signature::Verifier;
use serde_json::{json, Value};
use sha2::Sha256;

use super::oauth_error;
use crate::state::Shared;

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SKEW_S: i64 = 300;

fn invalid_client(code: u32, text: &str) -> Response {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", code, text)
}

fn decode_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn time(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S.0000000Z").to_string())
        .unwrap_or_default()
}

pub(crate) fn redeem(
    shared: &Shared,
    tenant: &str,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let mut inner = shared.lock();
    let Some(app) = inner.apps.find(client_id).cloned() else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
                shared.tenant_domain
            ),
        );
    };
    let (Some(ASSERTION_TYPE), Some(assertion)) =
        (get("client_assertion_type"), get("client_assertion"))
    else {
        return invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
    };
    let scope = get("scope").unwrap_or_default();
    if !scope.ends_with("/.default") || scope.split_whitespace().count() != 1 {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            &format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        );
    }
    let malformed = || {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            50027,
            "JWT token is invalid or malformed.",
        )
    };
    let parts: Vec<&str> = assertion.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts.as_slice() else {
        return malformed();
    };
    let (Some(header), Some(claims), Ok(signature)) = (
        decode_json(header_b64),
        decode_json(claims_b64),
        URL_SAFE_NO_PAD.decode(signature_b64),
    ) else {
        return malformed();
    };
    let s256 = header.get("x5t#S256").and_then(Value::as_str);
    let sha1 = header.get("x5t").and_then(Value::as_str);
    let Some(cert) = app
        .certificates
        .iter()
        .find(|c| s256 == Some(c.x5t_s256.as_str()) || sha1 == Some(c.x5t.as_str()))
    else {
        let shown = s256.or(sha1).unwrap_or("none");
        return invalid_client(
            700027,
            &format!("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{shown}']"),
        );
    };
    let signing_input = format!("{header_b64}.{claims_b64}");
    let verified = match header.get("alg").and_then(Value::as_str) {
        Some("PS256") => rsa::pss::Signature::try_from(signature.as_slice())
            .ok()
            .is_some_and(|sig| {
                rsa::pss::VerifyingKey::<Sha256>::new(cert.key.clone())
                    .verify(signing_input.as_bytes(), &sig)
                    .is_ok()
            }),
        Some("RS256") => rsa::pkcs1v15::Signature::try_from(signature.as_slice())
            .ok()
            .is_some_and(|sig| {
                rsa::pkcs1v15::VerifyingKey::<Sha256>::new(cert.key.clone())
                    .verify(signing_input.as_bytes(), &sig)
                    .is_ok()
            }),
        _ => false,
    };
    if !verified {
        return invalid_client(700027, "Client assertion failed signature validation.");
    }
    let claim = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or_default();
    if !claim("iss").eq_ignore_ascii_case(&app.client_id)
        || !claim("sub").eq_ignore_ascii_case(&app.client_id)
    {
        return invalid_client(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
        );
    }
    let expected_aud = format!("{}/{tenant}/oauth2/v2.0/token", shared.base());
    if claim("aud") != expected_aud {
        return invalid_client(
            700023,
            &format!(
                "Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Expected '{expected_aud}'."
            ),
        );
    }
    let now = Utc::now().timestamp() + inner.clock_skew_s;
    let number = |k: &str| claims.get(k).and_then(Value::as_i64);
    let (Some(exp), nbf) = (number("exp"), number("nbf").unwrap_or(0)) else {
        return malformed();
    };
    if exp < now - SKEW_S || nbf > now + SKEW_S {
        return invalid_client(
            700024,
            &format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
                time(now),
                time(nbf),
                time(exp)
            ),
        );
    }
    let jti = claim("jti");
    if jti.is_empty() || !inner.apps.first_use(jti, exp + SKEW_S, now) {
        return invalid_client(
            700025,
            "Client assertion contains a jti that was already used; sign a new assertion for each token request. (Prestage sandbox rule: Entra documents no replay check.)",
        );
    }
    let lifetime = shared.config.token_lifetime;
    let access =
        inner
            .tokens
            .issue_app_access(&app.client_id, &app.roles, &shared.tenant_id, lifetime);
    inner.counters.access_tokens_issued += 1;
    drop(inner);
    let secs = lifetime.as_secs();
    (
        StatusCode::OK,
        [("cache-control", "no-store"), ("pragma", "no-cache")],
        Json(json!({
            "token_type": "Bearer",
            "expires_in": secs,
            "ext_expires_in": secs,
            "access_token": access,
        })),
    )
        .into_response()
}
