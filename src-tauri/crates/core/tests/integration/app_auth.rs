//! App-only sign-in against the sandbox over real HTTP: a certificate made here, registered as
//! an app with the narrowest permissions; the core's PS256 client assertion gets a token; the
//! token's roles are checked per endpoint; a wrong key, an expired or replayed assertion and a
//! wrong audience are refused with Entra's AADSTS codes.

use chrono::Utc;
use prestage_core::auth::{AppCredential, AppKeyError, AppSignIn, AuthError};
use prestage_core::graph::ClientOptions;
use prestage_core::phone::{PhoneNumber, PhoneType};
use prestage_core::session::Session;
use prestage_core::CoreError;
use prestage_sandbox::{self_signed_certificate, DEFAULT_APP_ROLES};

use super::harness::{quick, tenant, Tenant};

fn sign_in(t: &Tenant, credential: AppCredential) -> AppSignIn {
    AppSignIn {
        authority: t.sandbox.base_url(),
        tenant: t.sandbox.tenant_id().to_string(),
        credential,
    }
}

fn aadsts(e: CoreError) -> Option<u32> {
    match e {
        CoreError::Auth(AuthError::Rejected { aadsts, .. }) => aadsts,
        other => panic!("expected a refused sign-in, got {other:?}"),
    }
}

async fn post_assertion(t: &Tenant, client_id: &str, assertion: &str) -> serde_json::Value {
    let url = format!(
        "{}{}/oauth2/v2.0/token",
        t.sandbox.base_url(),
        t.sandbox.tenant_id()
    );
    reqwest::Client::new()
        .post(url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("scope", "https://graph.microsoft.com/.default"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn app_only_sign_in_with_a_certificate_and_per_endpoint_roles() {
    let t = tenant(quick()).await;
    let (key, cert) = self_signed_certificate("prestage-test", 30).unwrap();
    let client_id = t.sandbox.register_app(&cert, &DEFAULT_APP_ROLES).unwrap();
    let credential = AppCredential::from_pem(&client_id, &key, Some(&cert), "test").unwrap();
    assert_eq!(credential.certificate().thumbprint_s256().len(), 43);

    let session = Session::app_only(
        sign_in(&t, credential.clone()),
        ClientOptions::new(t.sandbox.base_url()),
    )
    .await
    .expect("app-only sign-in");
    assert_eq!(session.account().tenant_id, t.sandbox.tenant_id());
    assert!(session.powers().writes_any_user());
    let graph = session.graph();
    let users = graph.all_users().await.expect("User.Read.All lists users");
    let target = users
        .iter()
        .find(|u| u.user_type.as_deref() != Some("Guest"))
        .unwrap();
    // Phone writes are allowed (and numbers are never masked for an app)...
    let phones = graph.list_phone_methods(target.id.as_str()).await.unwrap();
    let free = [
        PhoneType::Mobile,
        PhoneType::AlternateMobile,
        PhoneType::Office,
    ]
    .into_iter()
    .find(|ty| {
        phones.iter().all(|p| p.phone_type != Some(*ty)) && *ty != PhoneType::AlternateMobile
    })
    .unwrap_or(PhoneType::Office);
    if phones.iter().all(|p| p.phone_type != Some(free)) {
        graph
            .create_phone_method(
                target.id.as_str(),
                free,
                &PhoneNumber::parse_graph("+44 7700900123").unwrap(),
            )
            .await
            .expect("UserAuthMethod-Phone.ReadWrite.All writes phones");
    }
    assert!(phones.iter().all(|p| !p.phone_number.contains('X')));
    // ...an email method is not (phone-only permission), nor the full methods list.
    let email = graph
        .create_email_method(target.id.as_str(), "someone@example.com")
        .await
        .unwrap_err();
    assert!(
        email.to_string().contains("accessDenied") || email.to_string().contains("Authorization"),
        "{email}"
    );
    assert!(graph.me().await.is_err(), "/me is delegated only");

    // A key that is not the certificate's is refused locally before anything is sent...
    let (other_key, other_cert) = self_signed_certificate("other", 30).unwrap();
    assert_eq!(
        AppCredential::from_pem(&client_id, &other_key, Some(&cert), "k").unwrap_err(),
        AppKeyError::Mismatch
    );
    // ...and a certificate not uploaded to the app is refused by the authority.
    let stranger = AppCredential::from_pem(&client_id, &other_key, Some(&other_cert), "k").unwrap();
    let refused = Session::app_only(
        sign_in(&t, stranger),
        ClientOptions::new(t.sandbox.base_url()),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(aadsts(refused), Some(700027));

    // An assertion outside its valid time: the authority's clock is an hour ahead.
    t.sandbox.set_clock_skew(3_600);
    let late = Session::app_only(
        sign_in(&t, credential.clone()),
        ClientOptions::new(t.sandbox.base_url()),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(aadsts(late), Some(700024));
    t.sandbox.set_clock_skew(0);

    // Wrong audience, and a replayed jti (the sandbox's own strictness).
    let endpoint = format!(
        "{}{}/oauth2/v2.0/token",
        t.sandbox.base_url(),
        t.sandbox.tenant_id()
    );
    let wrong_aud = credential.assertion(
        "https://login.microsoftonline.com/x/oauth2/v2.0/token",
        Utc::now(),
    );
    let answer = post_assertion(&t, &client_id, &wrong_aud).await;
    assert_eq!(answer["error_codes"][0], 700023, "{answer}");
    let once = credential.assertion(&endpoint, Utc::now());
    assert!(post_assertion(&t, &client_id, &once).await["access_token"].is_string());
    let again = post_assertion(&t, &client_id, &once).await;
    assert_eq!(again["error_codes"][0], 700025, "{again}");
    // An unknown application.
    let unknown = post_assertion(&t, "00000000-0000-0000-0000-000000000000", &once).await;
    assert_eq!(unknown["error_codes"][0], 700016, "{unknown}");
}

/// `.ci/test` runs this under `dbus-run-session` with an unlocked gnome-keyring: an app's key +
/// certificate PEM (longer than one Windows credential holds) kept in the keychain's split
/// store, read back whole, and signing in.
#[tokio::test]
#[ignore = "needs a Secret Service: .ci/test runs it under gnome-keyring"]
async fn keychain_keeps_an_app_key_for_unattended_runs() {
    use prestage_core::auth::KeyringStore;
    let t = tenant(quick()).await;
    let (key, cert) = self_signed_certificate("prestage-keychain", 30).unwrap();
    let client_id = t.sandbox.register_app(&cert, &DEFAULT_APP_ROLES).unwrap();
    let store =
        KeyringStore::with_service(&format!("app.prestage.test.app.{}", std::process::id()));
    let pem = format!("{key}{cert}");
    assert!(pem.len() > prestage_core::auth::PART_LIMIT);
    store.save_app_key(&client_id, &pem).unwrap();
    let back = store.load_app_key(&client_id).unwrap().unwrap();
    assert_eq!(back.as_str(), pem);
    let credential = AppCredential::from_pem(&client_id, &back, None, "the OS keychain").unwrap();
    Session::app_only(
        sign_in(&t, credential),
        ClientOptions::new(t.sandbox.base_url()),
    )
    .await
    .expect("signs in with the key from the keychain");
    store.delete_app_key(&client_id).unwrap();
    assert!(store.load_app_key(&client_id).unwrap().is_none());
}
