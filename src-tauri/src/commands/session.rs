//! Who is signed in, the start-up status, "Try the sandbox tenant" and sign-out.

use tauri::State;

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

#[tauri::command]
pub async fn use_sandbox(state: State<'_, AppState>) -> Result<SessionInfo, IpcError> {
    state.use_sandbox().await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    state.sign_out().await
}
