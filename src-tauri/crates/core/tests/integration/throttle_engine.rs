//! The throttle and retry engine against scripted odd responses.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::future::BoxFuture;
use prestage_core::auth::{AccessToken, AuthError, StaticToken, TokenSource};
use prestage_core::graph::{Api, BatchRequest, ClientOptions, GraphClient, GraphError};
use prestage_core::phone::{PhoneNumber, PhoneType};
use prestage_core::throttle::{ClientEvent, ThrottleOptions};
use reqwest::Method;
use tokio_util::sync::CancellationToken;

use crate::stub::{self, ok, status, Reply};

fn fast() -> ThrottleOptions {
    ThrottleOptions {
        max_concurrency: 4,
        max_retries: 3,
        base_backoff: Duration::from_millis(40),
        max_backoff: Duration::from_millis(200),
        request_timeout: Duration::from_secs(5),
    }
}

fn client(base: &url::Url, events: Option<Arc<Mutex<Vec<ClientEvent>>>>) -> GraphClient {
    let mut options = ClientOptions::new(base.clone());
    options.throttle = fast();
    if let Some(log) = events {
        options.events = Some(Arc::new(move |e: &ClientEvent| {
            log.lock().unwrap().push(e.clone())
        }));
    }
    GraphClient::new(
        options,
        Arc::new(StaticToken(AccessToken::new("stub-token"))),
    )
    .unwrap()
}

const ME: &str = r#"{"id":"1","displayName":"Me"}"#;

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let s = stub::start(vec![status(429, &[("Retry-After", &when)]), ok(ME)]).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let me = client(&s.base, Some(events.clone())).me().await.unwrap();
    assert_eq!(me.id, "1");
    // HTTP-dates have one-second resolution: at least ~1 s must have passed.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(events.lock().unwrap().iter().any(|e| matches!(
        e,
        ClientEvent::Throttled {
            from_header: true,
            ..
        }
    )));
}

#[tokio::test]
async fn one_429_holds_back_every_request_of_the_client() {
    let s = stub::start(vec![status(429, &[("Retry-After", "1")]), ok(ME)]).await;
    let c = client(&s.base, None);
    let first = tokio::spawn({
        let c = c.clone();
        async move { c.me().await }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let second_sent_at = Instant::now();
    c.me().await.unwrap();
    first.await.unwrap().unwrap();
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    // The second call was issued during the hold: it reached the server only after it.
    let throttled_at = seen[0].at;
    for later in &seen[1..] {
        assert!(
            later.at >= throttled_at + Duration::from_millis(950),
            "a request jumped the shared hold"
        );
    }
    assert!(seen[1].at > second_sent_at);
}

#[tokio::test]
async fn a_503_waits_alone_and_holds_no_one_else() {
    let s = stub::start(vec![status(503, &[("Retry-After", "1")]), ok(ME), ok(ME)]).await;
    let c = client(&s.base, None);
    let first = tokio::spawn({
        let c = c.clone();
        async move { c.me().await }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    c.me().await.unwrap();
    first.await.unwrap().unwrap();
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    // The second call went out while the first waited out its Retry-After, not after it.
    assert!(
        seen[1].at < seen[0].at + Duration::from_millis(700),
        "a 503 held back another request"
    );
    assert!(seen[2].at >= seen[0].at + Duration::from_millis(950));
}

#[tokio::test]
async fn backoff_is_used_only_without_the_header() {
    let s = stub::start(vec![status(429, &[]), ok(ME)]).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    client(&s.base, Some(events.clone())).me().await.unwrap();
    assert!(events.lock().unwrap().iter().any(|e| matches!(e, ClientEvent::Throttled { from_header: false, wait } if *wait <= Duration::from_millis(200))));
}

#[tokio::test]
async fn a_post_whose_connection_drops_is_not_repeated() {
    let s = stub::start(vec![Reply::Drop, ok("{}")]).await;
    let number = PhoneNumber::parse_graph("+1 2065550100").unwrap();
    let err = client(&s.base, None)
        .create_phone_method("u1", PhoneType::Mobile, &number)
        .await
        .unwrap_err();
    assert!(matches!(err, GraphError::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(s.seen.lock().unwrap().len(), 1, "the POST was sent again");
}

#[tokio::test]
async fn a_patch_or_delete_whose_connection_drops_is_not_repeated_either() {
    let number = PhoneNumber::parse_graph("+1 2065550100").unwrap();
    let s = stub::start(vec![Reply::Drop, ok("{}")]).await;
    let err = client(&s.base, None)
        .update_phone_method("u1", PhoneType::Mobile, &number)
        .await
        .unwrap_err();
    assert!(matches!(err, GraphError::OutcomeUnknown { .. }), "{err:?}");
    let s2 = stub::start(vec![status(504, &[]), ok("{}")]).await;
    let err = client(&s2.base, None)
        .delete_phone_method("u1", PhoneType::Mobile)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 504);
    assert_eq!(
        (s.seen.lock().unwrap().len(), s2.seen.lock().unwrap().len()),
        (1, 1)
    );
}

#[tokio::test]
async fn a_get_whose_connection_drops_is_retried() {
    let s = stub::start(vec![Reply::Drop, ok(ME)]).await;
    assert_eq!(client(&s.base, None).me().await.unwrap().id, "1");
    assert_eq!(s.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn post_is_retried_on_503_but_not_on_500() {
    let s = stub::start(vec![status(503, &[("Retry-After", "0")]), Reply::Http(201, vec![], r#"{"id":"3179e48a-750b-4051-897c-87b9720928f7","phoneNumber":"+1 2065550100","phoneType":"mobile"}"#.into())]).await;
    let number = PhoneNumber::parse_graph("+1 2065550100").unwrap();
    let created = client(&s.base, None)
        .create_phone_method("u1", PhoneType::Mobile, &number)
        .await
        .unwrap();
    assert_eq!(created.phone_number, "+1 2065550100");

    let s = stub::start(vec![status(500, &[]), ok("{}")]).await;
    let err = client(&s.base, None)
        .create_phone_method("u1", PhoneType::Mobile, &number)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 500);
    assert_eq!(s.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_retry_cap_ends_a_throttled_request_with_graphs_error() {
    let s = stub::start(vec![status(429, &[("Retry-After", "0")])]).await;
    let err = client(&s.base, None).me().await.unwrap_err();
    assert_eq!(err.status(), 429);
    assert_eq!(err.request_id(), Some("rid-429"));
    assert_eq!(s.seen.lock().unwrap().len(), 4, "1 attempt + 3 retries");
}

#[tokio::test]
async fn cancel_interrupts_a_throttle_wait() {
    let s = stub::start(vec![status(429, &[("Retry-After", "30")]), ok(ME)]).await;
    let cancel = CancellationToken::new();
    let c = client(&s.base, None).with_cancel(cancel.clone());
    let started = Instant::now();
    let task = tokio::spawn(async move { c.me().await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    cancel.cancel();
    let err = task.await.unwrap().unwrap_err();
    assert!(matches!(err, GraphError::Cancelled));
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Hands out "old" until a 401 reports it, then "new".
struct Rotating {
    refreshes: AtomicU32,
}

impl TokenSource for Rotating {
    fn access_token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let n = self.refreshes.load(Ordering::SeqCst);
        Box::pin(async move { Ok(AccessToken::new(if n == 0 { "old" } else { "new" })) })
    }
    fn refresh_after_unauthorized<'a>(
        &'a self,
        _: &'a AccessToken,
    ) -> BoxFuture<'a, Result<AccessToken, AuthError>> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(AccessToken::new("new")) })
    }
}

#[tokio::test]
async fn a_401_refreshes_once_and_the_call_continues() {
    let s = stub::start(vec![status(401, &[]), ok(ME)]).await;
    let tokens = Arc::new(Rotating {
        refreshes: AtomicU32::new(0),
    });
    let c = GraphClient::new(ClientOptions::new(s.base.clone()), tokens.clone()).unwrap();
    c.me().await.unwrap();
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen[0].authorization, "Bearer old");
    assert_eq!(seen[1].authorization, "Bearer new");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);

    // A second 401 in a row is final: no refresh loop.
    let s = stub::start(vec![status(401, &[])]).await;
    let c = GraphClient::new(ClientOptions::new(s.base.clone()), tokens.clone()).unwrap();
    assert_eq!(c.me().await.unwrap_err().status(), 401);
    assert_eq!(s.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn throttled_batch_sub_requests_are_resent_alone() {
    let first = r#"{"responses":[{"id":"a","status":200,"body":{"id":"a"}},{"id":"b","status":429,"headers":{"Retry-After":"1"},"body":{"error":{"code":"TooManyRequests","message":"Too many requests."}}}]}"#;
    let second = r#"{"responses":[{"id":"b","status":200,"body":{"id":"b"}}]}"#;
    let s = stub::start(vec![ok(first), ok(second)]).await;
    let started = Instant::now();
    let out = client(&s.base, None)
        .batch(
            Api::V1,
            vec![
                BatchRequest::get("a", "/users/a"),
                BatchRequest::get("b", "/users/b"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        out.iter()
            .map(|r| (r.id.as_str(), r.status))
            .collect::<Vec<_>>(),
        [("a", 200), ("b", 200)]
    );
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "the sub-response's Retry-After was ignored"
    );
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen
        .iter()
        .all(|r| r.method == Method::POST.as_str() && r.path == "/v1.0/$batch"));
}
