//! The user panel: one user's overview, a phone's live check, edits, Temporary Access Passes,
//! removals and re-registration, and the audit log. Each command makes one prestage-core call.

use prestage_core::audit::{audit_csv, export_file_name, AuditLog};
use prestage_core::fixes::{self, TapChoice};
use prestage_core::mfa_state;
use tauri::{AppHandle, Runtime, State};

use crate::import_files::save_as;
use crate::import_state::write;

use crate::ipc::mfa_state::{MfaChangeInfo, MfaStateInfo};
use crate::ipc::user::{
    method_kind, AuditRow, EditRequest, OutcomeInfo, PhoneCheckInfo, PhoneSlot, TapInfo,
    TapRequestInfo, UserDetail,
};
use crate::ipc::{DiagnosisInfo, IpcError};
use crate::state::AppState;

/// The audit log in the data dir (the same one the CLI appends to).
fn audit_log(state: &AppState) -> Result<AuditLog, IpcError> {
    Ok(AuditLog::in_dir(&state.places()?.data_dir))
}

#[tauri::command]
pub async fn user_overview(
    state: State<'_, AppState>,
    user_id: String,
) -> Result<UserDetail, IpcError> {
    let connection = state.connection().await?;
    Ok(fixes::user_overview(connection.session(), &user_id)
        .await?
        .into())
}

/// The user's per-user MFA state, the tenant's security defaults and Conditional Access, and
/// the states this admin may pick.
#[tauri::command]
pub async fn user_mfa_state(
    state: State<'_, AppState>,
    user_id: String,
) -> Result<MfaStateInfo, IpcError> {
    let connection = state.connection().await?;
    Ok(mfa_state::read(connection.session(), &user_id)
        .await?
        .into())
}

/// Sets the per-user MFA state (asks for the write permission the first time).
#[tauri::command]
pub async fn set_user_mfa_state(
    state: State<'_, AppState>,
    user_id: String,
    mfa_state: String,
) -> Result<MfaChangeInfo, IpcError> {
    let connection = state.connection().await?;
    let wanted = mfa_state.parse().map_err(|e: prestage_core::GraphError| {
        IpcError::invalid(Some("mfaState"), e.to_string())
    })?;
    let log = audit_log(&state)?;
    Ok(mfa_state::set(connection.session(), &log, &user_id, wanted)
        .await?
        .into())
}

/// Why the user is still asked to register: every reason, read from the tenant.
#[tauri::command]
pub async fn why_asked(
    state: State<'_, AppState>,
    user_id: String,
) -> Result<DiagnosisInfo, IpcError> {
    let connection = state.connection().await?;
    Ok(
        prestage_core::why_asked::why_asked(connection.session(), &user_id)
            .await?
            .into(),
    )
}

/// What a phone editor will send (no Graph call).
#[tauri::command]
pub fn check_phone(
    input: String,
    region: Option<String>,
    phone_type: Option<PhoneSlot>,
) -> PhoneCheckInfo {
    fixes::check_phone(&input, region.as_deref(), phone_type.map(Into::into)).into()
}

#[tauri::command]
pub async fn apply_user_edit(
    state: State<'_, AppState>,
    user_id: String,
    edit: EditRequest,
    region: Option<String>,
) -> Result<OutcomeInfo, IpcError> {
    let connection = state.connection().await?;
    let edit = edit.try_into()?;
    let log = audit_log(&state)?;
    Ok(fixes::apply_edit(
        connection.session(),
        &log,
        &user_id,
        &edit,
        region.as_deref(),
    )
    .await?
    .into())
}

#[tauri::command]
pub async fn issue_tap(
    state: State<'_, AppState>,
    user_id: String,
    choice: TapRequestInfo,
) -> Result<TapInfo, IpcError> {
    let connection = state.connection().await?;
    let choice: TapChoice = choice.try_into()?;
    let log = audit_log(&state)?;
    Ok(
        fixes::issue_tap(connection.session(), &log, &user_id, &choice)
            .await?
            .into(),
    )
}

#[tauri::command]
pub async fn remove_user_method(
    state: State<'_, AppState>,
    user_id: String,
    kind: String,
    method_id: String,
) -> Result<OutcomeInfo, IpcError> {
    let connection = state.connection().await?;
    let kind = method_kind(&kind)?;
    let log = audit_log(&state)?;
    Ok(
        fixes::remove_method(connection.session(), &log, &user_id, &kind, &method_id)
            .await?
            .into(),
    )
}

#[tauri::command]
pub async fn require_reregistration(
    state: State<'_, AppState>,
    user_id: String,
) -> Result<OutcomeInfo, IpcError> {
    let connection = state.connection().await?;
    let log = audit_log(&state)?;
    Ok(
        fixes::require_reregistration(connection.session(), &log, &user_id)
            .await?
            .into(),
    )
}

/// Every audited write, newest first.
#[tauri::command]
pub fn audit_entries(state: State<'_, AppState>) -> Result<Vec<AuditRow>, IpcError> {
    let entries = audit_log(&state)?
        .read()
        .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(entries.into_iter().rev().map(AuditRow::from).collect())
}

/// Saves the audit log as CSV through the save dialog, like the import's saves; resolves to
/// the file name, `null` if cancelled.
#[tauri::command]
pub async fn export_audit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, IpcError> {
    let entries = audit_log(&state)?
        .read()
        .map_err(|e| IpcError::internal(e.to_string()))?;
    match save_as(&app, &export_file_name()).await {
        Some(path) => write(&path, &audit_csv(&entries)).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::launch::Launch;
    use crate::state::AppState;
    use crate::tests::{app, invoke, memory};

    /// The panel's read-only commands over IPC against the in-process sandbox tenant.
    #[test]
    fn the_user_panel_reads_a_user_and_checks_numbers_over_ipc() {
        let (_app, webview) = app(AppState::new(Ok(Launch::sandbox(Some(30))), memory()));
        let rows = invoke(&webview, "list_users", json!({ "query": "" })).unwrap();
        let id = rows[7]["id"].as_str().unwrap().to_string();
        let detail = invoke(&webview, "user_overview", json!({ "userId": id })).unwrap();
        assert_eq!(detail["id"], id.as_str());
        assert_eq!(detail["defaultRegion"], "US");
        assert_eq!(detail["actions"]["phones"].as_array().unwrap().len(), 3);
        assert!(detail["methods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "password"));
        assert_eq!(detail["registration"]["available"], false);

        let check = invoke(
            &webview,
            "check_phone",
            json!({ "input": "07400 123456", "region": "GB", "phoneType": "mobile" }),
        )
        .unwrap();
        assert_eq!(check["number"], "+44 7400123456");
        let ext = invoke(
            &webview,
            "check_phone",
            json!({ "input": "+1 425 555 0100 x12", "region": null, "phoneType": "mobile" }),
        )
        .unwrap();
        assert!(ext["problem"].as_str().unwrap().contains("office phone"));

        let refused = invoke(
            &webview,
            "apply_user_edit",
            json!({ "userId": id, "edit": { "action": "setPhone", "phoneType": "mobile", "input": "garbage" }, "region": "US" }),
        )
        .unwrap_err();
        assert_eq!(
            refused["kind"], "invalidInput",
            "bad input is not a bug: {refused}"
        );
        assert!(refused["message"]
            .as_str()
            .unwrap()
            .contains("not a phone number"));
    }
}
