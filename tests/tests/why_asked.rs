//! "Why asked to register?" end to end in the real webview on the in-process sandbox tenant:
//! as a Global Administrator, from a report row, Carmen (Conditional Access asks for a
//! phishing-resistant strength) and Wendy (nothing readable asks); then as an Authentication
//! Administrator, the same row says which parts that role cannot read and which role would tell.
//! Screenshots: tests/screenshots/why-asked-{report,not-asked,authentication-administrator}.png.

// The launch helper panics on purpose, like the test functions it serves.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use fantoccini::{Client, Locator};
use prestage_e2e::page::{click, no_error, save_screenshot, text, wait_shown};
use prestage_e2e::report_tab;
use prestage_e2e::sandbox_app::SandboxApp;
use prestage_e2e::{wait_for, Poll};

const WAIT: Duration = Duration::from_secs(90);

/// Filters the report to `name` and clicks the row's "Why asked?".
async fn why_from_row(client: &Client, name: &str) -> Result<(), String> {
    let search = client
        .find(Locator::Css("[data-testid=report-search]"))
        .await
        .map_err(|e| format!("find search: {e}"))?;
    search.clear().await.map_err(|e| format!("clear: {e}"))?;
    search
        .send_keys(name)
        .await
        .map_err(|e| format!("type: {e}"))?;
    wait_for(&format!("the row of {name}"), WAIT, || async {
        let count = text(client, "[data-testid=report-count]").await?;
        Ok(if count.starts_with("1 of") {
            Poll::Ready(())
        } else {
            Poll::Pending(count)
        })
    })
    .await?;
    let open = text(client, "[data-testid=report-row] [data-testid=report-open]").await?;
    if open != name {
        return Err(format!("the row shows {open:?}, not {name:?}"));
    }
    click(client, "[data-testid=report-row] [data-testid=report-why]").await?;
    wait_shown(client, "[data-testid=user-panel]").await?;
    wait_for(&format!("the diagnosis of {name}"), WAIT, || async {
        no_error(client).await?;
        let who = text(client, "[data-testid=user-name]")
            .await
            .unwrap_or_default();
        let summary = text(client, "[data-testid=why-summary]")
            .await
            .unwrap_or_default();
        Ok(if who == name && summary.contains(name) {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{who:?}: {summary:?}"))
        })
    })
    .await?;
    // Bring the diagnosis into view for the screenshot.
    client
        .execute(
            "document.querySelector('[data-testid=user-why]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .map_err(|e| format!("scroll: {e}"))?;
    Ok(())
}

/// The verdict shown for a topic, and the "Would tell" line under it (if any).
async fn finding(client: &Client, topic: &str) -> Result<(String, String), String> {
    let v = client
        .execute(
            &format!(
                "const f = document.querySelector('[data-testid=why-finding][data-topic={topic}]');
                 if (!f) return null;
                 const n = f.querySelector('[data-testid=why-needs]');
                 return [f.getAttribute('data-verdict'), n ? n.textContent : ''];"
            ),
            vec![],
        )
        .await
        .map_err(|e| format!("read finding: {e}"))?;
    serde_json::from_value(v).map_err(|e| format!("no finding for {topic}: {e}"))
}

async fn global_administrator_flow(client: &Client) -> Result<(), String> {
    report_tab::open_report(client, WAIT).await?;
    why_from_row(client, "Carmen Payments").await?;
    let summary = text(client, "[data-testid=why-summary]").await?;
    let (verdict, _) = finding(client, "conditionalAccess").await?;
    if !summary.contains("Conditional Access") || verdict != "asks" {
        return Err(format!(
            "Carmen: {summary:?}, Conditional Access {verdict:?}"
        ));
    }
    let text_ca = text(
        client,
        "[data-testid=why-finding][data-topic=conditionalAccess] .why-text",
    )
    .await?;
    if !text_ca.contains("Payments team: phishing-resistant MFA") {
        return Err(format!("the policy is not named: {text_ca:?}"));
    }
    save_screenshot(client, "why-asked-report.png").await?;
    click(client, "[data-testid=user-close]").await?;

    why_from_row(client, "Wendy Ready").await?;
    let summary = text(client, "[data-testid=why-summary]").await?;
    if !summary.starts_with("Nothing Prestage could read asks Wendy Ready to register") {
        return Err(format!("Wendy: {summary:?}"));
    }
    save_screenshot(client, "why-asked-not-asked.png").await?;
    Ok(())
}

async fn authentication_administrator_flow(client: &Client) -> Result<(), String> {
    report_tab::open_report(client, WAIT).await?;
    why_from_row(client, "Carmen Payments").await?;
    for topic in ["conditionalAccess", "securityDefaults", "sspr"] {
        let (verdict, needs) = finding(client, topic).await?;
        if verdict != "cannotKnow" || !needs.contains("Global Reader") {
            return Err(format!("{topic}: {verdict:?} {needs:?}"));
        }
    }
    let summary = text(client, "[data-testid=why-summary]").await?;
    if !summary.starts_with("Nothing your role could read asks Carmen Payments to register, but these could not be read") {
        return Err(format!("the summary hides what was not read: {summary:?}"));
    }
    let (campaign, _) = finding(client, "registrationCampaign").await?;
    if campaign != "doesNotAsk" {
        return Err(format!(
            "the campaign is readable for this role: {campaign:?}"
        ));
    }
    save_screenshot(client, "why-asked-authentication-administrator.png").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn why_asked_from_a_report_row_for_each_role() {
    let role = |r: &str| [("PRESTAGE_SANDBOX_ROLE", r.to_string())];
    let app = SandboxApp::launch("why-asked", &role("global-administrator"))
        .await
        .unwrap();
    let outcome = global_administrator_flow(&app.client).await;
    app.finish(outcome).await.unwrap();
    let app = SandboxApp::launch("why-asked-aa", &role("authentication-administrator"))
        .await
        .unwrap();
    let outcome = authentication_administrator_flow(&app.client).await;
    app.finish(outcome).await.unwrap();
}
