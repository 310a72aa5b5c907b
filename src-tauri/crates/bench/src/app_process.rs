//! The release app as a process, for the programs that launch it (bench-startup, bench-memory):
//! find `prestage` next to the running program, launch it in a fresh home with its start-up marks
//! on (`PRESTAGE_STARTUP_MARKS=1`), and read a process's memory and children from /proc.
//! Linux only (it reads /proc).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

pub type Error = Box<dyn std::error::Error>;

/// `prestage` next to this program (`cargo build --release -p prestage-app`).
pub fn app_binary() -> Result<PathBuf, Error> {
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

/// kB figures of one process: (RSS, PSS), from /proc/PID/smaps_rollup.
pub fn memory(pid: u32) -> Option<(u64, u64)> {
    rollup(pid).map(|m| (m.rss, m.pss))
}

/// One process's memory in kB, from /proc/PID/smaps_rollup.
pub struct Rollup {
    pub rss: u64,
    /// Shared pages count as 1/n for the n processes mapping them: it falls when other programs
    /// map the same libraries (another WebKitGTK app), so it depends on the machine's state.
    pub pss: u64,
    /// Pages no other process maps (USS): what closing this process would free.
    pub private: u64,
    /// Anonymous memory: the heap, malloc arenas, stacks (what the program itself allocates).
    pub anonymous: u64,
}

pub fn rollup(pid: u32) -> Option<Rollup> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some(Rollup {
        rss: field("Rss:")?,
        pss: field("Pss:")?,
        private: field("Private_Clean:")? + field("Private_Dirty:")?,
        anonymous: field("Anonymous:")?,
    })
}

/// The threads of one process (`Threads:` in /proc/PID/status).
pub fn threads(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
}

/// PSS in kB per mapping of one process, largest first, from /proc/PID/smaps: each file by its
/// name (a shared library counts once for all its segments), `[heap]`, `[stack]` and anonymous
/// memory as `[anon]` (where glibc's per-thread malloc arenas and thread stacks live).
pub fn pss_by_mapping(pid: u32) -> Option<Vec<(String, u64)>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    let mut by_name: BTreeMap<String, u64> = BTreeMap::new();
    let mut current = String::from("[anon]");
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let Some(first) = parts.next() else {
            continue;
        };
        if first == "Pss:" {
            let value = parts
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            *by_name.entry(current.clone()).or_default() += value;
        } else if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // "start-end perms offset dev inode [path]": the path may hold spaces.
            let path = line
                .split_whitespace()
                .skip(5)
                .collect::<Vec<_>>()
                .join(" ");
            current = if path.is_empty() {
                "[anon]".to_string()
            } else if path.starts_with("[stack") {
                "[stack]".to_string()
            } else {
                path
            };
        }
    }
    let mut out: Vec<_> = by_name.into_iter().collect();
    out.sort_by_key(|(_, kb)| std::cmp::Reverse(*kb));
    Some(out)
}

/// A launched app; dropping it kills it and removes its home.
pub struct App {
    pub child: Child,
    home: PathBuf,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// How to launch the app.
pub struct LaunchOptions<'a> {
    /// `--sandbox`: the in-process sandbox tenant, signed in; otherwise the setup screen.
    pub sandbox: bool,
    /// Sandbox users (`PRESTAGE_SANDBOX_USERS`); the app's own default when absent.
    pub users: Option<usize>,
    /// Names the fresh home (with this process's id).
    pub tag: &'a str,
}

/// Launches `app` in a fresh home (no saved settings, no keychain entry) with its start-up marks
/// on; the receiver yields each mark as (name, ms since the start of `run()`).
pub fn launch(
    app: &Path,
    options: &LaunchOptions,
) -> Result<(App, mpsc::Receiver<(String, f64)>), Error> {
    let home = std::env::temp_dir().join(format!(
        "prestage-bench-{}-{}",
        options.tag,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home)?;
    let mut cmd = Command::new(app);
    if options.sandbox {
        cmd.arg("--sandbox");
    }
    if let Some(users) = options.users {
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

pub fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}
