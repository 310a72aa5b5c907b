//! The registration details report (`/reports/authenticationMethods/userRegistrationDetails`):
//! who is registered for MFA, with what. Needs Entra ID P1/P2 and a reader role. Every call goes
//! on the reports lane (5 requests per 10 s); the server picks the page size.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::{Call, Page};
use super::{Api, GraphClient, GraphError, UserKey};
use crate::throttle::Lane;

/// One row of the report. Method names are open-ended strings (Graph adds values over time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRegistrationDetails {
    pub id: String,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub user_display_name: Option<String>,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub is_admin: Option<bool>,
    #[serde(default)]
    pub is_mfa_registered: Option<bool>,
    #[serde(default)]
    pub is_mfa_capable: Option<bool>,
    #[serde(default)]
    pub is_passwordless_capable: Option<bool>,
    #[serde(default)]
    pub is_sspr_registered: Option<bool>,
    #[serde(default)]
    pub is_sspr_enabled: Option<bool>,
    #[serde(default)]
    pub is_sspr_capable: Option<bool>,
    #[serde(default)]
    pub is_system_preferred_authentication_method_enabled: Option<bool>,
    #[serde(default)]
    pub methods_registered: Vec<String>,
    #[serde(default)]
    pub system_preferred_authentication_methods: Vec<String>,
    #[serde(default)]
    pub user_preferred_method_for_secondary_authentication: Option<String>,
    #[serde(default)]
    pub last_updated_date_time: Option<DateTime<Utc>>,
}

impl GraphClient {
    /// Every row, optionally filtered with one of the report's supported `$filter`s
    /// (e.g. `isMfaRegistered eq false`).
    pub async fn registration_details(
        &self,
        filter: Option<&str>,
    ) -> Result<Vec<UserRegistrationDetails>, GraphError> {
        let mut url = self.url(
            Api::V1,
            &[
                "reports",
                "authenticationMethods",
                "userRegistrationDetails",
            ],
        );
        if let Some(f) = filter {
            url.query_pairs_mut().append_pair("$filter", f);
        }
        self.get_pages(Call::new(Method::GET, url).on_lane(Lane::Reports), None)
            .await
    }

    /// One page of the report: the first (`next` None) or the one a previous page linked to.
    pub async fn registration_details_page(
        &self,
        next: Option<&str>,
    ) -> Result<RegistrationPage, GraphError> {
        let url = match next {
            Some(link) => self.same_origin(link)?,
            None => self.url(
                Api::V1,
                &[
                    "reports",
                    "authenticationMethods",
                    "userRegistrationDetails",
                ],
            ),
        };
        let page: Page<UserRegistrationDetails> = self
            .get_json(Call::new(Method::GET, url).on_lane(Lane::Reports))
            .await?;
        Ok(RegistrationPage {
            rows: page.value,
            next: page.next_link,
        })
    }

    pub async fn registration_details_of(
        &self,
        user_id: UserKey<'_>,
    ) -> Result<UserRegistrationDetails, GraphError> {
        let url = self.url(
            Api::V1,
            &[
                "reports",
                "authenticationMethods",
                "userRegistrationDetails",
                user_id,
            ],
        );
        self.get_json(Call::new(Method::GET, url).on_lane(Lane::Reports))
            .await
    }
}

/// One page of the registration report and the link to the next, if any.
#[derive(Debug, Clone)]
pub struct RegistrationPage {
    pub rows: Vec<UserRegistrationDetails>,
    pub next: Option<String>,
}
