//! Interactive sign-in: system browser + loopback, device code, cancel. The tokens stay in Rust;
//! the webview gets who signed in, or a device code to show.

use tauri::{AppHandle, Runtime, State};

use crate::ipc::{DeviceCodeInfo, IpcError, SessionInfo};
use crate::state::AppState;

#[tauri::command]
pub async fn sign_in_browser<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<SessionInfo, IpcError> {
    state.sign_in_browser(&app).await
}

#[tauri::command]
pub async fn sign_in_device_start(state: State<'_, AppState>) -> Result<DeviceCodeInfo, IpcError> {
    state.device_start().await
}

#[tauri::command]
pub async fn sign_in_device_finish(state: State<'_, AppState>) -> Result<SessionInfo, IpcError> {
    state.device_finish().await
}

#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>) {
    state.cancel_sign_in();
}
