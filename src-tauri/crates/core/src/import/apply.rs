//! Apply: execute exactly the previewed plan for the chosen rows, within the throttle engine, with
//! pause / cancel (a row is either finished or untouched), progress, and the journal written
//! before and after each write. A row whose user changed since the preview is re-planned and
//! flagged, not overwritten. Resume and undo run the same loop in "re-plan" mode.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures::stream::{self, StreamExt};
use serde::Serialize;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::graph::GraphClient;
use crate::plan::{Actor, RowPlan};

use super::journal::{Entry, Journal, JournalError, RowEnd};
use super::outcome::RowResult;
use super::row_run::{run_row, Mode};

/// Pause, resume and cancel an apply from another task (the UI).
#[derive(Clone)]
pub struct ApplyControl {
    cancel: CancellationToken,
    paused: Arc<watch::Sender<bool>>,
}

impl Default for ApplyControl {
    fn default() -> Self {
        Self {
            cancel: CancellationToken::new(),
            paused: Arc::new(watch::Sender::new(false)),
        }
    }
}

impl ApplyControl {
    pub fn pause(&self) {
        self.paused.send_replace(true);
    }
    pub fn resume(&self) {
        self.paused.send_replace(false);
    }
    /// Rows not yet started stay untouched; rows in flight finish.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
    async fn wait_while_paused(&self) {
        let mut rx = self.paused.subscribe();
        let _ = rx.wait_for(|p| !*p).await;
    }
}

/// Counts for a progress bar.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub total: usize,
    pub finished: usize,
    pub done: usize,
    pub failed: usize,
    pub changed_since_preview: usize,
    pub rate_per_s: f64,
    pub eta_s: Option<f64>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub results: Vec<RowResult>,
    pub cancelled: bool,
    /// Rows never started (cancelled before their turn).
    pub not_started: Vec<usize>,
}

/// Applies `rows` (journal already holds the header and plans). Calls `on_row` as rows finish
/// and `on_progress` after each. Stops starting rows on cancel or on a journal failure.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    graph: &GraphClient,
    actor: &Actor<'_>,
    journal: &Journal,
    rows: Vec<RowPlan>,
    mode: Mode,
    concurrency: usize,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<ApplyReport, JournalError> {
    let total = rows.len();
    let started = Instant::now();
    let (finished, done, failed, changed) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let journal_failed = std::sync::Mutex::new(None);
    let outcomes: Vec<Result<Option<RowResult>, usize>> = stream::iter(rows.iter())
        .map(|row| async {
            control.wait_while_paused().await;
            let broken = journal_failed.lock().map(|g| g.is_some()).unwrap_or(true);
            if control.is_cancelled() || broken {
                return Err(row.line);
            }
            match run_row(graph, actor, journal, row, mode).await {
                Ok(r) => {
                    let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
                    match r.end {
                        RowEnd::Done | RowEnd::AlreadyApplied => {
                            done.fetch_add(1, Ordering::SeqCst)
                        }
                        RowEnd::Failed => failed.fetch_add(1, Ordering::SeqCst),
                        RowEnd::ChangedSincePreview | RowEnd::ChangedSinceRun => {
                            changed.fetch_add(1, Ordering::SeqCst)
                        }
                    };
                    let elapsed = started.elapsed().as_secs_f64().max(0.001);
                    let rate = n as f64 / elapsed;
                    let progress = Progress {
                        total,
                        finished: n,
                        done: done.load(Ordering::SeqCst),
                        failed: failed.load(Ordering::SeqCst),
                        changed_since_preview: changed.load(Ordering::SeqCst),
                        rate_per_s: rate,
                        eta_s: (rate > 0.0).then(|| (total - n) as f64 / rate),
                    };
                    on_row(&r, &progress);
                    Ok(Some(r))
                }
                Err(e) => {
                    if let Ok(mut g) = journal_failed.lock() {
                        g.get_or_insert(e);
                    }
                    Ok(None)
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    if let Some(e) = journal_failed.lock().ok().and_then(|mut g| g.take()) {
        return Err(e);
    }
    let mut results = Vec::new();
    let mut not_started = Vec::new();
    for o in outcomes {
        match o {
            Ok(Some(r)) => results.push(r),
            Ok(None) => {}
            Err(line) => not_started.push(line),
        }
    }
    results.sort_by_key(|r| r.line);
    not_started.sort_unstable();
    let cancelled = !not_started.is_empty();
    journal.append(&Entry::End { cancelled })?;
    Ok(ApplyReport {
        results,
        cancelled,
        not_started,
    })
}
