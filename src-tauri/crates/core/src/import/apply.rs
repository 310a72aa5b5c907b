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

use crate::graph::{GraphClient, GraphError, TapRequest, TemporaryAccessPass};
use crate::plan::{
    guard, read_state, send_change, Action, Actor, Change, Desired, Lookup, RowPlan, RowStatus,
    Slot, TargetUser, Want,
};

use super::journal::{Entry, Journal, JournalError, RowEnd};
use super::local::LocalRow;
use super::row::plan;

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

/// How rows are checked before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the previewed changes if the user's state still matches the preview.
    AsPreviewed,
    /// Re-plan each row from what it asks for against the current state (resume, undo).
    Replan,
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

/// How often a row re-reads its user after writes that got no answer.
const MAX_RECHECKS: usize = 3;

/// One write's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeResult {
    pub change: Change,
    pub ok: bool,
    pub request_id: Option<String>,
    pub error: Option<String>,
}

/// One row's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    pub line: usize,
    pub user: Option<TargetUser>,
    pub end: RowEnd,
    pub changes: Vec<ChangeResult>,
    /// Why it failed or was not written.
    pub message: Option<String>,
    /// The new plan when the user changed since the preview.
    pub replanned: Option<RowPlan>,
    /// The Temporary Access Pass this row issued, usable (or usable from its start), for
    /// delivery only: it never crosses IPC, reaches the journal, a log or the results file.
    #[serde(skip)]
    pub pass: Option<IssuedPass>,
}

/// A pass a run issued and the user it is for. `Debug` never shows the pass.
#[derive(Debug, Clone)]
pub struct IssuedPass {
    pub user: TargetUser,
    pub tap: TemporaryAccessPass,
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

/// A sentence for the admin about a failed write, with Graph's code and request-id.
pub fn explain(e: &GraphError) -> String {
    let what = match (e.status(), e.code()) {
        (403, _) => "Graph refused: your role may not change this user's methods",
        (404, _) => "Graph no longer finds this user or method",
        (400, _) => "Graph refused the change",
        (429, _) => "Graph kept throttling after every retry; resume the run later",
        (_, "outcomeUnknown") => "no answer came back, so the change may or may not have happened; resume the run to re-check this row",
        (_, "networkError") => "Microsoft Graph could not be reached",
        _ => "the change failed",
    };
    match (e.status(), e.request_id()) {
        (0, _) => format!("{what}: {}", e.message()),
        (s, Some(id)) => format!(
            "{what}: {} ({s} {}, request-id {id})",
            e.message(),
            e.code()
        ),
        (s, None) => format!("{what}: {} ({s} {})", e.message(), e.code()),
    }
}

fn ended(row: &RowPlan, end: RowEnd, message: Option<String>) -> RowResult {
    RowResult {
        line: row.line,
        user: row.user.clone(),
        end,
        changes: Vec::new(),
        message,
        replanned: None,
        pass: None,
    }
}

/// What one write gave back: Graph's request-id, and the pass when it issued one.
struct Sent {
    request_id: Option<String>,
    tap: Option<TemporaryAccessPass>,
}

/// Sends one change of a row; a pass is issued from the row's `TapSpec`.
async fn send_for_row(
    graph: &GraphClient,
    user: &str,
    change: &Change,
    desired: Option<&Desired>,
) -> Result<Sent, GraphError> {
    if (change.slot, change.action) != (Slot::Tap, Action::Add) {
        let receipt = send_change(graph, user, change).await?;
        return Ok(Sent {
            request_id: receipt.request_id,
            tap: None,
        });
    }
    let Some(Want::Set(spec)) = desired.map(|d| &d.tap) else {
        return Err(GraphError::InvalidInput(
            "the row asks for no Temporary Access Pass".into(),
        ));
    };
    let request = TapRequest {
        start_date_time: spec.start,
        lifetime_in_minutes: Some(spec.lifetime_minutes),
        is_usable_once: Some(spec.once),
    };
    let (tap, request_id) = graph.issue_temporary_access_pass(user, &request).await?;
    Ok(Sent {
        request_id,
        tap: Some(tap),
    })
}

/// Why a pass Graph created cannot be used, in words (None: usable, or usable from its start).
pub fn unusable_pass(tap: &TemporaryAccessPass) -> Option<String> {
    let reason = tap.method_usability_reason.as_deref().unwrap_or("");
    if tap.is_usable != Some(false) || reason == "NotYetValid" {
        return None;
    }
    let why = match reason {
        "DisabledByPolicy" => "the Temporary Access Pass policy is off or does not include this user (Entra admin center → Protection → Authentication methods → Temporary Access Pass)",
        "Expired" => "it has already expired",
        "OneTimeUsed" => "it was one-time and has been used",
        _ => "Graph did not say why",
    };
    Some(format!(
        "Graph created the pass, but it cannot be used ({reason}): {why}; it was not handed out"
    ))
}

/// Re-reads the user, decides what to write, writes it with the journal around each write.
async fn run_row(
    graph: &GraphClient,
    actor: &Actor<'_>,
    journal: &Journal,
    row: &RowPlan,
    mode: Mode,
) -> Result<RowResult, JournalError> {
    let Some(user) = row.user.as_ref() else {
        let r = ended(
            row,
            RowEnd::Failed,
            Some("the row has no resolved user".into()),
        );
        journal.append(&Entry::RowEnd {
            line: row.line,
            end: r.end,
        })?;
        return Ok(r);
    };
    let needs = row
        .desired
        .as_ref()
        .map(|d| actor.needs(d))
        .unwrap_or_default();
    let state = match read_state(graph, &user.id, needs).await {
        Lookup::Found(s) => s,
        Lookup::NotFound => {
            journal.append(&Entry::RowEnd {
                line: row.line,
                end: RowEnd::Failed,
            })?;
            return Ok(ended(
                row,
                RowEnd::Failed,
                Some("the user no longer exists".into()),
            ));
        }
        Lookup::Failed(e) => {
            journal.append(&Entry::RowEnd {
                line: row.line,
                end: RowEnd::Failed,
            })?;
            return Ok(ended(
                row,
                RowEnd::Failed,
                Some(format!(
                    "could not re-read the user, nothing written: {}",
                    explain(&e)
                )),
            ));
        }
    };
    let local = LocalRow::of_plan(row);
    let lookup = Lookup::Found(state.clone());
    // Undo: slots changed since the run are left alone, and the row says which.
    let since_run: Vec<String> = row
        .desired
        .as_ref()
        .map(|d| guard(d, &state).1.into_iter().map(|c| c.message).collect())
        .unwrap_or_default();
    let changes = match mode {
        Mode::AsPreviewed if state.fingerprint(row.desired.as_ref()) == row.fingerprint => {
            row.changes.clone()
        }
        Mode::AsPreviewed => {
            let fresh = plan(row.line, &local, Some(&lookup), actor);
            journal.append(&Entry::RowEnd {
                line: row.line,
                end: RowEnd::ChangedSincePreview,
            })?;
            let mut r = ended(row, RowEnd::ChangedSincePreview, Some("the user's methods changed since the preview; nothing was written — review the new plan".into()));
            r.replanned = Some(fresh);
            return Ok(r);
        }
        Mode::Replan => {
            let fresh = plan(row.line, &local, Some(&lookup), actor);
            if fresh.status == RowStatus::Skipped && !since_run.is_empty() {
                journal.append(&Entry::RowEnd {
                    line: row.line,
                    end: RowEnd::ChangedSinceRun,
                })?;
                return Ok(ended(
                    row,
                    RowEnd::ChangedSinceRun,
                    Some(since_run.join("; ")),
                ));
            }
            match fresh.status {
                RowStatus::Unchanged => {
                    journal.append(&Entry::RowEnd {
                        line: row.line,
                        end: RowEnd::AlreadyApplied,
                    })?;
                    return Ok(ended(row, RowEnd::AlreadyApplied, None));
                }
                RowStatus::Add | RowStatus::Update => fresh.changes,
                RowStatus::Skipped | RowStatus::Invalid => {
                    journal.append(&Entry::RowEnd {
                        line: row.line,
                        end: RowEnd::Failed,
                    })?;
                    return Ok(ended(row, RowEnd::Failed, Some(fresh.problems.join("; "))));
                }
            }
        }
    };
    let mut result = ended(
        row,
        RowEnd::Done,
        (!since_run.is_empty()).then(|| since_run.join("; ")),
    );
    let mut pending = changes;
    let mut seq = 0;
    let mut rechecks = 0;
    let mut unusable = None;
    'writes: loop {
        for change in std::mem::take(&mut pending) {
            journal.append(&Entry::Intent {
                line: row.line,
                seq,
                change: change.clone(),
            })?;
            let outcome = send_for_row(graph, &user.id, &change, row.desired.as_ref()).await;
            let (ok, request_id, error) = match &outcome {
                Ok(sent) => (true, sent.request_id.clone(), None),
                Err(e) => (false, e.request_id().map(str::to_string), Some(explain(e))),
            };
            let created = match &outcome {
                Ok(Sent { tap: Some(tap), .. }) => {
                    match unusable_pass(tap) {
                        Some(why) => unusable = Some(why),
                        None => {
                            result.pass = Some(IssuedPass {
                                user: user.clone(),
                                tap: tap.clone(),
                            })
                        }
                    }
                    Some(tap.id.clone())
                }
                _ => None,
            };
            // No answer, or a gateway error that may hide a write that landed: re-read.
            let unknown = match &outcome {
                Err(GraphError::OutcomeUnknown { .. }) => true,
                Err(e) => matches!(e.status(), 500 | 502 | 504),
                Ok(_) => false,
            };
            journal.append(&Entry::Outcome {
                line: row.line,
                seq,
                ok,
                unknown,
                request_id: request_id.clone(),
                error: error.clone(),
                created,
            })?;
            seq += 1;
            result.changes.push(ChangeResult {
                change,
                ok,
                request_id,
                error: error.clone(),
            });
            if unknown && rechecks < MAX_RECHECKS {
                // No answer: the write may have landed. Re-read and re-plan, never resend blindly.
                rechecks += 1;
                if let Lookup::Found(now) = read_state(graph, &user.id, needs).await {
                    let fresh = plan(row.line, &local, Some(&Lookup::Found(now)), actor);
                    if let Some(last) = result.changes.last_mut() {
                        let still_needed = fresh.changes.iter().any(|c| c.slot == last.change.slot);
                        if !still_needed {
                            last.ok = true;
                            last.error = Some(
                                "no answer came back, but a re-read shows the change was applied"
                                    .into(),
                            );
                        }
                    }
                    pending = fresh.changes;
                    continue 'writes;
                }
            }
            if !ok {
                result.end = RowEnd::Failed;
                result.message = error;
                break 'writes;
            }
        }
        break;
    }
    if let Some(why) = unusable {
        result.end = RowEnd::Failed;
        result.message = Some(why);
    }
    journal.append(&Entry::RowEnd {
        line: row.line,
        end: result.end,
    })?;
    Ok(result)
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
