//! The CSV import: choose the file (dialog; drops arrive through the window event), preview it
//! with rows streamed through a channel, apply the ticked rows with progress through a channel,
//! pause / resume / cancel, export results, the template, and runs (list, resume, undo).
//! Thin adapters over [`crate::import_state::ImportState`]; the webview never names a path.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::import_files::{pick_csv, save_as};
use crate::import_state::{write, ImportState};
use crate::ipc::{
    ChosenFile, ColumnId, DirectoryDone, DirectoryOptions, GroupInfo, ImportSettings, IpcError,
    PreviewDone, PreviewOptions, RowInfo, RunControl, RunDone, RunEvent, RunsInfo, UndoPreviewInfo,
};
use crate::state::AppState;

/// The run journals' dir, shared with the CLI (`prestage_core::places`).
fn runs_dir(state: &AppState) -> Result<PathBuf, IpcError> {
    Ok(state.places()?.runs_dir())
}

#[tauri::command]
pub async fn import_settings(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
) -> Result<ImportSettings, IpcError> {
    import.settings(&state).await
}

/// The native open dialog; `null` when the person cancels.
#[tauri::command]
pub async fn import_pick_file<R: Runtime>(
    app: AppHandle<R>,
    import: State<'_, ImportState>,
) -> Result<Option<ChosenFile>, IpcError> {
    Ok(pick_csv(&app).await.map(|path| import.choose(path)))
}

#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    options: PreviewOptions,
    on_rows: Channel<Vec<RowInfo>>,
) -> Result<PreviewDone, IpcError> {
    import
        .preview(&state, options, |rows| {
            let _ = on_rows.send(rows);
        })
        .await
}

/// Groups for the Directory tab's scope picker (name contains `text`, or the id).
#[tauri::command]
pub async fn import_find_groups(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    text: String,
) -> Result<Vec<GroupInfo>, IpcError> {
    import.find_groups(&state, &text).await
}

/// A directory preview: one row per user of the scope, from their own attributes.
#[tauri::command]
pub async fn import_directory_preview(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    options: DirectoryOptions,
    on_rows: Channel<Vec<RowInfo>>,
) -> Result<DirectoryDone, IpcError> {
    import
        .preview_directory(&state, options, |rows| {
            let _ = on_rows.send(rows);
        })
        .await
}

/// Remembers which column `header` means (`null` forgets it); preview again to see it applied.
#[tauri::command]
pub fn import_map_header(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    header: String,
    column: Option<ColumnId>,
) -> Result<(), IpcError> {
    import.map_header(&state, &header, column.map(Into::into))
}

#[tauri::command]
pub async fn import_apply(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    preview_id: u64,
    lines: Vec<usize>,
    on_event: Channel<RunEvent>,
) -> Result<RunDone, IpcError> {
    let dir = runs_dir(&state)?;
    import
        .apply(&state, dir, preview_id, &lines, move |e| {
            let _ = on_event.send(e);
        })
        .await
}

#[tauri::command]
pub fn import_control(import: State<'_, ImportState>, action: RunControl) {
    import.control(action);
}

#[tauri::command]
pub async fn import_runs(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
) -> Result<RunsInfo, IpcError> {
    import.runs(&state, &runs_dir(&state)?).await
}

#[tauri::command]
pub async fn import_resume_run(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    run: String,
    on_event: Channel<RunEvent>,
) -> Result<RunDone, IpcError> {
    let dir = runs_dir(&state)?;
    import
        .resume(&state, dir, run, move |e| {
            let _ = on_event.send(e);
        })
        .await
}

/// What undoing a run would write now; nothing is written.
#[tauri::command]
pub async fn import_undo_preview(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    run: String,
) -> Result<UndoPreviewInfo, IpcError> {
    import.undo_preview(&state, runs_dir(&state)?, run).await
}

#[tauri::command]
pub async fn import_undo_run(
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
    run: String,
    on_event: Channel<RunEvent>,
) -> Result<RunDone, IpcError> {
    let dir = runs_dir(&state)?;
    import
        .undo(&state, dir, run, move |e| {
            let _ = on_event.send(e);
        })
        .await
}

/// Saves the last run's results (save dialog); resolves to the file name, `null` if cancelled.
#[tauri::command]
pub async fn import_export_results<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    import: State<'_, ImportState>,
) -> Result<Option<String>, IpcError> {
    let (bytes, name) = import.results(&state).await?;
    match save_as(&app, &name).await {
        Some(path) => write(&path, &bytes).map(Some),
        None => Ok(None),
    }
}

/// Saves the CSV template (save dialog); resolves to the file name, `null` if cancelled.
#[tauri::command]
pub async fn import_save_template<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Option<String>, IpcError> {
    let (bytes, name) = ImportState::template();
    match save_as(&app, name).await {
        Some(path) => write(&path, &bytes).map(Some),
        None => Ok(None),
    }
}
