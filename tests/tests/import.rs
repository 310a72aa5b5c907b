//! The CSV import, end to end in the real webview on the in-process sandbox tenant: a CSV built
//! from users the app itself lists is picked (through the `PRESTAGE_PICK_FILE` hook: WebDriver
//! cannot drive the native dialog or an OS drag-and-drop), the preview shows mixed outcomes, one
//! row is unticked, the rest applied (paused mid-run to watch progress), the results exported
//! (through `PRESTAGE_SAVE_FILE`) and checked, the run undone from the Runs tab, and a second
//! apply cancelled at once and finished from the resume banner; a damaged journal is listed with
//! its reason beside the runs.
//! Screenshots: tests/screenshots/import-{preview,progress,results,runs}.png.
//!
//! A second test takes a file as admins make it — the Entra admin center's bulk-create template
//! filled in Excel (tests/fixtures/csv/entra-bulk-create.csv, byte for byte but for the UPNs,
//! which become users the app lists) — through the same hook, and checks the preview reads it:
//! the `version:v1.0` line skipped and said, the bracketed attributes mapped. Screenshot:
//! tests/screenshots/import-admin-center.png.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Client;
use prestage_e2e::page::{click, no_error, save_screenshot, shown, text, wait_shown};
use prestage_e2e::{app_binary, wait_for, Driver, Poll};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(60);

/// Normal users in the file besides the special rows: more than a run keeps in flight
/// (`ROWS_IN_FLIGHT`, 32), so a pause leaves rows unstarted; the first page lists 100 users.
const NORMAL_USERS: usize = 80;

async fn js(client: &Client, script: &str) -> Result<Value, String> {
    client
        .execute(script, vec![])
        .await
        .map_err(|e| format!("script failed: {e}\n{script}"))
}

/// The users the app lists (UPNs) and the signed-in account's UPN.
async fn directory(client: &Client) -> Result<(Vec<String>, String), String> {
    let upns = wait_for("the user table to list users", WAIT, || async {
        no_error(client).await?;
        let value = js(
            client,
            r#"return [...document.querySelectorAll('[data-testid="user-row"] .upn')]
                   .map(e => e.textContent.trim());"#,
        )
        .await?;
        let upns: Vec<String> = serde_json::from_value(value).map_err(|e| e.to_string())?;
        Ok(if upns.len() > NORMAL_USERS + 5 {
            Poll::Ready(upns)
        } else {
            Poll::Pending(format!("{} users", upns.len()))
        })
    })
    .await?;
    let me = text(client, "[data-testid=panel-upn]").await?;
    if me.is_empty() {
        return Err("the account panel shows no UPN".into());
    }
    Ok((upns, me))
}

/// The CSV: a normal user, the signed-in admin (skipped: nobody changes their own methods
/// through Graph), an unknown user and a number Excel turned into scientific notation (both
/// invalid), then more normal users. Returns the line of the first normal user.
fn write_fixture(path: &Path, upns: &[String], me: &str) -> Result<usize, String> {
    let others: Vec<&String> = upns.iter().filter(|u| u.as_str() != me).collect();
    let mut lines = vec!["UserPrincipalName,MobilePhone,Email".to_string()];
    let number = |i: usize| format!("+1 42555501{i:02}");
    lines.push(format!("{},{},", others[0], number(0)));
    lines.push(format!("{me},{},", number(1)));
    lines.push(format!(
        "nobody.here@contoso-sandbox.onmicrosoft.com,{},",
        number(2)
    ));
    lines.push(format!("{},3.16123E+11,", others[1]));
    for (i, upn) in others.iter().skip(2).take(NORMAL_USERS).enumerate() {
        let email = if i % 3 == 0 {
            upn.replace('@', ".alt@")
        } else {
            String::new()
        };
        lines.push(format!("{upn},{},{email}", number(i + 3)));
    }
    std::fs::write(path, lines.join("\r\n") + "\r\n").map_err(|e| format!("write fixture: {e}"))?;
    Ok(2)
}

async fn number(client: &Client, script: &str) -> Result<u64, String> {
    js(client, script)
        .await?
        .as_u64()
        .ok_or_else(|| format!("not a number: {script}"))
}

async fn chip(client: &Client, outcome: &str) -> Result<u64, String> {
    let t = text(client, &format!("[data-testid=chip-{outcome}] .chip-count")).await?;
    t.replace(',', "")
        .parse()
        .map_err(|_| format!("chip {outcome} says {t:?}"))
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

/// Preview → untick → apply (paused mid-run) → results → export → runs → undo.
async fn flow(client: &Client, csv: &Path, saves: &Path) -> Result<(), String> {
    let (upns, me) = directory(client).await?;
    let unticked_line = write_fixture(csv, &upns, &me)?;
    eprintln!("fixture: {} normal users + self {me}", NORMAL_USERS + 1);

    click(client, "[data-testid=nav-import]").await?;
    wait_shown(client, "[data-testid=import-empty]").await?;
    click(client, "[data-testid=download-template]").await?;
    wait_text(
        client,
        "[data-testid=template-saved]",
        "Saved prestage-template.csv",
    )
    .await?;
    let template = std::fs::read(saves.join("prestage-template.csv"))
        .map_err(|e| format!("the template was not saved: {e}"))?;
    if !template.starts_with(b"\xEF\xBB\xBFUserPrincipalName,MobilePhone") {
        return Err("the template has no BOM or header".into());
    }

    // Pick the file (the hook stands in for the dialog) and wait for the complete preview.
    click(client, "[data-testid=choose-file]").await?;
    wait_for("the preview to complete", WAIT, || async {
        no_error(client).await?;
        let disabled = js(
            client,
            "const b = document.querySelector('[data-testid=apply]'); return !b || b.disabled;",
        )
        .await?;
        Ok(if disabled == Value::Bool(false) {
            Poll::Ready(())
        } else {
            Poll::Pending(text(client, "[data-testid=preview-status]").await?)
        })
    })
    .await?;
    let (add, update) = (chip(client, "add").await?, chip(client, "update").await?);
    let (skipped, invalid) = (
        chip(client, "skipped").await?,
        chip(client, "invalid").await?,
    );
    eprintln!("preview: {add} add, {update} update, {skipped} skipped, {invalid} invalid");
    if add + update != NORMAL_USERS as u64 + 1 || skipped != 1 || invalid != 2 {
        return Err(format!(
            "unexpected outcomes: {add} add, {update} update, {skipped} skipped, {invalid} invalid"
        ));
    }
    let self_row = text(client, "[data-testid=preview-row][data-line='3']").await?;
    if !self_row.contains("Skipped") {
        return Err(format!("the admin's own row is not skipped: {self_row}"));
    }
    let summary = text(client, "[data-testid=file-summary]").await?;
    if !summary.contains("comma-separated")
        || !summary.contains(&format!("{} rows", NORMAL_USERS + 4))
    {
        return Err(format!("file summary: {summary}"));
    }

    // Untick the first row.
    click(
        client,
        &format!("[data-testid=preview-row][data-line='{unticked_line}'] [data-testid=row-tick]"),
    )
    .await?;
    let ticked = add + update - 1;
    wait_text(
        client,
        "[data-testid=tick-count]",
        &format!("{ticked} of {} rows to write ticked", add + update),
    )
    .await?;
    save_screenshot(client, "import-preview.png").await?;

    // Apply, confirm, pause mid-run.
    click(client, "[data-testid=apply]").await?;
    wait_shown(client, "[data-testid=confirm]").await?;
    click(client, "[data-testid=confirm-ok]").await?;
    wait_for("the run to be under way", WAIT, || async {
        no_error(client).await?;
        let value = number(
            client,
            "return document.querySelector('[data-testid=run-progress]').value",
        )
        .await?;
        Ok(if value >= 4 {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{value} rows finished"))
        })
    })
    .await?;
    click(client, "[data-testid=pause]").await?;
    wait_text(client, "[data-testid=pause]", "Resume").await?;
    // Rows already under way finish (up to 32 at the quota's pace); then nothing moves.
    let progress = || {
        number(
            client,
            "return document.querySelector('[data-testid=run-progress]').value",
        )
    };
    let mut paused_at = progress().await?;
    let settle_by = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let now = progress().await?;
        if now == paused_at || std::time::Instant::now() > settle_by {
            break;
        }
        paused_at = now;
    }
    if paused_at >= ticked {
        return Err("the run finished before it could be paused".into());
    }
    save_screenshot(client, "import-progress.png").await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let still = progress().await?;
    if still != paused_at {
        return Err(format!("paused at {paused_at} rows but {still} finished"));
    }
    eprintln!("paused at {paused_at} of {ticked} rows");
    click(client, "[data-testid=pause]").await?;
    let outcome = wait_text(client, "[data-testid=run-summary]", "Finished").await?;
    eprintln!("{outcome}");
    // Every ticked row done, by the summary; the table holds only the rows in view (it is
    // virtualized), in line order. The export below checks every row, and the unticked one.
    if !outcome.contains(&format!("Finished: {ticked} done")) {
        return Err(format!(
            "the summary says {outcome:?} for {ticked} ticked rows"
        ));
    }
    let lines: Vec<u64> = js(
        client,
        "return [...document.querySelectorAll('[data-testid=result-row]')].map(r => Number(r.dataset.line))",
    )
    .await?
    .as_array()
    .map(|a| a.iter().filter_map(|v| v.as_u64()).collect())
    .unwrap_or_default();
    if lines.is_empty() || lines.len() as u64 > ticked || !lines.windows(2).all(|w| w[0] < w[1]) {
        return Err(format!(
            "the result table shows lines {lines:?} of {ticked} results"
        ));
    }
    if lines.contains(&(unticked_line as u64)) {
        return Err("the unticked row was applied".into());
    }
    save_screenshot(client, "import-results.png").await?;

    // Export the results and read them back.
    click(client, "[data-testid=export-results]").await?;
    let saved = wait_text(client, "[data-testid=exported]", "Saved prestage-results-").await?;
    let name = saved.trim_start_matches("Saved ").trim();
    check_export(&saves.join(name), ticked, unticked_line)?;

    // Runs: the run is listed; undo it.
    click(client, "[data-testid=show-runs]").await?;
    wait_shown(client, "[data-testid=run-row] [data-testid=undo-run]").await?;
    click(client, "[data-testid=undo-run]").await?;
    wait_shown(client, "[data-testid=confirm]").await?;
    // The undo is previewed against the users' state now, before anything is written.
    let plan = text(client, "[data-testid=confirm-body]").await?;
    if !plan.contains("will be put back as they were before the run") {
        return Err(format!("the undo preview says {plan:?}"));
    }
    save_screenshot(client, "import-undo-preview.png").await?;
    click(client, "[data-testid=confirm-ok]").await?;
    let undone = wait_text(client, "[data-testid=run-summary]", "Undone").await?;
    eprintln!("{undone}");

    // Apply again and cancel at once: rows under way finish, the rest wait; the banner offers
    // to resume, and resuming finishes them.
    click(client, "[data-testid=preview-again]").await?;
    wait_text(
        client,
        "[data-testid=apply]",
        &format!("Apply {} rows", add + update),
    )
    .await?;
    click(client, "[data-testid=apply]").await?;
    wait_shown(client, "[data-testid=confirm]").await?;
    click(client, "[data-testid=confirm-ok]").await?;
    wait_shown(client, "[data-testid=cancel-run]").await?;
    click(client, "[data-testid=cancel-run]").await?;
    let cancelled = wait_text(client, "[data-testid=run-summary]", "Cancelled").await?;
    eprintln!("{cancelled}");
    wait_shown(client, "[data-testid=banner-resume]").await?;
    click(client, "[data-testid=banner-resume]").await?;
    let resumed = wait_text(client, "[data-testid=run-summary]", "Finished").await?;
    eprintln!("resumed: {resumed}");
    if shown(client, "[data-testid=resume-banner]").await? {
        return Err("the banner still offers to resume".into());
    }

    // A journal damaged beyond its torn tail (a bad disk): listed with why, beside the others.
    let runs_dir = csv.with_file_name("data").join("runs");
    std::fs::write(
        runs_dir.join("20261203-000000-dead.jsonl"),
        "not json\n{}\n",
    )
    .map_err(|e| format!("could not plant a damaged journal: {e}"))?;
    click(client, "[data-testid=show-runs]").await?;
    wait_for(
        "three runs and the damaged journal listed",
        WAIT,
        || async {
            no_error(client).await?;
            let n = number(
                client,
                "return document.querySelectorAll('[data-testid=run-row]').length",
            )
            .await?;
            let bad = text(client, "[data-testid=run-unreadable]").await?;
            Ok(if n == 3 && bad.contains("could not be read: line 1") {
                Poll::Ready(())
            } else {
                Poll::Pending(format!("{n} runs, damaged journal: {bad:?}"))
            })
        },
    )
    .await?;
    save_screenshot(client, "import-runs.png").await?;
    no_error(client).await
}

/// The export: UTF-8 BOM, a header, one line per written change of every ticked row, phone
/// numbers neutralized against formulas ('+1 …), the unticked line absent.
fn check_export(path: &Path, ticked: u64, unticked_line: usize) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .ok_or("the export has no UTF-8 BOM")?;
    let text = String::from_utf8(body.to_vec()).map_err(|e| e.to_string())?;
    let mut lines = text.lines();
    if lines.next() != Some("Row,User,Action,Before,After,Status,Detail,RequestId") {
        return Err(format!("export header: {:?}", text.lines().next()));
    }
    let rows: Vec<&str> = lines.collect();
    let distinct: std::collections::HashSet<&str> =
        rows.iter().filter_map(|l| l.split(',').next()).collect();
    if distinct.len() as u64 != ticked {
        return Err(format!(
            "{} rows in the export, {ticked} ticked",
            distinct.len()
        ));
    }
    if distinct.contains(unticked_line.to_string().as_str()) {
        return Err("the unticked row is in the export".into());
    }
    if !rows.iter().all(|l| l.contains(",done,")) {
        return Err(format!("not every change is done: {rows:?}"));
    }
    if !rows.iter().any(|l| l.contains(",'+1 42555501")) {
        return Err(format!("numbers are not neutralized: {rows:?}"));
    }
    if rows.iter().any(|l| l.contains(",+1 ") || l.contains(",=")) {
        return Err(format!("a cell would run as a formula: {rows:?}"));
    }
    eprintln!("export: {} lines for {ticked} rows", rows.len());
    Ok(())
}

/// The app's environment for a test in `home`: the in-app sandbox, private dirs, `csv` as the
/// picked file and saves into `home/saved`.
fn app_env(home: &Path, csv: &Path) -> Vec<(String, String)> {
    let dir = |d: &str| home.join(d).display().to_string();
    [
        ("PRESTAGE_SANDBOX", "1".to_string()),
        // Slow enough to watch a run's progress; every row still finishes in seconds.
        ("PRESTAGE_SANDBOX_LATENCY_MS", "200".to_string()),
        // Runs keep 32 rows in flight: the quota, not the row count, paces this small file.
        ("PRESTAGE_SANDBOX_WRITES_PER_S", "5".to_string()),
        ("XDG_CONFIG_HOME", dir("config")),
        ("XDG_DATA_HOME", dir("data")),
        ("XDG_CACHE_HOME", dir("cache")),
        ("PRESTAGE_DATA_DIR", dir("data")),
        ("PRESTAGE_PICK_FILE", csv.display().to_string()),
        (
            "PRESTAGE_SAVE_FILE",
            home.join("saved").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A fresh directory for one test's app.
fn test_home(name: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("prestage-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    if let Err(e) = std::fs::create_dir_all(home.join("saved")) {
        panic!("cannot make {}: {e}", home.display());
    }
    home
}

#[tokio::test(flavor = "multi_thread")]
async fn imports_a_csv_previews_applies_exports_and_undoes() {
    let started = Instant::now();
    let app = app_binary().unwrap();
    let home = test_home("import");
    let saves = home.join("saved");
    let csv = home.join("import.csv");
    let log = home.join("tauri-driver.log");
    let driver = Driver::start_with_env(&log, &app_env(&home, &csv)).unwrap();
    let client = driver.session(&app).await.unwrap();
    eprintln!("session after {:.1} s", started.elapsed().as_secs_f32());

    let outcome = flow(&client, &csv, &saves).await;
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    // The run journals are where the CLI looks too (PRESTAGE_DATA_DIR/runs).
    // (Each run also has its `.lock` file: the OS lock one holder takes while it drives it.)
    let journals = std::fs::read_dir(home.join("data").join("runs"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(
        journals, 4,
        "apply, undo, the cancelled (then resumed) apply and the damaged one planted"
    );
    let _ = std::fs::remove_dir_all(&home);
    eprintln!(
        "e2e import flow took {:.1} s",
        started.elapsed().as_secs_f32()
    );
}

/// The admin center template with two of its people replaced by users the app lists (the third,
/// still to be created, stays absent); every other byte as Excel saved it.
fn write_admin_center_file(path: &Path, upns: &[String], me: &str) -> Result<(), String> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/csv/entra-bulk-create.csv");
    let bytes = std::fs::read(&fixture).map_err(|e| format!("read {}: {e}", fixture.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    let others: Vec<&String> = upns.iter().filter(|u| u.as_str() != me).collect();
    let text = text
        .replace("kit.vance@contoso.com", others[0])
        .replace("lou.park@contoso.com", others[1]);
    std::fs::write(path, text).map_err(|e| format!("write {}: {e}", path.display()))
}

async fn admin_center_flow(client: &Client, csv: &Path) -> Result<(), String> {
    let (upns, me) = directory(client).await?;
    write_admin_center_file(csv, &upns, &me)?;
    click(client, "[data-testid=nav-import]").await?;
    wait_shown(client, "[data-testid=import-empty]").await?;
    click(client, "[data-testid=choose-file]").await?;
    let summary = wait_text(client, "[data-testid=file-summary]", "3 rows").await?;
    if !summary.contains("UTF-8 (BOM) · comma-separated")
        || !summary.contains("Line 1 skipped: \"version:v1.0\"")
        || !summary.contains("admin center")
    {
        return Err(format!("file summary: {summary}"));
    }
    wait_for("the preview to complete", WAIT, || async {
        no_error(client).await?;
        let (add, update) = (chip(client, "add").await?, chip(client, "update").await?);
        let invalid = chip(client, "invalid").await?;
        Ok(if add + update == 2 && invalid == 1 {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{add} add, {update} update, {invalid} invalid"))
        })
    })
    .await?;
    let absent = text(client, "[data-testid=preview-row][data-line='5']").await?;
    if !absent.contains("mo.reyes@contoso.com") {
        return Err(format!("the person still to be created: {absent}"));
    }
    let kit = text(client, "[data-testid=preview-row][data-line='3']").await?;
    if !kit.contains("+1 4255550138") || !kit.contains("+1 4255550137") {
        return Err(format!(
            "mobile [mobile] and office [telephoneNumber] not read: {kit}"
        ));
    }
    save_screenshot(client, "import-admin-center.png").await?;
    no_error(client).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_center_template_filled_in_excel_previews() {
    let app = app_binary().unwrap();
    let home = test_home("import-admin-center");
    let csv = home.join("UserCreateTemplate.csv");
    let log = home.join("tauri-driver.log");
    let driver = Driver::start_with_env(&log, &app_env(&home, &csv)).unwrap();
    let client = driver.session(&app).await.unwrap();
    let outcome = admin_center_flow(&client, &csv).await;
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    let _ = std::fs::remove_dir_all(&home);
}
