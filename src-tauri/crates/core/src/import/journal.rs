//! The run journal: one JSON-lines file per run in the app's data dir. Before each write it holds
//! the intended change and the value before it (synced to disk before the write is sent); after,
//! the outcome. A killed process loses at most the line being written (a torn last line is ignored
//! on reading and cut off when the run is continued), so a run can always be resumed or undone. It holds phone numbers (undo needs them), so the file is private to the user (0600).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::local::PlanOptions;
use crate::jsonl::{self, Create};
use crate::plan::{Change, RowPlan};

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
        /// The id of what the write created when undo needs it (a Temporary Access Pass).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created: Option<String>,
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
    /// The same file, for syncing outside the lock (other rows' lines need not wait for a sync).
    sync: File,
}

impl Journal {
    /// Creates `{dir}/{run}.jsonl` (and `dir`), private to the user.
    pub fn create(dir: &Path, header: &RunHeader) -> Result<Self, JournalError> {
        let path = dir.join(format!("{}.jsonl", header.run));
        std::fs::create_dir_all(dir).map_err(|e| write_error(&path, e))?;
        let journal = Self::open(path, Create::New)?;
        journal.append(&Entry::Run(header.clone()))?;
        Ok(journal)
    }

    /// Re-opens an existing run's journal to continue it. A torn last line (the process died
    /// or the disk filled mid-line) is cut off, so the lines appended now stay readable.
    pub fn reopen(dir: &Path, run: &str) -> Result<Self, JournalError> {
        Self::open(run_path(dir, run)?, Create::No)
    }

    fn open(path: PathBuf, create: Create) -> Result<Self, JournalError> {
        let file =
            jsonl::open_for_append(&path, create, false).map_err(|e| write_error(&path, e))?;
        let sync = file.try_clone().map_err(|e| write_error(&path, e))?;
        Ok(Self {
            path,
            file: Mutex::new(file),
            sync,
        })
    }

    /// Appends one line. Each line goes to the OS in one write, so a killed process leaves at
    /// most a torn last line. An intent is on disk (synced) before this returns, so the write it
    /// announces is never sent without a trace, even if the machine loses power.
    pub fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        let err = |reason: String| JournalError::Write {
            path: self.path.display().to_string(),
            reason,
        };
        let mut line = serde_json::to_vec(entry).map_err(|e| err(e.to_string()))?;
        line.push(b'\n');
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| err("the journal lock is poisoned".into()))?;
            file.write_all(&line).map_err(|e| err(e.to_string()))?;
        }
        if matches!(entry, Entry::Intent { .. }) {
            self.sync.sync_data().map_err(|e| err(e.to_string()))?;
            #[cfg(test)]
            SYNCED_INTENTS.with(|n| n.set(n.get() + 1));
        }
        Ok(())
    }
}

#[cfg(test)]
thread_local! {
    /// Intents synced by this thread (tests check that an intent is synced before it returns).
    static SYNCED_INTENTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn write_error(path: &Path, e: std::io::Error) -> JournalError {
    JournalError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
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

/// A journal the runs list could not read, and why (the list shows it rather than failing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreadableRun {
    pub run: String,
    pub reason: String,
}

/// The runs list: every readable run, newest first, and every journal that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunList {
    pub runs: Vec<RunSummary>,
    pub unreadable: Vec<UnreadableRun>,
}

/// Every run in `dir`, newest first. One bad journal is listed with its reason; it never hides
/// the others.
pub fn list_runs(dir: &Path) -> RunList {
    let mut list = RunList::default();
    let Ok(read) = std::fs::read_dir(dir) else {
        return list;
    };
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(run) = name.strip_suffix(".jsonl") else {
            continue;
        };
        let reason = match read_entries(dir, run) {
            Ok(entries) => match summarize(&entries) {
                Some(summary) => {
                    list.runs.push(summary);
                    continue;
                }
                None => "it has no run header (it was cut off as the run started)".to_string(),
            },
            Err(JournalError::Read { reason, .. }) => reason,
            Err(e) => e.to_string(),
        };
        list.unreadable.push(UnreadableRun {
            run: run.to_string(),
            reason,
        });
    }
    list.runs
        .sort_by_key(|r| std::cmp::Reverse(r.header.created));
    list.unreadable.sort_by(|a, b| b.run.cmp(&a.run));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Slot};

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("prestage-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn header(run: &str, minute: u32) -> RunHeader {
        RunHeader {
            run: run.into(),
            kind: RunKind::Apply,
            created: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 3, 9, minute, 0).unwrap(),
            tenant_id: "t".into(),
            admin: "a@x.example".into(),
            file_name: "f.csv".into(),
            options: PlanOptions::default(),
            undo_of: None,
        }
    }

    fn outcome(line: usize) -> Entry {
        Entry::Outcome {
            line,
            seq: 0,
            ok: true,
            unknown: false,
            request_id: None,
            error: None,
            created: None,
        }
    }

    fn tear(dir: &Path, run: &str, bytes: &[u8]) {
        let path = dir.join(format!("{run}.jsonl"));
        let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        file.write_all(bytes).unwrap();
    }

    #[test]
    fn a_torn_last_line_followed_by_a_resumed_run_stays_readable() {
        let dir = temp_dir("torn");
        let journal = Journal::create(&dir, &header("r1", 0)).unwrap();
        journal.append(&outcome(2)).unwrap();
        drop(journal);
        // Killed mid-line (or the disk filled): half an outcome, no newline.
        tear(&dir, "r1", br#"{"type":"outcome","line":3,"se"#);
        let journal = Journal::reopen(&dir, "r1").unwrap();
        journal.append(&outcome(4)).unwrap();
        journal.append(&Entry::End { cancelled: false }).unwrap();
        let entries = read_entries(&dir, "r1").unwrap();
        assert_eq!(entries.len(), 4, "{entries:?}");
        assert_eq!(entries[2], outcome(4));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_intent_is_synced_before_append_returns_and_an_outcome_is_not() {
        let dir = temp_dir("sync");
        let journal = Journal::create(&dir, &header("r1", 0)).unwrap();
        let synced = || SYNCED_INTENTS.with(std::cell::Cell::get);
        let before = synced();
        journal.append(&outcome(2)).unwrap();
        assert_eq!(synced(), before);
        let intent = Entry::Intent {
            line: 2,
            seq: 0,
            change: Change {
                slot: Slot::Email,
                action: Action::Add,
                before: None,
                after: Some("a@x.example".into()),
            },
        };
        journal.append(&intent).unwrap();
        assert_eq!(synced(), before + 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unreadable_journal_is_listed_with_its_reason_beside_the_others() {
        let dir = temp_dir("list");
        Journal::create(&dir, &header("r-old", 1)).unwrap();
        Journal::create(&dir, &header("r-new", 2)).unwrap();
        Journal::create(&dir, &header("r-bad", 3)).unwrap();
        tear(
            &dir,
            "r-bad",
            b"not json\n{\"type\":\"end\",\"cancelled\":false}\n",
        );
        std::fs::write(dir.join("r-empty.jsonl"), b"").unwrap();
        let list = list_runs(&dir);
        let runs: Vec<&str> = list.runs.iter().map(|r| r.header.run.as_str()).collect();
        assert_eq!(runs, ["r-new", "r-old"]);
        let bad: Vec<(&str, &str)> = list
            .unreadable
            .iter()
            .map(|u| (u.run.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(bad[0].0, "r-empty");
        assert!(bad[0].1.contains("no run header"), "{bad:?}");
        assert_eq!(bad[1].0, "r-bad");
        assert!(bad[1].1.starts_with("line 2:"), "{bad:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
