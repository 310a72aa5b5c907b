//! Conditional Access, authentication strengths, security defaults and the registration
//! campaign: who may read them (rule 19), and the seeded "still asked" people.

use prestage_sandbox::{SandboxConfig, STILL_ASKED};
use reqwest::StatusCode;

use crate::common::*;

const READS: [&str; 3] = [
    "v1.0/identity/conditionalAccess/policies",
    "v1.0/policies/authenticationStrengthPolicies",
    "v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
];

#[tokio::test]
async fn access_policies_are_read_by_the_roles_the_docs_name() {
    let env = default_env().await;
    for reader in ["gaby.admin", "gwen.reader"] {
        let t = sign_in(&env, reader).await;
        for path in READS {
            assert_eq!(
                get(&env, &t, path).await.status,
                StatusCode::OK,
                "{reader} {path}"
            );
        }
    }
    for refused in ["alex.wong", "priya.patel", "nora.nobody"] {
        let t = sign_in(&env, refused).await;
        for path in READS {
            let r = get(&env, &t, path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{refused} {path}");
            assert_eq!(r.code(), "accessDenied");
        }
    }
    // The Authentication Administrator still reads the methods policy (a documented deviation).
    let aa = sign_in(&env, "alex.wong").await;
    let p = get(&env, &aa, "v1.0/policies/authenticationMethodsPolicy").await;
    assert_eq!(p.status, StatusCode::OK);
}

fn still_asked() -> SandboxConfig {
    SandboxConfig {
        still_asked: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn seeded_policies_make_the_still_asked_cases() {
    let env = env_with(still_asked()).await;
    let ga = sign_in(&env, "gaby.admin").await;
    for (local, _) in STILL_ASKED {
        let r = get(&env, &ga, &format!("v1.0/users/{}", upn(&env, local))).await;
        assert_eq!(r.status, StatusCode::OK, "{local}");
    }
    let ca = get(&env, &ga, READS[0]).await.body;
    let payments = ca["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Payments team: phishing-resistant MFA")
        .unwrap();
    assert_eq!(payments["state"], "enabled");
    assert_eq!(
        payments["grantControls"]["authenticationStrength"]["allowedCombinations"],
        serde_json::json!([
            "windowsHelloForBusiness",
            "fido2",
            "x509CertificateMultiFactor"
        ])
    );
    let sd = get(&env, &ga, READS[2]).await.body;
    assert_eq!(sd["isEnabled"], false);
    let beta = get(&env, &ga, "beta/policies/authenticationMethodsPolicy")
        .await
        .body;
    let campaign = &beta["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"];
    assert_eq!(campaign["state"], "default");
    assert_eq!(
        campaign["includeTargets"][0]["targetedAuthenticationMethod"],
        "microsoftAuthenticator"
    );
    assert!(campaign
        .get("enforceRegistrationAfterAllowedSnoozes")
        .is_some());
    let v1 = get(&env, &ga, "v1.0/policies/authenticationMethodsPolicy")
        .await
        .body;
    assert!(
        v1["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"]
            .get("enforceRegistrationAfterAllowedSnoozes")
            .is_none()
    );
    let authenticator = get(
        &env,
        &ga,
        "v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator",
    )
    .await
    .body;
    let contractors = get(
        &env,
        &ga,
        "v1.0/groups?$filter=displayName eq 'Contractors'",
    )
    .await
    .body["value"][0]["id"]
        .clone();
    assert_eq!(authenticator["excludeTargets"][0]["id"], contractors);
}

#[tokio::test]
async fn knobs_turn_security_defaults_and_the_all_users_policy_on() {
    let env = default_env().await;
    let ga = sign_in(&env, "gaby.admin").await;
    assert_eq!(get(&env, &ga, READS[2]).await.body["isEnabled"], false);
    let ca = get(&env, &ga, READS[0]).await.body;
    assert_eq!(ca["value"].as_array().unwrap().len(), 0, "none by default");
    let vera = upn(&env, STILL_ASKED[0].0);
    let r = get(&env, &ga, &format!("v1.0/users/{vera}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no cases by default");
    let env = env_with(SandboxConfig {
        security_defaults: true,
        conditional_access_mfa: true,
        ..Default::default()
    })
    .await;
    let ga = sign_in(&env, "gaby.admin").await;
    assert_eq!(get(&env, &ga, READS[2]).await.body["isEnabled"], true);
    let ca = get(&env, &ga, READS[0]).await.body;
    assert_eq!(
        ca["value"][0]["displayName"],
        "Require multifactor authentication for all users"
    );
    assert_eq!(ca["value"][0]["state"], "enabled");
    assert_eq!(ca["value"][0]["grantControls"]["builtInControls"][0], "mfa");
}

async fn env_with(config: SandboxConfig) -> Env {
    env(config).await
}

#[tokio::test]
async fn rule_20_the_sign_in_log_shows_identity_protection_asking() {
    let env = env_with(still_asked()).await;
    let ga = sign_in_full(&env, "gaby.admin").await;
    let token = ga["access_token"].as_str().unwrap();
    let ivan = get(
        &env,
        token,
        &format!("v1.0/users/{}", upn(&env, "ivan.identity")),
    )
    .await
    .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("beta/auditLogs/signIns?$filter=userId eq '{ivan}'");
    let r = get(&env, token, &path).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "needs Directory.Read.All too"
    );
    assert_eq!(r.code(), "Authorization_RequestDenied");
    let wider = redeem(
        &env,
        ga["refresh_token"].as_str().unwrap(),
        "https://graph.microsoft.com/.default https://graph.microsoft.com/Directory.Read.All offline_access",
    )
    .await;
    let token = wider["access_token"].as_str().unwrap();
    let r = get(&env, token, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let first = &r.body["value"][0];
    assert_eq!(first["userId"], ivan.as_str());
    assert_eq!(
        first["authenticationRequirementPolicies"][0]["requirementProvider"],
        "mfaRegistrationRequiredByIdentityProtectionPolicy"
    );
    assert_eq!(r.body["value"].as_array().unwrap().len(), 2);
    let v1 = get(&env, token, &path.replace("beta/", "v1.0/")).await;
    assert!(v1.body["value"][0]
        .get("authenticationRequirementPolicies")
        .is_none());
    let bad = get(&env, token, "beta/auditLogs/signIns?$filter=appId eq 'x'").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let aa = sign_in(&env, "alex.wong").await;
    assert_eq!(get(&env, &aa, &path).await.code(), "accessDenied");
}
