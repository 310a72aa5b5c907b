//! Graph over HTTP: latency, faults, body and headers in, rendering with Graph's headers
//! (`request-id`, `client-request-id`, `x-ms-resource-unit`, ...) out. Layering, no cycles:
//! this file and `batch` -> `admit` (caller, throttle) -> `router` -> the resource handlers ->
//! `crate::request` (the request and its context, a leaf). Resource logic lives in the handlers.

mod admit;
mod batch;
mod router;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use crate::errors::{GraphError, Reply};
use crate::faults::{self, Fault};
use crate::request::{ApiVersion, GraphRequest};
use crate::server::ConnKill;
use crate::state::Shared;
use admit::Outcome;

const JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const MAX_BODY: usize = 4 * 1024 * 1024;

pub(crate) async fn v1(state: State<Arc<Shared>>, req: Request) -> Response {
    handle(state, ApiVersion::V1, req).await
}

pub(crate) async fn beta(state: State<Arc<Shared>>, req: Request) -> Response {
    handle(state, ApiVersion::Beta, req).await
}

async fn handle(State(shared): State<Arc<Shared>>, version: ApiVersion, req: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = req
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| request_id.clone(), str::to_owned);
    let kill = req.extensions().get::<ConnKill>().cloned();
    let (wait, fault, extra) = {
        let mut inner = shared.lock();
        let wait = faults::latency(
            &mut inner,
            shared.config.latency,
            shared.config.latency_jitter,
        );
        let (fault, extra) = faults::roll(&mut inner);
        inner.counters.graph_requests += 1;
        if fault == Fault::Unavailable {
            inner.counters.faults_503 += 1;
        }
        (wait, fault, extra)
    };
    let total_wait = wait + extra;
    if !total_wait.is_zero() {
        tokio::time::sleep(total_wait).await;
    }
    if fault == Fault::Unavailable {
        let out = Outcome {
            result: Err(faults::service_unavailable()),
            ru: None,
            used_percent: None,
        };
        return render(out, &request_id, &client_request_id);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let err = GraphError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BadRequest",
                "Request body too large.",
            );
            let out = Outcome {
                result: Err(err),
                ru: None,
                used_percent: None,
            };
            return render(out, &request_id, &client_request_id);
        }
    };
    let prefix = format!("/{}", version.as_str());
    let path = parts.uri.path().strip_prefix(&prefix).unwrap_or_default();
    let eventual = consistency_eventual(&parts.headers);
    let body = (!bytes.is_empty()).then(|| bytes.to_vec());
    let greq = GraphRequest::new(
        version,
        parts.method.clone(),
        path,
        parts.uri.query(),
        eventual,
        body,
    );
    let auth = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);

    if let Fault::Drop { apply } = fault {
        if !greq.is_write() || !apply {
            record_drop(&shared, greq.is_write());
            return drop_connection(kill).await;
        }
    }
    let out = if greq.lower.first().is_some_and(|s| s == "$batch") && greq.lower.len() == 1 {
        batch::run(&shared, &greq, auth.as_deref())
    } else {
        admit::process(&shared, &greq, auth.as_deref())
    };
    if let Fault::Drop { .. } = fault {
        shared.lock().counters.drops_write_applied += 1;
        return drop_connection(kill).await;
    }
    render(out, &request_id, &client_request_id)
}

fn record_drop(shared: &Shared, write: bool) {
    let mut inner = shared.lock();
    if write {
        inner.counters.drops_write_not_applied += 1;
    } else {
        inner.counters.drops_read += 1;
    }
}

fn consistency_eventual(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"))
}

/// Closes the connection without answering: the connection task aborts when notified.
async fn drop_connection(kill: Option<ConnKill>) -> Response {
    match kill {
        Some(k) => {
            k.0.notify_one();
            std::future::pending::<Response>().await
        }
        None => {
            let out = Outcome {
                result: Err(faults::service_unavailable()),
                ru: None,
                used_percent: None,
            };
            render(out, "dropped", "dropped")
        }
    }
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// The HTTP response for an outcome, with Graph's common headers.
pub(crate) fn render(out: Outcome, request_id: &str, client_request_id: &str) -> Response {
    let (status, body, text, extra) = match out.result {
        Ok(Reply {
            status,
            body,
            headers,
            text,
        }) => (status, body, text, headers),
        Err(e) => (
            e.status,
            Some(e.envelope(request_id, client_request_id)),
            None,
            e.headers,
        ),
    };
    let mut response = match (&body, text) {
        (Some(v), _) => Response::new(Body::from(serde_json::to_vec(v).unwrap_or_default())),
        (None, Some(t)) => Response::new(Body::from(t)),
        (None, None) => Response::new(Body::empty()),
    };
    *response.status_mut() = status;
    let h = response.headers_mut();
    if body.is_some() {
        set(h, "content-type", JSON);
    } else if status != StatusCode::NO_CONTENT {
        set(h, "content-type", "text/plain");
    }
    set(h, "request-id", request_id);
    set(h, "client-request-id", client_request_id);
    set(
        h,
        "x-ms-ags-diagnostic",
        r#"{"ServerInfo":{"DataCenter":"Sandbox","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"SANDBOX"}}"#,
    );
    set(h, "x-ms-resource-unit", &out.ru.unwrap_or(1).to_string());
    if let Some(p) = out.used_percent {
        set(h, "x-ms-throttle-limit-percentage", &format!("{p:.2}"));
    }
    if status == StatusCode::UNAUTHORIZED {
        set(
            h,
            "www-authenticate",
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#,
        );
    }
    for (name, value) in extra {
        set(h, name, &value);
    }
    response
}
