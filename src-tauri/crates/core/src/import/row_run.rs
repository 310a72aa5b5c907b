//! One row of a run: re-read the user, decide what to write (as previewed, or re-planned for
//! resume and undo), write it with the journal around each write. Whatever happens, the row's
//! end is recorded in one place (`run_row`), after everything else the row did.

use crate::graph::{GraphClient, GraphError, TapRequest, TemporaryAccessPass};
use crate::plan::{
    guard, read_state, send_change, Action, Actor, Change, Desired, Lookup, Needs, RowPlan,
    RowStatus, Slot, TargetUser, UserState, Want,
};

use super::journal::{Entry, Journal, JournalError, RowEnd};
use super::local::LocalRow;
use super::outcome::{explain, ChangeResult, IssuedPass, RowResult};
use super::row::plan;

/// How rows are checked before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the previewed changes if the user's state still matches the preview.
    AsPreviewed,
    /// Re-plan each row from what it asks for against the current state (resume, undo).
    Replan,
}

/// How often a row re-reads its user after writes that got no answer.
const MAX_RECHECKS: usize = 3;

/// Runs one row and records its end in the journal.
pub(super) async fn run_row(
    graph: &GraphClient,
    actor: &Actor<'_>,
    journal: &Journal,
    row: &RowPlan,
    mode: Mode,
) -> Result<RowResult, JournalError> {
    let result = settle(graph, actor, journal, row, mode).await?;
    journal.append(&Entry::RowEnd {
        line: row.line,
        end: result.end,
    })?;
    Ok(result)
}

/// Everything a row does before its end is recorded. A journal failure stops it (the caller
/// stops the run); every other way a row can end is its result.
async fn settle(
    graph: &GraphClient,
    actor: &Actor<'_>,
    journal: &Journal,
    row: &RowPlan,
    mode: Mode,
) -> Result<RowResult, JournalError> {
    let Some(user) = row.user.as_ref() else {
        return Ok(ended(
            row,
            RowEnd::Failed,
            Some("the row has no resolved user".into()),
        ));
    };
    let needs = row
        .desired
        .as_ref()
        .map(|d| actor.needs(d))
        .unwrap_or_default();
    let state = match read_state(graph, &user.id, needs).await {
        Lookup::Found(s) => s,
        Lookup::NotFound => {
            return Ok(ended(
                row,
                RowEnd::Failed,
                Some("the user no longer exists".into()),
            ));
        }
        Lookup::Failed(e) => {
            let why = format!(
                "could not re-read the user, nothing written: {}",
                explain(&e)
            );
            return Ok(ended(row, RowEnd::Failed, Some(why)));
        }
    };
    let local = LocalRow::of_plan(row);
    // Undo: slots changed since the run are left alone, and the row says which.
    let since_run: Vec<String> = row
        .desired
        .as_ref()
        .map(|d| guard(d, &state).1.into_iter().map(|c| c.message).collect())
        .unwrap_or_default();
    let changes = match to_write(row, &local, state, actor, mode, &since_run) {
        Ok(changes) => changes,
        Err(end) => return Ok(*end),
    };
    let mut result = RowResult {
        message: (!since_run.is_empty()).then(|| since_run.join("; ")),
        ..ended(row, RowEnd::Done, None)
    };
    let writer = Writer {
        graph,
        actor,
        journal,
        row,
        user,
        local: &local,
        needs,
    };
    writer.write(changes, &mut result).await?;
    Ok(result)
}

/// The changes to write for a row whose user reads as `state`, or how the row ends unwritten.
fn to_write(
    row: &RowPlan,
    local: &LocalRow,
    state: Box<UserState>,
    actor: &Actor<'_>,
    mode: Mode,
    since_run: &[String],
) -> Result<Vec<Change>, Box<RowResult>> {
    if mode == Mode::AsPreviewed && state.fingerprint(row.desired.as_ref()) == row.fingerprint {
        return Ok(row.changes.clone());
    }
    let fresh = plan(row.line, local, Some(&Lookup::Found(state)), actor);
    if mode == Mode::AsPreviewed {
        let mut r = ended(
            row,
            RowEnd::ChangedSincePreview,
            Some("the user's methods changed since the preview; nothing was written — review the new plan".into()),
        );
        r.replanned = Some(fresh);
        return Err(Box::new(r));
    }
    if fresh.status == RowStatus::Skipped && !since_run.is_empty() {
        return Err(Box::new(ended(
            row,
            RowEnd::ChangedSinceRun,
            Some(since_run.join("; ")),
        )));
    }
    match fresh.status {
        RowStatus::Unchanged => Err(Box::new(ended(row, RowEnd::AlreadyApplied, None))),
        RowStatus::Add | RowStatus::Update => Ok(fresh.changes),
        RowStatus::Skipped | RowStatus::Invalid => Err(Box::new(ended(
            row,
            RowEnd::Failed,
            Some(fresh.problems.join("; ")),
        ))),
    }
}

/// A row's result with no writes.
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

/// Writes one row's changes, the journal around each write.
struct Writer<'a> {
    graph: &'a GraphClient,
    actor: &'a Actor<'a>,
    journal: &'a Journal,
    row: &'a RowPlan,
    user: &'a TargetUser,
    local: &'a LocalRow,
    needs: Needs,
}

impl Writer<'_> {
    /// Writes `changes` in order; after a write that got no answer, re-reads and re-plans
    /// (never resends blindly), at most `MAX_RECHECKS` times. The first failed write ends the row.
    async fn write(
        &self,
        changes: Vec<Change>,
        result: &mut RowResult,
    ) -> Result<(), JournalError> {
        let row = self.row;
        let mut pending = changes;
        let mut seq = 0;
        let mut rechecks = 0;
        let mut unusable = None;
        'writes: loop {
            for change in std::mem::take(&mut pending) {
                self.journal.append(&Entry::Intent {
                    line: row.line,
                    seq,
                    change: change.clone(),
                })?;
                let outcome =
                    send_for_row(self.graph, &self.user.id, &change, row.desired.as_ref()).await;
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
                                    user: self.user.clone(),
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
                self.journal.append(&Entry::Outcome {
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
                    rechecks += 1;
                    if let Some(fresh) = self.recheck(result).await {
                        pending = fresh;
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
        Ok(())
    }

    /// After a write that got no answer: re-reads the user, marks the last write applied when the
    /// re-read shows it landed, and returns what is still to write (None when the re-read failed).
    async fn recheck(&self, result: &mut RowResult) -> Option<Vec<Change>> {
        let Lookup::Found(now) = read_state(self.graph, &self.user.id, self.needs).await else {
            return None;
        };
        let fresh = plan(
            self.row.line,
            self.local,
            Some(&Lookup::Found(now)),
            self.actor,
        );
        if let Some(last) = result.changes.last_mut() {
            let still_needed = fresh.changes.iter().any(|c| c.slot == last.change.slot);
            if !still_needed {
                last.ok = true;
                last.error =
                    Some("no answer came back, but a re-read shows the change was applied".into());
            }
        }
        Some(fresh.changes)
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
