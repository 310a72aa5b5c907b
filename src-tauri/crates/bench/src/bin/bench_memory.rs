//! Memory of the release app, as an admin leaves it: the Rust process's RSS and PSS (from
//! /proc/PID/smaps_rollup) and the RSS of WebKitGTK's web process, in four states:
//!
//! 1. idle on the setup screen (`prestage`, no saved settings);
//! 2. idle on the sandbox tenant's Users list (`prestage --sandbox`);
//! 3. a `--rows`-row CSV preview loaded (the in-process sandbox with `--rows` + 10 users; the
//!    file is picked through the app's `PRESTAGE_PICK_FILE` hook);
//! 4. the same app with the tenant report of all its users loaded as well (Global Administrator).
//!
//! States 1 and 2 launch the app as bench-startup does and wait for its start-up mark; 3 and 4
//! drive it through WebDriver with the end-to-end suite's harness (prestage-e2e: tauri-driver,
//! its page helpers and the Report tab helper). With rows loaded it also counts the table rows in
//! the DOM (a virtualized table keeps only the visible window) and times scrolling and filtering
//! each table: from the input (scrollTop set, chip or tile clicked, a search keystroke) to the
//! next frame painted and the page's event loop free again (`requestAnimationFrame` then a zero
//! timeout), median and worst of several.
//!
//! Run it under a display and a D-Bus session, like the end-to-end tests:
//! `dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" target/release/bench-memory`.
//! `--top N` also lists the Rust process's N largest mappings by PSS (each shared library, the
//! heap, anonymous memory) in every state. Linux only (it reads /proc); prints figures only.

use std::path::Path;
use std::time::Duration;

use clap::Parser;
use fantoccini::Client;
use prestage_bench::app_process::{
    app_binary, launch, mb, pss_by_mapping, rollup, threads, Error, LaunchOptions,
};
use prestage_core::session::Session;
use prestage_e2e::page::{click, no_error, text, wait_shown};
use prestage_e2e::processes::{descendants, driven_app_pid};
use prestage_e2e::sandbox_app::SandboxApp;
use prestage_e2e::{report_tab, wait_for, Poll};
use prestage_sandbox::{AdminRole, SandboxConfig};
use serde_json::Value;

#[derive(Parser)]
struct Args {
    /// Rows in the CSV preview (the tenant has 10 more users, the report covers them all).
    #[arg(long, default_value_t = 10_000)]
    rows: usize,
    /// How long to leave the app idle before reading its memory.
    #[arg(long, default_value_t = 3000)]
    settle_ms: u64,
    /// Also list the Rust process's N largest mappings by PSS.
    #[arg(long, default_value_t = 0)]
    top: usize,
    /// Scroll and filter timings per action.
    #[arg(long, default_value_t = 10)]
    repeats: usize,
    /// Skip the two idle states (1 and 2).
    #[arg(long)]
    loaded_only: bool,
}

/// How long a 10,000-row preview or report may take (40 ms per request on a loaded machine).
const LOAD_WAIT: Duration = Duration::from_secs(600);

/// Prints the memory of the app (pid) and of its WebKit children.
fn report_memory(state: &str, pid: u32, top: usize) -> Result<(), Error> {
    let m = rollup(pid).ok_or_else(|| format!("{state}: cannot read pid {pid}"))?;
    let threads = threads(pid).unwrap_or(0);
    println!(
        "{state:<30} app (Rust): RSS {:>6.1} MB  PSS {:>6.1} MB  private {:>5.1} MB  anonymous {:>5.1} MB  threads {threads}",
        mb(m.rss),
        mb(m.pss),
        mb(m.private),
        mb(m.anonymous)
    );
    let mut total = m.pss;
    for (child, comm) in descendants(pid) {
        if let Some(c) = rollup(child) {
            total += c.pss;
            println!(
                "{:<30} {comm:<16} RSS {:>6.1} MB  PSS {:>6.1} MB  private {:>5.1} MB",
                "",
                mb(c.rss),
                mb(c.pss),
                mb(c.private)
            );
        }
    }
    // What moves out of one process can land in another (a library no longer shared with the
    // app counts whole in the web process): the sum keeps that honest.
    println!("{:<30} all processes: PSS {:>6.1} MB", "", mb(total));
    if top > 0 {
        for (name, kb) in pss_by_mapping(pid).unwrap_or_default().iter().take(top) {
            println!("    PSS {:>6.1} MB  {name}", mb(*kb));
        }
    }
    Ok(())
}

/// How many other processes map WebKitGTK (they share its pages, so they lower PSS figures).
fn other_webkit_processes(mine: u32) -> usize {
    let ours: Vec<u32> = descendants(mine).into_iter().map(|(p, _)| p).collect();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|p| *p != mine && !ours.contains(p))
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/maps"))
                .is_ok_and(|m| m.contains("libwebkit2gtk") || m.contains("libjavascriptcoregtk"))
        })
        .count()
}

/// States 1 and 2: launch, wait for the screen's interactive mark, settle, read.
fn idle_state(app: &Path, a: &Args, sandbox: bool) -> Result<(), Error> {
    let (tag, mark, state) = if sandbox {
        (
            "memory-users",
            "users-interactive",
            "idle, sandbox Users list",
        )
    } else {
        ("memory-setup", "setup-interactive", "idle, setup screen")
    };
    let options = LaunchOptions {
        sandbox,
        users: None,
        tag,
    };
    let (mut child, marks) = launch(app, &options)?;
    loop {
        match marks.recv_timeout(Duration::from_secs(60)) {
            Ok((name, _)) if name == mark => break,
            Ok(_) => {}
            Err(_) => {
                let status = child.child.try_wait()?;
                return Err(format!("no {mark} mark in 60 s (exit: {status:?})").into());
            }
        }
    }
    std::thread::sleep(Duration::from_millis(a.settle_ms));
    report_memory(state, child.child.id(), a.top)
}

/// A CSV giving `rows` users of the app's in-process tenant a new mobile: the same tenant
/// (same seed and size as the app's), started here to list its users.
async fn tenant_csv(users: usize, rows: usize, path: &Path) -> Result<(), Error> {
    let sandbox = prestage_sandbox::start(
        SandboxConfig {
            users,
            auto_approve: true,
            still_asked: true,
            ..Default::default()
        },
        0,
    )
    .await?;
    let admin = sandbox
        .accounts()
        .into_iter()
        .find(|a| a.role == AdminRole::GlobalAdministrator)
        .ok_or("the sandbox has no Global Administrator")?;
    let base = sandbox.base_url();
    let session = Session::sign_in_auto_approved(
        base.clone(),
        base,
        sandbox.tenant_id(),
        &admin.user_principal_name,
    )
    .await?;
    let me = session.account().id.clone();
    let listed = session.graph().all_users().await?;
    let mut out = String::from("UserPrincipalName,MobilePhone\r\n");
    let mut written = 0;
    for u in listed.iter().filter(|u| u.id != me).take(rows) {
        out.push_str(&format!(
            "{},+1 425{:07}\r\n",
            u.user_principal_name.clone().unwrap_or_default(),
            2_000_000 + written
        ));
        written += 1;
    }
    sandbox.shutdown().await;
    if written < rows {
        return Err(format!("the tenant lists {written} users, not {rows}").into());
    }
    std::fs::write(path, out)?;
    Ok(())
}

async fn js(client: &Client, script: &str) -> Result<Value, Error> {
    client
        .execute(script, vec![])
        .await
        .map_err(|e| format!("script failed: {e}\n{script}").into())
}

/// Runs `action` (JavaScript; it may use `i`, the repeat's index) and waits for the next frame
/// and a free event loop. Returns the ms from just before the action to its end (the handlers a
/// click or an input event runs at once; a scroll's handler runs in the next frame) and to then.
async fn frame_after(client: &Client, action: &str, i: usize) -> Result<(f64, f64), Error> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const i = {i};
         const t0 = performance.now();
         {action};
         const t1 = performance.now();
         requestAnimationFrame(() => setTimeout(() => done([t1 - t0, performance.now() - t0]), 0));"
    );
    let value = client
        .execute_async(&script, vec![])
        .await
        .map_err(|e| format!("timing script failed: {e}\n{script}"))?;
    serde_json::from_value(value.clone())
        .map_err(|_| format!("timing script answered {value}").into())
}

/// Times `action` `repeats` times (a settled frame between each) and prints median and worst.
async fn time_action(
    client: &Client,
    what: &str,
    action: &str,
    repeats: usize,
) -> Result<(), Error> {
    let mut at_once = Vec::new();
    let mut frame = Vec::new();
    for i in 0..repeats {
        let (handlers, next_frame) = frame_after(client, action, i).await?;
        at_once.push(handlers);
        frame.push(next_frame);
        frame_after(client, "", 0).await?;
    }
    at_once.sort_by(f64::total_cmp);
    frame.sort_by(f64::total_cmp);
    println!(
        "    {what:<38} input → next frame: median {:>6.1} ms  worst {:>6.1} ms  (handlers at once: median {:>5.1} ms; {repeats} runs)",
        frame[frame.len() / 2],
        frame[frame.len() - 1],
        at_once[at_once.len() / 2],
    );
    Ok(())
}

async fn count(client: &Client, css: &str) -> Result<u64, Error> {
    let script = format!("return document.querySelectorAll('{css}').length;");
    js(client, &script)
        .await?
        .as_u64()
        .ok_or_else(|| format!("no count for {css}").into())
}

/// The Rust process of the app this program drives through tauri-driver (its grandchild).
/// State 3: pick the CSV, wait for the complete preview, read; then time its table.
async fn preview_state(client: &Client, a: &Args, pid: u32) -> Result<(), Error> {
    wait_shown(client, "[data-testid=user-row]").await?;
    std::thread::sleep(Duration::from_millis(a.settle_ms));
    let state = format!("Users list, {}-user sandbox", a.rows + 10);
    report_memory(&state, pid, a.top)?;
    click(client, "[data-testid=nav-import]").await?;
    wait_shown(client, "[data-testid=import-empty]").await?;
    click(client, "[data-testid=choose-file]").await?;
    wait_for("the preview to complete", LOAD_WAIT, || async {
        no_error(client).await?;
        let ready = js(
            client,
            "const b = document.querySelector('[data-testid=apply]'); return !!b && !b.disabled;",
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(if ready == Value::Bool(true) {
            Poll::Ready(())
        } else {
            Poll::Pending(text(client, "[data-testid=preview-status]").await?)
        })
    })
    .await?;
    let all = text(client, "[data-testid=chip-all] .chip-count").await?;
    let ticked = text(client, "[data-testid=tick-count]").await?;
    std::thread::sleep(Duration::from_millis(a.settle_ms));
    report_memory(&format!("{} rows previewed", a.rows), pid, a.top)?;
    let in_dom = count(client, "[data-testid=preview-row]").await?;
    println!("    preview: {all} rows, {ticked}; {in_dom} row elements in the DOM");
    let wrap = "document.querySelector('[data-testid=preview-table-wrap]')";
    time_action(
        client,
        "preview: scroll to a far row",
        &format!("const w = {wrap}; w.scrollTop = ((i * 7919) % 97) / 97 * (w.scrollHeight - w.clientHeight)"),
        a.repeats,
    )
    .await?;
    time_action(
        client,
        "preview: scroll one screen down",
        &format!("const w = {wrap}; w.scrollTop += w.clientHeight"),
        a.repeats,
    )
    .await?;
    time_action(
        client,
        "preview: outcome chip (update / all)",
        "document.querySelector(i % 2 ? '[data-testid=chip-all]' : '[data-testid=chip-update]').click()",
        a.repeats,
    )
    .await?;
    Ok(())
}

/// State 4: open the Report tab, wait for every row, read; then time its table.
async fn report_state(client: &Client, a: &Args, pid: u32) -> Result<(), Error> {
    let source = report_tab::open_report(client, LOAD_WAIT).await?;
    let shown = text(client, "[data-testid=report-count]").await?;
    std::thread::sleep(Duration::from_millis(a.settle_ms));
    report_memory("… and the report loaded", pid, a.top)?;
    let in_dom = count(client, "[data-testid=report-row]").await?;
    println!("    report: {shown} ({source}); {in_dom} row elements in the DOM");
    let viewport = "document.querySelector('[data-testid=report-viewport]')";
    time_action(
        client,
        "report: scroll to a far row",
        &format!("const w = {viewport}; w.scrollTop = ((i * 7919) % 97) / 97 * (w.scrollHeight - w.clientHeight)"),
        a.repeats,
    )
    .await?;
    time_action(
        client,
        "report: tile click (on / off)",
        "document.querySelector('[data-testid=report-tile]').click()",
        a.repeats,
    )
    .await?;
    time_action(
        client,
        "report: search keystroke",
        "const s = document.querySelector('[data-testid=report-search]');
         s.value = i % 2 ? '' : 'a'.repeat(1 + (i % 3)); s.dispatchEvent(new Event('input'))",
        a.repeats,
    )
    .await?;
    Ok(())
}

async fn loaded_states(app: &Path, a: &Args) -> Result<(), Error> {
    let users = a.rows + 10;
    let home = std::env::temp_dir().join(format!("prestage-bench-memory-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let csv = home.join("rows.csv");
    tenant_csv(users, a.rows, &csv).await?;
    let env = [
        ("PRESTAGE_SANDBOX_USERS", users.to_string()),
        ("PRESTAGE_SANDBOX_ROLE", "global-administrator".to_string()),
        ("PRESTAGE_PICK_FILE", csv.display().to_string()),
        ("PRESTAGE_NO_UPDATES", "1".to_string()),
        ("RUST_LOG", "warn".to_string()),
        // The renderer this machine gets (the e2e harness would force the GPU path).
        ("PRESTAGE_WEBVIEW_GPU", renderer_setting()),
    ];
    let driven = SandboxApp::launch_binary(app, "bench-memory", &env).await?;
    let outcome = async {
        let pid = driven_app_pid(app)?;
        preview_state(&driven.client, a, pid).await?;
        report_state(&driven.client, a, pid).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&home);
    let closed = driven.finish(outcome.map_err(|e| e.to_string())).await;
    closed.map_err(Into::into)
}

/// `PRESTAGE_WEBVIEW_GPU` as the user set it, else `auto`: the app decides, as it does for
/// anyone on this machine (states 1 and 2 inherit the same environment).
fn renderer_setting() -> String {
    std::env::var("PRESTAGE_WEBVIEW_GPU").unwrap_or_else(|_| "auto".into())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let a = Args::parse();
    if std::env::var_os("DISPLAY").is_none() {
        return Err(
            "no X display: run inside `dbus-run-session -- xvfb-run -a -s \"-screen 0 1280x800x24\"`"
                .into(),
        );
    }
    let app = app_binary()?;
    println!(
        "== memory of {} (after {} ms idle in each state)",
        app.display(),
        a.settle_ms
    );
    println!("(PRESTAGE_WEBVIEW_GPU={})", renderer_setting());
    println!(
        "(other processes mapping WebKitGTK now: {}; each lowers the PSS of shared libraries)",
        other_webkit_processes(std::process::id())
    );
    if !a.loaded_only {
        idle_state(&app, &a, false)?;
        idle_state(&app, &a, true)?;
    }
    loaded_states(&app, &a).await
}
