//! The single path for every change to a user's authentication methods. Each write returns a
//! `Receipt` with Graph's request-id (for the journal, the audit log and support) and the body.
//! Typed calls in phone.rs and email.rs go through here; the writes of the types in methods.rs,
//! preferences.rs and requirements.rs are spelled here, so those files stay leaves.

use reqwest::Method;
use serde_json::{json, Value};

use super::transport::Call;
use super::{
    Api, GraphClient, GraphError, MethodKind, PerUserMfaState, SignInPreferences, UserKey,
};
use crate::phone::{PhoneNumber, PhoneType};

/// The email method's fixed id.
pub const EMAIL_METHOD_ID: &str = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f";

/// One write to a user's methods.
#[derive(Debug, Clone)]
pub enum MethodWrite<'a> {
    CreatePhone(PhoneType, &'a PhoneNumber),
    UpdatePhone(PhoneType, &'a PhoneNumber),
    DeletePhone(PhoneType),
    EnableSmsSignIn,
    DisableSmsSignIn,
    CreateEmail(&'a str),
    UpdateEmail(&'a str),
    DeleteEmail,
    SetSignInPreferences(&'a SignInPreferences),
    /// beta `requirements`: the user's per-user MFA state.
    SetPerUserMfaState(PerUserMfaState),
    /// Authenticator, FIDO2, software OATH, TAP, Windows Hello (and phone/email) by id.
    DeleteMethod(&'a MethodKind, &'a str),
}

/// What Graph answered to a write.
#[derive(Debug, Clone, Default)]
pub struct Receipt {
    pub status: u16,
    pub request_id: Option<String>,
    /// The JSON body (created objects), `Null` for 204.
    pub body: Value,
}

impl<'a> MethodWrite<'a> {
    /// Short description with the number masked, for logs.
    pub fn describe(&self) -> String {
        match self {
            MethodWrite::CreatePhone(t, n) => format!("add {t} {}", n.masked()),
            MethodWrite::UpdatePhone(t, n) => format!("change {t} to {}", n.masked()),
            MethodWrite::DeletePhone(t) => format!("remove {t}"),
            MethodWrite::EnableSmsSignIn => "enable SMS sign-in".into(),
            MethodWrite::DisableSmsSignIn => "disable SMS sign-in".into(),
            MethodWrite::CreateEmail(_) => "add email".into(),
            MethodWrite::UpdateEmail(_) => "change email".into(),
            MethodWrite::DeleteEmail => "remove email".into(),
            MethodWrite::SetSignInPreferences(_) => "set sign-in preferences".into(),
            MethodWrite::SetPerUserMfaState(s) => format!("set per-user MFA to {s}"),
            MethodWrite::DeleteMethod(k, _) => format!("remove {k:?} method"),
        }
    }
}

fn email_check(address: &str) -> Result<(), GraphError> {
    let ok = address.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !address.contains(char::is_whitespace)
    });
    if ok {
        Ok(())
    } else {
        Err(GraphError::InvalidInput(format!(
            "'{address}' is not an email address"
        )))
    }
}

impl GraphClient {
    fn auth_url(&self, api: Api, user: UserKey<'_>, tail: &[&str]) -> url::Url {
        let mut segments = vec!["users", user, "authentication"];
        segments.extend_from_slice(tail);
        self.url(api, &segments)
    }

    /// Performs one write and returns Graph's receipt.
    pub async fn write(
        &self,
        user: UserKey<'_>,
        write: MethodWrite<'_>,
    ) -> Result<Receipt, GraphError> {
        use MethodWrite::*;
        let phones = "phoneMethods";
        let (method, url, body) = match &write {
            CreatePhone(t, n) => (
                Method::POST,
                self.auth_url(Api::V1, user, &[phones]),
                Some(json!({"phoneNumber": n.as_str(), "phoneType": t.as_str()})),
            ),
            UpdatePhone(t, n) => (
                Method::PATCH,
                self.auth_url(Api::V1, user, &[phones, t.method_id()]),
                Some(json!({"phoneNumber": n.as_str(), "phoneType": t.as_str()})),
            ),
            DeletePhone(t) => (
                Method::DELETE,
                self.auth_url(Api::V1, user, &[phones, t.method_id()]),
                None,
            ),
            EnableSmsSignIn => (
                Method::POST,
                self.auth_url(
                    Api::V1,
                    user,
                    &[phones, PhoneType::Mobile.method_id(), "enableSmsSignIn"],
                ),
                None,
            ),
            DisableSmsSignIn => (
                Method::POST,
                self.auth_url(
                    Api::V1,
                    user,
                    &[phones, PhoneType::Mobile.method_id(), "disableSmsSignIn"],
                ),
                None,
            ),
            CreateEmail(a) => {
                email_check(a)?;
                (
                    Method::POST,
                    self.auth_url(Api::V1, user, &["emailMethods"]),
                    Some(json!({"emailAddress": a})),
                )
            }
            UpdateEmail(a) => {
                email_check(a)?;
                (
                    Method::PATCH,
                    self.auth_url(Api::V1, user, &["emailMethods", EMAIL_METHOD_ID]),
                    Some(json!({"emailAddress": a})),
                )
            }
            DeleteEmail => (
                Method::DELETE,
                self.auth_url(Api::V1, user, &["emailMethods", EMAIL_METHOD_ID]),
                None,
            ),
            SetSignInPreferences(p) => {
                let body =
                    serde_json::to_value(p).map_err(|e| GraphError::InvalidInput(e.to_string()))?;
                (
                    Method::PATCH,
                    self.auth_url(Api::Beta, user, &["signInPreferences"]),
                    Some(body),
                )
            }
            SetPerUserMfaState(state) => (
                Method::PATCH,
                self.auth_url(Api::Beta, user, &["requirements"]),
                Some(json!({"perUserMfaState": state.as_str()})),
            ),
            DeleteMethod(kind, id) => {
                let collection = kind.deletable_collection().ok_or_else(|| {
                    GraphError::InvalidInput(format!("Graph cannot delete a {kind:?} method by id"))
                })?;
                (
                    Method::DELETE,
                    self.auth_url(Api::V1, user, &[collection, id]),
                    None,
                )
            }
        };
        tracing::debug!(what = %write.describe(), "method write");
        let mut call = Call::new(method, url);
        call.body = body;
        let response = self.send(call).await?;
        let request_id = response
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = if response.body.is_empty() {
            Value::Null
        } else {
            response.json()?
        };
        Ok(Receipt {
            status: response.status,
            request_id,
            body,
        })
    }
}

/// The typed writes whose payload types live with their reads (methods.rs, preferences.rs,
/// requirements.rs): spelled here so those files never name this one (it names their types).
impl GraphClient {
    /// Deletes a method by kind and id (Authenticator, FIDO2, software OATH, TAP, Windows Hello,
    /// phone, email).
    pub async fn delete_method(
        &self,
        user: UserKey<'_>,
        kind: &MethodKind,
        method_id: &str,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::DeleteMethod(kind, method_id))
            .await
    }

    /// Sets the fields that are `Some` (204).
    pub async fn update_sign_in_preferences(
        &self,
        user: UserKey<'_>,
        preferences: &SignInPreferences,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::SetSignInPreferences(preferences))
            .await
    }

    /// Sets a user's per-user MFA state (204). Needs `Policy.ReadWrite.AuthenticationMethod`.
    pub async fn set_per_user_mfa_state(
        &self,
        user: UserKey<'_>,
        state: PerUserMfaState,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::SetPerUserMfaState(state))
            .await
    }
}
