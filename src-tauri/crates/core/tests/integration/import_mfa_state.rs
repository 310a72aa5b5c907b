//! The `PerUserMfaState` CSV column through the one bulk engine: previewed (never "enforced"
//! before registration, unless the same row adds a phone first; a bad cell; a role that may
//! not), applied with the write permission asked for on first use, journaled, and undone —
//! including a user Entra moved from enabled to enforced by itself.

use std::collections::HashMap;

use prestage_core::import::{preview, ApplyControl, PlanOptions, RowEnd};
use prestage_core::plan::{RowStatus, Slot};
use prestage_sandbox::AdminRole;
use serde_json::Value;

use crate::harness::{quick, tenant, Tenant};

fn users(t: &Tenant, n: usize, pred: impl Fn(&Value) -> bool) -> Vec<String> {
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
                && u["perUserMfaState"] == "disabled"
                && pred(u)
        })
        .take(n)
        .map(|u| u["userPrincipalName"].as_str().unwrap().to_string())
        .collect()
}

fn methodless(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod")
}

fn with_mobile(u: &Value) -> bool {
    u["methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["phoneType"] == "mobile")
}

/// (per-user MFA state, has a mobile) of each UPN, from the sandbox's own state.
fn states(t: &Tenant, upns: &[&String]) -> Vec<(String, bool)> {
    let dump = t.sandbox.dump();
    upns.iter()
        .map(|upn| {
            let u = dump["users"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["userPrincipalName"] == upn.as_str())
                .unwrap();
            (
                u["perUserMfaState"].as_str().unwrap().to_string(),
                with_mobile(u),
            )
        })
        .collect()
}

#[tokio::test]
async fn per_user_mfa_column_previewed_applied_and_undone() {
    let t = tenant(quick()).await;
    let bare = users(&t, 4, methodless);
    let registered = users(&t, 1, with_mobile);
    let ga = t
        .session_with(AdminRole::GlobalAdministrator, Default::default())
        .await;
    let me = ga.account().user_principal_name.clone();
    let csv = format!(
        "UserPrincipalName,MobilePhone,PerUserMfaState\r\n\
         {},,enabled\r\n\
         {},,enforced\r\n\
         {},+44 7400 123411,Enforced\r\n\
         {},,enabled\r\n\
         {},,sometimes\r\n\
         {me},,enabled\r\n",
        bare[0], bare[1], bare[2], registered[0], bare[3]
    );
    let options = PlanOptions {
        default_region: Some("GB".into()),
        blank_removes: false,
    };
    let plan = preview(
        ga.graph(),
        &ga.actor(),
        csv.as_bytes(),
        &HashMap::new(),
        &options,
        2,
        |_| {},
    )
    .await
    .unwrap();
    use RowStatus::*;
    let statuses: Vec<RowStatus> = plan.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Update, Invalid, Update, Update, Invalid, Skipped],
        "{:#?}",
        plan.rows
    );
    assert!(plan.rows[1].problems[0].contains("before the user has registered"));
    // The phone goes first, then MFA is enforced on it.
    let slots: Vec<Slot> = plan.rows[2].changes.iter().map(|c| c.slot).collect();
    assert_eq!(slots, [Slot::Mobile, Slot::PerUserMfa]);
    assert!(plan.rows[3]
        .warnings
        .iter()
        .any(|w| w.contains("Entra turns 'enabled' into 'enforced'")));
    assert!(plan.rows[4].problems[0].contains("PerUserMfaState: 'sometimes'"));
    assert!(plan.rows[5].problems[0].contains("your own per-user MFA"));

    // A Privileged Authentication Administrator may change methods but not per-user MFA.
    let paa = t
        .session_with(
            AdminRole::PrivilegedAuthenticationAdministrator,
            Default::default(),
        )
        .await;
    let paa_plan = preview(
        paa.graph(),
        &paa.actor(),
        csv.as_bytes(),
        &HashMap::new(),
        &options,
        2,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(paa_plan.rows[0].status, Skipped, "{:#?}", paa_plan.rows[0]);
    assert!(paa_plan.rows[0].problems[0].contains("cannot change per-user MFA"));

    let dir = std::env::temp_dir().join(format!("prestage-mfa-runs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let runs = ga.runs(&dir, 2);
    let control = ApplyControl::default();
    let outcome = runs
        .start("mfa.csv", &options, plan.rows.clone(), &control, |_, _| {})
        .await
        .unwrap();
    let ends: Vec<(usize, RowEnd)> = outcome
        .report
        .results
        .iter()
        .map(|r| (r.line, r.end))
        .collect();
    assert_eq!(
        ends,
        [(2, RowEnd::Done), (4, RowEnd::Done), (5, RowEnd::Done)],
        "{:#?}",
        outcome.report
    );
    let watched = [&bare[0], &bare[1], &bare[2], &registered[0]];
    assert_eq!(
        states(&t, &watched),
        [
            ("enabled".to_string(), false),
            ("disabled".to_string(), false),
            ("enforced".to_string(), true),
            ("enforced".to_string(), true), // Entra: enabled + registered = enforced
        ]
    );
    // The journal has the per-user MFA writes with Graph's request ids.
    let journal = std::fs::read_to_string(dir.join(format!("{}.jsonl", outcome.run))).unwrap();
    assert!(journal.contains("\"perUserMfa\""), "{journal}");

    // A second preview of the same file changes nothing for the applied rows.
    let again = preview(
        ga.graph(),
        &ga.actor(),
        csv.as_bytes(),
        &HashMap::new(),
        &options,
        2,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(again.rows[0].status, Unchanged);
    assert_eq!(again.rows[3].status, Unchanged, "{:#?}", again.rows[3]);

    let undo = runs.undo_preview(&outcome.run).await.unwrap();
    assert!(undo.cannot_undo.is_empty(), "{:#?}", undo.cannot_undo);
    let undone = runs.undo(&outcome.run, &control, |_, _| {}).await.unwrap();
    assert!(
        undone.report.results.iter().all(|r| r.end == RowEnd::Done),
        "{:#?}",
        undone.report
    );
    assert_eq!(
        states(&t, &watched),
        [
            ("disabled".to_string(), false),
            ("disabled".to_string(), false),
            ("disabled".to_string(), false),
            ("disabled".to_string(), true),
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}
