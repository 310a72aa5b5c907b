//! The segment router: hands one transport-free request (`crate::request`) to the resource
//! module that owns its path. Shared by HTTP and `$batch`. Handlers never import this file.

use crate::errors::{GraphError, GraphResult};
use crate::request::{Ctx, GraphRequest};
use crate::{access_api, groups, methods, organization, policy_api, reports, sign_ins, users};

/// Routes one request by its segments.
pub(crate) fn dispatch(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    let l: Vec<&str> = req.lower.iter().map(String::as_str).collect();
    if let Some(roles) = &ctx.caller.app_roles {
        crate::app_permissions::check(roles, &req.method, &l)?;
    }
    match l.as_slice() {
        ["me", rest @ ..] => {
            let me = ctx.caller.user.ok_or_else(|| {
                GraphError::odata("/me request is only valid with delegated authentication flow.")
            })?;
            user_scope(ctx, req, me, rest, 1)
        }
        ["users"] => users::list(ctx, req),
        ["users", "$count"] => users::count(ctx, req),
        ["users", key, rest @ ..] => {
            let user = ctx
                .inner
                .dir
                .find_user(key)
                .ok_or_else(|| GraphError::resource_not_found(&req.segments[1]))?;
            user_scope(ctx, req, user, rest, 2)
        }
        ["organization"] => organization::list(ctx, req),
        ["organization", id] => organization::get(ctx, req, id),
        ["groups"] => groups::list(ctx, req),
        ["groups", id] => groups::get(ctx, req, id),
        ["groups", id, nav] => groups::members(ctx, req, id, nav, None),
        ["groups", id, nav, cast] => groups::members(ctx, req, id, nav, Some(cast)),
        ["policies", "authenticationmethodspolicy", rest @ ..] => policy_api::route(ctx, req, rest),
        ["policies", "authenticationstrengthpolicies"] => access_api::strengths(ctx, req, None),
        ["policies", "authenticationstrengthpolicies", _] => {
            access_api::strengths(ctx, req, Some(&req.segments[2]))
        }
        ["policies", "identitysecuritydefaultsenforcementpolicy"] => {
            access_api::security_defaults(ctx, req)
        }
        ["identity", "conditionalaccess", "policies"] => {
            access_api::conditional_access(ctx, req, None)
        }
        ["identity", "conditionalaccess", "policies", _] => {
            access_api::conditional_access(ctx, req, Some(&req.segments[3]))
        }
        ["auditlogs", "signins"] => sign_ins::list(ctx, req),
        ["reports", "authenticationmethods", "userregistrationdetails"] => reports::list(ctx, req),
        ["reports", "authenticationmethods", "userregistrationdetails", id] => {
            reports::get(ctx, req, id)
        }
        ["directoryroles"] => users::directory_roles(ctx, req),
        ["directoryroles", id, "members"] => users::role_members(ctx, req, id),
        [by_template, "members"] if by_template.starts_with("directoryroles(") => {
            let key = by_template.trim_start_matches("directoryroles");
            users::role_members(ctx, req, key)
        }
        [] => Err(GraphError::odata(
            "Invalid request: the resource path is empty.",
        )),
        _ => Err(GraphError::segment_not_found(unknown_segment(req, &l))),
    }
}

fn unknown_segment<'a>(req: &'a GraphRequest, l: &[&str]) -> &'a str {
    let known = [
        "users",
        "me",
        "organization",
        "groups",
        "policies",
        "identity",
        "auditlogs",
        "reports",
        "directoryroles",
    ];
    let i = if l.first().is_some_and(|s| known.contains(s)) {
        l.len() - 1
    } else {
        0
    };
    req.segments.get(i).map(String::as_str).unwrap_or_default()
}

/// `/users/{id}/...` and `/me/...`; `base` is the index of `rest` in the segments.
fn user_scope(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    user: usize,
    rest: &[&str],
    base: usize,
) -> GraphResult {
    match rest {
        [] => users::get(ctx, req, user),
        ["memberof"] => users::member_of(ctx, req, user, false, None),
        ["memberof", cast] => users::member_of(ctx, req, user, false, Some(cast)),
        ["transitivememberof"] => users::member_of(ctx, req, user, true, None),
        ["transitivememberof", cast] => users::member_of(ctx, req, user, true, Some(cast)),
        ["authentication", tail @ ..] => methods::route(ctx, req, user, tail, base + 1),
        ["revokesigninsessions" | "microsoft.graph.revokesigninsessions"] => {
            crate::sessions::revoke(ctx, req, user)
        }
        [_, ..] => Err(GraphError::segment_not_found(&req.segments[base])),
    }
}
