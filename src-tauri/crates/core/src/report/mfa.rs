//! The report's per-user MFA column, read on request after the rows: one beta `requirements`
//! read per user, 20 to a `$batch`, on the identity read quota — a cost the report does not pay
//! unless asked (1 resource unit per user). Only for roles that may read it (Global Reader,
//! Authentication Policy Administrator, Global Administrator); never writes anything.

use futures::stream::{self, StreamExt};

use super::live::{batch_until_answered, BATCHES_IN_FLIGHT};
use super::{ReportError, ReportRow};
use crate::graph::{Api, BatchRequest, GraphClient, PerUserMfaState};
use crate::roles::Powers;

const USERS_PER_BATCH: usize = 20;

/// Fills `per_user_mfa` of every row it can read; returns how many were read. A role that may
/// not read it gets `NoAccess` before anything is sent; a user Graph refuses stays unread.
pub async fn per_user_mfa(
    graph: &GraphClient,
    powers: &Powers,
    rows: &mut [ReportRow],
) -> Result<usize, ReportError> {
    powers
        .check_mfa_state_read()
        .map_err(|r| ReportError::NoAccess(r.to_string()))?;
    let batches: Vec<Vec<BatchRequest>> = rows
        .chunks(USERS_PER_BATCH)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    BatchRequest::get(
                        i.to_string(),
                        format!("/users/{}/authentication/requirements", r.id),
                    )
                })
                .collect()
        })
        .collect();
    let mut answers = stream::iter(batches)
        .map(|requests| async move { batch_until_answered(graph, Api::Beta, requests).await })
        .buffered(BATCHES_IN_FLIGHT);
    let mut read = 0;
    let mut offset = 0;
    while let Some(chunk) = answers.next().await {
        for (i, answer) in chunk?.into_iter().enumerate() {
            let state = answer
                .is_success()
                .then(|| answer.json::<serde_json::Value>().ok())
                .flatten()
                .and_then(|v| v["perUserMfaState"].as_str().map(str::to_string))
                .and_then(|s| s.parse::<PerUserMfaState>().ok());
            if let Some(row) = rows.get_mut(offset + i) {
                row.per_user_mfa = state;
                read += usize::from(state.is_some());
            }
        }
        offset += USERS_PER_BATCH;
    }
    Ok(read)
}
