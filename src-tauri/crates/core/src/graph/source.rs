//! Users with the attributes a directory run reads (`mobilePhone`, `businessPhones`,
//! `otherMails`, `usageLocation`, `country`): all users, or a group's transitive user members.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::{Api, GraphClient, GraphError};

/// The attributes a directory row reads (`$select`ed: the identity read costs less).
pub const SOURCE_SELECT: &str = "id,displayName,userPrincipalName,mail,mobilePhone,businessPhones,otherMails,usageLocation,country,accountEnabled,userType";

/// A user as the directory holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceUser {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub business_phones: Vec<String>,
    #[serde(default)]
    pub other_mails: Vec<String>,
    /// ISO 3166 alpha-2, set by administrators for licensing.
    #[serde(default)]
    pub usage_location: Option<String>,
    /// Free text ("UK", "Deutschland"): used only through a mapping the admin confirmed.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub user_type: Option<String>,
}

impl SourceUser {
    pub fn is_guest(&self) -> bool {
        self.user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("guest"))
    }
}

impl GraphClient {
    /// Every user (`group` None) or the group's transitive user members, all pages. The cast
    /// to `microsoft.graph.user` needs the advanced-query header and `$count=true`.
    pub async fn source_users(&self, group: Option<&str>) -> Result<Vec<SourceUser>, GraphError> {
        let mut url = match group {
            None => self.url(Api::V1, &["users"]),
            Some(id) => self.url(
                Api::V1,
                &["groups", id, "transitiveMembers", "microsoft.graph.user"],
            ),
        };
        url.query_pairs_mut()
            .append_pair("$select", SOURCE_SELECT)
            .append_pair("$top", "999");
        if group.is_some() {
            url.query_pairs_mut().append_pair("$count", "true");
        }
        let mut call = Call::new(Method::GET, url);
        if group.is_some() {
            call = call.header("ConsistencyLevel", "eventual");
        }
        self.get_pages(call, None).await
    }
}
