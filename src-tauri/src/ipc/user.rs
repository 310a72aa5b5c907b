//! The user panel's contract: one user's overview with the verdict of every action (here) and
//! what goes back and forth around a fix (`requests`). Converted from prestage-core's fixes
//! types so a core rename cannot change the JSON.

use prestage_core::fixes::{Registration, UserOverview, Verdict};
use prestage_core::graph::MethodKind;
use prestage_core::phone::PhoneType;
use prestage_core::plan::method_name;
use serde::{Deserialize, Serialize};

use super::IpcError;

mod requests;

pub use requests::{
    method_kind, AuditRow, EditRequest, OutcomeInfo, PhoneCheckInfo, TapInfo, TapRequestInfo,
    WrittenInfo,
};

/// The three phone slots, as the UI names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhoneSlot {
    Mobile,
    AlternateMobile,
    Office,
}

impl From<PhoneSlot> for PhoneType {
    fn from(s: PhoneSlot) -> Self {
        match s {
            PhoneSlot::Mobile => PhoneType::Mobile,
            PhoneSlot::AlternateMobile => PhoneType::AlternateMobile,
            PhoneSlot::Office => PhoneType::Office,
        }
    }
}

impl From<PhoneType> for PhoneSlot {
    fn from(t: PhoneType) -> Self {
        match t {
            PhoneType::Mobile => PhoneSlot::Mobile,
            PhoneType::AlternateMobile => PhoneSlot::AlternateMobile,
            PhoneType::Office => PhoneSlot::Office,
        }
    }
}

/// Allowed, or the sentence saying why not; warnings to show beside the control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerdictInfo {
    pub allowed: bool,
    pub reason: Option<String>,
    pub warnings: Vec<String>,
}

impl From<Verdict> for VerdictInfo {
    fn from(v: Verdict) -> Self {
        Self {
            allowed: v.allowed,
            reason: v.reason,
            warnings: v.warnings,
        }
    }
}

pub(super) fn text<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// `microsoftAuthenticator`, `fido2`, … (`unknown` for a type this version does not know).
pub fn kind_name(k: &MethodKind) -> String {
    text(k)
}

pub(super) fn kind_from_name(name: &str) -> Result<MethodKind, IpcError> {
    match MethodKind::from_odata_type(&format!("{name}AuthenticationMethod")) {
        MethodKind::Unknown(_) => Err(IpcError::invalid(
            Some("kind"),
            format!("'{name}' is not a method kind."),
        )),
        k => Ok(k),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodRow {
    pub kind: String,
    pub label: String,
    pub id: String,
    pub detail: String,
    /// RFC 3339.
    pub created: Option<String>,
    pub removable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneRow {
    pub phone_type: PhoneSlot,
    pub number: String,
    pub sms_sign_in_state: Option<String>,
    pub sms_sign_in_text: Option<String>,
    pub not_usable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneActionsInfo {
    pub phone_type: PhoneSlot,
    pub set: VerdictInfo,
    pub remove: VerdictInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultOptionInfo {
    /// The Graph value (`push`, `sms`, `voiceMobile`, …).
    pub method: String,
    pub label: String,
    pub verdict: VerdictInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionsInfo {
    pub write: VerdictInfo,
    pub phones: Vec<PhoneActionsInfo>,
    pub set_email: VerdictInfo,
    pub remove_email: VerdictInfo,
    pub enable_sms_sign_in: VerdictInfo,
    pub disable_sms_sign_in: VerdictInfo,
    pub default_methods: Vec<DefaultOptionInfo>,
    pub issue_tap: VerdictInfo,
    pub remove_methods: VerdictInfo,
    pub reregister: VerdictInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationInfo {
    /// False when the role may not read the report (or it failed): `reason` says why.
    pub available: bool,
    pub reason: Option<String>,
    pub mfa_registered: Option<bool>,
    pub mfa_capable: Option<bool>,
    pub sspr_registered: Option<bool>,
    pub methods_registered: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TapPolicyInfo {
    pub default_lifetime_minutes: u32,
    pub minimum_lifetime_minutes: u32,
    pub maximum_lifetime_minutes: u32,
    pub one_time_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptInfo {
    pub what: String,
    pub reason: String,
}

/// One user's methods at a glance and what may be done about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDetail {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub mail: Option<String>,
    pub account_enabled: Option<bool>,
    pub guest: bool,
    pub synced: bool,
    pub roles: Vec<String>,
    pub methods: Vec<MethodRow>,
    pub phones: Vec<PhoneRow>,
    pub email: Option<String>,
    pub default_method: Option<String>,
    pub default_method_label: Option<String>,
    pub default_method_note: Option<String>,
    pub registration: RegistrationInfo,
    pub profile_mobile: Option<String>,
    pub profile_business: Vec<String>,
    /// The profile mobile in Graph's form, when it can become the authentication mobile.
    pub profile_mobile_as_auth: Option<String>,
    pub actions: ActionsInfo,
    pub hints: Vec<String>,
    pub masked_numbers: bool,
    pub default_region: Option<String>,
    pub tap_policy: Option<TapPolicyInfo>,
    pub reregister_steps: Vec<String>,
    pub reregister_kept: Vec<KeptInfo>,
}

impl From<UserOverview> for UserDetail {
    fn from(o: UserOverview) -> Self {
        let a = o.actions;
        let registration = match o.registration {
            Registration::Available {
                mfa_registered,
                mfa_capable,
                sspr_registered,
                methods_registered,
                ..
            } => RegistrationInfo {
                available: true,
                reason: None,
                mfa_registered,
                mfa_capable,
                sspr_registered,
                methods_registered,
            },
            Registration::NotAvailable { reason } => RegistrationInfo {
                available: false,
                reason: Some(reason),
                mfa_registered: None,
                mfa_capable: None,
                sspr_registered: None,
                methods_registered: Vec::new(),
            },
        };
        Self {
            id: o.user.id,
            display_name: o.user.display_name,
            user_principal_name: o.user.user_principal_name,
            mail: o.user.mail,
            account_enabled: o.user.account_enabled,
            guest: o.user.guest,
            synced: o.user.synced,
            roles: o.roles,
            methods: o
                .methods
                .into_iter()
                .map(|m| MethodRow {
                    kind: kind_name(&m.kind),
                    label: m.label,
                    id: m.id,
                    detail: m.detail,
                    created: m.created.map(|c| c.to_rfc3339()),
                    removable: m.removable,
                })
                .collect(),
            phones: o
                .phones
                .into_iter()
                .map(|p| PhoneRow {
                    phone_type: p.phone_type.into(),
                    number: p.number,
                    sms_sign_in_state: p.sms_sign_in_state.map(text),
                    sms_sign_in_text: p.sms_sign_in_text,
                    not_usable: p.not_usable,
                })
                .collect(),
            email: o.email,
            default_method: o.default_method.method.map(method_name),
            default_method_label: o.default_method.label,
            default_method_note: o.default_method.note,
            registration,
            profile_mobile: o.profile.mobile_phone,
            profile_business: o.profile.business_phones,
            profile_mobile_as_auth: o.profile.mobile_as_auth,
            actions: ActionsInfo {
                write: a.write.into(),
                phones: a
                    .phones
                    .into_iter()
                    .map(|p| PhoneActionsInfo {
                        phone_type: p.phone_type.into(),
                        set: p.set.into(),
                        remove: p.remove.into(),
                    })
                    .collect(),
                set_email: a.set_email.into(),
                remove_email: a.remove_email.into(),
                enable_sms_sign_in: a.enable_sms_sign_in.into(),
                disable_sms_sign_in: a.disable_sms_sign_in.into(),
                default_methods: a
                    .default_methods
                    .into_iter()
                    .map(|d| DefaultOptionInfo {
                        method: d.name,
                        label: d.label,
                        verdict: d.verdict.into(),
                    })
                    .collect(),
                issue_tap: a.issue_tap.into(),
                remove_methods: a.remove_methods.into(),
                reregister: a.reregister.into(),
            },
            hints: o.hints,
            masked_numbers: o.masked_numbers,
            default_region: o.default_region,
            tap_policy: o.tap_policy.map(|t| TapPolicyInfo {
                default_lifetime_minutes: t.default_lifetime_minutes,
                minimum_lifetime_minutes: t.minimum_lifetime_minutes,
                maximum_lifetime_minutes: t.maximum_lifetime_minutes,
                one_time_only: t.one_time_only,
            }),
            reregister_steps: o.reregistration.steps.iter().map(|s| s.what()).collect(),
            reregister_kept: o
                .reregistration
                .kept
                .into_iter()
                .map(|k| KeptInfo {
                    what: k.what,
                    reason: k.reason,
                })
                .collect(),
        }
    }
}
