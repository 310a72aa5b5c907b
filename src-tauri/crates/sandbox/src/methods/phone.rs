//! `phoneMethods`: list, get, create, update, delete, `enableSmsSignIn`, `disableSmsSignIn`,
//! applying rules 1–5 and 8 (one phone per type, alternateMobile needs mobile, mobile and the
//! default phone can't be deleted, `+CC NUMBER[xEXT]` format, SMS sign-in preconditions).

use axum::http::Method;

use super::shared::{
    created_reply, entity_reply, list_reply, only_properties, renderer, string_prop, touched,
};
use crate::directory::{Phone, PhoneType};
use crate::errors::{GraphError, GraphResult, Reply};
use crate::phone_format::{PhoneFormatError, PhoneNumber};
use crate::policy::sms_sign_in_blocker;
use crate::request::{Ctx, GraphRequest};
use crate::rules;

const NAV: &str = "phoneMethods";

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
                .phones
                .iter()
                .map(|p| r.phone(p))
                .collect();
            Ok(list_reply(ctx, user, NAV, values))
        }
        [] if req.method == Method::POST => create(ctx, req, user),
        [] => Err(GraphError::method_not_allowed()),
        [id] => {
            match req.method {
                Method::GET => rules::authorize_read(ctx.caller, user).map(|_| ())?,
                _ => rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?,
            }
            let kind = find(ctx, user, id)?;
            match req.method {
                Method::GET => {
                    let view = rules::authorize_read(ctx.caller, user)?;
                    let r = renderer(ctx, user, view);
                    let phone = ctx.inner.dir.users[user]
                        .methods
                        .phone(kind)
                        .ok_or_else(|| GraphError::item_not_found(id))?;
                    let v = r.phone(phone);
                    Ok(entity_reply(ctx, user, NAV, v))
                }
                Method::PATCH => update(ctx, req, user, kind),
                Method::DELETE => delete(ctx, user, kind),
                _ => Err(GraphError::method_not_allowed()),
            }
        }
        [id, action] => {
            req.only(Method::POST)?;
            let enable = match action.trim_start_matches("microsoft.graph.") {
                "enablesmssignin" => true,
                "disablesmssignin" => false,
                _ => return Err(GraphError::segment_not_found(action)),
            };
            rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
            let kind = find(ctx, user, id)?;
            sms_sign_in(ctx, user, kind, enable)
        }
        _ => Err(GraphError::segment_not_found(
            rest.last().copied().unwrap_or_default(),
        )),
    }
}

/// The phone type behind a method id the user has, or 404 `itemNotFound`.
fn find(ctx: &Ctx<'_>, user: usize, id: &str) -> Result<PhoneType, GraphError> {
    PhoneType::from_id(id)
        .filter(|k| ctx.inner.dir.users[user].methods.phone(*k).is_some())
        .ok_or_else(|| GraphError::item_not_found(id))
}

fn parse_type(raw: &str) -> Result<PhoneType, GraphError> {
    PhoneType::parse(raw).ok_or_else(|| {
        GraphError::odata(format!(
            "Requested value '{raw}' was not found in enum 'microsoft.graph.authenticationPhoneType'."
        ))
    })
}

fn parse_number(raw: &str, kind: PhoneType) -> Result<String, GraphError> {
    PhoneNumber::parse_for(raw, kind == PhoneType::Office)
        .map(|n| n.canonical())
        .map_err(|e| rules::invalid_phone_number(raw, e == PhoneFormatError::ExtensionNotAllowed))
}

fn create(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
    let body = req.json_object()?;
    if body.contains_key("smsSignInState") {
        return Err(GraphError::bad_request(
            "smsSignInState is read-only and must not be sent when creating a phone method.",
        ));
    }
    only_properties(
        &body,
        &["phoneNumber", "phoneType"],
        "phoneAuthenticationMethod",
    )?;
    let raw_type = string_prop(&body, "phoneType")?
        .ok_or_else(|| GraphError::bad_request("phoneType is required."))?;
    let raw_number = string_prop(&body, "phoneNumber")?
        .ok_or_else(|| GraphError::bad_request("phoneNumber is required."))?;
    let kind = parse_type(&raw_type)?;
    let methods = &ctx.inner.dir.users[user].methods;
    if methods.phone(kind).is_some() {
        return Err(rules::duplicate_phone(kind));
    }
    if kind == PhoneType::AlternateMobile && methods.phone(PhoneType::Mobile).is_none() {
        return Err(rules::alternate_needs_mobile());
    }
    let number = parse_number(&raw_number, kind)?;
    let phone = Phone {
        kind,
        number,
        sms_sign_in: false,
        created: ctx.now,
    };
    ctx.inner.dir.with_mobile_change(user, |u| {
        u.methods.phones.push(phone);
        u.methods.phones.sort_by_key(|p| p.kind);
    });
    // In SMS sign-in scope, a new mobile is registered for SMS sign-in automatically.
    if kind == PhoneType::Mobile
        && sms_sign_in_blocker(&ctx.inner.dir, &ctx.inner.policy, user).is_none()
    {
        if let Some(p) = ctx.inner.dir.users[user].methods.phone_mut(kind) {
            p.sms_sign_in = true;
        }
    }
    touched(ctx, user);
    let r = renderer(ctx, user, rules::View::Full);
    let phone = ctx.inner.dir.users[user]
        .methods
        .phone(kind)
        .ok_or_else(|| GraphError::item_not_found(kind.id()))?;
    let v = r.phone(phone);
    Ok(created_reply(ctx, user, NAV, v))
}

fn update(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize, kind: PhoneType) -> GraphResult {
    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
    let body = req.json_object()?;
    if body.contains_key("smsSignInState") {
        return Err(GraphError::bad_request("smsSignInState is read-only."));
    }
    only_properties(
        &body,
        &["phoneNumber", "phoneType"],
        "phoneAuthenticationMethod",
    )?;
    if let Some(t) = string_prop(&body, "phoneType")? {
        if parse_type(&t)? != kind {
            return Err(rules::phone_type_change());
        }
    }
    if let Some(raw) = string_prop(&body, "phoneNumber")? {
        let number = parse_number(&raw, kind)?;
        ctx.inner.dir.with_mobile_change(user, |u| {
            if let Some(p) = u.methods.phone_mut(kind) {
                p.number = number;
            }
        });
    }
    touched(ctx, user);
    Ok(Reply::no_content())
}

fn delete(ctx: &mut Ctx<'_>, user: usize, kind: PhoneType) -> GraphResult {
    rules::authorize_write(ctx.caller, &ctx.inner.dir, user)?;
    let u = &ctx.inner.dir.users[user];
    if kind == PhoneType::Mobile && u.methods.phone(PhoneType::AlternateMobile).is_some() {
        return Err(rules::mobile_has_alternate());
    }
    if let Some(preferred) = u.prefs.preferred.as_deref() {
        if rules::preferred_uses_phone(preferred, kind) {
            return Err(rules::phone_is_default(preferred));
        }
    }
    ctx.inner
        .dir
        .with_mobile_change(user, |u| u.methods.phones.retain(|p| p.kind != kind));
    touched(ctx, user);
    Ok(Reply::no_content())
}

fn sms_sign_in(ctx: &mut Ctx<'_>, user: usize, kind: PhoneType, enable: bool) -> GraphResult {
    if kind != PhoneType::Mobile {
        return Err(rules::sms_sign_in_unavailable("notSupported"));
    }
    if enable {
        if let Some(state) = sms_sign_in_blocker(&ctx.inner.dir, &ctx.inner.policy, user) {
            return Err(rules::sms_sign_in_unavailable(state));
        }
    }
    if let Some(p) = ctx.inner.dir.users[user].methods.phone_mut(kind) {
        p.sms_sign_in = enable;
    }
    touched(ctx, user);
    Ok(Reply::no_content())
}
