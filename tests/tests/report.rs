//! The tenant report, end to end in the real webview on the in-process sandbox tenant: as a
//! Global Administrator (premium tenant) open Report, see the source and the tiles with counts,
//! click a tile, search, open a user's panel, export the selection (through the
//! `PRESTAGE_SAVE_FILE` hook) and check the file; then, on a tenant without P1/P2, the same tab
//! shows the fallback source and why.
//! Screenshots: tests/screenshots/report-{tiles,tile,user,fallback}.png.

// The launch helper panics on purpose, like the test functions it serves.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, Locator};
use prestage_e2e::page::{click, no_error, save_screenshot, text, wait_shown};
use prestage_e2e::report_tab;
use prestage_e2e::sandbox_app::SandboxApp;
use prestage_e2e::{wait_for, Poll};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(90);
const BREAKS: &str = "breaks-2027-02-01";

async fn js(client: &Client, script: &str) -> Result<Value, String> {
    client
        .execute(script, vec![])
        .await
        .map_err(|e| format!("script failed: {e}\n{script}"))
}

/// Tile name → count as shown.
async fn tiles(client: &Client) -> Result<Vec<(String, u64)>, String> {
    let v = js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="report-tile"]')].map(t =>
               [t.dataset.tile, Number(t.querySelector('[data-testid="report-tile-count"]').textContent)]);"#,
    )
    .await?;
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// The rows in the DOM: (user id, tiles, name).
async fn rows(client: &Client) -> Result<Vec<(String, String, String)>, String> {
    let v = js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="report-row"]')].map(r =>
               [r.dataset.userId, r.dataset.tiles, r.querySelector('[data-testid="report-open"]').textContent]);"#,
    )
    .await?;
    serde_json::from_value(v).map_err(|e| e.to_string())
}

async fn wait_count(client: &Client, want: &str) -> Result<(), String> {
    wait_for(&format!("the count to read {want:?}"), WAIT, || async {
        let count = text(client, "[data-testid=report-count]").await?;
        Ok(if count.starts_with(want) {
            Poll::Ready(())
        } else {
            Poll::Pending(count)
        })
    })
    .await
}

async fn premium_flow(client: &Client, saves: &Path) -> Result<(), String> {
    let source = report_tab::open_report(client, WAIT).await?;
    if !source.contains("registration report") {
        return Err(format!(
            "expected the registration report as source: {source:?}"
        ));
    }
    let counts = tiles(client).await?;
    eprintln!("tiles: {counts:?}");
    let total = text(client, "[data-testid=report-count]").await?;
    let breaks = counts
        .iter()
        .find(|(n, _)| n == BREAKS)
        .map(|(_, c)| *c)
        .ok_or("no breaks tile")?;
    if counts.len() != 6 || breaks == 0 || counts.iter().all(|(_, c)| *c == 0) {
        return Err(format!("tiles look wrong: {counts:?}"));
    }
    save_screenshot(client, "report-tiles.png").await?;

    // The per-user MFA column is read on request (one more read per user).
    click(client, "[data-testid=report-mfa]").await?;
    wait_for("the per-user MFA column", WAIT, || async {
        no_error(client).await?;
        let status = text(client, "[data-testid=report-status]").await?;
        Ok(if status.starts_with("Per-user MFA read for ") {
            Poll::Ready(())
        } else {
            Poll::Pending(status)
        })
    })
    .await?;
    let cells = js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="report-row"] .rcol-mfa')].map(c => c.textContent);"#,
    )
    .await?;
    let cells: Vec<String> = serde_json::from_value(cells).map_err(|e| e.to_string())?;
    if cells.is_empty()
        || cells
            .iter()
            .any(|c| !["disabled", "enabled", "enforced"].contains(&c.as_str()))
    {
        return Err(format!("per-user MFA cells: {cells:?}"));
    }
    save_screenshot(client, "report-mfa.png").await?;

    // One click on a tile filters the table to its users.
    click(
        client,
        &format!("[data-testid=report-tile][data-tile='{BREAKS}']"),
    )
    .await?;
    let of = total.split(" of ").nth(1).unwrap_or_default().to_string();
    wait_count(client, &format!("{breaks} of {of}")).await?;
    let shown = rows(client).await?;
    if shown.is_empty() || shown.iter().any(|(_, t, _)| !t.contains(BREAKS)) {
        return Err(format!("rows outside the tile: {shown:?}"));
    }
    save_screenshot(client, "report-tile.png").await?;

    // Search within the tile.
    let (id, _, name) = shown[0].clone();
    let term = name.split_whitespace().last().unwrap_or(&name).to_string();
    let search = client
        .find(Locator::Css("[data-testid=report-search]"))
        .await
        .map_err(|e| format!("find search: {e}"))?;
    search
        .send_keys(&term)
        .await
        .map_err(|e| format!("type: {e}"))?;
    wait_for(&format!("rows matching {term:?}"), WAIT, || async {
        let r = rows(client).await?;
        Ok(
            if !r.is_empty() && r.iter().any(|(i, _, _)| *i == id) && r.len() < shown.len().max(2) {
                Poll::Ready(())
            } else {
                Poll::Pending(format!("{} rows", r.len()))
            },
        )
    })
    .await?;

    // Open the user's panel from the report.
    click(
        client,
        &format!("[data-testid=report-row][data-user-id='{id}'] [data-testid=report-open]"),
    )
    .await?;
    wait_shown(client, "[data-testid=user-panel]").await?;
    wait_for("the panel to show the user", WAIT, || async {
        let shown = text(client, "[data-testid=user-name]")
            .await
            .unwrap_or_default();
        Ok(if shown == name {
            Poll::Ready(())
        } else {
            Poll::Pending(shown)
        })
    })
    .await?;
    save_screenshot(client, "report-user.png").await?;
    click(client, "[data-testid=user-close]").await?;

    // Select the row and export the selection.
    click(
        client,
        &format!("[data-testid=report-row][data-user-id='{id}'] input[type=checkbox]"),
    )
    .await?;
    let label = text(client, "[data-testid=report-export]").await?;
    if label != "Export 1 selected" {
        return Err(format!("export button says {label:?}"));
    }
    click(client, "[data-testid=report-export]").await?;
    wait_for("the export to be saved", WAIT, || async {
        let status = text(client, "[data-testid=report-status]").await?;
        Ok(if status.starts_with("Saved") {
            Poll::Ready(())
        } else {
            Poll::Pending(status)
        })
    })
    .await?;
    let bytes = std::fs::read(saves.join("prestage-report.csv"))
        .map_err(|e| format!("read export: {e}"))?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| e.to_string())?;
    let lines: Vec<&str> = text.lines().collect();
    if !bytes.starts_with(b"\xEF\xBB\xBFName,")
        || lines.len() != 2
        || !lines[1].contains(&id)
        || !lines[1].contains("2027-02-01")
    {
        return Err(format!("export looks wrong: {text:?}"));
    }
    Ok(())
}

async fn fallback_flow(client: &Client) -> Result<(), String> {
    let source = report_tab::open_report(client, WAIT).await?;
    if !source.contains("each user's methods") || !source.contains("P1/P2") {
        return Err(format!("expected the fallback and why: {source:?}"));
    }
    let counts = tiles(client).await?;
    if counts.iter().all(|(_, c)| *c == 0) {
        return Err(format!("no counts on the fallback: {counts:?}"));
    }
    save_screenshot(client, "report-fallback.png").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn report_tiles_filter_search_open_export_and_fallback() {
    let saves =
        std::env::temp_dir().join(format!("prestage-e2e-report-saves-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&saves);
    std::fs::create_dir_all(&saves).unwrap();
    let mut env = vec![
        ("PRESTAGE_SANDBOX_ROLE", "global-administrator".to_string()),
        ("PRESTAGE_SAVE_FILE", saves.display().to_string()),
    ];
    let app = SandboxApp::launch("report", &env).await.unwrap();
    let outcome = premium_flow(&app.client, &saves).await;
    app.finish(outcome).await.unwrap();
    env.push(("PRESTAGE_SANDBOX_NON_PREMIUM", "1".to_string()));
    let app = SandboxApp::launch("report-fallback", &env).await.unwrap();
    let outcome = fallback_flow(&app.client).await;
    app.finish(outcome).await.unwrap();
    let _ = std::fs::remove_dir_all(&saves);
}
