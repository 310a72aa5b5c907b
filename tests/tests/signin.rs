//! Sign-in end to end, in the real webview against an out-of-process sandbox tenant: the sign-in
//! and setup screens, a browser sign-in (the test is the person at the browser), the account chip
//! and roles panel, a restart that is signed in with no browser (refresh token from the real OS
//! keychain), sign-out, quit — and then no token text in any file the app wrote, nor its log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use fantoccini::Client;
use prestage_e2e::page::{click, no_error, save_screenshot, shown, text, wait_shown, WAIT};
use prestage_e2e::world::World;
use prestage_e2e::{app_binary, wait_for, Driver, Poll};

/// Opens the app in a new WebDriver session of `driver`.
async fn launch(driver: &Driver) -> Result<Client, String> {
    driver.session(&app_binary()?).await
}

async fn first_run(client: &Client, world: &World) -> Result<(), String> {
    wait_shown(client, "[data-testid=signin-view]").await?;
    if shown(client, "[data-testid=account-chip]").await? {
        return Err("signed in before signing in".into());
    }
    save_screenshot(client, "signin.png").await?;

    click(client, "[data-testid=signin-change]").await?;
    wait_shown(client, "[data-testid=consent-link]").await?;
    client
        .execute(
            "document.querySelector('[data-testid=consent]').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .map_err(|e| format!("scroll: {e}"))?;
    let link = text(client, "[data-testid=consent-link]").await?;
    if !link.starts_with(&format!(
        "{}{}/v2.0/adminconsent?client_id=",
        world.base, world.tenant_id
    )) {
        return Err(format!("admin-consent link {link:?}"));
    }
    save_screenshot(client, "setup.png").await?;
    click(client, "[data-testid=setup-back]").await?;
    wait_shown(client, "[data-testid=signin-view]").await?;

    click(client, "[data-testid=signin-browser]").await?;
    wait_shown(client, "[data-testid=signin-waiting]").await?;
    save_screenshot(client, "signin-waiting.png").await?;
    world.sign_in_at_the_browser(1, &world.account).await?;
    signed_in(client, "signed-in.png").await?;
    if !world.keychain_has_entry()? {
        return Err("no refresh token in the OS keychain after sign-in".into());
    }
    Ok(())
}

/// The account chip shows the PAA, the users list loads, and the roles panel says what they may do.
async fn signed_in(client: &Client, screenshot: &str) -> Result<(), String> {
    wait_shown(client, "[data-testid=account-chip]").await?;
    wait_shown(client, "[data-testid=user-row]").await?;
    let chip = text(client, "[data-testid=account-chip]").await?;
    if !chip.contains("Privileged Authentication Administrator") {
        return Err(format!("account chip shows {chip:?}"));
    }
    if shown(client, "[data-testid=sandbox-badge]").await? {
        return Err("a real-style tenant is marked as the in-process sandbox".into());
    }
    click(client, "[data-testid=account-chip]").await?;
    wait_shown(client, "[data-testid=account-panel]").await?;
    let panel = text(client, "[data-testid=account-panel]").await?;
    for needle in [
        "Contoso Sandbox",
        "Can change any user's",
        "registration report",
    ] {
        if !panel.contains(needle) {
            return Err(format!("the roles panel lacks {needle:?}: {panel}"));
        }
    }
    save_screenshot(client, screenshot).await
}

async fn after_restart(client: &Client, world: &World) -> Result<(), String> {
    signed_in(client, "after-restart.png").await?;
    let opened = world.browser_urls().len();
    if opened != 1 {
        return Err(format!(
            "the browser was opened {opened} times; a restart must not"
        ));
    }
    click(client, "[data-testid=sign-out]").await?;
    wait_shown(client, "[data-testid=remembered]").await?;
    let remembered = text(client, "[data-testid=remembered]").await?;
    if !remembered.contains(&world.account) {
        return Err(format!("sign-in screen offers {remembered:?}"));
    }
    if world.keychain_has_entry()? {
        return Err("sign-out left the refresh token in the OS keychain".into());
    }

    // Device codes are opt-in: hidden until the setup screen turns them on.
    if shown(client, "[data-testid=signin-device]").await? {
        return Err("device-code sign-in is offered before it was turned on".into());
    }
    click(client, "[data-testid=signin-change]").await?;
    wait_shown(client, "[data-testid=setup-device-code]").await?;
    click(client, "[data-testid=setup-device-code]").await?;
    click(client, "[data-testid=setup-save]").await?;
    wait_shown(client, "[data-testid=signin-device]").await?;

    // The device-code fallback shows a code to type elsewhere; Cancel returns quietly.
    click(client, "[data-testid=signin-device]").await?;
    wait_shown(client, "[data-testid=device-code]").await?;
    let code = text(client, "[data-testid=device-code]").await?;
    if code.len() < 6 || text(client, "#device-uri").await?.is_empty() {
        return Err(format!("device code {code:?}"));
    }
    save_screenshot(client, "device-code.png").await?;
    click(client, "[data-testid=signin-cancel]").await?;
    wait_for("the device code to go away", WAIT, || async {
        no_error(client).await?;
        Ok(match shown(client, "[data-testid=device-panel]").await? {
            false => Poll::Ready(()),
            true => Poll::Pending("device panel still shown".into()),
        })
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_sign_in_survives_a_restart_and_sign_out_leaves_no_token_behind() {
    let started = Instant::now();
    let world = World::start("signin").unwrap();
    let log = world.home.join("tauri-driver.log");
    let driver = Driver::start_with_env(&log, &world.app_env()).unwrap();

    let client = launch(&driver).await.unwrap();
    let outcome = first_run(&client, &world).await;
    let closed = client.close().await; // quits the app
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    eprintln!("signed in after {:.1} s", started.elapsed().as_secs_f32());

    let client = launch(&driver).await.unwrap();
    let outcome = after_restart(&client, &world).await;
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();

    let settings = world.home.join("config/app.prestage.desktop/settings.json");
    let remembered = std::fs::read_to_string(&settings).unwrap_or_default();
    assert!(
        remembered.contains(&world.account),
        "the app's config dir is {}",
        settings.display()
    );
    // The driver's log (the app's stdout and stderr too) lives in the private home.
    let leaks = world.token_text_in_files(&[]);
    assert!(leaks.is_empty(), "token text left behind: {leaks:#?}");
    eprintln!("sign-in flow took {:.1} s", started.elapsed().as_secs_f32());
}
