//! Start-up marks for the start-up benchmark (bench-startup): with `PRESTAGE_STARTUP_MARKS=1` the
//! app prints `startup <mark> <ms>` on stdout, measured from the start of `run()`. The webview
//! reports only the moment the first screen it shows can take input (a fixed set of names);
//! without the variable every mark is ignored.

use std::io::Write;
use std::time::Instant;

pub const MARKS_VAR: &str = "PRESTAGE_STARTUP_MARKS";

/// The marks the webview may report.
const WEBVIEW_MARKS: &[&str] = &[
    "users-interactive",
    "signin-interactive",
    "setup-interactive",
];

pub struct StartupMarks {
    started: Instant,
    on: bool,
}

impl StartupMarks {
    pub fn from_env(started: Instant) -> Self {
        Self {
            started,
            on: std::env::var_os(MARKS_VAR).is_some_and(|v| v == "1"),
        }
    }

    pub fn mark(&self, name: &str) {
        if self.on {
            let ms = self.started.elapsed().as_secs_f64() * 1000.0;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "startup {name} {ms:.0}");
            let _ = out.flush();
        }
    }

    /// A mark from the webview: only the names it may report.
    pub fn webview_mark(&self, name: &str) {
        if WEBVIEW_MARKS.contains(&name) {
            self.mark(name);
        }
    }
}
