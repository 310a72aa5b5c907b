//! The CLI twin shares the app's settings and OS keychain: `prestage-cli login` against an
//! auto-approving sandbox URL (no browser), `whoami`, then the app starts signed in with no
//! browser, signs out, and the CLI sees that; `logout` when already out is harmless.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use prestage_e2e::page::{click, text, wait_shown};
use prestage_e2e::world::World;
use prestage_e2e::{app_binary, Driver};

fn cli(world: &World, args: &[&str]) -> (bool, String) {
    let (ok, out) = world.cli(args).unwrap();
    eprintln!("$ prestage-cli {}\n{out}", args.join(" "));
    assert!(!out.contains("sbx-"), "the CLI printed token text");
    (ok, out)
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_login_is_the_apps_sign_in_and_app_sign_out_is_the_clis() {
    let world = World::start_with("cli", &["--auto-approve"]).unwrap();
    let (ok, out) = cli(&world, &["whoami"]);
    assert!(!ok && out.contains("not signed in"), "{out}");

    let (ok, out) = cli(&world, &["login", "--sandbox", &world.base]);
    assert!(ok && out.contains(&world.account), "{out}");
    let (ok, out) = cli(&world, &["whoami"]);
    assert!(
        !ok && out.contains("not signed in"),
        "a sandbox sign-in stays out of the shared settings: {out}"
    );
    let (ok, out) = cli(&world, &["whoami", "--sandbox", &world.base]);
    assert!(
        ok && out.contains("Privileged Authentication Administrator"),
        "{out}"
    );
    assert!(world.keychain_has_entry().unwrap());

    let log = world.home.join("tauri-driver.log");
    let driver = Driver::start_with_env(&log, &world.sandbox_signed_in_env()).unwrap();
    let client = driver.session(&app_binary().unwrap()).await.unwrap();
    let outcome = async {
        wait_shown(&client, "[data-testid=account-chip]").await?;
        let chip = text(&client, "[data-testid=account-chip]").await?;
        click(&client, "[data-testid=account-chip]").await?;
        click(&client, "[data-testid=sign-out]").await?;
        wait_shown(&client, "[data-testid=signin-view]").await?;
        Ok::<String, String>(chip)
    }
    .await;
    let closed = client.close().await;
    drop(driver);
    let chip = outcome.unwrap_or_else(|e| panic!("{e}\n(tauri-driver log: {})", log.display()));
    closed.unwrap();
    assert!(
        chip.contains("Privileged Authentication Administrator"),
        "{chip}"
    );
    assert!(world.browser_urls().is_empty(), "no browser was opened");

    let (ok, out) = cli(&world, &["whoami", "--sandbox", &world.base]);
    assert!(!ok && out.contains("is signed out"), "{out}");
    let (ok, out) = cli(&world, &["logout", "--sandbox", &world.base]);
    assert!(ok && out.contains("Signed out"), "{out}");
    assert!(!world.keychain_has_entry().unwrap());
    assert!(
        world.token_text_in_files(&[]).is_empty(),
        "token text left behind"
    );
}
