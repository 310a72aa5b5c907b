//! The control plane's "a user registers a method with their pass", as a user would at
//! aka.ms/mysecurityinfo: `POST /_sandbox/users/{id or UPN}/register` with
//! `{"method": "microsoftAuthenticator" | "fido2" | "windowsHelloForBusiness", "temporaryAccessPass": "…"}`.
//! The pass must be the user's and usable now; a one-time pass is consumed (`OneTimeUsed`); the
//! new method appears with today's date and the registration report follows (with its lag).
//! Never called by Graph clients; not throttled or faulted.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use crate::directory::{Authenticator, Fido2Key, HelloKey};
use crate::errors::iso;
use crate::policy::MethodKind;
use crate::seed::uuid;
use crate::state::Shared;

/// What the "user" registers.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum NewMethod {
    MicrosoftAuthenticator,
    /// A passkey (FIDO2), synced like one made on a phone.
    Fido2,
    WindowsHelloForBusiness,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegisterBody {
    pub method: NewMethod,
    pub temporary_access_pass: String,
}

/// Why a registration was refused, in the words the sign-in page would use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegisterError {
    #[error("'{0}' is not a method the sandbox registers (microsoftAuthenticator, fido2, windowsHelloForBusiness)")]
    UnknownMethod(String),
    #[error("no user '{0}' in the sandbox")]
    NoSuchUser(String),
    #[error("that is not this user's Temporary Access Pass")]
    WrongPass,
    #[error("the Temporary Access Pass cannot be used: {0}")]
    Unusable(&'static str),
}

/// Registers `method` for `user` with `pass`; returns the new method's id.
pub(crate) fn register(
    shared: &Shared,
    user: &str,
    method: NewMethod,
    pass: &str,
) -> Result<String, RegisterError> {
    let lag = chrono::Duration::from_std(shared.config.report_lag).unwrap_or_default();
    let mut guard = shared.lock();
    let inner = &mut *guard;
    let i = inner
        .dir
        .find_user(user)
        .ok_or_else(|| RegisterError::NoSuchUser(user.to_string()))?;
    let now = Utc::now();
    let allowed = inner
        .policy
        .allows(&inner.dir, MethodKind::TemporaryAccessPass, i);
    let digest = crate::tap::digest(pass);
    let u = &mut inner.dir.users[i];
    let tap = u
        .methods
        .taps
        .iter()
        .find(|t| t.digest == digest)
        .ok_or(RegisterError::WrongPass)?;
    let (usable, reason) = tap.usability(now, allowed);
    if !usable {
        return Err(RegisterError::Unusable(reason));
    }
    let id = uuid(&mut inner.rng);
    u.before_methods_write(now, lag);
    for t in u.methods.taps.iter_mut().filter(|t| t.digest == digest) {
        t.used = true;
    }
    match method {
        NewMethod::MicrosoftAuthenticator => u.methods.authenticators.push(Authenticator {
            id: id.clone(),
            display_name: "Sandbox phone".into(),
            device_tag: "SoftwareTokenActivated".into(),
            app_version: "6.8.20".into(),
            created: now,
        }),
        NewMethod::Fido2 => u.methods.fido2.push(Fido2Key {
            id: id.clone(),
            display_name: "Passkey in Microsoft Authenticator".into(),
            model: "Microsoft Authenticator".into(),
            aaguid: "90a3ccdf-635c-4729-a248-9b709135078f".into(),
            attested: true,
            synced: false,
            created: now,
        }),
        NewMethod::WindowsHelloForBusiness => u.methods.hello.push(HelloKey {
            id: id.clone(),
            display_name: "SANDBOX-PC".into(),
            weak: false,
            created: now,
        }),
    }
    u.methods_updated = now;
    Ok(id)
}

pub(crate) async fn route(
    State(shared): State<Arc<Shared>>,
    Path(user): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let body: RegisterBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("invalid register JSON: {e}")})),
            )
                .into_response()
        }
    };
    match register(&shared, &user, body.method, &body.temporary_access_pass) {
        Ok(id) => (
            StatusCode::CREATED,
            Json(json!({"id": id, "createdDateTime": iso(Utc::now())})),
        )
            .into_response(),
        Err(e @ RegisterError::NoSuchUser(_)) => {
            (StatusCode::NOT_FOUND, Json(json!({"error": e.to_string()}))).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}
