//! Conditional Access, authentication strengths, security defaults and the registration
//! campaign: who may read them (rule 18), and the seeded "still asked" people.

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

#[tokio::test]
async fn seeded_policies_make_the_still_asked_cases() {
    let env = default_env().await;
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
async fn security_defaults_turn_conditional_access_off() {
    let env = env(SandboxConfig {
        security_defaults: true,
        ..Default::default()
    })
    .await;
    let ga = sign_in(&env, "gaby.admin").await;
    assert_eq!(get(&env, &ga, READS[2]).await.body["isEnabled"], true);
    let ca = get(&env, &ga, READS[0]).await.body;
    assert!(ca["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["state"] == "disabled"));
}
