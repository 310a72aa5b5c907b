//! The tenant report against the sandbox: both sources give the same phone-only flag, breaks-on
//! date and method set for every user, and both match the sandbox's own state dump; the
//! fallback and its reason; a role that can read neither; throttling mid-report; roles unreadable.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use prestage_core::auth::{self, SignInConfig};
use prestage_core::graph::{Api, ClientOptions};
use prestage_core::report::{self, ReportError, ReportEvent, ReportRow, Source, SourceChoice};
use prestage_core::session::{Session, SANDBOX_CLIENT_ID};
use prestage_core::throttle::ThrottleOptions;
use prestage_sandbox::{AdminRole, SandboxConfig};
use serde_json::Value;

use crate::harness::*;

struct Run {
    rows: Vec<ReportRow>,
    started: Option<report::SourceInfo>,
    warnings: Vec<String>,
    batches: usize,
}

async fn run(session: &Session, choice: SourceChoice) -> Result<Run, ReportError> {
    let mut out = Run {
        rows: Vec::new(),
        started: None,
        warnings: Vec::new(),
        batches: 0,
    };
    report::run(report::Reader::of(session), choice, |e| match e {
        ReportEvent::Started { source, .. } => out.started = Some(source),
        ReportEvent::Rows { rows, done, total } => {
            out.rows.extend(rows);
            out.batches += 1;
            assert_eq!(done, out.rows.len());
            assert!(done <= total);
        }
        ReportEvent::Warning(w) => out.warnings.push(w),
    })
    .await?;
    Ok(out)
}

async fn session(t: &Tenant, role: AdminRole) -> Session {
    t.session_with(
        role,
        ThrottleOptions {
            base_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(500),
            ..ThrottleOptions::default()
        },
    )
    .await
}

fn by_id(rows: &[ReportRow]) -> HashMap<String, &ReportRow> {
    let map: HashMap<String, &ReportRow> = rows.iter().map(|r| (r.id.clone(), r)).collect();
    assert_eq!(map.len(), rows.len(), "each user once");
    map
}

/// The report's method names for a dump user, derived independently from the dump's methods.
fn expected_methods(u: &Value) -> Vec<String> {
    let mut out = HashSet::new();
    for m in u["methods"].as_array().unwrap() {
        let t = m["@odata.type"]
            .as_str()
            .unwrap()
            .trim_start_matches("#microsoft.graph.");
        let names: Vec<&str> = match t {
            "phoneAuthenticationMethod" => match m["phoneType"].as_str().unwrap() {
                "mobile" => vec!["mobilePhone"],
                "alternateMobile" => vec!["alternateMobilePhone"],
                _ => vec!["officePhone"],
            },
            "emailAuthenticationMethod" => vec!["email"],
            "microsoftAuthenticatorAuthenticationMethod" => {
                vec!["microsoftAuthenticatorPush", "softwareOneTimePasscode"]
            }
            "softwareOathAuthenticationMethod" => vec!["softwareOneTimePasscode"],
            "fido2AuthenticationMethod" => {
                if m["aaGuid"] == "90a3ccdf-635c-4729-a248-9b709135078f" {
                    vec!["passKeyDeviceBoundAuthenticator"]
                } else if m["passkeyType"] == "synced" {
                    vec!["passKeySynced"]
                } else {
                    vec!["passKeyDeviceBound"]
                }
            }
            "windowsHelloForBusinessAuthenticationMethod" => vec!["windowsHelloForBusiness"],
            "temporaryAccessPassAuthenticationMethod" if m["isUsable"] == true => {
                vec!["temporaryAccessPass"]
            }
            _ => vec![],
        };
        out.extend(names.into_iter().map(str::to_string));
    }
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort();
    v
}

fn sorted(v: &Option<Vec<String>>) -> Vec<String> {
    let mut v = v.clone().expect("methods read");
    v.sort();
    v
}

/// phoneOnly and breaksOn for a dump user, by the retirement rules.
fn expected_breaks(u: &Value, methods: &[String]) -> (bool, Option<String>) {
    let phone = |n: &str| ["mobilePhone", "alternateMobilePhone", "officePhone"].contains(&n);
    let not_mfa = |n: &str| ["email", "temporaryAccessPass"].contains(&n);
    let has_phone = methods.iter().any(|n| phone(n));
    let phone_only = has_phone && methods.iter().all(|n| phone(n) || not_mfa(n));
    let sms = u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["phoneType"] == "mobile" && m["smsSignInState"] == "ready");
    let ga = u["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "Global Administrator");
    let external = u["userPrincipalName"].as_str().unwrap().contains("#EXT#");
    let breaks = if sms {
        Some("2027-02-01")
    } else if phone_only && (ga || external) {
        Some("2027-07-01")
    } else if phone_only {
        Some("2027-02-01")
    } else {
        None
    };
    (phone_only, breaks.map(str::to_string))
}

fn breaks(r: &ReportRow) -> Option<String> {
    r.breaks_on.map(|d| d.to_string())
}

#[tokio::test]
async fn both_sources_agree_with_each_other_and_with_the_sandbox() {
    let t = tenant(SandboxConfig {
        users: 600,
        ..quick()
    })
    .await;
    let ga = session(&t, AdminRole::GlobalAdministrator).await;
    let reg = run(&ga, SourceChoice::Auto).await.unwrap();
    let live = run(&ga, SourceChoice::Methods).await.unwrap();
    assert_eq!(reg.started.as_ref().unwrap().source, Source::Registration);
    assert_eq!(live.started.as_ref().unwrap().source, Source::Methods);
    assert!(reg.warnings.is_empty(), "{:?}", reg.warnings);
    assert!(reg.batches > 1 && live.batches > 1, "rows stream in pages");
    let (reg_rows, live_rows) = (by_id(&reg.rows), by_id(&live.rows));
    let dump = t.sandbox.dump();
    let users = dump["users"].as_array().unwrap();
    assert_eq!(
        reg_rows.len(),
        users.len(),
        "every directory user, disabled ones too"
    );
    assert_eq!(live_rows.len(), users.len());
    let mut checked = HashMap::<&str, usize>::new();
    for u in users {
        let id = u["id"].as_str().unwrap();
        let (r, l) = (reg_rows[id], live_rows[id]);
        let expected = expected_methods(u);
        assert_eq!(
            sorted(&r.methods),
            expected,
            "registration methods of {}",
            r.user_principal_name
        );
        assert_eq!(
            sorted(&l.methods),
            expected,
            "live methods of {}",
            l.user_principal_name
        );
        let (phone_only, breaks_on) = expected_breaks(u, &expected);
        for row in [r, l] {
            assert_eq!(row.phone_only, phone_only, "{}", row.user_principal_name);
            assert_eq!(
                breaks(row),
                breaks_on,
                "{}: {}",
                row.user_principal_name,
                row.breaks
            );
            assert!(row.global_admin.is_some());
        }
        assert_eq!(r.sms_sign_in, l.sms_sign_in, "{}", r.user_principal_name);
        assert_eq!(
            r.phone_default, l.phone_default,
            "{}",
            r.user_principal_name
        );
        if u["accountEnabled"] == false {
            assert_eq!(
                r.source,
                Source::Methods,
                "disabled users are not in the report"
            );
            assert!(r.note.as_deref().unwrap().contains("disabled"));
            *checked.entry("disabled").or_default() += 1;
        } else {
            assert_eq!(r.source, Source::Registration);
        }
        if phone_only {
            *checked.entry("phone-only").or_default() += 1;
        }
        if breaks_on.as_deref() == Some("2027-07-01") {
            *checked.entry("july").or_default() += 1;
        }
        if r.sms_sign_in == Some(true) {
            *checked.entry("sms").or_default() += 1;
        }
        if r.no_mfa {
            *checked.entry("no-mfa").or_default() += 1;
        }
    }
    for what in ["disabled", "phone-only", "july", "sms", "no-mfa"] {
        assert!(
            checked.get(what).copied().unwrap_or(0) > 0,
            "the seed exercises {what}: {checked:?}"
        );
    }
}

#[tokio::test]
async fn non_premium_tenant_falls_back_and_says_why() {
    let t = tenant(SandboxConfig {
        non_premium: true,
        users: 120,
        ..quick()
    })
    .await;
    let ga = session(&t, AdminRole::GlobalAdministrator).await;
    let r = run(&ga, SourceChoice::Auto).await.unwrap();
    let source = r.started.unwrap();
    assert_eq!(source.source, Source::Methods);
    assert!(source.reason.contains("P1/P2"), "{}", source.reason);
    assert_eq!(r.rows.len(), 120);
    match run(&ga, SourceChoice::Registration).await {
        Err(ReportError::RegistrationUnavailable(why)) => assert!(why.contains("P1/P2"), "{why}"),
        other => panic!(
            "expected the registration source to be refused, got {:?}",
            other.err()
        ),
    }
}

#[tokio::test]
async fn roles_pick_the_source_and_a_role_that_reads_neither_is_told() {
    let t = tenant(SandboxConfig {
        users: 60,
        ..quick()
    })
    .await;
    let paa = session(&t, AdminRole::PrivilegedAuthenticationAdministrator).await;
    let r = run(&paa, SourceChoice::Auto).await.unwrap();
    let source = r.started.unwrap();
    assert_eq!(source.source, Source::Methods);
    assert!(
        source
            .reason
            .contains("Privileged Authentication Administrator"),
        "{}",
        source.reason
    );
    assert!(
        source.reason.contains("Reports Reader"),
        "{}",
        source.reason
    );

    let reader = session(&t, AdminRole::GlobalReader).await;
    let r = run(&reader, SourceChoice::Auto).await.unwrap();
    assert_eq!(r.started.unwrap().source, Source::Registration);
    let with_mobile = r
        .rows
        .iter()
        .find(|x| x.mobile.is_some())
        .expect("a mobile");
    assert!(
        with_mobile.mobile.as_deref().unwrap().contains('X'),
        "Global Reader sees masked numbers"
    );

    let nobody = session(&t, AdminRole::None).await;
    match run(&nobody, SourceChoice::Auto).await {
        Err(ReportError::NoAccess(why)) => {
            assert!(why.contains("can read neither"), "{why}");
            assert!(why.contains("Global Reader"), "{why}");
        }
        other => panic!("expected NoAccess, got {:?}", other.map(|r| r.rows.len())),
    }
}

#[tokio::test]
async fn throttling_mid_report_resumes_without_duplicates_or_gaps() {
    let t = tenant(SandboxConfig {
        users: 1200,
        read_ru_per_10s: 300,
        ..quick()
    })
    .await;
    let ga = session(&t, AdminRole::GlobalAdministrator).await;
    // Another client of the same app spends the reports bucket just before: the report's own
    // pacing cannot know, so its pages meet Graph's 429 and are retried.
    let other = t.as_role(AdminRole::GlobalReader).await;
    for _ in 0..5 {
        other
            .raw(
                reqwest::Method::GET,
                Api::V1,
                "reports/authenticationMethods/userRegistrationDetails?$top=1",
                None,
            )
            .await
            .unwrap();
    }
    let r = run(&ga, SourceChoice::Registration).await.unwrap();
    assert_eq!(by_id(&r.rows).len(), 1200, "no gaps");
    let counters = &t.sandbox.dump()["counters"]["throttled"];
    assert!(
        counters["reportsLimit"].as_u64().unwrap() >= 1,
        "{counters}"
    );
    assert!(
        counters["resourceUnitLimit"].as_u64().unwrap() >= 1,
        "SMS reads throttled too: {counters}"
    );

    // The methods source adapts to the undocumented per-user limit the same way.
    let small = tenant(SandboxConfig {
        users: 150,
        read_ru_per_10s: 100,
        ..quick()
    })
    .await;
    let ga = session(&small, AdminRole::GlobalAdministrator).await;
    let live = run(&ga, SourceChoice::Methods).await.unwrap();
    assert_eq!(by_id(&live.rows).len(), 150);
    let counters = &small.sandbox.dump()["counters"]["throttled"];
    assert!(
        counters["resourceUnitLimit"].as_u64().unwrap() >= 1,
        "{counters}"
    );
}

#[tokio::test]
async fn without_the_role_read_permission_admins_depend_on_their_role() {
    let t = tenant(SandboxConfig {
        users: 300,
        ..quick()
    })
    .await;
    let mut config = SignInConfig::new(
        t.sandbox.base_url(),
        t.sandbox.tenant_id(),
        SANDBOX_CLIENT_ID,
    );
    config.scopes.retain(|s| !s.contains("RoleManagement"));
    let tokens = auth::sign_in_auto_approved(&config, &t.upn(AdminRole::GlobalReader))
        .await
        .unwrap();
    let s = Session::from_tokens(
        config,
        ClientOptions::new(t.sandbox.base_url()),
        tokens,
        None,
    )
    .await
    .unwrap();
    let r = run(&s, SourceChoice::Registration).await.unwrap();
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("RoleManagement.Read.Directory")),
        "{:?}",
        r.warnings
    );
    assert!(r
        .rows
        .iter()
        .all(|x| x.global_admin.is_none() && x.admin_roles.is_none()));
    let dump = t.sandbox.dump();
    let phone_only_admin = dump["users"].as_array().unwrap().iter().find(|u| {
        !u["roles"].as_array().unwrap().is_empty()
            && u["accountEnabled"] == true
            && expected_breaks(u, &expected_methods(u)).0
            && !u["methods"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["smsSignInState"] == "ready")
    });
    if let Some(u) = phone_only_admin {
        let row = r.rows.iter().find(|x| x.id == u["id"]).unwrap();
        assert!(
            row.breaks.contains("date depends on role"),
            "{}",
            row.breaks
        );
    }
    // Admins are still known from the report's isAdmin.
    assert!(r.rows.iter().any(|x| x.is_admin == Some(true)));
}

#[tokio::test]
async fn refresh_reads_live_methods_past_the_report_lag() {
    let t = tenant(SandboxConfig {
        users: 60,
        ..quick()
    })
    .await;
    let ga = session(&t, AdminRole::GlobalAdministrator).await;
    let paa = t.paa().await;
    let r = run(&ga, SourceChoice::Registration).await.unwrap();
    let target = r
        .rows
        .iter()
        .find(|x| {
            x.no_mfa
                && x.account_enabled
                && x.is_admin == Some(false)
                && x.kind == report::UserKind::Member
        })
        .expect("a user with no MFA method")
        .clone();
    paa.create_phone_method(&target.id, MOBILE, &number("+1 2065550199"))
        .await
        .unwrap();
    let again = run(&ga, SourceChoice::Registration).await.unwrap();
    let stale = again.rows.iter().find(|x| x.id == target.id).unwrap();
    assert!(stale.no_mfa, "the report lags the change");
    let fresh = report::refresh(ga.graph(), ga.powers(), std::slice::from_ref(stale))
        .await
        .unwrap();
    assert_eq!(fresh.len(), 1);
    assert_eq!(fresh[0].source, Source::Methods);
    assert!(fresh[0].phone_only);
    assert_eq!(breaks(&fresh[0]).as_deref(), Some("2027-02-01"));
}
