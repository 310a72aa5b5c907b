//! Where Prestage keeps things, resolved in one place for the app and the CLI alike: the config
//! dir (settings, import preferences), the data dir (run journals, audit log) and the keychain
//! service. Built once from the OS's dirs and the overrides the caller reads from its
//! environment; pure — it never reads a variable, creates a directory or touches the disk.
//! So "the app and the CLI share settings, keychain, journals and audit log" holds by
//! construction: both ask this module.

use std::path::{Path, PathBuf};

use crate::auth::KEYCHAIN_SERVICE;
use crate::settings::APP_ID;

/// Overrides the config dir (tests, portable installs).
pub const CONFIG_DIR_VAR: &str = "PRESTAGE_CONFIG_DIR";
/// Overrides the data dir (tests, portable installs).
pub const DATA_DIR_VAR: &str = "PRESTAGE_DATA_DIR";
/// Overrides the keychain service (tests use their own).
pub const KEYCHAIN_SERVICE_VAR: &str = "PRESTAGE_KEYCHAIN_SERVICE";

/// Why the places could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlacesError {
    #[error("Prestage found no config directory on this system; set {CONFIG_DIR_VAR}.")]
    NoConfigDir,
    #[error("Prestage found no data directory on this system; set {DATA_DIR_VAR}.")]
    NoDataDir,
}

/// The places of one launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// `settings.json`, `sandbox-settings.json`, `import.json`.
    pub config_dir: PathBuf,
    /// `runs/` (journals and their locks) and `audit.jsonl`.
    pub data_dir: PathBuf,
    pub keychain_service: String,
}

impl Places {
    /// From the OS's base dirs (`dirs::config_dir()`, `dirs::data_dir()` — what Tauri's
    /// `app_config_dir` / `app_data_dir` build on) plus the app id, unless `var` (the caller's
    /// environment) names `PRESTAGE_CONFIG_DIR`, `PRESTAGE_DATA_DIR` or
    /// `PRESTAGE_KEYCHAIN_SERVICE`.
    pub fn resolve(
        os_config: Option<PathBuf>,
        os_data: Option<PathBuf>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, PlacesError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let config_dir = match var(CONFIG_DIR_VAR) {
            Some(dir) => PathBuf::from(dir),
            None => os_config.ok_or(PlacesError::NoConfigDir)?.join(APP_ID),
        };
        let data_dir = match var(DATA_DIR_VAR) {
            Some(dir) => PathBuf::from(dir),
            None => os_data.ok_or(PlacesError::NoDataDir)?.join(APP_ID),
        };
        Ok(Self {
            config_dir,
            data_dir,
            keychain_service: var(KEYCHAIN_SERVICE_VAR).unwrap_or_else(|| KEYCHAIN_SERVICE.into()),
        })
    }

    /// Everything under one folder (tests): `root/config`, `root/data`.
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            keychain_service: KEYCHAIN_SERVICE.into(),
        }
    }

    /// Where run journals live.
    pub fn runs_dir(&self) -> PathBuf {
        Self::runs_dir_in(&self.data_dir)
    }

    /// The runs dir of a data dir (for callers that were handed only the data dir).
    pub fn runs_dir_in(data_dir: &std::path::Path) -> PathBuf {
        data_dir.join("runs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variables_win_over_the_os_dirs() {
        let none = |_: &str| None;
        let os = Places::resolve(
            Some(PathBuf::from("/home/pat/.config")),
            Some(PathBuf::from("/home/pat/.local/share")),
            none,
        )
        .unwrap();
        assert_eq!(
            os.config_dir,
            PathBuf::from("/home/pat/.config/app.prestage.desktop")
        );
        assert_eq!(
            os.runs_dir(),
            PathBuf::from("/home/pat/.local/share/app.prestage.desktop/runs")
        );
        assert_eq!(os.keychain_service, KEYCHAIN_SERVICE);
        let set = |k: &str| match k {
            DATA_DIR_VAR => Some("/tmp/p".to_string()),
            CONFIG_DIR_VAR => Some(" ".to_string()),
            KEYCHAIN_SERVICE_VAR => Some("app.prestage.e2e".to_string()),
            _ => None,
        };
        let p = Places::resolve(Some(PathBuf::from("/c")), None, set).unwrap();
        assert_eq!(p.runs_dir(), PathBuf::from("/tmp/p/runs"));
        assert_eq!(
            p.config_dir,
            PathBuf::from("/c/app.prestage.desktop"),
            "blank is unset"
        );
        assert_eq!(p.keychain_service, "app.prestage.e2e");
        assert_eq!(
            Places::resolve(None, None, none),
            Err(PlacesError::NoConfigDir)
        );
    }

    #[test]
    fn windows_style_paths_with_spaces_and_accents_are_kept_as_given() {
        let p = Places::resolve(
            Some(PathBuf::from(r"C:\Users\José Østberg\AppData\Roaming")),
            Some(PathBuf::from(r"C:\Users\José Østberg\AppData\Roaming")),
            |_| None,
        )
        .unwrap();
        assert!(p.config_dir.to_string_lossy().contains("José Østberg"));
        assert!(p.runs_dir().ends_with("runs"));
    }
}
