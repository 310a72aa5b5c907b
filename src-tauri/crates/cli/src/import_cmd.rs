//! `prestage-cli preview | apply | runs | resume | undo`: the CSV import without the window,
//! over the same core engine and the same run journals (app data dir) as the app. Preview never
//! writes; apply needs `--yes`; progress goes to stderr, results to stdout (or JSON).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use prestage_core::csv::{normalize_header, Column};
use prestage_core::import::{
    list_runs, preview, results_csv, ImportPrefs, PlanOptions, RunList, RunLock, ROWS_IN_FLIGHT,
};
use prestage_core::plan::RowPlan;
use prestage_core::session::Session;

pub(crate) mod print;
use print::{print_outcome, print_row, print_undo_preview, progress_line};

use crate::connect::{session, Connect};
use crate::ending::{control, exit};

#[derive(clap::Args, Debug)]
pub struct FileArgs {
    /// The CSV file (UTF-8/UTF-16/Windows-1252; comma, semicolon or tab).
    pub file: PathBuf,
    /// Region for numbers written without a country code, e.g. GB, US, DE.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// A blank cell removes the method (default: a blank cell leaves it as it is).
    #[arg(long)]
    pub blank_removes: bool,
    /// Read a column the file names differently, e.g. `--map "Handy=MobilePhone"` (repeatable).
    /// Adds to the mappings remembered by the app's import screen.
    #[arg(long = "map", value_name = "HEADER=COLUMN")]
    pub maps: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub connect: Connect,
    /// Print the whole preview as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub connect: Connect,
    /// Confirm: apply the previewed changes.
    #[arg(long)]
    pub yes: bool,
    /// Only these file lines, e.g. `2,5-9` (as shown by `preview`).
    #[arg(long, value_name = "LINES")]
    pub rows: Option<String>,
    /// Write the per-row results as CSV (UTF-8 with BOM) to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Rows in flight at once while applying (requests in flight stay bounded by the throttle).
    #[arg(long, default_value_t = ROWS_IN_FLIGHT)]
    pub concurrency: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The run id, as listed by `prestage-cli runs`.
    pub run: String,
    #[command(flatten)]
    pub connect: Connect,
    /// Confirm (undo without it shows what it would write, and writes nothing).
    #[arg(long)]
    pub yes: bool,
    /// Rows in flight at once.
    #[arg(long, default_value_t = ROWS_IN_FLIGHT)]
    pub concurrency: usize,
    #[arg(long)]
    pub json: bool,
}

/// Where run journals live: `PRESTAGE_DATA_DIR` or the OS data dir + the app id, then `runs/`.
pub fn runs_dir() -> Result<PathBuf, String> {
    Ok(crate::auth_cmd::places()?.runs_dir())
}

/// Parses `2,5-9` into line numbers.
pub fn parse_lines(spec: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("'{part}' is not a line or a range like 5-9");
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) = (
                    a.trim().parse().map_err(|_| bad())?,
                    b.trim().parse().map_err(|_| bad())?,
                );
                if a > b {
                    return Err(bad());
                }
                out.extend(a..=b);
            }
            None => out.push(part.parse().map_err(|_| bad())?),
        }
    }
    Ok(out)
}

/// Parses `HEADER=COLUMN` (the column by any header spelling Prestage accepts).
pub fn parse_map(spec: &str) -> Result<(String, Column), String> {
    let (header, column) = spec
        .rsplit_once('=')
        .filter(|(h, c)| !h.trim().is_empty() && !c.trim().is_empty())
        .ok_or_else(|| {
            format!("--map '{spec}': write it as HEADER=COLUMN, e.g. \"Handy=MobilePhone\"")
        })?;
    let column = Column::named(column).ok_or_else(|| {
        let names: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
        format!(
            "--map '{spec}': '{}' is not a column; use one of {}",
            column.trim(),
            names.join(", ")
        )
    })?;
    Ok((normalize_header(header), column))
}

/// The header mapping: the one the app remembers in `config_dir`, then `--map` on top.
fn mapping(f: &FileArgs, config_dir: &Path) -> Result<HashMap<String, Column>, String> {
    let mut mapping = ImportPrefs::load(config_dir)
        .map_err(|e| e.to_string())?
        .remembered();
    for spec in &f.maps {
        let (header, column) = parse_map(spec)?;
        mapping.insert(header, column);
    }
    Ok(mapping)
}

fn options(f: &FileArgs) -> PlanOptions {
    PlanOptions {
        default_region: f.region.clone(),
        blank_removes: f.blank_removes,
    }
}

async fn planned(
    session: &Session,
    f: &FileArgs,
    on_rows: impl FnMut(&[RowPlan]),
) -> Result<prestage_core::import::Preview, String> {
    let mapping = mapping(f, &crate::auth_cmd::config_dir()?)?;
    let bytes =
        prestage_core::csv::read_file(&f.file).map_err(|e| format!("{}: {e}", f.file.display()))?;
    preview(
        session.graph(),
        &session.actor(),
        &bytes,
        &mapping,
        &options(f),
        prestage_core::import::PREVIEW_BATCHES_IN_FLIGHT,
        on_rows,
    )
    .await
    .map_err(|e| e.to_string())
}

pub async fn preview_cmd(
    session: &Session,
    args: &PreviewArgs,
    out: &mut dyn Write,
) -> Result<(), String> {
    if args.json {
        let p = planned(session, &args.file, |_| {}).await?;
        serde_json::to_writer_pretty(&mut *out, &p).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
        return Ok(());
    }
    let mut shown = Vec::new();
    let p = planned(session, &args.file, |rows| shown.extend(rows.to_vec())).await?;
    let _ = writeln!(
        out,
        "{} — {}, delimiter {:?}, {} rows",
        args.file.file.display(),
        p.file.encoding,
        p.file.delimiter,
        p.file.rows
    );
    if let Some(skipped) = &p.file.skipped {
        let _ = writeln!(out, "{skipped}");
    }
    // Headers read other than by one of their column's own names: remembered, or the attribute
    // in brackets of an admin center template.
    let own_name = |h: &str, c: Column| {
        c.accepted_names()
            .any(|n| normalize_header(n) == normalize_header(h))
    };
    let mapped: Vec<String> = p
        .file
        .headers
        .iter()
        .zip(&p.file.mapping)
        .filter_map(|(h, c)| c.filter(|c| !own_name(h, *c)).map(|c| (h, c)))
        .map(|(h, c)| format!("{h} → {}", c.describe()))
        .collect();
    if !mapped.is_empty() {
        let _ = writeln!(out, "mapped columns: {}", mapped.join(", "));
    }
    if !p.file.unknown_headers.is_empty() {
        let _ = writeln!(
            out,
            "ignored columns: {} (read one with --map \"HEADER=COLUMN\")",
            p.file.unknown_headers.join(", ")
        );
    }
    for r in &shown {
        print_row(out, r);
    }
    let c = &p.counts;
    let _ = writeln!(
        out,
        "{} add, {} update, {} unchanged, {} skipped, {} invalid",
        c.add, c.update, c.unchanged, c.skipped, c.invalid
    );
    Ok(())
}

pub async fn apply_cmd(
    session: &Session,
    args: &ApplyArgs,
    dir: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    if !args.yes {
        return Err(
            "apply writes to the tenant: review `prestage-cli preview` first, then add --yes"
                .into(),
        );
    }
    let p = planned(session, &args.file, |_| {}).await?;
    let chosen: Vec<RowPlan> = match &args.rows {
        Some(spec) => {
            let lines = parse_lines(spec)?;
            p.rows
                .into_iter()
                .filter(|r| lines.contains(&r.line))
                .collect()
        }
        None => p.rows,
    };
    let writes = chosen.iter().filter(|r| r.writes()).count();
    eprintln!("applying {writes} rows");
    let file_name = args
        .file
        .file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let outcome = session
        .runs(dir, args.concurrency)
        .start(
            &file_name,
            &options(&args.file),
            chosen,
            &control(),
            |_, p| progress_line(p),
        )
        .await
        .map_err(|e| e.to_string())?;
    if let Some(path) = &args.report {
        std::fs::write(
            path,
            results_csv(
                &outcome.report.results,
                session.powers().sees_masked_numbers(),
            ),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    print_outcome(out, &outcome, args.json)
}

pub async fn resume_cmd(
    session: &Session,
    args: &RunArgs,
    dir: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let outcome = session
        .runs(dir, args.concurrency)
        .resume(&args.run, &control(), |_, p| progress_line(p))
        .await
        .map_err(|e| e.to_string())?;
    print_outcome(out, &outcome, args.json)
}

/// Without `--yes`, shows what the undo would write now (nothing is written); with it, undoes.
pub async fn undo_cmd(
    session: &Session,
    args: &RunArgs,
    dir: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let runs = session.runs(dir, args.concurrency);
    if !args.yes {
        let preview = runs
            .undo_preview(&args.run)
            .await
            .map_err(|e| e.to_string())?;
        print_undo_preview(out, &preview, args.json)?;
        return Ok(true);
    }
    let outcome = runs
        .undo(&args.run, &control(), |_, p| progress_line(p))
        .await
        .map_err(|e| e.to_string())?;
    print_outcome(out, &outcome, args.json)
}

pub fn runs_cmd(dir: &Path, json: bool, out: &mut dyn Write) -> Result<(), String> {
    let RunList { runs, unreadable } = list_runs(dir);
    if json {
        // stdout stays the runs array; a journal that cannot be read is named on stderr.
        for bad in &unreadable {
            eprintln!("warning: run {} could not be read: {}", bad.run, bad.reason);
        }
        serde_json::to_writer_pretty(&mut *out, &runs).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
        return Ok(());
    }
    if runs.is_empty() && unreadable.is_empty() {
        let _ = writeln!(out, "no runs in {}", dir.display());
    }
    for r in runs {
        let state = if RunLock::is_held_elsewhere(dir, &r.header.run) {
            "running in another window or terminal"
        } else if r.finished {
            "finished"
        } else if r.cancelled {
            "cancelled"
        } else {
            "interrupted"
        };
        let _ = writeln!(
            out,
            "{}  {:?}  {}  {}  {} rows: {} done, {} failed, {} changed, {} pending  ({state}{})",
            r.header.run,
            r.header.kind,
            r.header.created.format("%Y-%m-%d %H:%M"),
            r.header.file_name,
            r.rows,
            r.done,
            r.failed,
            r.changed_since_preview,
            r.pending,
            if r.resumable() { "; resumable" } else { "" }
        );
    }
    // A journal that cannot be read is listed with its reason; it never hides the others.
    for bad in unreadable {
        let _ = writeln!(out, "{}  unreadable: {}", bad.run, bad.reason);
    }
    Ok(())
}

#[derive(clap::Args, Debug)]
pub struct RunsArgs {
    #[arg(long)]
    pub json: bool,
}

pub async fn run_preview(args: PreviewArgs) -> ExitCode {
    let mut out = std::io::stdout();
    let result = async {
        preview_cmd(&session(&args.connect).await?, &args, &mut out)
            .await
            .map(|()| true)
    }
    .await;
    exit(result)
}

/// The commands that write through a run journal.
enum Journaled<'a> {
    Apply(&'a ApplyArgs),
    Resume(&'a RunArgs),
    Undo(&'a RunArgs),
}

/// Signs in, finds the runs dir, runs the command, and turns its result into an exit code.
async fn run_journaled(connect: &Connect, what: Journaled<'_>) -> ExitCode {
    let mut out = std::io::stdout();
    let result = async {
        let session = session(connect).await?;
        let dir = runs_dir()?;
        match what {
            Journaled::Apply(a) => apply_cmd(&session, a, &dir, &mut out).await,
            Journaled::Resume(a) => resume_cmd(&session, a, &dir, &mut out).await,
            Journaled::Undo(a) => undo_cmd(&session, a, &dir, &mut out).await,
        }
    }
    .await;
    exit(result)
}

pub async fn run_apply(args: ApplyArgs) -> ExitCode {
    run_journaled(&args.connect, Journaled::Apply(&args)).await
}

pub async fn run_resume(args: RunArgs) -> ExitCode {
    run_journaled(&args.connect, Journaled::Resume(&args)).await
}

pub async fn run_undo(args: RunArgs) -> ExitCode {
    run_journaled(&args.connect, Journaled::Undo(&args)).await
}

pub fn run_runs(args: RunsArgs) -> ExitCode {
    let mut out = std::io::stdout();
    exit(
        runs_dir()
            .and_then(|dir| runs_cmd(&dir, args.json, &mut out))
            .map(|()| true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::sandbox_session;

    #[test]
    fn an_unreadable_journal_is_listed_with_its_reason() {
        let dir = std::env::temp_dir().join(format!("prestage-cli-runs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("20261203-090000-beef.jsonl"), "not json\n{}\n").unwrap();
        let mut out = Vec::new();
        runs_cmd(&dir, false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("20261203-090000-beef  unreadable: line 1:"),
            "{text}"
        );
        let mut json = Vec::new();
        runs_cmd(&dir, true, &mut json).unwrap();
        assert_eq!(
            serde_json::from_slice::<Vec<serde_json::Value>>(&json)
                .unwrap()
                .len(),
            0
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn line_ranges() {
        assert_eq!(parse_lines("2, 5-7,9").unwrap(), vec![2, 5, 6, 7, 9]);
        assert!(parse_lines("7-5").is_err());
        assert!(parse_lines("x").is_err());
    }

    fn file_args(maps: &[&str]) -> FileArgs {
        FileArgs {
            file: PathBuf::from("users.csv"),
            region: None,
            blank_removes: false,
            maps: maps.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn maps_name_a_column_by_any_accepted_spelling() {
        assert_eq!(
            parse_map("Handy = alternate mobile").unwrap(),
            ("handy".to_string(), Column::AlternateMobilePhone)
        );
        assert_eq!(
            parse_map("Tel=Work=OfficePhone").unwrap(),
            ("telwork".to_string(), Column::OfficePhone)
        );
        let pager = parse_map("Handy=Pager").unwrap_err();
        assert!(pager.contains("'Pager' is not a column") && pager.contains("MobilePhone"));
        assert!(parse_map("Handy").unwrap_err().contains("HEADER=COLUMN"));
        assert!(parse_map("=MobilePhone").is_err());
    }

    /// The files admins make with PowerShell and the Entra admin center (tests/fixtures/csv)
    /// preview from the CLI as in the app: the skipped first line is said, bracketed attributes
    /// and object ids find the users, a stale UPN and a type name are refused with the reason.
    #[tokio::test]
    async fn preview_reads_powershell_exports_and_admin_center_templates() {
        use prestage_sandbox::{SandboxConfig, SeedUser};
        let sandbox = prestage_sandbox::start(
            SandboxConfig {
                auto_approve: true,
                users: 20,
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let person = |n: u32, upn: &str| SeedUser {
            id: format!("00000000-0000-4000-8000-{n:012}"),
            user_principal_name: upn.into(),
            mail: Some(upn.into()),
            ..SeedUser::default()
        };
        sandbox
            .add_users(&[
                person(27, "zoe.lam@contoso.com"),
                person(28, "dan.roe@contoso.com"),
                person(31, "kit.vance@contoso.com"),
                person(33, "ren.dupuis@contoso.com"),
            ])
            .unwrap();
        let session = sandbox_session(&sandbox.base_url(), None).await.unwrap();
        let fixtures =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/csv");
        let cases: [(&str, &[&str]); 4] = [
            (
                "ps51-type-line.csv",
                &[
                    "Line 1 skipped: \"#TYPE Selected.System.Management.Automation.PSCustomObject\"",
                    "     3  add        ren.dupuis@contoso.com",
                ],
            ),
            (
                "graph-ps7-export.csv",
                &[
                    "UTF-8, delimiter ',', 5 rows",
                    "     2  add        zoe.lam@contoso.com",
                    "✗ the UPN 'dan.old@contoso.com' does not match",
                ],
            ),
            (
                "graph-ps51-business-phones.csv",
                &["✗ \"BusinessPhones\": the cell holds \"System.String[]\""],
            ),
            (
                "entra-bulk-create.csv",
                &[
                    "Line 1 skipped: \"version:v1.0\"",
                    "mapped columns: User name [userPrincipalName] Required → user (UPN or object id)",
                    "Office phone [telephoneNumber] → office phone, Mobile phone [mobile] → mobile phone",
                    "     3  add        kit.vance@contoso.com",
                    "add office phone: — → +1 4255550137",
                ],
            ),
        ];
        for (name, wanted) in cases {
            let args = PreviewArgs {
                file: FileArgs {
                    file: fixtures.join(name),
                    region: Some("US".into()),
                    ..file_args(&[])
                },
                connect: Connect {
                    sandbox: None,
                    account: None,
                },
                json: false,
            };
            let mut out = Vec::new();
            preview_cmd(&session, &args, &mut out).await.unwrap();
            let text = String::from_utf8(out).unwrap();
            for want in wanted {
                assert!(text.contains(want), "{name}: no {want:?} in\n{text}");
            }
        }
        sandbox.shutdown().await;
    }

    /// Issue 13 item 7: a named pipe given as the file is refused at once; reading it would wait
    /// for a writer forever. Runs the CLI's preview on its own thread so a hang fails the test.
    #[cfg(unix)]
    #[test]
    fn preview_of_a_fifo_is_refused_at_once() {
        let dir = std::env::temp_dir().join(format!("prestage-cli-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("users.csv");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let result = runtime.block_on(async {
                let config = prestage_sandbox::SandboxConfig {
                    auto_approve: true,
                    users: 20,
                    ..Default::default()
                };
                let sandbox = prestage_sandbox::start(config, 0).await.unwrap();
                let session = sandbox_session(&sandbox.base_url(), None).await.unwrap();
                let args = PreviewArgs {
                    file: FileArgs {
                        file: path,
                        ..file_args(&[])
                    },
                    connect: Connect {
                        sandbox: None,
                        account: None,
                    },
                    json: false,
                };
                let result = preview_cmd(&session, &args, &mut Vec::new()).await;
                sandbox.shutdown().await;
                result
            });
            let _ = tx.send(result);
        });
        let result = rx.recv_timeout(std::time::Duration::from_secs(60));
        if result.is_err() {
            // Free the reader stuck in open() before failing.
            let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
        }
        let _ = std::fs::remove_dir_all(&dir);
        let err = result.expect("the preview hangs on a FIFO").unwrap_err();
        assert!(
            err.contains("users.csv") && err.contains("named pipe"),
            "{err}"
        );
    }

    #[test]
    fn maps_add_to_what_the_app_remembers() {
        let dir = std::env::temp_dir().join(format!("prestage-cli-map-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let none = mapping(&file_args(&["Handy=Mobile"]), &dir).unwrap();
        assert_eq!(none.len(), 1, "no remembered file yet: only --map");

        let mut prefs = ImportPrefs::default();
        prefs.map("Handy", Some(Column::OfficePhone));
        prefs.map("Zweitnummer", Some(Column::AlternateMobilePhone));
        prefs.save(&dir).unwrap();
        let m = mapping(&file_args(&["Handy=MobilePhone"]), &dir).unwrap();
        assert_eq!(m.get("handy"), Some(&Column::MobilePhone), "--map wins");
        assert_eq!(m.get("zweitnummer"), Some(&Column::AlternateMobilePhone));

        std::fs::write(dir.join("import.json"), b"{oops").unwrap();
        let err = mapping(&file_args(&[]), &dir).unwrap_err();
        assert!(
            err.contains("import.json") && err.contains("delete it"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
