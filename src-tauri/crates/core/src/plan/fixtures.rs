//! Test-only builders shared by the planning rules' unit tests (and the import's).

use crate::graph::{PhoneMethod, PreferredMethod, SignInPreferences, SmsSignInState};
use crate::phone::{PhoneNumber, PhoneType};

use super::model::{Desired, TargetUser};
use super::state::UserState;

pub(crate) fn n(s: &str) -> PhoneNumber {
    PhoneNumber::parse_graph(s).unwrap()
}

pub(crate) fn phone(t: PhoneType, number: &str) -> PhoneMethod {
    PhoneMethod {
        id: t.method_id().into(),
        phone_number: number.into(),
        phone_type: Some(t),
        sms_sign_in_state: Some(SmsSignInState::NotEnabled),
    }
}

/// User `u@x.example` (id `u`, mail `u.mail@x.example`), enabled, member, no roles.
pub(crate) fn state(phones: Vec<PhoneMethod>, default: Option<PreferredMethod>) -> UserState {
    UserState {
        user: TargetUser {
            id: "u".into(),
            user_principal_name: "u@x.example".into(),
            display_name: "U".into(),
        },
        mail: Some("u.mail@x.example".into()),
        account_enabled: true,
        guest: false,
        phones,
        email: None,
        has_authenticator: false,
        has_software_oath: false,
        preferences: SignInPreferences {
            is_system_preferred_authentication_method_enabled: Some(false),
            user_preferred_method_for_secondary_authentication: default,
        },
        roles: vec![],
        other_mfa: Some(false),
        per_user_mfa: Some(crate::graph::PerUserMfaState::Disabled),
        tap: None,
        registered: vec![],
    }
}

pub(crate) fn keep_all() -> Desired {
    Desired::keep_all()
}
