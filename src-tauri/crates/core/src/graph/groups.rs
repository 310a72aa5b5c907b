//! Groups and their (transitive) user members, for scoping work to a group.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::{Api, GraphClient, GraphError, User, USER_SELECT};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
}

impl GraphClient {
    pub async fn groups(&self) -> Result<Vec<Group>, GraphError> {
        let mut url = self.url(Api::V1, &["groups"]);
        url.query_pairs_mut()
            .append_pair("$select", "id,displayName")
            .append_pair("$top", "999");
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// Users in the group, directly or through nested groups (all pages). The cast to
    /// `microsoft.graph.user` needs the advanced-query header and `$count=true`.
    pub async fn group_transitive_users(&self, group_id: &str) -> Result<Vec<User>, GraphError> {
        let mut url = self.url(
            Api::V1,
            &[
                "groups",
                group_id,
                "transitiveMembers",
                "microsoft.graph.user",
            ],
        );
        url.query_pairs_mut()
            .append_pair("$select", USER_SELECT)
            .append_pair("$top", "999")
            .append_pair("$count", "true");
        let call = Call::new(Method::GET, url).header("ConsistencyLevel", "eventual");
        self.get_pages(call, None).await
    }
}
