//! Embeds tauri.conf.json, the capabilities and the UI, and generates an `allow-*` permission per
//! app command so capabilities/default.json can grant exactly the commands the webview needs.

const COMMANDS: &[&str] = &[
    "list_users",
    "report_run",
    "report_refresh",
    "report_mfa_state",
    "report_export",
    "campaign_list",
    "campaign_create",
    "campaign_status",
    "campaign_preview",
    "campaign_run",
    "campaign_recover",
    "campaign_control",
    "campaign_save_passes",
    "campaign_undo",
    "campaign_policy",
    "sandbox_register",
    "user_overview",
    "user_mfa_state",
    "set_user_mfa_state",
    "why_asked",
    "check_phone",
    "apply_user_edit",
    "issue_tap",
    "remove_user_method",
    "require_reregistration",
    "audit_entries",
    "export_audit",
    "session_info",
    "app_status",
    "use_sandbox",
    "sign_out",
    "startup_mark",
    "sign_in_browser",
    "sign_in_device_start",
    "sign_in_device_finish",
    "cancel_sign_in",
    "save_setup",
    "admin_consent_link",
    "open_admin_consent",
    "import_settings",
    "import_pick_file",
    "import_preview",
    "import_find_groups",
    "import_directory_preview",
    "import_map_header",
    "import_apply",
    "import_control",
    "import_runs",
    "import_resume_run",
    "import_undo_preview",
    "import_undo_run",
    "import_export_results",
    "import_save_template",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
