//! The shell's commands through the mock runtime: the real handlers and capabilities, the JSON
//! the webview receives. Sign-in flows against a sandbox tenant are in `signin.rs`.

mod signin;

use std::sync::Arc;

use prestage_core::auth::MemoryStore;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

use crate::launch::Launch;
use crate::state::AppState;
use crate::{builder, ipc};

pub(crate) type Webview = tauri::WebviewWindow<tauri::test::MockRuntime>;

/// The app on the mock runtime with `state`, and its main webview.
pub(crate) fn app(state: AppState) -> (tauri::App<tauri::test::MockRuntime>, Webview) {
    let app = builder(mock_builder(), state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

pub(crate) fn memory() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::default())
}

pub(crate) fn invoke(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().unwrap())
}

/// The real handlers, capabilities and sandbox tenant behind the mock runtime: the JSON the
/// webview receives.
#[test]
fn commands_answer_over_ipc() {
    let state = AppState::new(Ok(Launch::sandbox(Some(30))), memory());
    let (_app, webview) = app(state);

    let info = invoke(&webview, "session_info", json!({})).unwrap();
    assert_eq!(info["sandbox"], true);
    assert_eq!(info["role"], "Privileged Authentication Administrator");
    assert!(info["account"]["displayName"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    assert!(info.get("accessToken").is_none());
    assert_eq!(info["powers"]["changesAnyUser"], true);
    assert_eq!(info["powers"]["canReadReports"], false);
    assert!(info["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("Privileged Authentication Administrator")));

    let rows = invoke(&webview, "list_users", json!({ "query": "" })).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 30);
    for key in [
        "id",
        "displayName",
        "userPrincipalName",
        "source",
        "userType",
    ] {
        assert!(rows[0].get(key).is_some(), "missing {key} in {}", rows[0]);
    }

    let name = rows[7]["displayName"].as_str().unwrap();
    let word = name.split_whitespace().next().unwrap();
    let found = invoke(&webview, "list_users", json!({ "query": word })).unwrap();
    let found = found.as_array().unwrap();
    assert!(
        !found.is_empty() && found.len() < rows.len(),
        "{word}: {}",
        found.len()
    );
}

/// capabilities/default.json grants the app's own commands, not Tauri's window or app APIs.
#[test]
fn the_webview_gets_only_its_own_commands() {
    let state = AppState::new(Err(ipc::IpcError::internal("not needed")), memory());
    let (_app, webview) = app(state);
    for cmd in [
        "plugin:app|version",
        "plugin:window|close",
        "plugin:webview|print",
    ] {
        let denied = invoke(&webview, cmd, json!({})).unwrap_err();
        assert!(
            denied.to_string().contains("not allowed"),
            "{cmd}: {denied}"
        );
    }
}

#[test]
fn a_failed_startup_reaches_the_webview_as_a_tagged_error() {
    let state = AppState::new(Err(ipc::IpcError::internal("no tenant")), memory());
    let (_app, webview) = app(state);
    let error = invoke(&webview, "list_users", json!({ "query": "" })).unwrap_err();
    assert_eq!(error, json!({ "kind": "internal", "message": "no tenant" }));
}
