//! prestage-app: the desktop shell — wiring only. It registers state, the opener, dialog and
//! updater plugins (used by Rust only: the webview gets no permission for them) and commands,
//! and starts connecting at launch; behaviour lives in prestage-core. No token ever crosses to the webview.

mod browser;
mod campaign_state;
mod commands;
mod import_directory;
mod import_files;
mod import_state;
pub mod ipc;
pub mod launch;
mod report_state;
pub mod startup;
pub mod state;
#[cfg(test)]
mod test_env;
mod updates;
#[cfg(target_os = "linux")]
mod webview_gpu;

use std::sync::Arc;

use prestage_core::auth::{KeyringStore, KEYCHAIN_SERVICE};
use tauri::{Manager, Runtime};

pub use crate::browser::Browser;
use crate::launch::Launch;
use crate::state::AppState;

/// Runs the app until its last window closes.
pub fn run() {
    let marks = startup::StartupMarks::from_env(std::time::Instant::now());
    #[cfg(target_os = "linux")]
    let renderer = webview_gpu::detect();
    #[cfg(target_os = "linux")]
    webview_gpu::prepare(renderer);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tao=warn,wry=warn".into()),
        )
        .init();
    let launch = Launch::from_env(std::env::args(), |name| std::env::var(name).ok());
    let service = launch
        .as_ref()
        .map_or(KEYCHAIN_SERVICE, |l| l.places.keychain_service.as_str());
    let store = Arc::new(KeyringStore::with_service(service));
    let updates = updates::decide(launch.as_ref().ok(), tauri::utils::platform::bundle_type());
    // The updater is driven from Rust only (updates.rs); the webview gets no permission for it.
    let app = builder(tauri::Builder::default(), AppState::new(launch, store));
    #[cfg(target_os = "linux")]
    let app = app.plugin(webview_gpu::plugin(renderer));
    let app = app
        .manage(marks)
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                webview.state::<startup::StartupMarks>().mark("page-loaded");
            }
        })
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            updates::start(app.handle(), updates);
            app.run(|_, _| {});
        }
        Err(error) => {
            tracing::error!("Prestage stopped: {error}");
            std::process::exit(1);
        }
    }
}

/// The app's state, commands and startup, on any runtime (tests use `tauri::test::mock_builder`).
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(import_state::ImportState::default())
        .manage(report_state::ReportState::default())
        .manage(campaign_state::CampaignState::default())
        .on_window_event(import_files::on_window_event)
        .setup(|app| {
            // Tauri has built the windows of tauri.conf.json just before this hook.
            if let Some(marks) = app.try_state::<startup::StartupMarks>() {
                marks.mark("built");
            }
            // Load the numbering-plan database off the UI path before the first CSV arrives.
            std::thread::spawn(prestage_core::phone::warm_up);
            // Resume the remembered sign-in while the window loads; commands wait for it.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<AppState>().ensure_started().await;
                if let Some(marks) = handle.try_state::<startup::StartupMarks>() {
                    marks.mark("connected");
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::users::list_users,
            commands::report::report_run,
            commands::report::report_refresh,
            commands::report::report_mfa_state,
            commands::report::report_export,
            commands::campaign::campaign_list,
            commands::campaign::campaign_create,
            commands::campaign::campaign_status,
            commands::campaign::campaign_preview,
            commands::campaign::campaign_run,
            commands::campaign::campaign_recover,
            commands::campaign::campaign_control,
            commands::campaign::campaign_save_passes,
            commands::campaign::campaign_undo,
            commands::campaign::campaign_policy,
            commands::campaign::sandbox_register,
            commands::user::user_overview,
            commands::user::user_mfa_state,
            commands::user::set_user_mfa_state,
            commands::user::why_asked,
            commands::user::check_phone,
            commands::user::apply_user_edit,
            commands::user::issue_tap,
            commands::user::remove_user_method,
            commands::user::require_reregistration,
            commands::user::audit_entries,
            commands::user::export_audit,
            commands::session::session_info,
            commands::session::app_status,
            commands::session::use_sandbox,
            commands::session::sign_out,
            commands::session::startup_mark,
            commands::signin::sign_in_browser,
            commands::signin::sign_in_device_start,
            commands::signin::sign_in_device_finish,
            commands::signin::cancel_sign_in,
            commands::setup::save_setup,
            commands::setup::admin_consent_link,
            commands::setup::open_admin_consent,
            commands::import::import_settings,
            commands::import::import_pick_file,
            commands::import::import_preview,
            commands::import::import_find_groups,
            commands::import::import_directory_preview,
            commands::import::import_map_header,
            commands::import::import_apply,
            commands::import::import_control,
            commands::import::import_runs,
            commands::import::import_resume_run,
            commands::import::import_undo_preview,
            commands::import::import_undo_run,
            commands::import::import_export_results,
            commands::import::import_save_template,
        ])
}

#[cfg(test)]
mod tests;
