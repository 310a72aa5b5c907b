//! The walking skeleton, end to end: the built app starts on the sandbox tenant, signs in, lists
//! users, and narrows the list as the user types. Screenshots land in tests/screenshots/.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use prestage_e2e::page::{no_error, save_screenshot, text};
use prestage_e2e::{app_binary, wait_for, Driver, Poll};
use serde::Deserialize;

const WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Deserialize)]
struct Row {
    name: String,
    upn: String,
}

/// The table as the user sees it, read in one round trip.
async fn rows(client: &Client) -> Result<Vec<Row>, String> {
    let value = client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="user-row"]')].map(r => ({
                   name: r.querySelector('.user-name').textContent,
                   upn: r.querySelector('.upn').textContent }));"#,
            vec![],
        )
        .await
        .map_err(|e| format!("read rows: {e}"))?;
    serde_json::from_value(value).map_err(|e| format!("rows JSON: {e}"))
}

/// A word from the listed names that matches several shown users (one at least) but clearly
/// fewer than all of them.
fn pick_term(rows: &[Row]) -> Option<String> {
    let matches = |term: &str| rows.iter().filter(|r| row_matches(r, term)).count();
    let candidates: Vec<(&str, usize)> = rows
        .iter()
        .flat_map(|r| r.name.split_whitespace())
        .filter(|w| w.len() >= 3 && w.chars().all(char::is_alphabetic))
        .map(|w| (w, matches(w)))
        .filter(|(_, n)| (1..=rows.len() / 4).contains(n))
        .collect();
    candidates
        .iter()
        .find(|(_, n)| *n >= 2)
        .or(candidates.first())
        .map(|(w, _)| (*w).to_owned())
}

fn row_matches(row: &Row, term: &str) -> bool {
    let term = term.to_lowercase();
    row.name.to_lowercase().contains(&term) || row.upn.to_lowercase().contains(&term)
}

async fn flow(client: &Client) -> Result<(), String> {
    // 1. Signed in to the sandbox, the first page of users shows.
    let all = wait_for("the user table to have rows", WAIT, || async {
        no_error(client).await?;
        Ok(match rows(client).await {
            Ok(rows) if !rows.is_empty() => Poll::Ready(rows),
            Ok(_) => Poll::Pending("an empty table".into()),
            Err(e) => Poll::Pending(e),
        })
    })
    .await?;
    eprintln!("{} users listed", all.len());

    let account = wait_for("the account chip", WAIT, || async {
        Ok(match text(client, "#account").await {
            Ok(chip) if !chip.is_empty() => Poll::Ready(chip),
            Ok(_) => Poll::Pending("an empty chip".into()),
            Err(e) => Poll::Pending(e),
        })
    })
    .await?;
    if !account.contains("Privileged Authentication Administrator") {
        return Err(format!("account chip shows {account:?}"));
    }
    let badge = client
        .find(Locator::Css("[data-testid=sandbox-badge]"))
        .await
        .map_err(|e| format!("find sandbox badge: {e}"))?;
    if !badge.is_displayed().await.unwrap_or(false) {
        return Err("the Sandbox tenant badge is not shown".into());
    }
    save_screenshot(client, "skeleton.png").await?;

    // 2. Typing narrows the table to matching users.
    let term = pick_term(&all).ok_or("no search term found among the listed names")?;
    eprintln!("searching for {term:?}");
    let search = client
        .find(Locator::Css("[data-testid=user-search]"))
        .await
        .map_err(|e| format!("find search box: {e}"))?;
    search
        .send_keys(&term)
        .await
        .map_err(|e| format!("type into search box: {e}"))?;
    let narrowed = wait_for(
        &format!("the table to narrow to users matching {term:?}"),
        WAIT,
        || async {
            no_error(client).await?;
            let rows = match rows(client).await {
                Ok(rows) => rows,
                Err(e) => return Ok(Poll::Pending(e)),
            };
            let strays: Vec<_> = rows.iter().filter(|r| !row_matches(r, &term)).collect();
            Ok(
                if !rows.is_empty() && rows.len() < all.len() && strays.is_empty() {
                    Poll::Ready(rows)
                } else {
                    Poll::Pending(format!("{} rows, not matching: {strays:?}", rows.len()))
                },
            )
        },
    )
    .await?;
    eprintln!("{} users match {term:?}", narrowed.len());
    let count = text(client, "[data-testid=user-count]").await?;
    if !count.starts_with(&narrowed.len().to_string()) {
        return Err(format!("count says {count:?} for {} rows", narrowed.len()));
    }
    save_screenshot(client, "skeleton-search.png").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_users_on_the_sandbox_and_narrows_by_search() {
    let started = Instant::now();
    let app = app_binary().unwrap();
    let home = std::env::temp_dir().join(format!("prestage-e2e-skeleton-{}", std::process::id()));
    let log = home.join("tauri-driver.log");
    std::fs::create_dir_all(&home).unwrap();
    // The in-process sandbox tenant, with settings in a private dir (never the real user's).
    let env: Vec<(String, String)> = [
        ("PRESTAGE_SANDBOX", "1".to_string()),
        ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
        ("XDG_DATA_HOME", home.join("data").display().to_string()),
        ("XDG_CACHE_HOME", home.join("cache").display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let driver = Driver::start_with_env(&log, &env).unwrap();
    let client = driver.session(&app).await.unwrap();
    eprintln!("session after {:.1} s", started.elapsed().as_secs_f32());

    let outcome = flow(&client).await;
    // Closing the session quits the app; then the driver gets SIGTERM when dropped.
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    let _ = std::fs::remove_dir_all(&home);
    eprintln!("e2e flow took {:.1} s", started.elapsed().as_secs_f32());
}
