//! How this launch is set up, read once from the command line and the environment: sandbox or
//! real tenant, sign-in overrides, where settings live, which keychain service and which browser.
//! Pure parsing; nothing here connects, reads files or touches the keychain.

use std::path::PathBuf;

use prestage_core::places::Places;
use prestage_core::settings::Settings;

use crate::ipc::IpcError;

/// Overrides the sandbox directory size (default: the sandbox's own).
pub const USERS_VAR: &str = "PRESTAGE_SANDBOX_USERS";

/// Which tenant the launch starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `--sandbox` or `PRESTAGE_SANDBOX=1`: the in-process sandbox tenant, signed in at once.
    Sandbox,
    /// The configured tenant: resume the remembered sign-in, else show the sign-in screen.
    Tenant,
}

/// Everything the environment says about this launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub mode: Mode,
    /// Users in the sandbox directory (`PRESTAGE_SANDBOX_USERS`).
    pub sandbox_users: Option<usize>,
    /// `PRESTAGE_CLIENT_ID`, `PRESTAGE_TENANT`, `PRESTAGE_AUTHORITY`, `PRESTAGE_GRAPH`.
    pub overrides: Settings,
    /// Config and data dirs and the keychain service (`prestage_core::places`, as the CLI).
    pub places: Places,
    /// `PRESTAGE_BROWSER_CMD`: a program given the sign-in URL instead of the system browser.
    pub browser: Option<PathBuf>,
    /// `PRESTAGE_NO_UPDATES=1`: no update check at start-up (for deployments that update
    /// Prestage themselves).
    pub no_updates: bool,
    /// `PRESTAGE_SANDBOX_URL`: resume the sandbox sign-in `prestage-cli login --sandbox URL` made
    /// (kept in `sandbox-settings.json`, never in the shared settings).
    pub sandbox_url: Option<url::Url>,
}

impl Launch {
    /// The sandbox launch of the tests: in-process tenant, no overrides, places in a temp folder.
    pub fn sandbox(users: Option<usize>) -> Self {
        Self {
            mode: Mode::Sandbox,
            sandbox_users: users,
            overrides: Settings::default(),
            // Tests: a private folder, never the real settings, journals or audit log.
            places: Places::under(
                &std::env::temp_dir().join(format!("prestage-launch-{}", std::process::id())),
            ),
            browser: None,
            no_updates: false,
            sandbox_url: None,
        }
    }

    /// Reads the launch from the arguments and environment variables (`var` is
    /// `std::env::var` in production).
    pub fn from_env(
        args: impl IntoIterator<Item = String>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, IpcError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let flag = args.into_iter().any(|a| a == "--sandbox");
        let set = |name: &str| var(name).is_some_and(|v| v.trim() != "0");
        let env_flag = set("PRESTAGE_SANDBOX");
        let sandbox_users = match var(USERS_VAR) {
            None => None,
            Some(text) => Some(text.trim().parse::<usize>().map_err(|_| {
                IpcError::invalid(
                    Some(USERS_VAR),
                    format!("{USERS_VAR} must be a whole number, not {text:?}."),
                )
            })?),
        };
        let overrides = Settings::from_env(var).map_err(|e| IpcError::internal(e.to_string()))?;
        Ok(Self {
            mode: if flag || env_flag {
                Mode::Sandbox
            } else {
                Mode::Tenant
            },
            sandbox_users,
            overrides,
            places: Places::resolve(dirs::config_dir(), dirs::data_dir(), var)
                .map_err(|e| IpcError::internal(e.to_string()))?,
            browser: var("PRESTAGE_BROWSER_CMD").map(PathBuf::from),
            no_updates: set("PRESTAGE_NO_UPDATES"),
            sandbox_url: match var("PRESTAGE_SANDBOX_URL") {
                None => None,
                Some(text) => Some(url::Url::parse(text.trim()).map_err(|e| {
                    IpcError::invalid(
                        Some("PRESTAGE_SANDBOX_URL"),
                        format!("PRESTAGE_SANDBOX_URL is not a URL ({e}): {text:?}"),
                    )
                })?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env::env;

    #[test]
    fn reads_mode_users_and_overrides() {
        let plain = Launch::from_env(Vec::new(), env(&[])).unwrap();
        assert_eq!(plain.mode, Mode::Tenant);
        assert_eq!(
            plain.places.keychain_service,
            prestage_core::auth::KEYCHAIN_SERVICE
        );
        let flag = Launch::from_env(vec!["prestage".into(), "--sandbox".into()], env(&[]));
        assert_eq!(flag.unwrap().mode, Mode::Sandbox);
        let set = Launch::from_env(
            Vec::new(),
            env(&[
                ("PRESTAGE_SANDBOX", "1"),
                (USERS_VAR, " 40 "),
                ("PRESTAGE_AUTHORITY", "http://127.0.0.1:9/"),
                ("PRESTAGE_KEYCHAIN_SERVICE", "app.prestage.e2e"),
            ]),
        )
        .unwrap();
        assert_eq!((set.mode, set.sandbox_users), (Mode::Sandbox, Some(40)));
        assert_eq!(set.places.keychain_service, "app.prestage.e2e");
        assert!(set.overrides.authority.is_some());
        let bad = Launch::from_env(Vec::new(), env(&[(USERS_VAR, "lots")]));
        assert!(matches!(bad, Err(IpcError::InvalidInput { .. })));
        let off = Launch::from_env(Vec::new(), env(&[("PRESTAGE_SANDBOX", "0")])).unwrap();
        assert_eq!(off.mode, Mode::Tenant);
        assert!(!off.no_updates);
        let managed = Launch::from_env(Vec::new(), env(&[("PRESTAGE_NO_UPDATES", "1")]));
        assert!(managed.unwrap().no_updates);
    }
}
