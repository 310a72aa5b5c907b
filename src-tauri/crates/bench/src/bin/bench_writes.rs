//! Benchmark: drive N phone-method writes through the core client against the sandbox tenant at a
//! configured write quota and latency, and print the achieved throughput as a fraction of the
//! quota's ceiling (a token bucket that starts full: quota + rate × elapsed writes at most).
//! A program that prints figures, not a test.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures::stream::{self, StreamExt};
use prestage_bench::sign_in::{patient, sign_in_as};
use prestage_core::graph::{Api, BatchRequest, GraphClient, PhoneMethod};
use prestage_core::phone::{PhoneNumber, PhoneType};
use prestage_core::throttle::ClientEvent;
use prestage_sandbox::{AdminRole, SandboxConfig};

#[derive(Parser, Debug)]
#[command(about = "Write throughput against the sandbox's write quota")]
struct Args {
    /// Writes to perform (one per user).
    #[arg(long, default_value_t = 1500)]
    writes: usize,
    /// Writes allowed per window (the bucket's capacity).
    #[arg(long, default_value_t = 200)]
    quota: u32,
    /// Window length in seconds (refill = quota / window).
    #[arg(long, default_value_t = 10)]
    window_s: u64,
    /// Per-request latency of the sandbox.
    #[arg(long, default_value_t = 150)]
    latency_ms: u64,
    #[arg(long, default_value_t = 20)]
    jitter_ms: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            users: args.writes + 50,
            write_quota: args.quota,
            write_window: Duration::from_secs(args.window_s),
            latency: Duration::from_millis(args.latency_ms),
            latency_jitter: Duration::from_millis(args.jitter_ms),
            auto_approve: true,
            ..SandboxConfig::default()
        },
        0,
    )
    .await?;
    let throttled = Arc::new(AtomicU64::new(0));
    let mut options = patient(&sandbox, args.concurrency);
    let counter = throttled.clone();
    options.events = Some(Arc::new(move |e: &ClientEvent| {
        if matches!(e, ClientEvent::Retrying { .. }) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }));
    let session = sign_in_as(
        &sandbox,
        AdminRole::PrivilegedAuthenticationAdministrator,
        options,
    )
    .await?;
    let graph = session.graph().clone();

    // Untimed: pick the targets and read their mobiles, so each write is a create or an update.
    let me = session.account().id.clone();
    let users: Vec<String> = graph
        .all_users()
        .await?
        .into_iter()
        .map(|u| u.id)
        .filter(|id| *id != me)
        .take(args.writes)
        .collect();
    if users.len() < args.writes {
        return Err(format!("only {} users available", users.len()).into());
    }
    let before = mobiles(&graph, &users).await?;
    let plan: Vec<(String, PhoneNumber, bool)> = users
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let number = PhoneNumber::parse_graph(&format!("+1 425{:07}", 1_000_000 + i))?;
            Ok((id.clone(), number, before.contains_key(id)))
        })
        .collect::<Result<_, prestage_core::phone::PhoneFormatError>>()?;

    let started = Instant::now();
    let results: Vec<Result<(), String>> = stream::iter(plan.iter().cloned())
        .map(|(id, number, exists)| {
            let graph = graph.clone();
            async move {
                let r = if exists {
                    graph
                        .update_phone_method(&id, PhoneType::Mobile, &number)
                        .await
                        .map(|_| ())
                } else {
                    graph
                        .create_phone_method(&id, PhoneType::Mobile, &number)
                        .await
                        .map(|_| ())
                };
                r.map_err(|e| e.to_string())
            }
        })
        .buffer_unordered(args.concurrency * 4)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();

    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let after = mobiles(&graph, &users).await?;
    let wrong = plan
        .iter()
        .filter(|(id, number, _)| {
            after.get(id).map(|m| m.phone_number.as_str()) != Some(number.as_str())
        })
        .count();

    let rate = args.quota as f64 / args.window_s as f64;
    let ceiling_writes = args.quota as f64 + rate * elapsed;
    let achieved = args.writes as f64 / elapsed;
    let floor_s = (args.writes as f64 - args.quota as f64).max(0.0) / rate;
    println!("writes              {}", args.writes);
    println!(
        "quota               {} per {} s (refill {:.1}/s), latency {} ms ± {} ms, concurrency {}",
        args.quota, args.window_s, rate, args.latency_ms, args.jitter_ms, args.concurrency
    );
    println!("elapsed             {elapsed:.2} s (quota floor {floor_s:.2} s)");
    println!("achieved            {achieved:.2} writes/s");
    println!(
        "ceiling             {:.2} writes/s over this run",
        ceiling_writes / elapsed
    );
    println!(
        "fraction of ceiling {:.3}",
        args.writes as f64 / ceiling_writes
    );
    println!("retries (429/503)   {}", throttled.load(Ordering::Relaxed));
    println!("failed requests     {}", failed.len());
    println!("end state wrong     {wrong}");
    if let Some(first) = failed.first() {
        println!("first failure       {first}");
    }
    sandbox.shutdown().await;
    Ok(())
}

/// Reads the mobile phone of each user in batches of 20 (untimed set-up and verification).
async fn mobiles(
    graph: &GraphClient,
    users: &[String],
) -> Result<HashMap<String, PhoneMethod>, Box<dyn std::error::Error>> {
    let chunks: Vec<Vec<String>> = users.chunks(20).map(|c| c.to_vec()).collect();
    let answers: Vec<_> = stream::iter(chunks)
        .map(|chunk| {
            let graph = graph.clone();
            async move {
                let requests = chunk
                    .iter()
                    .map(|id| {
                        BatchRequest::get(
                            id.clone(),
                            format!("/users/{id}/authentication/phoneMethods"),
                        )
                    })
                    .collect();
                graph.batch(Api::V1, requests).await
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let mut out = HashMap::new();
    for answer in answers {
        for response in answer? {
            if let Some(err) = response.error() {
                return Err(err.to_string().into());
            }
            #[derive(serde::Deserialize)]
            struct Page {
                value: Vec<PhoneMethod>,
            }
            let page: Page = response.json()?;
            if let Some(m) = page
                .value
                .into_iter()
                .find(|m| m.phone_type == Some(PhoneType::Mobile))
            {
                out.insert(response.id.clone(), m);
            }
        }
    }
    Ok(out)
}
