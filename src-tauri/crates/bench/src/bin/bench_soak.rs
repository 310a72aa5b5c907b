//! The import under Graph's misbehaviour, at full size. Two figures from one program:
//!
//! - **throughput** (in-process): a previewed apply of N rows against a sandbox at a write quota
//!   of Q/s and L ms latency, injecting 503s, dropped connections and short-lived tokens; the
//!   apply's wall time against the quota floor (writes / Q), plus the rows lost and the users
//!   written twice.
//! - **soak** (real processes, as an admin would run it): `prestage-cli apply` of the same rows
//!   under the same faults, SIGKILLed at about half way, `resume`, then `undo --yes`; counts rows
//!   lost, users written twice and end-state mismatches after undo (goal 0 each).
//!
//! Prints figures only; BENCHMARKS.md records them with the command.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use prestage_bench::sign_in::{patient, sign_in_as};
use prestage_core::import::{preview, ApplyControl, PlanOptions, RowEnd, ROWS_IN_FLIGHT};
use prestage_core::throttle::ThrottleOptions;
use prestage_sandbox::{AdminRole, Faults, SandboxConfig};
use serde_json::Value;

type Error = Box<dyn std::error::Error>;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Part {
    Throughput,
    Soak,
    Both,
}

#[derive(Parser)]
struct Args {
    #[arg(long, value_enum, default_value_t = Part::Both)]
    part: Part,
    #[arg(long, default_value_t = 10_000)]
    rows: usize,
    /// Writes per second the tenant allows (a 1 s window).
    #[arg(long, default_value_t = 20)]
    quota: u32,
    #[arg(long, default_value_t = 150)]
    latency_ms: u64,
    #[arg(long, default_value_t = 0.05)]
    fault_rate: f64,
    #[arg(long, default_value_t = 0.01)]
    drop_rate: f64,
    /// Access-token lifetime: shorter than the run, so it expires mid-run.
    #[arg(long, default_value_t = 300)]
    token_lifetime_s: u64,
    /// Rows in flight (the app's and the CLI's default).
    #[arg(long, default_value_t = ROWS_IN_FLIGHT)]
    rows_in_flight: usize,
    /// Requests in flight (the client's limit; default: the app's and the CLI's).
    #[arg(long, default_value_t = ThrottleOptions::default().max_concurrency)]
    concurrency: usize,
    /// The soak's quota (faster than the throughput run; its figures are counts, not speed).
    #[arg(long, default_value_t = 100)]
    soak_quota: u32,
}

fn faults(a: &Args) -> Faults {
    Faults {
        rate_503: a.fault_rate,
        rate_drop: a.drop_rate,
        ..Faults::default()
    }
}

fn mobile_of(user: &Value) -> Option<String> {
    user["methods"]
        .as_array()?
        .iter()
        .find(|m| m["phoneType"] == "mobile")
        .and_then(|m| m["phoneNumber"].as_str())
        .map(str::to_string)
}

/// Ordinary enabled users of a state dump (no roles), and a CSV giving each a new mobile.
fn rows_for(state: &Value, rows: usize) -> Result<(String, HashMap<String, String>), Error> {
    let users: Vec<&Value> = state["users"]
        .as_array()
        .ok_or("no users in the state dump")?
        .iter()
        .filter(|u| {
            u["roles"].as_array().is_some_and(|r| r.is_empty()) && u["accountEnabled"] == true
        })
        .take(rows)
        .collect();
    if users.len() < rows {
        return Err(format!("only {} ordinary users", users.len()).into());
    }
    let mut csv = String::from("UserPrincipalName,MobilePhone\r\n");
    let mut expected = HashMap::new();
    for (i, u) in users.iter().enumerate() {
        let upn = u["userPrincipalName"].as_str().unwrap_or_default();
        let number = format!("+1 425{:07}", 4_000_000 + i);
        csv.push_str(&format!("{upn},{number}\r\n"));
        expected.insert(upn.to_string(), number);
    }
    Ok((csv, expected))
}

/// Rows whose user does not hold the file's number, and users written more than once.
fn check(state: &Value, expected: &HashMap<String, String>) -> (usize, usize) {
    let mut lost = 0;
    let mut twice = 0;
    for u in state["users"].as_array().into_iter().flatten() {
        let upn = u["userPrincipalName"].as_str().unwrap_or_default();
        if let Some(number) = expected.get(upn) {
            if mobile_of(u).as_deref() != Some(number.as_str()) {
                lost += 1;
            }
            if u["writesApplied"].as_u64().unwrap_or(0) > 1 {
                twice += 1;
            }
        }
    }
    (lost, twice)
}

async fn throughput(a: &Args) -> Result<(), Error> {
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            users: a.rows + a.rows / 10 + 50,
            latency: Duration::from_millis(a.latency_ms),
            latency_jitter: Duration::from_millis(a.latency_ms / 10),
            write_quota: a.quota,
            write_window: Duration::from_secs(1),
            faults: faults(a),
            token_lifetime: Duration::from_secs(a.token_lifetime_s),
            auto_approve: true,
            ..Default::default()
        },
        0,
    )
    .await?;
    let session = sign_in_as(
        &sandbox,
        AdminRole::PrivilegedAuthenticationAdministrator,
        patient(&sandbox, a.concurrency),
    )
    .await?;
    let (csv, expected) = rows_for(&sandbox.dump(), a.rows)?;
    let plan = preview(
        session.graph(),
        &session.actor(),
        csv.as_bytes(),
        &HashMap::new(),
        &PlanOptions::default(),
        8,
        |_| {},
    )
    .await?;
    let writes: usize = plan.rows.iter().map(|r| r.changes.len()).sum();
    eprintln!("  previewed {} rows", plan.rows.len());
    let dir = std::env::temp_dir().join(format!("prestage-soak-{}", std::process::id()));
    let before = sandbox.dump()["counters"].clone();
    let started = Instant::now();
    let outcome = session
        .runs(&dir, a.rows_in_flight)
        .start(
            "soak.csv",
            &PlanOptions::default(),
            plan.rows,
            &ApplyControl::default(),
            |_, p| {
                if p.finished % 1000 == 0 {
                    eprintln!(
                        "  {} / {} rows at {:.0} s ({:.1} rows/s)",
                        p.finished,
                        p.total,
                        started.elapsed().as_secs_f64(),
                        p.rate_per_s
                    );
                }
            },
        )
        .await?;
    let elapsed = started.elapsed().as_secs_f64();
    let after = sandbox.dump();
    let counters = &after["counters"];
    let done = outcome
        .report
        .results
        .iter()
        .filter(|r| matches!(r.end, RowEnd::Done | RowEnd::AlreadyApplied))
        .count();
    let (lost, twice) = check(&after, &expected);
    let floor = writes as f64 / f64::from(a.quota);
    println!("== throughput under faults (in-process)");
    println!(
        "rows {}  writes {writes}  quota {}/s  latency {} ms  503 {:.0} %  drops {:.0} %  token {} s  {} requests / {} rows in flight",
        a.rows,
        a.quota,
        a.latency_ms,
        a.fault_rate * 100.0,
        a.drop_rate * 100.0,
        a.token_lifetime_s,
        a.concurrency,
        a.rows_in_flight
    );
    println!(
        "apply                {elapsed:.1} s  (floor {floor:.1} s)  ratio {:.3} of the quota floor",
        floor / elapsed
    );
    println!("rows done            {done} / {}", a.rows);
    println!("rows lost            {lost}");
    println!("users written twice  {twice}");
    println!(
        "faults               503 {}  dropped (applied {} / not {})  429 {}  token refreshes {}",
        delta(counters, &before, &["faults", "serviceUnavailable"]),
        delta(counters, &before, &["faults", "droppedWritesApplied"]),
        delta(counters, &before, &["faults", "droppedWritesNotApplied"]),
        delta(counters, &before, &["throttled", "writeLimit"]),
        delta(counters, &before, &["refreshTokensRedeemed"]),
    );
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn delta(now: &Value, before: &Value, path: &[&str]) -> u64 {
    let get = |v: &Value| path.iter().fold(v, |v, k| &v[*k]).as_u64().unwrap_or(0);
    get(now).saturating_sub(get(before))
}

/// A `prestage-cli sandbox` process.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cli_binary() -> Result<PathBuf, Error> {
    let me = std::env::current_exe()?;
    let cli = me.with_file_name(format!("prestage-cli{}", std::env::consts::EXE_SUFFIX));
    if cli.is_file() {
        Ok(cli)
    } else {
        Err(format!(
            "{} is missing: cargo build --release -p prestage-cli",
            cli.display()
        )
        .into())
    }
}

fn start_sandbox(cli: &Path, a: &Args) -> Result<SandboxProcess, Error> {
    let mut child = Command::new(cli)
        .args(["sandbox", "--port", "0", "--auto-approve", "--seed", "7"])
        .args(["--users", &(a.rows + a.rows / 10 + 50).to_string()])
        .args(["--latency-ms", &a.latency_ms.to_string()])
        .args(["--jitter-ms", &(a.latency_ms / 10).to_string()])
        .args([
            "--write-limit",
            &a.soak_quota.to_string(),
            "--write-window-s",
            "1",
        ])
        .args(["--fault-rate", &a.fault_rate.to_string()])
        .args(["--drop-rate", &a.drop_rate.to_string()])
        .args(["--token-lifetime-s", &a.token_lifetime_s.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no sandbox stdout")?;
    let mut url = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(rest) = line.trim().strip_prefix("State:") {
            url = rest
                .trim()
                .strip_suffix("_sandbox/state")
                .map(str::to_string);
            break;
        }
    }
    Ok(SandboxProcess {
        child,
        url: url.ok_or("the sandbox printed no URLs")?,
    })
}

/// The sandbox's state dump (its control plane: plain HTTP on loopback; a tiny client is enough).
async fn state(url: &str) -> Result<Value, Error> {
    let parsed: url::Url = format!("{url}_sandbox/state").parse()?;
    let host = parsed.host_str().ok_or("no host")?.to_string();
    let port = parsed.port().ok_or("no port")?;
    let path = parsed.path().to_string();
    let text = tokio::task::spawn_blocking(move || -> Result<String, String> {
        use std::io::{Read, Write};
        let mut s =
            std::net::TcpStream::connect((host.as_str(), port)).map_err(|e| e.to_string())?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").map_err(|e| e.to_string())?;
        let mut out = String::new();
        s.read_to_string(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    })
    .await?
    .map_err(|e| -> Error { e.into() })?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    Ok(serde_json::from_str(body)?)
}

fn journal_rows_ended(runs: &Path) -> usize {
    std::fs::read_dir(runs)
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

fn cli(cli: &Path, url: &str, data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(cli);
    c.env("PRESTAGE_DATA_DIR", data)
        .args(args)
        .args(["--sandbox", url])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

async fn soak(a: &Args) -> Result<(), Error> {
    let cli_path = cli_binary()?;
    let sandbox = start_sandbox(&cli_path, a)?;
    let data = std::env::temp_dir().join(format!("prestage-soak-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let before = state(&sandbox.url).await?;
    let originals: HashMap<String, Option<String>> = before["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| {
            (
                u["userPrincipalName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                mobile_of(u),
            )
        })
        .collect();
    let (csv, expected) = rows_for(&before, a.rows)?;
    let file = data.join("soak.csv");
    std::fs::write(&file, csv)?;
    let file = file.to_string_lossy().to_string();

    let started = Instant::now();
    let mut apply = cli(&cli_path, &sandbox.url, &data, &["apply", &file, "--yes"]).spawn()?;
    let runs = data.join("runs");
    loop {
        if journal_rows_ended(&runs) >= a.rows / 2 {
            apply.kill()?; // SIGKILL on Unix: no chance to finish the journal
            break;
        }
        if apply.try_wait()?.is_some() {
            return Err("apply ended before the kill".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    apply.wait()?;
    let killed_at = journal_rows_ended(&runs);
    let killed_after = started.elapsed().as_secs_f64();
    let run = std::fs::read_dir(&runs)?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.strip_suffix(".jsonl").map(str::to_string)
        })
        .next()
        .ok_or("no run journal")?;
    let resumed = Instant::now();
    let status = cli(&cli_path, &sandbox.url, &data, &["resume", &run]).status()?;
    let resume_s = resumed.elapsed().as_secs_f64();
    let after = state(&sandbox.url).await?;
    let (lost, twice) = check(&after, &expected);
    let undo_started = Instant::now();
    let undo = cli(&cli_path, &sandbox.url, &data, &["undo", &run, "--yes"]).status()?;
    let undo_s = undo_started.elapsed().as_secs_f64();
    let restored = state(&sandbox.url).await?;
    let mismatches = restored["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|u| {
            let upn = u["userPrincipalName"].as_str().unwrap_or_default();
            expected.contains_key(upn) && originals.get(upn).cloned().flatten() != mobile_of(u)
        })
        .count();
    let c = &restored["counters"];
    println!("== soak: prestage-cli apply killed, resume, undo (real processes)");
    println!(
        "rows {}  quota {}/s  latency {} ms  503 {:.0} %  drops {:.0} %  token {} s",
        a.rows,
        a.soak_quota,
        a.latency_ms,
        a.fault_rate * 100.0,
        a.drop_rate * 100.0,
        a.token_lifetime_s
    );
    println!("killed at            {killed_at} rows ended, after {killed_after:.1} s");
    println!(
        "resume               {resume_s:.1} s (exit {})",
        status.code().unwrap_or(-1)
    );
    println!("rows lost            {lost}");
    println!("users written twice  {twice}");
    println!(
        "undo                 {undo_s:.1} s (exit {})",
        undo.code().unwrap_or(-1)
    );
    println!("end-state mismatches {mismatches} (after undo, against the state before the run)");
    println!(
        "faults               503 {}  dropped (applied {} / not {})  429 {}  token refreshes {}",
        c["faults"]["serviceUnavailable"],
        c["faults"]["droppedWritesApplied"],
        c["faults"]["droppedWritesNotApplied"],
        c["throttled"]["writeLimit"],
        c["refreshTokensRedeemed"]
    );
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let a = Args::parse();
    if matches!(a.part, Part::Throughput | Part::Both) {
        throughput(&a).await?;
    }
    if matches!(a.part, Part::Soak | Part::Both) {
        soak(&a).await?;
    }
    Ok(())
}
