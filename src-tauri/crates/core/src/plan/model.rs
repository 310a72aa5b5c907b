//! The vocabulary of every plan: what is wanted for a user (`Desired`), the `Change`s that get
//! there, and the per-row `RowPlan` the admin previews and applies (`UserState` is in state.rs).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::graph::{PerUserMfaState, PreferredMethod};
use crate::phone::{PhoneNumber, PhoneType};

/// What a cell asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "want", content = "value")]
pub enum Want<T> {
    /// Leave the method as it is.
    #[default]
    Keep,
    Set(T),
    Remove,
}

impl<T> Want<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Want::Keep)
    }
}

/// A Temporary Access Pass to issue (the pass itself is never part of a plan or a journal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TapSpec {
    /// 10–43200 minutes, within the tenant's TAP policy.
    pub lifetime_minutes: u32,
    /// One-time use: the user must finish registering within 10 minutes of signing in with it.
    pub once: bool,
    /// When the pass becomes valid (None: at once).
    pub start: Option<DateTime<Utc>>,
    /// A pass created at or after this instant is this plan's own: resume and re-plans find it
    /// issued instead of issuing another.
    pub issued_after: DateTime<Utc>,
}

impl TapSpec {
    /// In words, for the preview and the journal ("60 min, one-time, from 2027-01-10 08:00 UTC").
    pub fn describe(&self) -> String {
        let once = if self.once { "one-time" } else { "multi-use" };
        let from = self
            .start
            .map(|s| format!(", from {}", s.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        format!("pass: {} min, {once}{from}", self.lifetime_minutes)
    }
}

/// Everything a row asks for, already validated and normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Desired {
    pub mobile: Want<PhoneNumber>,
    pub alternate_mobile: Want<PhoneNumber>,
    pub office: Want<PhoneNumber>,
    pub email: Want<String>,
    pub sms_sign_in: Option<bool>,
    pub default_method: Option<PreferredMethod>,
    /// The legacy per-user MFA state (beta `requirements`); `None` leaves it as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_user_mfa: Option<PerUserMfaState>,
    /// A Temporary Access Pass: issue one (replacing any other), delete the live one, or keep.
    #[serde(default, skip_serializing_if = "Want::is_keep")]
    pub tap: Want<TapSpec>,
    /// Replace numbers that already exist (false: existing numbers are kept).
    pub overwrite: bool,
    /// Undo only: each slot is restored only while it still holds what the run left there
    /// (see `guard.rs`); a slot changed since the run is left as it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only_if_left: Vec<Left>,
}

/// What a run left in a slot: the value of its last write there (`None`: removed / absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Left {
    pub slot: Slot,
    pub value: Option<String>,
}

impl Desired {
    /// Asks for nothing: every slot kept, numbers may be overwritten once a slot is set.
    pub fn keep_all() -> Self {
        Desired {
            mobile: Want::Keep,
            alternate_mobile: Want::Keep,
            office: Want::Keep,
            email: Want::Keep,
            sms_sign_in: None,
            default_method: None,
            per_user_mfa: None,
            tap: Want::Keep,
            overwrite: true,
            only_if_left: Vec::new(),
        }
    }

    pub fn phone(&self, t: PhoneType) -> &Want<PhoneNumber> {
        match t {
            PhoneType::Mobile => &self.mobile,
            PhoneType::AlternateMobile => &self.alternate_mobile,
            PhoneType::Office => &self.office,
        }
    }

    /// Planning it depends on the sign-in preferences: SMS sign-in, the default method, or a
    /// phone removal (a phone that is the default cannot be removed).
    pub fn needs_preferences(&self) -> bool {
        self.sms_sign_in.is_some()
            || self.default_method.is_some()
            || PhoneType::ALL
                .iter()
                .any(|t| matches!(self.phone(*t), Want::Remove))
    }

    pub fn is_empty(&self) -> bool {
        PhoneType::ALL.iter().all(|t| self.phone(*t).is_keep())
            && self.email.is_keep()
            && self.sms_sign_in.is_none()
            && self.default_method.is_none()
            && self.tap.is_keep()
            && self.per_user_mfa.is_none()
    }
}

/// One method slot a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Slot {
    Mobile,
    AlternateMobile,
    Office,
    Email,
    SmsSignIn,
    DefaultMethod,
    /// The user's Temporary Access Pass (its value in a journal is the pass's id, never the pass).
    Tap,
    /// Per-user MFA state (disabled / enabled / enforced).
    PerUserMfa,
}

impl Slot {
    pub fn phone(t: PhoneType) -> Slot {
        match t {
            PhoneType::Mobile => Slot::Mobile,
            PhoneType::AlternateMobile => Slot::AlternateMobile,
            PhoneType::Office => Slot::Office,
        }
    }

    pub fn phone_type(self) -> Option<PhoneType> {
        match self {
            Slot::Mobile => Some(PhoneType::Mobile),
            Slot::AlternateMobile => Some(PhoneType::AlternateMobile),
            Slot::Office => Some(PhoneType::Office),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Slot::Mobile => "mobile",
            Slot::AlternateMobile => "alternate mobile",
            Slot::Office => "office phone",
            Slot::Email => "email",
            Slot::SmsSignIn => "SMS sign-in",
            Slot::DefaultMethod => "default method",
            Slot::Tap => "Temporary Access Pass",
            Slot::PerUserMfa => "per-user MFA",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Add,
    Update,
    Remove,
    Enable,
    Disable,
    Set,
}

/// One write, with the value before (as Graph showed it: may be masked) and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub slot: Slot,
    pub action: Action,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The outcome of a row in the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RowStatus {
    Add,
    Update,
    Unchanged,
    Skipped,
    Invalid,
}

/// The user a row resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
}

/// One CSV row as previewed: exactly what will be written, or why nothing will.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowPlan {
    /// 1-based line in the file.
    pub line: usize,
    /// The user cell as written.
    pub user_input: String,
    pub user: Option<TargetUser>,
    pub status: RowStatus,
    pub changes: Vec<Change>,
    /// Why the row is invalid or skipped.
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    /// What the row asks for (kept so apply, resume and undo can re-plan).
    pub desired: Option<Desired>,
    /// A digest of the state the plan was made against; apply re-reads and compares.
    pub fingerprint: String,
    /// Directory rows: the region national numbers were read in, and where it came from
    /// (e.g. "DE (usageLocation)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl RowPlan {
    pub fn writes(&self) -> bool {
        matches!(self.status, RowStatus::Add | RowStatus::Update) && !self.changes.is_empty()
    }
}
