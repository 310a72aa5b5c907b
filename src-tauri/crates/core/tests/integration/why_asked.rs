//! "Why is this user still asked to register?" against the sandbox: each seeded "still asked"
//! person gets the right reason, the one who is not asked is told so, security defaults, and
//! what an Authentication Administrator cannot read (and which role would tell).

use prestage_core::why_asked::{why_asked, Diagnosis, Topic, Verdict};
use prestage_sandbox::{AdminRole, SandboxConfig, STILL_ASKED};

use crate::harness::{quick, tenant, Tenant};

/// The quick tenant with the "still asked" people.
fn cases() -> SandboxConfig {
    SandboxConfig {
        still_asked: true,
        ..quick()
    }
}

fn upn(t: &Tenant, local: &str) -> String {
    format!("{local}@{}", t.sandbox.tenant_domain())
}

fn verdict(d: &Diagnosis, topic: Topic) -> &Verdict {
    &d.findings
        .iter()
        .find(|f| f.topic == topic)
        .unwrap_or_else(|| panic!("no finding for {topic:?}"))
        .verdict
}

async fn diagnose(t: &Tenant, role: AdminRole, local: &str) -> Diagnosis {
    let s = t.session_with(role, Default::default()).await;
    why_asked(&s, &upn(t, local)).await.expect("diagnosis")
}

/// `local` (one of `STILL_ASKED`) is asked, and `topic` is among the reasons named.
async fn asked_for(local: &str, topic: Topic) {
    assert!(
        STILL_ASKED.iter().any(|(l, _)| *l == local),
        "{local} is seeded"
    );
    let t = tenant(cases()).await;
    let d = diagnose(&t, AdminRole::GlobalAdministrator, local).await;
    assert!(d.asked, "{local}: {}", d.summary);
    assert_eq!(verdict(&d, topic), &Verdict::Asks, "{local}: {d:#?}");
    assert!(d.summary.contains(topic.title()), "{local}: {}", d.summary);
    assert!(!d.registered.is_empty(), "{local} has registered methods");
    assert_eq!(
        d.findings[0].verdict,
        Verdict::Asks,
        "asking reasons come first"
    );
}

#[tokio::test]
async fn authenticator_excluded_through_a_nested_group() {
    asked_for("vera.vendor", Topic::MethodsPolicy).await;
}

#[tokio::test]
async fn the_registration_campaign_nudges_a_text_message_user() {
    asked_for("nico.nudge", Topic::RegistrationCampaign).await;
}

#[tokio::test]
async fn sspr_wants_methods_a_passkey_does_not_count_for() {
    asked_for("sasha.reset", Topic::Sspr).await;
}

#[tokio::test]
async fn conditional_access_wants_a_stronger_method() {
    asked_for("carmen.payments", Topic::ConditionalAccess).await;
}

#[tokio::test]
async fn a_temporary_access_pass_opens_registration() {
    asked_for("tariq.tap", Topic::TemporaryAccessPass).await;
}

#[tokio::test]
async fn a_phone_the_policy_does_not_let_ring() {
    asked_for("oscar.office", Topic::UnusableMethods).await;
}

#[tokio::test]
async fn identity_protection_shows_in_the_sign_in_log() {
    asked_for("ivan.identity", Topic::IdentityProtection).await;
}

#[test]
fn every_seeded_case_has_a_test() {
    let reasons: Vec<&str> = STILL_ASKED.iter().map(|(_, r)| *r).collect();
    assert_eq!(
        reasons,
        [
            "methodsPolicy",
            "registrationCampaign",
            "sspr",
            "conditionalAccess",
            "temporaryAccessPass",
            "unusableMethods",
            "identityProtection",
            "none"
        ],
        "a new case needs its test above"
    );
}

#[tokio::test]
async fn the_reasons_name_the_policy_and_group_behind_them() {
    let t = tenant(cases()).await;
    let ga = AdminRole::GlobalAdministrator;
    let text = |d: &Diagnosis, topic| {
        d.findings
            .iter()
            .find(|f| f.topic == topic)
            .unwrap()
            .text
            .clone()
    };
    let vera = diagnose(&t, ga, "vera.vendor").await;
    let why = text(&vera, Topic::MethodsPolicy);
    assert!(why.contains("Microsoft Authenticator"), "{why}");
    assert!(
        why.contains("\"Contractors\""),
        "through the nested group: {why}"
    );
    let carmen = diagnose(&t, ga, "carmen.payments").await;
    let why = text(&carmen, Topic::ConditionalAccess);
    assert!(
        why.contains("Payments team: phishing-resistant MFA"),
        "{why}"
    );
    assert!(why.contains("Phishing resistant MFA"), "{why}");
    assert!(
        why.contains("passkey (FIDO2); certificate (multifactor)"),
        "in words: {why}"
    );
    let nico = diagnose(&t, ga, "nico.nudge").await;
    let why = text(&nico, Topic::RegistrationCampaign);
    assert!(
        why.contains("Microsoft managed") && why.contains("Microsoft Authenticator"),
        "{why}"
    );
    let oscar = diagnose(&t, ga, "oscar.office").await;
    let why = text(&oscar, Topic::UnusableMethods);
    assert!(
        why.contains("Office phone: it only takes voice calls"),
        "{why}"
    );
    assert!(why.contains("the policy excludes them by name"), "{why}");
}

#[tokio::test]
async fn a_user_who_will_not_be_asked_is_told_so() {
    let t = tenant(cases()).await;
    let d = diagnose(&t, AdminRole::GlobalAdministrator, "wendy.ready").await;
    assert!(!d.asked, "{d:#?}");
    assert_eq!(
        d.summary,
        "Nothing Prestage could read asks Wendy Ready to register."
    );
    assert!(d.findings.iter().all(|f| f.verdict != Verdict::Asks));
    // Only what Graph cannot tell stays unknown for a Global Administrator.
    let unknown: Vec<Topic> = d
        .findings
        .iter()
        .filter(|f| matches!(f.verdict, Verdict::CannotKnow { .. }))
        .map(|f| f.topic)
        .collect();
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(verdict(&d, Topic::IdentityProtection), &Verdict::DoesNotAsk);
    assert_eq!(verdict(&d, Topic::PerUserMfa), &Verdict::DoesNotAsk);
}

#[tokio::test]
async fn security_defaults_ask_for_an_authenticator_app() {
    let t = tenant(SandboxConfig {
        security_defaults: true,
        ..cases()
    })
    .await;
    let ga = AdminRole::GlobalAdministrator;
    let nico = diagnose(&t, ga, "nico.nudge").await;
    assert_eq!(verdict(&nico, Topic::SecurityDefaults), &Verdict::Asks);
    let carmen = diagnose(&t, ga, "carmen.payments").await;
    assert_eq!(
        verdict(&carmen, Topic::SecurityDefaults),
        &Verdict::DoesNotAsk
    );
    let wendy = diagnose(&t, ga, "wendy.ready").await;
    assert!(!wendy.asked);
}

#[tokio::test]
async fn an_authentication_administrator_sees_what_it_cannot_read_and_why() {
    let t = tenant(cases()).await;
    let d = diagnose(
        &t,
        AdminRole::AuthenticationAdministrator,
        "carmen.payments",
    )
    .await;
    for topic in [
        Topic::ConditionalAccess,
        Topic::SecurityDefaults,
        Topic::Sspr,
        Topic::IdentityProtection,
    ] {
        match verdict(&d, topic) {
            Verdict::CannotKnow { needs } => {
                assert!(needs.contains("Global Reader"), "{topic:?}: {needs}");
                assert!(needs.contains("Security Reader"), "{topic:?}: {needs}");
                assert!(
                    needs.contains(".Read.All"),
                    "{topic:?} names the permission: {needs}"
                );
            }
            other => panic!("{topic:?}: {other:?}"),
        }
    }
    match verdict(&d, Topic::PerUserMfa) {
        Verdict::CannotKnow { needs } => {
            assert!(
                needs.contains("Authentication Policy Administrator"),
                "{needs}"
            )
        }
        other => panic!("per-user MFA: {other:?}"),
    }
    // The methods policy is readable for this role: the campaign is still judged.
    let nico = diagnose(&t, AdminRole::AuthenticationAdministrator, "nico.nudge").await;
    assert_eq!(verdict(&nico, Topic::RegistrationCampaign), &Verdict::Asks);
    // Carmen's real reason (Conditional Access) is not readable: not claimed either way.
    assert!(!d.asked && d.partial, "{}", d.summary);
    assert!(d.summary.contains("could not be read: "), "{}", d.summary);
    assert!(d.summary.contains("Conditional Access"), "{}", d.summary);
}
