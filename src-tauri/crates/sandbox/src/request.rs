//! One Graph request, transport-free: the parsed request and the context a resource handler runs
//! in. A leaf for the handlers: it names no handler and no part of `graph/`, so the router can
//! depend on the handlers and the handlers on this without a cycle.

use axum::http::Method;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::errors::GraphError;
use crate::odata::Query;
use crate::state::{Caller, Inner, Shared};

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
