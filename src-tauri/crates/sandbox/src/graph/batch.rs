//! `POST /$batch`: up to 20 sub-requests with unique ids, relative URLs, headers, JSON bodies
//! (Content-Type required) and `dependsOn` (a failed prerequisite makes dependents 424). Each
//! sub-request is throttled on its own; the batch answers 200 with every sub-response.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use super::admit::{self, outcome_body, Outcome};
use crate::errors::{GraphError, Reply};
use crate::request::GraphRequest;
use crate::state::Shared;

const MAX_REQUESTS: usize = 20;

struct Sub {
    id: String,
    method: String,
    url: String,
    headers: Map<String, Value>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

fn whole(err: GraphError) -> Outcome {
    Outcome {
        result: Err(err),
        ru: None,
        used_percent: None,
    }
}

fn parse(outer: &GraphRequest) -> Result<Vec<Sub>, GraphError> {
    let body = outer.json_object()?;
    let invalid = || GraphError::odata("Invalid batch payload format.");
    let requests = body
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(invalid)?;
    if requests.len() > MAX_REQUESTS {
        return Err(GraphError::odata(format!(
            "Number of batch requests exceeds the limit of {MAX_REQUESTS}."
        )));
    }
    let mut subs = Vec::with_capacity(requests.len());
    for r in requests {
        let id = match r.get("id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(invalid()),
        };
        let method = r
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(invalid)?
            .to_ascii_uppercase();
        let url = r
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(invalid)?
            .to_owned();
        let headers = r
            .get("headers")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let depends_on = match r.get("dependsOn") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|d| {
                    d.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| d.to_string())
                })
                .collect(),
            Some(_) => return Err(invalid()),
        };
        subs.push(Sub {
            id,
            method,
            url,
            headers,
            body: r.get("body").cloned().filter(|b| !b.is_null()),
            depends_on,
        });
    }
    let mut seen = HashMap::new();
    for (i, s) in subs.iter().enumerate() {
        if seen.insert(s.id.clone(), i).is_some() {
            return Err(GraphError::odata(format!(
                "Batch request contains duplicate id '{}'.",
                s.id
            )));
        }
    }
    for s in &subs {
        if let Some(d) = s.depends_on.iter().find(|d| !seen.contains_key(*d)) {
            return Err(GraphError::odata(format!(
                "Request id '{}' depends on unknown request id '{d}'.",
                s.id
            )));
        }
    }
    Ok(subs)
}

/// Execution order honouring `dependsOn` (stable otherwise), or 400 on a cycle.
fn order(subs: &[Sub]) -> Result<Vec<usize>, GraphError> {
    let index: HashMap<&str, usize> = subs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut done = vec![false; subs.len()];
    let mut out = Vec::with_capacity(subs.len());
    while out.len() < subs.len() {
        let next = (0..subs.len()).find(|i| {
            !done[*i]
                && subs[*i]
                    .depends_on
                    .iter()
                    .all(|d| index.get(d.as_str()).is_some_and(|j| done[*j]))
        });
        let Some(i) = next else {
            return Err(GraphError::odata(
                "Batch request dependsOn contains a cycle.",
            ));
        };
        done[i] = true;
        out.push(i);
    }
    Ok(out)
}

fn header(headers: &Map<String, Value>, name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str().map(str::to_owned))
}

fn canonical(name: &str) -> String {
    match name {
        "retry-after" => "Retry-After".into(),
        "content-type" => "Content-Type".into(),
        "location" => "Location".into(),
        other => other.to_owned(),
    }
}

fn sub_response(
    id: &str,
    status: StatusCode,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
) -> Value {
    let mut h = Map::new();
    if body.is_some() {
        h.insert("Content-Type".into(), json!("application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"));
    }
    for (k, v) in headers {
        h.insert(canonical(k), json!(v));
    }
    let mut r = json!({"id": id, "status": status.as_u16(), "headers": h});
    if let Some(b) = body {
        r["body"] = b;
    }
    r
}

pub(crate) fn run(shared: &Shared, outer: &GraphRequest, auth: Option<&str>) -> Outcome {
    if outer.method != Method::POST {
        return whole(GraphError::method_not_allowed());
    }
    let mut inner = shared.lock();
    let caller = match admit::caller(&inner, auth) {
        Ok(c) => c,
        Err(e) => return whole(e),
    };
    let subs = match parse(outer) {
        Ok(s) => s,
        Err(e) => return whole(e),
    };
    let sequence = match order(&subs) {
        Ok(o) => o,
        Err(e) => return whole(e),
    };
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut responses = Vec::with_capacity(subs.len());
    for i in sequence {
        let s = &subs[i];
        let request_id = uuid::Uuid::new_v4().to_string();
        let failed_dep = s
            .depends_on
            .iter()
            .any(|d| statuses.get(d).is_none_or(|st| !(200..300).contains(st)));
        let early = if failed_dep {
            Some(GraphError::new(
                StatusCode::FAILED_DEPENDENCY,
                "FailedDependency",
                "The dependent request failed.",
            ))
        } else if s.body.is_some() && header(&s.headers, "content-type").is_none() {
            Some(GraphError::odata(format!(
                "Write request id : {} does not contain Content-Type header or body.",
                s.id
            )))
        } else if s.url.starts_with("http://") || s.url.starts_with("https://") {
            Some(GraphError::odata(
                "Invalid request URI: batch sub-request URLs must be relative.",
            ))
        } else {
            Method::from_bytes(s.method.as_bytes())
                .err()
                .map(|_| GraphError::odata(format!("Invalid method '{}'.", s.method)))
        };
        let out = match early {
            Some(e) => whole(e),
            None => {
                let (path, query) = match s.url.split_once('?') {
                    Some((p, q)) => (p, Some(q)),
                    None => (s.url.as_str(), None),
                };
                let method = Method::from_bytes(s.method.as_bytes()).unwrap_or(Method::GET);
                let eventual = header(&s.headers, "consistencylevel")
                    .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
                let body = s
                    .body
                    .as_ref()
                    .map(|b| serde_json::to_vec(b).unwrap_or_default());
                let req = GraphRequest::new(outer.version, method, path, query, eventual, body);
                if req.lower.first().is_some_and(|p| p == "$batch") {
                    whole(GraphError::odata(
                        "Nested $batch requests are not supported.",
                    ))
                } else {
                    admit::run_admitted(shared, &mut inner, &caller, &req)
                }
            }
        };
        let (status, body, headers) = outcome_body(&out, &request_id);
        statuses.insert(s.id.clone(), status.as_u16());
        responses.push(sub_response(&s.id, status, body, headers));
    }
    Outcome {
        result: Ok(Reply::ok(json!({ "responses": responses }))),
        ru: None,
        used_percent: None,
    }
}
