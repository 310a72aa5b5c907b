//! JSON batching (`$batch`): up to 20 sub-requests, per-sub-request status, `dependsOn`.
//! Throttled (429) and unavailable (503) sub-requests — and the dependents that failed with 424
//! because of them — are re-sent after the longest Retry-After; the rest are final.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, SystemTime};

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{parse_error, ApiError};
use super::transport::Call;
use super::{Api, GraphClient, GraphError};
use crate::throttle::{retry_after, ClientEvent, Lane};

/// Graph's limit of sub-requests per batch.
pub const MAX_BATCH: usize = 20;

/// One sub-request. `url` is relative to the version root, e.g. `/users/{id}/authentication/methods`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    pub id: String,
    pub method: String,
    pub url: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl BatchRequest {
    pub fn new(id: impl Into<String>, method: Method, url: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            method: method.to_string(),
            url: url.into(),
            headers: BTreeMap::new(),
            body: None,
            depends_on: Vec::new(),
        }
    }

    pub fn get(id: impl Into<String>, url: impl Into<String>) -> Self {
        Self::new(id, Method::GET, url)
    }

    /// Adds a JSON body (and the Content-Type header Graph requires with it).
    pub fn with_body(mut self, body: Value) -> Self {
        self.headers
            .insert("Content-Type".into(), "application/json".into());
        self.body = Some(body);
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    pub fn depends_on(mut self, ids: &[&str]) -> Self {
        self.depends_on = ids.iter().map(|s| s.to_string()).collect();
        self
    }
}

/// One sub-response.
#[derive(Debug, Clone, Deserialize)]
pub struct BatchResponse {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Value,
}

impl BatchResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|v| retry_after::parse(v, SystemTime::now()))
    }

    /// Graph's error for a failed sub-request.
    pub fn error(&self) -> Option<ApiError> {
        if self.is_success() {
            return None;
        }
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        let request_id = self.header("request-id").map(str::to_string);
        Some(parse_error(
            self.status,
            request_id,
            self.retry_after(),
            &body,
        ))
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, GraphError> {
        serde_json::from_value(self.body.clone()).map_err(|e| GraphError::Decode(e.to_string()))
    }
}

#[derive(Deserialize)]
struct BatchBody {
    #[serde(default)]
    responses: Vec<BatchResponse>,
}

fn validate(requests: &[BatchRequest]) -> Result<(), GraphError> {
    if requests.is_empty() || requests.len() > MAX_BATCH {
        return Err(GraphError::InvalidInput(format!(
            "a batch holds 1 to {MAX_BATCH} requests, not {}",
            requests.len()
        )));
    }
    let mut ids = HashSet::new();
    for r in requests {
        if !ids.insert(r.id.as_str()) {
            return Err(GraphError::InvalidInput(format!(
                "batch id '{}' is used twice",
                r.id
            )));
        }
    }
    for r in requests {
        if let Some(missing) = r.depends_on.iter().find(|d| !ids.contains(d.as_str())) {
            return Err(GraphError::InvalidInput(format!(
                "'{}' depends on unknown '{missing}'",
                r.id
            )));
        }
    }
    Ok(())
}

impl GraphClient {
    /// Sends up to 20 sub-requests; returns one response per request, in request order.
    pub async fn batch(
        &self,
        api: Api,
        requests: Vec<BatchRequest>,
    ) -> Result<Vec<BatchResponse>, GraphError> {
        validate(&requests)?;
        let order: Vec<String> = requests.iter().map(|r| r.id.clone()).collect();
        let all_reads = requests
            .iter()
            .all(|r| r.method.eq_ignore_ascii_case("GET"));
        let engine = &self.inner.engine;
        let mut pending = requests;
        let mut finished: HashMap<String, BatchResponse> = HashMap::new();
        let mut round = 0u32;
        while !pending.is_empty() {
            round += 1;
            let ids: HashSet<String> = pending.iter().map(|r| r.id.clone()).collect();
            let sent: Vec<BatchRequest> = pending
                .iter()
                .cloned()
                .map(|mut r| {
                    r.depends_on.retain(|d| ids.contains(d));
                    r
                })
                .collect();
            let mut call = Call::new(Method::POST, self.url(api, &["$batch"]))
                .json(serde_json::json!({ "requests": sent }));
            call.read_only = all_reads;
            let body: BatchBody = self.send(call).await?.json()?;

            let mut by_id: HashMap<String, BatchResponse> = body
                .responses
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
            let throttled: Vec<&BatchResponse> = by_id
                .values()
                .filter(|r| r.status == 429 || r.status == 503)
                .collect();
            let wait = throttled.iter().filter_map(|r| r.retry_after()).max();
            let any_429 = throttled.iter().any(|r| r.status == 429);
            let mut retry: HashSet<String> = throttled.iter().map(|r| r.id.clone()).collect();
            // A 424 caused by a retried prerequisite was never attempted: retry it too.
            let mut grew = true;
            while grew {
                grew = false;
                for r in &pending {
                    let failed_dep = by_id.get(&r.id).is_some_and(|resp| resp.status == 424);
                    if failed_dep
                        && !retry.contains(&r.id)
                        && r.depends_on.iter().any(|d| retry.contains(d))
                    {
                        retry.insert(r.id.clone());
                        grew = true;
                    }
                }
            }
            let last_round = round > engine.options().max_retries;
            let mut next = Vec::new();
            for r in pending {
                match by_id.remove(&r.id) {
                    Some(resp) if !retry.contains(&r.id) || last_round => {
                        finished.insert(r.id.clone(), resp);
                    }
                    Some(_) => next.push(r),
                    None => {
                        return Err(GraphError::Decode(format!(
                            "the batch answer lacks '{}'",
                            r.id
                        )))
                    }
                }
            }
            pending = next;
            if pending.is_empty() {
                break;
            }
            let wait = wait.unwrap_or_else(|| engine.backoff(round));
            if any_429 {
                engine.hold_all(if all_reads { Lane::Read } else { Lane::Write }, wait);
                self.emit(ClientEvent::Throttled {
                    wait,
                    from_header: true,
                });
            } else {
                engine
                    .pause(wait, &self.cancel)
                    .await
                    .map_err(|_| GraphError::Cancelled)?;
            }
            self.emit(ClientEvent::Retrying {
                attempt: round,
                wait,
                reason: format!("{} sub-requests throttled", pending.len()),
            });
        }
        order
            .into_iter()
            .map(|id| {
                finished
                    .remove(&id)
                    .ok_or_else(|| GraphError::Decode(format!("the batch answer lacks '{id}'")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_ids_are_checked_before_sending() {
        let many: Vec<_> = (0..21)
            .map(|i| BatchRequest::get(i.to_string(), "/me"))
            .collect();
        assert!(validate(&many).is_err());
        assert!(validate(&[BatchRequest::get("1", "/me"), BatchRequest::get("1", "/me")]).is_err());
        assert!(validate(&[BatchRequest::get("1", "/me").depends_on(&["9"])]).is_err());
        assert!(validate(&[
            BatchRequest::get("1", "/me"),
            BatchRequest::get("2", "/me").depends_on(&["1"])
        ])
        .is_ok());
    }
}
