//! What a row of a run ended with: each write's outcome, the row's end and message, the pass it
//! issued — and the sentence an admin reads about a failed write.

use serde::Serialize;

use crate::graph::{GraphError, TemporaryAccessPass};
use crate::plan::{Change, RowPlan, TargetUser};

use super::journal::RowEnd;

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
