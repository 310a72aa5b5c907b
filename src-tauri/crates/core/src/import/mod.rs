//! Bulk import: a CSV becomes one plan per row against the tenant's live state (preview), the
//! previewed plan is applied within Graph's limits with a journal (apply), and a run can be
//! resumed or undone. Preview never fails as a whole: only an unreadable file is an error.

mod diff;
mod local;
mod model;
mod preview;
mod state;

pub use diff::{diff, method_name, phone_of, Actor};
pub use local::{parse_default_method, PlanOptions};
pub use model::{Action, Change, Desired, RowPlan, RowStatus, Slot, TargetUser, Want};
pub use preview::{preview, Counts, FileSummary, Preview};
pub use state::{read_state, read_states, Lookup, UserState};
