//! Conditional Access policies (`/identity/conditionalAccess/policies`), authentication strengths
//! (`/policies/authenticationStrengthPolicies`) and security defaults
//! (`/policies/identitySecurityDefaultsEnforcementPolicy`): read-only, for the roles the docs name
//! (`Powers::read_security_policies`, rule 19). Only what decides whether a user is asked to
//! register is modelled: user/group/role conditions, built-in grant controls, the strength.

use axum::http::Method;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::errors::{iso, GraphError, GraphResult, Reply};
use crate::graph::router::{Ctx, GraphRequest};
use crate::odata::paging::collection;

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

fn strength_json(s: &Strength) -> Value {
    json!({
        "id": s.id,
        "createdDateTime": "2021-12-01T00:00:00Z",
        "modifiedDateTime": "2021-12-01T00:00:00Z",
        "displayName": s.display_name,
        "description": s.description,
        "policyType": "builtIn",
        "requirementsSatisfied": "mfa",
        "allowedCombinations": s.allowed,
    })
}

fn policy_json(p: &CaPolicy) -> Value {
    let strength = p
        .strength
        .and_then(|id| BUILT_IN_STRENGTHS.iter().find(|s| s.id == id))
        .map(strength_json);
    json!({
        "id": p.id,
        "displayName": p.display_name,
        "createdDateTime": iso(p.created),
        "modifiedDateTime": null,
        "state": p.state,
        "sessionControls": null,
        "conditions": {
            "signInRiskLevels": [],
            "userRiskLevels": [],
            "clientAppTypes": ["all"],
            "platforms": null,
            "locations": null,
            "applications": {
                "includeApplications": ["All"],
                "excludeApplications": [],
                "includeUserActions": [],
            },
            "users": {
                "includeUsers": p.include_users,
                "excludeUsers": p.exclude_users,
                "includeGroups": p.include_groups,
                "excludeGroups": p.exclude_groups,
                "includeRoles": p.include_roles,
                "excludeRoles": [],
            },
        },
        "grantControls": {
            "operator": "OR",
            "builtInControls": p.built_in,
            "customAuthenticationFactors": [],
            "termsOfUse": [],
            "authenticationStrength": strength,
        },
    })
}

fn guard(ctx: &Ctx<'_>, req: &GraphRequest) -> Result<(), GraphError> {
    req.only(Method::GET)?;
    crate::rules::authorize_security_policies_read(ctx.caller)
}

/// `/identity/conditionalAccess/policies[/{id}]`.
pub(crate) fn conditional_access(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    id: Option<&str>,
) -> GraphResult {
    guard(ctx, req)?;
    let policies = &ctx.inner.access.policies;
    match id {
        None => {
            let values = policies.iter().map(policy_json).collect();
            Ok(Reply::ok(collection(
                ctx.context("identity/conditionalAccess/policies"),
                values,
                None,
                None,
            )))
        }
        Some(id) => {
            let p = policies
                .iter()
                .find(|p| p.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| GraphError::resource_not_found(id))?;
            let mut v = policy_json(p);
            v["@odata.context"] = json!(ctx.context("identity/conditionalAccess/policies/$entity"));
            Ok(Reply::ok(v))
        }
    }
}

/// `/policies/authenticationStrengthPolicies[/{id}]`.
pub(crate) fn strengths(ctx: &mut Ctx<'_>, req: &GraphRequest, id: Option<&str>) -> GraphResult {
    guard(ctx, req)?;
    match id {
        None => {
            let values = BUILT_IN_STRENGTHS.iter().map(strength_json).collect();
            Ok(Reply::ok(collection(
                ctx.context("policies/authenticationStrengthPolicies"),
                values,
                None,
                None,
            )))
        }
        Some(id) => {
            let s = BUILT_IN_STRENGTHS
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| GraphError::resource_not_found(id))?;
            let mut v = strength_json(s);
            v["@odata.context"] =
                json!(ctx.context("policies/authenticationStrengthPolicies/$entity"));
            Ok(Reply::ok(v))
        }
    }
}

/// `/policies/identitySecurityDefaultsEnforcementPolicy`.
pub(crate) fn security_defaults(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    guard(ctx, req)?;
    Ok(Reply::ok(json!({
        "@odata.context": ctx.context("policies/identitySecurityDefaultsEnforcementPolicy/$entity"),
        "id": "00000000-0000-0000-0000-000000000005",
        "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
        "isEnabled": ctx.inner.access.security_defaults,
    })))
}
