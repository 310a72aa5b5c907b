//! The email authentication method (SSPR only; one per user, fixed id).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::{Call, Page};
use super::write::{MethodWrite, Receipt};
use super::{Api, GraphClient, GraphError, UserKey};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailMethod {
    pub id: String,
    #[serde(default)]
    pub email_address: String,
}

impl GraphClient {
    fn email_url(&self, user: UserKey<'_>) -> url::Url {
        self.url(Api::V1, &["users", user, "authentication", "emailMethods"])
    }

    pub async fn list_email_methods(
        &self,
        user: UserKey<'_>,
    ) -> Result<Vec<EmailMethod>, GraphError> {
        let page: Page<EmailMethod> = self
            .get_json(Call::new(Method::GET, self.email_url(user)))
            .await?;
        Ok(page.value)
    }

    pub async fn create_email_method(
        &self,
        user: UserKey<'_>,
        address: &str,
    ) -> Result<EmailMethod, GraphError> {
        let receipt = self.write(user, MethodWrite::CreateEmail(address)).await?;
        serde_json::from_value(receipt.body).map_err(|e| GraphError::Decode(e.to_string()))
    }

    pub async fn update_email_method(
        &self,
        user: UserKey<'_>,
        address: &str,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::UpdateEmail(address)).await
    }

    pub async fn delete_email_method(&self, user: UserKey<'_>) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::DeleteEmail).await
    }
}
