//! The user panel: one user's overview, a phone's live check, edits, Temporary Access Passes,
//! removals and re-registration, and the audit log. Each command makes one prestage-core call.

use std::path::PathBuf;

use prestage_core::audit::AuditLog;
use prestage_core::fixes::{self, TapChoice};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::ipc::user::{
    method_kind, AuditRow, EditRequest, OutcomeInfo, PhoneCheckInfo, PhoneSlot, TapInfo,
    TapRequestInfo, UserDetail,
};
use crate::ipc::IpcError;
use crate::state::AppState;

/// The app's data dir (`PRESTAGE_DATA_DIR` wins, as for the CLI): where the audit log lives.
fn data_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, IpcError> {
    match std::env::var_os("PRESTAGE_DATA_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => app
            .path()
            .app_data_dir()
            .map_err(|e| IpcError::internal(format!("Prestage found no data directory: {e}"))),
    }
}

fn audit_log<R: Runtime>(app: &AppHandle<R>) -> Result<AuditLog, IpcError> {
    Ok(AuditLog::in_dir(&data_dir(app)?))
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
pub async fn apply_user_edit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    user_id: String,
    edit: EditRequest,
    region: Option<String>,
) -> Result<OutcomeInfo, IpcError> {
    let connection = state.connection().await?;
    let edit = edit.try_into()?;
    let log = audit_log(&app)?;
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
pub async fn issue_tap<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    user_id: String,
    choice: TapRequestInfo,
) -> Result<TapInfo, IpcError> {
    let connection = state.connection().await?;
    let choice: TapChoice = choice.try_into()?;
    let log = audit_log(&app)?;
    Ok(
        fixes::issue_tap(connection.session(), &log, &user_id, &choice)
            .await?
            .into(),
    )
}

#[tauri::command]
pub async fn remove_user_method<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    user_id: String,
    kind: String,
    method_id: String,
) -> Result<OutcomeInfo, IpcError> {
    let connection = state.connection().await?;
    let kind = method_kind(&kind)?;
    let log = audit_log(&app)?;
    Ok(
        fixes::remove_method(connection.session(), &log, &user_id, &kind, &method_id)
            .await?
            .into(),
    )
}

#[tauri::command]
pub async fn require_reregistration<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    user_id: String,
) -> Result<OutcomeInfo, IpcError> {
    let connection = state.connection().await?;
    let log = audit_log(&app)?;
    Ok(
        fixes::require_reregistration(connection.session(), &log, &user_id)
            .await?
            .into(),
    )
}

/// Every audited write, newest first.
#[tauri::command]
pub fn audit_entries<R: Runtime>(app: AppHandle<R>) -> Result<Vec<AuditRow>, IpcError> {
    let entries = audit_log(&app)?
        .read()
        .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(entries.into_iter().rev().map(AuditRow::from).collect())
}

/// Writes the audit log as CSV to the Downloads folder (else the data dir); returns the path.
#[tauri::command]
pub fn export_audit<R: Runtime>(app: AppHandle<R>) -> Result<String, IpcError> {
    let dir = app.path().download_dir().or_else(|_| data_dir(&app))?;
    let path = audit_log(&app)?
        .export_csv(&dir)
        .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(path.display().to_string())
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
