//! beta `signInPreferences` (GET/PATCH `isSystemPreferredAuthenticationMethodEnabled` and
//! `userPreferredMethodForSecondaryAuthentication`; rule 11: the preferred method must be one
//! the user has registered). Per-user MFA (`requirements`) lives in requirements.rs.

use axum::http::Method;
use serde_json::{json, Value};

use crate::errors::{GraphError, GraphResult, Reply};
use crate::methods::shared::{only_properties, touched};
use crate::request::{Ctx, GraphRequest};
use crate::rules;

const SETTABLE: [&str; 6] = [
    "push",
    "oath",
    "voiceMobile",
    "voiceAlternateMobile",
    "voiceOffice",
    "sms",
];

pub(crate) fn route(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    match req.method {
        Method::GET => {
            rules::authorize_read(ctx.caller, user)?;
            let u = &ctx.inner.dir.users[user];
            let context = ctx.context(&format!(
                "users('{}')/authentication/signInPreferences",
                u.id
            ));
            Ok(Reply::ok(json!({
                "@odata.context": context,
                "isSystemPreferredAuthenticationMethodEnabled": u.prefs.system_preferred,
                "userPreferredMethodForSecondaryAuthentication": u.prefs.preferred,
            })))
        }
        Method::PATCH => patch(ctx, req, user),
        _ => Err(GraphError::method_not_allowed()),
    }
}

fn patch(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
    let body = req.json_object()?;
    only_properties(
        &body,
        &[
            "isSystemPreferredAuthenticationMethodEnabled",
            "userPreferredMethodForSecondaryAuthentication",
        ],
        "signInPreferences",
    )?;
    let system = match body.get("isSystemPreferredAuthenticationMethodEnabled") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(GraphError::odata("Cannot convert the literal to the expected type 'Edm.Boolean' for property 'isSystemPreferredAuthenticationMethodEnabled'.")),
    };
    let preferred = match body.get("userPreferredMethodForSecondaryAuthentication") {
        None => None,
        Some(Value::String(s)) => {
            let Some(known) = SETTABLE.iter().find(|v| v.eq_ignore_ascii_case(s)) else {
                return Err(GraphError::bad_request(format!(
                    "Invalid value '{s}' for userPreferredMethodForSecondaryAuthentication. Allowed: push, oath, voiceMobile, voiceAlternateMobile, voiceOffice, sms."
                )));
            };
            if !ctx.inner.dir.users[user].supports(known) {
                return Err(rules::preferred_not_registered(known));
            }
            Some(*known)
        }
        Some(_) => return Err(GraphError::odata("Cannot convert the literal to the expected type 'microsoft.graph.userDefaultAuthenticationMethodType'.")),
    };
    let prefs = &mut ctx.inner.dir.users[user].prefs;
    if let Some(s) = system {
        prefs.system_preferred = s;
    }
    if let Some(p) = preferred {
        prefs.preferred = Some(p.to_owned());
    }
    touched(ctx, user);
    Ok(Reply::no_content())
}
