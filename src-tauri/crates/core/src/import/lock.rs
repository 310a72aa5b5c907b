//! One holder per run: an exclusive OS file lock on `{run}.lock` beside the journal, held while
//! a run is applied, resumed or undone — so the app and the CLI never drive the same run at once.
//! The OS releases it when the process dies, so a killed run can always be resumed.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::journal::JournalError;

/// Held while this process drives a run; dropping it releases the run.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

fn lock_path(dir: &Path, run: &str) -> PathBuf {
    dir.join(format!("{run}.lock"))
}

impl RunLock {
    /// Takes the run, or says it is being driven elsewhere.
    pub fn acquire(dir: &Path, run: &str) -> Result<Self, JournalError> {
        let path = lock_path(dir, run);
        let err = |e: std::io::Error| JournalError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(err)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(err)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(JournalError::Locked(run.to_string())),
            Err(TryLockError::Error(e)) => Err(err(e)),
        }
    }

    /// Whether another holder (another window or terminal) drives the run right now.
    pub fn is_held_elsewhere(dir: &Path, run: &str) -> bool {
        let Ok(file) = File::open(lock_path(dir, run)) else {
            return false;
        };
        match file.try_lock_shared() {
            Ok(()) => false,
            Err(TryLockError::WouldBlock) => true,
            Err(TryLockError::Error(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("prestage-lock-{}", std::process::id()));
        let first = RunLock::acquire(&dir, "20260101-000000-0001").unwrap();
        assert!(matches!(
            RunLock::acquire(&dir, "20260101-000000-0001"),
            Err(JournalError::Locked(_))
        ));
        assert!(RunLock::is_held_elsewhere(&dir, "20260101-000000-0001"));
        drop(first);
        assert!(!RunLock::is_held_elsewhere(&dir, "20260101-000000-0001"));
        assert!(RunLock::acquire(&dir, "20260101-000000-0001").is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
