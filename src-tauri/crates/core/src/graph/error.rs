//! Graph's error envelope as a type. `{"error":{"code","message","innerError":{"request-id",...}}}`
//! becomes [`ApiError`]; transport failures get their own variants. Never holds a token.

use std::time::Duration;

use serde::Deserialize;

/// An error answer from Graph, with what support needs (request-id, date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
    pub retry_after: Option<Duration>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Graph answered {} {}: {}",
            self.status, self.code, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}

/// Any failure of a Graph call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GraphError {
    #[error("{0}")]
    Api(Box<ApiError>),
    #[error("Microsoft Graph could not be reached: {0}")]
    Network(String),
    /// A write was sent but no answer came back; it must be re-read, not repeated blindly.
    #[error(
        "No answer came back for {method} {path}; the change may or may not have been applied."
    )]
    OutcomeUnknown { method: String, path: String },
    #[error("The operation was cancelled.")]
    Cancelled,
    #[error("{0}")]
    Auth(#[from] crate::auth::AuthError),
    #[error("Graph sent an answer Prestage could not read: {0}")]
    Decode(String),
    #[error("{0}")]
    InvalidInput(String),
}

impl GraphError {
    /// HTTP status for API errors; 0 for failures that never got one.
    pub fn status(&self) -> u16 {
        match self {
            GraphError::Api(e) => e.status,
            _ => 0,
        }
    }

    /// Graph's error code, or a stable code of ours for non-API failures.
    pub fn code(&self) -> &str {
        match self {
            GraphError::Api(e) => &e.code,
            GraphError::Network(_) => "networkError",
            GraphError::OutcomeUnknown { .. } => "outcomeUnknown",
            GraphError::Cancelled => "cancelled",
            GraphError::Auth(_) => "authenticationFailed",
            GraphError::Decode(_) => "unreadableResponse",
            GraphError::InvalidInput(_) => "invalidInput",
        }
    }

    pub fn message(&self) -> String {
        match self {
            GraphError::Api(e) => e.message.clone(),
            other => other.to_string(),
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Api(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GraphError::Api(e) => e.retry_after,
            _ => None,
        }
    }

    /// True for a 404 of an unknown user or method.
    pub fn is_not_found(&self) -> bool {
        self.status() == 404
    }
}

#[derive(Deserialize)]
struct Envelope {
    error: EnvelopeError,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default, alias = "innererror")]
    inner_error: Option<InnerError>,
}

#[derive(Deserialize)]
struct InnerError {
    #[serde(rename = "request-id")]
    request_id: Option<String>,
    #[serde(rename = "client-request-id")]
    client_request_id: Option<String>,
    date: Option<String>,
}

/// Builds an [`ApiError`] from a status, the response's `request-id` header and its body.
pub(crate) fn parse_error(
    status: u16,
    header_request_id: Option<String>,
    retry_after: Option<Duration>,
    body: &[u8],
) -> ApiError {
    match serde_json::from_slice::<Envelope>(body) {
        Ok(env) => {
            let inner = env.error.inner_error;
            ApiError {
                status,
                code: if env.error.code.is_empty() {
                    fallback_code(status)
                } else {
                    env.error.code
                },
                message: env.error.message,
                request_id: inner
                    .as_ref()
                    .and_then(|i| i.request_id.clone())
                    .or(header_request_id),
                client_request_id: inner.as_ref().and_then(|i| i.client_request_id.clone()),
                date: inner.and_then(|i| i.date),
                retry_after,
            }
        }
        Err(_) => ApiError {
            status,
            code: fallback_code(status),
            message: String::from_utf8_lossy(body).chars().take(300).collect(),
            request_id: header_request_id,
            client_request_id: None,
            date: None,
            retry_after,
        },
    }
}

fn fallback_code(status: u16) -> String {
    match status {
        400 => "badRequest",
        401 => "unauthenticated",
        403 => "accessDenied",
        404 => "itemNotFound",
        409 => "conflict",
        429 => "TooManyRequests",
        503 => "serviceNotAvailable",
        _ => "httpError",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_graph_envelope() {
        let body = br#"{"error":{"code":"Request_UnsupportedQuery","message":"needs header","innerError":{"date":"2026-11-21T10:00:00","request-id":"abc","client-request-id":"def"}}}"#;
        let e = parse_error(400, Some("hdr".into()), None, body);
        assert_eq!(e.code, "Request_UnsupportedQuery");
        assert_eq!(e.request_id.as_deref(), Some("abc"));
        assert_eq!(e.client_request_id.as_deref(), Some("def"));
        assert_eq!(e.date.as_deref(), Some("2026-11-21T10:00:00"));
    }

    #[test]
    fn non_json_body_keeps_status_and_header_id() {
        let e = parse_error(
            503,
            Some("hdr".into()),
            Some(Duration::from_secs(2)),
            b"<html>",
        );
        assert_eq!(e.code, "serviceNotAvailable");
        assert_eq!(e.request_id.as_deref(), Some("hdr"));
        assert_eq!(e.retry_after, Some(Duration::from_secs(2)));
    }
}
