//! Directory queries, reports, batching, throttling and token expiry, through the core client
//! against the sandbox.

use std::time::Duration;

use prestage_core::graph::{Api, BatchRequest};
use prestage_core::throttle::ThrottleOptions;
use prestage_sandbox::{AdminRole, SandboxConfig};
use reqwest::Method;
use serde_json::json;

use crate::harness::{number, quick, tenant, MOBILE};
use crate::sandbox_phone_rules::assert_graph;

#[tokio::test]
async fn search_needs_the_consistency_header() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let r = g
        .raw(
            Method::GET,
            Api::V1,
            "users?$search=%22displayName:a%22",
            None,
        )
        .await;
    assert_graph(r, 400, "Request_UnsupportedQuery");
    let who = g.all_users().await.unwrap().remove(3);
    let name = who.display_name.unwrap();
    let first_word = name.split(' ').next().unwrap();
    let found = g.search_users(first_word, 25).await.unwrap();
    assert!(
        found.iter().any(|u| u.id == who.id),
        "searching '{first_word}' misses {name}"
    );
    assert!(found.iter().all(|u| u
        .display_name
        .as_deref()
        .unwrap_or("")
        .to_lowercase()
        .contains(&first_word.to_lowercase())
        || u.user_principal_name
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .starts_with(&first_word.to_lowercase())
        || u.mail
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .starts_with(&first_word.to_lowercase())));
}

#[tokio::test]
async fn top_must_be_between_1_and_999() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    assert_graph(
        g.raw(Method::GET, Api::V1, "users?$top=1000", None).await,
        400,
        "Request_BadRequest",
    );
    assert_graph(
        g.raw(Method::GET, Api::V1, "users?$top=0", None).await,
        400,
        "Request_BadRequest",
    );
    assert_eq!(
        g.search_users("", 999).await.unwrap().len(),
        999.min(count(&t))
    );
}

fn count(t: &crate::harness::Tenant) -> usize {
    t.sandbox.dump()["users"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0)
}

#[tokio::test]
async fn paging_follows_next_links_to_the_end() {
    let t = tenant(SandboxConfig {
        users: 2100,
        ..quick()
    })
    .await;
    let g = t.paa().await;
    let all = g.all_users().await.unwrap();
    assert_eq!(all.len(), count(&t));
    let ids: std::collections::HashSet<_> = all.iter().map(|u| &u.id).collect();
    assert_eq!(ids.len(), all.len(), "no user twice across pages");
    let first_page = g.search_users("", 50).await.unwrap();
    assert_eq!(first_page.len(), 50);
}

#[tokio::test]
async fn registration_report_is_computed_from_state_and_needs_a_reader_role_and_premium() {
    // No report lag here: the change must show at once (the lag has its own sandbox test).
    let t = tenant(SandboxConfig {
        report_lag: std::time::Duration::ZERO,
        ..quick()
    })
    .await;
    let paa = t.paa().await;
    let ga = t.as_role(AdminRole::GlobalAdministrator).await;
    let reader = t.as_role(AdminRole::GlobalReader).await;
    let aa = t.as_role(AdminRole::AuthenticationAdministrator).await;
    let u = t.phoneless_users(&paa, 1).await.remove(0);
    let before = ga.registration_details_of(&u).await.unwrap();
    assert!(!before.methods_registered.iter().any(|m| m == "mobilePhone"));
    paa.create_phone_method(&u, MOBILE, &number("+1 2065550160"))
        .await
        .unwrap();
    let after = reader.registration_details_of(&u).await.unwrap();
    assert!(after.methods_registered.iter().any(|m| m == "mobilePhone"));
    assert_eq!(after.is_mfa_registered, Some(true));
    let rows = ga
        .registration_details(Some("isMfaRegistered eq false"))
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.is_mfa_registered == Some(false)) && !rows.is_empty());
    assert_graph(aa.registration_details(None).await, 403, "accessDenied");

    let basic = tenant(SandboxConfig {
        non_premium: true,
        ..quick()
    })
    .await;
    let ga = basic.as_role(AdminRole::GlobalAdministrator).await;
    assert_graph(
        ga.registration_details(None).await,
        403,
        "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
    );
}

#[tokio::test]
async fn policy_and_groups_are_readable() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let voice = g.voice_configuration().await.unwrap();
    assert!(voice.is_office_phone_allowed.is_some());
    let policy = g.authentication_methods_policy().await.unwrap();
    assert!(policy["authenticationMethodConfigurations"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    let groups = g.groups().await.unwrap();
    assert!(groups.len() >= 3);
    let total: usize = {
        let mut n = 0;
        for group in &groups {
            n += g.group_transitive_users(&group.id).await.unwrap().len();
        }
        n
    };
    assert!(total > 0);
}

#[tokio::test]
async fn batch_answers_per_sub_request_and_honours_depends_on() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let u = t.phoneless_users(&g, 1).await.remove(0);
    let phones = format!("/users/{u}/authentication/phoneMethods");
    let answers = g
        .batch(
            Api::V1,
            vec![
                BatchRequest::new("1", Method::POST, phones.clone()).with_body(
                    json!({"phoneNumber": "+1 2065550170", "phoneType": "alternateMobile"}),
                ),
                BatchRequest::get("2", phones.clone()).depends_on(&["1"]),
                BatchRequest::get("3", "/users/nobody@nowhere.example"),
                BatchRequest::get("4", format!("/users/{u}")),
            ],
        )
        .await
        .unwrap();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [400, 424, 404, 200]);
    assert_eq!(answers[0].error().unwrap().code, "badRequest");
    assert_eq!(answers[2].error().unwrap().code, "Request_ResourceNotFound");

    let too_many: Vec<_> = (0..21)
        .map(|i| BatchRequest::get(i.to_string(), "/me"))
        .collect();
    assert!(g.batch(Api::V1, too_many).await.is_err());
    let r = g.raw(Method::POST, Api::V1, "$batch", Some(json!({"requests": (0..21).map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"})).collect::<Vec<_>>()}))).await;
    assert_eq!(r.unwrap_err().status(), 400);
}

#[tokio::test]
async fn a_throttled_write_changes_nothing_and_says_when_to_retry() {
    let t = tenant(SandboxConfig {
        write_quota: 2,
        write_window: Duration::from_secs(600),
        ..quick()
    })
    .await;
    let no_retry = ThrottleOptions {
        max_retries: 0,
        ..Default::default()
    };
    let g = t
        .session_with(AdminRole::PrivilegedAuthenticationAdministrator, no_retry)
        .await
        .graph()
        .clone();
    let users = t.phoneless_users(&g, 3).await;
    for u in &users[..2] {
        g.create_phone_method(u, MOBILE, &number("+1 2065550180"))
            .await
            .unwrap();
    }
    let err = g
        .create_phone_method(&users[2], MOBILE, &number("+1 2065550181"))
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (429, "TooManyRequests"));
    assert!(err
        .retry_after()
        .is_some_and(|d| d >= Duration::from_secs(1)));
    assert!(g.list_phone_methods(&users[2]).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_and_the_run_continues() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let u = t.phoneless_users(&g, 1).await.remove(0);
    t.sandbox.expire_all_tokens();
    g.create_phone_method(&u, MOBILE, &number("+1 2065550190"))
        .await
        .unwrap();
    t.sandbox.expire_all_tokens();
    assert_eq!(
        g.get_phone_method(&u, MOBILE).await.unwrap().phone_number,
        "+1 2065550190"
    );
}
