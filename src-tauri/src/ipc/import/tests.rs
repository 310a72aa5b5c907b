//! The import DTOs' JSON, pinned: the webview's ui/js/import/*.js read exactly these shapes.

use super::*;
use prestage_core::import::{
    summarize, ChangeResult, Entry, Progress, RowEnd, RowResult, RunHeader, RunKind,
};
use prestage_core::plan::Slot;
use serde_json::json;

fn plan() -> RowPlan {
    RowPlan {
        line: 4,
        user_input: "adele@contoso.example".into(),
        user: Some(TargetUser {
            id: "u-1".into(),
            user_principal_name: "adele@contoso.example".into(),
            display_name: "Adele Vance".into(),
        }),
        status: RowStatus::Update,
        changes: vec![Change {
            slot: Slot::Mobile,
            action: Action::Update,
            before: Some("+1 4255550100".into()),
            after: Some("+1 4255550199".into()),
        }],
        problems: vec![],
        warnings: vec!["the same mobile number is on line 7".into()],
        desired: None,
        fingerprint: "f".into(),
        region: None,
    }
}

#[test]
fn a_preview_row_is_pinned() {
    assert_eq!(
        serde_json::to_value(RowInfo::from(&plan())).unwrap(),
        json!({
            "line": 4,
            "userInput": "adele@contoso.example",
            "user": {
                "id": "u-1",
                "userPrincipalName": "adele@contoso.example",
                "displayName": "Adele Vance"
            },
            "outcome": "update",
            "writes": true,
            "changes": [{
                "what": "mobile",
                "action": "update",
                "before": "+1 4255550100",
                "after": "+1 4255550199"
            }],
            "problems": [],
            "warnings": ["the same mobile number is on line 7"],
            "region": null
        })
    );
}

#[test]
fn the_preview_summary_and_settings_are_pinned() {
    let summary = FileSummary {
        encoding: "UTF-8 (BOM)".into(),
        delimiter: '\t',
        skipped: Some("Line 1 skipped: \"version:v1.0\" is …".into()),
        headers: vec!["UPN".into(), "Cell".into(), "Id".into()],
        mapping: vec![Some(Column::User), None, Some(Column::UserId)],
        unknown_headers: vec!["Cell".into()],
        rows: 2,
    };
    let counts = Counts {
        add: 1,
        update: 2,
        unchanged: 3,
        skipped: 4,
        invalid: 5,
    };
    let done = PreviewDone {
        preview_id: 3,
        file: FileInfo::new("users.csv", &summary),
        counts: (&counts).into(),
    };
    assert_eq!(
        serde_json::to_value(done).unwrap(),
        json!({
            "previewId": 3,
            "file": {
                "name": "users.csv",
                "encoding": "UTF-8 (BOM)",
                "delimiter": "tab",
                "skipped": "Line 1 skipped: \"version:v1.0\" is …",
                "headers": [
                    { "name": "UPN", "column": "user" },
                    { "name": "Cell", "column": null },
                    { "name": "Id", "column": "userId" }
                ],
                "unknownHeaders": ["Cell"],
                "rows": 2
            },
            "counts": { "add": 1, "update": 2, "unchanged": 3, "skipped": 4, "invalid": 5 }
        })
    );
    let settings = ImportSettings {
        default_region: Some("US".into()),
        region_from_tenant: true,
        columns: vec![Column::AlternateMobilePhone.into()],
    };
    assert_eq!(
        serde_json::to_value(settings).unwrap(),
        json!({
            "defaultRegion": "US",
            "regionFromTenant": true,
            "columns": [{
                "id": "alternateMobilePhone",
                "header": "AlternateMobilePhone",
                "describe": "alternate mobile phone"
            }]
        })
    );
}

#[test]
fn what_the_webview_sends_is_pinned() {
    let options: PreviewOptions =
        serde_json::from_value(json!({ "defaultRegion": "GB", "blankRemoves": true })).unwrap();
    assert_eq!(options.default_region.as_deref(), Some("GB"));
    assert!(options.blank_removes);
    let bare: PreviewOptions = serde_json::from_value(json!({ "defaultRegion": null })).unwrap();
    assert!(!bare.blank_removes);
    let control: RunControl = serde_json::from_value(json!("cancel")).unwrap();
    assert_eq!(control, RunControl::Cancel);
    let column: ColumnId = serde_json::from_value(json!("forcedRemoval")).unwrap();
    assert_eq!(Column::from(column), Column::ForcedRemoval);
    let column: ColumnId = serde_json::from_value(json!("userMail")).unwrap();
    assert_eq!(Column::from(column), Column::UserMail);
    for c in Column::ALL {
        assert_eq!(Column::from(ColumnId::from(c)), c);
    }
}

fn result() -> RowResult {
    let p = plan();
    RowResult {
        line: 4,
        user: p.user.clone(),
        end: RowEnd::ChangedSincePreview,
        changes: vec![ChangeResult {
            change: p.changes[0].clone(),
            ok: false,
            request_id: Some("r-9".into()),
            error: Some("Graph refused the change".into()),
        }],
        message: Some("the user's methods changed since the preview".into()),
        replanned: Some(p),
        pass: None,
    }
}

#[test]
fn a_run_event_and_its_outcome_are_pinned() {
    let progress = Progress {
        total: 10,
        finished: 4,
        done: 2,
        failed: 1,
        changed_since_preview: 1,
        rate_per_s: 2.5,
        eta_s: Some(2.4),
    };
    let event = RunEvent {
        result: (&result()).into(),
        progress: (&progress).into(),
    };
    let value = serde_json::to_value(event).unwrap();
    assert_eq!(
        value["progress"],
        json!({
            "total": 10, "finished": 4, "done": 2, "failed": 1, "changedSincePreview": 1,
            "ratePerS": 2.5, "etaS": 2.4
        })
    );
    assert_eq!(value["result"]["end"], json!("changedSincePreview"));
    assert_eq!(
        value["result"]["changes"],
        json!([{
            "change": {
                "what": "mobile", "action": "update",
                "before": "+1 4255550100", "after": "+1 4255550199"
            },
            "ok": false,
            "requestId": "r-9",
            "error": "Graph refused the change"
        }])
    );
    assert_eq!(value["result"]["replanned"]["outcome"], json!("update"));
    assert_eq!(
        value["result"]["message"],
        json!("the user's methods changed since the preview")
    );
}

#[test]
fn a_run_in_the_list_is_pinned() {
    let header: RunHeader = serde_json::from_value(json!({
        "run": "20250101-120000-00ab",
        "kind": "apply",
        "created": "2025-01-01T12:00:00Z",
        "tenantId": "t-1",
        "admin": "pat@contoso.example",
        "fileName": "users.csv",
        "options": { "defaultRegion": "US", "blankRemoves": false }
    }))
    .unwrap();
    let entries = vec![
        Entry::Run(header),
        Entry::Plan {
            row: Box::new(plan()),
        },
    ];
    let summary = summarize(&entries).unwrap();
    assert_eq!(
        serde_json::to_value(RunInfoRow::new(&summary, "t-1", false)).unwrap(),
        json!({
            "run": "20250101-120000-00ab",
            "kind": "apply",
            "undoOf": null,
            "created": "2025-01-01T12:00:00+00:00",
            "fileName": "users.csv",
            "admin": "pat@contoso.example",
            "rows": 1, "done": 0, "failed": 0, "changedSincePreview": 0, "pending": 1,
            "finished": false, "cancelled": false,
            "resumable": true, "undoable": true, "undone": false, "otherTenant": false,
            "locked": false
        })
    );
    let elsewhere = RunInfoRow::new(&summary, "t-2", false);
    assert!(elsewhere.other_tenant && !elsewhere.resumable && !elsewhere.undoable);
    let mut undo = summary.clone();
    undo.header.run = "20250101-130000-00cd".into();
    undo.header.kind = RunKind::Undo;
    undo.header.undo_of = Some(summary.header.run.clone());
    let list = RunInfoRow::list(&[undo, summary], "t-1", |_| false);
    assert!(
        !list[0].undone && !list[0].undoable,
        "an undo run is not undone"
    );
    assert!(
        list[1].undone && !list[1].undoable,
        "an undone run is not undone twice"
    );
}

#[test]
fn an_unreadable_file_is_an_invalid_csv_error() {
    let e = IpcError::from(CsvError::Malformed {
        line: 7,
        reason: "an unclosed quote".into(),
    });
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({
            "kind": "invalidCsv",
            "line": 7,
            "message": "Line 7 cannot be read: an unclosed quote."
        })
    );
    let empty = serde_json::to_value(IpcError::from(CsvError::Empty)).unwrap();
    assert_eq!(empty["kind"], json!("invalidCsv"));
    assert_eq!(empty["line"], json!(null));
}
