//! prestage-e2e: the harness that drives the built Prestage app through tauri-driver (WebDriver)
//! under a virtual display. It knows the app only as a binary, a window and its DOM — it never
//! depends on tauri or on Prestage's crates. Run it through `.ci/test`.

pub mod page;
pub mod processes;
pub mod report_tab;
pub mod sandbox_app;
pub mod world;
pub mod x11;

use std::fs::File;
use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long WebKitWebDriver may take to start the app and hand back a session.
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

/// The app's renderer for tauri-driver's launches: `PRESTAGE_WEBVIEW_GPU` if set (a benchmark
/// measures what this machine gets with `auto`), else `on`.
fn webview_gpu() -> String {
    std::env::var("PRESTAGE_WEBVIEW_GPU")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "on".into())
}

/// The `prestage` binary next to this test's own build (`$CARGO_TARGET_DIR/debug/prestage`),
/// or `PRESTAGE_APP` when set. `cargo test` does not build it: `cargo build -p prestage-app` first.
pub fn app_binary() -> Result<PathBuf, String> {
    let path = match std::env::var_os("PRESTAGE_APP") {
        Some(path) => PathBuf::from(path),
        None => {
            let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
            // <target>/debug/deps/<test binary> -> <target>/debug/prestage
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .ok_or_else(|| format!("unexpected test binary location {}", exe.display()))?;
            profile_dir.join("prestage")
        }
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the app binary {} does not exist; build it first with `cargo build -p prestage-app` \
             (or set PRESTAGE_APP)",
            path.display()
        ))
    }
}

/// Where the e2e run writes screenshots: `tests/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots")
}

/// A running `tauri-driver`. Dropping it sends SIGTERM (never SIGKILL, which would orphan
/// WebKitWebDriver and the app) and waits for it to exit.
pub struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    /// Starts `tauri-driver --port P --native-port P+1` on two free ports and waits until both
    /// it and WebKitWebDriver accept connections. Its output goes to `log`.
    pub fn start(log: &Path) -> Result<Self, String> {
        Self::start_with_env(log, &[])
    }

    /// As [`Driver::start`], with extra environment variables for tauri-driver, WebKitWebDriver
    /// and so the app they launch (each test gets its own driver, hence its own app settings).
    pub fn start_with_env(log: &Path, env: &[(String, String)]) -> Result<Self, String> {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return Err(
                "no display: run under `xvfb-run` (see .ci/test); without one, \
                        WebKitWebDriver hangs forever"
                    .into(),
            );
        }
        let port = free_port_pair()?;
        let out = File::create(log).map_err(|e| format!("create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("clone log handle: {e}"))?;
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            // The GPU path unless PRESTAGE_WEBVIEW_GPU is set: without a GPU the app paints on
            // the CPU (src-tauri/src/webview_gpu.rs), where WebKitGTK 2.50's WebDriver screenshot
            // can hang (directory_source hangs at its first one, even with a pixel repainted
            // every frame; skeleton's return). A test may pass `off`: cpu_paint.rs does, and
            // takes no screenshot.
            .env("PRESTAGE_WEBVIEW_GPU", webview_gpu())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| {
                format!("could not start tauri-driver ({e}); install it with .ci/setup")
            })?;
        let driver = Self {
            child,
            port,
            log: log.to_owned(),
        };
        // tauri-driver listens at once; the WebKitWebDriver it starts on P+1 takes a moment, and
        // a session request before then is refused.
        let deadline = Instant::now() + Duration::from_secs(10);
        for listening in [port, port + 1] {
            while TcpStream::connect((Ipv4Addr::LOCALHOST, listening)).is_err() {
                if Instant::now() > deadline {
                    return Err(format!(
                        "tauri-driver (port {port}) and WebKitWebDriver (port {}) were not both \
                         listening within 10 s; see {}",
                        port + 1,
                        driver.log.display()
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(driver)
    }

    /// Opens a WebDriver session on `app` (which launches it), giving up after [`SESSION_TIMEOUT`].
    pub async fn session(&self, app: &Path) -> Result<Client, String> {
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": app.to_string_lossy() }),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let connect = builder.connect(&url);
        match tokio::time::timeout(SESSION_TIMEOUT, connect).await {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(e)) => Err(format!(
                "WebDriver session for {} failed: {e}; see {}",
                app.display(),
                self.log.display()
            )),
            Err(_) => Err(format!(
                "no WebDriver session within {} s: the app did not start. Is the display working \
                 (xvfb-run) and a D-Bus session available (dbus-run-session)? See {}",
                SESSION_TIMEOUT.as_secs(),
                self.log.display()
            )),
        }
    }

    pub fn log(&self) -> &Path {
        &self.log
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("tauri-driver (pid {pid}) did not exit within 5 s of SIGTERM");
    }
}

/// A port P such that P and P+1 are both free on 127.0.0.1 right now.
fn free_port_pair() -> Result<u16, String> {
    for _ in 0..50 {
        let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
        let port = first.local_addr().map_err(|e| e.to_string())?.port();
        if port < u16::MAX && TcpListener::bind((Ipv4Addr::LOCALHOST, port + 1)).is_ok() {
            return Ok(port);
        }
    }
    Err("no two consecutive free ports on 127.0.0.1".into())
}

/// One look at the app while waiting for something.
pub enum Poll<T> {
    /// Here it is.
    Ready(T),
    /// Not yet; the text says what was seen, for the timeout message.
    Pending(String),
}

/// Polls `check` every 100 ms until it is [`Poll::Ready`], or fails after `timeout` saying what
/// was awaited and what was last seen. An `Err` from `check` fails at once.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, String>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let seen = match check().await? {
            Poll::Ready(value) => return Ok(value),
            Poll::Pending(seen) => seen,
        };
        if Instant::now() > deadline {
            return Err(format!(
                "timed out after {} s waiting for {what} (last seen: {seen})",
                timeout.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
