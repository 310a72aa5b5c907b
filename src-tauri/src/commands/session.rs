//! Who is signed in, for the header.

use tauri::State;

use crate::ipc::{IpcError, SessionInfo};
use crate::state::AppState;

#[tauri::command]
pub async fn session_info(state: State<'_, AppState>) -> Result<SessionInfo, IpcError> {
    Ok(state.connection().await?.info().clone())
}
