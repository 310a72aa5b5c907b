//! What the user panel sends and gets back around a fix: a phone's live check, an edit request,
//! a fix's outcome, a Temporary Access Pass (shown once) and audit lines.

use prestage_core::audit::AuditEntry;
use prestage_core::fixes::{Edit, FixError, IssuedTap, Outcome, PhoneCheck, TapChoice};
use prestage_core::graph::{MethodKind, PreferredMethod};
use prestage_core::plan::parse_default_method;
use serde::{Deserialize, Serialize};

use super::{kind_from_name, text, KeptInfo, PhoneSlot};
use crate::ipc::IpcError;

/// What a phone editor will send, live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneCheckInfo {
    pub number: Option<String>,
    /// `mobile`, `fixedLine`, `fixedLineOrMobile`, `other`.
    pub kind: Option<String>,
    pub region: Option<String>,
    pub repairs: Vec<String>,
    pub warnings: Vec<String>,
    pub problem: Option<String>,
}

impl From<PhoneCheck> for PhoneCheckInfo {
    fn from(c: PhoneCheck) -> Self {
        Self {
            number: c.number,
            kind: c.kind.map(text),
            region: c.region,
            repairs: c.repairs,
            warnings: c.warnings,
            problem: c.problem,
        }
    }
}

/// One edit, as the UI asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EditRequest {
    SetPhone {
        phone_type: PhoneSlot,
        input: String,
    },
    RemovePhone {
        phone_type: PhoneSlot,
    },
    SetEmail {
        address: String,
    },
    RemoveEmail,
    SmsSignIn {
        enabled: bool,
    },
    DefaultMethod {
        method: String,
    },
}

impl TryFrom<EditRequest> for Edit {
    type Error = IpcError;
    fn try_from(r: EditRequest) -> Result<Self, IpcError> {
        Ok(match r {
            EditRequest::SetPhone { phone_type, input } => Edit::SetPhone {
                phone_type: phone_type.into(),
                input,
            },
            EditRequest::RemovePhone { phone_type } => Edit::RemovePhone {
                phone_type: phone_type.into(),
            },
            EditRequest::SetEmail { address } => Edit::SetEmail { address },
            EditRequest::RemoveEmail => Edit::RemoveEmail,
            EditRequest::SmsSignIn { enabled } => Edit::SmsSignIn { enabled },
            EditRequest::DefaultMethod { method } => {
                let method: PreferredMethod = parse_default_method(&method).ok_or_else(|| {
                    IpcError::invalid(
                        Some("method"),
                        format!("'{method}' is not a default method."),
                    )
                })?;
                Edit::DefaultMethod { method }
            }
        })
    }
}

/// What the TAP dialog asks for; `None` takes the tenant policy's default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TapRequestInfo {
    pub lifetime_minutes: Option<u32>,
    pub one_time: Option<bool>,
    /// When the pass becomes usable, RFC 3339 (`null`: now).
    pub start: Option<String>,
}

impl TryFrom<TapRequestInfo> for TapChoice {
    type Error = IpcError;
    fn try_from(r: TapRequestInfo) -> Result<Self, IpcError> {
        let start = match r.start {
            Some(text) => Some(
                serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|_| {
                    IpcError::invalid(Some("start"), format!("'{text}' is not a start time."))
                })?,
            ),
            None => None,
        };
        Ok(TapChoice {
            lifetime_minutes: r.lifetime_minutes,
            one_time: r.one_time,
            start,
        })
    }
}

/// A method to remove, by kind name and id.
pub fn method_kind(name: &str) -> Result<MethodKind, IpcError> {
    kind_from_name(name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WrittenInfo {
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    pub note: Option<String>,
}

/// What a fix did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeInfo {
    pub written: Vec<WrittenInfo>,
    pub warnings: Vec<String>,
    pub kept: Vec<KeptInfo>,
    pub failed: Option<String>,
}

impl From<Outcome> for OutcomeInfo {
    fn from(o: Outcome) -> Self {
        Self {
            written: o
                .written
                .into_iter()
                .map(|w| WrittenInfo {
                    what: w.what,
                    before: w.before,
                    after: w.after,
                    request_id: w.request_id,
                    note: w.note,
                })
                .collect(),
            warnings: o.warnings,
            kept: o
                .kept
                .into_iter()
                .map(|k| KeptInfo {
                    what: k.what,
                    reason: k.reason,
                })
                .collect(),
            failed: o.failed,
        }
    }
}

/// A Temporary Access Pass just issued. `pass` crosses to the webview once, to be shown once.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TapInfo {
    pub pass: String,
    pub user_principal_name: String,
    pub start: Option<String>,
    pub lifetime_minutes: Option<u32>,
    pub one_time: Option<bool>,
}

impl std::fmt::Debug for TapInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TapInfo")
            .field("lifetime_minutes", &self.lifetime_minutes)
            .finish_non_exhaustive()
    }
}

impl From<IssuedTap> for TapInfo {
    fn from(i: IssuedTap) -> Self {
        let t = &i.tap;
        Self {
            pass: t.reveal_pass().unwrap_or_default().to_string(),
            user_principal_name: i.user_principal_name.clone(),
            start: t.start_date_time.map(|s| s.to_rfc3339()),
            lifetime_minutes: t.lifetime_in_minutes,
            one_time: t.is_usable_once,
        }
    }
}

/// One audit line (numbers already masked on disk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRow {
    pub time: String,
    pub admin: String,
    pub user: String,
    pub method: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ok: bool,
    pub error: Option<String>,
    pub request_id: Option<String>,
}

impl From<AuditEntry> for AuditRow {
    fn from(e: AuditEntry) -> Self {
        Self {
            time: e.time.to_rfc3339(),
            admin: e.admin,
            user: e.user,
            method: e.method,
            action: e.action,
            before: e.before,
            after: e.after,
            ok: e.ok,
            error: e.error,
            request_id: e.request_id,
        }
    }
}

impl From<FixError> for IpcError {
    fn from(e: FixError) -> Self {
        match e {
            FixError::Graph(g) => g.into(),
            FixError::Refused(why) => IpcError::refused(why),
            FixError::Invalid(why) => IpcError::invalid(None, why),
            other => IpcError::internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kind_name;
    use super::*;
    use prestage_core::phone::PhoneType;
    use serde_json::json;

    #[test]
    fn edit_requests_and_outcomes_are_pinned() {
        let r: EditRequest = serde_json::from_value(
            json!({"action": "setPhone", "phoneType": "alternateMobile", "input": "0151 2345"}),
        )
        .unwrap();
        assert_eq!(
            Edit::try_from(r).unwrap(),
            Edit::SetPhone {
                phone_type: PhoneType::AlternateMobile,
                input: "0151 2345".into()
            }
        );
        let r: EditRequest =
            serde_json::from_value(json!({"action": "defaultMethod", "method": "voiceMobile"}))
                .unwrap();
        assert_eq!(
            Edit::try_from(r).unwrap(),
            Edit::DefaultMethod {
                method: PreferredMethod::VoiceMobile
            }
        );
        let r: EditRequest =
            serde_json::from_value(json!({"action": "smsSignIn", "enabled": true})).unwrap();
        assert_eq!(
            Edit::try_from(r).unwrap(),
            Edit::SmsSignIn { enabled: true }
        );
        assert_eq!(
            kind_name(&method_kind("microsoftAuthenticator").unwrap()),
            "microsoftAuthenticator"
        );
        assert!(method_kind("nonsense").is_err());
        let o = OutcomeInfo::from(Outcome {
            failed: Some("no".into()),
            ..Outcome::default()
        });
        assert_eq!(
            serde_json::to_value(o).unwrap(),
            json!({"written": [], "warnings": [], "kept": [], "failed": "no"})
        );
        assert_eq!(
            IpcError::from(FixError::Refused("why".into())),
            IpcError::refused("why")
        );
        assert_eq!(
            serde_json::to_value(IpcError::from(FixError::Invalid("not a number".into()))).unwrap(),
            json!({"kind": "invalidInput", "field": null, "message": "not a number"})
        );
        let tap: TapRequestInfo = serde_json::from_value(
            json!({"lifetimeMinutes": 90, "oneTime": true, "start": "2026-12-01T08:00:00.000Z"}),
        )
        .unwrap();
        let choice = TapChoice::try_from(tap).unwrap();
        assert_eq!(
            (choice.lifetime_minutes, choice.one_time),
            (Some(90), Some(true))
        );
        assert_eq!(
            choice.start.map(|s| s.to_rfc3339()).as_deref(),
            Some("2026-12-01T08:00:00+00:00")
        );
        let bad: TapRequestInfo = serde_json::from_value(json!({"start": "tomorrow"})).unwrap();
        assert!(TapChoice::try_from(bad).is_err());
    }
}
