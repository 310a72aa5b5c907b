//! The user table's row: what the webview shows per directory user, converted from the core's
//! Graph `User` so a rename in the core cannot silently change this contract.

use prestage_core::graph::User;
use serde::Serialize;

/// One row of the user table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRow {
    pub id: String,
    /// Never empty: falls back to the UPN, then the object id.
    pub display_name: String,
    pub user_principal_name: String,
    pub source: UserSource,
    /// `None` when Graph did not say.
    pub account_enabled: Option<bool>,
    pub user_type: UserType,
}

/// Where the account is mastered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UserSource {
    /// Created in Entra ID.
    Cloud,
    /// Synchronised from on-premises Active Directory.
    Synced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UserType {
    Member,
    Guest,
}

impl From<User> for UserRow {
    fn from(user: User) -> Self {
        let upn = user.user_principal_name.unwrap_or_default();
        let display_name = match user.display_name {
            Some(name) if !name.trim().is_empty() => name,
            _ if !upn.is_empty() => upn.clone(),
            _ => user.id.clone(),
        };
        let source = match user.on_premises_sync_enabled {
            Some(true) => UserSource::Synced,
            _ => UserSource::Cloud,
        };
        // Graph's default userType is Member.
        let user_type = match user.user_type.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("guest") => UserType::Guest,
            _ => UserType::Member,
        };
        Self {
            id: user.id,
            display_name,
            user_principal_name: upn,
            source,
            account_enabled: user.account_enabled,
            user_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(id: &str) -> User {
        serde_json::from_value(json!({ "id": id })).unwrap()
    }

    #[test]
    fn user_row_json_is_pinned() {
        let mut u = user("u-1");
        u.display_name = Some("Adele Vance".into());
        u.user_principal_name = Some("adele@contoso.example".into());
        u.account_enabled = Some(false);
        u.user_type = Some("Guest".into());
        u.on_premises_sync_enabled = Some(true);
        assert_eq!(
            serde_json::to_value(UserRow::from(u)).unwrap(),
            json!({
                "id": "u-1",
                "displayName": "Adele Vance",
                "userPrincipalName": "adele@contoso.example",
                "source": "synced",
                "accountEnabled": false,
                "userType": "guest"
            })
        );
    }

    #[test]
    fn user_row_defaults_follow_graph() {
        let row = UserRow::from(user("u-2"));
        assert_eq!(row.display_name, "u-2");
        assert_eq!(row.source, UserSource::Cloud);
        assert_eq!(row.user_type, UserType::Member);
        assert_eq!(row.account_enabled, None);

        let mut u = user("u-3");
        u.display_name = Some("  ".into());
        u.user_principal_name = Some("x@contoso.example".into());
        assert_eq!(UserRow::from(u).display_name, "x@contoso.example");
    }
}
