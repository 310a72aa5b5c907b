//! The campaign screen's contract: the campaign as the screen shows it, a step's preview (with
//! the id apply takes back), a run's outcome, the policy context. The core's campaign types are
//! wrapped here; pass texts never cross (the core's outcome skips them, and only counts come
//! over). Errors from the core's campaign map to `invalidInput` (the admin's input),
//! `refused` (a rule) or `internal`.

use prestage_core::campaign::{
    CampaignError, CampaignStatus, PolicyContext, Recovery, StepOutcome, StepPreview,
};
use serde::Serialize;

use super::IpcError;

/// The campaign screen: where everyone is, and what resuming passes would do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignInfo {
    pub status: CampaignStatus,
    /// Passes issued and waiting to be saved (this window holds them until saved once).
    pub passes_waiting: usize,
}

/// A step previewed: `id` is what `campaign_run` takes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepPreviewInfo {
    pub id: u64,
    pub preview: StepPreview,
    pub needs_confirmation: bool,
}

/// A step run: its runs (ids, results), and how many passes wait to be saved.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepDone {
    pub outcome: StepOutcome,
    pub passes_waiting: usize,
}

/// The read-only policy context.
pub type PolicyInfo = PolicyContext;

/// What resuming the passes would do.
pub type RecoveryInfo = Recovery;

impl From<CampaignError> for IpcError {
    fn from(e: CampaignError) -> Self {
        match e {
            CampaignError::Invalid(m) => IpcError::invalid(None, m),
            CampaignError::NoSuchCampaign(_) | CampaignError::Refused(_) => {
                IpcError::refused(e.to_string())
            }
            CampaignError::Graph(g) => g.into(),
            CampaignError::Report(r) => r.into(),
            CampaignError::Journal(j) => match j {
                prestage_core::import::JournalError::Locked(_)
                | prestage_core::import::JournalError::Refused(_)
                | prestage_core::import::JournalError::NoSuchRun(_) => {
                    IpcError::refused(j.to_string())
                }
                other => IpcError::internal(other.to_string()),
            },
            other => IpcError::internal(other.to_string()),
        }
    }
}
