//! `/users/{id}/authentication/...` and `/me/authentication/...`: routes each method collection
//! to its handler and lists all methods. The helpers the handlers share are in `shared`, which
//! names no handler (handlers -> `shared`, never back to this router).

pub(crate) mod email;
pub(crate) mod json;
pub(crate) mod other;
pub(crate) mod phone;
pub(crate) mod shared;

use crate::errors::{GraphError, GraphResult};
use crate::request::{Ctx, GraphRequest};
use crate::rules;
use crate::{preferences, requirements, tap};
use other::Kind;
use shared::{entity_reply, list_reply, renderer};

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
