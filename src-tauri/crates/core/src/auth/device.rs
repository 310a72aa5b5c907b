//! Device-code sign-in (RFC 8628), the fallback for machines a browser redirect cannot reach:
//! `start` asks `/devicecode` for a user code to type at the verification page; `poll` asks the
//! token endpoint every `interval` (longer after `slow_down`) until approved, declined, expired
//! or cancelled. The device code itself is a secret: never printed, never returned to a UI.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::pkce::{token_http, TokenJson};
use super::{AuthError, SignInConfig, TokenSet};
use crate::error_text::chain as error_chain;

const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.5: each `slow_down` adds five seconds to the polling interval.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// A device-code sign-in in progress: what to show the person, and the secret to poll with.
pub struct DeviceCode {
    /// The code to type at `verification_uri`.
    pub user_code: String,
    /// The page where the code is entered (any browser, any device).
    pub verification_uri: String,
    /// The identity platform's own sentence (code + page).
    pub message: String,
    /// How long the code may be used.
    pub expires_in: Duration,
    interval: Duration,
    device_code: SecretString,
}

impl std::fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct DeviceCodeJson {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    interval: Option<u64>,
}

#[derive(Deserialize)]
pub(super) struct ErrorJson {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Asks the authority for a user code.
pub async fn start_device_code(config: &SignInConfig) -> Result<DeviceCode, AuthError> {
    let scope = config.scopes.join(" ");
    let answer = token_http()?
        .post(config.endpoint("devicecode")?)
        .form(&[("client_id", config.client_id.as_str()), ("scope", &scope)])
        .send()
        .await
        .map_err(|e| AuthError::Network(error_chain(&e)))?;
    let ok = answer.status().is_success();
    let body = answer
        .bytes()
        .await
        .map_err(|e| AuthError::Network(error_chain(&e)))?;
    if !ok {
        return Err(error_answer(&body));
    }
    let json: DeviceCodeJson = serde_json::from_slice(&body)
        .map_err(|e| AuthError::Protocol(format!("device code answer: {e}")))?;
    let message = json.message.unwrap_or_else(|| {
        format!(
            "To sign in, open {} and enter the code {}.",
            json.verification_uri, json.user_code
        )
    });
    Ok(DeviceCode {
        user_code: json.user_code,
        verification_uri: json.verification_uri,
        message,
        expires_in: Duration::from_secs(json.expires_in.unwrap_or(900)),
        interval: Duration::from_secs(json.interval.unwrap_or(5).max(1)),
        device_code: SecretString::from(json.device_code),
    })
}

/// Polls until the code is approved (tokens), declined, expired, the code's lifetime is over
/// (`TimedOut`) or `cancel` fires (`Cancelled`).
pub async fn poll_device_code(
    config: &SignInConfig,
    code: &DeviceCode,
    cancel: &CancellationToken,
) -> Result<TokenSet, AuthError> {
    let http = token_http()?;
    let token_url = config.endpoint("token")?;
    let deadline = tokio::time::Instant::now() + code.expires_in;
    let mut interval = code.interval;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = tokio::time::sleep_until(deadline) => return Err(AuthError::TimedOut),
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
        }
        let answer = http
            .post(&token_url)
            .form(&[
                ("grant_type", GRANT_TYPE),
                ("client_id", config.client_id.as_str()),
                ("device_code", code.device_code.expose_secret()),
            ])
            .send()
            .await
            .map_err(|e| AuthError::Network(error_chain(&e)))?;
        let ok = answer.status().is_success();
        let body = answer
            .bytes()
            .await
            .map_err(|e| AuthError::Network(error_chain(&e)))?;
        if ok {
            let json: TokenJson = serde_json::from_slice(&body)
                .map_err(|e| AuthError::Protocol(format!("token answer: {e}")))?;
            return Ok(json.into_token_set());
        }
        match serde_json::from_slice::<ErrorJson>(&body) {
            Ok(e) if e.error == "authorization_pending" => {}
            Ok(e) if e.error == "slow_down" => interval += SLOW_DOWN_STEP,
            _ => return Err(error_answer(&body)),
        }
    }
}

/// The OAuth error JSON of a failed answer as an [`AuthError`].
pub(super) fn error_answer(body: &[u8]) -> AuthError {
    match serde_json::from_slice::<ErrorJson>(body) {
        Ok(e) => AuthError::rejected(&e.error, e.error_description.as_deref()),
        Err(_) => AuthError::Protocol("the sign-in service answered with an error page".into()),
    }
}
