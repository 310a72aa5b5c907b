//! The audit log of single-user fixes: one JSON line per write (time, admin, user, method,
//! before → after, Graph's request-id) in `audit.jsonl` in the app's data dir, private to the
//! user (0600). Phone numbers are masked before a line is written and a Temporary Access Pass is
//! never written at all. A torn last line (a killed process, a full disk) is skipped on reading
//! and cut off before the next append.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::import::neutralize;
use crate::phone::mask;

/// The file name in the data dir.
pub const AUDIT_FILE: &str = "audit.jsonl";

/// Why the audit log could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("{path} could not be written: {reason}.")]
    Write { path: String, reason: String },
    #[error("The audit log {path} could not be read: {reason}")]
    Read { path: String, reason: String },
}

/// One write, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub time: DateTime<Utc>,
    /// The signed-in admin's UPN.
    pub admin: String,
    /// The target user's UPN (the object id when it has none).
    pub user: String,
    pub user_id: String,
    /// What was touched: "mobile", "email", "SMS sign-in", "Temporary Access Pass", …
    pub method: String,
    /// add, change, remove, enable, disable, set, issue.
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    pub ok: bool,
    #[serde(default)]
    pub error: Option<String>,
}

impl AuditEntry {
    /// The same entry with every phone-like value masked (`+CC` and the last two digits kept).
    pub fn masked(mut self) -> Self {
        self.before = self.before.map(|v| mask_phone_like(&v));
        self.after = self.after.map(|v| mask_phone_like(&v));
        self
    }
}

/// Masks a value that looks like a phone number (starts with `+`, mostly digits); leaves other
/// values (emails, method names) as they are.
fn mask_phone_like(value: &str) -> String {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let phone_chars = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-.xX".contains(c));
    if value.trim_start().starts_with('+') && phone_chars && digits >= 4 {
        mask(value)
    } else {
        value.to_string()
    }
}

/// The audit log file of one data dir. Appends are serialized; each line is one `write`.
pub struct AuditLog {
    path: PathBuf,
    lock: Mutex<()>,
}

impl AuditLog {
    /// The log in `dir` (created on the first write).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(AUDIT_FILE),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write_error(&self, reason: impl ToString) -> AuditError {
        AuditError::Write {
            path: self.path.display().to_string(),
            reason: reason.to_string(),
        }
    }

    /// The log, locked against the other process that may append (app and CLI), its torn last
    /// line (a crash or a full disk mid-append) cut off so the next line starts clean.
    fn open(&self) -> Result<std::fs::File, AuditError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| self.write_error(e))?;
        }
        crate::jsonl::open_for_append(&self.path, crate::jsonl::Create::IfMissing, true)
            .map_err(|e| self.write_error(e))
    }

    /// Checks that the log can be appended to, before anything is sent to Graph.
    pub fn ready(&self) -> Result<(), AuditError> {
        self.open().map(drop)
    }

    /// Appends `entry` with phone numbers masked.
    pub fn append(&self, entry: AuditEntry) -> Result<(), AuditError> {
        let mut line = serde_json::to_vec(&entry.masked()).map_err(|e| self.write_error(e))?;
        line.push(b'\n');
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.open()?
            .write_all(&line)
            .map_err(|e| self.write_error(e))
    }

    /// Writes the whole log as CSV to `dir/prestage-audit-YYYYMMDD-HHMMSS.csv`; returns the path.
    pub fn export_csv(&self, dir: &Path) -> Result<PathBuf, AuditError> {
        let entries = self.read()?;
        let path = dir.join(export_file_name());
        std::fs::write(&path, audit_csv(&entries)).map_err(|e| AuditError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(path)
    }

    /// Every entry, oldest first. A missing file is an empty log.
    pub fn read(&self) -> Result<Vec<AuditEntry>, AuditError> {
        read_audit(&self.path)
    }
}

/// Every entry of the log at `path`, oldest first; a torn last line is skipped.
pub fn read_audit(path: &Path) -> Result<Vec<AuditEntry>, AuditError> {
    let err = |reason: String| AuditError::Read {
        path: path.display().to_string(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(err(e.to_string())),
    };
    crate::jsonl::read_values(file).map_err(err)
}

/// The file name to suggest for an export: `prestage-audit-20261203-101500.csv`.
pub fn export_file_name() -> String {
    format!("prestage-audit-{}.csv", Utc::now().format("%Y%m%d-%H%M%S"))
}

/// The log as CSV: UTF-8 with a BOM and CRLF (opens cleanly in Excel), formula cells neutralized.
pub fn audit_csv(entries: &[AuditEntry]) -> Vec<u8> {
    let mut w = crate::csv::excel::writer();
    let _ = w.write_record([
        "Time",
        "Admin",
        "User",
        "UserId",
        "Method",
        "Action",
        "Before",
        "After",
        "Result",
        "RequestId",
    ]);
    for e in entries {
        let result = match (&e.ok, &e.error) {
            (true, _) => "ok".to_string(),
            (false, Some(error)) => format!("failed: {error}"),
            (false, None) => "failed".to_string(),
        };
        let before = e.before.as_deref().map(mask_phone_like).unwrap_or_default();
        let after = e.after.as_deref().map(mask_phone_like).unwrap_or_default();
        let record = [
            e.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.admin.clone(),
            e.user.clone(),
            e.user_id.clone(),
            e.method.clone(),
            e.action.clone(),
            before,
            after,
            result,
            e.request_id.clone().unwrap_or_default(),
        ];
        let _ = w.write_record(record.iter().map(|c| neutralize(c)));
    }
    crate::csv::excel::bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(before: Option<&str>, after: Option<&str>) -> AuditEntry {
        AuditEntry {
            time: Utc::now(),
            admin: "priya@x.example".into(),
            user: "=cmd|' /C calc'!A0".into(),
            user_id: "u-1".into(),
            method: "mobile".into(),
            action: "change".into(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
            request_id: Some("r-1".into()),
            ok: true,
            error: None,
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("prestage-audit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn numbers_are_masked_on_disk_and_emails_are_not() {
        let dir = temp_dir("mask");
        let log = AuditLog::in_dir(&dir);
        log.append(entry(Some("+44 7700900123"), Some("+44 7700900124")))
            .unwrap();
        let mut email = entry(None, Some("a.b@x.example"));
        email.method = "email".into();
        log.append(email).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        assert!(!text.contains("7700900"), "{text}");
        assert!(text.contains("+44 XXXXXXXX23") && text.contains("a.b@x.example"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let read = log.read().unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].after.as_deref(), Some("+44 XXXXXXXX24"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_a_missing_log_is_empty() {
        let dir = temp_dir("torn");
        let log = AuditLog::in_dir(&dir);
        assert!(log.read().unwrap().is_empty());
        log.append(entry(None, Some("+1 2065550100"))).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap();
        f.write_all(b"{\"time\":\"2026-").unwrap();
        assert_eq!(log.read().unwrap().len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_torn_last_line_followed_by_a_later_write_keeps_the_log_readable() {
        let dir = temp_dir("torn-then-append");
        let log = AuditLog::in_dir(&dir);
        log.append(entry(None, Some("first"))).unwrap();
        // The process died (or the disk filled) halfway through a line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap();
        f.write_all(b"{\"time\":\"2026-").unwrap();
        drop(f);
        // The next start writes again: that line and the earlier ones all read back.
        log.append(entry(None, Some("second"))).unwrap();
        let read = log.read().unwrap();
        let afters: Vec<_> = read.iter().map(|e| e.after.as_deref()).collect();
        assert_eq!(afters, [Some("first"), Some("second")]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn csv_has_a_bom_and_neutralized_cells() {
        let bytes = audit_csv(&[entry(Some("+1 2065550100"), None)]);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.split("\r\n");
        assert!(lines.next().unwrap().starts_with("Time,Admin,User"));
        let row = lines.next().unwrap();
        assert!(row.contains("'=cmd"), "{row}");
        assert!(row.contains("'+1 XXXXXXXX00"), "{row}");
        assert!(!row.contains("2065550100"));
    }
}
