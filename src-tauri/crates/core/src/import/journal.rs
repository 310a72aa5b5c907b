//! The run journal: one JSON-lines file per run in the app's data dir. Before each write it holds
//! the intended change and the value before it; after, the outcome. A killed process loses at most
//! the line being written (a torn last line is ignored on reading), so a run can always be resumed
//! or undone. It holds phone numbers (undo needs them), so the file is private to the user (0600).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::local::PlanOptions;
use super::model::{Change, RowPlan};

/// Why the journal could not be written or read.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JournalError {
    #[error(
        "The run journal could not be written at {path}: {reason}. Nothing more will be applied."
    )]
    Write { path: String, reason: String },
    #[error("The run journal {path} could not be read: {reason}")]
    Read { path: String, reason: String },
    #[error("There is no run '{0}'.")]
    NoSuchRun(String),
    #[error("Run {0} is running in another window or terminal; wait for it to finish there.")]
    Locked(String),
    /// A rule refuses the request (an undo of an undo, a run of another tenant...).
    #[error("{0}")]
    Refused(String),
}

/// What kind of run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RunKind {
    Apply,
    Undo,
}

/// The run's header line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunHeader {
    pub run: String,
    pub kind: RunKind,
    pub created: DateTime<Utc>,
    pub tenant_id: String,
    pub admin: String,
    pub file_name: String,
    pub options: PlanOptions,
    #[serde(default)]
    pub undo_of: Option<String>,
}

/// How a row ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RowEnd {
    Done,
    Failed,
    /// The user's methods changed since the preview; nothing was written.
    ChangedSincePreview,
    /// Nothing needed writing any more (resume found the row already applied).
    AlreadyApplied,
    /// Undo: every slot the run wrote changed since; nothing was written.
    ChangedSinceRun,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Entry {
    Run(RunHeader),
    /// A row of the plan as previewed (written once, before any write).
    Plan {
        row: Box<RowPlan>,
    },
    /// About to send `change` for the row on `line`.
    Intent {
        line: usize,
        seq: usize,
        change: Change,
    },
    /// What Graph answered. `unknown` means no answer came back (the write may have happened).
    Outcome {
        line: usize,
        seq: usize,
        ok: bool,
        #[serde(default)]
        unknown: bool,
        request_id: Option<String>,
        error: Option<String>,
    },
    RowEnd {
        line: usize,
        end: RowEnd,
    },
    End {
        cancelled: bool,
    },
}

/// An open journal, appended to line by line.
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Creates `{dir}/{run}.jsonl` (and `dir`), private to the user.
    pub fn create(dir: &Path, header: &RunHeader) -> Result<Self, JournalError> {
        let path = dir.join(format!("{}.jsonl", header.run));
        let err = |e: std::io::Error| JournalError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(err)?;
        let mut options = OpenOptions::new();
        options.create_new(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(err)?;
        let journal = Self {
            path,
            file: Mutex::new(file),
        };
        journal.append(&Entry::Run(header.clone()))?;
        Ok(journal)
    }

    /// Re-opens an existing run's journal to continue it.
    pub fn reopen(dir: &Path, run: &str) -> Result<Self, JournalError> {
        let path = run_path(dir, run)?;
        let file =
            OpenOptions::new()
                .append(true)
                .open(&path)
                .map_err(|e| JournalError::Write {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
        Ok(Self {
            path,
            file: Mutex::new(file),
        })
    }

    /// Appends one line. Each line goes to the OS in one write, so a killed process leaves at
    /// most a torn last line.
    pub fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        let err = |reason: String| JournalError::Write {
            path: self.path.display().to_string(),
            reason,
        };
        let mut line = serde_json::to_vec(entry).map_err(|e| err(e.to_string()))?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| err("the journal lock is poisoned".into()))?;
        file.write_all(&line).map_err(|e| err(e.to_string()))
    }
}

fn run_path(dir: &Path, run: &str) -> Result<PathBuf, JournalError> {
    let safe = !run.is_empty() && run.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let path = dir.join(format!("{run}.jsonl"));
    if !safe || !path.is_file() {
        return Err(JournalError::NoSuchRun(run.to_string()));
    }
    Ok(path)
}

/// A new run id: sortable time plus a random suffix.
pub fn new_run_id() -> String {
    let suffix: u32 = rand::random::<u32>() % 0x10000;
    format!("{}-{suffix:04x}", Utc::now().format("%Y%m%d-%H%M%S"))
}

/// Every entry of a run, in order; a torn last line (killed mid-write) is skipped.
pub fn read_entries(dir: &Path, run: &str) -> Result<Vec<Entry>, JournalError> {
    let path = run_path(dir, run)?;
    let err = |reason: String| JournalError::Read {
        path: path.display().to_string(),
        reason,
    };
    let file = File::open(&path).map_err(|e| err(e.to_string()))?;
    crate::jsonl::read_values(file).map_err(err)
}

/// A run at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub header: RunHeader,
    pub rows: usize,
    pub done: usize,
    pub failed: usize,
    pub changed_since_preview: usize,
    /// Rows not finished: the run was cancelled or the app stopped.
    pub pending: usize,
    pub finished: bool,
    pub cancelled: bool,
}

impl RunSummary {
    /// Rows remain because the run was cancelled or the app stopped mid-run.
    pub fn resumable(&self) -> bool {
        self.pending > 0
    }
}

/// Summarizes a run's entries.
pub fn summarize(entries: &[Entry]) -> Option<RunSummary> {
    let header = entries.iter().find_map(|e| match e {
        Entry::Run(h) => Some(h.clone()),
        _ => None,
    })?;
    let mut s = RunSummary {
        header,
        rows: 0,
        done: 0,
        failed: 0,
        changed_since_preview: 0,
        pending: 0,
        finished: false,
        cancelled: false,
    };
    let mut ended = std::collections::HashSet::new();
    for e in entries {
        match e {
            Entry::Plan { .. } => s.rows += 1,
            Entry::RowEnd { line, end } => {
                ended.insert(*line);
                match end {
                    RowEnd::Done | RowEnd::AlreadyApplied => s.done += 1,
                    RowEnd::Failed => s.failed += 1,
                    RowEnd::ChangedSincePreview | RowEnd::ChangedSinceRun => {
                        s.changed_since_preview += 1
                    }
                }
            }
            Entry::End { cancelled } => {
                s.finished = !cancelled;
                s.cancelled = *cancelled;
            }
            _ => {}
        }
    }
    s.pending = s.rows.saturating_sub(ended.len());
    Some(s)
}

/// Every run in `dir`, newest first.
pub fn list_runs(dir: &Path) -> Result<Vec<RunSummary>, JournalError> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut runs = Vec::new();
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(run) = name.strip_suffix(".jsonl") {
            if let Some(summary) = summarize(&read_entries(dir, run)?) {
                runs.push(summary);
            }
        }
    }
    runs.sort_by_key(|r| std::cmp::Reverse(r.header.created));
    Ok(runs)
}
