//! Temporary Access Pass: create (the pass is returned once and wrapped so it never reaches a log),
//! list. Deleting goes through `delete_method`.

use chrono::{DateTime, Utc};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::transport::{Call, Page};
use super::{Api, GraphClient, GraphError, UserKey};

/// What to ask for; omitted fields take the tenant policy's defaults.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TapRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<DateTime<Utc>>,
    /// 10–43200 minutes, within the tenant policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_in_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_usable_once: Option<bool>,
}

/// A Temporary Access Pass method. `pass` is present only in the create answer.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemporaryAccessPass {
    pub id: String,
    #[serde(
        default,
        rename = "temporaryAccessPass",
        deserialize_with = "secret_opt"
    )]
    pass: Option<SecretString>,
    #[serde(default)]
    pub start_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub lifetime_in_minutes: Option<u32>,
    #[serde(default)]
    pub is_usable_once: Option<bool>,
    #[serde(default)]
    pub is_usable: Option<bool>,
    #[serde(default)]
    pub method_usability_reason: Option<String>,
}

fn secret_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(SecretString::from))
}

impl TemporaryAccessPass {
    /// The pass itself, for showing once to the admin. Never log it.
    pub fn reveal_pass(&self) -> Option<&str> {
        self.pass.as_ref().map(|p| p.expose_secret())
    }
}

impl std::fmt::Debug for TemporaryAccessPass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemporaryAccessPass")
            .field("id", &self.id)
            .field("lifetime_in_minutes", &self.lifetime_in_minutes)
            .field("is_usable", &self.is_usable)
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    pub async fn create_temporary_access_pass(
        &self,
        user: UserKey<'_>,
        request: &TapRequest,
    ) -> Result<TemporaryAccessPass, GraphError> {
        if let Some(m) = request.lifetime_in_minutes {
            if !(10..=43_200).contains(&m) {
                return Err(GraphError::InvalidInput(format!(
                    "A Temporary Access Pass lives 10 to 43200 minutes; {m} is outside that range."
                )));
            }
        }
        let url = self.url(
            Api::V1,
            &[
                "users",
                user,
                "authentication",
                "temporaryAccessPassMethods",
            ],
        );
        self.post_json(url, request).await
    }

    /// Creates a pass for the bulk engine: the pass (wrapped; never in a log or a receipt) and
    /// Graph's request-id for the journal. Graph creates a pass the policy makes unusable
    /// rather than refusing it, so the caller checks `is_usable` / `method_usability_reason`.
    pub async fn issue_temporary_access_pass(
        &self,
        user: UserKey<'_>,
        request: &TapRequest,
    ) -> Result<(TemporaryAccessPass, Option<String>), GraphError> {
        if let Some(m) = request.lifetime_in_minutes {
            if !(10..=43_200).contains(&m) {
                return Err(GraphError::InvalidInput(format!(
                    "A Temporary Access Pass lives 10 to 43200 minutes; {m} is outside that range."
                )));
            }
        }
        let url = self.url(
            Api::V1,
            &[
                "users",
                user,
                "authentication",
                "temporaryAccessPassMethods",
            ],
        );
        let mut call = Call::new(Method::POST, url);
        call.body =
            Some(serde_json::to_value(request).map_err(|e| GraphError::Decode(e.to_string()))?);
        tracing::debug!("method write: issue a Temporary Access Pass");
        let response = self.send(call).await?;
        let request_id = response
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok((response.json()?, request_id))
    }

    pub async fn list_temporary_access_passes(
        &self,
        user: UserKey<'_>,
    ) -> Result<Vec<TemporaryAccessPass>, GraphError> {
        let url = self.url(
            Api::V1,
            &[
                "users",
                user,
                "authentication",
                "temporaryAccessPassMethods",
            ],
        );
        let page: Page<TemporaryAccessPass> = self.get_json(Call::new(Method::GET, url)).await?;
        Ok(page.value)
    }
}
