//! The tenant's access policies as data: Conditional Access policies, the built-in authentication
//! strengths, security defaults and the sign-in log they leave. Only what decides whether a user
//! is asked to register is modelled: user/group/role conditions, built-in grant controls, the
//! strength. Served read-only by `access_api`; this file knows nothing of requests.

use chrono::{DateTime, Utc};

/// One authentication strength (`authenticationStrengthPolicy`).
#[derive(Clone, Debug)]
pub(crate) struct Strength {
    pub id: &'static str,
    pub display_name: &'static str,
    pub description: &'static str,
    pub allowed: &'static [&'static str],
}

/// The built-in strengths, ids and combinations as the v1.0 docs list them
/// (`authenticationstrengthroot-list-policies.md`).
pub(crate) const BUILT_IN_STRENGTHS: [Strength; 3] = [
    Strength {
        id: "00000000-0000-0000-0000-000000000002",
        display_name: "Multifactor authentication",
        description: "Combinations of methods that satisfy strong authentication, such as a password + SMS",
        allowed: &[
            "windowsHelloForBusiness",
            "fido2",
            "x509CertificateMultiFactor",
            "deviceBasedPush",
            "temporaryAccessPassOneTime",
            "temporaryAccessPassMultiUse",
            "password,microsoftAuthenticatorPush",
            "password,softwareOath",
            "password,hardwareOath",
            "password,x509CertificateSingleFactor",
            "password,x509CertificateMultiFactor",
            "password,sms",
            "password,voice",
            "federatedMultiFactor",
            "microsoftAuthenticatorPush,federatedSingleFactor",
            "softwareOath,federatedSingleFactor",
            "hardwareOath,federatedSingleFactor",
            "sms,federatedSingleFactor",
            "voice,federatedSingleFactor",
        ],
    },
    Strength {
        id: "00000000-0000-0000-0000-000000000003",
        display_name: "Passwordless MFA",
        description: "Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator",
        allowed: &[
            "windowsHelloForBusiness",
            "fido2",
            "x509CertificateMultiFactor",
            "deviceBasedPush",
        ],
    },
    Strength {
        id: "00000000-0000-0000-0000-000000000004",
        display_name: "Phishing resistant MFA",
        description: "Phishing resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key",
        allowed: &["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
    },
];

pub(crate) const PHISHING_RESISTANT: &str = "00000000-0000-0000-0000-000000000004";
pub(crate) const PASSWORDLESS: &str = "00000000-0000-0000-0000-000000000003";

/// One Conditional Access policy.
#[derive(Clone, Debug, Default)]
pub(crate) struct CaPolicy {
    pub id: String,
    pub display_name: String,
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced`.
    pub state: &'static str,
    /// Object ids, `All`, `None` or `GuestsOrExternalUsers`.
    pub include_users: Vec<String>,
    pub exclude_users: Vec<String>,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    /// Role template ids.
    pub include_roles: Vec<String>,
    pub built_in: Vec<&'static str>,
    /// An authentication strength id.
    pub strength: Option<&'static str>,
    pub created: DateTime<Utc>,
}

/// One interactive sign-in of a user's log.
#[derive(Clone, Debug)]
pub(crate) struct SignIn {
    pub id: String,
    pub hours_ago: i64,
    /// (`requirementProvider`, `detail`) when something required MFA or registration.
    pub requirement: Option<(&'static str, &'static str)>,
}

/// The tenant's access policies, and the sign-in log they leave.
#[derive(Clone, Debug, Default)]
pub(crate) struct Access {
    pub security_defaults: bool,
    pub policies: Vec<CaPolicy>,
    /// Sign-ins by user index, newest first.
    pub sign_ins: std::collections::HashMap<usize, Vec<SignIn>>,
}
