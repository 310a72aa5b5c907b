//! The pre-flight verdict of every action the fix screen offers, computed by running each
//! would-be edit through `preflight_edit` (the role check and the bulk engine's `diff`) against
//! the user as just read — so the screen can disable a button and say why before the click.

use serde::Serialize;

use super::edit::{default_label, default_name, preflight_edit, Edit};
use super::kinds::removable;
use super::ReregPlan;
use crate::graph::{AuthMethod, MethodKind, PhoneMethod, PreferredMethod, SignInPreferences, User};
use crate::phone::PhoneType;
use crate::plan::{Actor, TargetUser, UserState};
use crate::roles::Role;

/// Can the action be taken, and if not, why (a sentence); warnings worth seeing first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub allowed: bool,
    pub reason: Option<String>,
    pub warnings: Vec<String>,
}

impl Verdict {
    pub fn yes() -> Self {
        Self {
            allowed: true,
            ..Self::default()
        }
    }
    pub fn no(reason: impl Into<String>) -> Self {
        Self {
            allowed: false,
            reason: Some(reason.into()),
            warnings: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneActions {
    pub phone_type: PhoneType,
    /// Add (or change, when the user has this phone).
    pub set: Verdict,
    pub remove: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultOption {
    pub method: PreferredMethod,
    /// The Graph value, e.g. `voiceMobile`.
    pub name: String,
    pub label: String,
    pub verdict: Verdict,
}

/// The pre-flight verdict of every action the screen offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Actions {
    /// Changing this user at all (self-edit, role vs target, read-only role).
    pub write: Verdict,
    pub phones: Vec<PhoneActions>,
    pub set_email: Verdict,
    pub remove_email: Verdict,
    pub enable_sms_sign_in: Verdict,
    pub disable_sms_sign_in: Verdict,
    pub default_methods: Vec<DefaultOption>,
    pub issue_tap: Verdict,
    pub remove_methods: Verdict,
    pub reregister: Verdict,
}

/// The bulk engine's view of the user, from what the overview read.
pub(crate) fn state_of(
    user: &User,
    methods: &[AuthMethod],
    roles: Vec<Role>,
    preferences: SignInPreferences,
) -> UserState {
    let phones: Vec<PhoneMethod> = methods
        .iter()
        .filter(|m| m.kind == MethodKind::Phone)
        .filter_map(|m| serde_json::from_value(m.properties.clone().into()).ok())
        .collect();
    let email = methods
        .iter()
        .find(|m| m.kind == MethodKind::Email)
        .and_then(|m| m.str_prop("emailAddress").map(str::to_string));
    let has = |k: MethodKind| methods.iter().any(|m| m.kind == k);
    let (mut tap, mut registered) = (None, Vec::new());
    for m in methods {
        crate::plan::note_method(&m.kind, m.created, &m.properties, &mut tap, &mut registered);
    }
    UserState {
        user: TargetUser {
            id: user.id.clone(),
            user_principal_name: user.user_principal_name.clone().unwrap_or_default(),
            display_name: user.display_name.clone().unwrap_or_default(),
        },
        mail: user.mail.clone(),
        account_enabled: user.account_enabled.unwrap_or(true),
        guest: user
            .user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("guest")),
        phones,
        email,
        has_authenticator: has(MethodKind::MicrosoftAuthenticator),
        has_software_oath: has(MethodKind::SoftwareOath),
        preferences,
        roles,
        other_mfa: Some(methods.iter().any(|m| m.kind.is_mfa_besides_phone())),
        per_user_mfa: None,
        tap,
        registered,
    }
}

/// The verdict of `edit` on `state`: blocked with the first problem, or allowed with warnings.
fn verdict(edit: Edit, state: &UserState, actor: &Actor<'_>, nothing: &str) -> Verdict {
    let Ok(desired) = edit.desired(None) else {
        return Verdict::no("Not a valid value.");
    };
    let p = preflight_edit(&desired, state, actor);
    if let Some(first) = p.problems.first() {
        return Verdict::no(first.clone());
    }
    if p.changes.is_empty() && !nothing.is_empty() {
        return Verdict::no(nothing);
    }
    Verdict {
        allowed: true,
        reason: None,
        warnings: p.warnings,
    }
}

const DEFAULTS: [PreferredMethod; 6] = [
    PreferredMethod::Push,
    PreferredMethod::Oath,
    PreferredMethod::Sms,
    PreferredMethod::VoiceMobile,
    PreferredMethod::VoiceAlternateMobile,
    PreferredMethod::VoiceOffice,
];

pub(crate) fn actions(
    state: &UserState,
    actor: &Actor<'_>,
    methods: &[AuthMethod],
    rereg: &ReregPlan,
) -> Actions {
    let write = match actor
        .powers
        .check_write(&state.roles, state.user.id == actor.my_id)
    {
        Ok(()) => Verdict::yes(),
        Err(r) => Verdict::no(r.to_string()),
    };
    let gate = |v: Verdict| if write.allowed { v } else { write.clone() };
    let phones = PhoneType::ALL
        .iter()
        .map(|t| {
            // Any valid number: the slot rules do not depend on which.
            let sample = if *t == PhoneType::Office {
                "+1 4255550100"
            } else {
                "+1 2065550100"
            };
            let set = Edit::SetPhone {
                phone_type: *t,
                input: sample.into(),
            };
            let remove = if state.phone(*t).is_some() {
                verdict(Edit::RemovePhone { phone_type: *t }, state, actor, "")
            } else {
                Verdict::no("There is no such phone to remove.")
            };
            PhoneActions {
                phone_type: *t,
                set: gate(verdict(set, state, actor, "")),
                remove: gate(remove),
            }
        })
        .collect();
    let set_email = Edit::SetEmail {
        address: "check@example.org".into(),
    };
    let sms_on = verdict(
        Edit::SmsSignIn { enabled: true },
        state,
        actor,
        "SMS sign-in is already on.",
    );
    let sms_off = verdict(
        Edit::SmsSignIn { enabled: false },
        state,
        actor,
        "SMS sign-in is not on.",
    );
    let default_methods = DEFAULTS
        .iter()
        .map(|m| DefaultOption {
            method: *m,
            name: default_name(*m),
            label: default_label(*m).to_string(),
            verdict: gate(verdict(
                Edit::DefaultMethod { method: *m },
                state,
                actor,
                "This is already the default method.",
            )),
        })
        .collect();
    let has_tap_target = methods.iter().any(|m| removable(&m.kind));
    Actions {
        phones,
        set_email: gate(verdict(set_email, state, actor, "")),
        remove_email: gate(if state.email.is_some() {
            verdict(Edit::RemoveEmail, state, actor, "")
        } else {
            Verdict::no("There is no email method to remove.")
        }),
        enable_sms_sign_in: gate(sms_on),
        disable_sms_sign_in: gate(sms_off),
        default_methods,
        issue_tap: write.clone(),
        remove_methods: gate(if has_tap_target {
            Verdict::yes()
        } else {
            Verdict::no("This user has no Authenticator, FIDO2, OATH, TAP or Windows Hello method.")
        }),
        reregister: gate(if let Some(why) = rereg.nothing_to_do() {
            Verdict::no(why)
        } else {
            Verdict {
                allowed: true,
                reason: None,
                warnings: rereg
                    .kept
                    .iter()
                    .map(|k| format!("{} stays: {}", k.what, k.reason))
                    .collect(),
            }
        }),
        write,
    }
}
