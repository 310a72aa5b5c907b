//! Benchmarks of the CSV import (a program that prints figures, not a test):
//! `parse`   — read + normalize N rows locally, against a plain `csv` parse of the same bytes;
//! `preview` — preview N rows against the sandbox: time to the first rows and to the last;
//! `apply`   — apply N previewed rows at a write quota and latency: elapsed vs the quota's floor,
//!             and a re-read of every user to count lost rows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use prestage_bench::sign_in::{patient, sign_in_as};
use prestage_core::csv::read_import;
use prestage_core::import::{preview, read_rows, ApplyControl, PlanOptions, RowEnd};
use prestage_core::session::Session;
use prestage_sandbox::{AdminRole, SandboxConfig};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    Parse {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
    Preview {
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[arg(long, default_value_t = 40)]
        latency_ms: u64,
        #[arg(long, default_value_t = 20)]
        jitter_ms: u64,
    },
    Apply {
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        /// Writes per second (bucket capacity = one second of writes).
        #[arg(long, default_value_t = 20)]
        quota_per_s: u32,
        #[arg(long, default_value_t = 150)]
        latency_ms: u64,
        /// Requests in flight (the client's limit).
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Rows in flight (each re-reads its user, then writes); default: `concurrency`.
        #[arg(long)]
        rows_in_flight: Option<usize>,
    },
}

/// Numbers people type, across countries and formats (region GB for national ones).
const SAMPLES: &[&str] = &[
    "07400 123456",
    "+44 (0)20 7946 0958",
    "+1 (206) 555-0100",
    "0049 151 23456789",
    "+33 6 12 34 56 78",
    "+31 6 12345678",
    "+91 98765 43210",
    "+81 90-1234-5678",
    "+55 11 91234-5678",
    "+46 70 123 45 67",
];

fn synthetic_csv(rows: usize) -> Vec<u8> {
    let mut out =
        String::from("UserPrincipalName,MobilePhone,AlternateMobilePhone,OfficePhone,Email\r\n");
    for i in 0..rows {
        let mobile = SAMPLES[i % SAMPLES.len()];
        let office = SAMPLES[(i + 3) % SAMPLES.len()];
        out.push_str(&format!(
            "user{i}@contoso.example,\"{mobile}\",,\"{office} x{}\",user{i}@mail.example\r\n",
            i % 900 + 1
        ));
    }
    out.into_bytes()
}

async fn sign_in(
    config: SandboxConfig,
    concurrency: usize,
) -> Result<(prestage_sandbox::RunningSandbox, Session), Box<dyn std::error::Error>> {
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            auto_approve: true,
            ..config
        },
        0,
    )
    .await?;
    let session = sign_in_as(
        &sandbox,
        AdminRole::PrivilegedAuthenticationAdministrator,
        patient(&sandbox, concurrency),
    )
    .await?;
    Ok((sandbox, session))
}

/// A CSV giving each of `rows` users (not the admin) a new mobile.
async fn tenant_csv(
    session: &Session,
    rows: usize,
) -> Result<(Vec<u8>, Vec<(String, String)>), Box<dyn std::error::Error>> {
    let me = session.account().id.clone();
    let users: Vec<_> = session
        .graph()
        .all_users()
        .await?
        .into_iter()
        .filter(|u| u.id != me)
        .take(rows)
        .collect();
    let mut out = String::from("UserPrincipalName,MobilePhone\r\n");
    let mut expected = Vec::new();
    for (i, u) in users.iter().enumerate() {
        let number = format!("+1 425{:07}", 2_000_000 + i);
        out.push_str(&format!(
            "{},{number}\r\n",
            u.user_principal_name.clone().unwrap_or_default()
        ));
        expected.push((u.id.clone(), number));
    }
    Ok((out.into_bytes(), expected))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Args::parse().what {
        What::Parse { rows } => {
            let bytes = synthetic_csv(rows);
            let started = Instant::now();
            let mut plain = 0usize;
            for record in csv::Reader::from_reader(bytes.as_slice()).records() {
                plain += record.map(|r| r.len()).unwrap_or(0);
            }
            let baseline = started.elapsed();
            // The app loads libphonenumber's database at start-up (prestage_core::phone::warm_up);
            // timed apart so the figure below is what an admin waits for after dropping a file.
            let started = Instant::now();
            prestage_core::phone::warm_up();
            let warm_up = started.elapsed();
            let options = PlanOptions {
                default_region: Some("GB".into()),
                blank_removes: false,
            };
            let mut runs = Vec::new();
            let mut invalid = 0;
            for _ in 0..2 {
                let started = Instant::now();
                let file = read_import(&bytes, &HashMap::new())?;
                let read = started.elapsed();
                let locals = read_rows(&file, &options);
                runs.push((read, started.elapsed()));
                invalid = locals.iter().filter(|l| !l.problems.is_empty()).count();
            }
            println!(
                "rows                 {rows} ({:.1} MB)",
                bytes.len() as f64 / 1e6
            );
            println!(
                "plain csv parse      {:.3} s ({plain} cells)",
                baseline.as_secs_f64()
            );
            println!(
                "database load        {:.3} s (once per process, at app start-up)",
                warm_up.as_secs_f64()
            );
            for (label, (read, total)) in ["first file ", "second file"].iter().zip(&runs) {
                println!(
                    "{label}: read_import {:.3} s ({:.1}x the plain parse); read + normalize {:.3} s ({:.0} rows/s; invalid rows {invalid})",
                    read.as_secs_f64(),
                    read.as_secs_f64() / baseline.as_secs_f64(),
                    total.as_secs_f64(),
                    rows as f64 / total.as_secs_f64()
                );
            }
            // What the numbering-plan tables cost per thread (Linux: /proc/self/smaps_rollup).
            let me = std::process::id();
            if let Some((rss, pss)) = prestage_bench::app_process::memory(me) {
                println!(
                    "memory after         RSS {:.1} MB  PSS {:.1} MB ({} threads; RAYON_NUM_THREADS sets the parallel ones)",
                    rss as f64 / 1024.0,
                    pss as f64 / 1024.0,
                    prestage_bench::app_process::threads(me).unwrap_or(0)
                );
            }
        }
        What::Preview {
            rows,
            latency_ms,
            jitter_ms,
        } => {
            let config = SandboxConfig {
                users: rows + 10,
                latency: Duration::from_millis(latency_ms),
                latency_jitter: Duration::from_millis(jitter_ms),
                ..Default::default()
            };
            let (_sandbox, session) = sign_in(config, 16).await?;
            let (bytes, _) = tenant_csv(&session, rows).await?;
            let actor = session.actor();
            let started = Instant::now();
            let first = Mutex::new(None);
            let plan = preview(
                session.graph(),
                &actor,
                &bytes,
                &HashMap::new(),
                &PlanOptions::default(),
                8,
                |batch| {
                    if let Ok(mut f) = first.lock() {
                        f.get_or_insert((started.elapsed(), batch.len()));
                    }
                },
            )
            .await?;
            let total = started.elapsed();
            let (first_at, first_rows) = first.lock().ok().and_then(|f| *f).unwrap_or_default();
            println!("rows                 {rows} at {latency_ms} ms ± {jitter_ms} ms latency");
            println!(
                "first rows shown     {:.3} s ({first_rows} rows)",
                first_at.as_secs_f64()
            );
            println!(
                "preview complete     {:.2} s ({:.0} rows/s)",
                total.as_secs_f64(),
                rows as f64 / total.as_secs_f64()
            );
            println!("outcomes             {:?}", plan.counts);
        }
        What::Apply {
            rows,
            quota_per_s,
            latency_ms,
            concurrency,
            rows_in_flight,
        } => {
            let rows_in_flight = rows_in_flight.unwrap_or(concurrency);
            let config = SandboxConfig {
                users: rows + 10,
                latency: Duration::from_millis(latency_ms),
                write_quota: quota_per_s,
                write_window: Duration::from_secs(1),
                ..Default::default()
            };
            let (sandbox, session) = sign_in(config, concurrency).await?;
            let (bytes, expected) = tenant_csv(&session, rows).await?;
            let actor = session.actor();
            let plan = preview(
                session.graph(),
                &actor,
                &bytes,
                &HashMap::new(),
                &PlanOptions::default(),
                8,
                |_| {},
            )
            .await?;
            let writes: usize = plan.rows.iter().map(|r| r.changes.len()).sum();
            let dir = std::env::temp_dir().join(format!("prestage-bench-{}", std::process::id()));
            let started = Instant::now();
            let outcome = session
                .runs(&dir, rows_in_flight)
                .start(
                    "bench.csv",
                    &PlanOptions::default(),
                    plan.rows,
                    &ApplyControl::default(),
                    |_, _| {},
                )
                .await?;
            let elapsed = started.elapsed().as_secs_f64();
            let done = outcome
                .report
                .results
                .iter()
                .filter(|r| r.end == RowEnd::Done)
                .count();
            // Verify from the tenant's own state (untimed).
            let dump = sandbox.dump();
            let mobiles: HashMap<String, String> = dump["users"]
                .as_array()
                .map(|users| {
                    users
                        .iter()
                        .filter_map(|u| {
                            let id = u["id"].as_str()?.to_string();
                            let m = u["methods"]
                                .as_array()?
                                .iter()
                                .find(|m| m["phoneType"] == "mobile")?;
                            Some((id, m["phoneNumber"].as_str()?.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let lost = expected
                .iter()
                .filter(|(id, number)| mobiles.get(id) != Some(number))
                .count();
            let floor = (writes as f64 - quota_per_s as f64).max(0.0) / quota_per_s as f64;
            println!("rows                 {rows} ({writes} writes) at {quota_per_s} writes/s, {latency_ms} ms latency, {concurrency} requests / {rows_in_flight} rows in flight");
            println!("elapsed              {elapsed:.1} s (quota floor {floor:.1} s)");
            println!("floor / elapsed      {:.3}", floor / elapsed);
            println!(
                "rows done            {done}; failed {}",
                outcome.report.results.len() - done
            );
            println!("lost rows            {lost}");
            println!(
                "429 answers          {} (write limit {}, resource units {})",
                dump["counters"]["throttled"]["total"],
                dump["counters"]["throttled"]["writeLimit"],
                dump["counters"]["throttled"]["resourceUnitLimit"]
            );
            for r in outcome
                .report
                .results
                .iter()
                .filter(|r| r.end != RowEnd::Done)
                .take(5)
            {
                println!(
                    "failed line {}: {}",
                    r.line,
                    r.message.as_deref().unwrap_or("")
                );
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
