//! `/auditLogs/signIns?$filter=userId eq '{id}'`: a user's recent sign-ins as the seed made them
//! (only the "still asked" people have any), newest first; beta adds what required MFA or
//! registration (`authenticationRequirementPolicies`). Premium tenants, the sign-in log's reader
//! roles and `AuditLog.Read.All` + `Directory.Read.All` only (rule 20).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::access::SignIn;
use crate::errors::{iso, GraphError, GraphResult, Reply};
use crate::odata::paging::{self, collection};
use crate::request::{ApiVersion, Ctx, GraphRequest};

/// The one filter the sandbox answers: `userId eq '{id}'`.
fn user_filter(filter: &str) -> Option<&str> {
    let rest = filter.trim().strip_prefix("userId eq '")?;
    rest.strip_suffix('\'')
}

fn sign_in_json(ctx: &Ctx<'_>, user: usize, s: &SignIn) -> Value {
    let u = &ctx.inner.dir.users[user];
    let mut v = json!({
        "id": s.id,
        "createdDateTime": iso(ctx.now - chrono::Duration::hours(s.hours_ago)),
        "userDisplayName": u.display_name,
        "userPrincipalName": u.upn,
        "userId": u.id,
        "appId": "4765445b-32c6-49b0-83e6-1d93765276ca",
        "appDisplayName": "OfficeHome",
        "clientAppUsed": "Browser",
        "isInteractive": true,
        "conditionalAccessStatus": "notApplied",
        "status": {"errorCode": 0, "failureReason": null, "additionalDetails": null},
    });
    if ctx.version == ApiVersion::Beta {
        v["authenticationRequirement"] = json!(if s.requirement.is_some() {
            "multiFactorAuthentication"
        } else {
            "singleFactorAuthentication"
        });
        v["authenticationRequirementPolicies"] = json!(s
            .requirement
            .iter()
            .map(|(provider, detail)| json!({"requirementProvider": provider, "detail": detail}))
            .collect::<Vec<_>>());
    }
    v
}

pub(crate) fn list(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    if ctx.shared.config.non_premium {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        ));
    }
    crate::rules::authorize_sign_in_log_read(ctx.caller)?;
    let filter = req.query.get("filter").unwrap_or_default();
    let id = user_filter(filter).ok_or_else(|| {
        GraphError::unsupported_query("The sandbox answers only $filter=userId eq '{id}'.")
    })?;
    let top = paging::page_size(&req.query, 1000)?;
    let values: Vec<Value> = match ctx.inner.dir.find_user(id) {
        Some(user) => ctx
            .inner
            .access
            .sign_ins
            .get(&user)
            .map(|list| {
                list.iter()
                    .take(top)
                    .map(|s| sign_in_json(ctx, user, s))
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Reply::ok(collection(
        ctx.context("auditLogs/signIns"),
        values,
        None,
        None,
    )))
}
