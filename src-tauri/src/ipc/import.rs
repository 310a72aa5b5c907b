//! The CSV import's contract with the webview: a preview row, a run's progress and per-row
//! results, the runs list. Converted from the core's import types here, so a rename in the core
//! cannot silently change what the UI reads. Never a file path the webview did not already know.

use prestage_core::csv::{Column, CsvError};
use prestage_core::import::{Counts, FileSummary};
use prestage_core::plan::{Action, Change, RowPlan, RowStatus, TargetUser};
use serde::{Deserialize, Serialize};

use super::IpcError;

mod directory;
mod run;

pub use directory::{DirectoryDone, DirectoryOptions, GroupInfo};
pub use run::{
    CannotUndoInfo, ProgressInfo, RowEndInfo, RowResultInfo, RunControl, RunDone, RunEvent,
    RunInfoRow, RunsInfo, UndoPreviewInfo,
};

impl From<CsvError> for IpcError {
    fn from(error: CsvError) -> Self {
        Self::InvalidCsv {
            line: error.line(),
            message: error.to_string(),
        }
    }
}

/// The file Rust will read (picked or dropped): only its name crosses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChosenFile {
    pub name: String,
}

/// A column a CSV header can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnId {
    User,
    MobilePhone,
    AlternateMobilePhone,
    OfficePhone,
    Email,
    SmsSignIn,
    DefaultMethod,
    ForcedUpdate,
    ForcedRemoval,
    UserId,
    UserMail,
    PerUserMfaState,
}

impl From<Column> for ColumnId {
    fn from(c: Column) -> Self {
        match c {
            Column::User => Self::User,
            Column::MobilePhone => Self::MobilePhone,
            Column::AlternateMobilePhone => Self::AlternateMobilePhone,
            Column::OfficePhone => Self::OfficePhone,
            Column::Email => Self::Email,
            Column::SmsSignIn => Self::SmsSignIn,
            Column::DefaultMethod => Self::DefaultMethod,
            Column::ForcedUpdate => Self::ForcedUpdate,
            Column::ForcedRemoval => Self::ForcedRemoval,
            Column::UserId => Self::UserId,
            Column::UserMail => Self::UserMail,
            Column::PerUserMfaState => Self::PerUserMfaState,
        }
    }
}

impl From<ColumnId> for Column {
    fn from(c: ColumnId) -> Self {
        match c {
            ColumnId::User => Self::User,
            ColumnId::MobilePhone => Self::MobilePhone,
            ColumnId::AlternateMobilePhone => Self::AlternateMobilePhone,
            ColumnId::OfficePhone => Self::OfficePhone,
            ColumnId::Email => Self::Email,
            ColumnId::SmsSignIn => Self::SmsSignIn,
            ColumnId::DefaultMethod => Self::DefaultMethod,
            ColumnId::ForcedUpdate => Self::ForcedUpdate,
            ColumnId::ForcedRemoval => Self::ForcedRemoval,
            ColumnId::UserId => Self::UserId,
            ColumnId::UserMail => Self::UserMail,
            ColumnId::PerUserMfaState => Self::PerUserMfaState,
        }
    }
}

/// A column and its header in the template, for the "map this header" choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    pub id: ColumnId,
    pub header: String,
    pub describe: String,
}

impl From<Column> for ColumnInfo {
    fn from(c: Column) -> Self {
        Self {
            id: c.into(),
            header: c.header().into(),
            describe: c.describe().into(),
        }
    }
}

/// What the import screen starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSettings {
    /// The tenant's country (organization `countryLetterCode`), else the last one chosen.
    pub default_region: Option<String>,
    pub region_from_tenant: bool,
    pub columns: Vec<ColumnInfo>,
}

/// The admin's choices for the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewOptions {
    pub default_region: Option<String>,
    #[serde(default)]
    pub blank_removes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderInfo {
    pub name: String,
    pub column: Option<ColumnId>,
}

/// What the file looked like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    pub name: String,
    pub encoding: String,
    /// "," ";" or "tab".
    pub delimiter: String,
    /// The line above the header that was skipped, and why (a sentence), if one was.
    pub skipped: Option<String>,
    pub headers: Vec<HeaderInfo>,
    pub unknown_headers: Vec<String>,
    pub rows: usize,
}

impl FileInfo {
    pub fn new(name: &str, f: &FileSummary) -> Self {
        Self {
            name: name.into(),
            encoding: f.encoding.clone(),
            delimiter: match f.delimiter {
                '\t' => "tab".into(),
                d => d.to_string(),
            },
            skipped: f.skipped.clone(),
            headers: f
                .headers
                .iter()
                .zip(f.mapping.iter().chain(std::iter::repeat(&None)))
                .map(|(h, c)| HeaderInfo {
                    name: h.clone(),
                    column: c.map(ColumnId::from),
                })
                .collect(),
            unknown_headers: f.unknown_headers.clone(),
            rows: f.rows,
        }
    }
}

/// A row's outcome in the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Add,
    Update,
    Unchanged,
    Skipped,
    Invalid,
}

impl From<RowStatus> for Outcome {
    fn from(s: RowStatus) -> Self {
        match s {
            RowStatus::Add => Self::Add,
            RowStatus::Update => Self::Update,
            RowStatus::Unchanged => Self::Unchanged,
            RowStatus::Skipped => Self::Skipped,
            RowStatus::Invalid => Self::Invalid,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountsInfo {
    pub add: usize,
    pub update: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub invalid: usize,
}

impl From<&Counts> for CountsInfo {
    fn from(c: &Counts) -> Self {
        Self {
            add: c.add,
            update: c.update,
            unchanged: c.unchanged,
            skipped: c.skipped,
            invalid: c.invalid,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
}

impl From<&TargetUser> for UserRef {
    fn from(u: &TargetUser) -> Self {
        Self {
            id: u.id.clone(),
            user_principal_name: u.user_principal_name.clone(),
            display_name: u.display_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeAction {
    Add,
    Update,
    Remove,
    Enable,
    Disable,
    Set,
}

/// One write: what (a method, in words), how, before → after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeInfo {
    pub what: String,
    pub action: ChangeAction,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl From<&Change> for ChangeInfo {
    fn from(c: &Change) -> Self {
        Self {
            what: c.slot.label().into(),
            action: match c.action {
                Action::Add => ChangeAction::Add,
                Action::Update => ChangeAction::Update,
                Action::Remove => ChangeAction::Remove,
                Action::Enable => ChangeAction::Enable,
                Action::Disable => ChangeAction::Disable,
                Action::Set => ChangeAction::Set,
            },
            before: c.before.clone(),
            after: c.after.clone(),
        }
    }
}

/// One CSV line as previewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowInfo {
    pub line: usize,
    pub user_input: String,
    pub user: Option<UserRef>,
    pub outcome: Outcome,
    /// Something to write: the row can be ticked (and is by default).
    pub writes: bool,
    pub changes: Vec<ChangeInfo>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    /// Directory rows: the region national numbers were read in, and where it came from.
    pub region: Option<String>,
}

impl From<&RowPlan> for RowInfo {
    fn from(r: &RowPlan) -> Self {
        Self {
            line: r.line,
            user_input: r.user_input.clone(),
            user: r.user.as_ref().map(UserRef::from),
            outcome: r.status.into(),
            writes: r.writes(),
            changes: r.changes.iter().map(ChangeInfo::from).collect(),
            problems: r.problems.clone(),
            warnings: r.warnings.clone(),
            region: r.region.clone(),
        }
    }
}

/// The finished preview (its rows came through the channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewDone {
    /// Apply names this preview, so exactly the plan shown is applied.
    pub preview_id: u64,
    pub file: FileInfo,
    pub counts: CountsInfo,
}

#[cfg(test)]
mod tests;
