//! The unattended directory run, with real processes: a certificate made by this test, a sandbox
//! tenant process that registers it as an app (`sandbox --app-certificate`), and
//! `prestage-cli prepopulate --from-directory` signing in app-only: preview, `--max-changes`
//! stopping a run before any write, apply, a second run that changes nothing, `app-auth check`,
//! and a key file others can read, a wrong key, an unregistered certificate and an assertion
//! outside its valid time refused with a clear message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{start_sandbox, CLI};

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn cli(data: &Path, args: &[&str]) -> Output {
    Command::new(CLI)
        .env("PRESTAGE_DATA_DIR", data)
        .env("PRESTAGE_CONFIG_DIR", data.join("config"))
        .env("PRESTAGE_KEYCHAIN_SERVICE", "app.prestage.test-unattended")
        .args(args)
        .output()
        .expect("run prestage-cli")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The run id in the summary line ("— run <ID>, results …").
fn applied_said(said: &str) -> String {
    said.split(" run ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .map(|id| id.trim().to_string())
        .unwrap_or_else(|| panic!("no run id in {said}"))
}

fn writes_applied(url: &str) -> u64 {
    let state: Value = block_on(async {
        reqwest::get(format!("{url}_sandbox/state"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    state["counters"]["writesApplied"].as_u64().unwrap()
}

#[test]
fn an_unattended_directory_run_with_a_certificate() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("prestage-unattended-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (key, cert) = prestage_sandbox::self_signed_certificate("prestage-unattended", 60).unwrap();
    let cert_path = dir.join("app.crt");
    std::fs::write(&cert_path, &cert).unwrap();
    let key_path = dir.join("app.pem");
    write_private(&key_path, &format!("{key}{cert}"));
    let cert_arg = cert_path.display().to_string();
    let sandbox = start_sandbox(
        &[
            "--users",
            "400",
            "--seed",
            "12",
            "--auto-approve",
            "--latency-ms",
            "1",
            "--jitter-ms",
            "1",
            "--app-certificate",
            &cert_arg,
        ],
        true,
    );
    let client_id = sandbox.client_id.clone().expect("app client id");
    let key_arg = key_path.to_str().unwrap();
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "prepopulate",
            "--from-directory",
            "--group",
            prestage_sandbox::STAGING_GROUP,
            "--region",
            "GB",
            "--app-client-id",
            &client_id,
            "--sandbox",
            &sandbox.url,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str]| {
        let args = base(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        cli(&dir, &refs)
    };

    // app-auth check: key, certificate and the three permissions are in place.
    let check = cli(
        &dir,
        &[
            "app-auth",
            "check",
            "--app-client-id",
            &client_id,
            "--app-certificate-key",
            key_arg,
            "--sandbox",
            &sandbox.url,
        ],
    );
    let said = text(&check);
    assert!(check.status.success(), "{said}");
    assert!(
        said.contains("permission:  UserAuthMethod-Phone.ReadWrite.All ok"),
        "{said}"
    );
    // The tenant is the one the token was issued in (its tid), not the alias the run named.
    assert!(!said.contains("in tenant contoso-sandbox"), "{said}");

    // Preview: rows per user with the region used, what the directory gets wrong flagged.
    let preview = run(&["--app-certificate-key", key_arg]);
    let said = text(&preview);
    assert_eq!(preview.status.code(), Some(0), "{said}");
    assert!(said.contains("nothing written"), "{said}");
    assert!(said.contains("(usageLocation)"), "{said}");
    assert!(
        said.contains("GB (default)"),
        "a user without usageLocation: {said}"
    );
    assert!(said.contains("shared number"), "{said}");
    assert!(said.contains("invalid"), "{said}");
    let changes: usize = said
        .lines()
        .find_map(|l| l.strip_prefix("preview of "))
        .and_then(|l| l.split(": ").nth(1))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the summary line counts the changes");
    assert!(changes > 1, "{said}");
    assert_eq!(writes_applied(&sandbox.url), 0);

    // --max-changes below the count: stops before any write.
    let stopped = run(&[
        "--app-certificate-key",
        key_arg,
        "--yes",
        "--max-changes",
        "1",
    ]);
    let said = text(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "{said}");
    assert!(
        said.contains("more than --max-changes 1; nothing was written"),
        "{said}"
    );
    assert_eq!(writes_applied(&sandbox.url), 0);

    // Apply: every change written, a journal and a results CSV.
    let results = dir.join("results.csv");
    let applied = run(&[
        "--app-certificate-key",
        key_arg,
        "--yes",
        "--results",
        results.to_str().unwrap(),
    ]);
    let said = text(&applied);
    let said_applied = said.clone();
    assert_eq!(applied.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!("{changes} changes written, 0 failed")),
        "{said}"
    );
    assert!(writes_applied(&sandbox.url) >= changes as u64);
    let csv = std::fs::read_to_string(&results).unwrap();
    assert!(csv.lines().count() > changes, "{csv}");
    let journals = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "jsonl")
        })
        .count();
    assert_eq!(journals, 1);

    // A second run changes nothing.
    let again = run(&["--app-certificate-key", key_arg, "--yes"]);
    let said = text(&again);
    assert_eq!(again.status.code(), Some(0), "{said}");
    assert!(said.contains("0 changes written"), "{said}");

    // The app's run is an import run like any other: an admin undoes it with `prestage-cli undo`.
    let run_id = applied_said(&said_applied);
    let undone = cli(&dir, &["undo", &run_id, "--sandbox", &sandbox.url, "--yes"]);
    let said = text(&undone);
    assert_eq!(undone.status.code(), Some(0), "{said}");
    let after_undo = run(&["--app-certificate-key", key_arg]);
    let said = text(&after_undo);
    assert!(
        said.contains(&format!("{changes} changes ({changes} add")),
        "undone rows can be added again: {said}"
    );

    // A key file others can read is refused before anything is sent.
    let loose = dir.join("loose.pem");
    std::fs::write(&loose, format!("{key}{cert}")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = run(&["--app-certificate-key", loose.to_str().unwrap()]);
        let said = text(&refused);
        assert_eq!(refused.status.code(), Some(1), "{said}");
        assert!(
            said.contains("can be read by other users") && said.contains("chmod 600"),
            "{said}"
        );
    }

    // A wrong key: not the certificate's (refused locally), or a certificate never uploaded.
    let (other_key, other_cert) =
        prestage_sandbox::self_signed_certificate("stranger", 60).unwrap();
    let mismatched = dir.join("mismatched.pem");
    write_private(&mismatched, &format!("{other_key}{cert}"));
    let refused = run(&["--app-certificate-key", mismatched.to_str().unwrap()]);
    let said = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("does not belong to this private key"),
        "{said}"
    );
    let stranger = dir.join("stranger.pem");
    write_private(&stranger, &format!("{other_key}{other_cert}"));
    let refused = run(&["--app-certificate-key", stranger.to_str().unwrap()]);
    let said = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("not the one uploaded to the app registration"),
        "{said}"
    );

    // An assertion outside its valid time: the authority's clock is an hour ahead.
    block_on(async {
        reqwest::Client::new()
            .put(format!("{}_sandbox/clock", sandbox.url))
            .json(&serde_json::json!({"skewSeconds": 3600}))
            .send()
            .await
            .unwrap()
    });
    let late = run(&["--app-certificate-key", key_arg]);
    let said = text(&late);
    assert_eq!(late.status.code(), Some(1), "{said}");
    assert!(said.contains("clock"), "{said}");
    assert!(
        !said.contains("BEGIN"),
        "no key material in messages: {said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
