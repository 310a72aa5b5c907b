//! Per-user MFA in the user panel: the state with the tenant's setup and the picker's choices,
//! and what a set did. Converted from the core's types so a rename there cannot change the UI's
//! contract.

use prestage_core::mfa_state::{Fit, MfaStateChange, MfaStateError, MfaStateView};
use serde::Serialize;

use super::IpcError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaChoiceInfo {
    /// disabled | enabled | enforced
    pub state: String,
    pub allowed: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaStateInfo {
    pub state: String,
    /// Has an MFA method registered (`None`: not readable with this role).
    pub registered: Option<bool>,
    pub security_defaults: Option<bool>,
    pub mfa_policies: Option<Vec<String>>,
    /// fits | wrongTool | unknown
    pub fit: String,
    pub advice: String,
    pub cannot_change: Option<String>,
    pub choices: Vec<MfaChoiceInfo>,
}

impl From<MfaStateView> for MfaStateInfo {
    fn from(v: MfaStateView) -> Self {
        Self {
            state: v.state.to_string(),
            registered: v.registered,
            security_defaults: v.tenant.security_defaults,
            mfa_policies: v.tenant.mfa_policies,
            fit: match v.tenant.fit {
                Fit::Fits => "fits",
                Fit::WrongTool => "wrongTool",
                Fit::Unknown => "unknown",
            }
            .into(),
            advice: v.tenant.advice,
            cannot_change: v.cannot_change,
            choices: v
                .choices
                .into_iter()
                .map(|c| MfaChoiceInfo {
                    state: c.state.to_string(),
                    allowed: c.refusal.is_none(),
                    reason: c.refusal,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaChangeInfo {
    pub before: String,
    pub after: String,
    pub request_id: Option<String>,
    /// The write permission was asked for just now.
    pub consent_asked: bool,
    pub warnings: Vec<String>,
}

impl From<MfaStateChange> for MfaChangeInfo {
    fn from(c: MfaStateChange) -> Self {
        Self {
            before: c.before.to_string(),
            after: c.after.to_string(),
            request_id: c.request_id,
            consent_asked: c.consent_asked,
            warnings: c.warnings,
        }
    }
}

impl From<MfaStateError> for IpcError {
    fn from(e: MfaStateError) -> Self {
        match e {
            MfaStateError::Refused(r) => IpcError::refused(r.to_string()),
            MfaStateError::NotRegistered(why) => IpcError::refused(why),
            MfaStateError::Core(c) => c.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prestage_core::roles::Refusal;

    #[test]
    fn refusals_are_notices_not_faults() {
        let e: IpcError = MfaStateError::Refused(Refusal::MfaStateSelf).into();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "refused");
        assert!(json["message"]
            .as_str()
            .unwrap()
            .contains("your own per-user MFA"));
        let e: IpcError = MfaStateError::NotRegistered("x has no MFA method".into()).into();
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "refused");
    }
}
