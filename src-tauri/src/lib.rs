//! prestage-app: the desktop shell — wiring only. It registers state and commands and starts
//! connecting at launch; behaviour lives in prestage-core. No token ever crosses to the webview.

mod commands;
pub mod ipc;
pub mod state;

use tauri::{Manager, Runtime};

use crate::state::{AppState, Launch};

/// Runs the app until its last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tao=warn,wry=warn".into()),
        )
        .init();
    let launch = Launch::from_env(|name| std::env::var(name).ok());
    let app = builder(tauri::Builder::default(), AppState::new(launch));
    if let Err(error) = app.run(tauri::generate_context!()) {
        tracing::error!("Prestage stopped: {error}");
        std::process::exit(1);
    }
}

/// The app's state, commands and startup, on any runtime (tests use `tauri::test::mock_builder`).
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .setup(|app| {
            // Connect while the window loads; the first command waits for this same attempt.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(error) = handle.state::<AppState>().connection().await {
                    tracing::error!("startup failed: {error}");
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::users::list_users,
            commands::session::session_info,
        ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
    use tauri::webview::InvokeRequest;

    fn invoke(
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
        let state = AppState::new(Ok(Launch::Sandbox { users: Some(30) }));
        let app = builder(mock_builder(), state)
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();

        let info = invoke(&webview, "session_info", json!({})).unwrap();
        assert_eq!(info["sandbox"], true);
        assert_eq!(info["role"], "Privileged Authentication Administrator");
        assert!(info["account"]["displayName"]
            .as_str()
            .is_some_and(|n| !n.is_empty()));
        assert!(info.get("accessToken").is_none());

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
        let state = AppState::new(Err(ipc::IpcError::internal("not needed")));
        let app = builder(mock_builder(), state)
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
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
        let state = AppState::new(Err(ipc::IpcError::internal("no tenant")));
        let app = builder(mock_builder(), state)
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let error = invoke(&webview, "list_users", json!({ "query": "" })).unwrap_err();
        assert_eq!(error, json!({ "kind": "internal", "message": "no tenant" }));
    }
}
