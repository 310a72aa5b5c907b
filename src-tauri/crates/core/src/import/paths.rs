//! Where import runs are journaled, shared by the app and the CLI so both list, resume and undo
//! the same runs: `PRESTAGE_DATA_DIR`, else the OS data dir + the app id, then `runs/`.
//! Pure path arithmetic: never creates a directory or reads the disk.

use std::path::PathBuf;

use crate::settings::APP_ID;

/// Overrides the data dir (tests, portable installs).
pub const DATA_DIR_VAR: &str = "PRESTAGE_DATA_DIR";

/// The runs dir for `os_data_dir` (`dirs::data_dir()` or Tauri's `path().data_dir()`), unless
/// `PRESTAGE_DATA_DIR` is set. `None` when neither says where.
pub fn default_runs_dir(os_data_dir: Option<PathBuf>) -> Option<PathBuf> {
    runs_dir_from(std::env::var(DATA_DIR_VAR).ok(), os_data_dir)
}

/// [`default_runs_dir`] with the variable's value given (pure, for tests).
pub fn runs_dir_from(
    data_dir_var: Option<String>,
    os_data_dir: Option<PathBuf>,
) -> Option<PathBuf> {
    let base = match data_dir_var.filter(|v| !v.trim().is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => os_data_dir?.join(APP_ID),
    };
    Some(base.join("runs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_over_the_os_dir() {
        let os = Some(PathBuf::from("/home/pat/.local/share"));
        assert_eq!(
            runs_dir_from(None, os.clone()),
            Some(PathBuf::from(
                "/home/pat/.local/share/app.prestage.desktop/runs"
            ))
        );
        assert_eq!(
            runs_dir_from(Some("/tmp/p".into()), os.clone()),
            Some(PathBuf::from("/tmp/p/runs"))
        );
        assert_eq!(runs_dir_from(Some(" ".into()), None), None);
    }
}
