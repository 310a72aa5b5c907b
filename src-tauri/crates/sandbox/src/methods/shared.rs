//! What every authentication-method handler shares: the renderer for a user's methods, replies
//! with `@odata.context`, marking a write as applied, and body property checks. Names no
//! handler, so every handler (and the router in `methods/mod.rs`) can depend on it.

use serde_json::{json, Value};

use super::json::Renderer;
use crate::errors::{GraphError, Reply};
use crate::odata::paging::collection;
use crate::request::Ctx;
use crate::rules::View;

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
