//! Phone methods (mobile, alternateMobile, office) and SMS sign-in. Numbers go out only as
//! [`PhoneNumber`] (Graph's form); what comes back is kept as text (it may be masked).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::{Call, Page};
use super::write::{MethodWrite, Receipt};
use super::{Api, GraphClient, GraphError, UserKey};
use crate::phone::{PhoneNumber, PhoneType};

/// `smsSignInState` of a phone method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SmsSignInState {
    NotSupported,
    NotAllowedByPolicy,
    NotEnabled,
    PhoneNumberNotUnique,
    Ready,
    NotConfigured,
    #[serde(other)]
    UnknownFutureValue,
}

impl SmsSignInState {
    /// What the state means, in a sentence.
    pub fn explain(self) -> &'static str {
        match self {
            Self::NotSupported => {
                "This phone cannot be used for SMS sign-in (only the mobile number can)."
            }
            Self::NotAllowedByPolicy => {
                "The SMS policy does not allow this user to sign in with SMS."
            }
            Self::NotEnabled => "SMS sign-in is allowed but not turned on for this number.",
            Self::PhoneNumberNotUnique => {
                "Another user has the same number, so it cannot be a sign-in name."
            }
            Self::Ready => "SMS sign-in is on and ready.",
            Self::NotConfigured => {
                "Allowed by policy but not usable yet (for example a missing licence)."
            }
            Self::UnknownFutureValue => {
                "Graph reported a state this version of Prestage does not know."
            }
        }
    }
}

/// A phone method as Graph returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneMethod {
    pub id: String,
    /// As returned: full for privileged callers, masked for others.
    #[serde(default)]
    pub phone_number: String,
    #[serde(default)]
    pub phone_type: Option<PhoneType>,
    #[serde(default)]
    pub sms_sign_in_state: Option<SmsSignInState>,
}

impl GraphClient {
    fn phone_url(&self, user: UserKey<'_>, tail: &[&str]) -> url::Url {
        let mut segments = vec!["users", user, "authentication", "phoneMethods"];
        segments.extend_from_slice(tail);
        self.url(Api::V1, &segments)
    }

    pub async fn list_phone_methods(
        &self,
        user: UserKey<'_>,
    ) -> Result<Vec<PhoneMethod>, GraphError> {
        let page: Page<PhoneMethod> = self
            .get_json(Call::new(Method::GET, self.phone_url(user, &[])))
            .await?;
        Ok(page.value)
    }

    pub async fn get_phone_method(
        &self,
        user: UserKey<'_>,
        phone_type: PhoneType,
    ) -> Result<PhoneMethod, GraphError> {
        let url = self.phone_url(user, &[phone_type.method_id()]);
        self.get_json(Call::new(Method::GET, url)).await
    }

    /// Adds a phone of a type the user does not have yet (201).
    pub async fn create_phone_method(
        &self,
        user: UserKey<'_>,
        phone_type: PhoneType,
        number: &PhoneNumber,
    ) -> Result<PhoneMethod, GraphError> {
        let receipt = self
            .write(user, MethodWrite::CreatePhone(phone_type, number))
            .await?;
        serde_json::from_value(receipt.body).map_err(|e| GraphError::Decode(e.to_string()))
    }

    /// Changes the number of an existing phone (204). The type cannot change.
    pub async fn update_phone_method(
        &self,
        user: UserKey<'_>,
        phone_type: PhoneType,
        number: &PhoneNumber,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::UpdatePhone(phone_type, number))
            .await
    }

    pub async fn delete_phone_method(
        &self,
        user: UserKey<'_>,
        phone_type: PhoneType,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::DeletePhone(phone_type)).await
    }

    /// Turns on SMS sign-in for the user's mobile number.
    pub async fn enable_sms_sign_in(&self, user: UserKey<'_>) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::EnableSmsSignIn).await
    }

    pub async fn disable_sms_sign_in(&self, user: UserKey<'_>) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::DisableSmsSignIn).await
    }
}
