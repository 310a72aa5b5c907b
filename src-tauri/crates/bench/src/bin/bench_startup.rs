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
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

type Error = Box<dyn std::error::Error>;

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

fn app_binary() -> Result<PathBuf, Error> {
    let me = std::env::current_exe()?;
    let app = me.with_file_name(format!("prestage{}", std::env::consts::EXE_SUFFIX));
    if app.is_file() {
        Ok(app)
    } else {
        Err(format!(
            "{} is missing: cargo build --release -p prestage-app",
            app.display()
        )
        .into())
    }
}

/// kB figures of one process: (RSS, PSS).
fn memory(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("Rss:")?, field("Pss:")?))
}

/// Every descendant of `pid` with its command name.
fn descendants(pid: u32) -> Vec<(u32, String)> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let comm = head
            .split_once('(')
            .map(|(_, c)| c)
            .unwrap_or("")
            .to_string();
        if let Some(ppid) = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok())
        {
            parent_of.push((child, ppid, comm));
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for (child, ppid, comm) in &parent_of {
            if *ppid == p {
                out.push((*child, comm.clone()));
                frontier.push(*child);
            }
        }
    }
    out
}

struct App {
    child: Child,
    home: PathBuf,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn launch(app: &Path, a: &Args, run: usize) -> Result<(App, mpsc::Receiver<(String, f64)>), Error> {
    let home = std::env::temp_dir().join(format!("prestage-startup-{}-{run}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home)?;
    let mut cmd = Command::new(app);
    if a.screen == Screen::Users {
        cmd.arg("--sandbox");
    }
    if let Some(users) = a.users {
        cmd.env("PRESTAGE_SANDBOX_USERS", users.to_string());
    }
    cmd.env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("PRESTAGE_STARTUP_MARKS", "1")
        .env("PRESTAGE_NO_UPDATES", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut parts = line.split_whitespace();
            if parts.next() != Some("startup") {
                continue;
            }
            if let (Some(name), Some(ms)) = (parts.next(), parts.next()) {
                if let Ok(ms) = ms.parse::<f64>() {
                    let _ = tx.send((name.to_string(), ms));
                }
            }
        }
    });
    Ok((App { child, home }, rx))
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
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
        let (mut child, marks) = launch(&app, &a, run)?;
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
