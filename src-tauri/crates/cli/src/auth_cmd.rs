//! `prestage-cli login | whoami | logout`: the app's sign-in without the window. Shares the app's
//! settings file (OS config dir) and its OS keychain entries, so a sign-in here is a sign-in
//! there. Prints who is signed in, never a token; against a sandbox URL it needs no browser.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use prestage_core::auth::{self, KeyringStore, TokenStore};
use prestage_core::places::Places;
use prestage_core::session::Session;
use prestage_core::settings::{self, Settings};
use prestage_core::CoreError;
use tokio_util::sync::CancellationToken;
use url::Url;

/// How long the browser sign-in waits for the redirect.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(clap::Args, Debug, Default)]
pub struct LoginArgs {
    /// Show a code to enter on another device instead of opening a browser here.
    #[arg(long)]
    device_code: bool,
    /// Sign in to the sandbox tenant served at URL, with no browser (start it with
    /// `prestage-cli sandbox --auto-approve`).
    #[arg(long, value_name = "URL")]
    sandbox: Option<Url>,
    /// The account to sign in as (a hint for the browser; on a sandbox, the account itself).
    #[arg(long, value_name = "UPN")]
    account: Option<String>,
    /// The app registration's Application (client) ID; saved for next time.
    #[arg(long, value_name = "GUID")]
    client_id: Option<String>,
    /// `organizations` (default), a tenant ID or a domain; saved for next time.
    #[arg(long)]
    tenant: Option<String>,
}

/// Where the CLI keeps things: the settings dir, the environment's overrides, the keychain.
pub struct Context {
    pub dir: PathBuf,
    pub overrides: Settings,
    pub store: Arc<dyn TokenStore>,
    /// A program to open URLs with instead of the system's (`PRESTAGE_BROWSER_CMD`).
    pub browser: Option<String>,
}

/// Where the CLI keeps things: the app's places (`prestage_core::places`), from this process's
/// environment and the OS dirs — the same resolution the app makes.
pub fn places() -> Result<Places, String> {
    Places::resolve(dirs::config_dir(), dirs::data_dir(), |name| {
        std::env::var(name).ok()
    })
    .map_err(|e| e.to_string())
}

/// The config dir the app also uses.
pub fn config_dir() -> Result<PathBuf, String> {
    Ok(places()?.config_dir)
}

impl Context {
    /// From the environment: `PRESTAGE_CONFIG_DIR` (else the OS config dir + the app id, as the
    /// app uses), `PRESTAGE_KEYCHAIN_SERVICE`, `PRESTAGE_{CLIENT_ID,TENANT,AUTHORITY,GRAPH}`.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let places = places()?;
        Ok(Self {
            dir: places.config_dir,
            overrides: Settings::from_env(var).map_err(|e| e.to_string())?,
            store: Arc::new(KeyringStore::with_service(&places.keychain_service)),
            browser: var("PRESTAGE_BROWSER_CMD"),
        })
    }

    fn settings(&self) -> Result<Settings, String> {
        Settings::load(&self.dir).map_err(|e| e.to_string())
    }
}

fn finish(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn context() -> Result<Context, String> {
    Context::from_env()
}

pub async fn run_login(args: LoginArgs) -> ExitCode {
    let mut out = std::io::stdout();
    finish(match context() {
        Ok(ctx) => login(&ctx, &args, &mut out).await,
        Err(e) => Err(e),
    })
}

/// `whoami` / `logout`: the shared sign-in, or `--sandbox URL`'s.
#[derive(clap::Args, Debug, Default)]
pub struct AccountArgs {
    /// The sandbox sign-in `login --sandbox URL` made (kept apart from the shared settings).
    #[arg(long, value_name = "URL")]
    sandbox: Option<Url>,
}

pub async fn run_whoami(args: AccountArgs) -> ExitCode {
    let mut out = std::io::stdout();
    finish(match context() {
        Ok(ctx) => whoami(&ctx, args.sandbox.as_ref(), &mut out).await,
        Err(e) => Err(e),
    })
}

pub fn run_logout(args: AccountArgs) -> ExitCode {
    let mut out = std::io::stdout();
    finish(context().and_then(|ctx| logout(&ctx, args.sandbox.as_ref(), &mut out)))
}

fn core(e: CoreError) -> String {
    e.to_string()
}

/// A cancellation token that fires on Ctrl-C.
fn ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            fire.cancel();
        }
    });
    cancel
}

/// Signs in and remembers the account (settings) and its refresh token (keychain). A sandbox
/// sign-in is remembered in `sandbox-settings.json`, never in the shared settings file.
pub async fn login(ctx: &Context, args: &LoginArgs, out: &mut dyn Write) -> Result<(), String> {
    if let Some(base) = &args.sandbox {
        let mut saved = Settings::for_sandbox(base.clone(), settings::DEFAULT_TENANT);
        let target = saved
            .target()
            .map_err(|e| e.to_string())?
            .ok_or("the sandbox settings name no app")?;
        let hint = args.account.as_deref().unwrap_or_default();
        let session = Session::sign_in_auto(&target, ctx.store.clone(), hint)
            .await
            .map_err(core)?;
        saved.tenant = Some(session.account().tenant_id.clone());
        saved.remember(session.account(), &target);
        saved.save(&ctx.dir).map_err(|e| e.to_string())?;
        return describe(&session, out);
    }
    let mut saved = ctx.settings()?;
    if args.client_id.is_some() || args.tenant.is_some() {
        let client_id = args.client_id.clone().or(saved.client_id.clone());
        let tenant = args
            .tenant
            .clone()
            .unwrap_or(saved.tenant_or_default().to_string());
        saved
            .set_registration(&client_id.unwrap_or_default(), &tenant)
            .map_err(|e| e.to_string())?;
    }
    let target = saved
        .with(&ctx.overrides)
        .target()
        .map_err(|e| e.to_string())?
        .ok_or(
            "no app registration yet: pass --client-id (see the app's setup screen), or --sandbox URL",
        )?;
    let hint = args.account.clone().or_else(|| {
        saved
            .last_account
            .as_ref()
            .map(|a| a.user_principal_name.clone())
    });
    let cancel = ctrl_c();
    let session = if args.device_code {
        let code = auth::start_device_code(&target.sign_in)
            .await
            .map_err(|e| e.to_string())?;
        writeln!(out, "{}", code.message).map_err(|e| e.to_string())?;
        Session::sign_in_device(&target, ctx.store.clone(), &code, &cancel)
            .await
            .map_err(core)?
    } else {
        let browser = ctx.browser.clone();
        let open = |url: &Url| {
            println!("Opening your browser to sign in. If it does not open, visit:\n  {url}");
            open_browser(browser.as_deref(), url)
        };
        Session::sign_in_browser(
            &target,
            ctx.store.clone(),
            hint.as_deref(),
            open,
            BROWSER_TIMEOUT,
            &cancel,
        )
        .await
        .map_err(core)?
    };
    saved.remember(session.account(), &target);
    saved.save(&ctx.dir).map_err(|e| e.to_string())?;
    describe(&session, out)
}

/// The settings a command resumes with: the shared file, or with `sandbox` the sandbox
/// sign-in `login --sandbox` kept for that URL.
fn settings_for(ctx: &Context, sandbox: Option<&Url>) -> Result<Settings, String> {
    match sandbox {
        None => ctx.settings(),
        Some(url) => Ok(Settings::load_sandbox(&ctx.dir).map_err(|e| e.to_string())?).map(|s| {
            if s.authority.as_ref() == Some(url) {
                s
            } else {
                Settings::for_sandbox(url.clone(), settings::DEFAULT_TENANT)
            }
        }),
    }
}

/// The remembered sign-in, resumed silently (no browser), for every command that needs Graph.
pub async fn signed_in(ctx: &Context) -> Result<Session, String> {
    signed_in_at(ctx, None).await
}

async fn signed_in_at(ctx: &Context, sandbox: Option<&Url>) -> Result<Session, String> {
    let saved = settings_for(ctx, sandbox)?;
    let effective = saved.with(&ctx.overrides);
    let target = effective.target().map_err(|e| e.to_string())?;
    let (Some(target), Some(account)) = (target, effective.last_account.as_ref()) else {
        return Err("not signed in; run `prestage-cli login`".into());
    };
    Session::resume(&target, ctx.store.clone(), &account.key())
        .await
        .map_err(core)?
        .ok_or_else(|| {
            format!(
                "{} is signed out; run `prestage-cli login`",
                account.user_principal_name
            )
        })
}

/// Resumes the remembered sign-in silently (no browser) and says who and what.
pub async fn whoami(
    ctx: &Context,
    sandbox: Option<&Url>,
    out: &mut dyn Write,
) -> Result<(), String> {
    let session = signed_in_at(ctx, sandbox).await?;
    describe(&session, out)
}

/// Deletes the remembered account's refresh token from the keychain.
pub fn logout(ctx: &Context, sandbox: Option<&Url>, out: &mut dyn Write) -> Result<(), String> {
    let saved = settings_for(ctx, sandbox)?;
    let Some(account) = saved.last_account.as_ref() else {
        return writeln!(out, "Not signed in.").map_err(|e| e.to_string());
    };
    ctx.store
        .delete(&account.key())
        .map_err(|e| auth::AuthError::from(e).to_string())?;
    writeln!(
        out,
        "Signed out {}; its refresh token is deleted from the OS keychain.",
        account.user_principal_name
    )
    .map_err(|e| e.to_string())
}

fn describe(session: &Session, out: &mut dyn Write) -> Result<(), String> {
    let a = session.account();
    let roles: Vec<&str> = session.powers().roles.iter().map(|r| r.name()).collect();
    let roles = if roles.is_empty() {
        "none".to_string()
    } else {
        roles.join(", ")
    };
    let mut text = format!(
        "Signed in as {} <{}>\nTenant: {} ({})\nRoles:  {roles}\n",
        a.display_name, a.user_principal_name, a.tenant_name, a.tenant_id,
    );
    for line in session.what_you_may_do() {
        text.push_str(&format!("  - {line}\n"));
    }
    if let Some(warning) = session.keychain_warning() {
        text.push_str(&format!("Warning: {warning}\n"));
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// Opens `url` with `program`, else the system's handler for URLs.
fn open_browser(program: Option<&str>, url: &Url) -> Result<(), String> {
    let mut command = match program {
        Some(p) => std::process::Command::new(p),
        None if cfg!(target_os = "windows") => {
            let mut c = std::process::Command::new("rundll32");
            c.arg("url.dll,FileProtocolHandler");
            c
        }
        None if cfg!(target_os = "macos") => std::process::Command::new("open"),
        None => std::process::Command::new("xdg-open"),
    };
    command
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use prestage_core::auth::MemoryStore;
    use prestage_sandbox::SandboxConfig;

    #[tokio::test]
    async fn login_whoami_logout_against_a_sandbox_url_with_no_browser() {
        let sandbox = prestage_sandbox::start(
            SandboxConfig {
                auto_approve: true,
                users: 20,
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let dir = std::env::temp_dir().join(format!("prestage-cli-auth-{}", std::process::id()));
        let ctx = Context {
            dir: dir.clone(),
            overrides: Settings::default(),
            store: Arc::new(MemoryStore::default()),
            browser: None,
        };
        let mut out = Vec::new();
        let err = whoami(&ctx, None, &mut out).await.unwrap_err();
        assert!(err.contains("not signed in"), "{err}");
        let base = sandbox.base_url();

        let args = LoginArgs {
            sandbox: Some(sandbox.base_url()),
            ..Default::default()
        };
        login(&ctx, &args, &mut out).await.unwrap();
        let err = whoami(&ctx, None, &mut out).await.unwrap_err();
        assert!(
            err.contains("not signed in"),
            "a sandbox sign-in is not the shared one: {err}"
        );
        assert!(
            !settings::file_in(&dir).exists(),
            "the shared settings file is untouched"
        );
        let mut out = Vec::new();
        whoami(&ctx, Some(&base), &mut out).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Privileged Authentication Administrator"),
            "{text}"
        );
        assert!(
            text.contains("Contoso Sandbox") && text.contains("Sees full phone numbers"),
            "{text}"
        );
        assert!(!text.contains("sbx-"), "no token text: {text}");

        let mut out = Vec::new();
        logout(&ctx, Some(&base), &mut out).unwrap();
        let err = whoami(&ctx, Some(&base), &mut out).await.unwrap_err();
        assert!(err.contains("is signed out"), "{err}");
        let files = std::fs::read_to_string(dir.join(settings::SANDBOX_FILE_NAME)).unwrap();
        assert!(!files.contains("sbx-"), "no token in settings");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
