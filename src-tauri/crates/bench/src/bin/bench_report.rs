//! Benchmark: the tenant report of a 10,000-user sandbox at 40 ms latency, for each source —
//! time to the first rows and to the whole table, against the floor the sandbox's quotas and
//! page size allow:
//!
//! * registration: the directory pages (999 users each) and the role reads one after another,
//!   then the report's pages (server page size 1000) through the reports bucket — 5 requests at
//!   once, then one every 2 s;
//! * methods: two sub-requests per user (methods + sign-in preferences, 1 resource unit each)
//!   through the identity read bucket (8,000 RU per 10 s, full at the start).
//!
//! A program that prints figures, not a test.

use std::time::{Duration, Instant};

use clap::Parser;
use prestage_bench::sign_in::sign_in_as;
use prestage_core::graph::ClientOptions;
use prestage_core::report::{self, ReportEvent, SourceChoice};
use prestage_core::session::Session;
use prestage_sandbox::{AdminRole, SandboxConfig};

/// The sandbox's report page size (rules.rs, a guess) and the documented reports bucket.
const REPORT_PAGE: usize = 1000;
const REPORTS_BURST: usize = 5;
const REPORTS_EVERY: f64 = 2.0;
const DIRECTORY_PAGE: usize = 999;

#[derive(Parser, Debug)]
#[command(about = "Tenant report: first rows and completion vs the quota floor")]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    #[arg(long, default_value_t = 40)]
    latency_ms: u64,
}

struct Timing {
    first: f64,
    total: f64,
    rows: usize,
}

async fn measure(session: &Session, choice: SourceChoice) -> Result<Timing, String> {
    let start = Instant::now();
    let mut first = None;
    let mut rows = 0;
    report::run(report::Reader::of(session), choice, |e| {
        if let ReportEvent::Rows { rows: r, .. } = e {
            first.get_or_insert_with(|| start.elapsed().as_secs_f64());
            rows += r.len();
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok(Timing {
        first: first.unwrap_or(0.0),
        total: start.elapsed().as_secs_f64(),
        rows,
    })
}

fn print(name: &str, t: &Timing, floor_first: f64, floor_total: f64) {
    println!(
        "{name:<13} rows {:>6}  first rows {:>6.2} s (floor {:>5.2} s, {:.2}x)  complete {:>6.2} s (floor {:>6.2} s, {:.2}x)",
        t.rows,
        t.first,
        floor_first,
        t.first / floor_first,
        t.total,
        floor_total,
        t.total / floor_total
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let latency = Duration::from_millis(args.latency_ms);
    let l = latency.as_secs_f64();
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            users: args.users,
            latency,
            auto_approve: true,
            ..SandboxConfig::default()
        },
        0,
    )
    .await?;
    let dump = sandbox.dump();
    let users = dump["users"].as_array().map_or(0, Vec::len);
    let enabled = dump["users"].as_array().map_or(0, |u| {
        u.iter().filter(|x| x["accountEnabled"] == true).count()
    });
    let ru_quota = f64::from(u32::try_from(
        dump["config"]["readRuPer10s"].as_u64().unwrap_or(8000),
    )?);
    let base = sandbox.base_url();

    // Directory pages + role list + role members, one after another.
    let before = (users.div_ceil(DIRECTORY_PAGE) + 2) as f64 * l;
    let pages = enabled.div_ceil(REPORT_PAGE);
    let report_time = if pages <= REPORTS_BURST {
        pages as f64 * l
    } else {
        (pages - REPORTS_BURST) as f64 * REPORTS_EVERY + l
    };
    let reg_floor_first = before + l;
    let reg_floor_total = before + report_time;
    let ru_needed = 2.0 * users as f64;
    let methods_floor_total = before + ((ru_needed - ru_quota).max(0.0) / (ru_quota / 10.0)).max(l);
    let methods_floor_first = before + l;

    println!(
        "tenant: {users} users ({enabled} enabled), latency {} ms; report pages {pages} of {REPORT_PAGE}; read quota {ru_quota} RU / 10 s",
        args.latency_ms
    );
    for (name, choice, ff, ft) in [
        (
            "registration",
            SourceChoice::Registration,
            reg_floor_first,
            reg_floor_total,
        ),
        (
            "methods",
            SourceChoice::Methods,
            methods_floor_first,
            methods_floor_total,
        ),
    ] {
        // A fresh session per source, after the buckets have refilled.
        tokio::time::sleep(Duration::from_secs(11)).await;
        let session = sign_in_as(
            &sandbox,
            AdminRole::GlobalAdministrator,
            ClientOptions::new(base.clone()),
        )
        .await?;
        let before = sandbox.dump()["counters"]["throttled"].clone();
        let t = measure(&session, choice).await?;
        print(name, &t, ff, ft);
        let after = sandbox.dump()["counters"]["throttled"].clone();
        let delta = |k: &str| after[k].as_u64().unwrap_or(0) - before[k].as_u64().unwrap_or(0);
        println!(
            "{:<13} 429s: reports bucket {}, read bucket {}",
            "",
            delta("reportsLimit"),
            delta("resourceUnitLimit")
        );
    }
    println!("goal: complete <= 1.2x the floor, first rows < 2 s");
    Ok(())
}
