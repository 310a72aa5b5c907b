//! Start-up of the release app, as an admin sees it, and its memory once settled. Launches
//! `prestage` (next to this program: `cargo build --release -p prestage-app -p prestage-bench`)
//! several times under the current X display (run it inside `xvfb-run -a`), each time with a
//! fresh home (no saved settings, no keychain entry), and reads the app's start-up marks
//! (`PRESTAGE_STARTUP_MARKS=1`, src-tauri/src/startup.rs), measured from the start of `run()`:
//!
//! - `built`: the window exists (Tauri has built it from tauri.conf.json);
//! - `page-loaded`: the webview finished loading the UI;
//! - `connected`: start-up's connection is ready (the sandbox tenant seeded and signed in, or a
//!   remembered sign-in resumed, or nothing to resume);
//! - `users-interactive` (`--screen users`, the sandbox tenant) / `setup-interactive`
//!   (`--screen setup`, no tenant yet): the first screen is painted with its data and the
//!   webview's event loop is free again, so the next key press is handled at once.
//!
//! Then, after `--settle-ms`, the memory of the Rust process (RSS and PSS from
//! /proc/PID/smaps_rollup) and of the webview's processes (WebKitGTK's web and network processes,
//! children of the app). Linux only (it reads /proc); prints figures only.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use prestage_bench::app_process::{app_binary, launch, mb, memory, Error, LaunchOptions};
use prestage_e2e::processes::descendants;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Screen {
    /// `prestage --sandbox`: the sandbox tenant, signed in, the Users list.
    Users,
    /// `prestage` with no saved settings: the setup screen.
    Setup,
}

#[derive(Parser)]
struct Args {
    #[arg(long, value_enum, default_value_t = Screen::Users)]
    screen: Screen,
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Sandbox users (`PRESTAGE_SANDBOX_USERS`); the app's own default when absent.
    #[arg(long)]
    users: Option<usize>,
    /// How long to leave the app idle before reading its memory.
    #[arg(long, default_value_t = 3000)]
    settle_ms: u64,
}

fn main() -> Result<(), Error> {
    let a = Args::parse();
    if std::env::var_os("DISPLAY").is_none() {
        return Err("no X display: run inside `xvfb-run -a -s \"-screen 0 1280x800x24\"`".into());
    }
    let app = app_binary()?;
    let target = match a.screen {
        Screen::Users => "users-interactive",
        Screen::Setup => "setup-interactive",
    };
    println!(
        "== start-up: {} screen, {} runs ({})",
        match a.screen {
            Screen::Users => "sandbox Users",
            Screen::Setup => "setup",
        },
        a.runs,
        app.display()
    );
    let mut interactive = Vec::new();
    for run in 1..=a.runs {
        let tag = format!("startup-{run}");
        let options = LaunchOptions {
            sandbox: a.screen == Screen::Users,
            users: a.users,
            tag: &tag,
        };
        let (mut child, marks) = launch(&app, &options)?;
        let spawned = Instant::now();
        let mut seen = BTreeMap::new();
        while !seen.contains_key(target) {
            let left = Duration::from_secs(60).saturating_sub(spawned.elapsed());
            match marks.recv_timeout(left) {
                Ok((name, ms)) => {
                    seen.insert(name, ms);
                }
                Err(_) => {
                    let status = child.child.try_wait()?;
                    return Err(
                        format!("run {run}: no {target} mark in 60 s (exit: {status:?})").into(),
                    );
                }
            }
        }
        let ms = |k: &str| {
            seen.get(k)
                .map_or("-".to_string(), |v| format!("{v:.0} ms"))
        };
        println!(
            "run {run}: window built {:>7}  page loaded {:>7}  connected {:>7}  {target} {:>7}",
            ms("built"),
            ms("page-loaded"),
            ms("connected"),
            ms(target)
        );
        interactive.push(seen[target]);
        if run == a.runs {
            std::thread::sleep(Duration::from_millis(a.settle_ms));
            let pid = child.child.id();
            if let Some((rss, pss)) = memory(pid) {
                println!(
                    "memory after {} ms idle: app (Rust) RSS {:.1} MB  PSS {:.1} MB",
                    a.settle_ms,
                    mb(rss),
                    mb(pss)
                );
            }
            let mut web_rss = 0;
            let mut web_pss = 0;
            for (p, comm) in descendants(pid) {
                if let Some((rss, pss)) = memory(p) {
                    println!(
                        "  child {comm:<18} RSS {:.1} MB  PSS {:.1} MB",
                        mb(rss),
                        mb(pss)
                    );
                    web_rss += rss;
                    web_pss += pss;
                }
            }
            println!(
                "  webview processes total RSS {:.1} MB  PSS {:.1} MB",
                mb(web_rss),
                mb(web_pss)
            );
        }
        drop(child);
    }
    interactive.sort_by(f64::total_cmp);
    let median = interactive[interactive.len() / 2];
    println!(
        "{target}: median {median:.0} ms  min {:.0} ms  max {:.0} ms  (goal < 1000 ms)",
        interactive[0],
        interactive[interactive.len() - 1]
    );
    Ok(())
}
