//! A 20,000-user tenant: seed time and query times are printed, not asserted.

use std::time::Instant;

use prestage_sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};

use crate::common::*;

#[tokio::test]
async fn twenty_thousand_users() {
    let started = Instant::now();
    let env = env(SandboxConfig {
        users: 20_000,
        seed: 42,
        ..Default::default()
    })
    .await;
    println!("seed + start of 20,000 users: {:?}", started.elapsed());
    let t = sign_in(&env, "gwen.reader").await;
    let q = "v1.0/users?$search=%22displayName:mar%22&$count=true&$top=999&$select=id,displayName";
    let started = Instant::now();
    let r = call(
        &env,
        &t,
        Method::GET,
        q,
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    println!(
        "$search over 20,000 users (HTTP round trip): {:?}, {} hits",
        started.elapsed(),
        r.body["@odata.count"]
    );
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["@odata.count"].as_u64().unwrap() > 0);
    let started = Instant::now();
    let r = get(
        &env,
        &t,
        "v1.0/users?$filter=startswith(userPrincipalName,'zz')",
    )
    .await;
    println!("$filter over 20,000 users: {:?}", started.elapsed());
    assert_eq!(r.status, StatusCode::OK);
    let r = call(
        &env,
        &t,
        Method::GET,
        "v1.0/users/$count",
        None,
        &[("ConsistencyLevel", "eventual")],
    )
    .await;
    assert_eq!(r.body, serde_json::json!(20000));
}
