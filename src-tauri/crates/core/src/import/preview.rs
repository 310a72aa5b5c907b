//! Preview: a CSV becomes one `RowPlan` per row against the tenant's live state, streamed in file
//! order as the users' states arrive. Never fails as a whole; only an unreadable file is an error.

use std::collections::HashMap;

use serde::Serialize;

use crate::csv::{read_import, Column, CsvError, ImportFile};
use crate::graph::GraphClient;
use crate::phone::PhoneType;

use super::local::{read_rows, LocalRow, PlanOptions};
use super::row::plan;
use crate::plan::Actor;
use crate::plan::{read_states, Key, Lookup};
use crate::plan::{RowPlan, RowStatus, Want};

/// What the file looked like, for the preview header.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    pub encoding: String,
    pub delimiter: char,
    /// The line above the header that was skipped, and why (see [`ImportFile::skipped`]).
    pub skipped: Option<String>,
    pub headers: Vec<String>,
    pub mapping: Vec<Option<Column>>,
    pub unknown_headers: Vec<String>,
    pub rows: usize,
}

/// Rows per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub add: usize,
    pub update: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub invalid: usize,
}

impl Counts {
    pub fn of(rows: &[RowPlan]) -> Self {
        let mut c = Counts::default();
        for r in rows {
            match r.status {
                RowStatus::Add => c.add += 1,
                RowStatus::Update => c.update += 1,
                RowStatus::Unchanged => c.unchanged += 1,
                RowStatus::Skipped => c.skipped += 1,
                RowStatus::Invalid => c.invalid += 1,
            }
        }
        c
    }
}

/// The whole preview.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub file: FileSummary,
    pub rows: Vec<RowPlan>,
    pub counts: Counts,
}

fn summary(file: &ImportFile) -> FileSummary {
    FileSummary {
        encoding: file.encoding.clone(),
        delimiter: file.delimiter,
        skipped: file.skipped.clone(),
        headers: file.headers.clone(),
        mapping: file.mapping.clone(),
        unknown_headers: file.unknown_headers.clone(),
        rows: file.rows.len(),
    }
}

/// Marks users named twice and numbers given to several users (SMS sign-in needs a unique one).
fn cross_row_checks(lines: &[usize], locals: &mut [LocalRow]) -> Vec<bool> {
    let mut first_line_of_user: HashMap<String, usize> = HashMap::new();
    let mut duplicate = vec![false; locals.len()];
    let mut owners_of_number: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, local) in locals.iter_mut().enumerate() {
        let key = local.user_input.trim().to_lowercase();
        if key.is_empty() {
            continue;
        }
        match first_line_of_user.get(&key) {
            Some(first) => {
                duplicate[i] = true;
                local.problems.push(format!(
                    "the same user is on line {first}; only that row is applied"
                ));
            }
            None => {
                first_line_of_user.insert(key, lines[i]);
            }
        }
        if let Some(Want::Set(n)) = local.desired.as_ref().map(|d| d.phone(PhoneType::Mobile)) {
            owners_of_number.entry(n.digits()).or_default().push(i);
        }
    }
    for owners in owners_of_number.values().filter(|o| o.len() > 1) {
        for &i in owners {
            let others: Vec<String> = owners
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| lines[j].to_string())
                .collect();
            locals[i].warnings.push(format!(
                "the same mobile number is on line {}; SMS sign-in needs a number unique in the tenant",
                others.join(", ")
            ));
        }
    }
    duplicate
}

/// Reads `bytes`, plans every row against live state and calls `on_rows` with rows in file order
/// as soon as they are planned. `concurrency` is the number of state-read batches in flight.
pub async fn preview(
    graph: &GraphClient,
    actor: &Actor<'_>,
    bytes: &[u8],
    remembered: &HashMap<String, Column>,
    options: &PlanOptions,
    concurrency: usize,
    on_rows: impl FnMut(&[RowPlan]),
) -> Result<Preview, CsvError> {
    let file = read_import(bytes, remembered)?;
    let lines: Vec<usize> = file.rows.iter().map(|r| r.line).collect();
    let mut locals = read_rows(&file, options);
    let duplicate = cross_row_checks(&lines, &mut locals);
    let (plans, _) = plan_locals(
        graph,
        actor,
        &lines,
        locals,
        &duplicate,
        concurrency,
        on_rows,
    )
    .await;
    let counts = Counts::of(&plans);
    Ok(Preview {
        file: summary(&file),
        rows: plans,
        counts,
    })
}

/// Plans rows read locally (a file's, or the directory's) against live state, streaming them in
/// order through `on_rows`; rows marked `skip` (a user named twice) are planned as skipped.
/// Returns each row's plan and the state it was planned against (None: not read).
pub(crate) async fn plan_locals(
    graph: &GraphClient,
    actor: &Actor<'_>,
    lines: &[usize],
    mut locals: Vec<LocalRow>,
    skip: &[bool],
    concurrency: usize,
    mut on_rows: impl FnMut(&[RowPlan]),
) -> (Vec<RowPlan>, Vec<Option<Lookup>>) {
    for (i, local) in locals.iter_mut().enumerate() {
        if skip.get(i).copied().unwrap_or(false) {
            local.desired = None;
        }
    }
    // Which rows need Graph, and their index among the lookups.
    let mut lookup_of_row = vec![None; locals.len()];
    let mut keys = Vec::new();
    for (i, local) in locals.iter().enumerate() {
        if local.problems.is_empty() && local.desired.is_some() {
            lookup_of_row[i] = Some(keys.len());
            let needs = local
                .desired
                .as_ref()
                .map(|d| actor.needs(d))
                .unwrap_or_default();
            keys.push(Key {
                key: local.user_input.trim().to_string(),
                needs,
            });
        }
    }
    let mut plans: Vec<RowPlan> = Vec::with_capacity(locals.len());
    let mut found: Vec<Option<Lookup>> = vec![None; keys.len()];
    let mut next = 0;
    let mut emit_ready = |found: &[Option<Lookup>],
                          plans: &mut Vec<RowPlan>,
                          on_rows: &mut dyn FnMut(&[RowPlan])| {
        let start = plans.len();
        while next < locals.len() {
            let lookup = match lookup_of_row[next] {
                Some(k) => match &found[k] {
                    Some(l) => Some(l),
                    None => break,
                },
                None => None,
            };
            let mut p = plan(lines[next], &locals[next], lookup, actor);
            if skip.get(next).copied().unwrap_or(false) {
                p.status = RowStatus::Skipped;
            }
            plans.push(p);
            next += 1;
        }
        if plans.len() > start {
            on_rows(&plans[start..]);
        }
    };
    emit_ready(&found, &mut plans, &mut on_rows);
    read_states(graph, &keys, concurrency, |offset, chunk| {
        for (k, lookup) in chunk.iter().enumerate() {
            found[offset + k] = Some(lookup.clone());
        }
        emit_ready(&found, &mut plans, &mut on_rows);
    })
    .await;
    emit_ready(&found, &mut plans, &mut on_rows);
    let states = lookup_of_row
        .iter()
        .map(|k| k.and_then(|k| found[k].take()))
        .collect();
    (plans, states)
}
