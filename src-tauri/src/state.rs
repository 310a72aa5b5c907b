//! Managed state: this launch, the settings, the keychain store and the one connection every
//! command shares. Start-up resumes the remembered sign-in silently (or, with `--sandbox`, starts
//! the in-process tenant); sign-in and sign-out replace the connection. Sessions and their tokens
//! stay here, on the Rust side; each method makes one core call and keeps the books.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use prestage_core::auth::{self, DeviceCode, TokenStore};
use prestage_core::places::Places;
use prestage_core::session::{Session, Target};
use prestage_core::settings::{self, Settings};
use prestage_sandbox::{AdminRole, RunningSandbox, SandboxConfig};
use tauri::{AppHandle, Runtime};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use crate::browser::Browser;
use crate::ipc::{AppStatus, DeviceCodeInfo, IpcError, RememberedInfo, SessionInfo, SetupInfo};
use crate::launch::{Launch, Mode};

/// How long a browser sign-in waits for the redirect.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);

/// The sandbox account "Try the sandbox tenant" signs in as: it may manage every user's methods.
const SANDBOX_ROLE: AdminRole = AdminRole::PrivilegedAuthenticationAdministrator;

/// A signed-in session and what the header shows about it.
pub struct Connection {
    session: Session,
    info: SessionInfo,
    /// Keeps the in-process tenant serving for as long as this connection lives.
    _sandbox: Option<RunningSandbox>,
}

impl Connection {
    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// The in-process sandbox tenant, in sandbox mode.
    pub fn sandbox(&self) -> Option<&RunningSandbox> {
        self._sandbox.as_ref()
    }
}

#[derive(Default)]
struct Books {
    connection: Option<Arc<Connection>>,
    problem: Option<IpcError>,
    settings: Settings,
    signing_in: Option<CancellationToken>,
    device: Option<Arc<DeviceCode>>,
}

/// The state Tauri manages.
pub struct AppState {
    launch: Result<Launch, IpcError>,
    store: Arc<dyn TokenStore>,
    browser: Browser,
    started: OnceCell<()>,
    books: Mutex<Books>,
}

impl AppState {
    pub fn new(launch: Result<Launch, IpcError>, store: Arc<dyn TokenStore>) -> Self {
        let browser = match &launch {
            Ok(Launch {
                browser: Some(program),
                ..
            }) => Browser::Program(program.clone()),
            _ => Browser::System,
        };
        Self {
            launch,
            store,
            browser,
            started: OnceCell::new(),
            books: Mutex::new(Books::default()),
        }
    }

    /// Opens URLs with `browser` instead (tests).
    pub fn with_browser(mut self, browser: Browser) -> Self {
        self.browser = browser;
        self
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn launch(&self) -> Result<&Launch, IpcError> {
        self.launch.as_ref().map_err(Clone::clone)
    }

    /// Where this launch keeps things (the same places the CLI uses).
    pub(crate) fn places(&self) -> Result<&Places, IpcError> {
        Ok(&self.launch()?.places)
    }

    /// The app config dir (settings, import preferences).
    pub(crate) fn dir(&self) -> Result<&Path, IpcError> {
        Ok(&self.places()?.config_dir)
    }

    /// Start-up, once: the sandbox, or a silent resume of the remembered account.
    pub async fn ensure_started(&self) {
        self.started.get_or_init(|| self.start()).await;
    }

    async fn start(&self) {
        let outcome = self.start_inner().await;
        let mut books = self.books();
        match outcome {
            Ok(Some(connection)) => books.connection = Some(Arc::new(connection)),
            Ok(None) => {}
            Err(problem) => books.problem = Some(problem),
        }
    }

    async fn start_inner(&self) -> Result<Option<Connection>, IpcError> {
        let launch = self.launch()?;
        if let Ok(dir) = self.dir() {
            self.books().settings = match &launch.sandbox_url {
                // The CLI's sandbox sign-in, from its own file, only for the sandbox it names.
                Some(url) => Some(Settings::load_sandbox(dir)?)
                    .filter(|s| s.authority.as_ref() == Some(url))
                    .unwrap_or_else(|| {
                        Settings::for_sandbox(url.clone(), settings::DEFAULT_TENANT)
                    }),
                None => Settings::load(dir)?,
            };
        }
        if launch.mode == Mode::Sandbox {
            return connect_sandbox(launch.sandbox_users).await.map(Some);
        }
        let effective = self.effective()?;
        let (Some(target), Some(account)) = (effective.target()?, effective.last_account) else {
            return Ok(None);
        };
        let resumed = Session::resume(&target, self.store.clone(), &account.key())
            .await
            .map_err(IpcError::from_sign_in)?;
        Ok(resumed.map(|session| {
            tracing::info!(tenant = %session.account().tenant_name, "signed in silently");
            tenant_connection(session)
        }))
    }

    fn effective(&self) -> Result<Settings, IpcError> {
        let overrides = &self.launch()?.overrides;
        Ok(self.books().settings.with(overrides))
    }

    fn target(&self) -> Result<Target, IpcError> {
        self.effective()?.target()?.ok_or(IpcError::InvalidSetup {
            field: "clientId".into(),
            message: "Enter your app registration's client ID on the setup screen first.".into(),
        })
    }

    /// The connection, once start-up has finished.
    pub async fn connection(&self) -> Result<Arc<Connection>, IpcError> {
        self.ensure_started().await;
        self.launch()?;
        self.books().connection.clone().ok_or(IpcError::NotSignedIn)
    }

    /// Signed in or not, setup done or not, the remembered account, start-up's problem.
    pub async fn status(&self) -> Result<AppStatus, IpcError> {
        self.ensure_started().await;
        let effective = self.effective()?;
        let books = self.books();
        Ok(AppStatus {
            session: books.connection.as_ref().map(|c| c.info.clone()),
            setup: SetupInfo::new(&effective),
            remembered_account: effective.last_account.as_ref().map(RememberedInfo::from),
            problem: books.problem.clone(),
        })
    }

    /// Saves the app registration from the setup screen.
    pub async fn save_setup(
        &self,
        client_id: &str,
        tenant: &str,
        device_code: bool,
    ) -> Result<AppStatus, IpcError> {
        self.ensure_started().await;
        let dir = self.dir()?.to_owned();
        let effective = self.effective()?;
        {
            let mut books = self.books();
            let mut settings = books.settings.clone();
            // The registration in use may come from PRESTAGE_* overrides: saving the same one
            // (to change an option) keeps the remembered account.
            settings.client_id = settings.client_id.or(effective.client_id);
            settings.tenant = settings.tenant.or(effective.tenant);
            settings.set_registration(client_id, tenant)?;
            settings.device_code = device_code;
            settings.save(&dir)?;
            books.settings = settings;
            books.problem = None;
        }
        self.status().await
    }

    /// The admin-consent link for a client ID and tenant (not saved).
    pub fn admin_consent_link(&self, client_id: &str, tenant: &str) -> Result<String, IpcError> {
        let authority = self.effective()?.authority;
        Ok(settings::admin_consent_url(authority.as_ref(), tenant, client_id)?.to_string())
    }

    /// Opens the admin-consent link in the browser; returns it too.
    pub fn open_admin_consent<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        client_id: &str,
        tenant: &str,
    ) -> Result<String, IpcError> {
        let link = self.admin_consent_link(client_id, tenant)?;
        let url = url::Url::parse(&link).map_err(|e| IpcError::internal(e.to_string()))?;
        (self.browser.opener(app))(&url).map_err(|e| {
            IpcError::internal(format!(
                "The browser could not be opened ({e}); copy the link instead."
            ))
        })?;
        Ok(link)
    }

    /// A new interactive sign-in: cancels one still waiting.
    fn begin_sign_in(&self) -> CancellationToken {
        let cancel = CancellationToken::new();
        if let Some(old) = self.books().signing_in.replace(cancel.clone()) {
            old.cancel();
        }
        cancel
    }

    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = self.books().signing_in.take() {
            cancel.cancel();
        }
    }

    /// System browser + loopback redirect; the remembered account is the login hint.
    pub async fn sign_in_browser<R: Runtime>(
        &self,
        app: &AppHandle<R>,
    ) -> Result<SessionInfo, IpcError> {
        self.ensure_started().await;
        let target = self.target()?;
        let hint = self
            .effective()?
            .last_account
            .map(|a| a.user_principal_name);
        let cancel = self.begin_sign_in();
        let open = self.browser.opener(app);
        let session = Session::sign_in_browser(
            &target,
            self.store.clone(),
            hint.as_deref(),
            |url| open(url),
            BROWSER_TIMEOUT,
            &cancel,
        )
        .await
        .map_err(IpcError::from_sign_in)?;
        Ok(self.signed_in(session, &target))
    }

    /// Asks for a device code; [`AppState::device_finish`] waits for its approval.
    pub async fn device_start(&self) -> Result<DeviceCodeInfo, IpcError> {
        self.ensure_started().await;
        if !self.effective()?.device_code {
            return Err(IpcError::refused(
                "Device-code sign-in is off. Turn it on in Change setup if you need to sign in \
                 on another device.",
            ));
        }
        let target = self.target()?;
        let code = auth::start_device_code(&target.sign_in)
            .await
            .map_err(|e| IpcError::from_sign_in(e.into()))?;
        let info = DeviceCodeInfo::from(&code);
        self.books().device = Some(Arc::new(code));
        Ok(info)
    }

    pub async fn device_finish(&self) -> Result<SessionInfo, IpcError> {
        let target = self.target()?;
        let code = self.books().device.take().ok_or_else(|| {
            IpcError::refused("No device code is waiting; start the device-code sign-in again.")
        })?;
        let cancel = self.begin_sign_in();
        let session = Session::sign_in_device(&target, self.store.clone(), &code, &cancel)
            .await
            .map_err(IpcError::from_sign_in)?;
        Ok(self.signed_in(session, &target))
    }

    /// A tenant session is in: remember the account (settings, no secret) and connect.
    fn signed_in(&self, session: Session, target: &Target) -> SessionInfo {
        let connection = tenant_connection(session);
        let info = connection.info.clone();
        let dir = self.dir().map(Path::to_owned);
        let mut books = self.books();
        books
            .settings
            .remember(connection.session.account(), target);
        if let Ok(dir) = dir {
            if let Err(error) = books.settings.save(&dir) {
                tracing::warn!(%error, "the account could not be remembered");
            }
        }
        books.signing_in = None;
        books.problem = None;
        books.connection = Some(Arc::new(connection));
        info
    }

    /// "Try the sandbox tenant": an in-process tenant, signed in at once, nothing stored. The
    /// real account is signed out first (its stored sign-in deleted), so the next start does
    /// not sign it in silently behind the admin's back; the button says so.
    pub async fn use_sandbox(&self) -> Result<SessionInfo, IpcError> {
        self.ensure_started().await;
        self.sign_out_real()?;
        let users = self.launch()?.sandbox_users;
        let connection = connect_sandbox(users).await?;
        let info = connection.info.clone();
        let mut books = self.books();
        books.problem = None;
        books.connection = Some(Arc::new(connection));
        Ok(info)
    }

    /// Deletes the refresh token from the keychain and drops the session (and its access token).
    pub async fn sign_out(&self) -> Result<AppStatus, IpcError> {
        self.ensure_started().await;
        let connection = self.books().connection.take();
        if let Some(connection) = connection {
            connection.session.sign_out().map_err(IpcError::from)?;
        }
        self.status().await
    }

    /// Signs the real tenant's account out: the session, and the remembered account's stored
    /// sign-in (also when start-up could not resume it, or the CLI signed in meanwhile).
    fn sign_out_real(&self) -> Result<(), IpcError> {
        let connection = self.books().connection.take();
        if let Some(connection) = connection {
            connection.session.sign_out().map_err(IpcError::from)?;
        }
        let remembered = self.books().settings.last_account.clone();
        if let Some(account) = remembered {
            // A keychain that cannot be reached holds nothing the next start could resume.
            if let Err(error) = self.store.delete(&account.key()) {
                tracing::warn!(%error, "the remembered sign-in could not be deleted");
            }
        }
        Ok(())
    }
}

fn tenant_connection(session: Session) -> Connection {
    Connection {
        info: SessionInfo::new(&session, false),
        session,
        _sandbox: None,
    }
}

/// The in-process tenant's latency per request: 40 ms, or `PRESTAGE_SANDBOX_LATENCY_MS` (a test
/// hook: end-to-end tests slow the tenant down to watch a run's progress).
fn sandbox_latency() -> Duration {
    std::env::var("PRESTAGE_SANDBOX_LATENCY_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(Duration::from_millis(40), Duration::from_millis)
}

/// Test hooks for the in-process tenant (inert unless set): `PRESTAGE_SANDBOX_NON_PREMIUM=1`
/// (no Entra ID P1/P2: the registration report answers 403) and
/// `PRESTAGE_SANDBOX_ROLE=global-administrator|global-reader|authentication-administrator` (sign in with that account).
fn sandbox_hooks() -> (bool, AdminRole) {
    let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_string());
    let non_premium = var("PRESTAGE_SANDBOX_NON_PREMIUM").is_some_and(|v| v == "1");
    let role = match var("PRESTAGE_SANDBOX_ROLE").as_deref() {
        Some("global-administrator") => AdminRole::GlobalAdministrator,
        Some("global-reader") => AdminRole::GlobalReader,
        Some("authentication-administrator") => AdminRole::AuthenticationAdministrator,
        _ => SANDBOX_ROLE,
    };
    (non_premium, role)
}

async fn connect_sandbox(users: Option<usize>) -> Result<Connection, IpcError> {
    let (non_premium, role) = sandbox_hooks();
    let mut config = SandboxConfig {
        auto_approve: true,
        latency: sandbox_latency(),
        latency_jitter: Duration::from_millis(20),
        non_premium,
        // The demo tenant shows the "still asked" people (Why asked to register?).
        still_asked: true,
        ..Default::default()
    };
    if let Some(users) = users {
        config.users = users;
    }
    // Test hook (inert unless set): a small write quota, so a run is slow enough to pause.
    if let Some(per_s) = std::env::var("PRESTAGE_SANDBOX_WRITES_PER_S")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| *n > 0)
    {
        config.write_quota = per_s;
        config.write_window = Duration::from_secs(1);
    }
    let sandbox = prestage_sandbox::start(config, 0)
        .await
        .map_err(|e| IpcError::internal(format!("The sandbox tenant could not start: {e}")))?;
    let account = sandbox
        .accounts()
        .into_iter()
        .find(|a| a.role == role)
        .ok_or_else(|| IpcError::internal(format!("The sandbox tenant has no {role}.")))?;
    let base = sandbox.base_url();
    let session = Session::sign_in_auto_approved(
        base.clone(),
        base,
        sandbox.tenant_id(),
        &account.user_principal_name,
    )
    .await?;
    let info = SessionInfo::new(&session, true);
    tracing::info!(tenant = %info.tenant_name, role = %info.role, "signed in to the sandbox tenant");
    Ok(Connection {
        session,
        info,
        _sandbox: Some(sandbox),
    })
}
