//! Delivering passes: the CSV a mail merge or a printed letter reads (UPN, display name, pass,
//! valid from, valid until, in a stated time zone), written once by the caller (the native save
//! dialog, `--passes FILE`), after which the campaign records the pass ids as delivered. And
//! recovery: passes a run created that were never delivered (the process was killed before the
//! save) are found from the journals and issued again — a new pass replaces the lost one.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::file::{save, Campaign, Delivery, Stage, Step, StepRun};
use super::steps::{resume_run, StepOutcome, UserNote};
use super::CampaignError;
use crate::import::{
    new_run_id, read_entries, summarize, ApplyControl, Entry, IssuedPass, PlanOptions, Progress,
    RowEnd, RowResult, RunContext,
};
use crate::plan::{Action, Slot, TapSpec};

/// A time zone as a fixed UTC offset (`UTC`, `Z`, `+01:00`, `-0500`): Graph takes one too.
pub fn parse_offset(text: &str) -> Result<FixedOffset, CampaignError> {
    let t = text.trim();
    let bad = || {
        CampaignError::Invalid(format!(
            "'{t}' is not a time zone offset; write UTC, +01:00 or -05:00."
        ))
    };
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return FixedOffset::east_opt(0).ok_or_else(bad);
    }
    let (sign, rest) = match t.chars().next() {
        Some('+') => (1, &t[1..]),
        Some('-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let h: i32 = digits[..2].parse().map_err(|_| bad())?;
    let m: i32 = digits[2..].parse().map_err(|_| bad())?;
    if h > 14 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// A start date and time with its UTC offset (`2027-01-11T08:00:00+01:00`; seconds optional).
pub fn parse_start(text: &str) -> Result<DateTime<Utc>, CampaignError> {
    let t = text.trim();
    DateTime::parse_from_rfc3339(t)
        .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M%:z"))
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            CampaignError::Invalid(format!(
                "'{t}' is not a date and time with a UTC offset, e.g. 2027-01-11T08:00+01:00."
            ))
        })
}

/// `+01:00` / `UTC`, as the CSV headers show it.
pub fn offset_name(tz: FixedOffset) -> String {
    if tz.local_minus_utc() == 0 {
        "UTC".into()
    } else {
        format!("UTC{tz}")
    }
}

/// The delivery file: a BOM (Excel reads UTF-8), CRLF lines, one user per line.
pub fn delivery_csv(passes: &[IssuedPass], tz: FixedOffset) -> String {
    let zone = offset_name(tz);
    let mut w = crate::csv::excel::writer_quoting(::csv::QuoteStyle::Always);
    let _ = w.write_record([
        "UserPrincipalName".to_string(),
        "DisplayName".to_string(),
        "TemporaryAccessPass".to_string(),
        format!("ValidFrom ({zone})"),
        format!("ValidUntil ({zone})"),
        "OneTime".to_string(),
    ]);
    let show = |d: DateTime<Utc>| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    for p in passes {
        let from = p.tap.start_date_time;
        let until = from
            .zip(p.tap.lifetime_in_minutes)
            .map(|(f, m)| f + chrono::Duration::minutes(i64::from(m)));
        let _ = w.write_record([
            crate::import::neutralize(&p.user.user_principal_name),
            crate::import::neutralize(&p.user.display_name),
            p.tap.reveal_pass().unwrap_or("").to_string(),
            from.map(show).unwrap_or_default(),
            until.map(show).unwrap_or_default(),
            if p.tap.is_usable_once == Some(true) {
                "yes"
            } else {
                "no"
            }
            .to_string(),
        ]);
    }
    String::from_utf8(crate::csv::excel::bytes(w)).unwrap_or_default()
}

/// Records that `passes` were saved for delivery (by id), moving their users on.
pub fn record_delivery(
    data_dir: &Path,
    campaign: &mut Campaign,
    passes: &[IssuedPass],
) -> Result<(), CampaignError> {
    let now = Utc::now();
    for p in passes {
        let issued = p.tap.start_date_time.unwrap_or(now).min(now);
        let expires = p
            .tap
            .start_date_time
            .zip(p.tap.lifetime_in_minutes)
            .map(|(f, m)| f + chrono::Duration::minutes(i64::from(m)));
        campaign.delivered.push(Delivery {
            user_id: p.user.id.clone(),
            pass_id: p.tap.id.clone(),
            issued: issued.min(now),
            expires,
            delivered: now,
        });
        campaign.advance(&p.user.id, Stage::PassDelivered, None, false);
    }
    save(data_dir, campaign)
}

/// What resuming step 1 would do.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    /// A pass run that did not finish (rows never started).
    pub pending_run: Option<String>,
    /// Users whose pass was created by a run of this campaign but never delivered.
    pub undelivered: Vec<UserNote>,
}

impl Recovery {
    pub fn is_empty(&self) -> bool {
        self.pending_run.is_none() && self.undelivered.is_empty()
    }
}

/// Finds, from the journals of the campaign's pass runs, the passes created and never delivered.
pub fn recovery(runs_dir: &Path, campaign: &Campaign) -> Result<Recovery, CampaignError> {
    let mut out = Recovery::default();
    // user id -> the latest pass issued to them (its id when Graph's answer came back).
    let mut latest: HashMap<String, Option<String>> = HashMap::new();
    for step_run in campaign.runs.iter().filter(|r| r.step == Step::Tap) {
        let entries = read_entries(runs_dir, &step_run.run)?;
        if summarize(&entries).is_some_and(|s| s.resumable()) {
            out.pending_run = Some(step_run.run.clone());
        }
        let mut users: HashMap<usize, String> = HashMap::new();
        let mut issued: HashMap<(usize, usize), String> = HashMap::new();
        let mut failed_rows = std::collections::HashSet::new();
        for e in &entries {
            match e {
                Entry::Plan { row } => {
                    if let Some(u) = &row.user {
                        users.insert(row.line, u.id.clone());
                    }
                }
                Entry::Intent { line, seq, change }
                    if change.slot == Slot::Tap && change.action == Action::Add =>
                {
                    if let Some(u) = users.get(line) {
                        issued.insert((*line, *seq), u.clone());
                        latest.insert(u.clone(), None);
                    }
                }
                Entry::Outcome {
                    line,
                    seq,
                    ok,
                    unknown,
                    created,
                    ..
                } => {
                    if let Some(u) = issued.get(&(*line, *seq)) {
                        if !ok && !unknown {
                            latest.remove(u);
                        } else {
                            latest.insert(u.clone(), created.clone());
                        }
                    }
                }
                Entry::RowEnd {
                    line,
                    end: RowEnd::Failed,
                } => {
                    failed_rows.insert(*line);
                }
                _ => {}
            }
        }
        // A pass Graph created unusable was reported, not lost: it is not issued again.
        for line in failed_rows {
            if let Some(u) = users.get(&line) {
                latest.remove(u);
            }
        }
    }
    for m in &campaign.members {
        let Some(pass) = latest.get(&m.id) else {
            continue;
        };
        let delivered = pass
            .as_ref()
            .is_some_and(|id| campaign.delivered.iter().any(|d| &d.pass_id == id));
        if !delivered {
            out.undelivered.push(UserNote {
                id: m.id.clone(),
                user_principal_name: m.user_principal_name.clone(),
                reason: match pass {
                    Some(_) => "a pass was created but never saved for delivery".into(),
                    None => {
                        "a pass may have been created (no answer came back) and was never delivered"
                            .into()
                    }
                },
            });
        }
    }
    Ok(out)
}

/// Resumes an unfinished pass run, then issues a new pass to every user whose pass was never
/// delivered (it replaces the lost one). The passes come back for one delivery.
pub async fn recover(
    ctx: &RunContext<'_>,
    data_dir: &Path,
    campaign: &mut Campaign,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<StepOutcome, CampaignError> {
    let found = recovery(ctx.dir, campaign)?;
    if found.is_empty() {
        return Err(CampaignError::Invalid(
            "Every pass this campaign issued was delivered, and no pass run is unfinished.".into(),
        ));
    }
    let mut runs = Vec::new();
    let mut passes = Vec::new();
    if let Some(run) = &found.pending_run {
        let (outcome, issued) = resume_run(ctx, campaign, run, Step::Tap, control, &on_row).await?;
        runs.push(outcome);
        passes.extend(issued);
        save(data_dir, campaign)?;
    }
    let got: std::collections::HashSet<String> = passes.iter().map(|p| p.user.id.clone()).collect();
    let again = recovery(ctx.dir, campaign)?;
    let lost: Vec<&UserNote> = again
        .undelivered
        .iter()
        .filter(|u| !got.contains(&u.id))
        .collect();
    if !lost.is_empty() && !control.is_cancelled() {
        let last = campaign
            .runs
            .iter()
            .rev()
            .find_map(|r| r.tap.clone())
            .ok_or_else(|| {
                CampaignError::Invalid(
                    "No pass run of this campaign says how long its passes live.".into(),
                )
            })?;
        let spec = TapSpec {
            issued_after: Utc::now(),
            ..last
        };
        let opts = super::steps::StepOptions {
            tap: Some(super::steps::TapChoice {
                lifetime_minutes: spec.lifetime_minutes,
                once: spec.once,
                start: spec.start,
            }),
            ..Default::default()
        };
        let mut preview = super::steps::preview_step(ctx, campaign, Step::Tap, &opts).await?;
        let wanted: std::collections::HashSet<&str> = lost.iter().map(|u| u.id.as_str()).collect();
        preview.rows.retain(|r| {
            r.user
                .as_ref()
                .is_some_and(|u| wanted.contains(u.id.as_str()))
        });
        let run = new_run_id();
        campaign.runs.push(StepRun {
            step: Step::Tap,
            run: run.clone(),
            started: Utc::now(),
            tap: preview.tap.clone(),
        });
        save(data_dir, campaign)?;
        let collected = std::sync::Mutex::new(Vec::new());
        let outcome = ctx
            .start_as(
                run,
                &format!("campaign {}: passes issued again", campaign.name),
                &PlanOptions::default(),
                preview.rows,
                control,
                |r, p| {
                    if let (Some(pass), Ok(mut c)) = (&r.pass, collected.lock()) {
                        c.push(pass.clone());
                    }
                    on_row(r, p);
                },
            )
            .await?;
        let issued = collected.into_inner().unwrap_or_default();
        for p in &issued {
            campaign.advance(&p.user.id, Stage::PassIssued, None, false);
        }
        passes.extend(issued);
        runs.push(outcome);
        save(data_dir, campaign)?;
    }
    Ok(StepOutcome {
        passes_issued: passes.len(),
        passes,
        runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_as_graph_takes_them() {
        assert_eq!(parse_offset("UTC").unwrap().local_minus_utc(), 0);
        assert_eq!(parse_offset("+01:00").unwrap().local_minus_utc(), 3600);
        assert_eq!(parse_offset("-0530").unwrap().local_minus_utc(), -19_800);
        for bad in ["", "CET", "+1", "+25:00", "01:00"] {
            assert!(parse_offset(bad).is_err(), "{bad}");
        }
        assert_eq!(offset_name(parse_offset("+01:00").unwrap()), "UTC+01:00");
        let start = parse_start("2027-01-11T08:00+01:00").unwrap();
        assert_eq!(start.to_rfc3339(), "2027-01-11T07:00:00+00:00");
        assert!(
            parse_start("2027-01-11 08:00").is_err(),
            "an offset is required"
        );
    }
}
