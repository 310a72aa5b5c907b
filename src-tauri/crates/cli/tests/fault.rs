//! The import under faults, with real processes: a sandbox tenant process injecting 503s,
//! dropped connections, 429s and short-lived tokens; `prestage-cli apply` of 2,000 rows killed
//! (SIGKILL) at about half way; `prestage-cli resume` finishes; the end state matches every row,
//! no user is written more than their row needs, and `undo` restores the state from before.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::{start_sandbox, state, CLI};

const ROWS: usize = 2000;

fn mobile_of(user: &Value) -> Option<String> {
    user["methods"]
        .as_array()?
        .iter()
        .find(|m| m["phoneType"] == "mobile")
        .and_then(|m| m["phoneNumber"].as_str())
        .map(str::to_string)
}

/// `prestage-cli <args> --sandbox URL` with the run journals in `data`.
fn cli(url: &str, data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(CLI);
    c.env("PRESTAGE_DATA_DIR", data).args(args);
    if args[0] != "runs" {
        c.args(["--sandbox", url]);
    }
    c
}

fn journal_rows_ended(data: &Path) -> usize {
    let runs = data.join("runs");
    // The journal, not the run's `.lock` file beside it.
    std::fs::read_dir(&runs)
        .ok()
        .and_then(|d| {
            d.flatten()
                .find(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        })
        .and_then(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| {
            text.lines()
                .filter(|l| l.contains("\"type\":\"rowEnd\""))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_killed_apply_resumes_to_the_exact_end_state_and_undo_restores() {
    let sandbox = start_sandbox(
        &[
            "--users",
            "2100",
            "--seed",
            "11",
            "--auto-approve",
            "--latency-ms",
            "3",
            "--jitter-ms",
            "3",
            "--write-limit",
            "60",
            "--write-window-s",
            "1",
            "--fault-rate",
            "0.03",
            "--drop-rate",
            "0.02",
            "--token-lifetime-s",
            "6",
        ],
        false,
    );
    let data: PathBuf = std::env::temp_dir().join(format!("prestage-fault-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();

    // 2,000 ordinary users get a new mobile; the admins and sign-in accounts are left out.
    let before = state(&sandbox.url);
    let users: Vec<&Value> = before["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            u["roles"].as_array().is_some_and(|r| r.is_empty()) && u["accountEnabled"] == true
        })
        .take(ROWS)
        .collect();
    assert_eq!(users.len(), ROWS);
    let mut csv = String::from("UserPrincipalName,MobilePhone\r\n");
    let mut expected = HashMap::new();
    for (i, u) in users.iter().enumerate() {
        let upn = u["userPrincipalName"].as_str().unwrap();
        let number = format!("+1 425{:07}", 3_000_000 + i);
        csv.push_str(&format!("{upn},{number}\r\n"));
        expected.insert(upn.to_string(), (number, mobile_of(u)));
    }
    let file = data.join("mobiles.csv");
    std::fs::write(&file, csv).unwrap();

    // Apply, and kill the process once about half the rows are journaled as finished.
    let mut apply = cli(
        &sandbox.url,
        &data,
        &["apply", file.to_str().unwrap(), "--yes"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let started = Instant::now();
    loop {
        let ended = journal_rows_ended(&data);
        if ended >= ROWS / 2 {
            apply.kill().unwrap();
            break;
        }
        assert!(
            apply.try_wait().unwrap().is_none(),
            "apply ended before the kill ({ended} rows)"
        );
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "apply made no progress"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    apply.wait().unwrap();
    let killed_at = journal_rows_ended(&data);
    assert!(killed_at < ROWS, "the kill came too late");

    let runs = cli(&sandbox.url, &data, &["runs", "--json"])
        .output()
        .unwrap();
    let runs: Value = serde_json::from_slice(&runs.stdout).expect("runs --json");
    let run = runs[0]["header"]["run"].as_str().unwrap().to_string();
    assert!(
        runs[0]["pending"].as_u64().unwrap() > 0,
        "the killed run has pending rows"
    );

    let resume = cli(&sandbox.url, &data, &["resume", &run])
        .output()
        .unwrap();
    assert!(
        resume.status.success(),
        "resume failed: {}\n{}",
        String::from_utf8_lossy(&resume.stdout),
        String::from_utf8_lossy(&resume.stderr)
    );

    let after = state(&sandbox.url);
    let faults = &after["counters"]["faults"];
    assert!(
        faults["serviceUnavailable"].as_u64().unwrap() > 0,
        "503s were injected"
    );
    assert!(
        faults["droppedWritesApplied"].as_u64().unwrap()
            + faults["droppedWritesNotApplied"].as_u64().unwrap()
            > 0,
        "connections were dropped"
    );
    assert!(
        after["counters"]["throttled"]["writeLimit"]
            .as_u64()
            .unwrap()
            > 0,
        "429s were sent"
    );
    assert!(
        after["counters"]["refreshTokensRedeemed"].as_u64().unwrap() > 0,
        "tokens expired and were refreshed"
    );
    let by_upn: HashMap<&str, &Value> = after["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["userPrincipalName"].as_str().unwrap(), u))
        .collect();
    let mut wrong = Vec::new();
    for (upn, (number, _)) in &expected {
        let user = by_upn[upn.as_str()];
        if mobile_of(user).as_deref() != Some(number.as_str()) {
            wrong.push(format!("{upn}: {:?}", mobile_of(user)));
        }
        let writes = user["writesApplied"].as_u64().unwrap();
        assert_eq!(writes, 1, "{upn} was written {writes} times");
    }
    assert!(
        wrong.is_empty(),
        "{} rows differ from the file: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );

    let undo = cli(&sandbox.url, &data, &["undo", &run, "--yes"])
        .output()
        .unwrap();
    assert!(
        undo.status.success(),
        "undo failed: {}\n{}",
        String::from_utf8_lossy(&undo.stdout),
        String::from_utf8_lossy(&undo.stderr)
    );
    let restored = state(&sandbox.url);
    let by_upn: HashMap<&str, &Value> = restored["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["userPrincipalName"].as_str().unwrap(), u))
        .collect();
    let not_restored: Vec<_> = expected
        .iter()
        .filter(|(upn, (_, old))| mobile_of(by_upn[upn.as_str()]) != *old)
        .map(|(upn, _)| upn.clone())
        .collect();
    assert!(
        not_restored.is_empty(),
        "{} users not restored, e.g. {:?}",
        not_restored.len(),
        not_restored.first()
    );
    eprintln!("killed at {killed_at}/{ROWS} rows; faults {faults}");
    let _ = std::fs::remove_dir_all(&data);
}
