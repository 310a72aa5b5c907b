//! The email authentication method (SSPR only; one per user, fixed id).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::transport::{Call, Page};
use super::{Api, GraphClient, GraphError, UserKey};

/// The fixed id of the email method.
pub const EMAIL_METHOD_ID: &str = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailMethod {
    pub id: String,
    #[serde(default)]
    pub email_address: String,
}

fn check_address(address: &str) -> Result<(), GraphError> {
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
    fn email_url(&self, user: UserKey<'_>, tail: &[&str]) -> url::Url {
        let mut segments = vec!["users", user, "authentication", "emailMethods"];
        segments.extend_from_slice(tail);
        self.url(Api::V1, &segments)
    }

    pub async fn list_email_methods(
        &self,
        user: UserKey<'_>,
    ) -> Result<Vec<EmailMethod>, GraphError> {
        let page: Page<EmailMethod> = self
            .get_json(Call::new(Method::GET, self.email_url(user, &[])))
            .await?;
        Ok(page.value)
    }

    pub async fn create_email_method(
        &self,
        user: UserKey<'_>,
        address: &str,
    ) -> Result<EmailMethod, GraphError> {
        check_address(address)?;
        self.post_json(
            self.email_url(user, &[]),
            &json!({ "emailAddress": address }),
        )
        .await
    }

    pub async fn update_email_method(
        &self,
        user: UserKey<'_>,
        address: &str,
    ) -> Result<(), GraphError> {
        check_address(address)?;
        self.patch_json(
            self.email_url(user, &[EMAIL_METHOD_ID]),
            &json!({ "emailAddress": address }),
        )
        .await
    }

    pub async fn delete_email_method(&self, user: UserKey<'_>) -> Result<(), GraphError> {
        self.delete(self.email_url(user, &[EMAIL_METHOD_ID])).await
    }
}
