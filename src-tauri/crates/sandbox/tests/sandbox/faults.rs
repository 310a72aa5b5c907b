//! Latency and injected faults: 503 with Retry-After, dropped connections (writes applied or
//! not, both counted), slow answers; the control plane is never faulted.

use std::time::{Duration, Instant};

use prestage_sandbox::{Faults, SandboxConfig};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn service_unavailable_fault() {
    let env = default_env().await;
    let t = sign_in(&env, "gaby.admin").await;
    env.sb.set_faults(Faults {
        rate_503: 1.0,
        ..Default::default()
    });
    let r = get(&env, &t, "v1.0/me").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "serviceNotAvailable")
    );
    assert_eq!(r.headers["retry-after"], "1");
    let state = env
        .http
        .get(format!("{}_sandbox/state", env.sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        state.status(),
        StatusCode::OK,
        "the control plane is never faulted"
    );
    let body: serde_json::Value = state.json().await.unwrap();
    assert_eq!(body["counters"]["faults"]["serviceUnavailable"], 1);
    let put = env
        .http
        .put(format!("{}_sandbox/faults", env.sb.base_url()))
        .json(&json!({"rate_503": 0.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    assert_eq!(get(&env, &t, "v1.0/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn dropped_connections_and_write_accounting() {
    let env = default_env().await;
    let t = sign_in(&env, "priya.patel").await;
    let ids: Vec<String> = env.sb.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .filter(|u| plain_member(u) && phone_of(u, "office").is_none())
        .take(12)
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    env.sb.set_faults(Faults {
        rate_drop: 1.0,
        ..Default::default()
    });
    let read = env
        .http
        .get(format!("{}v1.0/me", env.sb.base_url()))
        .bearer_auth(&t)
        .send()
        .await;
    assert!(read.is_err(), "the connection closes without a response");
    for id in &ids {
        let res = env
            .http
            .post(format!(
                "{}v1.0/users/{id}/authentication/phoneMethods",
                env.sb.base_url()
            ))
            .bearer_auth(&t)
            .json(&json!({"phoneNumber": "+1 2065550142", "phoneType": "office"}))
            .send()
            .await;
        assert!(res.is_err());
    }
    env.sb.set_faults(Faults::default());
    let dump = env.sb.dump();
    let f = &dump["counters"]["faults"];
    assert_eq!(f["droppedReads"], 1);
    let applied = f["droppedWritesApplied"].as_u64().unwrap();
    let lost = f["droppedWritesNotApplied"].as_u64().unwrap();
    assert_eq!(applied + lost, ids.len() as u64);
    let with_office = dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            ids.contains(&u["id"].as_str().unwrap().to_owned()) && phone_of(u, "office").is_some()
        })
        .count() as u64;
    assert_eq!(with_office, applied);
    assert!(
        applied > 0 && lost > 0,
        "both outcomes happen with 12 writes (seeded)"
    );
}

#[tokio::test]
async fn latency_and_slow_responses() {
    let env = env(SandboxConfig {
        latency: Duration::from_millis(120),
        ..Default::default()
    })
    .await;
    let t = sign_in(&env, "gaby.admin").await;
    let start = Instant::now();
    assert_eq!(get(&env, &t, "v1.0/me").await.status, StatusCode::OK);
    assert!(start.elapsed() >= Duration::from_millis(120));
    env.sb.set_faults(Faults {
        rate_slow: 1.0,
        slow: Duration::from_millis(300),
        ..Default::default()
    });
    let start = Instant::now();
    assert_eq!(get(&env, &t, "v1.0/me").await.status, StatusCode::OK);
    assert!(start.elapsed() >= Duration::from_millis(420));
    // Many concurrent waits do not serialise.
    env.sb.set_faults(Faults::default());
    let start = Instant::now();
    let calls: Vec<_> = (0..50).map(|_| get(&env, &t, "v1.0/me")).collect();
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.status, StatusCode::OK);
    }
    assert!(start.elapsed() < Duration::from_secs(3));
}
