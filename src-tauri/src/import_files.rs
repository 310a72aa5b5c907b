//! Files in and out of the import screen, chosen by the person and read or written by Rust: a CSV
//! dropped on the window or picked in the native open dialog, and the save dialog for the template
//! and the results. The webview never names a path and gets no fs or dialog permission.
//!
//! Test hooks (WebDriver cannot drive OS drag-and-drop or native dialogs), inert unless set:
//! `PRESTAGE_PICK_FILE=/path/file.csv` makes "Choose a file" take that file without a dialog;
//! `PRESTAGE_SAVE_FILE=/path` makes every save go there (into it, under the suggested name,
//! when it is a directory).

use std::path::PathBuf;

use serde::Serialize;
use tauri::{DragDropEvent, Emitter, Manager, Runtime, Window, WindowEvent};
use tauri_plugin_dialog::DialogExt;

use crate::import_state::ImportState;

pub const PICK_FILE_VAR: &str = "PRESTAGE_PICK_FILE";
pub const SAVE_FILE_VAR: &str = "PRESTAGE_SAVE_FILE";

/// The event the webview hears when a file was dropped on the window: `{ name }`.
pub const FILE_DROPPED: &str = "import-file-dropped";

fn hook(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The CSV the person picks in the open dialog; `None` when they cancel.
pub async fn pick_csv<R: Runtime>(app: &tauri::AppHandle<R>) -> Option<PathBuf> {
    if let Some(path) = hook(PICK_FILE_VAR) {
        return Some(path);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Choose the CSV file to import")
        .add_filter("CSV or text", &["csv", "txt", "tsv"])
        .add_filter("All files", &["*"]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    dialog.pick_file(move |file| {
        let _ = tx.send(file.and_then(|f| f.into_path().ok()));
    });
    rx.await.ok().flatten()
}

/// Where to save a file suggested as `name`; `None` when the person cancels.
pub async fn save_as<R: Runtime>(app: &tauri::AppHandle<R>, name: &str) -> Option<PathBuf> {
    if let Some(path) = hook(SAVE_FILE_VAR) {
        return Some(if path.is_dir() { path.join(name) } else { path });
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_file_name(name)
        .add_filter("CSV", &["csv"]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    dialog.save_file(move |file| {
        let _ = tx.send(file.and_then(|f| f.into_path().ok()));
    });
    rx.await.ok().flatten()
}

#[derive(Clone, Serialize)]
struct Dropped {
    name: String,
    /// Files dropped with it, which are not read (one file per import).
    others: usize,
}

/// A file dropped anywhere on the window becomes the import file; the webview is told its name
/// and how many more were dropped with it (only the first is read).
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event else {
        return;
    };
    let Some(path) = paths.first() else {
        return;
    };
    let chosen = window.state::<ImportState>().choose(path.clone());
    let dropped = Dropped {
        name: chosen.name,
        others: paths.len() - 1,
    };
    if let Err(error) = window.emit(FILE_DROPPED, dropped) {
        tracing::warn!(%error, "the dropped file could not be announced to the webview");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tauri::{Listener, PhysicalPosition};

    use super::*;
    use crate::state::AppState;

    #[test]
    fn a_dropped_file_is_chosen_and_only_its_name_is_announced() {
        let state = AppState::new(
            Err(crate::ipc::IpcError::internal("not needed")),
            crate::tests::memory(),
        );
        let (app, webview) = crate::tests::app(state);
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = heard.clone();
        app.listen_any(FILE_DROPPED, move |event| {
            sink.lock().unwrap().push(event.payload().to_string())
        });
        let window = webview.as_ref().window();
        let path = PathBuf::from("/home/pat/Downloads/users.csv");
        let position = PhysicalPosition::new(10.0, 10.0);
        on_window_event(&window, &WindowEvent::DragDrop(DragDropEvent::Leave));
        on_window_event(
            &window,
            &WindowEvent::DragDrop(DragDropEvent::Drop {
                paths: vec![path.clone(), PathBuf::from("/tmp/second.csv")],
                position,
            }),
        );
        assert_eq!(
            *heard.lock().unwrap(),
            [r#"{"name":"users.csv","others":1}"#]
        );
        assert_eq!(app.state::<ImportState>().chosen().unwrap(), path);
    }
}
