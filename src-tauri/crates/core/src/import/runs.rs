//! Runs: start a journaled apply of previewed rows, resume an interrupted run, and undo a run by
//! planning the journal's "before" values back (rows whose previous value is unknown, e.g. a
//! masked number, are listed instead).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::graph::GraphClient;
use crate::phone::PhoneNumber;

use super::apply::{apply, ApplyControl, ApplyReport, Mode, Progress, RowResult};
use super::diff::Actor;
use super::journal::{
    new_run_id, read_entries, summarize, Entry, Journal, JournalError, RunHeader, RunKind,
};
use super::local::{parse_default_method, PlanOptions};
use super::model::{Action, Change, Desired, RowPlan, RowStatus, Slot, Want};

/// Who runs it, on which tenant, from which file.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub tenant_id: String,
    pub admin: String,
    pub file_name: String,
    pub options: PlanOptions,
}

fn header(kind: RunKind, info: &RunInfo, undo_of: Option<String>) -> RunHeader {
    RunHeader {
        run: new_run_id(),
        kind,
        created: chrono::Utc::now(),
        tenant_id: info.tenant_id.clone(),
        admin: info.admin.clone(),
        file_name: info.file_name.clone(),
        options: info.options.clone(),
        undo_of,
    }
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

/// Starts a run for the chosen previewed rows (only rows that write are journaled and applied).
#[allow(clippy::too_many_arguments)]
pub async fn start_run(
    graph: &GraphClient,
    actor: &Actor<'_>,
    dir: &Path,
    info: &RunInfo,
    rows: Vec<RowPlan>,
    concurrency: usize,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<RunOutcome, JournalError> {
    let rows: Vec<RowPlan> = rows.into_iter().filter(RowPlan::writes).collect();
    let h = header(RunKind::Apply, info, None);
    let run = h.run.clone();
    let journal = Journal::create(dir, &h)?;
    for row in &rows {
        journal.append(&Entry::Plan {
            row: Box::new(row.clone()),
        })?;
    }
    let report = apply(
        graph,
        actor,
        &journal,
        rows,
        Mode::AsPreviewed,
        concurrency,
        control,
        on_row,
    )
    .await?;
    Ok(RunOutcome {
        run,
        report,
        cannot_undo: Vec::new(),
    })
}

/// Finishes the rows of `run` that did not end (cancelled, or the app stopped). Each row is
/// re-planned against the user's current state, so nothing already written is written again.
pub async fn resume_run(
    graph: &GraphClient,
    actor: &Actor<'_>,
    dir: &Path,
    run: &str,
    concurrency: usize,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<RunOutcome, JournalError> {
    let entries = read_entries(dir, run)?;
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
    let journal = Journal::reopen(dir, run)?;
    let report = apply(
        graph,
        actor,
        &journal,
        pending,
        Mode::Replan,
        concurrency,
        control,
        on_row,
    )
    .await?;
    Ok(RunOutcome {
        run: run.to_string(),
        report,
        cannot_undo: Vec::new(),
    })
}

/// A row undo cannot restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CannotUndo {
    pub line: usize,
    pub user: String,
    pub reason: String,
}

fn masked(v: &str) -> bool {
    v.contains('X')
}

/// Builds, per row of `entries`, what undoing its applied (or possibly applied) writes asks for.
pub fn undo_plans(entries: &[Entry]) -> (Vec<RowPlan>, Vec<CannotUndo>) {
    let mut plans: HashMap<usize, RowPlan> = HashMap::new();
    // Every intended write, unless Graph answered that it failed: a write whose outcome line is
    // missing (the process was killed in between) may have landed, so it is undone too — undo
    // re-plans against the current state, so one that did not land costs nothing.
    let mut intents: Vec<((usize, usize), Change)> = Vec::new();
    let mut failed: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for e in entries {
        match e {
            Entry::Plan { row } => {
                plans.insert(row.line, (**row).clone());
            }
            Entry::Intent { line, seq, change } => intents.push(((*line, *seq), change.clone())),
            Entry::Outcome {
                line,
                seq,
                ok: false,
                unknown: false,
                ..
            } => {
                failed.insert((*line, *seq));
            }
            _ => {}
        }
    }
    // The first write to a slot holds the value from before the run.
    let mut seen_slot = std::collections::HashSet::new();
    let applied: Vec<(usize, Change)> = intents
        .into_iter()
        .filter(|(key, _)| !failed.contains(key))
        .filter(|((line, _), change)| seen_slot.insert((*line, change.slot)))
        .map(|((line, _), change)| (line, change))
        .collect();
    let mut desired: HashMap<usize, Desired> = HashMap::new();
    let mut cannot = Vec::new();
    for (line, change) in applied {
        let Some(row) = plans.get(&line) else {
            continue;
        };
        let d = desired.entry(line).or_insert_with(|| Desired {
            mobile: Want::Keep,
            alternate_mobile: Want::Keep,
            office: Want::Keep,
            email: Want::Keep,
            sms_sign_in: None,
            default_method: None,
            overwrite: true,
        });
        let user = row
            .user
            .as_ref()
            .map(|u| u.user_principal_name.clone())
            .unwrap_or_default();
        let mut refuse = |reason: String| {
            cannot.push(CannotUndo {
                line,
                user: user.clone(),
                reason,
            })
        };
        let before = change.before.clone();
        match (change.slot.phone_type(), change.slot, change.action) {
            (Some(t), _, Action::Add) => set_phone(d, t, Want::Remove),
            (Some(t), slot, Action::Update | Action::Remove) => match before.as_deref() {
                Some(b) if masked(b) => refuse(format!(
                    "the previous {} was masked for the signed-in role, so it is not known",
                    slot.label()
                )),
                Some(b) => match PhoneNumber::parse_graph(b) {
                    Ok(n) => set_phone(d, t, Want::Set(n)),
                    Err(_) => refuse(format!(
                        "the previous {} '{b}' is not in Graph's form",
                        slot.label()
                    )),
                },
                None => refuse(format!("the previous {} is not known", slot.label())),
            },
            (_, Slot::Email, Action::Add) => d.email = Want::Remove,
            (_, Slot::Email, _) => match before {
                Some(b) => d.email = Want::Set(b),
                None => refuse("the previous email is not known".into()),
            },
            (_, Slot::SmsSignIn, Action::Enable) => d.sms_sign_in = Some(false),
            (_, Slot::SmsSignIn, Action::Disable) => d.sms_sign_in = Some(true),
            (_, Slot::DefaultMethod, _) => match before.as_deref().and_then(parse_default_method) {
                Some(m) => d.default_method = Some(m),
                None => refuse(
                    "the user had no default method before, and Graph cannot clear one".into(),
                ),
            },
            _ => {}
        }
    }
    let mut rows: Vec<RowPlan> = desired
        .into_iter()
        .filter_map(|(line, d)| {
            let original = plans.get(&line)?;
            Some(RowPlan {
                line,
                user_input: original.user_input.clone(),
                user: original.user.clone(),
                status: RowStatus::Update,
                changes: Vec::new(),
                problems: Vec::new(),
                warnings: Vec::new(),
                desired: Some(d),
                fingerprint: String::new(),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.line);
    (rows, cannot)
}

fn set_phone(d: &mut Desired, t: crate::phone::PhoneType, want: Want<PhoneNumber>) {
    match t {
        crate::phone::PhoneType::Mobile => d.mobile = want,
        crate::phone::PhoneType::AlternateMobile => d.alternate_mobile = want,
        crate::phone::PhoneType::Office => d.office = want,
    }
}

/// Undoes `run`: a new journaled run that restores the previous values it knows.
#[allow(clippy::too_many_arguments)]
pub async fn undo_run(
    graph: &GraphClient,
    actor: &Actor<'_>,
    dir: &Path,
    run: &str,
    admin: &str,
    concurrency: usize,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<RunOutcome, JournalError> {
    let entries = read_entries(dir, run)?;
    let summary = summarize(&entries).ok_or_else(|| JournalError::NoSuchRun(run.to_string()))?;
    let (rows, cannot_undo) = undo_plans(&entries);
    let info = RunInfo {
        tenant_id: summary.header.tenant_id.clone(),
        admin: admin.to_string(),
        file_name: summary.header.file_name.clone(),
        options: summary.header.options.clone(),
    };
    let h = header(RunKind::Undo, &info, Some(run.to_string()));
    let undo_id = h.run.clone();
    let journal = Journal::create(dir, &h)?;
    for row in &rows {
        journal.append(&Entry::Plan {
            row: Box::new(row.clone()),
        })?;
    }
    let report = apply(
        graph,
        actor,
        &journal,
        rows,
        Mode::Replan,
        concurrency,
        control,
        on_row,
    )
    .await?;
    Ok(RunOutcome {
        run: undo_id,
        report,
        cannot_undo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::TargetUser;

    fn row(line: usize) -> Entry {
        Entry::Plan {
            row: Box::new(RowPlan {
                line,
                user_input: format!("u{line}@x.example"),
                user: Some(TargetUser {
                    id: format!("id{line}"),
                    user_principal_name: format!("u{line}@x.example"),
                    display_name: String::new(),
                }),
                status: RowStatus::Update,
                changes: Vec::new(),
                problems: Vec::new(),
                warnings: Vec::new(),
                desired: None,
                fingerprint: String::new(),
            }),
        }
    }

    fn update(line: usize, seq: usize, before: &str, after: &str) -> Entry {
        Entry::Intent {
            line,
            seq,
            change: Change {
                slot: Slot::Mobile,
                action: Action::Update,
                before: Some(before.into()),
                after: Some(after.into()),
            },
        }
    }

    #[test]
    fn a_write_killed_before_its_outcome_is_undone_and_a_failed_one_is_not() {
        let entries = vec![
            row(2),
            row(3),
            update(2, 0, "+1 2065550100", "+1 2065550199"),
            // No outcome for line 2: the process died. Line 3 failed at Graph.
            update(3, 0, "+1 2065550101", "+1 2065550198"),
            Entry::Outcome {
                line: 3,
                seq: 0,
                ok: false,
                unknown: false,
                request_id: None,
                error: Some("400".into()),
            },
        ];
        let (rows, cannot) = undo_plans(&entries);
        assert!(cannot.is_empty());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        let want = PhoneNumber::parse_graph("+1 2065550100").unwrap();
        assert_eq!(rows[0].desired.as_ref().unwrap().mobile, Want::Set(want));
    }

    #[test]
    fn the_first_before_of_a_slot_is_the_original_and_masked_ones_are_listed() {
        let entries = vec![
            row(2),
            update(2, 0, "+1 2065550100", "+1 2065550199"),
            Entry::Outcome {
                line: 2,
                seq: 0,
                ok: false,
                unknown: true,
                request_id: None,
                error: None,
            },
            update(2, 1, "+1 2065550199", "+1 2065550199"),
            row(4),
            update(4, 0, "+1 XXXXXXXX01", "+1 2065550197"),
        ];
        let (rows, cannot) = undo_plans(&entries);
        let want = PhoneNumber::parse_graph("+1 2065550100").unwrap();
        assert_eq!(
            rows.iter()
                .find(|r| r.line == 2)
                .unwrap()
                .desired
                .as_ref()
                .unwrap()
                .mobile,
            Want::Set(want)
        );
        assert_eq!(cannot.len(), 1);
        assert!(cannot[0].reason.contains("masked"));
    }
}
