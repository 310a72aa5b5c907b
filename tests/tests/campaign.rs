//! The move off SMS and voice, end to end in the real webview on the in-process sandbox tenant
//! (as the Privileged Authentication Administrator): report tile → "Move these users off SMS…" →
//! campaign created → passes previewed, issued and saved once (through the `PRESTAGE_SAVE_FILE`
//! hook) → three users register with the pass from the saved file (the sandbox form, as at
//! aka.ms/mysecurityinfo) → status shows them → default method set → SMS sign-in off → phones
//! removed over the threshold confirmation → that removal undone, the numbers back.
//! Screenshots: tests/screenshots/campaign-{created,tap-preview,registered,removal-confirm,undone}.png.

// The launch helper panics on purpose, like the test functions it serves.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use prestage_e2e::page::{click, no_error, save_screenshot, text, wait_shown};
use prestage_e2e::{app_binary, wait_for, Driver, Poll};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(120);
const NAME: &str = "wave 1";

async fn js(client: &Client, script: &str) -> Result<Value, String> {
    client
        .execute(script, vec![])
        .await
        .map_err(|e| format!("script failed: {e}\n{script}"))
}

async fn type_into(client: &Client, css: &str, value: &str) -> Result<(), String> {
    let el = client
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("find {css}: {e}"))?;
    el.clear().await.map_err(|e| format!("clear {css}: {e}"))?;
    el.send_keys(value)
        .await
        .map_err(|e| format!("type into {css}: {e}"))
}

/// Waits until `css`'s text satisfies `ok`; returns it.
async fn wait_text(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String, String> {
    wait_for(what, WAIT, || async {
        no_error(client).await?;
        let t = text(client, css).await.unwrap_or_default();
        Ok(if ok(&t) {
            Poll::Ready(t)
        } else {
            Poll::Pending(t)
        })
    })
    .await
}

/// Users of the campaign table: (id, upn, stage, phones).
async fn users(client: &Client) -> Result<Vec<(String, String, String, u64)>, String> {
    let v = js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="campaign-user"]')].map(r =>
               [r.dataset.userId, r.querySelector('.upn').textContent, r.dataset.stage, Number(r.dataset.phones)]);"#,
    )
    .await?;
    serde_json::from_value(v).map_err(|e| e.to_string())
}

async fn shown_waiting(client: &Client) -> Result<bool, String> {
    prestage_e2e::page::shown(client, "[data-testid=campaign-waiting]").await
}

async fn count(client: &Client, stage: &str) -> Result<u64, String> {
    let v = js(
        client,
        &format!(r#"const c = document.querySelector('[data-testid="campaign-count"][data-stage="{stage}"] b'); return c ? Number(c.textContent) : -1;"#),
    )
    .await?;
    Ok(v.as_u64().unwrap_or(0))
}

/// Previews `step`, runs it (typing `confirm` when asked) and waits for the run's result line.
async fn run_step(
    client: &Client,
    step: &str,
    confirm: bool,
    shot: Option<&str>,
) -> Result<String, String> {
    click(
        client,
        &format!("[data-testid=campaign-preview][data-step='{step}']"),
    )
    .await?;
    wait_shown(client, "[data-testid=campaign-run]").await?;
    if confirm {
        let line = text(client, "[data-testid=campaign-threshold-line]").await?;
        let n = line.split_whitespace().next().unwrap_or("0").to_string();
        if !line.contains("type the count") {
            return Err(format!("no threshold confirmation asked: {line:?}"));
        }
        type_into(client, "[data-testid=campaign-confirm]", &n).await?;
    }
    if let Some(name) = shot {
        js(client, r#"document.querySelector('[data-testid="campaign-preview-title"]').scrollIntoView(); return 0;"#).await?;
        save_screenshot(client, name).await?;
    }
    let button = text(client, "[data-testid=campaign-run]").await?;
    if !button.starts_with("Run for") {
        return Err(format!("{step}: nothing to run ({button:?})"));
    }
    click(client, "[data-testid=campaign-run]").await?;
    wait_text(
        client,
        "[data-testid=campaign-result]",
        &format!("{step} to finish"),
        |t| t.starts_with("Run "),
    )
    .await
}

async fn flow(client: &Client, saves: &Path) -> Result<(), String> {
    // Report → the breaks tile → a campaign.
    wait_shown(client, "[data-testid=nav-report]").await?;
    click(client, "[data-testid=nav-report]").await?;
    wait_text(client, "[data-testid=report-run]", "the report", |t| {
        t.contains("again")
    })
    .await?;
    click(
        client,
        "[data-testid=report-tile][data-tile='breaks-2027-02-01']",
    )
    .await?;
    wait_shown(client, "[data-testid=report-campaign]").await?;
    click(client, "[data-testid=report-campaign]").await?;
    wait_shown(client, "[data-testid=campaign-create-form]").await?;
    type_into(client, "[data-testid=campaign-name]", NAME).await?;
    click(client, "[data-testid=campaign-create]").await?;
    wait_shown(client, "[data-testid=campaign-body]").await?;
    let cohort = count(client, "cohort").await?;
    if cohort < 5 {
        return Err(format!("cohort of {cohort}"));
    }
    wait_for("the policy context", WAIT, || async {
        let n = js(
            client,
            r#"return document.querySelectorAll('[data-testid="campaign-policy-line"]').length;"#,
        )
        .await?;
        Ok(if n.as_u64().unwrap_or(0) >= 4 {
            Poll::Ready(())
        } else {
            Poll::Pending(n.to_string())
        })
    })
    .await?;
    save_screenshot(client, "campaign-created.png").await?;

    // Step 1: passes, previewed, issued, saved once.
    type_into(client, "[data-testid=campaign-lifetime]", "120").await?;
    click(client, "[data-testid=campaign-preview][data-step='tap']").await?;
    wait_shown(client, "[data-testid=campaign-run]").await?;
    let advice = js(client, r#"return [...document.querySelectorAll('[data-testid="campaign-advice"]')].map(a => a.textContent).join(' ');"#).await?;
    if !advice.as_str().unwrap_or("").contains("10 minutes") {
        return Err(format!("no one-time advice: {advice}"));
    }
    save_screenshot(client, "campaign-tap-preview.png").await?;
    click(client, "[data-testid=campaign-run]").await?;
    wait_text(
        client,
        "[data-testid=campaign-result]",
        "passes to be issued",
        |t| t.starts_with("Run "),
    )
    .await?;
    wait_shown(client, "[data-testid=campaign-waiting]").await?;
    type_into(client, "[data-testid=campaign-tz]", "+01:00").await?;
    click(client, "[data-testid=campaign-save-passes]").await?;
    wait_text(
        client,
        "[data-testid=campaign-result]",
        "the passes to be saved",
        |t| t.starts_with("Saved"),
    )
    .await?;
    let file = saves.join("wave-1-passes.csv");
    let csv =
        std::fs::read_to_string(&file).map_err(|e| format!("read {}: {e}", file.display()))?;
    let passes: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split("\",\"").map(|c| c.trim_matches('"')).collect();
            (cells[0].to_string(), cells[2].to_string())
        })
        .collect();
    if !csv.contains("ValidFrom (UTC+01:00)") || passes.len() as u64 != cohort {
        return Err(format!(
            "passes file looks wrong ({} passes for {cohort}): {:?}",
            passes.len(),
            csv.lines().next()
        ));
    }
    // Saved once: the passes are gone from the app.
    wait_for("every user to be 'pass delivered'", WAIT, || async {
        let n = count(client, "passDelivered").await?;
        Ok(if n == cohort {
            Poll::Ready(())
        } else {
            Poll::Pending(n.to_string())
        })
    })
    .await?;
    if shown_waiting(client).await? {
        return Err("passes still wait after they were saved".into());
    }

    // Three users register with the pass from the file (Authenticator, a passkey, Authenticator).
    let all = users(client).await?;
    let mut registered = Vec::new();
    for ((upn, pass), method) in
        passes
            .iter()
            .take(3)
            .zip(["microsoftAuthenticator", "fido2", "microsoftAuthenticator"])
    {
        let (id, ..) = all
            .iter()
            .find(|(_, u, ..)| u == upn)
            .ok_or(format!("{upn} not in the table"))?
            .clone();
        js(
            client,
            r#"document.querySelector('[data-testid="campaign-sandbox"]').open = true; return 0;"#,
        )
        .await?;
        js(client, &format!(r#"document.querySelector('[data-testid="sandbox-user"]').value = "{id}"; document.querySelector('[data-testid="sandbox-method"]').value = "{method}"; return 0;"#)).await?;
        type_into(client, "[data-testid=sandbox-pass]", pass).await?;
        click(client, "[data-testid=sandbox-register]").await?;
        let reg = registered.len() as u64 + 1;
        wait_for("the registration to show", WAIT, || async {
            no_error(client).await?;
            let n = count(client, "registered").await?;
            Ok(if n == reg {
                Poll::Ready(())
            } else {
                Poll::Pending(n.to_string())
            })
        })
        .await?;
        registered.push(id);
    }
    js(
        client,
        r#"document.querySelector('[data-testid="campaign-user"]').scrollIntoView(); return 0;"#,
    )
    .await?;
    save_screenshot(client, "campaign-registered.png").await?;

    // Steps 3 and 4.
    run_step(client, "default", false, None).await?;
    run_step(client, "sms-sign-in-off", false, None).await?;

    // Step 5 over a threshold of 1: the count is typed; then undone.
    let before: Vec<u64> = users(client)
        .await?
        .into_iter()
        .filter(|u| registered.contains(&u.0))
        .map(|u| u.3)
        .collect();
    type_into(client, "[data-testid=campaign-threshold]", "1").await?;
    run_step(
        client,
        "remove-phones",
        true,
        Some("campaign-removal-confirm.png"),
    )
    .await?;
    wait_for("the registered users' phones to go", WAIT, || async {
        no_error(client).await?;
        let now: Vec<u64> = users(client)
            .await?
            .into_iter()
            .filter(|u| registered.contains(&u.0))
            .map(|u| u.3)
            .collect();
        Ok(if now.iter().sum::<u64>() < before.iter().sum::<u64>() {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{now:?} vs {before:?}"))
        })
    })
    .await?;
    let run = js(client, r#"return [...document.querySelectorAll('[data-testid="campaign-run"][data-step="remove-phones"]')].map(r => r.dataset.run)[0];"#).await?;
    let run = run.as_str().ok_or("no removal run listed")?.to_string();
    click(
        client,
        &format!("[data-testid=campaign-undo][data-run='{run}']"),
    )
    .await?;
    wait_for("the undo to restore the numbers", WAIT, || async {
        no_error(client).await?;
        let now: Vec<u64> = users(client)
            .await?
            .into_iter()
            .filter(|u| registered.contains(&u.0))
            .map(|u| u.3)
            .collect();
        Ok(if now == before {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{now:?} vs {before:?}"))
        })
    })
    .await?;
    js(
        client,
        r#"document.querySelector('[data-testid="campaign-view"]').scrollTop = 0; return 0;"#,
    )
    .await?;
    save_screenshot(client, "campaign-undone.png").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn report_tile_to_campaign_passes_registration_steps_and_undo() {
    let started = Instant::now();
    let app = app_binary().unwrap();
    let home: PathBuf =
        std::env::temp_dir().join(format!("prestage-e2e-campaign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let saves = home.join("saves");
    std::fs::create_dir_all(&saves).unwrap();
    let log = home.join("tauri-driver.log");
    let dir = |d: &str| home.join(d).display().to_string();
    let env: Vec<(String, String)> = [
        ("PRESTAGE_SANDBOX", "1".to_string()),
        ("XDG_CONFIG_HOME", dir("config")),
        ("XDG_DATA_HOME", dir("data")),
        ("XDG_CACHE_HOME", dir("cache")),
        ("PRESTAGE_DATA_DIR", dir("data")),
        ("PRESTAGE_SAVE_FILE", saves.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let driver = Driver::start_with_env(&log, &env).unwrap();
    let client = driver.session(&app).await.unwrap();
    let outcome = flow(&client, &saves).await;
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    let _ = std::fs::remove_dir_all(&home);
    eprintln!("campaign took {:.1} s", started.elapsed().as_secs_f32());
}
