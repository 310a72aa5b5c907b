//! The rules on hand-made facts: what the sandbox's seed does not show (Authenticator modes,
//! reconfirmation, an enabled campaign's snoozes, strengths met, unreadable groups).

use serde_json::json;

use super::*;
use crate::graph::{
    AuthMethod, ConditionalAccessPolicy, DirectoryObject, MethodsPolicy, PerUserMfaState, User,
    UserRegistrationDetails,
};

fn user() -> User {
    serde_json::from_value(json!({"id": "u1", "displayName": "Ann Example", "userPrincipalName": "ann@x.example", "userType": "Member"})).unwrap()
}

fn method(v: serde_json::Value) -> AuthMethod {
    AuthMethod::from_json(v).unwrap()
}

fn authenticator() -> AuthMethod {
    method(
        json!({"@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod", "id": "a1", "displayName": "Pixel"}),
    )
}

fn mobile() -> AuthMethod {
    method(
        json!({"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "3179e48a-750b-4051-897c-87b9720928f7", "phoneType": "mobile", "phoneNumber": "+1 4255550100", "smsSignInState": "notAllowedByPolicy"}),
    )
}

fn policy(v: serde_json::Value) -> MethodsPolicy {
    serde_json::from_value(v).unwrap()
}

fn all(id: &str) -> serde_json::Value {
    json!({"id": id, "state": "enabled", "includeTargets": [{"targetType": "group", "id": "all_users"}], "excludeTargets": []})
}

fn report(methods: &[&str], sspr: (bool, bool)) -> UserRegistrationDetails {
    serde_json::from_value(json!({"id": "u1", "methodsRegistered": methods, "isSsprEnabled": sspr.0, "isSsprRegistered": sspr.1})).unwrap()
}

fn facts(methods: Vec<AuthMethod>, p: MethodsPolicy) -> Facts {
    Facts {
        user: user(),
        methods,
        member_of: Read::Got(vec![DirectoryObject {
            odata_type: Some("#microsoft.graph.group".into()),
            id: "g-pilot".into(),
            display_name: Some("Passwordless pilot".into()),
            role_template_id: None,
        }]),
        registration: Read::Got(report(&["microsoftAuthenticatorPush"], (true, true))),
        policy: Read::Got(p),
        security_defaults: Read::Got(false),
        conditional_access: Read::Got(Vec::new()),
        strengths: Read::Got(Vec::new()),
        per_user_mfa: Read::Got(PerUserMfaState::Disabled),
        sign_ins: Read::Got(Vec::new()),
    }
}

fn verdict(d: &Diagnosis, topic: Topic) -> Verdict {
    d.findings
        .iter()
        .find(|f| f.topic == topic)
        .unwrap()
        .verdict
        .clone()
}

fn text(d: &Diagnosis, topic: Topic) -> String {
    d.findings
        .iter()
        .find(|f| f.topic == topic)
        .unwrap()
        .text
        .clone()
}

fn passwordless_only() -> MethodsPolicy {
    policy(json!({"authenticationMethodConfigurations": [
        {"id": "MicrosoftAuthenticator", "state": "enabled",
         "includeTargets": [{"targetType": "group", "id": "g-pilot", "authenticationMode": "deviceBasedPush"}]},
        all("Sms"), all("Voice")
    ]}))
}

#[test]
fn authenticator_in_a_mode_the_policy_does_not_allow_asks() {
    let f = facts(vec![authenticator()], passwordless_only());
    let d = diagnose(&f);
    assert_eq!(verdict(&d, Topic::MethodsPolicy), Verdict::Asks);
    let t = text(&d, Topic::MethodsPolicy);
    assert!(t.contains("only passwordless phone sign-in"), "{t}");
    assert!(t.contains("\"Passwordless pilot\""), "{t}");
    // Registered for passwordless sign-in: usable, nothing asks.
    let mut f = facts(vec![authenticator()], passwordless_only());
    f.registration = Read::Got(report(
        &["microsoftAuthenticatorPasswordless"],
        (true, true),
    ));
    let d = diagnose(&f);
    assert_eq!(verdict(&d, Topic::MethodsPolicy), Verdict::DoesNotAsk);
    assert!(!d.asked, "{}", d.summary);
    // Without the registration details, the mode cannot be judged: said, not guessed.
    let mut f = facts(vec![authenticator()], passwordless_only());
    f.registration = Read::NotReadable {
        needs: REPORT_NEEDS.into(),
    };
    let d = diagnose(&f);
    assert!(
        matches!(verdict(&d, Topic::MethodsPolicy), Verdict::CannotKnow { needs } if needs == REPORT_NEEDS)
    );
}

#[test]
fn unreadable_groups_make_group_targets_unknown_not_excluded() {
    let mut f = facts(vec![authenticator()], passwordless_only());
    f.member_of = Read::NotReadable {
        needs: "GroupMember.Read.All".into(),
    };
    let d = diagnose(&f);
    assert!(matches!(
        verdict(&d, Topic::MethodsPolicy),
        Verdict::CannotKnow { .. }
    ));
}

#[test]
fn an_enabled_campaign_states_its_snoozes() {
    let p = policy(json!({
        "registrationEnforcement": {"authenticationMethodsRegistrationCampaign": {
            "state": "enabled", "snoozeDurationInDays": 3, "enforceRegistrationAfterAllowedSnoozes": true,
            "includeTargets": [{"targetType": "group", "id": "all_users", "targetedAuthenticationMethod": "microsoftAuthenticator"}],
            "excludeTargets": []}},
        "authenticationMethodConfigurations": [all("MicrosoftAuthenticator"), all("Sms"), all("Voice")]
    }));
    let d = diagnose(&facts(vec![mobile()], p.clone()));
    assert_eq!(verdict(&d, Topic::RegistrationCampaign), Verdict::Asks);
    let t = text(&d, Topic::RegistrationCampaign);
    assert!(t.contains("3 day(s)") && t.contains("must register"), "{t}");
    // SMS sign-in state is said, but it is not a registration prompt.
    let unusable = text(&d, Topic::UnusableMethods);
    assert!(
        unusable.contains("SMS sign-in on the mobile: ") && unusable.contains("not MFA"),
        "{unusable}"
    );
    // Someone with Authenticator is not nudged.
    let d = diagnose(&facts(vec![mobile(), authenticator()], p));
    assert_eq!(
        verdict(&d, Topic::RegistrationCampaign),
        Verdict::DoesNotAsk
    );
}

#[test]
fn reconfirmation_asks_registered_sspr_users() {
    let mut p =
        policy(json!({"authenticationMethodConfigurations": [all("MicrosoftAuthenticator")]}));
    p.reconfirmation_in_days = Some(180);
    let d = diagnose(&facts(vec![authenticator()], p));
    assert_eq!(verdict(&d, Topic::Sspr), Verdict::Asks);
    assert!(text(&d, Topic::Sspr).contains("every 180 days"));
}

#[test]
fn strengths_are_met_by_any_allowed_combination() {
    let ca: ConditionalAccessPolicy = serde_json::from_value(json!({
        "id": "p1", "displayName": "Everyone: MFA strength", "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]}},
        "grantControls": {"builtInControls": [], "authenticationStrength": {
            "id": "00000000-0000-0000-0000-000000000002", "displayName": "Multifactor authentication",
            "allowedCombinations": ["fido2", "password,sms"]}}
    }))
    .unwrap();
    let p = policy(json!({"authenticationMethodConfigurations": [all("Sms"), all("Voice")]}));
    let mut f = facts(vec![mobile()], p.clone());
    f.conditional_access = Read::Got(vec![ca.clone()]);
    assert_eq!(
        verdict(&diagnose(&f), Topic::ConditionalAccess),
        Verdict::DoesNotAsk
    );
    // Excluded from SMS and voice: the mobile meets nothing.
    let p = policy(json!({"authenticationMethodConfigurations": [
        {"id": "Sms", "state": "disabled"}, {"id": "Voice", "state": "disabled"}]}));
    let mut f = facts(vec![mobile()], p);
    f.conditional_access = Read::Got(vec![ca]);
    let d = diagnose(&f);
    assert_eq!(verdict(&d, Topic::ConditionalAccess), Verdict::Asks);
    assert_eq!(verdict(&d, Topic::UnusableMethods), Verdict::Asks);
    assert!(text(&d, Topic::UnusableMethods).contains("turned off"));
}

#[test]
fn guests_are_matched_by_guests_or_external_users_and_excludes_win() {
    let mut f = facts(Vec::new(), policy(json!({})));
    f.user.user_type = Some("Guest".into());
    let ca = |include: &str, exclude: &str| -> ConditionalAccessPolicy {
        serde_json::from_value(
            json!({"id": "p", "displayName": "Guests: MFA", "state": "enabled",
            "conditions": {"users": {"includeUsers": [include], "excludeGroups": [exclude]}},
            "grantControls": {"builtInControls": ["mfa"]}}),
        )
        .unwrap()
    };
    f.conditional_access = Read::Got(vec![ca("GuestsOrExternalUsers", "g-other")]);
    assert_eq!(
        verdict(&diagnose(&f), Topic::ConditionalAccess),
        Verdict::Asks
    );
    f.conditional_access = Read::Got(vec![ca("GuestsOrExternalUsers", "g-pilot")]);
    assert_eq!(
        verdict(&diagnose(&f), Topic::ConditionalAccess),
        Verdict::DoesNotAsk
    );
}

#[test]
fn per_user_mfa_enabled_asks_and_enforced_asks_only_without_a_usable_method() {
    let p = policy(json!({"authenticationMethodConfigurations": [all("MicrosoftAuthenticator")]}));
    let mut f = facts(vec![authenticator()], p.clone());
    f.per_user_mfa = Read::Got(PerUserMfaState::Enabled);
    assert_eq!(verdict(&diagnose(&f), Topic::PerUserMfa), Verdict::Asks);
    f.per_user_mfa = Read::Got(PerUserMfaState::Enforced);
    assert_eq!(
        verdict(&diagnose(&f), Topic::PerUserMfa),
        Verdict::DoesNotAsk
    );
    let mut f = facts(Vec::new(), p);
    f.per_user_mfa = Read::Got(PerUserMfaState::Enforced);
    assert_eq!(verdict(&diagnose(&f), Topic::PerUserMfa), Verdict::Asks);
    f.per_user_mfa = Read::NotReadable {
        needs: "Global Reader".into(),
    };
    let d = diagnose(&f);
    assert!(matches!(
        verdict(&d, Topic::PerUserMfa),
        Verdict::CannotKnow { .. }
    ));
    assert!(d.partial || d.asked, "another role could read it");
}

#[test]
fn the_sign_in_log_says_when_identity_protection_asked() {
    let p = policy(json!({"authenticationMethodConfigurations": [all("MicrosoftAuthenticator")]}));
    let mut f = facts(vec![authenticator()], p);
    let d = diagnose(&f);
    assert!(matches!(
        verdict(&d, Topic::IdentityProtection),
        Verdict::CannotKnow { .. }
    ));
    assert!(!d.partial, "no role would tell more: there is no sign-in");
    let entry = |provider: &str| -> crate::graph::SignInEntry {
        serde_json::from_value(json!({"createdDateTime": "2026-12-02T09:15:00Z", "appDisplayName": "OfficeHome",
            "authenticationRequirementPolicies": [{"requirementProvider": provider, "detail": "x"}]}))
        .unwrap()
    };
    f.sign_ins = Read::Got(vec![entry("multiConditionalAccess")]);
    let d = diagnose(&f);
    assert_eq!(verdict(&d, Topic::IdentityProtection), Verdict::DoesNotAsk);
    assert_eq!(
        d.summary,
        "Nothing Prestage could read asks Ann Example to register."
    );
    f.sign_ins = Read::Got(vec![
        entry("multiConditionalAccess"),
        entry("mfaRegistrationRequiredByIdentityProtectionPolicy"),
    ]);
    let d = diagnose(&f);
    assert_eq!(verdict(&d, Topic::IdentityProtection), Verdict::Asks);
    assert!(text(&d, Topic::IdentityProtection).contains("2026-12-02 09:15 UTC (OfficeHome)"));
}
