//! Conditional Access policies (`/identity/conditionalAccess/policies`), authentication strengths
//! (`/policies/authenticationStrengthPolicies`) and security defaults
//! (`/policies/identitySecurityDefaultsEnforcementPolicy`) over Graph: read-only, for the roles
//! the docs name (`Powers::read_security_policies`, rule 19). The data is `crate::access`.

use axum::http::Method;
use serde_json::{json, Value};

use crate::access::{CaPolicy, Strength, BUILT_IN_STRENGTHS};
use crate::errors::{iso, GraphError, GraphResult, Reply};
use crate::odata::paging::collection;
use crate::request::{Ctx, GraphRequest};

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
