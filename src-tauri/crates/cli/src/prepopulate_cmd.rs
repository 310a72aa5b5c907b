//! `prestage-cli prepopulate --from-directory`: the runbook's scheduled job (Task Scheduler, cron,
//! launchd) — each user's directory `mobilePhone` (and, opted in, office phone and `otherMails`)
//! becomes an authentication method, add-only by default, signed in as an application with a
//! certificate. Without `--yes` it previews; with it, the same journaled run as `apply` (resume,
//! undo and Runs work on it). `--max-changes` stops before any write when more users would change.
//! Prints a one-line summary; exit 0 all done, 2 some rows failed or were skipped, 1 nothing done.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use prestage_core::directory_source::{self, find_groups, Scope, SourceOptions};
use prestage_core::import::{results_csv, PlanOptions, RowEnd};
use prestage_core::session::Session;

use crate::app_auth_cmd::AppArgs;
use crate::import_cmd::print::{print_row, progress_line};

/// Entra Connect's accidental-delete threshold, reused: a scheduled job that suddenly wants to
/// change more users than this stops and asks a person.
const DEFAULT_MAX_CHANGES: usize = 500;

#[derive(clap::Args, Debug)]
pub struct PrepopulateArgs {
    /// Read the desired methods from each user's directory attributes (the only source so far).
    #[arg(long, required = true)]
    from_directory: bool,
    /// Only the users in this group (transitive members): its display name or object id.
    #[arg(long, value_name = "NAME|ID")]
    group: Option<String>,
    /// Only users the registration report lists as without MFA (needs AuditLog.Read.All).
    #[arg(long)]
    only_missing: bool,
    /// Also add `businessPhones[0]` as the office phone.
    #[arg(long)]
    office: bool,
    /// Also add `otherMails[0]` as the email method (needs UserAuthMethod-Email.ReadWrite.All).
    #[arg(long)]
    email: bool,
    /// Region for national numbers of users without usageLocation, e.g. GB, US, DE.
    #[arg(long, value_name = "REGION")]
    region: String,
    /// Read a free-text `country` as a region, e.g. `--map-country UK=GB` (repeatable).
    #[arg(long = "map-country", value_name = "TEXT=REGION")]
    map_country: Vec<String>,
    /// Replace numbers that differ from the directory (default: add only, never overwrite).
    #[arg(long)]
    update_existing: bool,
    /// Stop before writing anything when more users than this would change.
    #[arg(long, default_value_t = DEFAULT_MAX_CHANGES, value_name = "N")]
    max_changes: usize,
    /// Write the changes (without it: preview only).
    #[arg(long)]
    yes: bool,
    /// Where to write the results CSV (default: beside the run's journal).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Rows in flight.
    #[arg(long, default_value_t = prestage_core::import::ROWS_IN_FLIGHT)]
    concurrency: usize,
    #[command(flatten)]
    app: AppArgs,
}

fn country_map(specs: &[String]) -> Result<BTreeMap<String, String>, String> {
    specs
        .iter()
        .map(|s| {
            let (text, region) = s.split_once('=').ok_or_else(|| {
                format!("--map-country '{s}': write it as TEXT=REGION, e.g. UK=GB")
            })?;
            let region = region.trim();
            if region.len() != 2 || !region.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(format!(
                    "--map-country '{s}': '{region}' is not a two-letter region"
                ));
            }
            Ok((text.trim().to_string(), region.to_ascii_uppercase()))
        })
        .collect()
}

/// The group named (by object id, else by exact display name; several with that name refused).
async fn scope(session: &Session, group: Option<&str>) -> Result<Scope, String> {
    let Some(wanted) = group.map(str::trim).filter(|g| !g.is_empty()) else {
        return Ok(Scope::AllMembers);
    };
    let found = find_groups(session.graph(), wanted)
        .await
        .map_err(|e| format!("the groups could not be read: {e}"))?;
    let exact: Vec<_> = found
        .iter()
        .filter(|g| {
            g.id.eq_ignore_ascii_case(wanted)
                || g.display_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
        })
        .collect();
    match exact.as_slice() {
        [g] => Ok(Scope::Group {
            id: g.id.clone(),
            name: g.display_name.clone().unwrap_or_else(|| g.id.clone()),
        }),
        [] => Err(format!("no group '{wanted}' in this tenant")),
        _ => Err(format!(
            "{} groups are named '{wanted}': pass the object id with --group",
            exact.len()
        )),
    }
}

pub async fn run(args: PrepopulateArgs) -> ExitCode {
    let mut out = std::io::stdout();
    match prepopulate(&args, &mut out).await {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Returns the exit code: 0 all done (or a preview), 2 some rows failed or were skipped.
async fn prepopulate(args: &PrepopulateArgs, out: &mut dyn Write) -> Result<u8, String> {
    let options = SourceOptions {
        mobile: true,
        office: args.office,
        email: args.email,
        default_region: Some(args.region.trim().to_ascii_uppercase()),
        country_regions: country_map(&args.map_country)?,
        update_existing: args.update_existing,
    };
    let session = args.app.session().await?;
    let scope = scope(&session, args.group.as_deref()).await?;
    let preview = directory_source::preview(
        session.graph(),
        &session.actor(),
        &scope,
        args.only_missing,
        &options,
        prestage_core::import::PREVIEW_BATCHES_IN_FLIGHT,
        |_| {},
    )
    .await
    .map_err(|e| e.to_string())?;
    let c = &preview.counts;
    let changes = c.add + c.update;
    let r = &preview.retirement;
    let retirement = if r.only_phone > 0 {
        format!(
            "; {} user(s) would have only SMS/voice, which Microsoft stops delivering on {} — plan another method for them",
            r.only_phone, r.date
        )
    } else if r.unknown > 0 {
        format!(
            "; {} user(s) may depend on SMS/voice after {} (this app reads phone methods only)",
            r.unknown, r.date
        )
    } else {
        String::new()
    };
    if !args.yes {
        for row in &preview.rows {
            print_row(out, row);
            if let Some(region) = &row.region {
                let _ = writeln!(out, "{:>6}  {:<9}    region {region}", "", "");
            }
        }
        writeln!(
            out,
            "preview of {}: {changes} changes ({} add, {} update), {} unchanged, {} skipped, {} invalid{retirement}; nothing written (add --yes to apply)",
            preview.source.scope_label, c.add, c.update, c.unchanged, c.skipped, c.invalid
        )
        .map_err(|e| e.to_string())?;
        return Ok(0);
    }
    if changes > args.max_changes {
        return Err(format!(
            "{changes} users would change, more than --max-changes {}; nothing was written. Review `prestage-cli prepopulate` without --yes, then raise --max-changes if this is intended.",
            args.max_changes
        ));
    }
    let dir = crate::import_cmd::runs_dir()?;
    let name = directory_source::run_name(&scope, args.only_missing);
    let plan_options = PlanOptions {
        default_region: options.default_region.clone(),
        blank_removes: false,
    };
    let outcome = session
        .runs(&dir, args.concurrency)
        .start(
            &name,
            &plan_options,
            preview.rows,
            &crate::ending::control(),
            |_, p| progress_line(p),
        )
        .await
        .map_err(|e| e.to_string())?;
    if changes > 0 {
        eprintln!();
    }
    let results = outcome.report.results.as_slice();
    let done = results.iter().filter(|r| r.end == RowEnd::Done).count();
    let failed = results.iter().filter(|r| r.end == RowEnd::Failed).count();
    let not_written = results.len() - done - failed + outcome.report.not_started.len();
    let path = args
        .results
        .clone()
        .unwrap_or_else(|| dir.join(format!("{}-results.csv", outcome.run)));
    std::fs::write(
        &path,
        results_csv(results, session.powers().sees_masked_numbers()),
    )
    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    writeln!(
        out,
        "prepopulate {}: {done} changes written, {failed} failed, {not_written} not written, {} unchanged, {} invalid{retirement} — run {}, results {}",
        preview.source.scope_label,
        c.unchanged,
        c.invalid,
        outcome.run,
        path.display()
    )
    .map_err(|e| e.to_string())?;
    Ok(if changes == 0 {
        0
    } else if done == 0 {
        1
    } else if failed > 0 || not_written > 0 {
        2
    } else {
        0
    })
}
