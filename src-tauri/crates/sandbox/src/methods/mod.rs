//! `/users/{id}/authentication/...` and `/me/authentication/...`: routes each method collection
//! to its module, lists all methods, and holds the helpers every method handler shares
//! (authorization, replies with `@odata.context`, marking a write as applied).

pub(crate) mod email;
pub(crate) mod json;
pub(crate) mod other;
pub(crate) mod phone;

use serde_json::{json, Value};

use crate::errors::{GraphError, GraphResult, Reply};
use crate::odata::paging::collection;
use crate::request::{Ctx, GraphRequest};
use crate::rules::{self, View};
use crate::{preferences, requirements, tap};
use json::Renderer;
use other::Kind;

pub(crate) fn route(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    user: usize,
    tail: &[&str],
    base: usize,
) -> GraphResult {
    match tail {
        ["methods"] => {
            req.only(axum::http::Method::GET)?;
            let view = rules::authorize_read(ctx.caller, user)?;
            let values = renderer(ctx, user, view).all();
            Ok(list_reply(ctx, user, "methods", values))
        }
        ["methods", id] => {
            req.only(axum::http::Method::GET)?;
            let view = rules::authorize_read(ctx.caller, user)?;
            let r = renderer(ctx, user, view);
            let found = r
                .all()
                .into_iter()
                .find(|m| m["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)));
            let v = found.ok_or_else(|| GraphError::item_not_found(&req.segments[base + 1]))?;
            Ok(entity_reply(ctx, user, "methods", v))
        }
        ["phonemethods", rest @ ..] => phone::route(ctx, req, user, rest),
        ["emailmethods", rest @ ..] => email::route(ctx, req, user, rest),
        ["passwordmethods", rest @ ..] => other::route(ctx, req, user, Kind::Password, rest),
        ["microsoftauthenticatormethods", rest @ ..] => {
            other::route(ctx, req, user, Kind::Authenticator, rest)
        }
        ["fido2methods", rest @ ..] => other::route(ctx, req, user, Kind::Fido2, rest),
        ["softwareoathmethods", rest @ ..] => {
            other::route(ctx, req, user, Kind::SoftwareOath, rest)
        }
        ["windowshelloforbusinessmethods", rest @ ..] => {
            other::route(ctx, req, user, Kind::Hello, rest)
        }
        ["temporaryaccesspassmethods", rest @ ..] => tap::route(ctx, req, user, rest),
        ["signinpreferences"] if ctx.version == crate::request::ApiVersion::Beta => {
            preferences::route(ctx, req, user)
        }
        ["requirements"] if ctx.version == crate::request::ApiVersion::Beta => {
            requirements::route(ctx, req, user)
        }
        [] => Err(GraphError::odata(
            "Resource not found for the segment 'authentication'.",
        )),
        [_, ..] => Err(GraphError::segment_not_found(&req.segments[base])),
    }
}

pub(crate) fn renderer<'a>(ctx: &'a Ctx<'_>, user: usize, view: View) -> Renderer<'a> {
    Renderer {
        dir: &ctx.inner.dir,
        policy: &ctx.inner.policy,
        user,
        view,
        version: ctx.version,
        now: ctx.now,
    }
}

fn nav_context(ctx: &Ctx<'_>, user: usize, nav: &str) -> String {
    ctx.context(&format!(
        "users('{}')/authentication/{nav}",
        ctx.inner.dir.users[user].id
    ))
}

pub(crate) fn list_reply(ctx: &Ctx<'_>, user: usize, nav: &str, values: Vec<Value>) -> Reply {
    Reply::ok(collection(nav_context(ctx, user, nav), values, None, None))
}

fn with_context(ctx: &Ctx<'_>, user: usize, nav: &str, mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(
            "@odata.context".into(),
            json!(format!("{}/$entity", nav_context(ctx, user, nav))),
        );
    }
    v
}

pub(crate) fn entity_reply(ctx: &Ctx<'_>, user: usize, nav: &str, v: Value) -> Reply {
    Reply::ok(with_context(ctx, user, nav, v))
}

pub(crate) fn created_reply(ctx: &Ctx<'_>, user: usize, nav: &str, v: Value) -> Reply {
    Reply::created(with_context(ctx, user, nav, v))
}

/// Records an applied write on `user`'s methods.
pub(crate) fn touched(ctx: &mut Ctx<'_>, user: usize) {
    ctx.inner.dir.users[user].methods_updated = ctx.now;
    ctx.inner.counters.write_applied(user);
}

/// Refuses body properties outside `allowed` (`@odata.type` is always accepted).
pub(crate) fn only_properties(
    body: &serde_json::Map<String, Value>,
    allowed: &[&str],
    type_name: &str,
) -> Result<(), GraphError> {
    for key in body.keys() {
        if key.starts_with("@odata") || allowed.contains(&key.as_str()) {
            continue;
        }
        return Err(GraphError::odata(format!(
            "The property '{key}' does not exist on type 'microsoft.graph.{type_name}'. Make sure to only use property names that are defined by the type."
        )));
    }
    Ok(())
}

/// A required or optional string property.
pub(crate) fn string_prop(
    body: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<String>, GraphError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(GraphError::odata(format!(
            "Cannot convert the literal to the expected type 'Edm.String' for property '{key}'."
        ))),
    }
}
