//! Throttling (write bucket, resource units, Retry-After forms, no state change) and `$batch`
//! (limits, ids, Content-Type, dependsOn → 424, per-sub-request 429).

use std::time::Duration;

use prestage_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

fn office(n: u32) -> serde_json::Value {
    json!({"phoneNumber": format!("+1 20655501{n:02}"), "phoneType": "office"})
}

#[tokio::test]
async fn write_quota_gives_429_with_retry_after_and_changes_nothing() {
    let env = env(SandboxConfig {
        write_quota: 3,
        write_window: Duration::from_secs(60),
        ..Default::default()
    })
    .await;
    let t = sign_in(&env, "priya.patel").await;
    let users: Vec<serde_json::Value> = env.sb.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .filter(|u| plain_member(u) && phone_of(u, "office").is_none())
        .take(4)
        .cloned()
        .collect();
    for u in &users[..3] {
        let r = post(
            &env,
            &t,
            &format!(
                "v1.0/users/{}/authentication/phoneMethods",
                u["id"].as_str().unwrap()
            ),
            office(1),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let last = &users[3];
    let r = post(
        &env,
        &t,
        &format!(
            "v1.0/users/{}/authentication/phoneMethods",
            last["id"].as_str().unwrap()
        ),
        office(2),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "TooManyRequests")
    );
    assert_eq!(r.body["error"]["message"], "Too many requests.");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_eq!(r.headers["x-ms-throttle-information"], "WriteLimitExceeded");
    assert_eq!(
        r.headers["x-ms-throttle-scope"].to_str().unwrap(),
        format!(
            "Tenant_Application/ReadWrite/{CLIENT_ID}/{}",
            env.sb.tenant_id()
        )
    );
    let dump = env.sb.dump();
    let after = dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == last["id"])
        .unwrap();
    assert!(
        phone_of(after, "office").is_none(),
        "a throttled write changes nothing"
    );
    assert_eq!(dump["counters"]["throttled"]["writeLimit"], 1);
    // Reads still go through.
    assert_eq!(get(&env, &t, "v1.0/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn resource_units_are_charged_and_reported() {
    let env = env(SandboxConfig {
        read_ru_per_10s: 10,
        retry_after_http_date: true,
        ..Default::default()
    })
    .await;
    let t = sign_in(&env, "gwen.reader").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = get(&env, &t, "v1.0/users").await;
        statuses.push(r.status);
        if r.status == StatusCode::OK {
            assert_eq!(r.headers["x-ms-resource-unit"], "2");
        } else {
            assert_eq!(
                r.headers["x-ms-throttle-information"],
                "ResourceUnitLimitExceeded"
            );
            let date = r.headers["retry-after"].to_str().unwrap();
            assert!(httpdate::parse_http_date(date).is_ok(), "{date}");
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 5);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn throttle_limit_percentage_above_80() {
    let env = env(SandboxConfig {
        read_ru_per_10s: 10,
        ..Default::default()
    })
    .await;
    let t = sign_in(&env, "gwen.reader").await;
    let mut saw = false;
    for _ in 0..9 {
        let r = get(&env, &t, "v1.0/me").await;
        saw |= r.headers.contains_key("x-ms-throttle-limit-percentage");
    }
    assert!(saw);
}

#[tokio::test]
async fn batch_limits_and_ids() {
    let env = default_env().await;
    let t = sign_in(&env, "gaby.admin").await;
    let many: Vec<_> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"}))
        .collect();
    let r = post(&env, &t, "v1.0/$batch", json!({"requests": many})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post(&env, &t, "v1.0/$batch", json!({"requests": [{"id": "1", "method": "GET", "url": "/me"}, {"id": "1", "method": "GET", "url": "/organization"}]})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post(&env, &t, "beta/$batch", json!({"requests": [
        {"id": "a", "method": "GET", "url": "/me?$select=id,displayName"},
        {"id": "b", "method": "GET", "url": "/users?$search=\"displayName:gaby\"", "headers": {"ConsistencyLevel": "eventual"}},
        {"id": "c", "method": "GET", "url": "/users?$search=\"displayName:gaby\""},
    ]})).await;
    assert_eq!(r.status, StatusCode::OK);
    let by_id = |id: &str| {
        r.body["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("a")["status"], 200);
    assert_eq!(by_id("a")["body"]["displayName"], "Gaby Admin");
    assert_eq!(by_id("b")["status"], 200);
    assert_eq!(by_id("c")["status"], 400);
    assert_eq!(
        by_id("c")["body"]["error"]["code"],
        "Request_UnsupportedQuery"
    );
}

#[tokio::test]
async fn batch_depends_on_content_type_and_sub_request_429() {
    let env = env(SandboxConfig {
        write_quota: 2,
        write_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await;
    let t = sign_in(&env, "priya.patel").await;
    let ids: Vec<String> = env.sb.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .filter(|u| plain_member(u) && phone_of(u, "office").is_none())
        .take(3)
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    let url = |i: usize| format!("/users/{}/authentication/phoneMethods", ids[i]);
    let ct = json!({"Content-Type": "application/json"});
    let r = post(&env, &t, "v1.0/$batch", json!({"requests": [
        {"id": "1", "method": "POST", "url": url(0), "headers": ct, "body": office(3)},
        {"id": "2", "method": "POST", "url": url(0), "headers": ct, "body": office(4), "dependsOn": ["1"]},
        {"id": "3", "method": "GET", "url": url(0), "dependsOn": ["2"]},
        {"id": "4", "method": "POST", "url": url(1), "body": office(5)},
        {"id": "5", "method": "POST", "url": url(2), "headers": ct, "body": office(6)},
        {"id": "6", "method": "POST", "url": url(2), "headers": ct, "body": office(7)},
    ]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let by_id = |id: &str| {
        r.body["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("1")["status"], 201);
    assert_eq!(by_id("2")["status"], 400, "duplicate office phone");
    assert_eq!(by_id("3")["status"], 424, "its prerequisite failed");
    assert_eq!(by_id("4")["status"], 400, "body without Content-Type");
    // Write quota 2: #1 and #2 used it (a rejected write still costs), so #5 and #6 are throttled.
    for id in ["5", "6"] {
        let sub = by_id(id);
        assert_eq!(sub["status"], 429, "{sub}");
        let retry: u64 = sub["headers"]["Retry-After"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry >= 1);
    }
    let dump = env.sb.dump();
    let third = dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == ids[2].as_str())
        .unwrap();
    assert!(phone_of(third, "office").is_none());
}
