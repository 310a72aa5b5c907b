//! The tenant report: make it (rows streamed through a channel), refresh selected rows live,
//! export all or the selected rows as CSV (save dialog). Thin adapters over
//! [`crate::report_state::ReportState`].

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::import_files::save_as;
use crate::import_state::write;
use crate::ipc::{IpcError, ReportDone, ReportMessage, ReportRowInfo};
use crate::report_state::ReportState;
use crate::state::AppState;

#[tauri::command]
pub async fn report_run(
    state: State<'_, AppState>,
    report: State<'_, ReportState>,
    source: String,
    on_event: Channel<ReportMessage>,
) -> Result<ReportDone, IpcError> {
    report
        .run(&state, &source, |m| {
            let _ = on_event.send(m);
        })
        .await
}

#[tauri::command]
pub async fn report_refresh(
    state: State<'_, AppState>,
    report: State<'_, ReportState>,
    ids: Vec<String>,
) -> Result<Vec<ReportRowInfo>, IpcError> {
    report.refresh(&state, &ids).await
}

/// Adds the per-user MFA column: every row's state, one read per user.
#[tauri::command]
pub async fn report_mfa_state(
    state: State<'_, AppState>,
    report: State<'_, ReportState>,
) -> Result<Vec<ReportRowInfo>, IpcError> {
    report.per_user_mfa(&state).await
}

/// Saves the rows `ids` (every row when empty) as CSV; the file name, `null` if cancelled.
#[tauri::command]
pub async fn report_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    report: State<'_, ReportState>,
    ids: Vec<String>,
) -> Result<Option<String>, IpcError> {
    let (bytes, name) = report.export(&state, &ids).await?;
    match save_as(&app, &name).await {
        Some(path) => write(&path, &bytes).map(Some),
        None => Ok(None),
    }
}
