//! `prestage-cli migrate …`: the move off SMS and voice without the window, over the same core
//! calls as the app's campaign screen (`prestage_core::campaign`) and the same run journals.
//! Every step previews without `--yes`. Passes go only to the `--passes` file (created new,
//! private to the user), never to stdout, stderr or the journal.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use prestage_core::campaign::{
    self, Campaign, CampaignError, NewCampaign, Pick, Step, StepOptions, StepOutcome, TapChoice,
};
use prestage_core::import::{ApplyControl, ROWS_IN_FLIGHT};
use prestage_core::report::{self, ReportEvent, ReportRow, SourceChoice, Tile};
use prestage_core::session::Session;

use crate::connect::{session, Connect};
use crate::ending::exit;

mod print;
use print::{print_outcome, print_preview};

#[derive(clap::Subcommand, Debug)]
pub enum Migrate {
    /// Make a campaign from the tenant report: `--only breaks-2027-02-01` or `--users ID,…`.
    Create(CreateArgs),
    /// Where every user of the campaign is (methods re-read live), who is stuck and why.
    Status(NameArgs),
    /// Step 1: issue Temporary Access Passes (a wave); they are saved once to --passes FILE.
    /// If a pass run was interrupted, finishes it and issues again the passes never delivered.
    Tap(TapArgs),
    /// Step 2: delete passes still live after the user registered.
    DeletePasses(StepArgs),
    /// Step 3: set push (or oath) as the default method for users who registered Authenticator.
    Default(StepArgs),
    /// Step 4: turn SMS sign-in off for users who have another way to sign in.
    SmsSignInOff(StepArgs),
    /// Step 5: remove phone methods from users who now hold a strong method.
    RemovePhones(RemoveArgs),
    /// Undo one of the campaign's runs (phones removed come back; passes issued are deleted).
    Undo(UndoArgs),
    /// The authentication methods policy as it bears on the move (read-only).
    Policy(PolicyArgs),
    /// The saved campaigns.
    List,
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    pub name: String,
    /// The report group the cohort comes from.
    #[arg(long, value_name = "GROUP", value_parser = ["breaks-2027-02-01", "sms-sign-in", "no-mfa", "phone-default"])]
    pub only: Option<String>,
    /// Or these users (object ids, comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub users: Vec<String>,
    /// A group (id or name) whose members are left out of every step: break-glass, service,
    /// shared and room accounts.
    #[arg(long, value_name = "GROUP")]
    pub exclude_group: Option<String>,
    /// Where the report reads methods from.
    #[arg(long, default_value = "auto", value_parser = ["auto", "registration", "methods"])]
    pub source: String,
    #[command(flatten)]
    pub connect: Connect,
}

#[derive(clap::Args, Debug)]
pub struct NameArgs {
    pub name: String,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: Connect,
    /// Rows in flight while a step runs.
    #[arg(long, default_value_t = ROWS_IN_FLIGHT)]
    pub concurrency: usize,
}

#[derive(clap::Args, Debug)]
pub struct StepArgs {
    pub name: String,
    /// Confirm: without it the step is only previewed.
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: Connect,
    /// Rows in flight while a step runs.
    #[arg(long, default_value_t = ROWS_IN_FLIGHT)]
    pub concurrency: usize,
}

#[derive(clap::Args, Debug)]
pub struct TapArgs {
    #[command(flatten)]
    pub step: StepArgs,
    /// How long each pass lives, in minutes (10–43200, within the tenant's TAP policy).
    #[arg(long, value_name = "M")]
    pub lifetime_min: Option<u32>,
    /// One-time passes (the user must finish registering within 10 minutes of signing in).
    #[arg(long)]
    pub once: bool,
    /// When the passes start, e.g. 2027-01-11T08:00:00+01:00 (default: at once).
    #[arg(long, value_name = "ISO")]
    pub start: Option<String>,
    /// The time zone the passes file shows times in: UTC, +01:00, -05:00.
    #[arg(long, value_name = "OFFSET", default_value = "UTC")]
    pub tz: String,
    /// At most this many users in this wave.
    #[arg(long, value_name = "N")]
    pub wave: Option<usize>,
    /// The CSV the passes are saved to, once (it must not exist yet).
    #[arg(long, value_name = "FILE")]
    pub passes: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub step: StepArgs,
    /// Keep office phones (tenants with their own telephony provider).
    #[arg(long)]
    pub keep_office: bool,
    /// Over this many users the run stops and asks for the count (default 50).
    #[arg(long, value_name = "N")]
    pub threshold: Option<usize>,
    /// The count, typed in advance (otherwise it is asked for on stdin).
    #[arg(long, value_name = "N")]
    pub confirm: Option<usize>,
}

#[derive(clap::Args, Debug)]
pub struct UndoArgs {
    pub name: String,
    /// The run, as `migrate status` lists it.
    pub run: String,
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: Connect,
}

#[derive(clap::Args, Debug)]
pub struct PolicyArgs {
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: Connect,
}

fn err(e: CampaignError) -> String {
    e.to_string()
}

/// The runs dir beside the campaigns (`Places::runs_dir`, built from the same data dir).
fn runs_dir(data: &Path) -> PathBuf {
    prestage_core::places::Places::runs_dir_in(data)
}

fn data_dir() -> Result<PathBuf, String> {
    Ok(crate::auth_cmd::places()?.data_dir)
}

/// Ctrl-C cancels: users in flight finish, the rest stay untouched.
fn control() -> ApplyControl {
    crate::ending::control_of("users")
}

fn progress(p: &prestage_core::import::Progress) {
    eprint!(
        "\r{}/{} users ({} done, {} failed) {:.1}/s   ",
        p.finished, p.total, p.done, p.failed, p.rate_per_s
    );
}

pub async fn run(command: Migrate) -> ExitCode {
    let mut out = std::io::stdout();
    let result = async {
        let data = data_dir()?;
        match command {
            Migrate::List => {
                for name in campaign::list(&data) {
                    let _ = writeln!(out, "{name}");
                }
                Ok(true)
            }
            Migrate::Create(a) => {
                let s = session(&a.connect).await?;
                create_cmd(&s, &a, &data, &mut out).await.map(|()| true)
            }
            Migrate::Status(a) => {
                let s = session(&a.connect).await?;
                status_cmd(&s, &a, &data, &mut out).await.map(|()| true)
            }
            Migrate::Tap(a) => {
                let s = session(&a.step.connect).await?;
                tap_cmd(&s, &a, &data, &mut out).await
            }
            Migrate::DeletePasses(a) => plain_step(&a, Step::DeletePasses, &data, &mut out).await,
            Migrate::Default(a) => plain_step(&a, Step::Default, &data, &mut out).await,
            Migrate::SmsSignInOff(a) => plain_step(&a, Step::SmsSignInOff, &data, &mut out).await,
            Migrate::RemovePhones(a) => {
                let opts = StepOptions {
                    keep_office: a.keep_office,
                    threshold: a.threshold,
                    ..StepOptions::default()
                };
                step_cmd(
                    &a.step,
                    Step::RemovePhones,
                    opts,
                    Some(a.confirm),
                    &data,
                    &mut out,
                )
                .await
            }
            Migrate::Undo(a) => {
                let s = session(&a.connect).await?;
                undo_cmd(&s, &a, &data, &mut out).await
            }
            Migrate::Policy(a) => {
                let s = session(&a.connect).await?;
                let ctx = campaign::policy_context(s.graph()).await;
                if a.json {
                    serde_json::to_writer_pretty(&mut out, &ctx).map_err(|e| e.to_string())?;
                    let _ = writeln!(out);
                } else {
                    if let Some(why) = &ctx.unreadable {
                        let _ = writeln!(out, "{why}");
                    }
                    for l in &ctx.lines {
                        let _ = writeln!(
                            out,
                            "{}: {}\n  → {}\n  {}",
                            l.topic, l.now, l.advice, l.link
                        );
                    }
                }
                Ok(true)
            }
        }
    }
    .await;
    exit(result)
}

async fn report_rows(s: &Session, source: &str) -> Result<Vec<ReportRow>, String> {
    let choice = SourceChoice::parse(source)
        .ok_or_else(|| format!("--source {source} is not auto, registration or methods"))?;
    let mut rows = Vec::new();
    report::run(report::Reader::of(s), choice, |e| match e {
        ReportEvent::Rows {
            rows: r,
            done,
            total,
        } => {
            rows.extend(r);
            eprint!("\rreport: {done}/{total} users   ");
        }
        ReportEvent::Warning(w) => eprintln!("\nwarning: {w}"),
        ReportEvent::Started { .. } => {}
    })
    .await
    .map_err(|e| e.to_string())?;
    eprintln!();
    Ok(rows)
}

pub async fn create_cmd(
    s: &Session,
    a: &CreateArgs,
    data: &Path,
    out: &mut dyn Write,
) -> Result<(), String> {
    let pick = match (&a.only, a.users.is_empty()) {
        (Some(only), true) => Pick::Tile(
            Tile::parse(only).ok_or_else(|| format!("--only {only} is not a known group"))?,
        ),
        (None, false) => Pick::Ids(&a.users),
        _ => {
            return Err(
                "say who is in the cohort: --only breaks-2027-02-01, or --users ID,…".into(),
            )
        }
    };
    // Before the report, which takes a while on a big tenant.
    campaign::check_new_name(data, &a.name).map_err(err)?;
    let rows = report_rows(s, &a.source).await?;
    let maker = s.campaigns(data);
    let c = campaign::create(
        &maker,
        &NewCampaign {
            name: &a.name,
            pick,
            exclusion_group: a.exclude_group.as_deref(),
        },
        &rows,
    )
    .await
    .map_err(err)?;
    let _ = writeln!(
        out,
        "campaign '{}': {} users from the {}, {} excluded",
        c.name,
        c.members.len(),
        c.source,
        c.excluded.len()
    );
    for x in &c.excluded {
        let _ = writeln!(out, "  excluded  {}: {}", x.user_principal_name, x.reason);
    }
    Ok(())
}

fn load(s: &Session, data: &Path, name: &str) -> Result<Campaign, String> {
    campaign::load(data, name, &s.account().tenant_id).map_err(err)
}

pub async fn status_cmd(
    s: &Session,
    a: &NameArgs,
    data: &Path,
    out: &mut dyn Write,
) -> Result<(), String> {
    let mut c = load(s, data, &a.name)?;
    let runs = runs_dir(data);
    let ctx = s.runs(&runs, a.concurrency);
    let st = campaign::status(&ctx, data, &mut c).await.map_err(err)?;
    if a.json {
        serde_json::to_writer_pretty(&mut *out, &st).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
        return Ok(());
    }
    let counts: Vec<String> = st
        .counts
        .iter()
        .map(|c| format!("{}: {}", c.label, c.users))
        .collect();
    let _ = writeln!(
        out,
        "campaign '{}' ({}) · {}",
        st.name,
        st.source,
        counts.join(" · ")
    );
    let _ = writeln!(
        out,
        "{} stuck · {} live passes after registration",
        st.stuck, st.live_passes_after_registration
    );
    for u in &st.users {
        let expires = u
            .pass_expires
            .map(|e| format!(" pass until {}", e.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        let reg = if u.registered.is_empty() {
            String::new()
        } else {
            format!(" registered {}", u.registered.join(", "))
        };
        let why = u
            .note
            .as_ref()
            .or(u.unreadable.as_ref())
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<18} {}  (since {}){reg}{expires}{why}",
            u.stage_label,
            u.user_principal_name,
            u.changed.format("%Y-%m-%d %H:%M")
        );
    }
    for x in &st.excluded {
        let _ = writeln!(
            out,
            "  excluded           {}: {}",
            x.user_principal_name, x.reason
        );
    }
    for r in &st.runs {
        let _ = writeln!(
            out,
            "  run {}  {}  {}",
            r.run,
            r.step.label(),
            r.started.format("%Y-%m-%d %H:%M")
        );
    }
    if !st.recovery.is_empty() {
        let _ = writeln!(out, "{} passes were created and never delivered: `prestage-cli migrate tap {} --passes FILE --yes` issues them again", st.recovery.undelivered.len(), st.name);
    }
    Ok(())
}

/// Creates the passes file before any pass exists: it must be new, and is private to the user.
fn open_passes_file(path: &Path) -> Result<std::fs::File, String> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} already exists: passes are saved once, to a new file",
            path.display()
        ),
        _ => format!("cannot create {}: {e}", path.display()),
    })
}

pub async fn tap_cmd(
    s: &Session,
    a: &TapArgs,
    data: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let tz = campaign::parse_offset(&a.tz).map_err(err)?;
    let mut c = load(s, data, &a.step.name)?;
    let runs = runs_dir(data);
    let ctx = s.runs(&runs, a.step.concurrency);
    let found = campaign::recovery(&runs, &c).map_err(err)?;
    if !found.is_empty() {
        let _ = writeln!(
            out,
            "{} passes of this campaign were created and never delivered{}: a new pass replaces each lost one",
            found.undelivered.len(),
            found.pending_run.as_ref().map(|r| format!(", and run {r} did not finish")).unwrap_or_default()
        );
        for u in &found.undelivered {
            let _ = writeln!(out, "  {}: {}", u.user_principal_name, u.reason);
        }
        if !a.step.yes {
            let _ = writeln!(out, "add --passes FILE --yes to issue them again");
            return Ok(true);
        }
        let path = a
            .passes
            .as_ref()
            .ok_or("--passes FILE says where the passes are saved")?;
        let file = open_passes_file(path)?;
        let outcome = campaign::recover(&ctx, data, &mut c, &control(), |_, p| progress(p)).await;
        return deliver(
            data,
            &mut c,
            outcome.map_err(err),
            file,
            path,
            tz,
            out,
            a.step.json,
        );
    }
    let lifetime = a
        .lifetime_min
        .ok_or("--lifetime-min M says how long the passes live (10 to 43200 minutes)")?;
    let start = a
        .start
        .as_deref()
        .map(campaign::parse_start)
        .transpose()
        .map_err(err)?;
    let opts = StepOptions {
        tap: Some(TapChoice {
            lifetime_minutes: lifetime,
            once: a.once,
            start,
        }),
        wave: a.wave,
        ..StepOptions::default()
    };
    let preview = campaign::preview_step(&ctx, &c, Step::Tap, &opts)
        .await
        .map_err(err)?;
    if !a.step.yes {
        print_preview(out, &preview, a.step.json)?;
        return Ok(true);
    }
    let path = a
        .passes
        .as_ref()
        .ok_or("--passes FILE says where the passes are saved (once; the file must not exist)")?;
    let file = open_passes_file(path)?;
    let outcome = campaign::run_step(&ctx, data, &mut c, preview, None, &control(), |_, p| {
        progress(p)
    })
    .await;
    deliver(
        data,
        &mut c,
        outcome.map_err(err),
        file,
        path,
        tz,
        out,
        a.step.json,
    )
}

/// Writes the passes to the new file, then records them as delivered.
#[allow(clippy::too_many_arguments)]
fn deliver(
    data: &Path,
    c: &mut Campaign,
    outcome: Result<StepOutcome, String>,
    mut file: std::fs::File,
    path: &Path,
    tz: chrono::FixedOffset,
    out: &mut dyn Write,
    json: bool,
) -> Result<bool, String> {
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
    };
    let text = campaign::delivery_csv(&outcome.passes, tz);
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("the passes could not be saved to {}: {e}; run the command again to issue them again", path.display()))?;
    campaign::record_delivery(data, c, &outcome.passes).map_err(err)?;
    let ok = print_outcome(out, &outcome, json)?;
    eprintln!(
        "{} passes saved to {} (times in {}); ready for a mail merge or printed letters — Microsoft's end-user templates: https://aka.ms/mfatemplates",
        outcome.passes.len(),
        path.display(),
        campaign::offset_name(tz)
    );
    Ok(ok)
}

fn ask_count(n: usize) -> Option<usize> {
    eprint!("Type {n} to remove phone methods from {n} users: ");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    line.trim().parse().ok()
}

/// A step with no options of its own.
async fn plain_step(
    a: &StepArgs,
    step: Step,
    data: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    step_cmd(a, step, StepOptions::default(), None, data, out).await
}

async fn step_cmd(
    a: &StepArgs,
    step: Step,
    opts: StepOptions,
    confirm: Option<Option<usize>>,
    data: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let s = session(&a.connect).await?;
    let mut c = load(&s, data, &a.name)?;
    let runs = runs_dir(data);
    let ctx = s.runs(&runs, a.concurrency);
    let preview = campaign::preview_step(&ctx, &c, step, &opts)
        .await
        .map_err(err)?;
    if !a.yes {
        print_preview(out, &preview, a.json)?;
        return Ok(true);
    }
    let typed = match confirm.flatten() {
        Some(n) => Some(n),
        None if preview.needs_confirmation() => ask_count(preview.removals),
        None => None,
    };
    let outcome = campaign::run_step(&ctx, data, &mut c, preview, typed, &control(), |_, p| {
        progress(p)
    })
    .await
    .map_err(err)?;
    print_outcome(out, &outcome, a.json)
}

async fn undo_cmd(
    s: &Session,
    a: &UndoArgs,
    data: &Path,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let mut c = load(s, data, &a.name)?;
    let runs = runs_dir(data);
    let ctx = s.runs(&runs, ROWS_IN_FLIGHT);
    if !a.yes {
        let p = ctx.undo_preview(&a.run).await.map_err(|e| e.to_string())?;
        serde_json::to_writer_pretty(&mut *out, &p).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
        return Ok(true);
    }
    let o = campaign::undo_step(&ctx, data, &mut c, &a.run, &control(), |_, p| progress(p))
        .await
        .map_err(err)?;
    print_outcome(
        out,
        &StepOutcome {
            runs: vec![o],
            passes: Vec::new(),
            passes_issued: 0,
        },
        a.json,
    )
}
