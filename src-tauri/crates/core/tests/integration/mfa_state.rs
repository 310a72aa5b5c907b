//! Per-user MFA against the sandbox: the read with the tenant's setup beside it, the role
//! pre-checks (nothing sent), incremental consent for the write, never enforcing before
//! registration, Entra's enabled → enforced for a registered user, and the audit line.

use prestage_core::audit::AuditLog;
use prestage_core::graph::{ClientOptions, PerUserMfaState};
use prestage_core::mfa_state::{self, Fit, MfaStateError};
use prestage_core::session::Session;
use prestage_sandbox::{AdminRole, SandboxConfig};
use serde_json::Value;

use crate::harness::{quick, tenant, Tenant};

fn user_where(t: &Tenant, pred: impl Fn(&Value) -> bool) -> (String, String) {
    let accounts: Vec<String> = t.sandbox.accounts().into_iter().map(|a| a.id).collect();
    let dump = t.sandbox.dump();
    let u = dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            !accounts.contains(&u["id"].as_str().unwrap().to_string())
                && u["accountEnabled"] == true
                && u["userType"] == "Member"
                && pred(u)
        })
        .cloned()
        .expect("a matching user");
    (
        u["id"].as_str().unwrap().to_string(),
        u["userPrincipalName"].as_str().unwrap().to_string(),
    )
}

fn plain(u: &Value) -> bool {
    u["roles"].as_array().unwrap().is_empty() && u["perUserMfaState"] == "disabled"
}

fn methodless(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod")
}

fn with_phone(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["phoneType"] == "mobile")
}

fn state_in_dump(t: &Tenant, id: &str) -> String {
    t.sandbox.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap()["perUserMfaState"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn session_of(t: &Tenant, upn: &str) -> Session {
    Session::sign_in_auto_approved_with(
        t.sandbox.base_url(),
        ClientOptions::new(t.sandbox.base_url()),
        t.sandbox.tenant_id(),
        upn,
    )
    .await
    .expect("sign-in to the sandbox")
}

fn audit_log(name: &str) -> AuditLog {
    let dir = std::env::temp_dir().join(format!("prestage-mfa-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    AuditLog::in_dir(&dir)
}

#[tokio::test]
async fn read_and_set_with_roles_consent_and_registration() {
    let t = tenant(quick()).await;
    let (bare_id, bare) = user_where(&t, |u| plain(u) && methodless(u));
    let (_, reg) = user_where(&t, |u| plain(u) && with_phone(u));
    let ga = session_of(&t, &t.upn(AdminRole::GlobalAdministrator)).await;
    let log = audit_log("set");

    let view = mfa_state::read(&ga, &bare).await.unwrap();
    assert_eq!(view.state, PerUserMfaState::Disabled);
    assert_eq!(view.registered, Some(false));
    assert_eq!(view.cannot_change, None);
    // Readable for a Global Administrator (whether it fits depends on the seeded policies).
    assert_ne!(view.tenant.fit, Fit::Unknown, "{}", view.tenant.advice);
    assert_eq!(view.tenant.security_defaults, Some(false));
    assert_eq!(
        mfa_state::read(&ga, &reg).await.unwrap().registered,
        Some(true)
    );

    // Incremental consent: the sign-in token cannot write per-user MFA yet.
    let early = ga
        .graph()
        .set_per_user_mfa_state(&bare_id, PerUserMfaState::Enabled)
        .await
        .unwrap_err();
    assert_eq!(
        (early.status(), early.code()),
        (403, "Authorization_RequestDenied")
    );

    // Never enforce before registration: refused, nothing sent.
    let err = mfa_state::set(&ga, &log, &bare, PerUserMfaState::Enforced)
        .await
        .unwrap_err();
    assert!(matches!(err, MfaStateError::NotRegistered(_)), "{err}");
    assert_eq!(state_in_dump(&t, &bare_id), "disabled");

    let done = mfa_state::set(&ga, &log, &bare, PerUserMfaState::Enabled)
        .await
        .unwrap();
    assert!(
        done.consent_asked,
        "the write permission is asked for on first use"
    );
    assert_eq!(
        (done.before, done.after),
        (PerUserMfaState::Disabled, PerUserMfaState::Enabled)
    );
    assert_eq!(state_in_dump(&t, &bare_id), "enabled");

    // A registered user: enabled becomes enforced (Entra), said as a warning.
    let done = mfa_state::set(&ga, &log, &reg, PerUserMfaState::Enabled)
        .await
        .unwrap();
    assert!(!done.consent_asked, "asked once per session");
    assert_eq!(done.after, PerUserMfaState::Enforced);
    assert!(done
        .warnings
        .iter()
        .any(|w| w.contains("Entra shows enforced")));
    let done = mfa_state::set(&ga, &log, &reg, PerUserMfaState::Disabled)
        .await
        .unwrap();
    assert_eq!(done.after, PerUserMfaState::Disabled);

    let lines = log.read().unwrap();
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .all(|l| l.method == "per-user MFA" && l.ok && l.admin.starts_with("gaby.admin")));
    assert_eq!(lines[0].before.as_deref(), Some("disabled"));
    assert_eq!(lines[0].after.as_deref(), Some("enabled"));
}

#[tokio::test]
async fn roles_the_docs_name_and_nothing_sent_otherwise() {
    let t = tenant(quick()).await;
    let (bare_id, bare) = user_where(&t, |u| plain(u) && methodless(u));
    let log = audit_log("roles");

    // A Privileged Authentication Administrator manages methods, not per-user MFA.
    let paa = session_of(&t, &t.upn(AdminRole::PrivilegedAuthenticationAdministrator)).await;
    let requests = || {
        t.sandbox.dump()["counters"]["graphRequests"]
            .as_u64()
            .unwrap()
    };
    let before = requests();
    let err = mfa_state::read(&paa, &bare).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("Global Reader, Authentication Policy Administrator"),
        "{err}"
    );
    assert!(matches!(
        mfa_state::set(&paa, &log, &bare, PerUserMfaState::Enabled).await,
        Err(MfaStateError::Refused(_))
    ));
    assert_eq!(requests(), before, "refused before anything is sent");

    // A Global Reader reads (with the reason it cannot change it) and is refused the write.
    let gr = session_of(&t, &t.upn(AdminRole::GlobalReader)).await;
    let view = mfa_state::read(&gr, &bare).await.unwrap();
    assert!(view
        .cannot_change
        .unwrap()
        .contains("Authentication Policy Administrator"));
    assert_ne!(view.tenant.fit, Fit::Unknown);
    assert!(mfa_state::set(&gr, &log, &bare, PerUserMfaState::Enabled)
        .await
        .is_err());

    // An Authentication Policy Administrator (the documented writer) sets it, but cannot read
    // methods, so "enforced" is refused rather than sent blind.
    let apa_upn = t.sandbox.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["accountEnabled"] == true
                && u["roles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == "Authentication Policy Administrator")
        })
        .unwrap()["userPrincipalName"]
        .as_str()
        .unwrap()
        .to_string();
    let apa = session_of(&t, &apa_upn).await;
    let view = mfa_state::read(&apa, &bare).await.unwrap();
    assert_eq!(view.registered, None);
    assert_eq!(view.tenant.fit, Fit::Unknown, "{}", view.tenant.advice);
    let err = mfa_state::set(&apa, &log, &bare, PerUserMfaState::Enforced)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("will not enforce blind"), "{err}");
    let done = mfa_state::set(&apa, &log, &bare, PerUserMfaState::Enabled)
        .await
        .unwrap();
    assert_eq!(done.after, PerUserMfaState::Enabled);
    assert_eq!(state_in_dump(&t, &bare_id), "enabled");
}

#[tokio::test]
async fn says_when_per_user_mfa_is_the_wrong_tool() {
    let t = tenant(SandboxConfig {
        conditional_access_mfa: true,
        ..quick()
    })
    .await;
    let (_, bare) = user_where(&t, |u| plain(u) && methodless(u));
    let ga = session_of(&t, &t.upn(AdminRole::GlobalAdministrator)).await;
    let tenant_mfa = mfa_state::read(&ga, &bare).await.unwrap().tenant;
    assert_eq!(tenant_mfa.fit, Fit::WrongTool);
    assert_eq!(tenant_mfa.security_defaults, Some(false));
    assert!(tenant_mfa
        .advice
        .contains("\"Require multifactor authentication for all users\""));

    let t = tenant(SandboxConfig {
        security_defaults: true,
        ..quick()
    })
    .await;
    let ga = session_of(&t, &t.upn(AdminRole::GlobalAdministrator)).await;
    let tenant_mfa = mfa_state::tenant_mfa(ga.graph()).await;
    assert_eq!(tenant_mfa.fit, Fit::WrongTool);
    assert!(tenant_mfa.advice.contains("Security defaults are on"));
}
