//! Everything about one user the fix screen shows, read in parallel: the user, every method,
//! phones with their SMS sign-in state in words, email, default method, MFA registration (when
//! the role may read the report), profile phones, the user's roles — and, for every action the
//! screen offers, the pre-flight verdict, so a refusal is explained before the click.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::edit::default_label;
use super::kinds::{kind_label, removable};
use super::policy_hints::{phone_hints, sms_policy_reason};
use super::tap::{tap_policy, TapPolicy};
use super::verdicts::{actions, state_of, Actions};
use super::{reregistration_plan, FixError, ReregPlan};
use crate::graph::{AuthMethod, GraphClient, MethodKind, PreferredMethod, SmsSignInState};
use crate::phone::PhoneType;
use crate::plan::Actor;
use crate::roles::Role;
use crate::session::Session;

/// The user as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub mail: Option<String>,
    pub account_enabled: Option<bool>,
    pub guest: bool,
    pub synced: bool,
}

/// One registered method.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodView {
    pub kind: MethodKind,
    /// "Microsoft Authenticator", "FIDO2 security key", …
    pub label: String,
    pub id: String,
    /// Number (masked where Graph masks it), address, device or key name.
    pub detail: String,
    pub created: Option<DateTime<Utc>>,
    /// Removed by kind and id on this screen (Authenticator, FIDO2, software OATH, TAP, WHfB).
    pub removable: bool,
}

/// One authentication phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneView {
    pub phone_type: PhoneType,
    /// As Graph returned it (masked for roles that see masked numbers).
    pub number: String,
    pub sms_sign_in_state: Option<SmsSignInState>,
    pub sms_sign_in_text: Option<String>,
    /// Registered but not usable by the tenant's policy, in words.
    pub not_usable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultMethodView {
    pub method: Option<PreferredMethod>,
    pub label: Option<String>,
    pub system_preferred: Option<bool>,
    /// Said when system-preferred MFA overrides the user's default.
    pub note: Option<String>,
}

/// MFA registration from the registration details report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Registration {
    Available {
        mfa_registered: Option<bool>,
        mfa_capable: Option<bool>,
        sspr_registered: Option<bool>,
        passwordless_capable: Option<bool>,
        methods_registered: Vec<String>,
        last_updated: Option<DateTime<Utc>>,
    },
    NotAvailable {
        reason: String,
    },
}

/// The directory profile's phones (contact info, not authentication methods).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePhones {
    pub mobile_phone: Option<String>,
    pub business_phones: Vec<String>,
    /// The profile mobile in Graph's form, when it could become the authentication mobile.
    pub mobile_as_auth: Option<String>,
}

/// One user's methods at a glance, with the verdict of every action.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOverview {
    pub user: UserSummary,
    pub methods: Vec<MethodView>,
    pub phones: Vec<PhoneView>,
    pub email: Option<String>,
    pub default_method: DefaultMethodView,
    pub registration: Registration,
    pub profile: ProfilePhones,
    pub roles: Vec<String>,
    pub actions: Actions,
    pub hints: Vec<String>,
    /// The signed-in role sees other users' numbers masked.
    pub masked_numbers: bool,
    /// The region national numbers are read in (the tenant's country).
    pub default_region: Option<String>,
    pub tap_policy: Option<TapPolicy>,
    pub reregistration: ReregPlan,
}

fn registration(
    result: Option<Result<crate::graph::UserRegistrationDetails, crate::GraphError>>,
) -> Registration {
    match result {
        None => Registration::NotAvailable {
            reason: "Not available to your role: the registration report needs Global Administrator, Global Reader, Reports Reader or Security Reader.".into(),
        },
        Some(Err(e)) => Registration::NotAvailable {
            reason: format!("The registration report could not be read: {}", e.message()),
        },
        Some(Ok(r)) => Registration::Available {
            mfa_registered: r.is_mfa_registered,
            mfa_capable: r.is_mfa_capable,
            sspr_registered: r.is_sspr_registered,
            passwordless_capable: r.is_passwordless_capable,
            methods_registered: r.methods_registered,
            last_updated: r.last_updated_date_time,
        },
    }
}

/// Reads everything about `user` (object id or UPN) that the fix screen shows.
pub async fn user_overview(session: &Session, user: &str) -> Result<UserOverview, FixError> {
    let graph: &GraphClient = session.graph();
    let powers = session.powers();
    let id = if user.contains('@') {
        graph.get_user(user).await?.id
    } else {
        user.to_string()
    };
    let reads_report = powers.reads_registration_report();
    let report = async {
        if reads_report {
            Some(graph.registration_details_of(&id).await)
        } else {
            None
        }
    };
    let (u, methods, member_of, prefs, report, sms, voice, tap, org) = tokio::join!(
        graph.get_user(&id),
        graph.list_methods(&id),
        graph.member_of(&id),
        graph.sign_in_preferences(&id),
        report,
        graph.sms_configuration(),
        graph.voice_configuration(),
        tap_policy(graph),
        graph.organization(),
    );
    let (u, methods, member_of, prefs) = (u?, methods?, member_of?, prefs?);
    let roles: Vec<Role> = member_of
        .iter()
        .filter_map(Role::from_directory_object)
        .collect();
    let state = state_of(&u, &methods, roles.clone(), prefs.clone());
    let actor = Actor {
        powers,
        my_id: &session.account().id,
    };
    let rereg = reregistration_plan(&methods, &prefs);
    let mut actions = actions(&state, &actor, &methods, &rereg);
    let (sms, voice) = (sms.ok(), voice.ok());
    let mobile_state = state
        .phone(PhoneType::Mobile)
        .and_then(|p| p.sms_sign_in_state);
    if mobile_state == Some(SmsSignInState::NotAllowedByPolicy)
        && !actions.enable_sms_sign_in.allowed
    {
        if let Some(why) = sms_policy_reason(graph, sms.as_ref(), &member_of, &id).await {
            actions.enable_sms_sign_in.reason =
                Some(format!("SMS sign-in cannot be turned on: {why}"));
        }
    }
    let phones = state
        .phones
        .iter()
        .filter_map(|p| {
            Some(PhoneView {
                phone_type: p.phone_type?,
                number: p.phone_number.clone(),
                sms_sign_in_state: p.sms_sign_in_state,
                sms_sign_in_text: p.sms_sign_in_state.map(|s| s.explain().to_string()),
                not_usable: phone_hints(p, sms.as_ref(), voice.as_ref(), &member_of, &id),
            })
        })
        .collect();
    let default_region = org.ok().and_then(|o| o.country_letter_code);
    let mobile_as_auth = u.mobile_phone.as_deref().and_then(|m| {
        super::check_phone(m, default_region.as_deref(), Some(PhoneType::Mobile)).sendable()
    });
    let system = prefs.is_system_preferred_authentication_method_enabled;
    let preferred = prefs.user_preferred_method_for_secondary_authentication;
    let mut hints = Vec::new();
    let mfa: Vec<&AuthMethod> = methods.iter().filter(|m| m.kind.is_mfa()).collect();
    if !mfa.is_empty() && mfa.iter().all(|m| m.kind == MethodKind::Phone) {
        hints.push("Phones are this user's only MFA methods. Microsoft-provided SMS and voice are being retired (February 2027) unless the tenant has a telephony provider: consider a Temporary Access Pass and a passkey or Authenticator.".into());
    }
    if state.guest {
        hints.push("This is a guest account: SMS sign-in is not available to B2B users.".into());
    }
    if u.account_enabled == Some(false) {
        hints.push("The account is disabled: the user cannot sign in until it is enabled.".into());
    }
    Ok(UserOverview {
        user: UserSummary {
            display_name: u.display_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| state.user.user_principal_name.clone()),
            user_principal_name: state.user.user_principal_name.clone(),
            mail: u.mail.clone(),
            account_enabled: u.account_enabled,
            guest: state.guest,
            synced: u.on_premises_sync_enabled == Some(true),
            id: u.id.clone(),
        },
        methods: methods
            .iter()
            .map(|m| MethodView {
                label: kind_label(&m.kind),
                id: m.id.clone(),
                detail: m.detail(),
                created: m.created,
                removable: removable(&m.kind),
                kind: m.kind.clone(),
            })
            .collect(),
        phones,
        email: state.email.clone(),
        default_method: DefaultMethodView {
            method: preferred,
            label: preferred.map(|m| default_label(m).to_string()),
            system_preferred: system,
            note: (system == Some(true)).then(|| "System-preferred MFA is on: at sign-in Entra asks for the strongest method the user has registered, and this default applies only to the NPS extension and AD FS.".to_string()),
        },
        registration: registration(report),
        profile: ProfilePhones {
            mobile_phone: u.mobile_phone.clone(),
            business_phones: u.business_phones.clone(),
            mobile_as_auth: mobile_as_auth.map(|n| n.as_str().to_string()),
        },
        roles: roles.iter().map(|r| r.name().to_string()).collect(),
        actions,
        hints,
        masked_numbers: powers.sees_masked_numbers(),
        default_region,
        tap_policy: tap.ok(),
        reregistration: rereg,
    })
}
