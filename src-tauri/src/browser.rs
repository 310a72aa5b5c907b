//! Opening a URL in the person's browser (sign-in, admin consent): the system browser through
//! tauri-plugin-opener, or the program named by `PRESTAGE_BROWSER_CMD` (end-to-end tests play
//! the browser that way), or a callback (unit tests). Never logs the URL.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;
use url::Url;

/// A function that shows a URL to the person.
pub type OpenUrl = Arc<dyn Fn(&Url) -> Result<(), String> + Send + Sync>;

/// Where URLs are opened.
#[derive(Clone)]
pub enum Browser {
    /// The OS's default browser.
    System,
    /// A program run with the URL as its only argument.
    Program(PathBuf),
    /// A function (tests).
    Callback(OpenUrl),
}

impl Browser {
    /// A function that opens URLs this way, for the app `app`.
    pub fn opener<R: Runtime>(&self, app: &AppHandle<R>) -> OpenUrl {
        match self.clone() {
            Browser::System => {
                let app = app.clone();
                Arc::new(move |url: &Url| {
                    app.opener()
                        .open_url(url.as_str(), None::<&str>)
                        .map_err(|e| e.to_string())
                })
            }
            Browser::Program(program) => Arc::new(move |url: &Url| run(&program, url)),
            Browser::Callback(open) => open,
        }
    }
}

fn run(program: &PathBuf, url: &Url) -> Result<(), String> {
    let mut child = std::process::Command::new(program)
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    // Reap it whenever it exits, so no zombie is left behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}
