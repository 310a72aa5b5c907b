//! One Graph request, end to end: admission by the throttle engine, bearer token, the retry rule,
//! one silent token refresh on 401, and error parsing. All typed calls funnel through `send`.

use std::time::{Instant, SystemTime};

use crate::error_text::chain as error_chain;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use super::error::parse_error;
use super::{GraphClient, GraphError};
use crate::throttle::{retry_after, Attempt, ClientEvent, Decision, Lane, Outcome};

/// A successful answer, before decoding.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl RawResponse {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        serde_json::from_slice(&self.body).map_err(|e| GraphError::Decode(e.to_string()))
    }
}

/// One logical request (retries resend it unchanged).
pub(crate) struct Call {
    pub method: Method,
    pub url: Url,
    pub body: Option<serde_json::Value>,
    pub headers: Vec<(&'static str, String)>,
    /// A read: may be re-sent after an unanswered attempt. A write never is (re-read first).
    pub read_only: bool,
    /// The throttle lane when not the read or write lane (the reports have their own quota).
    pub lane: Option<Lane>,
}

impl Call {
    pub fn new(method: Method, url: Url) -> Self {
        let read_only = method == Method::GET;
        Self {
            method,
            url,
            body: None,
            headers: Vec::new(),
            read_only,
            lane: None,
        }
    }
    pub fn on_lane(mut self, lane: Lane) -> Self {
        self.lane = Some(lane);
        self
    }
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A page of a Graph collection.
#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

impl GraphClient {
    pub(crate) fn emit(&self, event: ClientEvent) {
        if let Some(sink) = &self.inner.events {
            sink(&event);
        }
    }

    /// Sends `call` under the throttle engine and returns the 2xx answer or a typed error.
    pub(crate) async fn send(&self, call: Call) -> Result<RawResponse, GraphError> {
        let engine = &self.inner.engine;
        let read_only = call.read_only;
        let lane = call
            .lane
            .unwrap_or(if read_only { Lane::Read } else { Lane::Write });
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let started = Instant::now();
        let mut attempt = 0u32;
        let mut refreshed = false;
        // Set once Graph throttles this request: from then on it goes ahead of new ones.
        let mut turn = None;
        let mut next = Attempt::First;
        let mut token = self.inner.tokens.access_token().await?;
        loop {
            attempt += 1;
            let permit = engine
                .admit(&self.cancel, lane, next)
                .await
                .map_err(|_| GraphError::Cancelled)?;
            let mut request = self
                .inner
                .http
                .request(call.method.clone(), call.url.clone())
                .header(AUTHORIZATION, token.bearer_header())
                .header("client-request-id", &client_request_id);
            for (name, value) in &call.headers {
                request = request.header(*name, value);
            }
            if let Some(body) = &call.body {
                request = request.header(CONTENT_TYPE, "application/json").json(body);
            }
            let sent_at = tokio::time::Instant::now();
            let result = async {
                let response = request.send().await?;
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>(RawResponse {
                    status,
                    headers,
                    body,
                })
            }
            .await;
            drop(permit);

            let outcome = match &result {
                Ok(r) => Outcome::Status {
                    status: r.status,
                    retry_after: r
                        .headers
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry_after::parse(v, SystemTime::now())),
                },
                Err(e) if e.is_connect() => Outcome::ConnectFailed,
                Err(e) if e.is_builder() => return Err(GraphError::InvalidInput(e.to_string())),
                Err(_) => Outcome::NoAnswer,
            };

            if let Outcome::Status { status, .. } = outcome {
                if !matches!(status, 429 | 503) {
                    engine.answered(lane, 1);
                }
            }

            if let (Ok(r), false) = (&result, refreshed) {
                if r.status == 401 {
                    refreshed = true;
                    attempt -= 1;
                    token = self.inner.tokens.refresh_after_unauthorized(&token).await?;
                    continue;
                }
            }

            match engine.decide(outcome, read_only, attempt) {
                Decision::Retry {
                    wait,
                    shared,
                    from_header,
                } => {
                    // Only a 429 is about the quota: it takes the lane's turn so newer requests
                    // cannot take the quota it waited for. A 503 is one request's bad luck and
                    // waits alone (holding the lane for it idled every row behind it).
                    if matches!(outcome, Outcome::Status { status: 429, .. }) && turn.is_none() {
                        turn = Some(engine.throttled_turn(lane));
                    }
                    next = match outcome {
                        Outcome::Status { status: 503, .. } | Outcome::ConnectFailed => {
                            Attempt::AfterRefusal
                        }
                        _ if turn.is_some() => Attempt::AfterThrottle,
                        _ => Attempt::First,
                    };
                    // In-flight 429s of an episode already being waited out wait alone.
                    let shared = shared && engine.hold_all_for(lane, wait, sent_at);
                    if shared {
                        self.emit(ClientEvent::Throttled { wait, from_header });
                    }
                    self.emit(ClientEvent::Retrying {
                        attempt,
                        wait,
                        reason: match outcome {
                            Outcome::Status { status, .. } => format!("HTTP {status}"),
                            Outcome::ConnectFailed => "connection failed".into(),
                            Outcome::NoAnswer => "no answer".into(),
                        },
                    });
                    if !shared {
                        engine
                            .pause(wait, &self.cancel)
                            .await
                            .map_err(|_| GraphError::Cancelled)?;
                    }
                    token = self.inner.tokens.access_token().await?;
                }
                Decision::Unknown => {
                    return Err(GraphError::OutcomeUnknown {
                        method: call.method.to_string(),
                        path: call.url.path().to_string(),
                    })
                }
                Decision::Done => {
                    return match result {
                        Ok(r) => {
                            self.emit(ClientEvent::Completed {
                                method: call.method.to_string(),
                                status: r.status,
                                elapsed: started.elapsed(),
                            });
                            if (200..300).contains(&r.status) {
                                Ok(r)
                            } else {
                                let (status, retry) = match outcome {
                                    Outcome::Status {
                                        status,
                                        retry_after,
                                    } => (status, retry_after),
                                    _ => (r.status, None),
                                };
                                let request_id = header_str(&r.headers, "request-id");
                                Err(GraphError::Api(Box::new(parse_error(
                                    status, request_id, retry, &r.body,
                                ))))
                            }
                        }
                        Err(e) => Err(GraphError::Network(error_chain(&e))),
                    };
                }
            }
        }
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(&self, call: Call) -> Result<T, GraphError> {
        self.send(call).await?.json()
    }

    /// Follows `@odata.nextLink` until the collection ends (or `limit` items are collected).
    pub(crate) async fn get_pages<T: DeserializeOwned>(
        &self,
        first: Call,
        limit: Option<usize>,
    ) -> Result<Vec<T>, GraphError> {
        let headers = first.headers.clone();
        let lane = first.lane;
        let mut items = Vec::new();
        let mut page: Page<T> = self.get_json(first).await?;
        loop {
            items.append(&mut page.value);
            if limit.is_some_and(|l| items.len() >= l) {
                break;
            }
            let Some(next) = page.next_link.take() else {
                break;
            };
            let url = self.same_origin(&next)?;
            let mut call = Call::new(Method::GET, url);
            call.headers = headers.clone();
            call.lane = lane;
            page = self.get_json(call).await?;
        }
        Ok(items)
    }

    /// A nextLink must point back at the Graph host we talk to: the token never goes elsewhere.
    pub(crate) fn same_origin(&self, link: &str) -> Result<Url, GraphError> {
        let url = Url::parse(link).map_err(|e| GraphError::Decode(format!("bad nextLink: {e}")))?;
        if url.origin() != self.inner.base.origin() {
            return Err(GraphError::Decode("nextLink points to another host".into()));
        }
        Ok(url)
    }

    pub(crate) async fn post_json<T: DeserializeOwned, B: Serialize>(
        &self,
        url: Url,
        body: &B,
    ) -> Result<T, GraphError> {
        let body =
            serde_json::to_value(body).map_err(|e| GraphError::InvalidInput(e.to_string()))?;
        self.send(Call::new(Method::POST, url).json(body))
            .await?
            .json()
    }

    /// Escape hatch for tools and tests: any method on `{base}{version}/{path_and_query}`.
    pub async fn raw(
        &self,
        method: Method,
        api: super::Api,
        path_and_query: &str,
        body: Option<serde_json::Value>,
    ) -> Result<RawResponse, GraphError> {
        let base = self.url(api, &[]);
        let url = Url::parse(&format!(
            "{}/{}",
            base.as_str().trim_end_matches('/'),
            path_and_query
        ))
        .map_err(|e| GraphError::InvalidInput(e.to_string()))?;
        let mut call = Call::new(method, url);
        call.body = body;
        self.send(call).await
    }
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .map(str::to_string)
}
