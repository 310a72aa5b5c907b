//! The directory as a source, end to end in the real webview on the in-process sandbox tenant:
//! the Import screen's Directory tab, the staging group found by name, a preview with add,
//! unchanged and invalid rows (a directory number that is not a phone) and the region each row's
//! national numbers were read in, the 1 Feb 2027 count, apply, and undo from the Runs tab — the
//! CSV import's own apply, journal and Runs.
//! Screenshots: tests/screenshots/directory-{form,preview,results,undo}.png.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use prestage_e2e::page::{click, no_error, save_screenshot, text, wait_shown};
use prestage_e2e::{app_binary, wait_for, Driver, Poll};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(90);

async fn js(client: &Client, script: &str) -> Result<Value, String> {
    client
        .execute(script, vec![])
        .await
        .map_err(|e| format!("script failed: {e}\n{script}"))
}

async fn wait_text(client: &Client, css: &str, want: &str) -> Result<String, String> {
    wait_for(&format!("{css} to say {want:?}"), WAIT, || async {
        no_error(client).await?;
        let t = text(client, css).await?;
        Ok(if t.contains(want) {
            Poll::Ready(t)
        } else {
            Poll::Pending(t)
        })
    })
    .await
}

async fn flow(client: &Client) -> Result<(), String> {
    // Signed in to the sandbox: the users list is up.
    wait_shown(client, "[data-testid=user-row]").await?;
    click(client, "[data-testid=nav-import]").await?;
    wait_shown(client, "[data-testid=tab-directory]").await?;
    click(client, "[data-testid=tab-directory]").await?;
    wait_shown(client, "[data-testid=dir-preview]").await?;

    // Scope: the staging group, found by name.
    click(client, "[data-testid=dir-scope-group]").await?;
    wait_shown(client, "[data-testid=dir-group-search]").await?;
    client
        .find(Locator::Css("[data-testid=dir-group-search]"))
        .await
        .map_err(|e| e.to_string())?
        .send_keys("staging")
        .await
        .map_err(|e| e.to_string())?;
    wait_shown(client, "[data-testid=dir-group-option]").await?;
    let option = text(client, "[data-testid=dir-group-option]").await?;
    if option != "MFA staging" {
        return Err(format!("the search offered {option:?}"));
    }
    click(client, "[data-testid=dir-group-option]").await?;
    wait_text(client, "[data-testid=dir-group-chosen]", "MFA staging").await?;
    save_screenshot(client, "directory-form.png").await?;

    // Preview: add, unchanged and invalid rows, the region per row.
    click(client, "[data-testid=dir-preview]").await?;
    wait_for("the directory preview to complete", WAIT, || async {
        no_error(client).await?;
        let ready = js(
            client,
            "const b = document.querySelector('[data-testid=directory-host] [data-testid=apply]'); return !!b && !b.disabled;",
        )
        .await?;
        Ok(if ready == Value::Bool(true) {
            Poll::Ready(())
        } else {
            Poll::Pending(text(client, "[data-testid=directory-host] [data-testid=preview-status]").await?)
        })
    })
    .await?;
    let count = |o: &str| {
        format!("return Number(document.querySelector('[data-testid=directory-host] [data-testid=chip-{o}] .chip-count').textContent.replace(/,/g, ''));")
    };
    let mut n = std::collections::HashMap::new();
    for o in ["add", "unchanged", "invalid", "skipped"] {
        let v = js(client, &count(o)).await?.as_u64().unwrap_or(0);
        n.insert(o, v);
    }
    eprintln!("directory preview: {n:?}");
    if n["add"] == 0 || n["unchanged"] == 0 || n["invalid"] == 0 {
        return Err(format!("expected add, unchanged and invalid rows: {n:?}"));
    }
    // The table is virtualized (only the rows in view are in the DOM): a chip brings each
    // outcome's rows to the top.
    let mut regions = Vec::new();
    for chip in ["add", "unchanged"] {
        click(
            client,
            &format!("[data-testid=directory-host] [data-testid=chip-{chip}]"),
        )
        .await?;
        let seen = js(
            client,
            "return [...document.querySelectorAll('[data-testid=directory-host] [data-testid=row-region]')].map(e => e.textContent);",
        )
        .await?;
        let seen: Vec<String> = serde_json::from_value(seen).map_err(|e| e.to_string())?;
        regions.extend(seen);
    }
    if !regions.iter().any(|r| r.contains("(usageLocation)")) {
        return Err(format!("no row says its region: {regions:?}"));
    }
    click(
        client,
        "[data-testid=directory-host] [data-testid=chip-invalid]",
    )
    .await?;
    // The invalid rows in view, then those in view once scrolled to the end (virtualized table).
    let invalid = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const host = document.querySelector('[data-testid=directory-host]');
             const seen = new Map();
             const look = () => host.querySelectorAll('[data-testid=preview-row][data-outcome=invalid]')
               .forEach((r) => seen.set(r.dataset.line, r.textContent));
             look();
             const wrap = host.querySelector('[data-testid=preview-table-wrap]');
             wrap.scrollTop = wrap.scrollHeight;
             requestAnimationFrame(() => setTimeout(() => { look(); done([...seen.values()].join('\\n')); }, 0));",
            vec![],
        )
        .await
        .map_err(|e| format!("read the invalid rows: {e}"))?;
    let invalid = invalid.as_str().unwrap_or_default().to_string();
    if !invalid.contains("n/a") && !invalid.contains("not a") {
        return Err(format!("no invalid directory number shown: {invalid}"));
    }
    click(
        client,
        "[data-testid=directory-host] [data-testid=chip-all]",
    )
    .await?;
    let summary = text(client, "[data-testid=dir-summary]").await?;
    if !summary.contains("MFA staging") {
        return Err(format!("summary: {summary}"));
    }
    save_screenshot(client, "directory-preview.png").await?;

    // Apply every ticked row through the import's apply.
    click(client, "[data-testid=directory-host] [data-testid=apply]").await?;
    wait_shown(client, "[data-testid=confirm]").await?;
    click(client, "[data-testid=confirm-ok]").await?;
    let outcome = wait_text(client, "[data-testid=run-summary]", "Finished").await?;
    eprintln!("{outcome}");
    let done = js(
        client,
        "return document.querySelectorAll('[data-testid=result-row][data-end=done]').length",
    )
    .await?
    .as_u64()
    .unwrap_or(0);
    if done != n["add"] {
        return Err(format!("{done} rows done for {} to add", n["add"]));
    }
    save_screenshot(client, "directory-results.png").await?;

    // Undo it from Runs: listed under the directory run's name.
    click(client, "[data-testid=show-runs]").await?;
    wait_shown(client, "[data-testid=run-row] [data-testid=undo-run]").await?;
    let runs = text(client, "[data-testid=run-row]").await?;
    if !runs.contains("Directory: group 'MFA staging'") {
        return Err(format!("the run is listed as {runs:?}"));
    }
    click(client, "[data-testid=undo-run]").await?;
    wait_shown(client, "[data-testid=confirm]").await?;
    click(client, "[data-testid=confirm-ok]").await?;
    let undone = wait_text(client, "[data-testid=run-summary]", "Undone").await?;
    eprintln!("{undone}");
    save_screenshot(client, "directory-undo.png").await?;
    no_error(client).await
}

fn test_home() -> PathBuf {
    let home = std::env::temp_dir().join(format!("prestage-e2e-directory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    if let Err(e) = std::fs::create_dir_all(&home) {
        panic!("cannot make {}: {e}", home.display());
    }
    home
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_run_for_a_group_previews_applies_and_undoes() {
    let started = Instant::now();
    let app = app_binary().unwrap();
    let home = test_home();
    let dir = |d: &str| home.join(d).display().to_string();
    let env: Vec<(String, String)> = [
        ("PRESTAGE_SANDBOX", "1".to_string()),
        ("PRESTAGE_SANDBOX_LATENCY_MS", "20".to_string()),
        ("XDG_CONFIG_HOME", dir("config")),
        ("XDG_DATA_HOME", dir("data")),
        ("XDG_CACHE_HOME", dir("cache")),
        ("PRESTAGE_DATA_DIR", dir("data")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let log = home.join("tauri-driver.log");
    let driver = Driver::start_with_env(&log, &env).unwrap();
    let client = driver.session(&app).await.unwrap();
    let outcome = flow(&client).await;
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    let _ = std::fs::remove_dir_all(&home);
    eprintln!(
        "e2e directory flow took {:.1} s",
        started.elapsed().as_secs_f32()
    );
}
