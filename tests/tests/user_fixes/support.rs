//! Helpers of the single-user fixes end-to-end test: the sandbox's users, typing, waiting for
//! text, enabled buttons, opening a user from the search box, phone fields, and the signed-in app.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prestage_e2e::page::{click, no_error, save_screenshot, text, wait_shown, WAIT};
use prestage_e2e::world::World;
use prestage_e2e::{app_binary, wait_for, Driver, Poll};
use serde_json::Value;

/// The sandbox's users, from its control plane.
pub async fn users(world: &World) -> Vec<Value> {
    let url = format!("{}_sandbox/state", world.base);
    let body = reqwest::get(url).await.unwrap().text().await.unwrap();
    let state: Value = serde_json::from_str(&body).unwrap();
    state["users"].as_array().unwrap().clone()
}

pub fn has(u: &Value, kind: &str) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["@odata.type"].as_str().unwrap_or("").contains(kind))
}

pub fn groups(u: &Value) -> Vec<&str> {
    u["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

pub fn first_name(u: &Value) -> String {
    u["displayName"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Not one of the sandbox's five sign-in accounts.
pub fn not_an_account(u: &Value) -> bool {
    let upn = u["userPrincipalName"].as_str().unwrap();
    ![
        "gaby.admin@",
        "priya.patel@",
        "alex.wong@",
        "gwen.reader@",
        "nora.nobody@",
    ]
    .iter()
    .any(|a| upn.starts_with(a))
}

pub async fn type_into(client: &Client, css: &str, keys: &str) -> Result<(), String> {
    client
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("find {css}: {e}"))?
        .send_keys(keys)
        .await
        .map_err(|e| format!("type into {css}: {e}"))
}

/// Waits until the text of `css` contains `needle` (failing early on the error region).
pub async fn wait_text(client: &Client, css: &str, needle: &str) -> Result<String, String> {
    wait_for(&format!("{css} to say {needle:?}"), WAIT, || async {
        no_error(client).await?;
        let t = text(client, css).await?;
        Ok(if t.contains(needle) {
            Poll::Ready(t)
        } else {
            Poll::Pending(t)
        })
    })
    .await
}

pub async fn enabled(client: &Client, css: &str) -> Result<bool, String> {
    let v = client
        .execute(
            "const e = document.querySelector(arguments[0]); return !!e && !e.disabled;",
            vec![css.into()],
        )
        .await
        .map_err(|e| format!("is {css} enabled: {e}"))?;
    Ok(v.as_bool().unwrap_or(false))
}

pub async fn click_when_enabled(client: &Client, css: &str) -> Result<(), String> {
    wait_for(&format!("{css} to be enabled"), WAIT, || async {
        no_error(client).await?;
        Ok(if enabled(client, css).await? {
            Poll::Ready(())
        } else {
            Poll::Pending("disabled".into())
        })
    })
    .await?;
    click(client, css).await
}

/// Searches for `term` and opens the row named `name` with the arrow keys and Enter. A search
/// answer that lands after the arrow keys re-renders the list and drops the selection (as it
/// should: the rows changed), so the pick is checked before Enter and redone if the panel did
/// not open.
pub async fn open_user(client: &Client, term: &str, name: &str) -> Result<(), String> {
    let search = "[data-testid=user-search]";
    client
        .find(Locator::Css(search))
        .await
        .map_err(|e| e.to_string())?
        .clear()
        .await
        .map_err(|e| e.to_string())?;
    type_into(client, search, term).await?;
    wait_for(&format!("the panel of {name}"), WAIT, || async {
        no_error(client).await?;
        if text(client, "[data-testid=user-name]").await.ok().as_deref() == Some(name) {
            return Ok(Poll::Ready(()));
        }
        let Some((index, selected)) = settled_row_index(client, name).await? else {
            return Ok(Poll::Pending(format!("no settled row for {name}")));
        };
        let key = if index >= selected { Key::Down } else { Key::Up };
        for _ in 0..index.abs_diff(selected) {
            type_into(client, search, &key).await?;
        }
        let picked = client
            .execute(
                "const r = document.querySelector('[data-testid=user-row][aria-selected=true] .user-name'); return r ? r.textContent : null;",
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        if picked.as_str() != Some(name) {
            return Ok(Poll::Pending(format!("selected {picked}")));
        }
        type_into(client, search, &Key::Enter).await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        Ok(Poll::Pending("opening".into()))
    })
    .await?;
    wait_shown(client, "[data-testid=user-methods]").await
}

/// The position of `name` among the search results, and of the selected row (−1: none), once the
/// list is idle (no search in flight) and shows query results.
async fn settled_row_index(client: &Client, name: &str) -> Result<Option<(i64, i64)>, String> {
    let seen = client
        .execute(
            "const busy = document.getElementById('table-wrap').getAttribute('aria-busy') === 'true';
             const count = document.querySelector('[data-testid=user-count]').textContent;
             const names = [...document.querySelectorAll('[data-testid=user-row] .user-name')].map(e => e.textContent);
             const selected = [...document.querySelectorAll('[data-testid=user-row]')].findIndex(r => r.getAttribute('aria-selected') === 'true');
             return { busy, count, names, selected };",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    let idle = seen["busy"] == false && seen["count"].as_str().is_some_and(|c| c.contains("match"));
    let index = seen["names"]
        .as_array()
        .and_then(|names| names.iter().position(|n| n.as_str() == Some(name)));
    let selected = seen["selected"].as_i64().unwrap_or(-1);
    Ok(index
        .filter(|_| idle)
        .map(|i| (i64::try_from(i).unwrap_or(i64::MAX), selected)))
}

/// Types a number and waits for the live preview of what will be sent.
pub async fn type_phone(
    client: &Client,
    slot: &str,
    typed: &str,
    sent: &str,
) -> Result<(), String> {
    type_into(client, &format!("[data-testid=phone-input-{slot}]"), typed).await?;
    wait_text(
        client,
        &format!("[data-testid=phone-preview-{slot}]"),
        &format!("Will send {sent}"),
    )
    .await?;
    Ok(())
}

/// Types a number, saves it, waits for the status line and the new number, takes `shot`.
pub async fn set_phone(
    client: &Client,
    slot: &str,
    typed: &str,
    sent: &str,
    done: &str,
    shot: &str,
) -> Result<(), String> {
    type_phone(client, slot, typed, sent).await?;
    click_when_enabled(client, &format!("[data-testid=phone-save-{slot}]")).await?;
    wait_text(client, "[data-testid=user-status]", done).await?;
    wait_text(client, &format!("[data-testid=phone-number-{slot}]"), sent).await?;
    save_screenshot(client, shot).await
}

/// Scrolls the element matching `css` to the middle of the view (before a screenshot).
pub async fn scroll_to(client: &Client, css: &str) -> Result<(), String> {
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![css.into()],
        )
        .await
        .map(drop)
        .map_err(|e| format!("scroll to {css}: {e}"))
}

/// A sandbox tenant, the app signed in to it through the CLI (as `account`), and a session.
pub struct App {
    pub world: World,
    pub driver: Driver,
    pub client: Client,
}

impl App {
    pub async fn start(name: &str, account: Option<&str>) -> App {
        let world = World::start_with(name, &["--auto-approve"]).unwrap();
        let base = world.base.clone();
        let mut args = vec!["login", "--sandbox", base.as_str()];
        if let Some(a) = account {
            args.extend(["--account", a]);
        }
        let (ok, out) = world.cli(&args).unwrap();
        assert!(ok, "{out}");
        let driver = Driver::start_with_env(
            &world.home.join("tauri-driver.log"),
            &world.sandbox_signed_in_env(),
        )
        .unwrap();
        let client = driver.session(&app_binary().unwrap()).await.unwrap();
        App {
            world,
            driver,
            client,
        }
    }

    pub async fn finish(self, outcome: Result<(), String>) {
        let closed = self.client.close().await;
        let log = self.driver.log().to_owned();
        drop(self.driver);
        outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
        closed.unwrap();
        assert!(
            self.world.token_text_in_files(&[]).is_empty(),
            "token text left behind"
        );
    }
}
