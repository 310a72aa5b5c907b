//! How this launch is set up, read once from the command line and the environment: sandbox or
//! real tenant, sign-in overrides, where settings live, which keychain service and which browser.
//! Pure parsing; nothing here connects, reads files or touches the keychain.

use std::path::PathBuf;

use prestage_core::auth::KEYCHAIN_SERVICE;
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
    /// `PRESTAGE_CONFIG_DIR`; else the OS's app config dir.
    pub config_dir: Option<PathBuf>,
    /// `PRESTAGE_KEYCHAIN_SERVICE` (tests use their own); else Prestage's.
    pub keychain_service: String,
    /// `PRESTAGE_BROWSER_CMD`: a program given the sign-in URL instead of the system browser.
    pub browser: Option<PathBuf>,
    /// `PRESTAGE_SANDBOX_URL`: resume the sandbox sign-in `prestage-cli login --sandbox URL` made
    /// (kept in `sandbox-settings.json`, never in the shared settings).
    pub sandbox_url: Option<url::Url>,
}

impl Launch {
    /// The sandbox launch of today's tests: in-process tenant, no overrides.
    pub fn sandbox(users: Option<usize>) -> Self {
        Self {
            mode: Mode::Sandbox,
            sandbox_users: users,
            overrides: Settings::default(),
            config_dir: None,
            keychain_service: KEYCHAIN_SERVICE.into(),
            browser: None,
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
        let env_flag = var("PRESTAGE_SANDBOX").is_some_and(|v| v.trim() != "0");
        let sandbox_users = match var(USERS_VAR) {
            None => None,
            Some(text) => Some(text.trim().parse::<usize>().map_err(|_| {
                IpcError::internal(format!("{USERS_VAR} must be a whole number, not {text:?}."))
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
            config_dir: var("PRESTAGE_CONFIG_DIR").map(PathBuf::from),
            keychain_service: var("PRESTAGE_KEYCHAIN_SERVICE")
                .unwrap_or_else(|| KEYCHAIN_SERVICE.into()),
            browser: var("PRESTAGE_BROWSER_CMD").map(PathBuf::from),
            sandbox_url: match var("PRESTAGE_SANDBOX_URL") {
                None => None,
                Some(text) => Some(url::Url::parse(text.trim()).map_err(|e| {
                    IpcError::internal(format!("PRESTAGE_SANDBOX_URL is not a URL ({e}): {text:?}"))
                })?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn reads_mode_users_and_overrides() {
        let plain = Launch::from_env(Vec::new(), env(&[])).unwrap();
        assert_eq!(plain.mode, Mode::Tenant);
        assert_eq!(plain.keychain_service, KEYCHAIN_SERVICE);
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
        assert_eq!(set.keychain_service, "app.prestage.e2e");
        assert!(set.overrides.authority.is_some());
        let bad = Launch::from_env(Vec::new(), env(&[(USERS_VAR, "lots")]));
        assert!(matches!(bad, Err(IpcError::Internal { .. })));
        let off = Launch::from_env(Vec::new(), env(&[("PRESTAGE_SANDBOX", "0")])).unwrap();
        assert_eq!(off.mode, Mode::Tenant);
    }
}
