//! The first-run setup screen: save the app registration, make the admin-consent link.

use tauri::{AppHandle, Runtime, State};

use crate::ipc::{AppStatus, IpcError};
use crate::state::AppState;

#[tauri::command]
pub async fn save_setup(
    state: State<'_, AppState>,
    client_id: String,
    tenant: String,
    device_code: bool,
) -> Result<AppStatus, IpcError> {
    state.save_setup(&client_id, &tenant, device_code).await
}

#[tauri::command]
pub fn admin_consent_link(
    state: State<'_, AppState>,
    client_id: String,
    tenant: String,
) -> Result<String, IpcError> {
    state.admin_consent_link(&client_id, &tenant)
}

#[tauri::command]
pub fn open_admin_consent<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    client_id: String,
    tenant: String,
) -> Result<String, IpcError> {
    state.open_admin_consent(&app, &client_id, &tenant)
}
