//! The app on its in-process sandbox tenant, launched through tauri-driver in a private home
//! (config, data and cache dirs of its own), for tests that drive one flow per launch.

use std::path::{Path, PathBuf};
use std::time::Instant;

use fantoccini::Client;

use crate::{app_binary, Driver};

/// A launched app: its WebDriver `client`, and what `finish` cleans up.
pub struct SandboxApp {
    pub client: Client,
    driver: Driver,
    home: PathBuf,
    name: String,
    started: Instant,
}

impl SandboxApp {
    /// Starts the app with `PRESTAGE_SANDBOX=1` plus `env` (a role, test hooks), in a fresh
    /// home named after `name` and this process.
    pub async fn launch(name: &str, env: &[(&str, String)]) -> Result<SandboxApp, String> {
        Self::launch_binary(&app_binary()?, name, env).await
    }

    /// As [`SandboxApp::launch`], with the app binary given (a benchmark drives the release build).
    pub async fn launch_binary(
        app: &Path,
        name: &str,
        env: &[(&str, String)],
    ) -> Result<SandboxApp, String> {
        let started = Instant::now();
        let home = std::env::temp_dir().join(format!("prestage-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).map_err(|e| format!("create {}: {e}", home.display()))?;
        let dir = |d: &str| home.join(d).display().to_string();
        let mut all: Vec<(String, String)> = [
            ("PRESTAGE_SANDBOX", "1".to_string()),
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("PRESTAGE_DATA_DIR", dir("data")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        all.extend(env.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let driver = Driver::start_with_env(&home.join("tauri-driver.log"), &all)?;
        let client = driver.session(app).await?;
        Ok(SandboxApp {
            client,
            driver,
            home,
            name: name.to_string(),
            started,
        })
    }

    /// Closes the app; the flow's error (with the tauri-driver log's path) wins over a close
    /// error. The home is removed only after a pass, so a failure's log stays to read.
    pub async fn finish(self, outcome: Result<(), String>) -> Result<(), String> {
        let closed = self.client.close().await;
        let log = self.driver.log().to_path_buf();
        drop(self.driver);
        outcome.map_err(|e| format!("{e}\n(tauri-driver log: {})", log.display()))?;
        closed.map_err(|e| format!("close the session: {e}"))?;
        let _ = std::fs::remove_dir_all(&self.home);
        eprintln!(
            "{} took {:.1} s",
            self.name,
            self.started.elapsed().as_secs_f32()
        );
        Ok(())
    }
}
