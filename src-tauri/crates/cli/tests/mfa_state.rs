//! `prestage-cli mfa-state show|set` as a real process against an in-process sandbox, with its
//! audit log in a private data dir: show (text and --json), set for one user, "enforced" refused
//! before registration, a role that may not, and a state that is not one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use prestage_sandbox::SandboxConfig;
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_prestage-cli");
const GABY: &str = "gaby.admin@contoso-sandbox.onmicrosoft.com";
const PRIYA: &str = "priya.patel@contoso-sandbox.onmicrosoft.com";

fn private_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prestage-cli-mfa-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `prestage-cli mfa-state <args> --sandbox URL --account UPN`: (exit code, stdout, stderr).
fn mfa(url: &str, dir: &Path, account: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(CLI)
        .env("PRESTAGE_DATA_DIR", dir.join("data"))
        .env("PRESTAGE_CONFIG_DIR", dir.join("config"))
        .arg("mfa-state")
        .args(args)
        .args(["--sandbox", url, "--account", account])
        .output()
        .expect("run prestage-cli");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn user_where(dump: &Value, pred: impl Fn(&Value) -> bool) -> String {
    dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .find(|u| {
            u["accountEnabled"] == true
                && u["userType"] == "Member"
                && u["roles"].as_array().unwrap().is_empty()
                && u["perUserMfaState"] == "disabled"
                && pred(u)
        })
        .unwrap()["userPrincipalName"]
        .as_str()
        .unwrap()
        .to_string()
}

fn methodless(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod")
}

fn state_of(dump: &Value, upn: &str) -> String {
    dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["userPrincipalName"] == upn)
        .unwrap()["perUserMfaState"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_and_set_one_user() {
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            auto_approve: true,
            users: 60,
            ..Default::default()
        },
        0,
    )
    .await
    .unwrap();
    let url = sandbox.base_url().to_string();
    let dir = private_dir("set");
    let bare = user_where(&sandbox.dump(), methodless);
    let (url2, dir2, bare2) = (url.clone(), dir.clone(), bare.clone());
    let run = move |account: &'static str, args: Vec<String>| {
        let (url, dir) = (url2.clone(), dir2.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                mfa(&url, &dir, account, &args)
            })
            .await
            .unwrap()
        }
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();

    let (code, out, err) = run(GABY, s(&["show", &bare2])).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("per-user MFA disabled") && out.contains("has no MFA method registered"),
        "{out}"
    );
    assert!(
        out.contains("security defaults: off; Conditional Access:"),
        "{out}"
    );

    let (code, out, err) = run(GABY, s(&["set", &bare2, "enforced"])).await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("no MFA method registered"), "{err}");
    assert_eq!(state_of(&sandbox.dump(), &bare), "disabled", "nothing sent");

    let (code, out, err) = run(GABY, s(&["set", &bare2, "Enabled"])).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("disabled → enabled") && out.contains("Policy.ReadWrite.AuthenticationMethod"),
        "{out}"
    );
    assert_eq!(state_of(&sandbox.dump(), &bare), "enabled");

    let (code, out, _) = run(GABY, s(&["show", &bare2, "--json"])).await;
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["state"], "enabled");
    assert_ne!(json["tenant"]["fit"], "unknown");
    assert_eq!(json["choices"][2]["state"], "enforced");
    assert!(json["choices"][2]["refusal"]
        .as_str()
        .unwrap()
        .contains("no MFA method"));

    // The default sandbox account (a Privileged Authentication Administrator) may not.
    let (code, _, err) = run(PRIYA, s(&["show", &bare2])).await;
    assert_eq!(code, 1);
    assert!(err.contains("cannot read per-user MFA state"), "{err}");
    let (code, _, err) = run(GABY, s(&["set", &bare2, "sometimes"])).await;
    assert_eq!(code, 1);
    assert!(err.contains("use disabled, enabled or enforced"), "{err}");

    let audit = std::fs::read_to_string(dir.join("data").join("audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 1, "{audit}");
    assert!(audit.contains("\"method\":\"per-user MFA\""));
    sandbox.shutdown().await;
}
