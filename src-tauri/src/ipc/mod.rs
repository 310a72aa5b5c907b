//! The contract with the webview: the DTOs the UI reads and the one error enum it can receive.
//! JSON is camelCase; errors are tagged by `kind`. Nothing here may ever hold a token.
//! Core types are converted here so a rename in the core cannot silently change this contract.

mod campaign;
mod import;
pub mod mfa_state;
mod report;
mod session;
pub mod user;
mod users;
mod why_asked;

pub use campaign::{CampaignInfo, PolicyInfo, RecoveryInfo, StepDone, StepPreviewInfo};
pub use import::{
    CannotUndoInfo, ChangeInfo, ChosenFile, ColumnId, ColumnInfo, CountsInfo, DirectoryDone,
    DirectoryOptions, FileInfo, GroupInfo, ImportSettings, PreviewDone, PreviewOptions,
    ProgressInfo, RowEndInfo, RowInfo, RowResultInfo, RunControl, RunDone, RunEvent, RunInfoRow,
    RunsInfo, UndoPreviewInfo,
};
pub use report::{ReportDone, ReportMessage, ReportRowInfo, SourceDto, TileInfo};
pub use session::{
    AccountInfo, AppStatus, DeviceCodeInfo, PowersInfo, RememberedInfo, SessionInfo, SetupInfo,
};
pub use users::{UserRow, UserSource, UserType};
pub use why_asked::DiagnosisInfo;

use prestage_core::auth::AuthError;
use prestage_core::settings::SettingsError;
use prestage_core::{CoreError, GraphError};
use serde::Serialize;

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
    /// A sign-in failed; `message` says what to do, `aadsts` is the identity platform's code.
    /// The UI stays on the sign-in screen and shows the message.
    #[error("{message}")]
    SignInFailed {
        message: String,
        aadsts: Option<u32>,
    },
    /// The person cancelled the sign-in: the UI returns to the sign-in screen quietly.
    #[error("The sign-in was cancelled.")]
    SignInCancelled,
    /// The OS keychain is locked or missing: the UI says how to fix it.
    #[error("{message}")]
    Keychain { message: String },
    /// A setup field is wrong; the UI marks `field` (`clientId`, `tenant` or `settings`).
    #[error("{message}")]
    InvalidSetup { field: String, message: String },
    /// The import file cannot be read at all; the import screen shows the message by the file.
    #[error("{message}")]
    InvalidCsv {
        line: Option<usize>,
        message: String,
    },
    /// The tenant report cannot be made for this role or tenant: the Report tab shows the
    /// message in place of the table.
    #[error("{message}")]
    ReportUnavailable { message: String },
    /// A rule refuses the request (a second undo of a run, a run held by another window, a
    /// journal of another tenant, Graph's own rules, the role): shown as a refusal, not a bug.
    #[error("{message}")]
    Refused { message: String },
    /// What the person entered cannot be used; `field` names it when one field is at fault.
    #[error("{message}")]
    InvalidInput {
        field: Option<String>,
        message: String,
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

    /// A rule refuses the request.
    pub fn refused(message: impl Into<String>) -> Self {
        Self::Refused {
            message: message.into(),
        }
    }

    /// Input that cannot be used, optionally naming the field.
    pub fn invalid(field: Option<&str>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    /// A sign-in's failure. Unlike a Graph call mid-run, an expired session here is a message
    /// to show on the sign-in screen ("Your session has expired; sign in again.").
    pub fn from_sign_in(error: CoreError) -> Self {
        match error {
            CoreError::Auth(AuthError::SessionExpired) => Self::SignInFailed {
                message: AuthError::SessionExpired.to_string(),
                aadsts: None,
            },
            other => other.into(),
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
        if let GraphError::Auth(auth) = error {
            return auth.into();
        }
        Self::Graph {
            status: error.status(),
            code: error.code().to_owned(),
            message: error.message(),
            request_id: error.request_id().map(str::to_owned),
        }
    }
}

impl From<AuthError> for IpcError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::SessionExpired | AuthError::SignedOut => Self::NotSignedIn,
            AuthError::Cancelled => Self::SignInCancelled,
            AuthError::Keychain(store) => Self::Keychain {
                message: store.to_string(),
            },
            AuthError::Rejected { aadsts, .. } => Self::SignInFailed {
                message: error.to_string(),
                aadsts,
            },
            other => Self::SignInFailed {
                message: other.to_string(),
                aadsts: None,
            },
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Graph(graph) => graph.into(),
            CoreError::Auth(auth) => auth.into(),
        }
    }
}

impl From<SettingsError> for IpcError {
    fn from(error: SettingsError) -> Self {
        let field = match error {
            SettingsError::ClientId => "clientId",
            SettingsError::Tenant => "tenant",
            SettingsError::Url { .. }
            | SettingsError::File { .. }
            | SettingsError::Endpoint(_)
            | SettingsError::SandboxNotLocal(_) => "settings",
        };
        Self::InvalidSetup {
            field: field.into(),
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prestage_core::auth::StoreError;
    use serde_json::json;

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
                IpcError::SignInFailed {
                    message: "Ask for consent.".into(),
                    aadsts: Some(65001),
                },
                json!({ "kind": "signInFailed", "message": "Ask for consent.", "aadsts": 65001 }),
            ),
            (
                IpcError::SignInCancelled,
                json!({ "kind": "signInCancelled" }),
            ),
            (
                IpcError::Keychain {
                    message: "Unlock it.".into(),
                },
                json!({ "kind": "keychain", "message": "Unlock it." }),
            ),
            (
                IpcError::InvalidSetup {
                    field: "clientId".into(),
                    message: "A GUID.".into(),
                },
                json!({ "kind": "invalidSetup", "field": "clientId", "message": "A GUID." }),
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
    fn sign_in_failures_keep_their_advice_and_code() {
        let consent = AuthError::rejected("invalid_grant", Some("AADSTS65001: no consent"));
        let e = IpcError::from(CoreError::Auth(consent));
        assert!(
            matches!(&e, IpcError::SignInFailed { aadsts: Some(65001), message } if message.contains("admin-consent link")),
            "{e:?}"
        );
        let locked = IpcError::from(CoreError::Auth(AuthError::Keychain(StoreError::Locked)));
        assert!(matches!(locked, IpcError::Keychain { .. }));
        assert_eq!(
            IpcError::from(CoreError::Auth(AuthError::Cancelled)),
            IpcError::SignInCancelled
        );
        assert_eq!(
            IpcError::from(CoreError::Auth(AuthError::SessionExpired)),
            IpcError::NotSignedIn
        );
        assert!(matches!(
            IpcError::from_sign_in(CoreError::Auth(AuthError::SessionExpired)),
            IpcError::SignInFailed { message, .. } if message.contains("sign in again")
        ));
        assert!(matches!(
            IpcError::from(SettingsError::Tenant),
            IpcError::InvalidSetup { field, .. } if field == "tenant"
        ));
    }
}
