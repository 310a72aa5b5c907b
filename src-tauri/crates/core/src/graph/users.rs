//! Users, the signed-in account, the organization and directory-role membership.
//! Search uses `$search` with `ConsistencyLevel: eventual`; prefix lists use `startswith`.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::{Call, Page};
use super::{Api, GraphClient, GraphError, UserKey};

/// The `$select` Prestage uses for users (also lowers the identity throttling cost).
pub const USER_SELECT: &str = "id,displayName,userPrincipalName,mail,mobilePhone,businessPhones,onPremisesSyncEnabled,accountEnabled,userType";

/// A directory user as Graph returns it with [`USER_SELECT`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub business_phones: Vec<String>,
}

/// What the tenant report needs of every user (`$select`ed: the identity read costs 1 RU).
pub const DIRECTORY_SELECT: &str = "id,displayName,userPrincipalName,accountEnabled,userType,creationType,externalUserState,onPremisesSyncEnabled";

/// A directory user as the tenant report reads it ([`DIRECTORY_SELECT`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryUser {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub creation_type: Option<String>,
    #[serde(default)]
    pub external_user_state: Option<String>,
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
}

/// One page of users and the link to the next, if any.
#[derive(Debug, Clone)]
pub struct DirectoryPage {
    pub users: Vec<DirectoryUser>,
    pub next: Option<String>,
}

/// The tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub country_letter_code: Option<String>,
    #[serde(default)]
    pub verified_domains: Vec<VerifiedDomain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    pub name: String,
    #[serde(default)]
    pub is_default: Option<bool>,
}

/// A member of `memberOf`: a directory role or a group (other types kept by `@odata.type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryObject {
    #[serde(rename = "@odata.type", default)]
    pub odata_type: Option<String>,
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role_template_id: Option<String>,
}

impl DirectoryObject {
    pub fn is_directory_role(&self) -> bool {
        self.odata_type.as_deref() == Some("#microsoft.graph.directoryRole")
    }
}

/// Quotes text for a `$search` clause: Graph wants `"property:text"`; a quote or backslash in
/// the text would end the clause, so they are dropped.
fn search_text(text: &str) -> String {
    text.chars().filter(|c| *c != '"' && *c != '\\').collect()
}

/// Quotes text for an OData string literal (single quotes doubled).
pub(crate) fn odata_literal(text: &str) -> String {
    text.replace('\'', "''")
}

impl GraphClient {
    /// Search by display name, UPN and mail (first page of `top`, 1–999). Empty text lists the
    /// first page of users.
    pub async fn search_users(&self, text: &str, top: u32) -> Result<Vec<User>, GraphError> {
        let mut url = self.url(Api::V1, &["users"]);
        let text = search_text(text.trim());
        let top = top.to_string();
        let mut call = {
            let mut q = url.query_pairs_mut();
            q.append_pair("$select", USER_SELECT)
                .append_pair("$top", &top);
            if !text.is_empty() {
                let search = format!(
                    "\"displayName:{text}\" OR \"userPrincipalName:{text}\" OR \"mail:{text}\""
                );
                q.append_pair("$search", &search);
            }
            drop(q);
            Call::new(Method::GET, url.clone())
        };
        if !text.is_empty() {
            call = call.header("ConsistencyLevel", "eventual");
        }
        self.get_pages(call, Some(1)).await // first page only: search as you type
    }

    /// Every user whose display name or UPN starts with `prefix` (all pages).
    pub async fn users_starting_with(&self, prefix: &str) -> Result<Vec<User>, GraphError> {
        let p = odata_literal(prefix);
        let mut url = self.url(Api::V1, &["users"]);
        url.query_pairs_mut()
            .append_pair("$select", USER_SELECT)
            .append_pair("$top", "999")
            .append_pair(
                "$filter",
                &format!("startswith(displayName,'{p}') or startswith(userPrincipalName,'{p}')"),
            );
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// Every user in the tenant (pages of 999).
    pub async fn all_users(&self) -> Result<Vec<User>, GraphError> {
        let mut url = self.url(Api::V1, &["users"]);
        url.query_pairs_mut()
            .append_pair("$select", USER_SELECT)
            .append_pair("$top", "999");
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// One user by object id or userPrincipalName.
    pub async fn get_user(&self, user: UserKey<'_>) -> Result<User, GraphError> {
        let mut url = self.url(Api::V1, &["users", user]);
        url.query_pairs_mut().append_pair("$select", USER_SELECT);
        self.get_json(Call::new(Method::GET, url)).await
    }

    /// The signed-in account.
    pub async fn me(&self) -> Result<User, GraphError> {
        let mut url = self.url(Api::V1, &["me"]);
        url.query_pairs_mut().append_pair("$select", USER_SELECT);
        self.get_json(Call::new(Method::GET, url)).await
    }

    /// The tenant (first organization object).
    pub async fn organization(&self) -> Result<Organization, GraphError> {
        let url = self.url(Api::V1, &["organization"]);
        let orgs: Vec<Organization> = self.get_pages(Call::new(Method::GET, url), None).await?;
        orgs.into_iter()
            .next()
            .ok_or_else(|| GraphError::Decode("the organization list is empty".into()))
    }

    /// Directory roles and groups the user is a direct member of.
    pub async fn member_of(&self, user: UserKey<'_>) -> Result<Vec<DirectoryObject>, GraphError> {
        let url = self.url(Api::V1, &["users", user, "memberOf"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// One page of every user of the directory (disabled ones too), 999 per page.
    pub async fn directory_page(&self, next: Option<&str>) -> Result<DirectoryPage, GraphError> {
        let url = match next {
            Some(link) => self.same_origin(link)?,
            None => {
                let mut url = self.url(Api::V1, &["users"]);
                url.query_pairs_mut()
                    .append_pair("$select", DIRECTORY_SELECT)
                    .append_pair("$top", "999");
                url
            }
        };
        let page: Page<DirectoryUser> = self.get_json(Call::new(Method::GET, url)).await?;
        Ok(DirectoryPage {
            users: page.value,
            next: page.next_link,
        })
    }

    /// The activated directory roles of the tenant.
    pub async fn directory_roles(&self) -> Result<Vec<DirectoryObject>, GraphError> {
        let url = self.url(Api::V1, &["directoryRoles"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// The members of an activated directory role (needs `RoleManagement.Read.Directory`).
    pub async fn role_members(&self, role_id: &str) -> Result<Vec<DirectoryObject>, GraphError> {
        let mut url = self.url(Api::V1, &["directoryRoles", role_id, "members"]);
        url.query_pairs_mut()
            .append_pair("$select", "id,displayName,userPrincipalName");
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// Directory roles and groups of the signed-in account.
    pub async fn my_member_of(&self) -> Result<Vec<DirectoryObject>, GraphError> {
        let url = self.url(Api::V1, &["me", "memberOf"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }
}
