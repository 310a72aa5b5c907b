//! Snapshot tests of the import **preview** of every CSV fixture in `tests/fixtures/csv/` against
//! a sandbox tenant (issue 5): what the admin sees per row — the line, the user cell, the user it
//! resolved to, the outcome, each change before → after, problems and warnings. The reader alone
//! is snapshotted in `tests/csv_fixtures.rs`; a file the reader refuses is snapshotted here with
//! the message `preview` returns for it.
//!
//! The people the fixtures name are added to the tenant with fixed ids and a mixed, fixed state
//! (`fixture_users`): some have no methods (add), some another number (update), some exactly
//! what their row asks (unchanged), one is found only by mail, and some are absent (no such
//! user). Previews run as the Privileged Authentication Administrator, who sees numbers unmasked
//! and may change every user here, with default region "US": most fixture numbers carry a
//! country code, and the bare ones written US-style (`4255550115`) are US numbers, so US is
//! what an admin of this file would pick. Accept changed snapshots with
//! `INSTA_UPDATE=always cargo test -p prestage-core --test integration fixture_previews`, then
//! read them.

use std::collections::HashMap;
use std::path::PathBuf;

use prestage_core::import::{preview, Counts, PlanOptions};
use prestage_core::plan::{Actor, Change, RowPlan, RowStatus};
use prestage_sandbox::{AdminRole, SandboxConfig, SeedUser};
use serde::Serialize;

use crate::harness::{quick, tenant};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/csv")
}

/// The default region of every preview here (see the module docs).
const REGION: &str = "US";

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn person(n: u32, upn: &str) -> SeedUser {
    SeedUser {
        id: id(n),
        user_principal_name: upn.into(),
        mail: Some(upn.into()),
        ..SeedUser::default()
    }
}

/// The fixtures' people as the tenant has them. Absent on purpose (rows show "no user"):
/// zoë.moreau and jürgen.groß (Entra allows no such characters in a UPN), sam.odu, fay.moss,
/// tia.lowe, mo.reyes and object id …99. Not seeded because their rows are refused before any
/// lookup: ana.garcia, ned.ward, pia.ross and everyone in quoted-embedded.csv and
/// graph-ps51-business-phones.csv.
fn fixture_users() -> Vec<SeedUser> {
    let n = |number: &str| Some(number.to_string());
    vec![
        // utf8.csv: SMS sign-in is refused by policy (not in the pilot group); utf8-bom.csv: same
        // mobile, unchanged.
        SeedUser {
            mobile: n("+1 4255550100"),
            ..person(1, "adele.vance@contoso.com")
        },
        person(2, "megan.bowen@contoso.com"), // nothing yet: add
        // Found only by mail (the UPN is on another domain); has utf16le-tab.txt's mobile, so
        // that row only adds the email and windows-1252.csv's row updates the mobile.
        SeedUser {
            mail: Some("jose.pena@contoso.com".into()),
            mobile: n("+1 4255550103"),
            ..person(3, "jose.pena@contoso.onmicrosoft.com")
        },
        person(4, "lee.chen@contoso.com"), // add mobile and email
        SeedUser {
            mobile: n("+61 491570013"),
            email: Some("jürgen@example.com".into()),
            ..person(5, "jurgen.muller@contoso.com")
        }, // exactly the row: unchanged
        SeedUser {
            email: Some("nuria.ibanez@example.com".into()),
            ..person(6, "nuria.ibanez@contoso.com")
        }, // email updated
        person(7, "luc.dubois@contoso.com"), // add mobile, office, email
        SeedUser {
            email: Some("eva@example.com".into()),
            ..person(8, "eva.novak@contoso.com")
        }, // unchanged
        SeedUser {
            mobile: n("+1 4255550106"),
            alternate_mobile: n("+1 4255550197"),
            ..person(9, "kim.park@contoso.com")
        }, // alternate updated
        person(10, "ola.nord@contoso.com"), // alternate without a mobile: refused
        person(11, "ida.berg@contoso.com"), // add
        SeedUser {
            mobile: n("+1 4255550198"),
            ..person(12, "tom.holt@contoso.com")
        }, // mobile updated
        person(13, "eli.stone@contoso.com"), // add
        SeedUser {
            mobile: n("+1 4255550111"),
            ..person(14, "gus.hale@contoso.com")
        }, // unchanged
        SeedUser {
            office: n("+44 2079460199"),
            ..person(15, "hal.wood@contoso.com")
        }, // office updated
        SeedUser {
            mobile: n("+1 4255550192"),
            ..person(16, "ivy.lane@contoso.com")
        }, // ForcedUpdate False: kept, unchanged with a warning
        SeedUser {
            mobile: n("+61 491570099"),
            ..person(17, "jon.reed@contoso.com")
        }, // mobile updated, alternate and office added
        SeedUser {
            mobile: n("+1 4255550193"),
            office: n("+1 4255550194"),
            email: Some("kai.west@example.com".into()),
            ..person(18, "kai.west@contoso.com")
        }, // ForcedRemoval True: everything removed
        SeedUser {
            mobile: n("+1 4255550191"),
            ..person(19, "lia.ford@contoso.com")
        }, // mobile updated, email added
        SeedUser {
            mobile: n("+1 4255550189"),
            ..person(20, "max.cole@contoso.com")
        }, // the row asks nothing: unchanged
        person(21, "oli.park@contoso.com"), // repaired numbers added
        SeedUser {
            mobile: n("+1 4255550188"),
            ..person(22, "quin.hart@contoso.com")
        }, // the row asks nothing: unchanged
        person(23, "rae.moon@contoso.com"), // add
        SeedUser {
            mobile: n("+1 4255550119"),
            ..person(24, "sid.frey@contoso.com")
        }, // office added
        SeedUser {
            mobile: n("+1 4255550122"),
            ..person(25, "vic.hale@contoso.com")
        }, // unchanged
        person(26, "wes.pike@contoso.com"), // add
        // graph-ps7-export.csv, found by object id: add; the file's UPN is stale (renamed);
        // the file's mail is stale; exactly the row: unchanged. Its fifth row's id is nobody's.
        person(27, "zoe.lam@contoso.com"),
        person(28, "dan.roe@contoso.com"),
        person(29, "eve.sato@contoso.com"),
        SeedUser {
            mail: None,
            mobile: n("+1 4255550135"),
            ..person(30, "gil.moss@contoso.com")
        },
        // entra-bulk-create.csv: office and mobile added; mobile updated (mo.reyes is absent:
        // the template is for users still to be created).
        person(31, "kit.vance@contoso.com"),
        SeedUser {
            mobile: n("+1 4255550187"),
            ..person(32, "lou.park@contoso.com")
        },
        // ps51-type-line.csv: add; alternate added; the row asks nothing: unchanged.
        person(33, "ren.dupuis@contoso.com"),
        SeedUser {
            mobile: n("+46 701740605"),
            ..person(34, "bjorn.lund@contoso.com")
        },
        person(35, "cai.wong@contoso.com"),
    ]
}

/// What a snapshot records: the preview projected onto what the admin reads (no ids, no
/// fingerprints), or the refusal of the whole file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Snapshot {
    Preview {
        file: File,
        counts: Counts,
        rows: Vec<Row>,
    },
    Refused {
        message: String,
    },
}

/// The preview's header: how the file was read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct File {
    encoding: String,
    delimiter: char,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unknown_headers: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    line: usize,
    user_input: String,
    /// The UPN the row resolved to.
    user: Option<String>,
    outcome: RowStatus,
    /// `action slot: before → after`, as the preview gives them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

fn change(c: &Change) -> String {
    let action = serde_json::to_value(c.action).unwrap();
    format!(
        "{} {}: {} → {}",
        action.as_str().unwrap(),
        c.slot.label(),
        c.before.as_deref().unwrap_or("—"),
        c.after.as_deref().unwrap_or("—"),
    )
}

fn row(p: &RowPlan) -> Row {
    Row {
        line: p.line,
        user_input: p.user_input.clone(),
        user: p.user.as_ref().map(|u| u.user_principal_name.clone()),
        outcome: p.status,
        changes: p.changes.iter().map(change).collect(),
        problems: p.problems.clone(),
        warnings: p.warnings.clone(),
    }
}

async fn preview_fixture(name: &str) -> Snapshot {
    let bytes = std::fs::read(fixture_dir().join(name)).unwrap();
    let t = tenant(SandboxConfig {
        users: 20,
        ..quick()
    })
    .await;
    t.sandbox.add_users(&fixture_users()).unwrap();
    let session = t
        .session_with(
            AdminRole::PrivilegedAuthenticationAdministrator,
            Default::default(),
        )
        .await;
    let actor = Actor {
        powers: session.powers(),
        my_id: &session.account().id,
    };
    let options = PlanOptions {
        default_region: Some(REGION.into()),
        blank_removes: false,
    };
    let mut streamed = 0;
    let result = preview(
        session.graph(),
        &actor,
        &bytes,
        &HashMap::new(),
        &options,
        4,
        |rows| streamed += rows.len(),
    )
    .await;
    t.sandbox.shutdown().await;
    match result {
        Ok(plan) => {
            assert_eq!(streamed, plan.rows.len(), "every row is streamed once");
            Snapshot::Preview {
                file: File {
                    encoding: plan.file.encoding,
                    delimiter: plan.file.delimiter,
                    skipped: plan.file.skipped,
                    unknown_headers: plan.file.unknown_headers,
                },
                counts: plan.counts,
                rows: plan.rows.iter().map(row).collect(),
            }
        }
        Err(e) => Snapshot::Refused {
            message: e.to_string(),
        },
    }
}

macro_rules! previews {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                insta::assert_yaml_snapshot!($file, preview_fixture($file).await);
            }
        )*

        const FIXTURES: &[&str] = &[$($file),*];
    };
}

previews! {
    utf8 => "utf8.csv",
    utf8_bom => "utf8-bom.csv",
    utf16le_tab => "utf16le-tab.txt",
    utf16be_bom => "utf16be-bom.csv",
    windows_1252 => "windows-1252.csv",
    semicolon => "semicolon.csv",
    tab => "tab.tsv",
    sep_line => "sep-line.csv",
    quoted_embedded => "quoted-embedded.csv",
    blank_lines_crlf => "blank-lines-crlf.csv",
    trailing_empty_columns => "trailing-empty-columns.csv",
    community_template => "community-template.csv",
    unknown_headers => "unknown-headers.csv",
    excel_damage => "excel-damage.csv",
    ragged_rows => "ragged-rows.csv",
    mac_cr => "mac-cr.csv",
    ps51_type_line => "ps51-type-line.csv",
    graph_ps7_export => "graph-ps7-export.csv",
    graph_ps51_business_phones => "graph-ps51-business-phones.csv",
    entra_bulk_create => "entra-bulk-create.csv",
    // Refused by the reader: the snapshot is the message the preview returns.
    no_user_column => "no-user-column.csv",
    empty => "empty.csv",
    unclosed_quote => "unclosed-quote.csv",
    duplicate_columns => "duplicate-columns.csv",
    no_header => "no-header.csv",
}

#[test]
fn every_fixture_file_has_a_preview_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !n.ends_with(".py"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "add a preview test for each new fixture");
}
