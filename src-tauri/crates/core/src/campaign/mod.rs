//! The guided move off SMS and voice: a named, saved cohort (from the tenant report) and five
//! steps — passes in waves, watch registration, default method, SMS sign-in off, remove phones —
//! each a run of the bulk engine (`import::RunContext`: previewed, journaled, resumable,
//! undoable). Pass texts go only to the caller's delivery (save dialog, `--passes` file), never
//! to the campaign file, a journal, the audit log or a log line.

mod cohort;
mod file;
mod passes;
mod policy;
mod status;
mod steps;

pub use cohort::{create, Maker, NewCampaign, Pick};
pub use file::{
    campaigns_dir, check_name, check_new_name, list, load, save, Campaign, Delivery, Excluded,
    GroupRef, Member, Stage, Step, StepRun,
};
pub use passes::{
    delivery_csv, offset_name, parse_offset, parse_start, record_delivery, recover, recovery,
    Recovery,
};
pub use policy::{policy_context, PolicyContext, PolicyLine};
pub use status::{status, CampaignStatus, StageCount, UserStatus};
pub use steps::{
    preview_step, run_step, undo_step, StepOptions, StepOutcome, StepPreview, TapChoice, UserNote,
    DEFAULT_THRESHOLD,
};

use crate::graph::GraphError;
use crate::import::JournalError;
use crate::report::ReportError;

/// Why a campaign action did not happen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CampaignError {
    /// The admin's input is wrong (a name, an empty cohort, a lifetime out of range).
    #[error("{0}")]
    Invalid(String),
    #[error("There is no campaign '{0}'.")]
    NoSuchCampaign(String),
    /// A rule refuses it (another tenant, a removal over the threshold not confirmed).
    #[error("{0}")]
    Refused(String),
    #[error("The campaign file {path} could not be {what}: {reason}")]
    File {
        path: String,
        what: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Graph(#[from] GraphError),
}
