//! Sign-in preferences (beta `signInPreferences`): the user's default MFA method and whether
//! system-preferred MFA overrides it.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::{Api, GraphClient, GraphError, UserKey};

/// `userPreferredMethodForSecondaryAuthentication` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PreferredMethod {
    Push,
    Oath,
    VoiceMobile,
    VoiceAlternateMobile,
    VoiceOffice,
    Sms,
    #[serde(other)]
    UnknownFutureValue,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInPreferences {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_system_preferred_authentication_method_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_preferred_method_for_secondary_authentication: Option<PreferredMethod>,
}

impl GraphClient {
    pub async fn sign_in_preferences(
        &self,
        user: UserKey<'_>,
    ) -> Result<SignInPreferences, GraphError> {
        let url = self.url(
            Api::Beta,
            &["users", user, "authentication", "signInPreferences"],
        );
        self.get_json(Call::new(Method::GET, url)).await
    }
}
