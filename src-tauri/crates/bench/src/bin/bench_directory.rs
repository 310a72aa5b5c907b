//! Benchmark: the preview of a directory run over a group of about 10,000 users at 40 ms latency
//! (the sandbox's "All staff": every department group, nested), against the floor the sandbox's
//! read quota allows:
//!
//! * the group's transitive user members, pages of 999 one after another (4 RU each with `$select`);
//! * per user with something to plan, two sub-requests in `$batch`es (the user, and their methods:
//!   all methods for a delegated admin, phone methods for an app), 1 resource unit each, through
//!   the identity read bucket (8,000 RU per 10 s, full at the start).
//!
//! floor = pages x latency + max(latency, (RU needed - quota) / (quota / 10 s)). It also prints the
//! floor if the user read were skipped (the listing already holds the user): 1 RU per user.
//! Measured once as the Import screen's admin (Privileged Authentication Administrator) and once
//! as an app signed in with a certificate (the unattended run). A program that prints figures.

use std::time::{Duration, Instant};

use clap::Parser;
use prestage_bench::sign_in::sign_in_as;
use prestage_core::auth::{AppCredential, AppSignIn};
use prestage_core::directory_source::{self, Scope, SourceOptions};
use prestage_core::graph::ClientOptions;
use prestage_core::session::Session;
use prestage_sandbox::{AdminRole, SandboxConfig, DEFAULT_APP_ROLES};

const LIST_PAGE: usize = 999;
const LIST_PAGE_RU: f64 = 4.0;
const GROUP: &str = "All staff";

#[derive(Parser, Debug)]
#[command(about = "Directory-run preview over a ~10,000-user group vs the read-quota floor")]
struct Args {
    /// Users in the tenant ("All staff" holds about nine in ten of them).
    #[arg(long, default_value_t = 11_500)]
    users: usize,
    #[arg(long, default_value_t = 40)]
    latency_ms: u64,
}

struct Timing {
    first: f64,
    total: f64,
    rows: usize,
    read: usize,
    add: usize,
    only_phone: usize,
}

async fn measure(session: &Session, scope: &Scope) -> Result<Timing, String> {
    let options = SourceOptions {
        default_region: Some("US".into()),
        ..SourceOptions::default()
    };
    let start = Instant::now();
    let mut first = None;
    let p = directory_source::preview(
        session.graph(),
        &session.actor(),
        scope,
        false,
        &options,
        8,
        |_| {
            first.get_or_insert_with(|| start.elapsed().as_secs_f64());
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let total = start.elapsed().as_secs_f64();
    Ok(Timing {
        first: first.unwrap_or(total),
        total,
        rows: p.rows.len(),
        // A row was read when it was planned against a state (its fingerprint) or its read failed.
        read: p
            .rows
            .iter()
            .filter(|r| {
                !r.fingerprint.is_empty()
                    || r.problems.iter().any(|x| x.starts_with("could not read"))
            })
            .count(),
        add: p.counts.add,
        only_phone: p.retirement.only_phone,
    })
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
    let quota = dump["config"]["readRuPer10s"].as_f64().unwrap_or(8000.0);
    let base = sandbox.base_url();
    let admin = sign_in_as(
        &sandbox,
        AdminRole::PrivilegedAuthenticationAdministrator,
        ClientOptions::new(base.clone()),
    )
    .await?;
    let group = admin
        .graph()
        .groups()
        .await?
        .into_iter()
        .find(|g| g.display_name.as_deref() == Some(GROUP))
        .ok_or("no All staff group")?;
    let scope = Scope::Group {
        id: group.id.clone(),
        name: GROUP.into(),
    };
    let (key, cert) = prestage_sandbox::self_signed_certificate("bench", 30)?;
    let client_id = sandbox.register_app(&cert, &DEFAULT_APP_ROLES)?;
    let credential = AppCredential::from_pem(&client_id, &key, Some(&cert), "bench")?;

    println!(
        "tenant: {} users, latency {} ms, read quota {quota} RU / 10 s; group '{GROUP}'",
        args.users, args.latency_ms
    );
    for who in ["admin (PAA)", "app (certificate)"] {
        // A fresh client per run, after the read bucket has refilled.
        tokio::time::sleep(Duration::from_secs(11)).await;
        let session = if who.starts_with("app") {
            Session::app_only(
                AppSignIn {
                    authority: base.clone(),
                    tenant: sandbox.tenant_id().to_string(),
                    credential: credential.clone(),
                },
                ClientOptions::new(base.clone()),
            )
            .await?
        } else {
            sign_in_as(
                &sandbox,
                AdminRole::PrivilegedAuthenticationAdministrator,
                ClientOptions::new(base.clone()),
            )
            .await?
        };
        let throttled_before = sandbox.dump()["counters"]["throttled"]["resourceUnitLimit"]
            .as_u64()
            .unwrap_or(0);
        let t = measure(&session, &scope).await?;
        let throttled = sandbox.dump()["counters"]["throttled"]["resourceUnitLimit"]
            .as_u64()
            .unwrap_or(0)
            - throttled_before;
        let pages = t.rows.div_ceil(LIST_PAGE) as f64;
        let floor = |per_user: f64| {
            let ru = pages * LIST_PAGE_RU + per_user * t.read as f64;
            pages * l + ((ru - quota).max(0.0) / (quota / 10.0)).max(l)
        };
        let (floor2, floor1) = (floor(2.0), floor(1.0));
        println!(
            "{who:<18} members {:>6}  read {:>6}  add {:>5}  only-phone {:>4}  first rows {:>5.2} s  complete {:>6.2} s  floor {:>6.2} s ({:.2}x)  floor at 1 read/user {:>6.2} s ({:.2}x)  429s {throttled}",
            t.rows,
            t.read,
            t.add,
            t.only_phone,
            t.first,
            t.total,
            floor2,
            t.total / floor2,
            floor1,
            t.total / floor1,
        );
    }
    println!("goal: complete <= 1.1x the floor");
    Ok(())
}
