//! Reading and driving the app's page through WebDriver: text of an element, is it shown, click,
//! wait until shown, fail fast on the error region, and screenshots after the last paint.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::{screenshot_dir, wait_for, Poll};

/// How long a screen may take to appear.
pub const WAIT: Duration = Duration::from_secs(30);

/// The text content of the element matching `css` ("" when there is none), whitespace folded.
/// WebDriver's own "element text" leaves out text it deems clipped, so read the DOM instead.
pub async fn text(client: &Client, css: &str) -> Result<String, String> {
    let value = client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
            vec![css.into()],
        )
        .await
        .map_err(|e| format!("text of {css}: {e}"))?;
    Ok(value
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" "))
}

/// Whether the element matching `css` exists and is not hidden (by itself or an ancestor).
pub async fn shown(client: &Client, css: &str) -> Result<bool, String> {
    let value = client
        .execute(
            "const e = document.querySelector(arguments[0]);
             return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;",
            vec![css.into()],
        )
        .await
        .map_err(|e| format!("is {css} shown: {e}"))?;
    Ok(value.as_bool().unwrap_or(false))
}

/// The error region's text when it is showing.
pub async fn error_text(client: &Client) -> Result<Option<String>, String> {
    Ok(if shown(client, "#error").await? {
        Some(text(client, "#error").await?)
    } else {
        None
    })
}

/// Fails at once with the app's own message when #error is showing.
pub async fn no_error(client: &Client) -> Result<(), String> {
    match error_text(client).await? {
        Some(message) => Err(format!("the app shows an error: {message}")),
        None => Ok(()),
    }
}

/// Waits until `css` is shown (failing early if the app shows an error).
pub async fn wait_shown(client: &Client, css: &str) -> Result<(), String> {
    wait_for(&format!("{css} to show"), WAIT, || async {
        no_error(client).await?;
        Ok(if shown(client, css).await? {
            Poll::Ready(())
        } else {
            Poll::Pending("not shown yet".into())
        })
    })
    .await
}

pub async fn click(client: &Client, css: &str) -> Result<(), String> {
    client
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("find {css}: {e}"))?
        .click()
        .await
        .map_err(|e| format!("click {css}: {e}"))
}

/// Saves a WebDriver screenshot as `tests/screenshots/<name>`.
pub async fn save_screenshot(client: &Client, name: &str) -> Result<(), String> {
    // WebKit captures the last painted frame: let the latest DOM change reach the screen first.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
            vec![],
        )
        .await
        .map_err(|e| format!("wait for a paint: {e}"))?;
    let png = client
        .screenshot()
        .await
        .map_err(|e| format!("screenshot: {e}"))?;
    let path = screenshot_dir().join(name);
    std::fs::write(&path, png).map_err(|e| format!("write {}: {e}", path.display()))?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}
