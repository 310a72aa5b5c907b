//! What the admin trusts a run not to do: undo never overwrites or deletes what changed since the
//! run, a run is undone once and an undo is never undone, one holder drives a run at a time, and
//! a journal of another tenant is never driven.

use std::collections::HashMap;

use prestage_core::import::{preview, ApplyControl, JournalError, PlanOptions, RowEnd, RunLock};
use prestage_core::plan::RowStatus;
use prestage_core::session::Session;
use prestage_core::GraphClient;
use prestage_sandbox::AdminRole;

use crate::harness::{number, quick, tenant, MOBILE};

async fn upn(g: &GraphClient, id: &str) -> String {
    g.get_user(id).await.unwrap().user_principal_name.unwrap()
}

async fn mobile(g: &GraphClient, id: &str) -> Option<String> {
    g.list_phone_methods(id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.phone_type == Some(MOBILE))
        .map(|p| p.phone_number)
}

/// Applies a file adding a mobile to each of `users`; the run's id.
async fn add_mobiles(session: &Session, dir: &std::path::Path, users: &[String]) -> String {
    let g = session.graph();
    let mut csv = String::from("UserPrincipalName,MobilePhone\r\n");
    for (i, u) in users.iter().enumerate() {
        csv.push_str(&format!(
            "{},+44 74001234{:02}\r\n",
            upn(g, u).await,
            50 + i
        ));
    }
    let options = PlanOptions {
        default_region: Some("GB".into()),
        blank_removes: false,
    };
    let plan = preview(
        g,
        &session.actor(),
        csv.as_bytes(),
        &HashMap::new(),
        &options,
        4,
        |_| {},
    )
    .await
    .unwrap();
    assert!(plan.rows.iter().all(|r| r.status == RowStatus::Add));
    let outcome = session
        .runs(dir, 4)
        .start(
            "add.csv",
            &options,
            plan.rows,
            &ApplyControl::default(),
            |_, _| {},
        )
        .await
        .unwrap();
    assert!(outcome.report.results.iter().all(|r| r.end == RowEnd::Done));
    outcome.run
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("prestage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn undo_leaves_alone_what_changed_since_the_run_and_runs_once() {
    let t = tenant(quick()).await;
    let session = t
        .session_with(
            AdminRole::PrivilegedAuthenticationAdministrator,
            Default::default(),
        )
        .await;
    let g = session.graph().clone();
    let users = t.phoneless_users(&g, 3).await;
    let dir = temp_dir("undo-guard");
    let run = add_mobiles(&session, &dir, &users).await;

    // After the run: the second user registers another mobile; the third removes theirs.
    g.update_phone_method(&users[1], MOBILE, &number("+44 7400999111"))
        .await
        .unwrap();
    g.delete_phone_method(&users[2], MOBILE).await.unwrap();

    let runs = session.runs(&dir, 4);
    let preview = runs.undo_preview(&run).await.unwrap();
    let statuses: Vec<RowStatus> = preview.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [RowStatus::Update, RowStatus::Skipped, RowStatus::Skipped],
        "{:#?}",
        preview.rows
    );
    assert!(preview.rows[1].problems[0].contains("changed since the run"));
    assert!(preview.rows[2].problems[0].contains("now none"));
    assert_eq!(
        mobile(&g, &users[0]).await.as_deref(),
        Some("+44 7400123450")
    );

    let undone = runs
        .undo(&run, &ApplyControl::default(), |_, _| {})
        .await
        .unwrap();
    let ends: Vec<RowEnd> = undone.report.results.iter().map(|r| r.end).collect();
    assert_eq!(
        ends,
        [
            RowEnd::Done,
            RowEnd::ChangedSinceRun,
            RowEnd::ChangedSinceRun
        ]
    );
    assert_eq!(
        mobile(&g, &users[0]).await,
        None,
        "the run's own mobile goes"
    );
    assert_eq!(
        mobile(&g, &users[1]).await.as_deref(),
        Some("+44 7400999111"),
        "the mobile registered after the run stays"
    );
    assert_eq!(mobile(&g, &users[2]).await, None);

    let again = runs.undo(&run, &ApplyControl::default(), |_, _| {}).await;
    assert!(
        matches!(&again, Err(JournalError::Refused(m)) if m.contains("already undone")),
        "{again:?}"
    );
    let preview_again = runs.undo_preview(&run).await;
    assert!(matches!(preview_again, Err(JournalError::Refused(_))));
    let of_undo = runs
        .undo(&undone.run, &ApplyControl::default(), |_, _| {})
        .await;
    assert!(
        matches!(&of_undo, Err(JournalError::Refused(m)) if m.contains("itself an undo")),
        "{of_undo:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn one_holder_per_run_and_only_the_signed_in_tenants_runs() {
    let t = tenant(quick()).await;
    let session = t
        .session_with(
            AdminRole::PrivilegedAuthenticationAdministrator,
            Default::default(),
        )
        .await;
    let g = session.graph().clone();
    let users = t.phoneless_users(&g, 1).await;
    let dir = temp_dir("run-lock");
    let run = add_mobiles(&session, &dir, &users).await;
    let runs = session.runs(&dir, 4);

    let held = RunLock::acquire(&dir, &run).unwrap();
    let resumed = runs.resume(&run, &ApplyControl::default(), |_, _| {}).await;
    assert!(
        matches!(resumed, Err(JournalError::Locked(_))),
        "{resumed:?}"
    );
    let undone = runs.undo(&run, &ApplyControl::default(), |_, _| {}).await;
    assert!(matches!(undone, Err(JournalError::Locked(_))), "{undone:?}");
    assert!(RunLock::is_held_elsewhere(&dir, &run));
    drop(held);
    assert!(!RunLock::is_held_elsewhere(&dir, &run));

    // The same journal as if made in another tenant.
    let path = dir.join(format!("{run}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap();
    let tenant_id = &session.account().tenant_id;
    std::fs::write(
        &path,
        text.replace(tenant_id.as_str(), "00000000-0000-0000-0000-0000000000aa"),
    )
    .unwrap();
    for attempt in [
        runs.resume(&run, &ApplyControl::default(), |_, _| {}).await,
        runs.undo(&run, &ApplyControl::default(), |_, _| {}).await,
    ] {
        assert!(
            matches!(&attempt, Err(JournalError::Refused(m)) if m.contains("another tenant") || m.contains("made in tenant")),
            "{attempt:?}"
        );
    }
    assert_eq!(
        mobile(&g, &users[0]).await.as_deref(),
        Some("+44 7400123450"),
        "nothing was undone"
    );
    let _ = std::fs::remove_dir_all(dir);
}
