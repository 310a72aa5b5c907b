//! Graph's phone-method rules, through the core client against the sandbox. Each test asserts the
//! status and error code Graph answers with.

use prestage_core::graph::{Api, GraphError, PreferredMethod, SignInPreferences};
use prestage_core::GraphClient;
use reqwest::Method;
use serde_json::json;

use crate::harness::{number, quick, tenant, ALTERNATE, MOBILE, OFFICE};

pub fn assert_graph<T: std::fmt::Debug>(result: Result<T, GraphError>, status: u16, code: &str) {
    match result {
        Err(e) => {
            assert_eq!(
                (e.status(), e.code()),
                (status, code),
                "unexpected error: {e}"
            );
            assert!(
                e.request_id().is_some(),
                "Graph errors carry a request-id: {e:?}"
            );
        }
        Ok(v) => panic!("expected {status} {code}, got success: {v:?}"),
    }
}

async fn setup() -> (crate::harness::Tenant, GraphClient, String) {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let user = t.phoneless_users(&g, 1).await.remove(0);
    (t, g, user)
}

#[tokio::test]
async fn add_change_and_remove_a_mobile() {
    let (_t, g, u) = setup().await;
    let created = g
        .create_phone_method(&u, MOBILE, &number("+44 7700900123"))
        .await
        .unwrap();
    assert_eq!(created.phone_number, "+44 7700900123");
    g.update_phone_method(&u, MOBILE, &number("+44 7700900124"))
        .await
        .unwrap();
    assert_eq!(
        g.get_phone_method(&u, MOBILE).await.unwrap().phone_number,
        "+44 7700900124"
    );
    g.delete_phone_method(&u, MOBILE).await.unwrap();
    assert!(g.list_phone_methods(&u).await.unwrap().is_empty());
    assert_graph(g.get_phone_method(&u, MOBILE).await, 404, "itemNotFound");
}

#[tokio::test]
async fn one_phone_per_type() {
    let (_t, g, u) = setup().await;
    g.create_phone_method(&u, MOBILE, &number("+1 2065550100"))
        .await
        .unwrap();
    assert_graph(
        g.create_phone_method(&u, MOBILE, &number("+1 2065550101"))
            .await,
        400,
        "badRequest",
    );
    assert_eq!(g.list_phone_methods(&u).await.unwrap().len(), 1);
}

#[tokio::test]
async fn alternate_mobile_needs_a_mobile() {
    let (_t, g, u) = setup().await;
    assert_graph(
        g.create_phone_method(&u, ALTERNATE, &number("+1 2065550102"))
            .await,
        400,
        "badRequest",
    );
    g.create_phone_method(&u, MOBILE, &number("+1 2065550100"))
        .await
        .unwrap();
    g.create_phone_method(&u, ALTERNATE, &number("+1 2065550102"))
        .await
        .unwrap();
}

#[tokio::test]
async fn mobile_cannot_go_while_an_alternate_exists() {
    let (_t, g, u) = setup().await;
    g.create_phone_method(&u, MOBILE, &number("+1 2065550100"))
        .await
        .unwrap();
    g.create_phone_method(&u, ALTERNATE, &number("+1 2065550102"))
        .await
        .unwrap();
    assert_graph(g.delete_phone_method(&u, MOBILE).await, 400, "badRequest");
    g.delete_phone_method(&u, ALTERNATE).await.unwrap();
    g.delete_phone_method(&u, MOBILE).await.unwrap();
}

#[tokio::test]
async fn the_default_phone_cannot_be_deleted() {
    let (_t, g, u) = setup().await;
    g.create_phone_method(&u, OFFICE, &number("+1 4255550100x123"))
        .await
        .unwrap();
    let prefs = SignInPreferences {
        is_system_preferred_authentication_method_enabled: Some(false),
        user_preferred_method_for_secondary_authentication: Some(PreferredMethod::VoiceOffice),
    };
    g.update_sign_in_preferences(&u, &prefs).await.unwrap();
    assert_graph(g.delete_phone_method(&u, OFFICE).await, 400, "badRequest");
}

#[tokio::test]
async fn extensions_only_on_office_phones() {
    let (_t, g, u) = setup().await;
    assert_graph(
        g.create_phone_method(&u, MOBILE, &number("+1 2065550100x12"))
            .await,
        400,
        "badRequest",
    );
    g.create_phone_method(&u, OFFICE, &number("+1 4255550100x12"))
        .await
        .unwrap();
}

#[tokio::test]
async fn malformed_numbers_are_rejected_and_unspaced_ones_stored_with_the_space() {
    let (_t, g, u) = setup().await;
    let path = format!("users/{u}/authentication/phoneMethods");
    let bad = g
        .raw(
            Method::POST,
            Api::V1,
            &path,
            Some(json!({"phoneNumber": "206-555-0100", "phoneType": "mobile"})),
        )
        .await;
    assert_graph(bad, 400, "badRequest");
    let made = g
        .raw(
            Method::POST,
            Api::V1,
            &path,
            Some(json!({"phoneNumber": "+12065550100", "phoneType": "mobile"})),
        )
        .await
        .unwrap();
    assert_eq!(made.status, 201);
    assert_eq!(
        g.get_phone_method(&u, MOBILE).await.unwrap().phone_number,
        "+1 2065550100"
    );
}

#[tokio::test]
async fn phone_type_cannot_change_by_update() {
    let (_t, g, u) = setup().await;
    g.create_phone_method(&u, MOBILE, &number("+1 2065550100"))
        .await
        .unwrap();
    let path = format!(
        "users/{u}/authentication/phoneMethods/{}",
        MOBILE.method_id()
    );
    let r = g
        .raw(
            Method::PATCH,
            Api::V1,
            &path,
            Some(json!({"phoneNumber": "+1 2065550101", "phoneType": "office"})),
        )
        .await;
    assert_graph(r, 400, "badRequest");
}

#[tokio::test]
async fn unknown_users_are_not_found() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    assert_graph(
        g.get_user("nobody@nowhere.example").await,
        404,
        "Request_ResourceNotFound",
    );
    assert_graph(
        g.list_phone_methods("00000000-0000-0000-0000-000000000000")
            .await,
        404,
        "Request_ResourceNotFound",
    );
}
