//! Tenant-wide MFA policies, read-only: `/policies/identitySecurityDefaultsEnforcementPolicy`
//! and `/identity/conditionalAccess/policies` (rule 19). What they hold comes from
//! `SandboxConfig::security_defaults` and `SandboxConfig::conditional_access_mfa`.

use axum::http::Method;
use serde_json::{json, Value};

use crate::errors::{GraphResult, Reply};
use crate::graph::router::{Ctx, GraphRequest};
use crate::odata::paging::collection;
use crate::rules;

/// The fixed id Graph gives the security defaults policy object.
const SECURITY_DEFAULTS_ID: &str = "00000000-0000-0000-0000-000000000005";
/// The one Conditional Access policy seeded when `conditional_access_mfa` is on.
const CA_POLICY_ID: &str = "7d2a9c1e-5b43-4f6e-a0d8-3c91b2e4f705";

pub(crate) fn security_defaults(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    rules::authorize_security_policies_read(ctx.caller)?;
    Ok(Reply::ok(json!({
        "@odata.context": ctx.context("policies/identitySecurityDefaultsEnforcementPolicy/$entity"),
        "id": SECURITY_DEFAULTS_ID,
        "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
        "isEnabled": ctx.shared.config.security_defaults,
    })))
}

pub(crate) fn conditional_access_policies(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    rules::authorize_security_policies_read(ctx.caller)?;
    let values: Vec<Value> = if ctx.shared.config.conditional_access_mfa {
        vec![json!({
            "id": CA_POLICY_ID,
            "displayName": "Require multifactor authentication for all users",
            "state": "enabled",
            "createdDateTime": "2025-03-04T09:12:00Z",
            "modifiedDateTime": null,
            "conditions": {
                "clientAppTypes": ["all"],
                "applications": {"includeApplications": ["All"], "excludeApplications": []},
                "users": {
                    "includeUsers": ["All"],
                    "excludeUsers": [],
                    "includeGroups": [],
                    "excludeGroups": [],
                    "includeRoles": [],
                    "excludeRoles": []
                }
            },
            "grantControls": {
                "operator": "OR",
                "builtInControls": ["mfa"],
                "customAuthenticationFactors": [],
                "termsOfUse": []
            },
            "sessionControls": null
        })]
    } else {
        Vec::new()
    };
    Ok(Reply::ok(collection(
        ctx.context("identity/conditionalAccess/policies"),
        values,
        None,
        None,
    )))
}
