#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use prestage_sandbox::SandboxConfig;

use super::*;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

async fn run_args(args: &[&str]) -> (Result<bool, String>, String) {
    let cli = Cli::try_parse_from(std::iter::once("prestage-cli").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let mut out = Vec::new();
    let result = run_with(cli.command, &mut out).await;
    (result, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn phone_check_prints_graphs_form_or_the_reason() {
    let (ok, out) = run_args(&["phone", "check", "07400 123456", "--region", "GB"]).await;
    assert_eq!((ok, out.trim()), (Ok(true), "+44 7400123456"));
    let (ok, out) = run_args(&["phone", "check", "+1 425 555 0100 x12", "--type", "mobile"]).await;
    assert!(
        ok == Ok(false) && out.contains("only on the office phone"),
        "{out}"
    );
    let (ok, out) = run_args(&["phone", "check", "garbage", "--json"]).await;
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        ok == Ok(false)
            && json["problem"]
                .as_str()
                .unwrap()
                .contains("not a phone number")
    );
}

#[tokio::test]
async fn user_show_explains_what_the_role_may_do() {
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            auto_approve: true,
            users: 40,
            ..Default::default()
        },
        0,
    )
    .await
    .unwrap();
    let url = sandbox.base_url().to_string();
    let gaby = "gaby.admin@contoso-sandbox.onmicrosoft.com";
    let (ok, out) = run_args(&["user", "show", gaby, "--sandbox", &url, "--json"]).await;
    assert_eq!(ok, Ok(true));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["actions"]["write"]["allowed"], true, "{json}");
    let aa = "alex.wong@contoso-sandbox.onmicrosoft.com";
    let (ok, out) = run_args(&["user", "show", gaby, "--sandbox", &url, "--account", aa]).await;
    assert_eq!(ok, Ok(true));
    assert!(
        out.contains("you may not change") && out.contains("Global Administrator"),
        "{out}"
    );
    let (ok, _) = run_args(&["user", "reregister", gaby, "--sandbox", &url]).await;
    assert!(ok.unwrap_err().contains("--yes"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn why_asked_prints_the_reason_and_what_the_role_cannot_read() {
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            auto_approve: true,
            still_asked: true,
            ..Default::default()
        },
        0,
    )
    .await
    .unwrap();
    let url = sandbox.base_url().to_string();
    let domain = "contoso-sandbox.onmicrosoft.com";
    let gaby = format!("gaby.admin@{domain}");
    let nico = format!("nico.nudge@{domain}");
    let (ok, out) = run_args(&[
        "user",
        "why-asked",
        &nico,
        "--sandbox",
        &url,
        "--account",
        &gaby,
    ])
    .await;
    assert_eq!(ok, Ok(true));
    assert!(
        out.contains("ASKS      Registration campaign (nudge)"),
        "{out}"
    );
    let wendy = format!("wendy.ready@{domain}");
    let (ok, out) = run_args(&[
        "user",
        "why-asked",
        &wendy,
        "--sandbox",
        &url,
        "--account",
        &gaby,
        "--json",
    ])
    .await;
    assert_eq!(ok, Ok(true));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["asked"], false, "{json}");
    assert_eq!(
        json["findings"][0]["verdict"]["kind"], "doesNotAsk",
        "nothing unknown"
    );
    assert_eq!(json["partial"], false);
    let aa = format!("alex.wong@{domain}");
    let (ok, out) = run_args(&[
        "user",
        "why-asked",
        &nico,
        "--sandbox",
        &url,
        "--account",
        &aa,
    ])
    .await;
    assert_eq!(ok, Ok(true));
    assert!(out.contains("not known Conditional Access"), "{out}");
    assert!(
        out.contains("would tell: Global Reader, Security Reader"),
        "{out}"
    );
    let (ok, _) = run_args(&[
        "user",
        "why-asked",
        &format!("nobody@{domain}"),
        "--sandbox",
        &url,
    ])
    .await;
    assert!(ok.is_err(), "an unknown user is an error");
    let nora = format!("nora.nobody@{domain}");
    let (ok, _) = run_args(&[
        "user",
        "why-asked",
        &nico,
        "--sandbox",
        &url,
        "--account",
        &nora,
    ])
    .await;
    assert!(ok
        .unwrap_err()
        .contains("cannot read this user's authentication methods"));
    sandbox.shutdown().await;
}
