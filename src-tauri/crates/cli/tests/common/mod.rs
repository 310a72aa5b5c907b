//! A `prestage-cli sandbox` process for the CLI's process tests: started with the test's
//! arguments, its URL (and an app client id, when it registered one) read from its output,
//! killed when dropped. Its output keeps being read: a closed pipe would fail its next line.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub const CLI: &str = env!("CARGO_BIN_EXE_prestage-cli");

pub struct Sandbox {
    child: Child,
    pub url: String,
    /// `app client id:` of an app registered with `--app-certificate`.
    pub client_id: Option<String>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `prestage-cli sandbox --port 0 ARGS…`, once it has printed its URLs (and, when `app` is set,
/// the app client id).
pub fn start_sandbox(args: &[&str], app: bool) -> Sandbox {
    let mut child = Command::new(CLI)
        .args(["sandbox", "--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sandbox");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let (mut url, mut client_id) = (None, None);
    while url.is_none() || (app && client_id.is_none()) {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the sandbox printed its URLs");
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("State:") {
            url = rest
                .trim()
                .strip_suffix("_sandbox/state")
                .map(str::to_string);
        }
        if let Some(rest) = line.strip_prefix("app client id:") {
            client_id = rest.split_whitespace().next().map(str::to_string);
        }
    }
    Sandbox {
        child,
        url: url.unwrap(),
        client_id,
    }
}

/// The sandbox's state dump (its control plane).
pub fn state(url: &str) -> Value {
    let body = Command::new("curl")
        .args(["-s", &format!("{url}_sandbox/state")])
        .output()
        .expect("curl");
    serde_json::from_slice(&body.stdout).expect("state JSON")
}
