//! The world around the app in a sign-in test: a private home (XDG config/data/cache/state dirs,
//! so the real user's settings are never touched and every file the app writes can be searched),
//! an out-of-process sandbox tenant (`prestage-cli sandbox`), a stand-in browser that only writes
//! down the URL it is given, the person at that browser (played over HTTP), and the keychain.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::app_binary;

/// Token prefixes the sandbox issues: access tokens, refresh tokens, authorization codes.
pub const TOKEN_PREFIXES: [&str; 3] = ["sbx-at.", "sbx-rt.", "sbx-code."];

/// Any GUID will do as the app registration against the sandbox.
pub const CLIENT_ID: &str = "0b8a7d10-4c1e-4f7a-9c2d-5e6f70818293";

pub struct World {
    pub home: PathBuf,
    pub url_file: PathBuf,
    pub keychain_service: String,
    pub base: String,
    pub tenant_id: String,
    /// The sandbox's default sign-in account (the Privileged Authentication Administrator).
    pub account: String,
    sandbox: Child,
}

fn sibling(name: &str) -> Result<PathBuf, String> {
    let app = app_binary()?;
    let path = app.with_file_name(name);
    path.is_file().then_some(path.clone()).ok_or_else(|| {
        format!(
            "{} does not exist; build it with `cargo build -p prestage-cli`",
            path.display()
        )
    })
}

impl World {
    /// A fresh home under the temp dir and a sandbox tenant showing its account picker.
    pub fn start(name: &str) -> Result<Self, String> {
        Self::start_with(name, &[])
    }

    /// As [`World::start`], with extra `prestage-cli sandbox` arguments (`--auto-approve`).
    pub fn start_with(name: &str, sandbox_args: &[&str]) -> Result<Self, String> {
        let home = std::env::temp_dir().join(format!("prestage-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        for dir in ["config", "data", "cache", "state", "saves"] {
            std::fs::create_dir_all(home.join(dir)).map_err(|e| format!("mkdir: {e}"))?;
        }
        let url_file = home.join("browser-urls.txt");
        let script = home.join("browser.sh");
        let body = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            url_file.display()
        );
        std::fs::write(&script, body).map_err(|e| format!("write browser.sh: {e}"))?;
        Command::new("chmod")
            .arg("+x")
            .arg(&script)
            .status()
            .map_err(|e| format!("chmod: {e}"))?;

        let mut sandbox = Command::new(sibling("prestage-cli")?)
            .args(["sandbox", "--port", "0", "--users", "30"])
            .args(["--latency-ms", "0", "--jitter-ms", "0"])
            .args(sandbox_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("start prestage-cli sandbox: {e}"))?;
        let stdout = sandbox.stdout.take().ok_or("no sandbox stdout")?;
        let (mut base, mut tenant_id, mut account) = (None, None, None);
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("read sandbox output: {e}"))?;
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("Graph:") {
                base = rest.split("v1.0/").next().map(|b| b.trim().to_string());
            } else if let Some(rest) = line.strip_prefix("Tenant id:") {
                tenant_id = Some(rest.trim().to_string());
            } else if line.ends_with("(default)") {
                account = line.split_whitespace().next().map(str::to_string);
            } else if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        let missing = || "the sandbox did not print its URL, tenant and accounts".to_string();
        Ok(Self {
            keychain_service: format!("app.prestage.e2e.{}", std::process::id()),
            base: base.ok_or_else(missing)?,
            tenant_id: tenant_id.ok_or_else(missing)?,
            account: account.ok_or_else(missing)?,
            url_file,
            home,
            sandbox,
        })
    }

    /// The app's environment: its private dirs, the sandbox as authority and Graph, the
    /// stand-in browser and a keychain service of its own.
    pub fn app_env(&self) -> Vec<(String, String)> {
        let dir = |d: &str| self.home.join(d).display().to_string();
        let script = self.home.join("browser.sh").display().to_string();
        [
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("XDG_STATE_HOME", dir("state")),
            ("PRESTAGE_AUTHORITY", self.base.clone()),
            ("PRESTAGE_GRAPH", self.base.clone()),
            ("PRESTAGE_TENANT", self.tenant_id.clone()),
            ("PRESTAGE_CLIENT_ID", CLIENT_ID.to_string()),
            ("PRESTAGE_BROWSER_CMD", script),
            ("PRESTAGE_KEYCHAIN_SERVICE", self.keychain_service.clone()),
            // The sandbox is not Microsoft's sign-in: only the developer switch allows it.
            ("PRESTAGE_DEVELOPER_ENDPOINTS", "1".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Only the private dirs, the stand-in browser and the keychain service: sign-in settings
    /// come from the settings file (as `prestage-cli login` left them).
    pub fn private_env(&self) -> Vec<(String, String)> {
        let mut env = self.app_env();
        env.retain(|(k, _)| {
            k.starts_with("XDG_") || k == "PRESTAGE_BROWSER_CMD" || k == "PRESTAGE_KEYCHAIN_SERVICE"
        });
        env
    }

    /// The app's environment after `prestage-cli login --sandbox`: the private dirs and the
    /// sandbox whose sign-in the CLI kept (in its own settings file, not the shared one).
    pub fn sandbox_signed_in_env(&self) -> Vec<(String, String)> {
        let mut env = self.private_env();
        env.push(("PRESTAGE_SANDBOX_URL".into(), self.base.clone()));
        env.push((
            "PRESTAGE_SAVE_FILE".into(),
            self.saves().display().to_string(),
        ));
        env
    }

    /// Where the app's saves land (the save dialog's stand-in; created on start).
    pub fn saves(&self) -> PathBuf {
        self.home.join("saves")
    }

    /// Runs `prestage-cli ARGS` in this world (private dirs, own keychain service).
    pub fn cli(&self, args: &[&str]) -> Result<(bool, String), String> {
        let out = Command::new(sibling("prestage-cli")?)
            .args(args)
            .envs(self.private_env())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("run prestage-cli: {e}"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok((out.status.success(), text))
    }

    /// The URLs the app asked the browser to open, in order.
    pub fn browser_urls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.url_file)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Waits for the app to open URL number `n` (1-based), then does what a person does there:
    /// sees the account picker, presses `upn`'s button, and lands on the app's loopback page.
    pub async fn sign_in_at_the_browser(&self, n: usize, upn: &str) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let url = loop {
            if let Some(url) = self.browser_urls().get(n - 1) {
                break url.clone();
            }
            if Instant::now() > deadline {
                return Err("the app never opened the browser".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let url = reqwest::Url::parse(&url).map_err(|e| format!("authorize URL: {e}"))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let err = |what: &str, e: reqwest::Error| format!("{what}: {e}");
        let page = http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| err("GET authorize", e))?;
        let html = page.text().await.map_err(|e| err("read picker", e))?;
        if !html.contains(&format!("value=\"{upn}\"")) {
            return Err(format!("the account picker has no button for {upn}"));
        }
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("account".into(), upn.into()));
        let mut action = url.clone();
        action.set_query(None);
        let answer = http
            .post(action)
            .form(&form)
            .send()
            .await
            .map_err(|e| err("POST account", e))?;
        let home = answer
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| format!("the picker answered {} without a redirect", answer.status()))?
            .to_string();
        let landing = http
            .get(home)
            .send()
            .await
            .map_err(|e| err("GET loopback", e))?;
        let text = landing
            .text()
            .await
            .map_err(|e| err("read loopback page", e))?;
        if !text.contains("close this tab") {
            return Err(format!("the loopback page says: {text}"));
        }
        Ok(())
    }

    /// Every file under the private home plus `extra`, searched for token text: the findings.
    pub fn token_text_in_files(&self, extra: &[&Path]) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack: Vec<PathBuf> = vec![self.home.clone()];
        stack.extend(extra.iter().map(|p| p.to_path_buf()));
        let mut files = 0;
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    stack.push(entry.path());
                }
            } else if let Ok(bytes) = std::fs::read(&path) {
                files += 1;
                for prefix in TOKEN_PREFIXES {
                    if bytes.windows(prefix.len()).any(|w| w == prefix.as_bytes()) {
                        found.push(format!("{prefix}… in {}", path.display()));
                    }
                }
            }
        }
        eprintln!("searched {files} files for token text");
        found
    }

    /// Whether the OS keychain holds an entry under this world's service (never prints it).
    pub fn keychain_has_entry(&self) -> Result<bool, String> {
        let out = Command::new("secret-tool")
            .args(["search", "service", &self.keychain_service])
            .output()
            .map_err(|e| format!("secret-tool: {e}"))?;
        let all = [out.stdout, out.stderr].concat();
        Ok(String::from_utf8_lossy(&all).contains(&self.keychain_service))
    }
}

impl Drop for World {
    /// Stops the sandbox; removes the private home unless the test failed (then it is kept,
    /// with the driver's log, for a look).
    fn drop(&mut self) {
        let _ = self.sandbox.kill();
        let _ = self.sandbox.wait();
        if std::thread::panicking() {
            eprintln!("kept for a look: {}", self.home.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.home);
        }
    }
}
