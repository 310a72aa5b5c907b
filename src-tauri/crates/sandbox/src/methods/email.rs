//! `emailMethods` (SSPR only): list, get, create (one per user, rule 9), update, delete. The
//! method id is always `3ddfcfc8-9383-446f-83cc-3ab9be4be18f`.

use axum::http::Method;

use super::shared::{
    created_reply, entity_reply, list_reply, only_properties, renderer, string_prop, touched,
};
use crate::directory::{EmailMethod, EMAIL_ID};
use crate::errors::{GraphError, GraphResult, Reply};
use crate::request::{Ctx, GraphRequest};
use crate::rules;

const NAV: &str = "emailMethods";

fn valid_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

fn address(body: &serde_json::Map<String, serde_json::Value>) -> Result<String, GraphError> {
    only_properties(body, &["emailAddress"], "emailAuthenticationMethod")?;
    let raw = string_prop(body, "emailAddress")?
        .ok_or_else(|| GraphError::bad_request("emailAddress is required."))?;
    if !valid_address(raw.trim()) {
        return Err(GraphError::bad_request(format!(
            "Invalid email address '{raw}'."
        )));
    }
    Ok(raw.trim().to_owned())
}

pub(crate) fn route(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    user: usize,
    rest: &[&str],
) -> GraphResult {
    match rest {
        [] if req.method == Method::GET => {
            let view = rules::authorize_read(ctx.caller, user)?;
            let r = renderer(ctx, user, view);
            let values = ctx.inner.dir.users[user]
                .methods
                .email
                .iter()
                .map(|e| r.email(e))
                .collect();
            Ok(list_reply(ctx, user, NAV, values))
        }
        [] if req.method == Method::POST => {
            rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
            let body = req.json_object()?;
            let addr = address(&body)?;
            if ctx.inner.dir.users[user].methods.email.is_some() {
                return Err(rules::duplicate_email());
            }
            let method = EmailMethod {
                address: addr,
                created: ctx.now,
            };
            ctx.inner.dir.users[user].methods.email = Some(method.clone());
            touched(ctx, user);
            let v = renderer(ctx, user, rules::View::Full).email(&method);
            Ok(created_reply(ctx, user, NAV, v))
        }
        [] => Err(GraphError::method_not_allowed()),
        [id] => {
            let exists = ctx.inner.dir.users[user].methods.email.is_some();
            if !id.eq_ignore_ascii_case(EMAIL_ID) || !exists {
                // Authorization is decided before existence, as for every other method.
                match req.method {
                    Method::GET => rules::authorize_read(ctx.caller, user).map(|_| ())?,
                    _ => rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?,
                }
                return Err(GraphError::item_not_found(id));
            }
            match req.method {
                Method::GET => {
                    let view = rules::authorize_read(ctx.caller, user)?;
                    let r = renderer(ctx, user, view);
                    let v = ctx.inner.dir.users[user]
                        .methods
                        .email
                        .as_ref()
                        .map(|e| r.email(e));
                    let v = v.ok_or_else(|| GraphError::item_not_found(id))?;
                    Ok(entity_reply(ctx, user, NAV, v))
                }
                Method::PATCH => {
                    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
                    let addr = address(&req.json_object()?)?;
                    if let Some(e) = ctx.inner.dir.users[user].methods.email.as_mut() {
                        e.address = addr;
                    }
                    touched(ctx, user);
                    Ok(Reply::no_content())
                }
                Method::DELETE => {
                    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
                    ctx.inner.dir.users[user].methods.email = None;
                    touched(ctx, user);
                    Ok(Reply::no_content())
                }
                _ => Err(GraphError::method_not_allowed()),
            }
        }
        _ => Err(GraphError::segment_not_found(
            rest.last().copied().unwrap_or_default(),
        )),
    }
}
