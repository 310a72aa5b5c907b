//! Passes under faults, with real processes: `prestage-cli migrate tap` for 500 users against a
//! sandbox process that drops connections and throttles, killed (SIGKILL) at about half way;
//! `migrate tap` again finds every pass created and never delivered and issues it again (and
//! finishes the run). In the end every user holds exactly one usable pass, delivered in exactly
//! one passes file, that pass works (the user registers with it through the control plane),
//! and no pass text is anywhere in the data, config or cache dirs or the journals.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::{start_sandbox, state, CLI};

const USERS: usize = 500;

fn curl(args: &[&str]) -> Vec<u8> {
    Command::new("curl")
        .arg("-s")
        .args(args)
        .output()
        .expect("curl")
        .stdout
}

struct Dirs {
    root: PathBuf,
    data: PathBuf,
    config: PathBuf,
    cache: PathBuf,
    /// Where the passes files go (the delivery, outside the app's dirs).
    out: PathBuf,
}

fn cli(url: &str, d: &Dirs, args: &[&str]) -> Command {
    let mut c = Command::new(CLI);
    c.env("PRESTAGE_DATA_DIR", &d.data)
        .env("PRESTAGE_CONFIG_DIR", &d.config)
        .env("XDG_CACHE_HOME", &d.cache)
        .env("HOME", &d.root)
        .args(args)
        .args(["--sandbox", url]);
    c
}

fn tap_rows_ended(data: &Path) -> usize {
    std::fs::read_dir(data.join("runs"))
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|t| {
            t.lines()
                .filter(|l| l.contains("\"type\":\"rowEnd\""))
                .count()
        })
        .sum()
}

/// user principal name -> pass, from every passes file; a user in two files fails the test.
fn delivered(out: &Path) -> HashMap<String, String> {
    let mut all = HashMap::new();
    for e in std::fs::read_dir(out).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        for line in text.lines().skip(1) {
            let cells: Vec<String> = line
                .split("\",\"")
                .map(|c| c.trim_matches('"').replace("\"\"", "\""))
                .collect();
            let before = all.insert(cells[0].clone(), cells[2].clone());
            assert!(before.is_none(), "{} was delivered twice", cells[0]);
        }
    }
    all
}

fn grep_tree(dir: &Path, needle: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Some(found) = grep_tree(&p, needle) {
                return Some(found);
            }
        } else if std::fs::read(&p)
            .ok()
            .is_some_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
        {
            return Some(p);
        }
    }
    None
}

#[test]
fn a_killed_pass_run_is_resumed_and_every_lost_pass_issued_again_once() {
    let sandbox = start_sandbox(
        &[
            "--users",
            "700",
            "--seed",
            "12",
            "--auto-approve",
            "--latency-ms",
            "3",
            "--jitter-ms",
            "3",
            "--write-limit",
            "80",
            "--write-window-s",
            "1",
            "--drop-rate",
            "0.02",
            "--fault-rate",
            "0.02",
        ],
        false,
    );
    let root = std::env::temp_dir().join(format!("prestage-campaign-fault-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let d = Dirs {
        data: root.join("data"),
        config: root.join("config"),
        cache: root.join("cache"),
        out: root.join("delivery"),
        root: root.clone(),
    };
    for dir in [&d.data, &d.config, &d.cache, &d.out] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let before = state(&sandbox.url);
    let ids: Vec<String> = before["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            u["roles"].as_array().is_some_and(|r| r.is_empty())
                && u["accountEnabled"] == true
                && u["userType"] == "Member"
                && !u["userPrincipalName"].as_str().unwrap().contains("#EXT#")
        })
        .skip(5)
        .take(USERS)
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), USERS);
    let create = cli(
        &sandbox.url,
        &d,
        &["migrate", "create", "fault", "--users", &ids.join(",")],
    )
    .output()
    .unwrap();
    assert!(
        create.status.success(),
        "{}",
        String::from_utf8_lossy(&create.stderr)
    );
    let made = String::from_utf8_lossy(&create.stdout).to_string();
    assert!(made.contains(&format!("{USERS} users")), "{made}");

    // Kill the pass run once about half the users are journaled as finished.
    let first = d.out.join("passes-1.csv");
    let mut tap = cli(
        &sandbox.url,
        &d,
        &[
            "migrate",
            "tap",
            "fault",
            "--lifetime-min",
            "480",
            "--passes",
            first.to_str().unwrap(),
            "--yes",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let started = Instant::now();
    loop {
        let ended = tap_rows_ended(&d.data);
        if ended >= USERS / 2 {
            tap.kill().unwrap();
            break;
        }
        assert!(
            tap.try_wait().unwrap().is_none(),
            "the pass run ended before the kill ({ended})"
        );
        assert!(started.elapsed() < Duration::from_secs(600), "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    tap.wait().unwrap();
    let killed_at = tap_rows_ended(&d.data);
    assert!(killed_at < USERS, "the kill came too late ({killed_at})");

    // Status names the passes created and never delivered.
    let status = cli(&sandbox.url, &d, &["migrate", "status", "fault", "--json"])
        .output()
        .unwrap();
    let st: Value = serde_json::from_slice(&status.stdout).expect("status --json");
    let lost = st["recovery"]["undelivered"].as_array().unwrap().len();
    assert!(
        lost >= USERS / 2 - 10,
        "{lost} passes found undelivered after the kill at {killed_at}"
    );
    assert!(st["recovery"]["pendingRun"].is_string());

    // The plain `resume` refuses the pass run: it would issue passes nobody is handed.
    let pending = st["recovery"]["pendingRun"].as_str().unwrap();
    let resume = cli(&sandbox.url, &d, &["resume", pending])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&resume.stderr).to_string();
    assert!(!resume.status.success(), "resume of a pass run ran: {err}");
    assert!(err.contains("migrate tap"), "{err}");
    let after = tap_rows_ended(&d.data);
    assert_eq!(after, killed_at, "the refused resume wrote rows");

    // `migrate tap` again (and again, while dropped connections lose passes) until every pass is
    // delivered; each file is new.
    let mut round = 2;
    loop {
        let file = d.out.join(format!("passes-{round}.csv"));
        let again = cli(
            &sandbox.url,
            &d,
            &[
                "migrate",
                "tap",
                "fault",
                "--passes",
                file.to_str().unwrap(),
                "--yes",
            ],
        )
        .output()
        .unwrap();
        let said = String::from_utf8_lossy(&again.stdout).to_string();
        assert!(
            said.contains("never delivered"),
            "{said}\n{}",
            String::from_utf8_lossy(&again.stderr)
        );
        let status = cli(&sandbox.url, &d, &["migrate", "status", "fault", "--json"])
            .output()
            .unwrap();
        let st: Value = serde_json::from_slice(&status.stdout).expect("status --json");
        if st["recovery"]["undelivered"].as_array().unwrap().is_empty()
            && st["recovery"]["pendingRun"].is_null()
        {
            break;
        }
        round += 1;
        assert!(round < 8, "passes still undelivered after {round} rounds");
    }

    // Every user: exactly one pass, usable, delivered once, and it is the pass that works.
    let after = state(&sandbox.url);
    let faults = &after["counters"]["faults"];
    assert!(
        faults["droppedWritesApplied"].as_u64().unwrap()
            + faults["droppedWritesNotApplied"].as_u64().unwrap()
            > 0,
        "connections were dropped"
    );
    let by_id: HashMap<&str, &Value> = after["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_str().unwrap(), u))
        .collect();
    let passes = delivered(&d.out);
    assert_eq!(passes.len(), USERS, "every user's pass was delivered once");
    for id in &ids {
        let user = by_id[id.as_str()];
        let taps: Vec<&Value> = user["methods"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| {
                m["@odata.type"] == "#microsoft.graph.temporaryAccessPassAuthenticationMethod"
            })
            .collect();
        assert_eq!(taps.len(), 1, "{id} holds one pass");
        assert_eq!(taps[0]["isUsable"], true, "{id}'s pass is usable");
        let upn = user["userPrincipalName"].as_str().unwrap();
        let pass = &passes[upn];
        let body =
            serde_json::json!({"method": "microsoftAuthenticator", "temporaryAccessPass": pass})
                .to_string();
        let answer = curl(&[
            "-X",
            "POST",
            "-H",
            "content-type: application/json",
            "--data",
            &body,
            &format!("{}_sandbox/users/{id}/register", sandbox.url),
        ]);
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert!(
            answer["id"].is_string(),
            "{upn}'s delivered pass works: {answer}"
        );
        // No pass text anywhere but the delivery.
        for dir in [&d.data, &d.config, &d.cache] {
            assert_eq!(grep_tree(dir, pass), None, "{upn}'s pass is on disk");
        }
    }
    eprintln!(
        "killed after {killed_at} of {USERS} users; {lost} passes found undelivered; delivered in {} files over {round} commands",
        std::fs::read_dir(&d.out).unwrap().count(),
    );
    let _ = std::fs::remove_dir_all(&root);
}
