//! The bulk import engine against the sandbox: preview with mixed outcomes, apply exactly the
//! plan, a row changed since the preview is re-planned not overwritten, undo restores.

use std::collections::HashMap;

use prestage_core::import::{preview, ApplyControl, PlanOptions, RowEnd};
use prestage_core::phone::PhoneType;
use prestage_core::plan::RowStatus;
use prestage_core::GraphClient;
use prestage_sandbox::AdminRole;

use crate::harness::{number, quick, tenant, MOBILE};

async fn mobiles(g: &GraphClient, users: &[String]) -> HashMap<String, Option<String>> {
    let mut out = HashMap::new();
    for u in users {
        let phones = g.list_phone_methods(u).await.unwrap();
        out.insert(
            u.clone(),
            phones
                .into_iter()
                .find(|p| p.phone_type == Some(PhoneType::Mobile))
                .map(|p| p.phone_number),
        );
    }
    out
}

async fn upn(g: &GraphClient, id: &str) -> String {
    g.get_user(id).await.unwrap().user_principal_name.unwrap()
}

#[tokio::test]
async fn preview_apply_and_undo_a_mixed_file() {
    let t = tenant(quick()).await;
    let session = t
        .session_with(
            AdminRole::PrivilegedAuthenticationAdministrator,
            Default::default(),
        )
        .await;
    let g = session.graph().clone();
    let actor = session.actor();
    let phoneless = t.phoneless_users(&g, 4).await;
    let with_mobile: Vec<String> = {
        let mut v = Vec::new();
        for u in t.ordinary_users(&g, 200).await {
            let phones = g.list_phone_methods(&u).await.unwrap();
            if phones.len() == 1 && phones[0].phone_type == Some(MOBILE) {
                v.push(u);
            }
            if v.len() == 2 {
                break;
            }
        }
        v
    };
    let existing = g
        .get_phone_method(&with_mobile[1], MOBILE)
        .await
        .unwrap()
        .phone_number;
    let rows = [
        format!("{},07400 123401,,,", upn(&g, &phoneless[0]).await), // add (GB national)
        format!(
            "{},+44 7400 123402,+44 7400 123403,,",
            upn(&g, &phoneless[1]).await
        ), // add mobile + alternate
        format!("{},+1 2065550199,,,", upn(&g, &with_mobile[0]).await), // update
        format!("{},{existing},,,", upn(&g, &with_mobile[1]).await), // unchanged
        format!("{},3.16123E+11,,,", upn(&g, &phoneless[2]).await),  // invalid: Excel damage
        "nobody@nowhere.example,+44 7400 123404,,,".to_string(),     // invalid: no such user
        format!(
            "{},+44 7400 123405,,,",
            session.account().user_principal_name
        ), // skipped: self
        format!("{},,+44 7400 123406,,", upn(&g, &phoneless[3]).await), // invalid: alternate needs mobile
        format!("{},+44 7400 123407,,,", upn(&g, &phoneless[0]).await), // skipped: duplicate user
    ];
    let csv = format!(
        "UserPrincipalName,MobilePhone,AlternateMobilePhone,OfficePhone,Email\r\n{}\r\n",
        rows.join("\r\n")
    );
    let options = PlanOptions {
        default_region: Some("GB".into()),
        blank_removes: false,
    };
    let mut streamed = 0;
    let plan = preview(
        &g,
        &actor,
        csv.as_bytes(),
        &HashMap::new(),
        &options,
        4,
        |rows| streamed += rows.len(),
    )
    .await
    .unwrap();
    assert_eq!(streamed, rows.len(), "every row is streamed once");
    let statuses: Vec<RowStatus> = plan.rows.iter().map(|r| r.status).collect();
    use RowStatus::*;
    assert_eq!(
        statuses,
        [Add, Add, Update, Unchanged, Invalid, Invalid, Skipped, Invalid, Skipped],
        "{:#?}",
        plan.rows
    );
    assert!(plan.rows[4].problems[0].contains("scientific notation"));
    assert!(plan.rows[6].problems[0].contains("your own"));
    assert!(plan.rows[8].problems[0].contains("line 2"));
    assert_eq!(
        plan.rows[2].changes[0].before.as_deref(),
        g.get_phone_method(&with_mobile[0], MOBILE)
            .await
            .ok()
            .map(|p| p.phone_number)
            .as_deref()
    );
    assert_eq!(plan.counts.add, 2);

    // Someone changes the "update" user after the preview: that row must not be overwritten.
    let before = mobiles(&g, &[phoneless.clone(), with_mobile.clone()].concat()).await;
    g.update_phone_method(&with_mobile[0], MOBILE, &number("+1 2065550123"))
        .await
        .unwrap();
    let before_with_change = mobiles(&g, &[phoneless.clone(), with_mobile.clone()].concat()).await;

    let dir = std::env::temp_dir().join(format!("prestage-runs-{}", std::process::id()));
    let runs = session.runs(&dir, 4);
    let control = ApplyControl::default();
    let outcome = runs
        .start(
            "mixed.csv",
            &options,
            plan.rows.clone(),
            &control,
            |_, _| {},
        )
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
        [
            (2, RowEnd::Done),
            (3, RowEnd::Done),
            (4, RowEnd::ChangedSincePreview)
        ]
    );
    assert!(outcome.report.results[2].replanned.is_some());
    assert!(outcome
        .report
        .results
        .iter()
        .flat_map(|r| &r.changes)
        .all(|c| c.request_id.is_some()));
    let after = mobiles(&g, &phoneless[..2]).await;
    assert_eq!(after[&phoneless[0]].as_deref(), Some("+44 7400123401"));
    assert_eq!(after[&phoneless[1]].as_deref(), Some("+44 7400123402"));
    assert_eq!(
        g.get_phone_method(&with_mobile[0], MOBILE)
            .await
            .unwrap()
            .phone_number,
        "+1 2065550123"
    );

    let undone = runs.undo(&outcome.run, &control, |_, _| {}).await.unwrap();
    assert!(undone.cannot_undo.is_empty());
    assert!(
        undone.report.results.iter().all(|r| r.end == RowEnd::Done),
        "{:#?}",
        undone.report
    );
    assert_eq!(
        mobiles(&g, &[phoneless.clone(), with_mobile.clone()].concat()).await,
        before_with_change
    );
    assert!(
        g.list_phone_methods(&phoneless[1])
            .await
            .unwrap()
            .is_empty(),
        "alternate and mobile both removed"
    );
    let _ = before;
    let _ = std::fs::remove_dir_all(dir);
}
