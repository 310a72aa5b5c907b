//! Bulk import: a CSV becomes one plan per row against the tenant's live state (preview), the
//! previewed plan is applied within Graph's limits with a journal (apply), and a run can be
//! resumed or undone. Preview never fails as a whole: only an unreadable file is an error.

mod apply;
mod export;
mod journal;
mod local;
mod lock;
mod outcome;
mod prefs;
mod preview;
mod row;
mod row_run;
mod runs;
mod undo;

pub use apply::{ApplyControl, ApplyReport, Progress};
pub use export::{neutralize, results_csv};
pub use journal::{
    list_runs, new_run_id, read_entries, summarize, Entry, JournalError, RowEnd, RunHeader,
    RunKind, RunList, RunSummary, UnreadableRun,
};
pub(crate) use local::{phone_want, valid_email};
pub use local::{read_row, read_rows, LocalRow, PlanOptions};
pub use lock::RunLock;
pub use outcome::{explain, ChangeResult, IssuedPass, RowResult};
pub use prefs::{ImportPrefs, PrefsError};
pub(crate) use preview::plan_locals;
pub use preview::{preview, Counts, FileSummary, Preview};
pub use row_run::{unusable_pass, Mode};
pub use runs::{RunContext, RunOutcome, UndoPreview, PREVIEW_BATCHES_IN_FLIGHT, ROWS_IN_FLIGHT};
pub use undo::{check_undoable, undo_plans, CannotUndo};
