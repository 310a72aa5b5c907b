//! Embeds tauri.conf.json, the capabilities and the UI, and generates an `allow-*` permission per
//! app command so capabilities/default.json can grant exactly the commands the webview needs.

const COMMANDS: &[&str] = &["list_users", "session_info"];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
