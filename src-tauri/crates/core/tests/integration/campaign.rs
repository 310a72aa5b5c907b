//! The move off SMS and voice against the sandbox, through the core calls both front ends use:
//! cohort from the report's "breaks on 1 Feb 2027" tile with exclusions, passes issued and
//! delivered once, users registering with their pass (control plane), status, default method,
//! SMS sign-in off, phones removed over the threshold confirmation and that removal undone.
//! Plus the bad inputs: an empty cohort, a deleted user, a TAP policy that is off, a role that
//! may not issue passes to admins.

use std::time::Duration;

use prestage_core::campaign::{self, NewCampaign, Pick, Stage, Step, StepOptions, TapChoice};
use prestage_core::import::ApplyControl;
use prestage_core::plan::RowStatus;
use prestage_core::report::{self, ReportEvent, ReportRow, SourceChoice, Tile};
use prestage_core::session::Session;
use prestage_core::throttle::ThrottleOptions;
use prestage_sandbox::AdminRole;
use reqwest::Method;
use serde_json::json;

use crate::harness::*;

pub(crate) async fn session(t: &Tenant, role: AdminRole) -> Session {
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

pub(crate) async fn report_rows(s: &Session) -> Vec<ReportRow> {
    let mut rows = Vec::new();
    report::run(report::Reader::of(s), SourceChoice::Methods, |e| {
        if let ReportEvent::Rows { rows: r, .. } = e {
            rows.extend(r);
        }
    })
    .await
    .unwrap();
    rows
}

pub(crate) fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("prestage-campaign-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tap(minutes: u32) -> StepOptions {
    StepOptions {
        tap: Some(TapChoice {
            lifetime_minutes: minutes,
            once: true,
            start: None,
        }),
        ..StepOptions::default()
    }
}

#[tokio::test]
async fn the_whole_move_runs_on_the_bulk_engine_and_the_removal_is_undone() {
    let t = tenant(quick()).await;
    let s = session(&t, AdminRole::PrivilegedAuthenticationAdministrator).await;
    let data = temp("flow");
    let runs = data.join("runs");
    let rows = report_rows(&s).await;
    let maker = s.campaigns(&data);
    let mut c = campaign::create(
        &maker,
        &NewCampaign {
            name: "wave 1",
            pick: Pick::Tile(Tile::Breaks20270201),
            exclusion_group: None,
        },
        &rows,
    )
    .await
    .unwrap();
    let breaking = rows
        .iter()
        .filter(|r| r.tiles.contains(&Tile::Breaks20270201))
        .count();
    assert_eq!(c.members.len() + c.excluded.len(), breaking);
    assert!(c.members.len() >= 5, "the seed has users who break");
    for x in &c.excluded {
        assert!(!x.reason.is_empty());
    }
    let saved = std::fs::read_to_string(data.join("campaigns/wave 1.json")).unwrap();
    assert!(
        !saved.contains("+1 "),
        "no phone number in the campaign file"
    );

    let ctx = s.runs(&runs, 4);
    let preview = campaign::preview_step(&ctx, &c, Step::Tap, &tap(120))
        .await
        .unwrap();
    assert!(preview.advice.iter().any(|a| a.contains("10 minutes")));
    let writes = preview.rows.iter().filter(|r| r.writes()).count();
    assert!(writes > 0);
    let outcome = campaign::run_step(
        &ctx,
        &data,
        &mut c,
        preview,
        None,
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(
        outcome.passes.len(),
        writes,
        "{:?}",
        outcome.runs[0].report.results.first()
    );
    let csv = campaign::delivery_csv(&outcome.passes, campaign::parse_offset("+01:00").unwrap());
    assert!(csv.contains("ValidFrom (UTC+01:00)"));
    campaign::record_delivery(&data, &mut c, &outcome.passes).unwrap();
    // No pass text on disk: not in the campaign file, not in the journal.
    let mut on_disk = std::fs::read_to_string(data.join("campaigns/wave 1.json")).unwrap();
    for e in std::fs::read_dir(&runs).unwrap() {
        on_disk.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
    }
    for p in &outcome.passes {
        assert!(!on_disk.contains(p.tap.reveal_pass().unwrap()));
        assert!(csv.contains(p.tap.reveal_pass().unwrap()));
    }
    assert!(campaign::recovery(&runs, &c).unwrap().is_empty());

    // Three users register with their pass, as at aka.ms/mysecurityinfo.
    let methods = ["microsoftAuthenticator", "fido2", "microsoftAuthenticator"];
    let registered: Vec<String> = outcome.passes[..3]
        .iter()
        .map(|p| p.user.id.clone())
        .collect();
    for (p, m) in outcome.passes[..3].iter().zip(methods) {
        t.sandbox
            .register_method(&p.user.id, m, p.tap.reveal_pass().unwrap())
            .unwrap();
    }
    let st = campaign::status(&ctx, &data, &mut c).await.unwrap();
    let reg = st
        .counts
        .iter()
        .find(|x| x.stage == Stage::Registered)
        .unwrap();
    assert_eq!(reg.users, 3);
    for id in &registered {
        let u = st.users.iter().find(|u| &u.id == id).unwrap();
        assert!(!u.registered.is_empty(), "{u:?}");
    }

    // Step 2's offer: delete the passes still live after registration — only the registered.
    assert_eq!(st.live_passes_after_registration, 3);
    let preview = campaign::preview_step(&ctx, &c, Step::DeletePasses, &StepOptions::default())
        .await
        .unwrap();
    let mut deleting: Vec<String> = preview
        .rows
        .iter()
        .filter(|r| r.writes())
        .map(|r| r.user.as_ref().unwrap().id.clone())
        .collect();
    deleting.sort();
    let mut want = registered.clone();
    want.sort();
    assert_eq!(deleting, want);
    campaign::run_step(
        &ctx,
        &data,
        &mut c,
        preview,
        None,
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    let st = campaign::status(&ctx, &data, &mut c).await.unwrap();
    assert_eq!(st.live_passes_after_registration, 0);

    // Step 3: push for Authenticator users; the passkey-only user is explained.
    let preview = campaign::preview_step(&ctx, &c, Step::Default, &StepOptions::default())
        .await
        .unwrap();
    let passkey_only = &registered[1];
    assert!(preview
        .notes
        .iter()
        .any(|n| &n.id == passkey_only && n.reason.contains("system-preferred")));
    campaign::run_step(
        &ctx,
        &data,
        &mut c,
        preview,
        None,
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap();

    // Step 4: SMS sign-in off only for users with another way in.
    let preview = campaign::preview_step(&ctx, &c, Step::SmsSignInOff, &StepOptions::default())
        .await
        .unwrap();
    for r in preview.rows.iter().filter(|r| r.writes()) {
        let id = &r.user.as_ref().unwrap().id;
        let phone_only = rows.iter().find(|x| &x.id == id).unwrap().phone_only;
        assert!(
            registered.contains(id) || !phone_only,
            "{id} signs in only by SMS"
        );
    }
    if preview.rows.iter().any(|r| r.writes()) {
        campaign::run_step(
            &ctx,
            &data,
            &mut c,
            preview,
            None,
            &ApplyControl::default(),
            |_, _| {},
        )
        .await
        .unwrap();
    }

    // Step 5 over a threshold of 1: refused until the count is typed; then undone.
    let opts = StepOptions {
        threshold: Some(1),
        ..StepOptions::default()
    };
    let preview = campaign::preview_step(&ctx, &c, Step::RemovePhones, &opts)
        .await
        .unwrap();
    let n = preview.removals;
    assert!(n >= 2, "{n} users to remove phones from");
    assert!(preview.needs_confirmation());
    let refused = campaign::run_step(
        &ctx,
        &data,
        &mut c,
        preview.clone(),
        Some(n + 1),
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(refused
        .to_string()
        .contains(&format!("type {n} to confirm")));
    let before: Vec<usize> = {
        let dump = t.sandbox.dump();
        registered.iter().map(|id| phones_of(&dump, id)).collect()
    };
    let removal = campaign::run_step(
        &ctx,
        &data,
        &mut c,
        preview,
        Some(n),
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    let run = removal.runs[0].run.clone();
    let dump = t.sandbox.dump();
    let passkey_user_phones = phones_of(&dump, passkey_only);
    assert!(
        registered.iter().any(|id| phones_of(&dump, id) == 0),
        "the Authenticator users' phones are gone"
    );
    let _ = passkey_user_phones;
    campaign::undo_step(
        &ctx,
        &data,
        &mut c,
        &run,
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    let dump = t.sandbox.dump();
    let after: Vec<usize> = registered.iter().map(|id| phones_of(&dump, id)).collect();
    assert_eq!(after, before, "undo re-added the numbers");
    let c2 = campaign::load(&data, "wave 1", &s.account().tenant_id).unwrap();
    assert!(c2
        .members
        .iter()
        .filter(|m| registered.contains(&m.id))
        .all(|m| m.stage < Stage::PhonesRemoved));
}

fn phones_of(dump: &serde_json::Value, id: &str) -> usize {
    dump["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap()["methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["@odata.type"] == "#microsoft.graph.phoneAuthenticationMethod")
        .count()
}

#[tokio::test]
async fn bad_input_gets_a_reason_per_user_and_nothing_half_written() {
    let t = tenant(quick()).await;
    let s = session(&t, AdminRole::AuthenticationAdministrator).await;
    let data = temp("bad");
    let rows = report_rows(&s).await;
    let maker = s.campaigns(&data);
    // An empty cohort: nothing saved.
    let none: Vec<String> = Vec::new();
    let empty = campaign::create(
        &maker,
        &NewCampaign {
            name: "empty",
            pick: Pick::Ids(&none),
            exclusion_group: None,
        },
        &rows,
    )
    .await
    .unwrap_err();
    assert!(empty.to_string().contains("The cohort is empty"), "{empty}");
    assert!(campaign::list(&data).is_empty());
    // A selection with the admin, a disabled user, an external user and a Global Administrator.
    let me = s.account().id.clone();
    let disabled = rows.iter().find(|r| !r.account_enabled).unwrap().id.clone();
    let admin = t.global_admin_target(s.graph()).await;
    let ordinary = t.ordinary_users(s.graph(), 3).await;
    let mut ids = vec![me.clone(), disabled.clone(), admin.clone()];
    ids.extend(ordinary.iter().cloned());
    ids.push("00000000-0000-0000-0000-00000000dead".into());
    let mut c = campaign::create(
        &maker,
        &NewCampaign {
            name: "picked",
            pick: Pick::Ids(&ids),
            exclusion_group: None,
        },
        &rows,
    )
    .await
    .unwrap();
    let reason = |id: &str| {
        c.excluded
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.reason.clone())
            .unwrap_or_default()
    };
    assert!(reason(&me).contains("signed-in admin"));
    assert!(reason(&disabled).contains("disabled"));
    assert!(reason("00000000-0000-0000-0000-00000000dead").contains("not in the report"));
    // A user deleted since the cohort was made (the sandbox deletes nobody: the saved cohort
    // names an id the tenant no longer has).
    let gone = "00000000-0000-0000-0000-0000000000aa".to_string();
    let mut ghost = c.members[0].clone();
    ghost.id = gone.clone();
    ghost.user_principal_name = "left.company@contoso-sandbox.onmicrosoft.com".into();
    c.members.push(ghost);
    campaign::save(&data, &c).unwrap();
    let ga = t.as_role(AdminRole::GlobalAdministrator).await;
    let runs = data.join("runs");
    let ctx = s.runs(&runs, 4);
    let p = campaign::preview_step(&ctx, &c, Step::Tap, &tap(60))
        .await
        .unwrap();
    let note = |id: &str| {
        p.notes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.reason.clone())
    };
    assert!(note(&gone).unwrap().contains("deleted since the cohort"));
    let admin_row = p
        .rows
        .iter()
        .find(|r| r.user.as_ref().is_some_and(|u| u.id == admin))
        .unwrap();
    assert_eq!(admin_row.status, RowStatus::Skipped);
    assert!(
        admin_row.problems[0].contains("Privileged Authentication Administrator"),
        "{:?}",
        admin_row.problems
    );
    let ordinary_row = p
        .rows
        .iter()
        .find(|r| r.user.as_ref().is_some_and(|u| u.id == ordinary[0]))
        .unwrap();
    assert!(ordinary_row.writes());
    // The TAP policy is turned off after the preview: Graph creates the passes unusable, and
    // each is reported (DisabledByPolicy), not handed out.
    let tap_policy =
        "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";
    ga.raw(
        Method::PATCH,
        prestage_core::graph::Api::V1,
        tap_policy,
        Some(json!({"state": "disabled"})),
    )
    .await
    .unwrap();
    let out = campaign::run_step(
        &ctx,
        &data,
        &mut c,
        p,
        None,
        &ApplyControl::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert!(out.passes.is_empty(), "an unusable pass is not handed out");
    let r = &out.runs[0].report.results;
    assert!(
        r.iter().all(|x| x
            .message
            .as_deref()
            .is_some_and(|m| m.contains("DisabledByPolicy"))),
        "{r:?}"
    );
    let c2 = campaign::load(&data, "picked", &s.account().tenant_id).unwrap();
    assert!(
        campaign::recovery(&runs, &c2)
            .unwrap()
            .undelivered
            .is_empty(),
        "an unusable pass is reported, not re-issued"
    );
    assert!(c2.members.iter().filter(|m| m.id == ordinary[0]).all(|m| m
        .note
        .as_deref()
        .is_some_and(|n| n.contains("DisabledByPolicy"))));
    // With the policy off, the next preview (the role reads the policy) refuses every pass.
    let p = campaign::preview_step(&ctx, &c2, Step::Tap, &tap(60))
        .await
        .unwrap();
    assert!(p.rows.iter().all(|r| !r.writes()));
    assert!(
        p.rows
            .iter()
            .any(|r| r.problems.iter().any(|x| x.contains("turned off"))),
        "{:?}",
        p.rows
    );
}
