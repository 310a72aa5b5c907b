//! Per-user MFA end to end, in the real webview against an out-of-process sandbox tenant (signed
//! in as its Global Administrator with `prestage-cli login`): open a user who has registered
//! nothing, see the state, the tenant's advice and "enforced" refused with the reason, set
//! "enabled", and see the tenant's own state change. A Privileged Authentication Administrator
//! sees why the section is closed to them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with user_fixes.rs, which uses every helper; this test uses some.
#[allow(dead_code)]
#[path = "user_fixes/support.rs"]
mod support;

use fantoccini::Client;
use prestage_e2e::page::{save_screenshot, wait_shown};
use prestage_e2e::world::World;
use serde_json::Value;
use support::*;

const GABY: &str = "gaby.admin@contoso-sandbox.onmicrosoft.com";

fn methodless(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod")
}

async fn pick(world: &World) -> Result<Value, String> {
    let all = users(world).await;
    // A first name no other user shares, so the search finds one row.
    let unique = |u: &Value| {
        let first = first_name(u);
        all.iter().filter(|o| first_name(o) == first).count() == 1
    };
    all.iter()
        .find(|u| {
            u["accountEnabled"] == true
                && u["userType"] == "Member"
                && u["roles"].as_array().unwrap().is_empty()
                && u["perUserMfaState"] == "disabled"
                && not_an_account(u)
                && methodless(u)
                && unique(u)
        })
        .cloned()
        .ok_or_else(|| "no unregistered user with a unique first name".to_string())
}

async fn set_flow(client: &Client, world: &World) -> Result<(), String> {
    let user = pick(world).await?;
    let name = user["displayName"].as_str().unwrap();
    wait_shown(client, "[data-testid=user-row]").await?;
    open_user(client, &first_name(&user), name).await?;
    wait_text(client, "[data-testid=mfa-state]", "disabled").await?;
    wait_text(
        client,
        "[data-testid=mfa-current]",
        "has no MFA method registered",
    )
    .await?;
    // Whether per-user MFA fits depends on the tenant's Conditional Access; it is said either way.
    wait_text(client, "[data-testid=mfa-tenant]", "Security defaults: off").await?;
    wait_text(client, "[data-testid=mfa-advice]", "per-user MFA").await?;
    wait_text(
        client,
        "[data-testid=mfa-unavailable]",
        "enforcing now would break their legacy apps",
    )
    .await?;
    scroll_to(client, "[data-testid=user-mfa]").await?;
    save_screenshot(client, "mfa-state-open.png").await?;

    client
        .execute(
            "const s = document.querySelector('[data-testid=mfa-select]'); s.value = 'enabled'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    click_when_enabled(client, "[data-testid=mfa-save]").await?;
    wait_text(
        client,
        "[data-testid=user-status]",
        "per-user MFA: disabled → enabled",
    )
    .await?;
    wait_text(
        client,
        "[data-testid=user-status]",
        "Policy.ReadWrite.AuthenticationMethod",
    )
    .await?;
    wait_text(client, "[data-testid=mfa-state]", "enabled").await?;
    scroll_to(client, "[data-testid=user-mfa]").await?;
    save_screenshot(client, "mfa-state-set.png").await?;

    let now = users(world).await;
    let after = now
        .iter()
        .find(|u| u["id"] == user["id"])
        .ok_or("the user is gone")?;
    if after["perUserMfaState"] != "enabled" {
        return Err(format!(
            "the tenant shows {} after the set",
            after["perUserMfaState"]
        ));
    }
    Ok(())
}

async fn paa_flow(client: &Client, world: &World) -> Result<(), String> {
    let user = pick(world).await?;
    let name = user["displayName"].as_str().unwrap();
    wait_shown(client, "[data-testid=user-row]").await?;
    open_user(client, &first_name(&user), name).await?;
    wait_text(
        client,
        "[data-testid=mfa-reason]",
        "cannot read per-user MFA state",
    )
    .await?;
    scroll_to(client, "[data-testid=user-mfa]").await?;
    save_screenshot(client, "mfa-state-paa.png").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_global_administrator_sets_per_user_mfa_for_one_user() {
    let app = App::start("mfa-state", Some(GABY)).await;
    let outcome = set_flow(&app.client, &app.world).await;
    app.finish(outcome).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_privileged_authentication_administrator_sees_why_per_user_mfa_is_closed() {
    let app = App::start("mfa-state-paa", None).await;
    let outcome = paa_flow(&app.client, &app.world).await;
    app.finish(outcome).await;
}
