//! The authentication methods policy: the SMS and Voice configurations that decide whether a
//! registered phone is usable (and whether SMS sign-in can be turned on).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::{Api, GraphClient, GraphError};

/// One include/exclude target of a method configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsTarget {
    /// `user` or `group`.
    #[serde(default)]
    pub target_type: Option<String>,
    /// An object id, or `all_users`.
    pub id: String,
    #[serde(default)]
    pub is_registration_required: Option<bool>,
    #[serde(default)]
    pub is_usable_for_sign_in: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsConfiguration {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub include_targets: Vec<SmsTarget>,
    #[serde(default)]
    pub exclude_targets: Vec<SmsTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceConfiguration {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub is_office_phone_allowed: Option<bool>,
    #[serde(default)]
    pub include_targets: Vec<SmsTarget>,
    #[serde(default)]
    pub exclude_targets: Vec<SmsTarget>,
}

impl GraphClient {
    fn method_configuration_url(&self, id: &str) -> url::Url {
        self.url(
            Api::V1,
            &[
                "policies",
                "authenticationMethodsPolicy",
                "authenticationMethodConfigurations",
                id,
            ],
        )
    }

    /// The whole policy, as JSON (its shape grows with every new method).
    pub async fn authentication_methods_policy(&self) -> Result<serde_json::Value, GraphError> {
        let url = self.url(Api::V1, &["policies", "authenticationMethodsPolicy"]);
        self.get_json(Call::new(Method::GET, url)).await
    }

    pub async fn sms_configuration(&self) -> Result<SmsConfiguration, GraphError> {
        self.get_json(Call::new(Method::GET, self.method_configuration_url("Sms")))
            .await
    }

    pub async fn voice_configuration(&self) -> Result<VoiceConfiguration, GraphError> {
        self.get_json(Call::new(
            Method::GET,
            self.method_configuration_url("Voice"),
        ))
        .await
    }
}
