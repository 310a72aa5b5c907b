//! The contract with the webview: the DTOs the UI reads and the one error enum it can receive.
//! JSON is camelCase; errors are tagged by `kind`. Nothing here may ever hold a token.
//! Core types are converted here so a rename in the core cannot silently change this contract.

use prestage_core::auth::AuthError;
use prestage_core::graph::User;
use prestage_core::{CoreError, GraphError};
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

/// Who is signed in, to which tenant — what the header shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub tenant_name: String,
    pub account: AccountInfo,
    /// The signed-in account's directory role, as Entra names it.
    pub role: String,
    /// True when connected to the in-process sandbox tenant rather than a real one.
    pub sandbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    pub display_name: String,
    pub user_principal_name: String,
}

/// The only error type a command returns. Add a variant only when the UI does something
/// different with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum IpcError {
    /// No session: the UI offers sign-in.
    #[error("You are not signed in.")]
    NotSignedIn,
    /// Graph kept answering 429 after the client's retries; the UI can offer a timed retry.
    #[error("Microsoft Graph is busy; try again in {retry_after_s} s.")]
    Throttled { retry_after_s: u64 },
    /// Any other failed Graph call. `status` is 0 when no HTTP answer came back.
    #[error("{message}")]
    Graph {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// Anything else; the message is shown as is.
    #[error("{message}")]
    Internal { message: String },
}

impl IpcError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self::Internal {
            message: message.into(),
        }
    }
}

impl From<GraphError> for IpcError {
    fn from(error: GraphError) -> Self {
        if let (429, Some(after)) = (error.status(), error.retry_after()) {
            // Round up: "try again in 0 s" would be a lie.
            let retry_after_s = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            return Self::Throttled { retry_after_s };
        }
        if let GraphError::Auth(AuthError::SessionExpired) = error {
            return Self::NotSignedIn;
        }
        Self::Graph {
            status: error.status(),
            code: error.code().to_owned(),
            message: error.message(),
            request_id: error.request_id().map(str::to_owned),
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Graph(graph) => graph.into(),
            CoreError::Auth(AuthError::SessionExpired) => Self::NotSignedIn,
            CoreError::Auth(auth) => Self::internal(auth.to_string()),
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
    fn error_json_is_pinned() {
        let cases = [
            (IpcError::NotSignedIn, json!({ "kind": "notSignedIn" })),
            (
                IpcError::Throttled { retry_after_s: 7 },
                json!({ "kind": "throttled", "retryAfterS": 7 }),
            ),
            (
                IpcError::Graph {
                    status: 403,
                    code: "Authorization_RequestDenied".into(),
                    message: "Insufficient privileges.".into(),
                    request_id: Some("r-1".into()),
                },
                json!({
                    "kind": "graph",
                    "status": 403,
                    "code": "Authorization_RequestDenied",
                    "message": "Insufficient privileges.",
                    "requestId": "r-1"
                }),
            ),
            (
                IpcError::internal("boom"),
                json!({ "kind": "internal", "message": "boom" }),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(serde_json::to_value(&error).unwrap(), expected, "{error:?}");
        }
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

    #[test]
    fn session_info_json_is_pinned() {
        let info = SessionInfo {
            tenant_name: "Contoso".into(),
            account: AccountInfo {
                display_name: "Pat".into(),
                user_principal_name: "pat@contoso.example".into(),
            },
            role: "Privileged Authentication Administrator".into(),
            sandbox: true,
        };
        assert_eq!(
            serde_json::to_value(info).unwrap(),
            json!({
                "tenantName": "Contoso",
                "account": { "displayName": "Pat", "userPrincipalName": "pat@contoso.example" },
                "role": "Privileged Authentication Administrator",
                "sandbox": true
            })
        );
    }
}
