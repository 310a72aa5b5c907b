//! The Report tab as tests drive it: open it and wait for the whole report.

use std::time::Duration;

use fantoccini::Client;

use crate::page::{click, no_error, text, wait_shown};
use crate::{wait_for, Poll};

/// Opens the Report tab, waits until every row is in (`wait` at most) and returns the source line.
pub async fn open_report(client: &Client, wait: Duration) -> Result<String, String> {
    wait_shown(client, "[data-testid=nav-report]").await?;
    click(client, "[data-testid=nav-report]").await?;
    wait_for("the report to finish", wait, || async {
        no_error(client).await?;
        let button = text(client, "[data-testid=report-run]").await?;
        let count = text(client, "[data-testid=report-count]").await?;
        Ok(if button.contains("again") && !count.starts_with("0 of") {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{button:?}, {count:?}"))
        })
    })
    .await?;
    text(client, "[data-testid=report-source-line]").await
}
