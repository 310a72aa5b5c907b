//! The one run surface the app and the CLI share: a `RunContext` (who, which tenant, where the
//! journals live, how many rows in flight) starts a journaled apply of previewed rows, resumes an
//! interrupted run, previews an undo against the users' current state, and undoes a run. Each
//! holds the run's lock while it drives it and refuses a journal of another tenant.

use std::path::Path;

use serde::Serialize;

use crate::auth::RefreshingTokenSource;
use crate::graph::{GraphClient, PER_USER_MFA_WRITE_PERMISSION};

use super::apply::{apply, ApplyControl, ApplyReport, Progress};
use super::journal::{
    new_run_id, read_entries, summarize, Entry, Journal, JournalError, RunHeader, RunKind,
    RunSummary,
};
use super::local::{LocalRow, PlanOptions};
use super::lock::RunLock;
use super::outcome::RowResult;
use super::row::plan;
use super::row_run::Mode;
use super::undo::{check_undoable, undo_plans, CannotUndo};
use crate::plan::Actor;
use crate::plan::RowPlan;
use crate::plan::{read_states, Key, Want};

/// Rows a run keeps in flight (the app's and the CLI's default). Requests in flight are bounded by
/// the throttle engine's permits and the write lane's pace, not by this: a row mostly waits (its
/// re-read, a 503's Retry-After, a re-plan after a dropped write), and a waiting row must not
/// leave the write quota idle. 8 rows kept a 20 writes/s quota busy only without faults (a row
/// takes about 0.4 s at 150 ms latency); with 5 % 503s and 1 % drops 8 reached 0.36 and 16 0.80
/// of the quota floor, 32 reached 0.95 (bench-soak, BENCHMARKS.md).
pub const ROWS_IN_FLIGHT: usize = 32;

/// State-read `$batch`es a preview keeps in flight (the app's and the CLI's, every source).
pub const PREVIEW_BATCHES_IN_FLIGHT: usize = 8;

/// Everything a run needs besides its rows; both front ends build it from their session.
pub struct RunContext<'a> {
    pub graph: &'a GraphClient,
    pub actor: Actor<'a>,
    /// The signed-in tenant: journals of another tenant are listed, never driven.
    pub tenant_id: &'a str,
    /// The signed-in admin's UPN, written into each new journal.
    pub admin: &'a str,
    /// The runs dir (`Places::runs_dir`).
    pub dir: &'a Path,
    /// Rows in flight.
    pub concurrency: usize,
    /// Asks for a permission a run needs when it first needs it (incremental consent: rows
    /// that set per-user MFA); `None` (an app-only session, whose permissions are granted in its
    /// registration) asks for nothing.
    pub permissions: Option<&'a RefreshingTokenSource>,
}

/// A run's id and its report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutcome {
    pub run: String,
    pub report: ApplyReport,
    /// Undo only: rows whose previous state cannot be restored, with the reason.
    pub cannot_undo: Vec<CannotUndo>,
}

/// What an undo would do, per row, against the users' state now — before anything is written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UndoPreview {
    pub run: String,
    /// Each row's plan: the changes that restore it, or `skipped` with why (changed since the
    /// run); warnings name the slots of a row that changed since the run and are left alone.
    pub rows: Vec<RowPlan>,
    pub cannot_undo: Vec<CannotUndo>,
}

impl RunContext<'_> {
    /// Rows that set per-user MFA need `Policy.ReadWrite.AuthenticationMethod`: asked for here,
    /// before the journal exists, so a refused consent leaves no run behind.
    async fn consent_for(&self, rows: &[RowPlan]) -> Result<(), JournalError> {
        let mfa = rows.iter().any(|r| {
            r.changes
                .iter()
                .any(|c| c.slot == crate::plan::Slot::PerUserMfa)
                || r.desired.as_ref().is_some_and(|d| d.per_user_mfa.is_some())
        });
        match self.permissions {
            Some(tokens) if mfa => tokens
                .ask_permission(PER_USER_MFA_WRITE_PERMISSION)
                .await
                .map(|_| ())
                .map_err(|e| {
                    JournalError::Refused(format!(
                        "Setting per-user MFA needs the {} permission, which was not granted: {e}",
                        PER_USER_MFA_WRITE_PERMISSION
                    ))
                }),
            _ => Ok(()),
        }
    }

    fn header(&self, kind: RunKind, file_name: &str, options: &PlanOptions) -> RunHeader {
        RunHeader {
            run: new_run_id(),
            kind,
            created: chrono::Utc::now(),
            tenant_id: self.tenant_id.to_string(),
            admin: self.admin.to_string(),
            file_name: file_name.to_string(),
            options: options.clone(),
            undo_of: None,
        }
    }

    /// Reads a run of this tenant.
    fn entries_here(&self, run: &str) -> Result<(Vec<Entry>, RunSummary), JournalError> {
        let entries = read_entries(self.dir, run)?;
        let summary =
            summarize(&entries).ok_or_else(|| JournalError::NoSuchRun(run.to_string()))?;
        if summary.header.tenant_id != self.tenant_id {
            return Err(JournalError::Refused(format!(
                "Run {run} was made in tenant {}, and you are signed in to tenant {}. Sign in to \
                 that tenant to resume or undo it.",
                summary.header.tenant_id, self.tenant_id
            )));
        }
        Ok((entries, summary))
    }

    /// A new run: its lock taken, its journal created with the header and every row's plan
    /// (written before any write is sent).
    fn new_run(&self, h: &RunHeader, rows: &[RowPlan]) -> Result<(RunLock, Journal), JournalError> {
        let lock = RunLock::acquire(self.dir, &h.run)?;
        let journal = Journal::create(self.dir, h)?;
        for row in rows {
            journal.append(&Entry::Plan {
                row: Box::new(row.clone()),
            })?;
        }
        Ok((lock, journal))
    }

    async fn drive(
        &self,
        journal: &Journal,
        rows: Vec<RowPlan>,
        mode: Mode,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<ApplyReport, JournalError> {
        apply(
            self.graph,
            &self.actor,
            journal,
            rows,
            mode,
            self.concurrency,
            control,
            on_row,
        )
        .await
    }

    /// Starts a run for the chosen previewed rows (only rows that write are journaled and applied).
    pub async fn start(
        &self,
        file_name: &str,
        options: &PlanOptions,
        rows: Vec<RowPlan>,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<RunOutcome, JournalError> {
        self.start_as(new_run_id(), file_name, options, rows, control, on_row)
            .await
    }

    /// `start` under a run id the caller chose (from `new_run_id`), so it can record the run
    /// before any write (a campaign names its runs in its own file).
    pub async fn start_as(
        &self,
        run: String,
        file_name: &str,
        options: &PlanOptions,
        rows: Vec<RowPlan>,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<RunOutcome, JournalError> {
        let rows: Vec<RowPlan> = rows.into_iter().filter(RowPlan::writes).collect();
        self.consent_for(&rows).await?;
        let mut h = self.header(RunKind::Apply, file_name, options);
        h.run = run.clone();
        let (_lock, journal) = self.new_run(&h, &rows)?;
        let report = self
            .drive(&journal, rows, Mode::AsPreviewed, control, on_row)
            .await?;
        Ok(RunOutcome {
            run,
            report,
            cannot_undo: Vec::new(),
        })
    }

    /// Finishes the rows of `run` that did not end (cancelled, or the app stopped). Each row is
    /// re-planned against the user's current state, so nothing already written is written again.
    ///
    /// A run that issues Temporary Access Passes (a campaign's wave) is refused: the passes would
    /// be issued with nobody to hand them to. Its campaign resumes it (`resume_issuing_passes`)
    /// and delivers them.
    pub async fn resume(
        &self,
        run: &str,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<RunOutcome, JournalError> {
        self.resume_as(run, false, control, on_row).await
    }

    /// `resume` for a caller that delivers the passes the run issues (`RowResult::pass`).
    pub async fn resume_issuing_passes(
        &self,
        run: &str,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<RunOutcome, JournalError> {
        self.resume_as(run, true, control, on_row).await
    }

    async fn resume_as(
        &self,
        run: &str,
        delivers_passes: bool,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<RunOutcome, JournalError> {
        let _lock = RunLock::acquire(self.dir, run)?;
        let (entries, _) = self.entries_here(run)?;
        let ended: std::collections::HashSet<usize> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::RowEnd { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        let pending: Vec<RowPlan> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Plan { row } if !ended.contains(&row.line) => Some((**row).clone()),
                _ => None,
            })
            .collect();
        if !delivers_passes && pending.iter().any(issues_a_pass) {
            return Err(JournalError::Refused(
                "This run issues Temporary Access Passes for a campaign. Resume it from its \
                 campaign (the Campaign screen, or prestage-cli migrate tap NAME), which issues \
                 the unfinished passes and hands every one of them to you."
                    .into(),
            ));
        }
        self.consent_for(&pending).await?;
        let journal = Journal::reopen(self.dir, run)?;
        let report = self
            .drive(&journal, pending, Mode::Replan, control, on_row)
            .await?;
        Ok(RunOutcome {
            run: run.to_string(),
            report,
            cannot_undo: Vec::new(),
        })
    }

    /// What undoing `run` would write now, row by row; nothing is written.
    pub async fn undo_preview(&self, run: &str) -> Result<UndoPreview, JournalError> {
        let (entries, _) = self.entries_here(run)?;
        check_undoable(self.dir, &entries)?;
        let (rows, cannot_undo) = undo_plans(&entries);
        let keys: Vec<Key> = rows
            .iter()
            .map(|r| Key {
                key: r.user.as_ref().map(|u| u.id.clone()).unwrap_or_default(),
                needs: r
                    .desired
                    .as_ref()
                    .map(|d| self.actor.needs(d))
                    .unwrap_or_default(),
            })
            .collect();
        let lookups = read_states(self.graph, &keys, self.concurrency, |_, _| {}).await;
        let rows = rows
            .iter()
            .zip(lookups.iter())
            .map(|(row, lookup)| plan(row.line, &LocalRow::of_plan(row), Some(lookup), &self.actor))
            .collect();
        Ok(UndoPreview {
            run: run.to_string(),
            rows,
            cannot_undo,
        })
    }

    /// Undoes `run`: a new journaled run that restores the previous values it knows, slot by
    /// slot, only where the slot still holds what the run left there.
    pub async fn undo(
        &self,
        run: &str,
        control: &ApplyControl,
        on_row: impl Fn(&RowResult, &Progress) + Sync,
    ) -> Result<RunOutcome, JournalError> {
        // Holding the original run's lock makes "already undone?" and the new journal one step.
        let _original = RunLock::acquire(self.dir, run)?;
        let (entries, summary) = self.entries_here(run)?;
        check_undoable(self.dir, &entries)?;
        let (rows, cannot_undo) = undo_plans(&entries);
        self.consent_for(&rows).await?;
        let mut h = self.header(
            RunKind::Undo,
            &summary.header.file_name,
            &summary.header.options,
        );
        h.undo_of = Some(run.to_string());
        let undo_id = h.run.clone();
        let (_lock, journal) = self.new_run(&h, &rows)?;
        let report = self
            .drive(&journal, rows, Mode::Replan, control, on_row)
            .await?;
        Ok(RunOutcome {
            run: undo_id,
            report,
            cannot_undo,
        })
    }
}

/// Whether the row would issue a Temporary Access Pass.
fn issues_a_pass(row: &RowPlan) -> bool {
    row.desired
        .as_ref()
        .is_some_and(|d| matches!(d.tap, Want::Set(_)))
}
