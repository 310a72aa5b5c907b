//! `POST /users/{id}/revokeSignInSessions`: invalidates every refresh token issued to the user
//! (access tokens live until they expire, as in Entra) and answers `{"value": true}`.
//! Allowed for the user themself and for roles holding `users/invalidateAllRefreshTokens`.

use axum::http::Method;
use serde_json::json;

use crate::errors::{GraphError, GraphResult, Reply};
use crate::request::{Ctx, GraphRequest};
use crate::roles::RoleKind;

pub(crate) fn revoke(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    req.only(Method::POST)?;
    let caller_roles = ctx
        .caller
        .user
        .map(|u| ctx.inner.dir.users[u].roles.as_slice())
        .unwrap_or_default();
    // App-only callers got here through `User.RevokeSessions.All` (app_permissions.rs).
    let admin = ctx.caller.app_roles.is_some()
        || caller_roles.iter().any(|r| {
            matches!(
                r,
                RoleKind::GlobalAdministrator
                    | RoleKind::PrivilegedAuthenticationAdministrator
                    | RoleKind::UserAdministrator
                    | RoleKind::HelpdeskAdministrator
            )
        });
    let limited = caller_roles.contains(&RoleKind::AuthenticationAdministrator)
        && ctx
            .caller
            .powers
            .may_write_target(&ctx.inner.dir.users[user].roles);
    if ctx.caller.user != Some(user) && !admin && !limited {
        return Err(GraphError::access_denied());
    }
    ctx.inner.tokens.refresh.retain(|_, g| g.user != user);
    ctx.inner.counters.write_applied(user);
    Ok(Reply::ok(json!({
        "@odata.context": ctx.context("Edm.Boolean"),
        "value": true,
    })))
}
