//! A run's side of the import contract: progress, per-row results, the finished run, the runs
//! list and the Pause / Resume / Cancel request. Converted from the core's run types.

use prestage_core::import::{
    CannotUndo, ChangeResult, Progress, RowEnd, RowResult, RunKind, RunList, RunOutcome,
    RunSummary, UndoPreview, UnreadableRun,
};
use serde::{Deserialize, Serialize};

use super::{ChangeInfo, RowInfo, UserRef};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressInfo {
    pub total: usize,
    pub finished: usize,
    pub done: usize,
    pub failed: usize,
    pub changed_since_preview: usize,
    pub rate_per_s: f64,
    pub eta_s: Option<f64>,
}

impl From<&Progress> for ProgressInfo {
    fn from(p: &Progress) -> Self {
        Self {
            total: p.total,
            finished: p.finished,
            done: p.done,
            failed: p.failed,
            changed_since_preview: p.changed_since_preview,
            rate_per_s: p.rate_per_s,
            eta_s: p.eta_s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RowEndInfo {
    Done,
    Failed,
    ChangedSincePreview,
    AlreadyApplied,
    ChangedSinceRun,
}

impl From<RowEnd> for RowEndInfo {
    fn from(e: RowEnd) -> Self {
        match e {
            RowEnd::Done => Self::Done,
            RowEnd::Failed => Self::Failed,
            RowEnd::ChangedSincePreview => Self::ChangedSincePreview,
            RowEnd::AlreadyApplied => Self::AlreadyApplied,
            RowEnd::ChangedSinceRun => Self::ChangedSinceRun,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeResultInfo {
    pub change: ChangeInfo,
    pub ok: bool,
    pub request_id: Option<String>,
    /// Graph's error, explained.
    pub error: Option<String>,
}

impl From<&ChangeResult> for ChangeResultInfo {
    fn from(c: &ChangeResult) -> Self {
        Self {
            change: (&c.change).into(),
            ok: c.ok,
            request_id: c.request_id.clone(),
            error: c.error.clone(),
        }
    }
}

/// How a row of a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowResultInfo {
    pub line: usize,
    pub user: Option<UserRef>,
    pub end: RowEndInfo,
    pub changes: Vec<ChangeResultInfo>,
    pub message: Option<String>,
    /// The new plan when the user changed since the preview (nothing was written).
    pub replanned: Option<RowInfo>,
}

impl From<&RowResult> for RowResultInfo {
    fn from(r: &RowResult) -> Self {
        Self {
            line: r.line,
            user: r.user.as_ref().map(UserRef::from),
            end: r.end.into(),
            changes: r.changes.iter().map(ChangeResultInfo::from).collect(),
            message: r.message.clone(),
            replanned: r.replanned.as_ref().map(RowInfo::from),
        }
    }
}

/// A channel message during a run: a row finished.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunEvent {
    pub result: RowResultInfo,
    pub progress: ProgressInfo,
}

impl RunEvent {
    pub fn new(result: &RowResult, progress: &Progress) -> Self {
        Self {
            result: result.into(),
            progress: progress.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CannotUndoInfo {
    pub line: usize,
    pub user: String,
    pub reason: String,
}

impl From<&CannotUndo> for CannotUndoInfo {
    fn from(c: &CannotUndo) -> Self {
        Self {
            line: c.line,
            user: c.user.clone(),
            reason: c.reason.clone(),
        }
    }
}

/// What an undo would write now, row by row, before the admin confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UndoPreviewInfo {
    pub run: String,
    /// Rows that restore something (`update`), or are `skipped` because the user's methods
    /// changed since the run (the problems say which); warnings name slots left alone.
    pub rows: Vec<RowInfo>,
    pub cannot_undo: Vec<CannotUndoInfo>,
}

impl From<&UndoPreview> for UndoPreviewInfo {
    fn from(p: &UndoPreview) -> Self {
        Self {
            run: p.run.clone(),
            rows: p.rows.iter().map(RowInfo::from).collect(),
            cannot_undo: p.cannot_undo.iter().map(CannotUndoInfo::from).collect(),
        }
    }
}

/// A finished (or cancelled) run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunDone {
    pub run: String,
    pub cancelled: bool,
    /// Lines never started (cancelled before their turn): resume finishes them.
    pub not_started: Vec<usize>,
    pub results: Vec<RowResultInfo>,
    /// Undo only: rows whose previous value is not known.
    pub cannot_undo: Vec<CannotUndoInfo>,
}

impl From<&RunOutcome> for RunDone {
    fn from(o: &RunOutcome) -> Self {
        Self {
            run: o.run.clone(),
            cancelled: o.report.cancelled,
            not_started: o.report.not_started.clone(),
            results: o.report.results.iter().map(RowResultInfo::from).collect(),
            cannot_undo: o.cannot_undo.iter().map(CannotUndoInfo::from).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RunKindInfo {
    Apply,
    Undo,
}

/// The runs list: the runs, newest first, and the journals that could not be read, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunsInfo {
    pub runs: Vec<RunInfoRow>,
    pub unreadable: Vec<UnreadableRun>,
}

impl RunsInfo {
    /// `locked(run)`: another window or terminal holds the run.
    pub fn new(list: &RunList, tenant_id: &str, locked: impl Fn(&str) -> bool) -> Self {
        Self {
            runs: RunInfoRow::list(&list.runs, tenant_id, locked),
            unreadable: list.unreadable.clone(),
        }
    }
}

/// A run in the runs list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfoRow {
    pub run: String,
    pub kind: RunKindInfo,
    pub undo_of: Option<String>,
    /// RFC 3339, UTC.
    pub created: String,
    pub file_name: String,
    pub admin: String,
    pub rows: usize,
    pub done: usize,
    pub failed: usize,
    pub changed_since_preview: usize,
    pub pending: usize,
    pub finished: bool,
    pub cancelled: bool,
    /// Rows remain and the run belongs to the signed-in tenant.
    pub resumable: bool,
    /// An apply run of the signed-in tenant, not undone yet.
    pub undoable: bool,
    /// An undo run names this run.
    pub undone: bool,
    /// Made in another tenant: listed, but not resumed or undone from here.
    pub other_tenant: bool,
    /// Being applied, resumed or undone in another window or terminal right now.
    pub locked: bool,
}

impl RunInfoRow {
    /// The runs list (newest first, as given): each run, and whether an undo run names it.
    pub fn list(runs: &[RunSummary], tenant_id: &str, locked: impl Fn(&str) -> bool) -> Vec<Self> {
        let undone: std::collections::HashSet<&str> = runs
            .iter()
            .filter_map(|r| r.header.undo_of.as_deref())
            .collect();
        runs.iter()
            .map(|r| {
                let mut row = Self::new(r, tenant_id, undone.contains(r.header.run.as_str()));
                row.locked = locked(&r.header.run);
                row.resumable &= !row.locked;
                row.undoable &= !row.locked;
                row
            })
            .collect()
    }

    pub fn new(s: &RunSummary, tenant_id: &str, undone: bool) -> Self {
        let here = s.header.tenant_id == tenant_id;
        Self {
            run: s.header.run.clone(),
            kind: match s.header.kind {
                RunKind::Apply => RunKindInfo::Apply,
                RunKind::Undo => RunKindInfo::Undo,
            },
            undo_of: s.header.undo_of.clone(),
            created: s.header.created.to_rfc3339(),
            file_name: s.header.file_name.clone(),
            admin: s.header.admin.clone(),
            rows: s.rows,
            done: s.done,
            failed: s.failed,
            changed_since_preview: s.changed_since_preview,
            pending: s.pending,
            finished: s.finished,
            cancelled: s.cancelled,
            resumable: here && s.resumable(),
            undoable: here && s.header.kind == RunKind::Apply && !undone,
            undone,
            other_tenant: !here,
            locked: false,
        }
    }
}

/// What the Pause / Resume / Cancel buttons ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RunControl {
    Pause,
    Resume,
    Cancel,
}
