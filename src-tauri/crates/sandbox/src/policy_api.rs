//! `/policies/authenticationMethodsPolicy` and `.../authenticationMethodConfigurations[/{id}]`:
//! GET for admin readers, PATCH of a configuration (state, targets, settings) for Global
//! Administrators and Authentication Policy Administrators. JSON uses the CSDL names.

use axum::http::Method;
use serde_json::{json, Map, Value};

use crate::errors::{iso, GraphError, GraphResult, Reply};
use crate::methods::shared::only_properties;
use crate::odata::paging::collection;
use crate::policy::{Campaign, MethodConfig, MethodKind, Policy, Target};
use crate::request::{ApiVersion, Ctx, GraphRequest};

pub(crate) fn route(ctx: &mut Ctx<'_>, req: &GraphRequest, rest: &[&str]) -> GraphResult {
    if !ctx.caller.powers.read_policy {
        return Err(GraphError::access_denied());
    }
    match rest {
        [] => {
            req.only(Method::GET)?;
            let mut v = policy_json(&ctx.inner.policy);
            if ctx.version == ApiVersion::Beta {
                let c = &ctx.inner.policy.campaign;
                v["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"]
                    ["enforceRegistrationAfterAllowedSnoozes"] = json!(c.enforce_after_snoozes);
            }
            v["@odata.context"] =
                json!(ctx.context("policies/authenticationMethodsPolicy/$entity"));
            Ok(Reply::ok(v))
        }
        ["authenticationmethodconfigurations"] => {
            req.only(Method::GET)?;
            let values = ctx
                .inner
                .policy
                .configs
                .iter()
                .map(|c| config_json(&ctx.inner.policy, c))
                .collect();
            let context = ctx
                .context("policies/authenticationMethodsPolicy/authenticationMethodConfigurations");
            Ok(Reply::ok(collection(context, values, None, None)))
        }
        ["authenticationmethodconfigurations", id] => {
            let kind = MethodKind::from_id(id).ok_or_else(|| {
                GraphError::resource_not_found(req.segments.get(3).map_or(*id, String::as_str))
            })?;
            match req.method {
                Method::GET => {
                    let policy = &ctx.inner.policy;
                    let c = policy
                        .config(kind)
                        .ok_or_else(|| GraphError::resource_not_found(id))?;
                    let mut v = config_json(policy, c);
                    v["@odata.context"] = json!(ctx.context("policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity"));
                    Ok(Reply::ok(v))
                }
                Method::PATCH => patch(ctx, req, kind),
                _ => Err(GraphError::method_not_allowed()),
            }
        }
        _ => Err(GraphError::segment_not_found(
            req.segments.last().map_or("", String::as_str),
        )),
    }
}

fn target_json(kind: MethodKind, t: &Target) -> Value {
    let mut v = json!({
        "targetType": if t.is_group { "group" } else { "user" },
        "id": t.id,
        "isRegistrationRequired": t.registration_required,
    });
    match kind {
        MethodKind::Sms => v["isUsableForSignIn"] = json!(t.usable_for_sign_in),
        MethodKind::MicrosoftAuthenticator => v["authenticationMode"] = json!(t.authenticator_mode),
        _ => {}
    }
    v
}

fn feature(state: &str) -> Value {
    json!({
        "state": state,
        "includeTarget": {"targetType": "group", "id": "all_users"},
        "excludeTarget": {"targetType": "group", "id": "00000000-0000-0000-0000-000000000000"},
    })
}

pub(crate) fn config_json(p: &Policy, c: &MethodConfig) -> Value {
    let mut v = json!({
        "@odata.type": c.kind.odata_type(),
        "id": c.kind.id(),
        "state": if c.enabled { "enabled" } else { "disabled" },
        "excludeTargets": c.exclude.iter().map(|t| json!({"targetType": if t.is_group { "group" } else { "user" }, "id": t.id})).collect::<Vec<_>>(),
        "includeTargets": c.include.iter().map(|t| target_json(c.kind, t)).collect::<Vec<_>>(),
    });
    match c.kind {
        MethodKind::Voice => v["isOfficePhoneAllowed"] = json!(p.office_phone_allowed),
        MethodKind::TemporaryAccessPass => {
            v["defaultLifetimeInMinutes"] = json!(p.tap.default_lifetime);
            v["defaultLength"] = json!(p.tap.default_length);
            v["minimumLifetimeInMinutes"] = json!(p.tap.minimum_lifetime);
            v["maximumLifetimeInMinutes"] = json!(p.tap.maximum_lifetime);
            v["isUsableOnce"] = json!(p.tap.usable_once);
        }
        MethodKind::MicrosoftAuthenticator => {
            v["isSoftwareOathEnabled"] = json!(p.authenticator_software_oath);
            v["featureSettings"] = json!({
                "displayAppInformationRequiredState": feature("default"),
                "displayLocationInformationRequiredState": feature("default"),
            });
        }
        MethodKind::Fido2 => {
            v["isAttestationEnforced"] = json!(p.fido2_attestation_enforced);
            v["isSelfServiceRegistrationAllowed"] = json!(p.fido2_self_service);
            v["keyRestrictions"] =
                json!({"isEnforced": false, "enforcementType": "block", "aaGuids": []});
        }
        MethodKind::Email => v["allowExternalIdToUseEmailOtp"] = json!(p.email_external_otp),
        MethodKind::Sms | MethodKind::SoftwareOath => {}
    }
    v
}

pub(crate) fn policy_json(p: &Policy) -> Value {
    json!({
        "id": "authenticationMethodsPolicy",
        "displayName": "Authentication Methods Policy",
        "description": "The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings",
        "lastModifiedDateTime": iso(p.last_modified),
        "policyVersion": "1.5",
        "policyMigrationState": "migrationComplete",
        "reconfirmationInDays": p.reconfirmation_days,
        "registrationEnforcement": {
            "authenticationMethodsRegistrationCampaign": campaign_json(&p.campaign),
        },
        "authenticationMethodConfigurations": p.configs.iter().map(|c| config_json(p, c)).collect::<Vec<_>>(),
    })
}

fn campaign_json(c: &Campaign) -> Value {
    let kind = |t: &Target| if t.is_group { "group" } else { "user" };
    json!({
        "snoozeDurationInDays": c.snooze_days,
        "state": c.state,
        "excludeTargets": c.exclude.iter().map(|t| json!({"id": t.id, "targetType": kind(t)})).collect::<Vec<_>>(),
        "includeTargets": c.include.iter().map(|(t, method)| json!({"id": t.id, "targetType": kind(t), "targetedAuthenticationMethod": method})).collect::<Vec<_>>(),
    })
}

/// `microsoftAuthenticatorAuthenticationMode` (beta-enum-types.json).
fn authenticator_mode(v: Option<&Value>) -> Result<&'static str, GraphError> {
    match v.and_then(Value::as_str) {
        None | Some("any") => Ok("any"),
        Some("push") => Ok("push"),
        Some("deviceBasedPush") => Ok("deviceBasedPush"),
        Some(_) => Err(GraphError::bad_request(
            "Invalid authenticationMode: expected any, push or deviceBasedPush.",
        )),
    }
}

fn parse_targets(v: &Value, sms: bool) -> Result<Vec<Target>, GraphError> {
    let bad = || {
        GraphError::bad_request("Invalid targets: expected an array of {targetType, id} objects.")
    };
    let items = v.as_array().ok_or_else(bad)?;
    items
        .iter()
        .map(|t| {
            let id = t.get("id").and_then(Value::as_str).ok_or_else(bad)?;
            let is_group = match t
                .get("targetType")
                .and_then(Value::as_str)
                .unwrap_or("group")
            {
                "group" => true,
                "user" => false,
                _ => return Err(bad()),
            };
            Ok(Target {
                id: id.to_owned(),
                is_group,
                registration_required: t
                    .get("isRegistrationRequired")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                usable_for_sign_in: sms
                    && t.get("isUsableForSignIn")
                        .and_then(Value::as_bool)
                        .unwrap_or(true),
                authenticator_mode: authenticator_mode(t.get("authenticationMode"))?,
            })
        })
        .collect()
}

fn int(body: &Map<String, Value>, key: &str) -> Result<Option<i64>, GraphError> {
    match body.get(key) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            GraphError::odata(format!(
                "Cannot convert the literal to the expected type 'Edm.Int32' for property '{key}'."
            ))
        }),
    }
}

fn patch(ctx: &mut Ctx<'_>, req: &GraphRequest, kind: MethodKind) -> GraphResult {
    if !ctx.caller.powers.write_policy {
        return Err(GraphError::access_denied());
    }
    let body = req.json_object()?;
    only_properties(
        &body,
        &[
            "id",
            "state",
            "includeTargets",
            "excludeTargets",
            "isOfficePhoneAllowed",
            "defaultLifetimeInMinutes",
            "defaultLength",
            "minimumLifetimeInMinutes",
            "maximumLifetimeInMinutes",
            "isUsableOnce",
            "isSoftwareOathEnabled",
            "isAttestationEnforced",
            "isSelfServiceRegistrationAllowed",
            "allowExternalIdToUseEmailOtp",
        ],
        "authenticationMethodConfiguration",
    )?;
    let mut policy = ctx.inner.policy.clone();
    let Some(c) = policy.config_mut(kind) else {
        return Err(GraphError::resource_not_found(kind.id()));
    };
    match body.get("state").and_then(Value::as_str) {
        Some("enabled") => c.enabled = true,
        Some("disabled") => c.enabled = false,
        Some(other) => return Err(GraphError::odata(format!("Requested value '{other}' was not found in enum 'microsoft.graph.authenticationMethodState'."))),
        None => {}
    }
    if let Some(t) = body.get("includeTargets") {
        c.include = parse_targets(t, kind == MethodKind::Sms)?;
    }
    if let Some(t) = body.get("excludeTargets") {
        c.exclude = parse_targets(t, false)?;
    }
    if let Some(b) = body.get("isOfficePhoneAllowed").and_then(Value::as_bool) {
        policy.office_phone_allowed = b;
    }
    if let Some(b) = body.get("isUsableOnce").and_then(Value::as_bool) {
        policy.tap.usable_once = b;
    }
    if let Some(b) = body.get("isSoftwareOathEnabled").and_then(Value::as_bool) {
        policy.authenticator_software_oath = b;
    }
    if let Some(b) = body.get("isAttestationEnforced").and_then(Value::as_bool) {
        policy.fido2_attestation_enforced = b;
    }
    if let Some(b) = body
        .get("isSelfServiceRegistrationAllowed")
        .and_then(Value::as_bool)
    {
        policy.fido2_self_service = b;
    }
    if let Some(s) = body
        .get("allowExternalIdToUseEmailOtp")
        .and_then(Value::as_str)
    {
        policy.email_external_otp = s.to_owned();
    }
    let tap = &mut policy.tap;
    tap.default_lifetime = int(&body, "defaultLifetimeInMinutes")?.unwrap_or(tap.default_lifetime);
    tap.minimum_lifetime = int(&body, "minimumLifetimeInMinutes")?.unwrap_or(tap.minimum_lifetime);
    tap.maximum_lifetime = int(&body, "maximumLifetimeInMinutes")?.unwrap_or(tap.maximum_lifetime);
    tap.default_length = int(&body, "defaultLength")?.unwrap_or(tap.default_length);
    let in_range = |m: i64| (10..=43_200).contains(&m);
    if !in_range(tap.minimum_lifetime)
        || !in_range(tap.maximum_lifetime)
        || !in_range(tap.default_lifetime)
        || tap.minimum_lifetime > tap.default_lifetime
        || tap.default_lifetime > tap.maximum_lifetime
        || !(8..=48).contains(&tap.default_length)
    {
        return Err(GraphError::bad_request(
            "Invalid Temporary Access Pass settings: lifetimes must be 10–43200 minutes with minimum ≤ default ≤ maximum, and defaultLength 8–48.",
        ));
    }
    policy.last_modified = ctx.now;
    ctx.inner.policy = policy;
    ctx.inner.counters.writes_applied += 1;
    Ok(Reply::no_content())
}
