//! `passwordMethods` (list/get), and `microsoftAuthenticatorMethods`, `fido2Methods`,
//! `softwareOathMethods`, `windowsHelloForBusinessMethods` (list/get/delete). Deleting the
//! method behind the user's preferred `push`/`oath` default clears that preference.

use axum::http::Method;
use serde_json::Value;

use super::shared::{entity_reply, list_reply, renderer, touched};
use crate::errors::{GraphError, GraphResult, Reply};
use crate::request::{Ctx, GraphRequest};
use crate::rules;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Password,
    Authenticator,
    Fido2,
    SoftwareOath,
    Hello,
}

impl Kind {
    fn nav(self) -> &'static str {
        match self {
            Kind::Password => "passwordMethods",
            Kind::Authenticator => "microsoftAuthenticatorMethods",
            Kind::Fido2 => "fido2Methods",
            Kind::SoftwareOath => "softwareOathMethods",
            Kind::Hello => "windowsHelloForBusinessMethods",
        }
    }
}

fn values(ctx: &Ctx<'_>, user: usize, kind: Kind, view: rules::View) -> Vec<Value> {
    let r = renderer(ctx, user, view);
    let m = &ctx.inner.dir.users[user].methods;
    match kind {
        Kind::Password => vec![r.password()],
        Kind::Authenticator => m
            .authenticators
            .iter()
            .map(|a| r.authenticator(a))
            .collect(),
        Kind::Fido2 => m.fido2.iter().map(|k| r.fido2(k)).collect(),
        Kind::SoftwareOath => m.oath.iter().map(|o| r.oath(o)).collect(),
        Kind::Hello => m.hello.iter().map(|h| r.hello(h)).collect(),
    }
}

pub(crate) fn route(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    user: usize,
    kind: Kind,
    rest: &[&str],
) -> GraphResult {
    match rest {
        [] => {
            req.only(Method::GET)?;
            let view = rules::authorize_read(ctx.caller, user)?;
            let v = values(ctx, user, kind, view);
            Ok(list_reply(ctx, user, kind.nav(), v))
        }
        [id] => match req.method {
            Method::GET => {
                let view = rules::authorize_read(ctx.caller, user)?;
                let found = values(ctx, user, kind, view)
                    .into_iter()
                    .find(|m| m["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)));
                let v = found.ok_or_else(|| GraphError::item_not_found(id))?;
                Ok(entity_reply(ctx, user, kind.nav(), v))
            }
            Method::DELETE if kind != Kind::Password => delete(ctx, user, kind, id),
            _ => Err(GraphError::method_not_allowed()),
        },
        _ => Err(GraphError::segment_not_found(
            rest.last().copied().unwrap_or_default(),
        )),
    }
}

fn delete(ctx: &mut Ctx<'_>, user: usize, kind: Kind, id: &str) -> GraphResult {
    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
    let u = &mut ctx.inner.dir.users[user];
    let m = &mut u.methods;
    let before = m.authenticators.len() + m.fido2.len() + m.oath.len() + m.hello.len();
    let same = |x: &str| x.eq_ignore_ascii_case(id);
    match kind {
        Kind::Authenticator => m.authenticators.retain(|a| !same(&a.id)),
        Kind::Fido2 => m.fido2.retain(|k| !same(&k.id)),
        Kind::SoftwareOath => m.oath.retain(|o| !same(&o.id)),
        Kind::Hello => m.hello.retain(|h| !same(&h.id)),
        Kind::Password => {}
    }
    if m.authenticators.len() + m.fido2.len() + m.oath.len() + m.hello.len() == before {
        return Err(GraphError::item_not_found(id));
    }
    let still_valid = match u.prefs.preferred.as_deref() {
        Some("push") => !m.authenticators.is_empty(),
        Some("oath") => !m.oath.is_empty() || !m.authenticators.is_empty(),
        _ => true,
    };
    if !still_valid {
        u.prefs.preferred = None;
    }
    touched(ctx, user);
    Ok(Reply::no_content())
}
