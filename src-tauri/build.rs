//! Embeds tauri.conf.json, the capabilities and the UI, and generates an `allow-*` permission per
//! app command so capabilities/default.json can grant exactly the commands the webview needs.

const COMMANDS: &[&str] = &[
    "list_users",
    "session_info",
    "app_status",
    "use_sandbox",
    "sign_out",
    "sign_in_browser",
    "sign_in_device_start",
    "sign_in_device_finish",
    "cancel_sign_in",
    "save_setup",
    "admin_consent_link",
    "open_admin_consent",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
