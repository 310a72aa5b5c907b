//! beta `/users/{id}/authentication/requirements` — per-user MFA state (`perUserMfaState`:
//! disabled, enabled, enforced). Rule 18: only the roles and permissions the docs name may read
//! or change it; "enabled" on a user who has registered an MFA method becomes "enforced".

use axum::http::Method;
use serde_json::{json, Value};

use crate::errors::{GraphError, GraphResult, Reply};
use crate::methods::shared::{only_properties, touched};
use crate::request::{Ctx, GraphRequest};
use crate::rules;

const STATES: [&str; 3] = ["disabled", "enabled", "enforced"];

pub(crate) fn route(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    match req.method {
        Method::GET => {
            rules::authorize_mfa_state_read(ctx.caller)?;
            let u = &ctx.inner.dir.users[user];
            let context = ctx.context(&format!("users('{}')/authentication/requirements", u.id));
            Ok(Reply::ok(
                json!({"@odata.context": context, "perUserMfaState": u.prefs.per_user_mfa}),
            ))
        }
        Method::PATCH => patch(ctx, req, user),
        _ => Err(GraphError::method_not_allowed()),
    }
}

fn patch(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    rules::authorize_mfa_state_write(ctx.caller, user)?;
    let body = req.json_object()?;
    only_properties(
        &body,
        &["perUserMfaState"],
        "strongAuthenticationRequirements",
    )?;
    let Some(asked) = body.get("perUserMfaState") else {
        return Ok(Reply::no_content());
    };
    let state = match asked {
        Value::String(s) => STATES.iter().find(|v| **v == s.as_str()).copied(),
        _ => None,
    }
    .ok_or_else(|| {
        GraphError::bad_request(format!(
            "Invalid value '{}' for perUserMfaState. Allowed: disabled, enabled, enforced.",
            asked.as_str().unwrap_or("(not a string)")
        ))
    })?;
    let u = &mut ctx.inner.dir.users[user];
    // Documented: "When you update a user's MFA state to enabled and the user has already
    // registered an MFA method, their state changes automatically to enforced."
    u.prefs.per_user_mfa = if state == "enabled" && u.methods.has_mfa_method() {
        "enforced"
    } else {
        state
    };
    touched(ctx, user);
    Ok(Reply::no_content())
}
