//! Who is signed in, the start-up status, "Try the sandbox tenant" and sign-out.

use tauri::State;

use crate::import_state::ImportState;
use crate::ipc::{AppStatus, IpcError, SessionInfo};
use crate::state::AppState;

#[tauri::command]
pub async fn session_info(state: State<'_, AppState>) -> Result<SessionInfo, IpcError> {
    Ok(state.connection().await?.info().clone())
}

/// Signed in (silently, at start-up) or what the sign-in screen should offer.
#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    state.status().await
}

/// Signs the real account out first (see `AppState::use_sandbox`); imports under way stop.
#[tauri::command]
pub async fn use_sandbox(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
) -> Result<SessionInfo, IpcError> {
    import.stop_all();
    state.use_sandbox().await
}

/// Final: imports under way stop, the stored sign-in is deleted, later rotations are not saved.
#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
) -> Result<AppStatus, IpcError> {
    import.stop_all();
    state.sign_out().await
}

/// The first screen the webview shows can take input (for the start-up benchmark; a no-op
/// unless `PRESTAGE_STARTUP_MARKS=1`).
#[tauri::command]
pub fn startup_mark(marks: State<'_, crate::startup::StartupMarks>, name: String) {
    marks.webview_mark(&name);
}
