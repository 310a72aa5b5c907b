//! The directory as a source for the bulk import: each user's own attributes (`mobilePhone`,
//! `businessPhones[0]`, `otherMails[0]`) become a row that is planned, applied, journaled,
//! resumed, undone and exported exactly like a CSV row (`import::plan_locals`, `RunContext`).
//! One call, `preview`, for the app and the CLI. Never writes; never guesses a region from
//! free text.

mod members;
mod rows;

use serde::Serialize;

use crate::graph::{GraphClient, GraphError, SourceUser};
use crate::import::{plan_locals, Counts, LocalRow};
use crate::plan::{Actor, Lookup, RowPlan, RowStatus, Slot, TargetUser};

pub use members::{find_groups, users_in, without_mfa, Scope};
pub use rows::{countries_to_map, region_for, row_of, SourceOptions};

/// The day Microsoft stops delivering SMS and voice codes for MFA (tenants without their own
/// telephony provider): /work/shared/reference/sms-voice-retirement.md.
pub const SMS_VOICE_END: &str = "1 February 2027";

/// Users a run would leave depending on SMS/voice alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retirement {
    /// Rows that add a phone to a user with no other MFA method (no phone, no Authenticator,
    /// passkey, OATH or Windows Hello): after the run, SMS/voice is all they have.
    pub only_phone: usize,
    /// Their user ids (for a campaign towards another method).
    pub user_ids: Vec<String>,
    /// Rows whose other methods could not be read (an app that may read phone methods only).
    pub unknown: usize,
    pub date: String,
}

/// What a directory preview covered.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceSummary {
    pub scope: Scope,
    pub scope_label: String,
    pub only_missing: bool,
    /// Users the scope held (members; guests are left out).
    pub users: usize,
    /// Users left out by `only_missing` (the report lists them as MFA-registered).
    pub already_registered: usize,
    pub options: SourceOptions,
    /// Free-text `country` values of users without `usageLocation` (map them to use them).
    pub countries_to_map: Vec<(String, usize)>,
}

/// The whole directory preview: rows are the CSV import's `RowPlan`s.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryPreview {
    pub source: SourceSummary,
    pub rows: Vec<RowPlan>,
    pub counts: Counts,
    pub retirement: Retirement,
}

/// Why a directory preview could not start (only reading the scope can fail as a whole).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("The users of {scope} could not be read: {error}")]
    Members { scope: String, error: GraphError },
    #[error(
        "The registration report (for \"only users with no MFA method\") could not be read: {0}"
    )]
    Report(GraphError),
}

/// The journal's "file name" for a directory run.
pub fn run_name(scope: &Scope, only_missing: bool) -> String {
    let missing = if only_missing {
        ", only without MFA"
    } else {
        ""
    };
    format!("Directory: {}{missing}", scope.label())
}

fn retirement(rows: &[RowPlan], states: &[Option<Lookup>]) -> Retirement {
    let mut r = Retirement {
        date: SMS_VOICE_END.into(),
        ..Retirement::default()
    };
    for (row, state) in rows.iter().zip(states) {
        let adds_phone = row.writes()
            && row
                .changes
                .iter()
                .any(|c| matches!(c.slot, Slot::Mobile | Slot::Office | Slot::AlternateMobile));
        let Some(Lookup::Found(state)) = state else {
            continue;
        };
        if !adds_phone || !state.phones.is_empty() {
            continue;
        }
        match state.other_mfa {
            Some(false) => {
                r.only_phone += 1;
                r.user_ids.push(state.user.id.clone());
            }
            Some(true) => {}
            None => r.unknown += 1,
        }
    }
    r
}

/// Reads the scope's users, makes one row per user from their attributes and plans every row
/// against their live state, streaming rows in order through `on_rows`.
pub async fn preview(
    graph: &GraphClient,
    actor: &Actor<'_>,
    scope: &Scope,
    only_missing: bool,
    options: &SourceOptions,
    concurrency: usize,
    mut on_rows: impl FnMut(&[RowPlan]),
) -> Result<DirectoryPreview, SourceError> {
    let mut users: Vec<SourceUser> =
        users_in(graph, scope)
            .await
            .map_err(|error| SourceError::Members {
                scope: scope.label(),
                error,
            })?;
    let total = users.len();
    if only_missing {
        let missing = without_mfa(graph).await.map_err(SourceError::Report)?;
        users.retain(|u| missing.contains(&u.id));
    }
    let built: Vec<(LocalRow, String)> = users.iter().map(|u| row_of(u, options)).collect();
    let (mut locals, regions): (Vec<_>, Vec<_>) = built.into_iter().unzip();
    rows::refuse_shared_numbers(&users, &mut locals);
    let empty: Vec<bool> = locals
        .iter()
        .map(|l| l.desired.is_none() && l.problems.is_empty())
        .collect();
    let lines: Vec<usize> = (1..=locals.len()).collect();
    let nothing = rows::nothing_to_add(options);
    let finish = |p: &mut RowPlan| {
        let i = p.line - 1;
        p.region = regions.get(i).cloned();
        if empty.get(i).copied().unwrap_or(false) {
            p.status = RowStatus::Skipped;
            p.problems = vec![nothing.clone()];
        }
        // Rows refused before Graph was asked still name their user.
        if p.user.is_none() {
            if let Some(u) = users.get(i) {
                p.user = Some(TargetUser {
                    id: u.id.clone(),
                    user_principal_name: u.user_principal_name.clone().unwrap_or_default(),
                    display_name: u.display_name.clone().unwrap_or_default(),
                });
            }
        }
    };
    let (mut plans, states) = plan_locals(
        graph,
        actor,
        &lines,
        locals,
        &[],
        concurrency,
        |batch: &[RowPlan]| {
            let mut batch = batch.to_vec();
            batch.iter_mut().for_each(&finish);
            on_rows(&batch);
        },
    )
    .await;
    plans.iter_mut().for_each(finish);
    let counts = Counts::of(&plans);
    let retirement = retirement(&plans, &states);
    Ok(DirectoryPreview {
        source: SourceSummary {
            scope: scope.clone(),
            scope_label: scope.label(),
            only_missing,
            users: total,
            already_registered: total - users.len(),
            options: options.clone(),
            countries_to_map: countries_to_map(&users),
        },
        rows: plans,
        counts,
        retirement,
    })
}
