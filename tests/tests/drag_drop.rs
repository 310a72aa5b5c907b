//! A real drag and drop: a CSV is dragged with the mouse (xdotool) from a GTK window offering it
//! as `text/uri-list` — as a file manager does — onto the app on the in-process sandbox tenant.
//! This exercises the whole path no test hook stands in for: the window's drop event, Rust
//! reading the file from the dropped URI, the switch to Import and the preview. The file sits in
//! a folder whose name has a space and non-ASCII letters (`José Østberg`), which the URI carries
//! percent-encoded. Screenshot: tests/screenshots/import-drag-drop.png.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Client;
use prestage_e2e::page::{no_error, save_screenshot, text};
use prestage_e2e::x11::{self, DragSource};
use prestage_e2e::{app_binary, wait_for, Driver, Poll};

const WAIT: Duration = Duration::from_secs(60);

/// A user the app lists other than the signed-in admin.
async fn someone_else(client: &Client) -> Result<String, String> {
    wait_for("the user table and the account panel", WAIT, || async {
        no_error(client).await?;
        let me = text(client, "[data-testid=panel-upn]").await?;
        let first_two = client
            .execute(
                r#"return [...document.querySelectorAll('[data-testid="user-row"] .upn')]
                       .slice(0, 2).map(e => e.textContent.trim());"#,
                vec![],
            )
            .await
            .map_err(|e| format!("list users: {e}"))?;
        let upns: Vec<String> = serde_json::from_value(first_two).map_err(|e| e.to_string())?;
        Ok(
            match upns.into_iter().find(|u| !me.is_empty() && *u != me) {
                Some(upn) => Poll::Ready(upn),
                None => Poll::Pending(format!("me {me:?}, no other user yet")),
            },
        )
    })
    .await
}

async fn flow(client: &Client, folder: &Path) -> Result<(), String> {
    let upn = someone_else(client).await?;
    let csv = folder.join("dragged users.csv");
    std::fs::write(
        &csv,
        format!("\u{FEFF}UserPrincipalName,MobilePhone\r\n{upn},+1 4255550123\r\n"),
    )
    .map_err(|e| format!("write {}: {e}", csv.display()))?;

    let app = x11::window("Prestage", WAIT)?;
    let mut source = DragSource::start(&csv)?;
    eprintln!(
        "app window {app:?}; dragging from {:?} to {:?}",
        source.handle,
        app.centre()
    );
    x11::drag(source.handle, app.centre())?;
    let sent = source.expect("sent", Duration::from_secs(10))?;
    eprintln!("drag source: {sent}");

    let row = "[data-testid=preview-row][data-line='2']";
    let preview = wait_for("the dropped file's preview", WAIT, || async {
        no_error(client).await?;
        let row = text(client, row).await?;
        Ok(if row.contains(&upn) {
            Poll::Ready(row)
        } else {
            Poll::Pending(text(client, "[data-testid=file-summary]").await?)
        })
    })
    .await?;
    let summary = text(client, "[data-testid=file-summary]").await?;
    if !summary.contains("dragged users.csv") {
        return Err(format!(
            "the file line does not name the dropped file: {summary}"
        ));
    }
    eprintln!("preview of the dropped file: {summary} | {preview}");
    save_screenshot(client, "import-drag-drop.png").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_dragged_from_another_window_is_previewed() {
    let started = Instant::now();
    let app = app_binary().unwrap();
    let home: PathBuf =
        std::env::temp_dir().join(format!("prestage-e2e-dnd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let folder = home.join("José Østberg");
    std::fs::create_dir_all(&folder).unwrap();
    let log = home.join("tauri-driver.log");
    let dir = |d: &str| home.join(d).display().to_string();
    let env: Vec<(String, String)> = [
        ("PRESTAGE_SANDBOX", "1".to_string()),
        ("XDG_CONFIG_HOME", dir("config")),
        ("XDG_DATA_HOME", dir("data")),
        ("XDG_CACHE_HOME", dir("cache")),
        ("PRESTAGE_DATA_DIR", dir("data")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let driver = Driver::start_with_env(&log, &env).unwrap();
    let client = driver.session(&app).await.unwrap();

    let outcome = flow(&client, &folder).await;
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    let _ = std::fs::remove_dir_all(&home);
    eprintln!(
        "e2e drag and drop took {:.1} s",
        started.elapsed().as_secs_f32()
    );
}
