//! What undoing a run asks for: per row, the journal's *before* values, restored only while each
//! slot still holds what the run left there (`guard.rs`); values the role only saw masked are
//! listed as not restorable. An undo run and a run already undone are refused here, in core.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::phone::{PhoneNumber, PhoneType};

use super::journal::{list_runs, summarize, Entry, JournalError, RunKind, RunSummary};
use crate::plan::parse_default_method;
use crate::plan::{Action, Change, Desired, Left, RowPlan, RowStatus, Slot, Want};

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

/// Refuses to undo an undo run, or a run an undo run already names (resume that one instead).
pub fn check_undoable(dir: &Path, entries: &[Entry]) -> Result<RunSummary, JournalError> {
    let summary = summarize(entries).ok_or_else(|| JournalError::Read {
        path: dir.display().to_string(),
        reason: "the journal has no header line".into(),
    })?;
    let run = &summary.header.run;
    if summary.header.kind == RunKind::Undo {
        return Err(JournalError::Refused(format!(
            "Run {run} is itself an undo; it cannot be undone. Re-apply the original file instead."
        )));
    }
    let list = list_runs(dir);
    // A journal that cannot be read might be an undo of this run: never guess.
    if let Some(bad) = list.unreadable.first() {
        return Err(JournalError::Refused(format!(
            "Run {}'s journal could not be read ({}), so it may already have undone run {run}. \
             Move that journal out of {} and try again.",
            bad.run,
            bad.reason,
            dir.display()
        )));
    }
    if let Some(undo) = list
        .runs
        .into_iter()
        .find(|r| r.header.undo_of.as_deref() == Some(run.as_str()))
    {
        let how = if undo.resumable() {
            format!(
                " It did not finish: resume {} to complete it.",
                undo.header.run
            )
        } else {
            String::new()
        };
        return Err(JournalError::Refused(format!(
            "Run {run} was already undone by run {}.{how}",
            undo.header.run
        )));
    }
    Ok(summary)
}

/// Builds, per row of `entries`, what undoing its applied (or possibly applied) writes asks for.
pub fn undo_plans(entries: &[Entry]) -> (Vec<RowPlan>, Vec<CannotUndo>) {
    let mut plans: HashMap<usize, RowPlan> = HashMap::new();
    // Every intended write, unless Graph answered that it failed: a write whose outcome line is
    // missing (the process was killed in between) may have landed, so it is undone too — undo
    // re-plans against the current state, so one that did not land costs nothing.
    let mut intents: Vec<((usize, usize), Change)> = Vec::new();
    let mut failed: HashSet<(usize, usize)> = HashSet::new();
    // What each write created (a pass's id): the value a TAP slot was left with.
    let mut created: HashMap<(usize, usize), String> = HashMap::new();
    for e in entries {
        match e {
            Entry::Plan { row } => {
                plans.insert(row.line, (**row).clone());
            }
            Entry::Intent { line, seq, change } => intents.push(((*line, *seq), change.clone())),
            Entry::Outcome {
                line,
                seq,
                created: Some(id),
                ..
            } => {
                created.insert((*line, *seq), id.clone());
            }
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
    let applied: Vec<(usize, Change)> = intents
        .into_iter()
        .filter(|(key, _)| !failed.contains(key))
        .map(|(key, mut change)| {
            if change.slot == Slot::Tap && change.action == Action::Add {
                // The pass is known by the id Graph gave it (None: no answer came back).
                change.after = created.get(&key).cloned();
            }
            (key.0, change)
        })
        .collect();
    // The last write to a slot holds what the run left there.
    let mut left: HashMap<(usize, Slot), Option<String>> = HashMap::new();
    for (line, change) in &applied {
        left.insert((*line, change.slot), change.after.clone());
    }
    // The first write to a slot holds the value from before the run.
    let mut seen_slot = HashSet::new();
    let firsts = applied
        .into_iter()
        .filter(|(line, change)| seen_slot.insert((*line, change.slot)));
    let mut desired: HashMap<usize, Desired> = HashMap::new();
    let mut cannot = Vec::new();
    for (line, change) in firsts {
        let Some(row) = plans.get(&line) else {
            continue;
        };
        let d = desired.entry(line).or_insert_with(Desired::keep_all);
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
            });
            false
        };
        let before = change.before.clone();
        let restorable = match (change.slot.phone_type(), change.slot, change.action) {
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
            (_, Slot::Email, Action::Add) => {
                d.email = Want::Remove;
                true
            }
            (_, Slot::Email, _) => match before {
                Some(b) => {
                    d.email = Want::Set(b);
                    true
                }
                None => refuse("the previous email is not known".into()),
            },
            (_, Slot::SmsSignIn, Action::Enable) => {
                d.sms_sign_in = Some(false);
                true
            }
            (_, Slot::SmsSignIn, Action::Disable) => {
                d.sms_sign_in = Some(true);
                true
            }
            (_, Slot::Tap, Action::Add) => match change.after {
                Some(_) => {
                    d.tap = Want::Remove;
                    true
                }
                None => refuse(
                    "no answer came back when the pass was issued, so which pass is this run's is not known; delete it from the user's page if needed".into(),
                ),
            },
            (_, Slot::Tap, _) => refuse(
                "a deleted Temporary Access Pass cannot be restored (Graph shows a pass only once); issue a new one if needed".into(),
            ),
            (_, Slot::DefaultMethod, _) => match before.as_deref().and_then(parse_default_method) {
                Some(m) => {
                    d.default_method = Some(m);
                    true
                }
                None => refuse(
                    "the user had no default method before, and Graph cannot clear one".into(),
                ),
            },
            (_, Slot::PerUserMfa, _) => match before.as_deref().map(str::parse) {
                Some(Ok(s)) => {
                    d.per_user_mfa = Some(s);
                    true
                }
                _ => refuse("the previous per-user MFA state is not known".into()),
            },
            _ => false,
        };
        if restorable {
            d.only_if_left.push(Left {
                slot: change.slot,
                value: left.get(&(line, change.slot)).cloned().flatten(),
            });
        }
    }
    let mut rows: Vec<RowPlan> = desired
        .into_iter()
        .filter(|(_, d)| !d.is_empty())
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
                region: None,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.line);
    (rows, cannot)
}

/// Sets what a phone slot should be; `true` (it is restorable).
fn set_phone(d: &mut Desired, t: PhoneType, want: Want<PhoneNumber>) -> bool {
    match t {
        PhoneType::Mobile => d.mobile = want,
        PhoneType::AlternateMobile => d.alternate_mobile = want,
        PhoneType::Office => d.office = want,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::TargetUser;

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
                region: None,
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
                created: None,
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
                created: None,
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

    #[test]
    fn each_restore_is_guarded_by_what_the_run_left_last() {
        let entries = vec![
            row(2),
            update(2, 0, "+1 2065550100", "+1 2065550150"),
            update(2, 1, "+1 2065550150", "+1 2065550199"),
        ];
        let (rows, _) = undo_plans(&entries);
        let d = rows[0].desired.as_ref().unwrap();
        assert_eq!(
            d.only_if_left,
            vec![Left {
                slot: Slot::Mobile,
                value: Some("+1 2065550199".into())
            }]
        );
    }
}
