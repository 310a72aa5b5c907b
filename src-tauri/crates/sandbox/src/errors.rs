//! Graph's answer types: a successful `Reply` and a `GraphError` that renders Graph's error
//! envelope `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
//! Which rule yields which error is decided in `rules.rs`.

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{json, Value};

/// A successful Graph answer before the common headers are added.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
    /// The body is plain text (`/users/$count`), not JSON.
    pub text: Option<String>,
}

impl Reply {
    pub(crate) fn ok(body: Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: Some(body),
            headers: Vec::new(),
            text: None,
        }
    }

    pub(crate) fn created(body: Value) -> Reply {
        Reply {
            status: StatusCode::CREATED,
            body: Some(body),
            headers: Vec::new(),
            text: None,
        }
    }

    pub(crate) fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: None,
            headers: Vec::new(),
            text: None,
        }
    }

    pub(crate) fn text(s: String) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: None,
            headers: Vec::new(),
            text: Some(s),
        }
    }
}

/// A Graph error: status, `code` (branch on this) and developer `message`.
#[derive(Debug, Clone)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub headers: Vec<(&'static str, String)>,
}

pub(crate) type GraphResult = Result<Reply, GraphError>;

impl GraphError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// 400 `badRequest`: the authentication-methods service's validation code.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "badRequest", message)
    }

    /// 400 `BadRequest`: the OData layer (unknown segment, bad JSON, bad syntax).
    pub(crate) fn odata(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 400 `Request_BadRequest`: the directory layer.
    pub(crate) fn directory_bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
    }

    /// 400 `Request_UnsupportedQuery`.
    pub(crate) fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", message)
    }

    /// 404 `Request_ResourceNotFound` for an unknown user, group or report row.
    pub(crate) fn resource_not_found(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{key}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    /// 404 `itemNotFound` for an unknown authentication method id.
    pub(crate) fn item_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("The authentication method '{id}' was not found for this user."),
        )
    }

    /// 403 `accessDenied` "Request Authorization failed".
    pub(crate) fn access_denied() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "accessDenied",
            "Request Authorization failed",
        )
    }

    pub(crate) fn segment_not_found(segment: &str) -> Self {
        Self::odata(format!("Resource not found for the segment '{segment}'."))
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "BadRequest",
            "The HTTP method is not supported by the requested resource.",
        )
    }

    pub(crate) fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    }

    /// The JSON envelope with `innerError` for support.
    pub(crate) fn envelope(&self, request_id: &str, client_request_id: &str) -> Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": graph_date(),
                    "request-id": request_id,
                    "client-request-id": client_request_id,
                }
            }
        })
    }
}

/// Graph's `innerError.date` form, e.g. `2024-05-01T09:30:00`.
pub(crate) fn graph_date() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// ISO 8601 with a `Z`, as Graph renders `DateTimeOffset` values.
pub(crate) fn iso(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
