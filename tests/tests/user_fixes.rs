//! Single-user fixes end to end, in the real webview against an out-of-process sandbox tenant
//! (signed in with `prestage-cli login`): search → open a user with the keyboard; add a mobile,
//! change it, add an alternate; removing the mobile is blocked with the reason; SMS sign-in;
//! the default method; a Temporary Access Pass shown once; removing an Authenticator; the audit
//! log and its CSV — and an Authentication Administrator opening a Global Administrator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "user_fixes/support.rs"]
mod support;

use fantoccini::{Client, Locator};
use prestage_e2e::page::{click, save_screenshot, shown, text, wait_shown, WAIT};
use prestage_e2e::world::World;
use prestage_e2e::{wait_for, Poll};
use serde_json::Value;
use support::*;

async fn paa_flow(client: &Client, world: &World) -> Result<(), String> {
    let all = users(world).await;
    let pick = |f: &dyn Fn(&Value) -> bool| {
        all.iter()
            .find(|u| {
                u["accountEnabled"] == true
                    && u["userType"] == "Member"
                    && not_an_account(u)
                    && f(u)
            })
            .cloned()
    };
    let pilot = pick(&|u| {
        groups(u).contains(&"SMS sign-in pilot") && u["licensed"] == true && !has(u, "phone")
    })
    .ok_or("no pilot user without phones")?;
    let app_user =
        pick(&|u| has(u, "microsoftAuthenticator") && u["roles"].as_array().unwrap().is_empty())
            .ok_or("no user with Authenticator")?;
    let name = pilot["displayName"].as_str().unwrap();

    wait_shown(client, "[data-testid=user-row]").await?;
    open_user(client, &first_name(&pilot), name).await?;
    save_screenshot(client, "user-open.png").await?;

    type_phone(client, "mobile", "(206) 555-0100", "+1 2065550100").await?;
    save_screenshot(client, "user-add-mobile-preview.png").await?;
    click_when_enabled(client, "[data-testid=phone-save-mobile]").await?;
    wait_text(client, "[data-testid=user-status]", "add mobile").await?;
    wait_text(client, "[data-testid=phone-number-mobile]", "+1 2065550100").await?;
    save_screenshot(client, "user-add-mobile.png").await?;
    set_phone(
        client,
        "mobile",
        "+44 (0)7400 123456",
        "+44 7400123456",
        "change mobile",
        "user-change-mobile.png",
    )
    .await?;
    set_phone(
        client,
        "alternateMobile",
        "425 555 0100",
        "+1 4255550100",
        "add alternate mobile",
        "user-add-alternate.png",
    )
    .await?;

    // Removing the mobile now is refused by Graph's rule: the button is disabled with the reason.
    if enabled(client, "[data-testid=phone-remove-mobile]").await? {
        return Err("Remove mobile is enabled while an alternate mobile exists".into());
    }
    wait_text(
        client,
        "[data-testid=phone-remove-reason-mobile]",
        "while an alternate mobile exists",
    )
    .await?;
    scroll_to(client, "[data-testid=phone-remove-reason-mobile]").await?;
    save_screenshot(client, "user-remove-mobile-blocked.png").await?;

    // SMS sign-in: the service turned it on with the new mobile; off, then on again.
    wait_text(client, "[data-testid=sms-toggle]", "Turn off").await?;
    click_when_enabled(client, "[data-testid=sms-toggle]").await?;
    wait_text(client, "[data-testid=user-status]", "disable SMS sign-in").await?;
    wait_text(client, "[data-testid=sms-toggle]", "Turn on").await?;
    click_when_enabled(client, "[data-testid=sms-toggle]").await?;
    wait_text(client, "[data-testid=user-status]", "enable SMS sign-in").await?;
    wait_text(client, "[data-testid=sms-state]", "on and ready").await?;
    scroll_to(client, "[data-testid=user-sms]").await?;
    save_screenshot(client, "user-sms-sign-in.png").await?;

    // Default method: call the alternate mobile.
    client
        .execute(
            "const s = document.querySelector('[data-testid=default-select]'); s.value = 'voiceAlternateMobile'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    click_when_enabled(client, "[data-testid=default-save]").await?;
    wait_text(client, "[data-testid=user-status]", "set default method").await?;
    wait_text(
        client,
        "[data-testid=default-current]",
        "Call the alternate mobile",
    )
    .await?;
    scroll_to(client, "[data-testid=user-default]").await?;
    save_screenshot(client, "user-default-method.png").await?;

    // A Temporary Access Pass, shown once.
    click_when_enabled(client, "[data-testid=tap-open]").await?;
    wait_shown(client, "[data-testid=tap-dialog]").await?;
    wait_text(client, "[data-testid=tap-policy]", "60 to 480 minutes").await?;
    client
        .find(Locator::Css("[data-testid=tap-lifetime]"))
        .await
        .map_err(|e| e.to_string())?
        .clear()
        .await
        .map_err(|e| e.to_string())?;
    type_into(client, "[data-testid=tap-lifetime]", "120").await?;
    click(client, "[data-testid=tap-issue]").await?;
    wait_shown(client, "[data-testid=tap-pass]").await?;
    let pass = text(client, "[data-testid=tap-pass]").await?;
    if pass.len() < 8 {
        return Err(format!("the pass {pass:?} is too short"));
    }
    click(client, "[data-testid=tap-copy]").await?;
    save_screenshot(client, "user-tap.png").await?;
    click(client, "[data-testid=tap-close]").await?;
    wait_text(
        client,
        "[data-testid=user-methods]",
        "Temporary Access Pass",
    )
    .await?;
    if text(client, "body").await?.contains(&pass) {
        return Err("the pass stayed on the page after the dialog closed".into());
    }

    // Outside the SMS policy's sign-in group, SMS sign-in is off limits, with the policy's reason.
    let outsider = pick(&|u| {
        !groups(u).contains(&"SMS sign-in pilot")
            && u["methods"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["phoneType"] == "mobile")
    })
    .ok_or("no user with a mobile outside the SMS pilot")?;
    open_user(
        client,
        &first_name(&outsider),
        outsider["displayName"].as_str().unwrap(),
    )
    .await?;
    wait_text(
        client,
        "[data-testid=sms-reason]",
        "only members of \"SMS sign-in pilot\"",
    )
    .await?;
    if enabled(client, "[data-testid=sms-toggle]").await? {
        return Err("SMS sign-in can be turned on outside the policy".into());
    }
    scroll_to(client, "[data-testid=user-sms]").await?;
    save_screenshot(client, "user-sms-blocked.png").await?;

    // Remove an Authenticator, with confirmation.
    open_user(
        client,
        &first_name(&app_user),
        app_user["displayName"].as_str().unwrap(),
    )
    .await?;
    click_when_enabled(
        client,
        "[data-testid=method-remove][data-kind=microsoftAuthenticator]",
    )
    .await?;
    wait_shown(client, "[data-testid=confirm-dialog]").await?;
    save_screenshot(client, "user-remove-authenticator-confirm.png").await?;
    click(client, "[data-testid=confirm-ok]").await?;
    wait_text(
        client,
        "[data-testid=user-status]",
        "remove Microsoft Authenticator",
    )
    .await?;
    // The status line can paint before the method list re-renders: wait for the row to go.
    wait_for("the Authenticator row to go", WAIT, || async {
        let listed = shown(
            client,
            "[data-testid=method-row][data-kind=microsoftAuthenticator]",
        )
        .await?;
        Ok(if listed {
            Poll::Pending("still listed".to_string())
        } else {
            Poll::Ready(())
        })
    })
    .await?;
    save_screenshot(client, "user-remove-authenticator.png").await?;

    // The audit log lists every write, numbers masked; CSV export.
    click(client, "[data-testid=user-close]").await?;
    click(client, "[data-testid=audit-open]").await?;
    wait_shown(client, "[data-testid=audit-row]").await?;
    let log = text(client, "[data-testid=audit-rows]").await?;
    for needle in [
        "add mobile",
        "+1 XXXXXXXX00",
        "issue Temporary Access Pass",
        "remove Microsoft Authenticator",
    ] {
        if !log.contains(needle) {
            return Err(format!("the audit log lacks {needle:?}: {log}"));
        }
    }
    if log.contains("2065550100") || log.contains(&pass) {
        return Err(format!(
            "the audit log shows a full number or the pass: {log}"
        ));
    }
    click(client, "[data-testid=audit-export]").await?;
    // Through the save dialog, as the import's saves (PRESTAGE_SAVE_FILE stands in for it).
    let saved = wait_text(client, "[data-testid=audit-exported]", "Saved ").await?;
    let path = world
        .saves()
        .join(saved.trim_start_matches("Saved ").trim());
    let csv =
        std::fs::read_to_string(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
    if !csv.starts_with('\u{feff}') || !csv.contains("'+1 XXXXXXXX00") {
        return Err(format!("the CSV export: {csv}"));
    }
    save_screenshot(client, "user-audit.png").await
}

async fn aa_flow(client: &Client, world: &World) -> Result<(), String> {
    let all = users(world).await;
    let target = all
        .iter()
        .find(|u| {
            not_an_account(u)
                && u["roles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == "Global Administrator")
        })
        .ok_or("no Global Administrator besides the sign-in accounts")?;
    let name = target["displayName"].as_str().unwrap();
    wait_shown(client, "[data-testid=user-row]").await?;
    open_user(client, &first_name(target), name).await?;
    let refusal = wait_text(
        client,
        "[data-testid=user-write-refusal]",
        "this user is a Global Administrator",
    )
    .await?;
    if !refusal.contains("Authentication Administrator") {
        return Err(format!("refusal: {refusal}"));
    }
    for css in [
        "[data-testid=phone-input-mobile]",
        "[data-testid=phone-save-mobile]",
        "[data-testid=email-input]",
        "[data-testid=sms-toggle]",
        "[data-testid=default-save]",
        "[data-testid=tap-open]",
        "[data-testid=rereg-open]",
    ] {
        if enabled(client, css).await? {
            return Err(format!(
                "{css} is enabled for a target the role may not change"
            ));
        }
    }
    wait_text(
        client,
        "[data-testid=phone-set-reason-mobile]",
        "Privileged Authentication Administrator",
    )
    .await?;
    save_screenshot(client, "user-aa-global-admin.png").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_privileged_authentication_administrator_fixes_users_from_the_panel() {
    let app = App::start("user-fixes", None).await;
    let outcome = paa_flow(&app.client, &app.world).await;
    app.finish(outcome).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_authentication_administrator_sees_why_a_global_administrator_is_read_only() {
    let app = App::start(
        "user-fixes-aa",
        Some("alex.wong@contoso-sandbox.onmicrosoft.com"),
    )
    .await;
    let outcome = aa_flow(&app.client, &app.world).await;
    app.finish(outcome).await;
}
