//! Bulk import: a CSV becomes one plan per row against the tenant's live state (preview), the
//! previewed plan is applied within Graph's limits with a journal (apply), and a run can be
//! resumed or undone. Preview never fails as a whole: only an unreadable file is an error.

mod apply;
pub(crate) use apply::send as send_change;
mod diff;
mod export;
mod guard;
mod journal;
mod local;
mod lock;
mod model;
mod prefs;
mod preview;
mod runs;
mod state;
mod undo;

pub use apply::{
    explain, unusable_pass, ApplyControl, ApplyReport, ChangeResult, IssuedPass, Mode, Progress,
    RowResult,
};
pub(crate) use diff::plan as plan_row;
pub use diff::{diff, method_name, phone_of, Actor};
pub use export::{neutralize, results_csv};
pub use journal::{
    list_runs, new_run_id, read_entries, summarize, Entry, JournalError, RowEnd, RunHeader,
    RunKind, RunList, RunSummary, UnreadableRun,
};
pub use local::{parse_default_method, read_row, read_rows, LocalRow, PlanOptions};
pub use lock::RunLock;
pub use model::{
    Action, Change, Desired, Left, RowPlan, RowStatus, Slot, TapSpec, TargetUser, Want,
};
pub use prefs::{ImportPrefs, PrefsError};
pub use preview::{preview, Counts, FileSummary, Preview};
pub use runs::{RunContext, RunOutcome, UndoPreview};
pub(crate) use state::note_method;
pub use state::{read_state, read_states, Key, Lookup, Needs, Registered, TapState, UserState};
pub use undo::{check_undoable, undo_plans, CannotUndo};
