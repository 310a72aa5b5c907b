//! `prestage-cli report`: the tenant report without the window — who is registered with what,
//! who cannot do MFA, who breaks on 1 Feb 2027 — over the same core call as the app's Report
//! tab. Progress and the source in use go to stderr; the table, `--json` or `--csv` to stdout
//! or the file. Numbers are masked for roles that see masked numbers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use prestage_core::report::{self, export, ReportEvent, ReportRow, SourceChoice, Tile};
use prestage_core::session::Session;

use crate::connect::{session, Connect};
use crate::ending::exit;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Where the rows come from: the registration report when Graph serves it (auto), only the
    /// registration report, or each user's methods (live, slower).
    #[arg(long, default_value = "auto", value_parser = ["auto", "registration", "methods"])]
    pub source: String,
    /// Print a JSON array, one object per user.
    #[arg(long)]
    pub json: bool,
    /// Also write the rows as CSV (UTF-8 with BOM) to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Only users in this group (repeat or comma-separate to need all of them).
    #[arg(long, value_name = "GROUP", value_delimiter = ',',
          value_parser = ["breaks-2027-02-01", "sms-sign-in", "no-mfa", "phone-default", "admins", "passwordless"])]
    pub only: Vec<String>,
    /// Also read each user's per-user MFA state (one more read per user; Global Reader,
    /// Authentication Policy Administrator or Global Administrator).
    #[arg(long)]
    pub mfa_state: bool,
    #[command(flatten)]
    pub connect: Connect,
}

pub async fn run(args: ReportArgs) -> ExitCode {
    let mut out = std::io::stdout();
    let result = async {
        let session = session(&args.connect).await?;
        report_cmd(&session, &args, &mut out).await.map(|()| true)
    }
    .await;
    exit(result)
}

fn summary_line(rows: &[ReportRow]) -> String {
    Tile::ALL
        .iter()
        .map(|t| {
            let n = rows.iter().filter(|r| r.tiles.contains(t)).count();
            format!("{}: {n}", t.label())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

pub async fn report_cmd(
    session: &Session,
    args: &ReportArgs,
    out: &mut dyn Write,
) -> Result<(), String> {
    let choice = SourceChoice::parse(&args.source).ok_or_else(|| {
        format!(
            "--source {} is not auto, registration or methods",
            args.source
        )
    })?;
    let only: Vec<Tile> = args
        .only
        .iter()
        .map(|o| Tile::parse(o).ok_or_else(|| format!("--only {o} is not a known group")))
        .collect::<Result<_, _>>()?;
    let mut rows: Vec<ReportRow> = Vec::new();
    let summary = report::run(report::Reader::of(session), choice, |event| match event {
        ReportEvent::Started { source, total } => {
            eprintln!(
                "source: {:?} — {} ({total} users)",
                source.source, source.reason
            );
        }
        ReportEvent::Rows {
            rows: page,
            done,
            total,
        } => {
            rows.extend(page);
            eprintln!("{done}/{total} users");
        }
        ReportEvent::Warning(w) => eprintln!("warning: {w}"),
    })
    .await
    .map_err(|e| e.to_string())?;
    if args.mfa_state {
        let read = report::per_user_mfa(session.graph(), session.powers(), &mut rows)
            .await
            .map_err(|e| e.to_string())?;
        eprintln!("per-user MFA read for {read} of {} users", rows.len());
    }
    let mask = session.powers().sees_masked_numbers();
    let selected = export::filter(&rows, &only);
    if let Some(path) = &args.csv {
        std::fs::write(path, export::csv(&selected, mask))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {} rows to {}", selected.len(), path.display());
    }
    let io = |e: std::io::Error| e.to_string();
    if args.json {
        let text = serde_json::to_string_pretty(&export::json(&selected, mask))
            .map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(io)?;
        return Ok(());
    }
    writeln!(out, "{} users · {}", summary.users, summary_line(&rows)).map_err(io)?;
    writeln!(
        out,
        "source: {:?} — {}",
        summary.source.source, summary.source.reason
    )
    .map_err(io)?;
    for r in selected {
        let breaks = r
            .breaks_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let methods = match &r.methods {
            Some(_) if r.method_words.is_empty() => "(none)".to_string(),
            Some(_) => r.method_words.join(", "),
            None => "(not readable)".to_string(),
        };
        let mfa = r
            .per_user_mfa
            .map(|s| format!("\tper-user MFA {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}\t{}\t{}\t{}{mfa}",
            r.user_principal_name, breaks, r.breaks, methods
        )
        .map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use clap::Parser;
    use prestage_sandbox::SandboxConfig;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ReportArgs,
    }

    async fn run_args(session: &Session, args: &[&str]) -> (Result<(), String>, String) {
        let cli = Cli::try_parse_from(std::iter::once("report").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let mut out = Vec::new();
        let r = report_cmd(session, &cli.args, &mut out).await;
        (r, String::from_utf8(out).unwrap())
    }

    #[tokio::test]
    async fn json_csv_and_only_on_a_sandbox() {
        let sandbox = prestage_sandbox::start(
            SandboxConfig {
                auto_approve: true,
                users: 80,
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let url = sandbox.base_url();
        let ga = crate::connect::sandbox_session(
            &url,
            Some("gaby.admin@contoso-sandbox.onmicrosoft.com"),
        )
        .await
        .unwrap();
        let (r, out) = run_args(&ga, &["--json"]).await;
        r.unwrap();
        let all: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(all.as_array().unwrap().len(), 80);
        for key in export::JSON_FIELDS {
            assert!(all[0].get(key).is_some(), "{key}");
        }
        assert_eq!(all[0]["source"], "registration");
        let dir = std::env::temp_dir().join(format!("prestage-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("breaks.csv");
        let (r, out) = run_args(
            &ga,
            &[
                "--source",
                "methods",
                "--only",
                "breaks-2027-02-01",
                "--json",
                "--csv",
                file.to_str().unwrap(),
            ],
        )
        .await;
        r.unwrap();
        let some: serde_json::Value = serde_json::from_str(&out).unwrap();
        let some = some.as_array().unwrap();
        assert!(!some.is_empty() && some.len() < 80);
        assert!(some
            .iter()
            .all(|u| u["breaksOn"] == "2027-02-01" && u["source"] == "methods"));
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFName,"));
        let lines = String::from_utf8(bytes).unwrap().lines().count();
        assert_eq!(lines, some.len() + 1);
        let _ = std::fs::remove_dir_all(&dir);

        let (r, out) = run_args(&ga, &["--only", "no-mfa"]).await;
        r.unwrap();
        assert!(out.contains("No MFA method: "), "{out}");
        assert!(
            out.lines().skip(2).all(|l| l.contains("No MFA method")),
            "{out}"
        );

        let nobody = crate::connect::sandbox_session(
            &url,
            Some("nora.nobody@contoso-sandbox.onmicrosoft.com"),
        )
        .await
        .unwrap();
        let (r, _) = run_args(&nobody, &[]).await;
        assert!(r.unwrap_err().contains("can read neither"));
    }

    #[tokio::test]
    async fn per_user_mfa_column_on_request() {
        let sandbox = prestage_sandbox::start(
            SandboxConfig {
                auto_approve: true,
                users: 45,
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let url = sandbox.base_url();
        let dump = sandbox.dump();
        let states: std::collections::HashMap<String, String> = dump["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["id"].as_str().unwrap().to_string(),
                    u["perUserMfaState"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let gr = crate::connect::sandbox_session(
            &url,
            Some("gwen.reader@contoso-sandbox.onmicrosoft.com"),
        )
        .await
        .unwrap();
        let (r, out) = run_args(&gr, &["--json"]).await;
        r.unwrap();
        let plain: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(
            plain[0].get("perUserMfa").is_none(),
            "not read unless asked"
        );
        let (r, out) = run_args(&gr, &["--json", "--mfa-state"]).await;
        r.unwrap();
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 45);
        for row in rows {
            assert_eq!(
                row["perUserMfa"].as_str(),
                Some(states[row["id"].as_str().unwrap()].as_str()),
                "{row}"
            );
        }
        // A Privileged Authentication Administrator may not read it: said, nothing half-read.
        let paa = crate::connect::sandbox_session(&url, None).await.unwrap();
        let (r, _) = run_args(&paa, &["--mfa-state"]).await;
        assert!(r.unwrap_err().contains("cannot read per-user MFA"));
    }
}
