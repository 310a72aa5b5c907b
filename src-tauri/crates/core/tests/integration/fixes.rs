//! Single-user fixes against the sandbox: the overview with its pre-flight verdicts, edits in
//! Graph's order with the audit log, SMS sign-in with the policy's reason, the default method,
//! a Temporary Access Pass within policy, removals, re-registration and the role refusals.

use std::path::PathBuf;

use prestage_core::audit::AuditLog;
use prestage_core::fixes::{
    apply_edit, issue_tap, remove_method, require_reregistration, user_overview, Edit, FixError,
    Registration, TapChoice,
};
use prestage_core::graph::{MethodKind, PreferredMethod, SmsSignInState};
use prestage_core::phone::PhoneType;
use prestage_core::session::Session;
use prestage_sandbox::AdminRole;
use serde_json::Value;

use crate::harness::{quick, tenant, Tenant, ALTERNATE, MOBILE};

fn log(name: &str) -> (AuditLog, PathBuf) {
    let dir = std::env::temp_dir().join(format!("prestage-fixes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    (AuditLog::in_dir(&dir), dir)
}

async fn as_role(t: &Tenant, role: AdminRole) -> Session {
    t.session_with(role, Default::default()).await
}

/// Ids of users in the sandbox dump matching `pred` (ordinary: enabled members, no role).
fn pick(t: &Tenant, pred: impl Fn(&Value) -> bool) -> Vec<String> {
    let accounts: Vec<String> = t.sandbox.accounts().into_iter().map(|a| a.id).collect();
    t.sandbox.dump()["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            !accounts.contains(&u["id"].as_str().unwrap().to_string())
                && u["accountEnabled"] == true
                && u["userType"] == "Member"
                && u["roles"].as_array().unwrap().is_empty()
                && pred(u)
        })
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

fn has_method(u: &Value, kind: &str) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["@odata.type"].as_str().unwrap_or("").contains(kind))
}

fn has_mobile(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["phoneType"] == "mobile")
}

fn in_pilot(u: &Value) -> bool {
    u["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g == "SMS sign-in pilot")
}

fn set_phone(t: PhoneType, input: &str) -> Edit {
    Edit::SetPhone {
        phone_type: t,
        input: input.into(),
    }
}

#[tokio::test]
async fn phones_in_graphs_order_with_the_reason_before_the_click_and_an_audit_line_each() {
    let t = tenant(quick()).await;
    let s = as_role(&t, AdminRole::PrivilegedAuthenticationAdministrator).await;
    let user = pick(&t, |u| !has_method(u, "phone"))[0].clone();
    let (log, dir) = log("phones");

    let o = user_overview(&s, &user).await.unwrap();
    assert!(o.actions.write.allowed && o.phones.is_empty());
    assert_eq!(o.default_region.as_deref(), Some("US"));
    assert!(
        matches!(o.registration, Registration::NotAvailable { ref reason } if reason.contains("your role"))
    );
    let alt = &o.actions.phones[1];
    assert!(
        !alt.set.allowed
            && alt
                .set
                .reason
                .as_deref()
                .unwrap()
                .contains("needs a mobile")
    );

    let done = apply_edit(
        &s,
        &log,
        &user,
        &set_phone(MOBILE, "(206) 555-0100"),
        Some("US"),
    )
    .await
    .unwrap();
    assert_eq!(done.written[0].what, "add mobile");
    assert_eq!(done.written[0].after.as_deref(), Some("+1 2065550100"));
    apply_edit(&s, &log, &user, &set_phone(MOBILE, "+1 206 555 0111"), None)
        .await
        .unwrap();
    apply_edit(
        &s,
        &log,
        &user,
        &set_phone(ALTERNATE, "011 49 151 23456789"),
        Some("US"),
    )
    .await
    .unwrap();

    let o = user_overview(&s, &user).await.unwrap();
    assert_eq!(o.phones.len(), 2);
    let remove_mobile = &o.actions.phones[0].remove;
    assert!(!remove_mobile.allowed);
    assert!(remove_mobile
        .reason
        .as_deref()
        .unwrap()
        .contains("while an alternate mobile exists"));
    let refused = apply_edit(
        &s,
        &log,
        &user,
        &Edit::RemovePhone { phone_type: MOBILE },
        None,
    )
    .await;
    assert!(
        matches!(refused, Err(FixError::Refused(ref why)) if why.contains("alternate")),
        "{refused:?}"
    );
    let ext = apply_edit(
        &s,
        &log,
        &user,
        &set_phone(MOBILE, "+1 206 555 0100 x12"),
        None,
    )
    .await;
    assert!(matches!(ext, Err(FixError::Invalid(ref why)) if why.contains("office phone")));

    // Default on the mobile: removing it is refused until the default moves.
    apply_edit(
        &s,
        &log,
        &user,
        &Edit::DefaultMethod {
            method: PreferredMethod::VoiceMobile,
        },
        None,
    )
    .await
    .unwrap();
    apply_edit(
        &s,
        &log,
        &user,
        &Edit::RemovePhone {
            phone_type: ALTERNATE,
        },
        None,
    )
    .await
    .unwrap();
    let o = user_overview(&s, &user).await.unwrap();
    assert_eq!(o.default_method.method, Some(PreferredMethod::VoiceMobile));
    assert!(o.actions.phones[0]
        .remove
        .reason
        .as_deref()
        .unwrap()
        .contains("default method"));
    let push = o
        .actions
        .default_methods
        .iter()
        .find(|d| d.method == PreferredMethod::Push)
        .unwrap();
    assert!(
        !push.verdict.allowed
            && push
                .verdict
                .reason
                .as_deref()
                .unwrap()
                .contains("Authenticator")
    );

    apply_edit(
        &s,
        &log,
        &user,
        &Edit::SetEmail {
            address: "someone@example.org".into(),
        },
        None,
    )
    .await
    .unwrap();
    let entries = log.read().unwrap();
    let what: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", e.action, e.method))
        .collect();
    assert_eq!(
        what,
        [
            "add mobile",
            "change mobile",
            "add alternate mobile",
            "set default method",
            "remove alternate mobile",
            "add email"
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.ok && e.request_id.is_some() && e.admin.starts_with("priya.patel@")));
    assert_eq!(entries[1].before.as_deref(), Some("+1 XXXXXXXX00"));
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(
        !text.contains("2065550") && !text.contains("23456789"),
        "numbers masked: {text}"
    );
    assert!(text.contains("someone@example.org"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn sms_sign_in_is_offered_only_when_the_policy_allows_it_and_says_why_not() {
    let t = tenant(quick()).await;
    let s = as_role(&t, AdminRole::PrivilegedAuthenticationAdministrator).await;
    let (log, dir) = log("sms");
    let pilot = pick(&t, |u| {
        in_pilot(u) && u["licensed"] == true && !has_method(u, "phone")
    })[0]
        .clone();
    let outsider = pick(&t, |u| !in_pilot(u) && has_mobile(u))
        .into_iter()
        .next()
        .unwrap();

    let o = user_overview(&s, &pilot).await.unwrap();
    assert!(o
        .actions
        .enable_sms_sign_in
        .reason
        .as_deref()
        .unwrap()
        .contains("needs a mobile"));
    apply_edit(
        &s,
        &log,
        &pilot,
        &set_phone(MOBILE, "+44 7400 123457"),
        None,
    )
    .await
    .unwrap();
    // A new mobile in scope is registered for SMS sign-in by the service itself.
    let o = user_overview(&s, &pilot).await.unwrap();
    assert_eq!(o.phones[0].sms_sign_in_state, Some(SmsSignInState::Ready));
    assert!(!o.actions.enable_sms_sign_in.allowed && o.actions.disable_sms_sign_in.allowed);
    let done = apply_edit(&s, &log, &pilot, &Edit::SmsSignIn { enabled: false }, None)
        .await
        .unwrap();
    assert_eq!(done.written[0].what, "disable SMS sign-in");
    let o = user_overview(&s, &pilot).await.unwrap();
    assert_eq!(
        o.phones[0].sms_sign_in_state,
        Some(SmsSignInState::NotEnabled)
    );
    assert!(
        o.actions.enable_sms_sign_in.allowed,
        "{:?}",
        o.actions.enable_sms_sign_in
    );
    let done = apply_edit(&s, &log, &pilot, &Edit::SmsSignIn { enabled: true }, None)
        .await
        .unwrap();
    assert_eq!(done.written[0].what, "enable SMS sign-in");
    let o = user_overview(&s, &pilot).await.unwrap();
    assert_eq!(o.phones[0].sms_sign_in_state, Some(SmsSignInState::Ready));

    let o = user_overview(&s, &outsider).await.unwrap();
    let why = o.actions.enable_sms_sign_in.reason.clone().unwrap();
    assert!(
        why.contains("only members of \"SMS sign-in pilot\""),
        "{why}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_tap_within_policy_is_shown_once_and_never_written_down() {
    let t = tenant(quick()).await;
    let s = as_role(&t, AdminRole::PrivilegedAuthenticationAdministrator).await;
    let (log, dir) = log("tap");
    let user = pick(&t, |_| true)[0].clone();
    let o = user_overview(&s, &user).await.unwrap();
    let policy = o.tap_policy.clone().unwrap();
    assert_eq!(
        (
            policy.minimum_lifetime_minutes,
            policy.maximum_lifetime_minutes
        ),
        (60, 480)
    );

    let short = TapChoice {
        lifetime_minutes: Some(30),
        ..TapChoice::default()
    };
    let refused = issue_tap(&s, &log, &user, &short).await;
    assert!(matches!(refused, Err(FixError::Refused(ref why)) if why.contains("60 to 480")));
    let choice = TapChoice {
        lifetime_minutes: Some(120),
        one_time: Some(true),
        start: None,
    };
    let issued = issue_tap(&s, &log, &user, &choice).await.unwrap();
    let pass = issued.tap.reveal_pass().unwrap().to_string();
    assert!(pass.len() >= 8);
    assert!(!format!("{issued:?}").contains(&pass));
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(
        !text.contains(&pass) && text.contains("120 min, one-time"),
        "{text}"
    );
    assert!(log.read().unwrap()[0].request_id.is_some());
    let o = user_overview(&s, &user).await.unwrap();
    assert!(o
        .methods
        .iter()
        .any(|m| m.kind == MethodKind::TemporaryAccessPass));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn remove_an_authenticator_then_require_re_registration() {
    let t = tenant(quick()).await;
    let s = as_role(&t, AdminRole::PrivilegedAuthenticationAdministrator).await;
    let (log, dir) = log("remove");
    let users = pick(&t, |u| {
        has_method(u, "microsoftAuthenticator") && has_method(u, "phone")
    });
    let (first, second) = (&users[0], &users[1]);

    let o = user_overview(&s, first).await.unwrap();
    let app = o
        .methods
        .iter()
        .find(|m| m.kind == MethodKind::MicrosoftAuthenticator)
        .unwrap();
    assert!(app.removable);
    let done = remove_method(&s, &log, first, &app.kind, &app.id)
        .await
        .unwrap();
    assert_eq!(done.written[0].what, "remove Microsoft Authenticator");
    let o = user_overview(&s, first).await.unwrap();
    assert!(!o.methods.iter().any(|m| m.id == app.id));
    let phone = remove_method(&s, &log, first, &MethodKind::Phone, "x").await;
    assert!(matches!(phone, Err(FixError::Invalid(_))));

    let before = user_overview(&s, second).await.unwrap();
    assert!(before.actions.reregister.allowed);
    let done = require_reregistration(&s, &log, second).await.unwrap();
    assert!(done.failed.is_none(), "{done:?}");
    let after = user_overview(&s, second).await.unwrap();
    let left: Vec<&MethodKind> = after
        .methods
        .iter()
        .map(|m| &m.kind)
        .filter(|k| k.is_mfa())
        .collect();
    assert!(
        left.iter().all(|k| !matches!(
            k,
            MethodKind::MicrosoftAuthenticator | MethodKind::SoftwareOath
        )),
        "{left:?}"
    );
    assert_eq!(
        after.phones.len(),
        done.kept
            .iter()
            .filter(|k| k.what.starts_with("the "))
            .count()
    );
    assert_eq!(log.read().unwrap().len(), 1 + done.written.len());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn roles_refuse_before_anything_is_sent() {
    let t = tenant(quick()).await;
    let aa = as_role(&t, AdminRole::AuthenticationAdministrator).await;
    let paa = t.paa().await;
    let target = t.global_admin_target(&paa).await;
    let (log, dir) = log("roles");

    let o = user_overview(&aa, &target).await.unwrap();
    assert!(o.masked_numbers && o.roles.contains(&"Global Administrator".to_string()));
    let why = o.actions.write.reason.clone().unwrap();
    assert!(why.contains("this user is a Global Administrator"), "{why}");
    assert!(o
        .actions
        .phones
        .iter()
        .all(|p| !p.set.allowed && p.set.reason.as_deref() == Some(why.as_str())));
    assert!(!o.actions.issue_tap.allowed);
    let refused = apply_edit(
        &aa,
        &log,
        &target,
        &Edit::SetEmail {
            address: "x@example.org".into(),
        },
        None,
    )
    .await;
    assert!(matches!(refused, Err(FixError::Refused(_))));
    let tap = issue_tap(&aa, &log, &target, &TapChoice::default()).await;
    assert!(matches!(tap, Err(FixError::Refused(_))));

    let me = aa.account().id.clone();
    let o = user_overview(&aa, &me).await.unwrap();
    assert!(o.actions.write.reason.unwrap().contains("your own"));
    let gr = as_role(&t, AdminRole::GlobalReader).await;
    let o = user_overview(&gr, &target).await.unwrap();
    assert!(o.actions.write.reason.unwrap().contains("read"));
    assert!(matches!(o.registration, Registration::Available { .. }));
    assert!(log.read().unwrap().is_empty(), "nothing was written");
    let _ = std::fs::remove_dir_all(dir);
}
