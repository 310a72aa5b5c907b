//! `temporaryAccessPassMethods`: list, get, create, delete. Rule 10: lifetime 10–43200 minutes
//! and within the policy's bounds, one-time use when the policy forces it; a new pass replaces
//! the old one; the secret appears only in the create response. A pass the policy does not
//! allow (TAP off, user not targeted) is created anyway with `isUsable: false` and
//! `methodUsabilityReason: DisabledByPolicy`, as Graph does.

use axum::http::Method;
use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::Value;

use crate::directory::TemporaryAccessPass;
use crate::errors::{GraphError, GraphResult, Reply};
use crate::methods::shared::{
    created_reply, entity_reply, list_reply, only_properties, renderer, touched,
};
use crate::request::{Ctx, GraphRequest};
use crate::rules;
use crate::seed::uuid;

const NAV: &str = "temporaryAccessPassMethods";
const SECRET_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%&*+=?";

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
                .taps
                .iter()
                .map(|t| r.tap(t, None))
                .collect();
            Ok(list_reply(ctx, user, NAV, values))
        }
        [] if req.method == Method::POST => create(ctx, req, user),
        [] => Err(GraphError::method_not_allowed()),
        [id] => match req.method {
            Method::GET => {
                let view = rules::authorize_read(ctx.caller, user)?;
                let r = renderer(ctx, user, view);
                let found = ctx.inner.dir.users[user]
                    .methods
                    .taps
                    .iter()
                    .find(|t| t.id.eq_ignore_ascii_case(id));
                let v = found
                    .map(|t| r.tap(t, None))
                    .ok_or_else(|| GraphError::item_not_found(id))?;
                Ok(entity_reply(ctx, user, NAV, v))
            }
            Method::DELETE => {
                rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
                let taps = &mut ctx.inner.dir.users[user].methods.taps;
                let before = taps.len();
                taps.retain(|t| !t.id.eq_ignore_ascii_case(id));
                if taps.len() == before {
                    return Err(GraphError::item_not_found(id));
                }
                touched(ctx, user);
                Ok(Reply::no_content())
            }
            _ => Err(GraphError::method_not_allowed()),
        },
        _ => Err(GraphError::segment_not_found(
            rest.last().copied().unwrap_or_default(),
        )),
    }
}

fn create(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
    let body = req.optional_json_object()?.unwrap_or_default();
    only_properties(
        &body,
        &["startDateTime", "lifetimeInMinutes", "isUsableOnce"],
        "temporaryAccessPassAuthenticationMethod",
    )?;
    let settings = ctx.inner.policy.tap.clone();
    let lifetime = match body.get("lifetimeInMinutes") {
        None | Some(Value::Null) => settings.default_lifetime,
        Some(v) => v.as_i64().ok_or_else(|| GraphError::odata("Cannot convert the literal to the expected type 'Edm.Int32' for property 'lifetimeInMinutes'."))?,
    };
    if !(10..=43_200).contains(&lifetime) {
        return Err(GraphError::bad_request(format!(
            "lifetimeInMinutes must be between 10 and 43200 minutes; got {lifetime}."
        )));
    }
    if lifetime < settings.minimum_lifetime || lifetime > settings.maximum_lifetime {
        return Err(GraphError::bad_request(format!(
            "lifetimeInMinutes {lifetime} is outside the policy's range of {} to {} minutes.",
            settings.minimum_lifetime, settings.maximum_lifetime
        )));
    }
    let usable_once = match body.get("isUsableOnce") {
        None | Some(Value::Null) => settings.usable_once,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(GraphError::odata("Cannot convert the literal to the expected type 'Edm.Boolean' for property 'isUsableOnce'.")),
    };
    if settings.usable_once && !usable_once {
        return Err(GraphError::bad_request(
            "The authentication methods policy only allows one-time Temporary Access Passes (isUsableOnce must be true).",
        ));
    }
    let start: DateTime<Utc> = match body.get("startDateTime") {
        None | Some(Value::Null) => ctx.now,
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| {
                GraphError::odata(format!(
                    "Cannot convert '{s}' to the expected type 'Edm.DateTimeOffset'."
                ))
            })?,
        Some(_) => {
            return Err(GraphError::odata(
                "Cannot convert the literal to the expected type 'Edm.DateTimeOffset'.",
            ))
        }
    };
    let length = usize::try_from(settings.default_length.clamp(8, 48)).unwrap_or(8);
    let secret: String = (0..length)
        .map(|_| char::from(SECRET_CHARS[ctx.inner.rng.gen_range(0..SECRET_CHARS.len())]))
        .collect();
    let tap = TemporaryAccessPass {
        id: uuid(&mut ctx.inner.rng),
        start,
        lifetime_minutes: lifetime,
        usable_once,
        created: ctx.now,
        used: false,
        digest: digest(&secret),
    };
    ctx.inner.dir.users[user].methods.taps = vec![tap.clone()];
    touched(ctx, user);
    let v = renderer(ctx, user, rules::View::Full).tap(&tap, Some(&secret));
    Ok(created_reply(ctx, user, NAV, v))
}

/// SHA-256 of a pass text (what the sandbox keeps to recognise it).
pub(crate) fn digest(pass: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(pass.as_bytes()).into()
}
