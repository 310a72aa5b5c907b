//! One Graph request, transport-free: the parsed request, the context it runs in, and the
//! segment router that hands it to the resource modules. Shared by HTTP and `$batch`.

use axum::http::Method;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::errors::{GraphError, GraphResult};
use crate::odata::Query;
use crate::state::{Caller, Inner, Shared};
use crate::{access, groups, methods, organization, policy_api, reports, sign_ins, users};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiVersion {
    V1,
    Beta,
}

impl ApiVersion {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

/// A Graph request after transport: method, decoded path segments, options, body.
#[derive(Clone, Debug)]
pub(crate) struct GraphRequest {
    pub version: ApiVersion,
    pub method: Method,
    /// Decoded segments after the version, as sent.
    pub segments: Vec<String>,
    /// The same, lower-cased, for routing.
    pub lower: Vec<String>,
    pub query: Query,
    /// `ConsistencyLevel: eventual` was sent.
    pub eventual: bool,
    pub body: Option<Vec<u8>>,
}

impl GraphRequest {
    pub(crate) fn new(
        version: ApiVersion,
        method: Method,
        path: &str,
        query: Option<&str>,
        eventual: bool,
        body: Option<Vec<u8>>,
    ) -> GraphRequest {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let lower = segments.iter().map(|s| s.to_lowercase()).collect();
        GraphRequest {
            version,
            method,
            segments,
            lower,
            query: Query::parse(query),
            eventual,
            body,
        }
    }

    pub(crate) fn is_write(&self) -> bool {
        self.method != Method::GET && self.method != Method::HEAD
    }

    /// Answers 405 unless the request uses `method`.
    pub(crate) fn only(&self, method: Method) -> Result<(), GraphError> {
        if self.method == method {
            Ok(())
        } else {
            Err(GraphError::method_not_allowed())
        }
    }

    /// The JSON object body, or Graph's 400 for a missing or malformed payload.
    pub(crate) fn json_object(&self) -> Result<Map<String, Value>, GraphError> {
        let bytes = self.body.as_deref().unwrap_or_default();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(GraphError::odata("Empty Payload. JSON content expected."));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(GraphError::odata(
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
            )),
        }
    }

    /// The JSON body if there is one (an empty body is `None`).
    pub(crate) fn optional_json_object(&self) -> Result<Option<Map<String, Value>>, GraphError> {
        let empty = self
            .body
            .as_deref()
            .unwrap_or_default()
            .iter()
            .all(u8::is_ascii_whitespace);
        if empty {
            Ok(None)
        } else {
            self.json_object().map(Some)
        }
    }
}

/// Everything a resource handler may use.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub inner: &'a mut Inner,
    pub caller: &'a Caller,
    pub version: ApiVersion,
    pub now: DateTime<Utc>,
}

impl Ctx<'_> {
    /// `{base}/{version}`.
    pub(crate) fn graph_root(&self) -> String {
        format!("{}/{}", self.shared.base(), self.version.as_str())
    }

    /// `{base}/{version}/$metadata#{fragment}`.
    pub(crate) fn context(&self, fragment: &str) -> String {
        format!("{}/$metadata#{fragment}", self.graph_root())
    }

    /// The absolute URL of the request path (for next links).
    pub(crate) fn request_url(&self, req: &GraphRequest) -> String {
        let path: Vec<String> = req
            .segments
            .iter()
            .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        format!("{}/{}", self.graph_root(), path.join("/"))
    }
}

const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'?')
    .add(b'<')
    .add(b'>');

/// Routes one request by its segments.
pub(crate) fn dispatch(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    let l: Vec<&str> = req.lower.iter().map(String::as_str).collect();
    if let Some(roles) = &ctx.caller.app_roles {
        crate::app_permissions::check(roles, &req.method, &l)?;
    }
    match l.as_slice() {
        ["me", rest @ ..] => {
            let me = ctx.caller.user.ok_or_else(|| {
                GraphError::odata("/me request is only valid with delegated authentication flow.")
            })?;
            user_scope(ctx, req, me, rest, 1)
        }
        ["users"] => users::list(ctx, req),
        ["users", "$count"] => users::count(ctx, req),
        ["users", key, rest @ ..] => {
            let user = ctx
                .inner
                .dir
                .find_user(key)
                .ok_or_else(|| GraphError::resource_not_found(&req.segments[1]))?;
            user_scope(ctx, req, user, rest, 2)
        }
        ["organization"] => organization::list(ctx, req),
        ["organization", id] => organization::get(ctx, req, id),
        ["groups"] => groups::list(ctx, req),
        ["groups", id] => groups::get(ctx, req, id),
        ["groups", id, nav] => groups::members(ctx, req, id, nav, None),
        ["groups", id, nav, cast] => groups::members(ctx, req, id, nav, Some(cast)),
        ["policies", "authenticationmethodspolicy", rest @ ..] => policy_api::route(ctx, req, rest),
        ["policies", "authenticationstrengthpolicies"] => access::strengths(ctx, req, None),
        ["policies", "authenticationstrengthpolicies", _] => {
            access::strengths(ctx, req, Some(&req.segments[2]))
        }
        ["policies", "identitysecuritydefaultsenforcementpolicy"] => {
            access::security_defaults(ctx, req)
        }
        ["identity", "conditionalaccess", "policies"] => access::conditional_access(ctx, req, None),
        ["identity", "conditionalaccess", "policies", _] => {
            access::conditional_access(ctx, req, Some(&req.segments[3]))
        }
        ["auditlogs", "signins"] => sign_ins::list(ctx, req),
        ["reports", "authenticationmethods", "userregistrationdetails"] => reports::list(ctx, req),
        ["reports", "authenticationmethods", "userregistrationdetails", id] => {
            reports::get(ctx, req, id)
        }
        ["directoryroles"] => users::directory_roles(ctx, req),
        ["directoryroles", id, "members"] => users::role_members(ctx, req, id),
        [by_template, "members"] if by_template.starts_with("directoryroles(") => {
            let key = by_template.trim_start_matches("directoryroles");
            users::role_members(ctx, req, key)
        }
        [] => Err(GraphError::odata(
            "Invalid request: the resource path is empty.",
        )),
        _ => Err(GraphError::segment_not_found(unknown_segment(req, &l))),
    }
}

fn unknown_segment<'a>(req: &'a GraphRequest, l: &[&str]) -> &'a str {
    let known = [
        "users",
        "me",
        "organization",
        "groups",
        "policies",
        "identity",
        "auditlogs",
        "reports",
        "directoryroles",
    ];
    let i = if l.first().is_some_and(|s| known.contains(s)) {
        l.len() - 1
    } else {
        0
    };
    req.segments.get(i).map(String::as_str).unwrap_or_default()
}

/// `/users/{id}/...` and `/me/...`; `base` is the index of `rest` in the segments.
fn user_scope(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    user: usize,
    rest: &[&str],
    base: usize,
) -> GraphResult {
    match rest {
        [] => users::get(ctx, req, user),
        ["memberof"] => users::member_of(ctx, req, user, false, None),
        ["memberof", cast] => users::member_of(ctx, req, user, false, Some(cast)),
        ["transitivememberof"] => users::member_of(ctx, req, user, true, None),
        ["transitivememberof", cast] => users::member_of(ctx, req, user, true, Some(cast)),
        ["authentication", tail @ ..] => methods::route(ctx, req, user, tail, base + 1),
        ["revokesigninsessions" | "microsoft.graph.revokesigninsessions"] => {
            crate::sessions::revoke(ctx, req, user)
        }
        [_, ..] => Err(GraphError::segment_not_found(&req.segments[base])),
    }
}
