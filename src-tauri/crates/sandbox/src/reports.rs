//! `/reports/authenticationMethods/userRegistrationDetails` (+ `/{userId}`), computed from the
//! current directory and policy: methods registered, MFA/SSPR registered/enabled/capable,
//! preferences; beta adds `defaultMfaMethod`. Premium tenants and reader roles only (§2); enabled
//! accounts only; rows lag recent changes (`SandboxConfig::report_lag`). Rule 12 in `rules.rs`.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::directory::{Directory, PhoneType};
use crate::errors::{iso, GraphError, GraphResult, Reply};
use crate::odata::filter::{self, Field, Filterable, Kind};
use crate::odata::paging::{self, collection};
use crate::policy::MethodKind;
use crate::request::{ApiVersion, Ctx, GraphRequest};
use crate::rules::REPORT_PAGE_SIZE;

/// One computed report row.
struct Row<'a> {
    upn: &'a str,
    name: &'a str,
    guest: bool,
    methods: Vec<&'static str>,
    system_methods: Vec<&'static str>,
    preferred: &'a str,
    updated: DateTime<Utc>,
    flags: [(&'static str, bool); 8],
}

/// Microsoft Authenticator's passkey AAGUIDs (iOS, Android): `passKeyDeviceBoundAuthenticator`.
const AUTHENTICATOR_AAGUIDS: [&str; 2] = [
    "90a3ccdf-635c-4729-a248-9b709135078f",
    "de1e552d-db1d-4423-a619-566b625cdc84",
];

fn push_once(list: &mut Vec<&'static str>, name: &'static str) {
    if !list.contains(&name) {
        list.push(name);
    }
}

/// The row as the report shows it now: from the state before a recent change while it lags.
fn row<'a>(ctx: &'a Ctx<'_>, user: usize) -> Row<'a> {
    let dir = &ctx.inner.dir;
    let policy = &ctx.inner.policy;
    let u = &dir.users[user];
    let lag = chrono::Duration::from_std(ctx.shared.config.report_lag)
        .unwrap_or_else(|_| chrono::Duration::hours(1));
    let (m, prefs, updated) = u.report_state(ctx.now, lag);
    let mut methods = Vec::new();
    let mut mfa_registered = false;
    let mut mfa_capable = false;
    for (kind, name) in [
        (PhoneType::Mobile, "mobilePhone"),
        (PhoneType::AlternateMobile, "alternateMobilePhone"),
        (PhoneType::Office, "officePhone"),
    ] {
        if m.phone(kind).is_some() {
            methods.push(name);
            mfa_registered = true;
            mfa_capable |= policy.allows_phone(dir, kind, user);
        }
    }
    if m.email.is_some() {
        methods.push("email");
    }
    let authenticator_allowed = policy.allows(dir, MethodKind::MicrosoftAuthenticator, user);
    if !m.authenticators.is_empty() {
        methods.push("microsoftAuthenticatorPush");
        mfa_registered = true;
        mfa_capable |= authenticator_allowed;
    }
    let authenticator_otp = m
        .authenticators
        .iter()
        .any(|a| a.device_tag == "SoftwareTokenActivated");
    if authenticator_otp || !m.oath.is_empty() {
        methods.push("softwareOneTimePasscode");
        mfa_registered = true;
        mfa_capable |= (authenticator_otp && authenticator_allowed)
            || (!m.oath.is_empty() && policy.allows(dir, MethodKind::SoftwareOath, user));
    }
    let fido2_allowed = !m.fido2.is_empty() && policy.allows(dir, MethodKind::Fido2, user);
    for k in &m.fido2 {
        let name = if AUTHENTICATOR_AAGUIDS.contains(&k.aaguid.as_str()) {
            "passKeyDeviceBoundAuthenticator"
        } else if k.synced {
            "passKeySynced"
        } else {
            "passKeyDeviceBound"
        };
        push_once(&mut methods, name);
        mfa_registered = true;
        mfa_capable |= fido2_allowed;
    }
    if !m.hello.is_empty() {
        methods.push("windowsHelloForBusiness");
        mfa_registered = true;
        mfa_capable = true;
    }
    let tap_allowed = policy.allows(dir, MethodKind::TemporaryAccessPass, user);
    if m.taps.iter().any(|t| t.usability(ctx.now, tap_allowed).0) {
        methods.push("temporaryAccessPass");
    }
    let sspr_registered = m.phone(PhoneType::Mobile).is_some()
        || m.phone(PhoneType::Office).is_some()
        || m.email.is_some()
        || !m.authenticators.is_empty()
        || !m.oath.is_empty();
    let sspr_enabled = !u.guest;
    let passwordless = fido2_allowed || !m.hello.is_empty();
    let system_methods: Vec<&'static str> = if !prefs.system_preferred {
        Vec::new()
    } else if !m.authenticators.is_empty() {
        vec!["push"]
    } else if !m.oath.is_empty() {
        vec!["oath"]
    } else if m.phone(PhoneType::Mobile).is_some() {
        vec!["sms"]
    } else if m.phone(PhoneType::AlternateMobile).is_some() {
        vec!["voiceAlternateMobile"]
    } else if m.phone(PhoneType::Office).is_some() {
        vec!["voiceOffice"]
    } else {
        Vec::new()
    };
    Row {
        upn: &u.upn,
        name: &u.display_name,
        guest: u.guest,
        methods,
        system_methods,
        preferred: prefs.preferred.as_deref().unwrap_or("none"),
        updated,
        flags: [
            ("isAdmin", !u.roles.is_empty()),
            ("isMfaRegistered", mfa_registered),
            ("isMfaCapable", mfa_capable),
            ("isPasswordlessCapable", passwordless),
            ("isSsprRegistered", sspr_registered),
            ("isSsprEnabled", sspr_enabled),
            ("isSsprCapable", sspr_registered && sspr_enabled),
            (
                "isSystemPreferredAuthenticationMethodEnabled",
                prefs.system_preferred,
            ),
        ],
    }
}

fn default_mfa(preferred: &str) -> &'static str {
    match preferred {
        "push" => "microsoftAuthenticatorPush",
        "oath" => "softwareOneTimePasscode",
        "sms" | "voiceMobile" => "mobilePhone",
        "voiceAlternateMobile" => "alternateMobilePhone",
        "voiceOffice" => "officePhone",
        _ => "none",
    }
}

fn row_json(dir: &Directory, user: usize, r: &Row<'_>, version: ApiVersion) -> Value {
    let u = &dir.users[user];
    let mut v = json!({
        "id": u.id,
        "userPrincipalName": r.upn,
        "userDisplayName": r.name,
        "userType": if r.guest { "guest" } else { "member" },
        "methodsRegistered": r.methods,
        "systemPreferredAuthenticationMethods": r.system_methods,
        "userPreferredMethodForSecondaryAuthentication": r.preferred,
        "lastUpdatedDateTime": iso(r.updated),
    });
    for (name, value) in r.flags {
        v[name] = json!(value);
    }
    if version == ApiVersion::Beta {
        v["defaultMfaMethod"] = json!(default_mfa(r.preferred));
    }
    v
}

impl Filterable for Row<'_> {
    fn field(&self, prop: &str) -> Field<'_> {
        if let Some((_, b)) = self
            .flags
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(prop))
        {
            return Field::Bool(Some(*b));
        }
        match prop {
            "userprincipalname" => Field::Str(Some(self.upn)),
            "userdisplayname" => Field::Str(Some(self.name)),
            "usertype" => Field::Str(Some(if self.guest { "guest" } else { "member" })),
            "userpreferredmethodforsecondaryauthentication" => Field::Str(Some(self.preferred)),
            "methodsregistered" => Field::List(self.methods.clone()),
            "systempreferredauthenticationmethods" => Field::List(self.system_methods.clone()),
            _ => Field::Str(None),
        }
    }
}

fn schema(p: &str) -> Option<Kind> {
    match p {
        "isadmin"
        | "ismfaregistered"
        | "ismfacapable"
        | "ispasswordlesscapable"
        | "isssprregistered"
        | "isssprenabled"
        | "isssprcapable"
        | "issystempreferredauthenticationmethodenabled" => Some(Kind::Bool),
        "userprincipalname"
        | "userdisplayname"
        | "usertype"
        | "userpreferredmethodforsecondaryauthentication" => Some(Kind::Str),
        "methodsregistered" | "systempreferredauthenticationmethods" => Some(Kind::List),
        _ => None,
    }
}

fn guard(ctx: &Ctx<'_>) -> Result<(), GraphError> {
    if ctx.shared.config.non_premium {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        ));
    }
    if !ctx.caller.powers.read_reports {
        return Err(GraphError::access_denied());
    }
    Ok(())
}

pub(crate) fn list(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    guard(ctx)?;
    let top = paging::page_size(&req.query, REPORT_PAGE_SIZE)?;
    let offset = paging::offset(&req.query)?;
    let expr = match req.query.get("filter") {
        Some(f) => {
            let e = filter::parse(f)?;
            e.validate(&schema, "userRegistrationDetails")?;
            Some(e)
        }
        None => None,
    };
    let order: Vec<usize> = match req.query.get("orderby").map(|o| o.to_ascii_lowercase()) {
        None => (0..ctx.inner.dir.users.len()).collect(),
        Some(o) if o.starts_with("userprincipalname") => ctx.inner.dir.order_upn.clone(),
        Some(o) if o.starts_with("userdisplayname") => ctx.inner.dir.order_display_name.clone(),
        Some(o) => {
            return Err(GraphError::unsupported_query(format!(
                "Sorting by '{o}' is not supported."
            )))
        }
    };
    // Disabled accounts are not in the report (rule 12).
    let mut matched: Vec<usize> = order
        .into_iter()
        .filter(|i| ctx.inner.dir.users[*i].account_enabled)
        .filter(|i| expr.as_ref().is_none_or(|e| e.matches(&row(ctx, *i))))
        .collect();
    if req
        .query
        .get("orderby")
        .is_some_and(|o| o.to_ascii_lowercase().ends_with(" desc"))
    {
        matched.reverse();
    }
    let page = paging::slice(&matched, offset, top);
    let values = page
        .items
        .iter()
        .map(|i| row_json(&ctx.inner.dir, *i, &row(ctx, *i), req.version))
        .collect();
    let next = page
        .next_offset
        .map(|n| paging::next_link(&ctx.request_url(req), &req.query, n));
    let context = ctx.context("reports/authenticationMethods/userRegistrationDetails");
    Ok(Reply::ok(collection(context, values, None, next)))
}

pub(crate) fn get(ctx: &mut Ctx<'_>, req: &GraphRequest, id: &str) -> GraphResult {
    req.only(Method::GET)?;
    guard(ctx)?;
    let dir = &ctx.inner.dir;
    let user = dir
        .find_user(id)
        .filter(|u| dir.users[*u].account_enabled)
        .ok_or_else(|| {
            GraphError::resource_not_found(req.segments.get(3).map_or(id, String::as_str))
        })?;
    let mut v = row_json(dir, user, &row(ctx, user), req.version);
    v["@odata.context"] =
        json!(ctx.context("reports/authenticationMethods/userRegistrationDetails/$entity"));
    Ok(Reply::ok(v))
}
