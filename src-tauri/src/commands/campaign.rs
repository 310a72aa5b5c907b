//! The campaign screen: make a campaign from the report, see where everyone is, preview and run
//! each step (progress through a channel), save the passes once (save dialog), undo a run, read
//! the policy context, and — on the sandbox only — play a user registering with their pass.
//! Thin adapters over [`crate::campaign_state::CampaignState`].

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::campaign_state::{CampaignState, StepRequest};
use crate::import_files::save_as;
use crate::import_state::write;
use crate::ipc::{CampaignInfo, IpcError, PolicyInfo, ProgressInfo, StepDone, StepPreviewInfo};
use crate::report_state::ReportState;
use crate::state::AppState;

#[tauri::command]
pub fn campaign_list(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
) -> Result<Vec<String>, IpcError> {
    campaigns.list(&state)
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn campaign_create(
    state: State<'_, AppState>,
    report: State<'_, ReportState>,
    campaigns: State<'_, CampaignState>,
    name: String,
    tile: Option<String>,
    ids: Vec<String>,
    exclusion_group: Option<String>,
) -> Result<CampaignInfo, IpcError> {
    campaigns
        .create(
            &state,
            report.rows(),
            &name,
            tile.as_deref(),
            &ids,
            exclusion_group.as_deref(),
        )
        .await
}

#[tauri::command]
pub async fn campaign_status(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    name: String,
) -> Result<CampaignInfo, IpcError> {
    campaigns.status(&state, &name).await
}

#[tauri::command]
pub async fn campaign_preview(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    name: String,
    request: StepRequest,
) -> Result<StepPreviewInfo, IpcError> {
    campaigns.preview(&state, &name, &request).await
}

#[tauri::command]
pub async fn campaign_run(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    name: String,
    preview_id: u64,
    confirm: Option<usize>,
    on_progress: Channel<ProgressInfo>,
) -> Result<StepDone, IpcError> {
    campaigns
        .run(&state, &name, preview_id, confirm, move |p| {
            let _ = on_progress.send(p);
        })
        .await
}

#[tauri::command]
pub async fn campaign_recover(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    name: String,
    on_progress: Channel<ProgressInfo>,
) -> Result<StepDone, IpcError> {
    campaigns
        .recover(&state, &name, move |p| {
            let _ = on_progress.send(p);
        })
        .await
}

#[tauri::command]
pub fn campaign_control(
    campaigns: State<'_, CampaignState>,
    action: String,
) -> Result<(), IpcError> {
    campaigns.control(&action)
}

/// Saves the waiting passes once, through the save dialog; the file name, `null` if cancelled.
#[tauri::command]
pub async fn campaign_save_passes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    name: String,
    tz: String,
) -> Result<Option<String>, IpcError> {
    let (bytes, file, _) = campaigns.passes_csv(&name, &tz)?;
    let Some(path) = save_as(&app, &file).await else {
        return Ok(None);
    };
    let saved = write(&path, &bytes)?;
    campaigns.delivered(&state, &name).await?;
    Ok(Some(saved))
}

#[tauri::command]
pub async fn campaign_undo(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    name: String,
    run: String,
    on_progress: Channel<ProgressInfo>,
) -> Result<StepDone, IpcError> {
    campaigns
        .undo(&state, &name, &run, move |p| {
            let _ = on_progress.send(p);
        })
        .await
}

#[tauri::command]
pub async fn campaign_policy(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
) -> Result<PolicyInfo, IpcError> {
    campaigns.policy(&state).await
}

#[tauri::command]
pub async fn sandbox_register(
    state: State<'_, AppState>,
    campaigns: State<'_, CampaignState>,
    user: String,
    method: String,
    pass: String,
) -> Result<(), IpcError> {
    campaigns
        .sandbox_register(&state, &user, &method, &pass)
        .await
}
