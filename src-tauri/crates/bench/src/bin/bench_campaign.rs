//! Benchmark of a campaign's pass wave (a program that prints figures, not a test): passes for
//! N users at a write quota and latency, through the same core calls as the app and the CLI
//! (`campaign::preview_step` + `run_step`). Prints elapsed against the quota's floor and a
//! re-read of the tenant: users without exactly the pass that was handed out count as lost.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use clap::Parser;
use prestage_bench::sign_in::{patient, sign_in_as};
use prestage_core::campaign::{self, NewCampaign, Pick, Step, StepOptions, TapChoice};
use prestage_core::import::{ApplyControl, RowEnd};
use prestage_core::report::{self, ReportEvent, SourceChoice};
use prestage_sandbox::{AdminRole, SandboxConfig};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    users: usize,
    /// Writes per second (bucket capacity = one second of writes).
    #[arg(long, default_value_t = 20)]
    quota_per_s: u32,
    #[arg(long, default_value_t = 150)]
    latency_ms: u64,
    /// Requests in flight (the client's limit).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = Args::parse();
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            auto_approve: true,
            users: a.users * 6 / 5 + 50,
            latency: Duration::from_millis(a.latency_ms),
            write_quota: a.quota_per_s,
            write_window: Duration::from_secs(1),
            ..Default::default()
        },
        0,
    )
    .await?;
    let s = sign_in_as(
        &sandbox,
        AdminRole::PrivilegedAuthenticationAdministrator,
        patient(&sandbox, a.concurrency),
    )
    .await?;
    // Setup (untimed): the report, and a cohort of N enabled members without a role.
    let mut rows = Vec::new();
    report::run(report::Reader::of(&s), SourceChoice::Methods, |e| {
        if let ReportEvent::Rows { rows: r, .. } = e {
            rows.extend(r);
        }
    })
    .await?;
    let me = s.account().id.clone();
    let ids: Vec<String> = rows
        .iter()
        .filter(|r| {
            r.account_enabled && r.is_admin != Some(true) && r.user_type == "Member" && r.id != me
        })
        .take(a.users)
        .map(|r| r.id.clone())
        .collect();
    let dir = std::env::temp_dir().join(format!("prestage-bench-campaign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let maker = s.campaigns(&dir);
    let mut c = campaign::create(
        &maker,
        &NewCampaign {
            name: "bench",
            pick: Pick::Ids(&ids),
            exclusion_group: None,
        },
        &rows,
    )
    .await?;
    let runs = dir.join("runs");
    let ctx = s.runs(&runs, a.concurrency);
    let opts = StepOptions {
        tap: Some(TapChoice {
            lifetime_minutes: 480,
            once: true,
            start: None,
        }),
        ..StepOptions::default()
    };
    let preview = campaign::preview_step(&ctx, &c, Step::Tap, &opts).await?;
    let writes = preview.rows.iter().filter(|r| r.writes()).count();
    let started = Instant::now();
    let outcome = campaign::run_step(
        &ctx,
        &dir,
        &mut c,
        preview,
        None,
        &ApplyControl::default(),
        |_, _| {},
    )
    .await?;
    let elapsed = started.elapsed().as_secs_f64();
    // Verify from the tenant's own state (untimed): each user holds the pass handed out.
    let handed: HashMap<String, String> = outcome
        .passes
        .iter()
        .map(|p| (p.user.id.clone(), p.tap.id.clone()))
        .collect();
    let dump = sandbox.dump();
    let held: HashMap<String, Vec<String>> = dump["users"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter_map(|u| {
                    let taps = u["methods"]
                        .as_array()?
                        .iter()
                        .filter(|m| {
                            m["@odata.type"]
                                == "#microsoft.graph.temporaryAccessPassAuthenticationMethod"
                                && m["isUsable"] == true
                        })
                        .filter_map(|m| m["id"].as_str().map(str::to_string))
                        .collect();
                    Some((u["id"].as_str()?.to_string(), taps))
                })
                .collect()
        })
        .unwrap_or_default();
    let lost = ids
        .iter()
        .filter(|id| {
            held.get(*id).map(|t| t.as_slice()) != handed.get(*id).map(std::slice::from_ref)
        })
        .count();
    let report = &outcome.runs[0].report;
    let done = report
        .results
        .iter()
        .filter(|r| r.end == RowEnd::Done)
        .count();
    let floor = (writes as f64 - f64::from(a.quota_per_s)).max(0.0) / f64::from(a.quota_per_s);
    println!(
        "users                {} ({writes} passes) at {} writes/s, {} ms latency, {} requests in flight",
        ids.len(),
        a.quota_per_s,
        a.latency_ms,
        a.concurrency
    );
    println!("elapsed              {elapsed:.1} s (quota floor {floor:.1} s)");
    println!("floor / elapsed      {:.3}", floor / elapsed);
    println!(
        "passes handed out    {}; rows done {done}; not done {}",
        outcome.passes.len(),
        report.results.len() - done
    );
    println!("lost                 {lost}");
    println!(
        "429 answers          {} (write limit {})",
        dump["counters"]["throttled"]["total"], dump["counters"]["throttled"]["writeLimit"]
    );
    for r in report
        .results
        .iter()
        .filter(|r| r.end != RowEnd::Done)
        .take(5)
    {
        println!(
            "not done line {}: {}",
            r.line,
            r.message.as_deref().unwrap_or("")
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
