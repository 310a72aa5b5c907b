//! SMS sign-in, the email method, Temporary Access Pass, sign-in preferences and the full methods
//! list, through the core client against the sandbox.

use std::collections::HashSet;

use prestage_core::graph::{
    Api, MethodKind, PreferredMethod, SignInPreferences, SmsSignInState, TapRequest,
};
use reqwest::Method;
use serde_json::json;

use crate::harness::{number, quick, tenant, ALTERNATE, MOBILE};
use crate::sandbox_phone_rules::assert_graph;

#[tokio::test]
async fn sms_sign_in_follows_the_sms_policy() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let sms = g.sms_configuration().await.unwrap();
    let pilot = sms
        .include_targets
        .iter()
        .find(|target| target.is_usable_for_sign_in == Some(true) && target.id != "all_users")
        .expect("a group is allowed SMS sign-in")
        .id
        .clone();
    let pilot_users: HashSet<String> = g
        .group_transitive_users(&pilot)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    let ordinary = t.phoneless_users(&g, 60).await;
    let outside = ordinary
        .iter()
        .find(|u| !pilot_users.contains(*u))
        .expect("a phoneless non-pilot user");
    // Pilot users get a mobile. Graph registers a new mobile for SMS sign-in automatically when
    // the user is in scope (licensed: `ready`); unlicensed pilot users are `notConfigured`.
    let mut licensed = Vec::new();
    let mut unlicensed = Vec::new();
    for (i, u) in ordinary
        .iter()
        .filter(|u| pilot_users.contains(*u))
        .enumerate()
    {
        g.create_phone_method(u, MOBILE, &number(&format!("+1 20655501{:02}", 40 + i)))
            .await
            .unwrap();
        match g
            .get_phone_method(u, MOBILE)
            .await
            .unwrap()
            .sms_sign_in_state
        {
            Some(SmsSignInState::Ready) => licensed.push(u.clone()),
            Some(SmsSignInState::NotConfigured) => unlicensed.push(u.clone()),
            other => panic!("a pilot user's new mobile is {other:?}"),
        }
    }
    let inside = licensed.first().expect("a licensed phoneless pilot user");
    g.disable_sms_sign_in(inside).await.unwrap();
    assert_eq!(
        g.get_phone_method(inside, MOBILE)
            .await
            .unwrap()
            .sms_sign_in_state,
        Some(SmsSignInState::NotEnabled)
    );
    g.enable_sms_sign_in(inside).await.unwrap();
    assert_eq!(
        g.get_phone_method(inside, MOBILE)
            .await
            .unwrap()
            .sms_sign_in_state,
        Some(SmsSignInState::Ready)
    );
    if let Some(u) = unlicensed.first() {
        assert_graph(g.enable_sms_sign_in(u).await, 400, "badRequest");
    }

    g.create_phone_method(outside, MOBILE, &number("+1 2065550141"))
        .await
        .unwrap();
    assert_eq!(
        g.get_phone_method(outside, MOBILE)
            .await
            .unwrap()
            .sms_sign_in_state,
        Some(SmsSignInState::NotAllowedByPolicy)
    );
    assert_graph(g.enable_sms_sign_in(outside).await, 400, "badRequest");

    g.create_phone_method(inside, ALTERNATE, &number("+1 2065550142"))
        .await
        .unwrap();
    assert_eq!(
        g.get_phone_method(inside, ALTERNATE)
            .await
            .unwrap()
            .sms_sign_in_state,
        Some(SmsSignInState::NotSupported)
    );

    // Another licensed pilot user given the same number: not unique.
    let twin = licensed
        .get(1)
        .expect("a second licensed phoneless pilot user");
    let taken = g
        .get_phone_method(inside, MOBILE)
        .await
        .unwrap()
        .phone_number;
    g.update_phone_method(twin, MOBILE, &number(&taken))
        .await
        .unwrap();
    let state = g
        .get_phone_method(twin, MOBILE)
        .await
        .unwrap()
        .sms_sign_in_state;
    assert_eq!(state, Some(SmsSignInState::PhoneNumberNotUnique));
}

#[tokio::test]
async fn one_email_method_per_user() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let u = t.ordinary_users(&g, 1).await.remove(0);
    let _ = g.delete_email_method(&u).await;
    g.create_email_method(&u, "first@example.org")
        .await
        .unwrap();
    assert_graph(
        g.create_email_method(&u, "second@example.org").await,
        400,
        "badRequest",
    );
    g.update_email_method(&u, "second@example.org")
        .await
        .unwrap();
    assert_eq!(
        g.list_email_methods(&u).await.unwrap()[0].email_address,
        "second@example.org"
    );
    g.delete_email_method(&u).await.unwrap();
    assert!(g.list_email_methods(&u).await.unwrap().is_empty());
}

#[tokio::test]
async fn temporary_access_pass_lifetime_and_one_active_pass() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let u = t.ordinary_users(&g, 1).await.remove(0);
    let path = format!("users/{u}/authentication/temporaryAccessPassMethods");
    for minutes in [5, 43_201] {
        let r = g
            .raw(
                Method::POST,
                Api::V1,
                &path,
                Some(json!({"lifetimeInMinutes": minutes})),
            )
            .await;
        assert_graph(r, 400, "badRequest");
    }
    let first = g
        .create_temporary_access_pass(
            &u,
            &TapRequest {
                lifetime_in_minutes: Some(60),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(first.reveal_pass().is_some_and(|p| p.len() >= 8));
    assert!(!format!("{first:?}").contains(first.reveal_pass().unwrap()));
    let second = g
        .create_temporary_access_pass(&u, &TapRequest::default())
        .await
        .unwrap();
    let listed = g.list_temporary_access_passes(&u).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, second.id);
    assert!(
        listed[0].reveal_pass().is_none(),
        "the pass is shown only once"
    );
    g.delete_method(&u, &MethodKind::TemporaryAccessPass, &second.id)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_pass_the_policy_makes_unusable_is_created_unusable_and_a_user_registers_with_a_pass() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let ga = t
        .as_role(prestage_sandbox::AdminRole::GlobalAdministrator)
        .await;
    let u = t.ordinary_users(&g, 1).await.remove(0);
    let tap_policy =
        "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";
    ga.raw(
        Method::PATCH,
        Api::V1,
        tap_policy,
        Some(json!({"state": "disabled"})),
    )
    .await
    .unwrap();
    let off = g
        .create_temporary_access_pass(&u, &TapRequest::default())
        .await
        .unwrap();
    assert_eq!(
        off.is_usable,
        Some(false),
        "Graph creates it rather than refusing"
    );
    assert_eq!(
        off.method_usability_reason.as_deref(),
        Some("DisabledByPolicy")
    );
    let pass = off.reveal_pass().unwrap().to_string();
    let refused = t.sandbox.register_method(&u, "fido2", &pass).unwrap_err();
    assert!(
        refused.to_string().contains("DisabledByPolicy"),
        "{refused}"
    );
    ga.raw(
        Method::PATCH,
        Api::V1,
        tap_policy,
        Some(json!({"state": "enabled"})),
    )
    .await
    .unwrap();
    let once = g
        .create_temporary_access_pass(
            &u,
            &TapRequest {
                is_usable_once: Some(true),
                lifetime_in_minutes: Some(60),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(once.is_usable, Some(true));
    let listed = g.list_temporary_access_passes(&u).await.unwrap();
    assert_eq!(listed.len(), 1, "the new pass replaced the unusable one");
    let wrong = t.sandbox.register_method(&u, "fido2", &pass).unwrap_err();
    assert_eq!(wrong, prestage_sandbox::RegisterError::WrongPass);
    let new_pass = once.reveal_pass().unwrap().to_string();
    t.sandbox
        .register_method(&u, "microsoftAuthenticator", &new_pass)
        .unwrap();
    let after = g.list_temporary_access_passes(&u).await.unwrap();
    assert_eq!(after[0].is_usable, Some(false));
    assert_eq!(
        after[0].method_usability_reason.as_deref(),
        Some("OneTimeUsed")
    );
    let again = t
        .sandbox
        .register_method(&u, "fido2", &new_pass)
        .unwrap_err();
    assert!(again.to_string().contains("OneTimeUsed"), "{again}");
    let methods = g.list_methods(&u).await.unwrap();
    assert!(methods
        .iter()
        .any(|m| m.kind == MethodKind::MicrosoftAuthenticator
            && m.created
                .is_some_and(|c| c > chrono::Utc::now() - chrono::Duration::minutes(5))));
    // The control plane over HTTP, as the app's sandbox mode and the e2e tests call it.
    let r = reqwest::Client::new()
        .post(format!(
            "{}_sandbox/users/{u}/register",
            t.sandbox.base_url()
        ))
        .json(&json!({"method": "fido2", "temporaryAccessPass": "not-a-pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn preferred_method_must_be_registered() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let u = t.phoneless_users(&g, 1).await.remove(0);
    let sms = SignInPreferences {
        is_system_preferred_authentication_method_enabled: None,
        user_preferred_method_for_secondary_authentication: Some(PreferredMethod::Sms),
    };
    assert_graph(
        g.update_sign_in_preferences(&u, &sms).await,
        400,
        "badRequest",
    );
    g.create_phone_method(&u, MOBILE, &number("+1 2065550150"))
        .await
        .unwrap();
    g.update_sign_in_preferences(&u, &sms).await.unwrap();
    let now = g.sign_in_preferences(&u).await.unwrap();
    assert_eq!(
        now.user_preferred_method_for_secondary_authentication,
        Some(PreferredMethod::Sms)
    );
    let path = format!("users/{u}/authentication/signInPreferences");
    let r = g
        .raw(
            Method::PATCH,
            Api::Beta,
            &path,
            Some(json!({"userPreferredMethodForSecondaryAuthentication": "carrierPigeon"})),
        )
        .await;
    assert_graph(r, 400, "badRequest");
}

#[tokio::test]
async fn every_method_kind_is_listed_and_removable_kinds_can_be_removed() {
    let t = tenant(quick()).await;
    let g = t.paa().await;
    let mut kinds = HashSet::new();
    let mut authenticator = None;
    for u in t.ordinary_users(&g, 80).await {
        for m in g.list_methods(&u).await.unwrap() {
            assert!(
                !matches!(m.kind, MethodKind::Unknown(_)),
                "unexpected type {:?}",
                m.kind
            );
            if m.kind == MethodKind::MicrosoftAuthenticator && authenticator.is_none() {
                authenticator = Some((u.clone(), m.id.clone()));
            }
            kinds.insert(m.kind);
        }
    }
    for k in [
        MethodKind::Password,
        MethodKind::Phone,
        MethodKind::Email,
        MethodKind::MicrosoftAuthenticator,
        MethodKind::Fido2,
        MethodKind::SoftwareOath,
    ] {
        assert!(kinds.contains(&k), "the seed has no {k:?} method");
    }
    let (u, id) = authenticator.expect("someone has Authenticator");
    g.delete_method(&u, &MethodKind::MicrosoftAuthenticator, &id)
        .await
        .unwrap();
    assert!(g.list_methods(&u).await.unwrap().iter().all(|m| m.id != id));
    assert_graph(
        g.delete_method(&u, &MethodKind::MicrosoftAuthenticator, &id)
            .await,
        404,
        "itemNotFound",
    );
}
