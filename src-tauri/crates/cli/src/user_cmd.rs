//! `prestage-cli user | phone | email | sms-signin | default-method | tap | method | audit |
//! mfa-state`: the single-user fixes without the window, over the same core calls as the app's
//! user panel and the same audit log (app data dir). Tenant access as for imports (`--sandbox URL` or the
//! remembered sign-in). `--json` prints the core's answer; a TAP's pass is printed once, never kept.

use std::io::Write;
use std::process::ExitCode;

use prestage_core::audit::{audit_csv, AuditLog};
use prestage_core::fixes::{
    apply_edit, check_phone, issue_tap, remove_method, require_reregistration, user_overview, Edit,
    FixError, TapChoice,
};
use prestage_core::import::explain;
use prestage_core::phone::PhoneType;
use prestage_core::plan::parse_default_method;
use prestage_core::session::Session;
use prestage_core::why_asked::{why_asked, WhyAskedError};

use crate::connect::session;
use crate::ending::exit;

mod args;
mod mfa;
mod print;

pub use args::{
    AuditCmd, Command, DefaultCmd, EmailCmd, MethodCmd, MfaCmd, PhoneCmd, SmsCmd, TapCmd, Target,
    UserCmd,
};
use print::{print_diagnosis, print_json, print_outcome, print_overview};

fn audit_log() -> Result<AuditLog, String> {
    Ok(AuditLog::in_dir(&crate::auth_cmd::places()?.data_dir))
}

fn fix_error(e: FixError) -> String {
    match e {
        FixError::Graph(g) => explain(&g),
        other => other.to_string(),
    }
}

async fn edit(
    target: &Target,
    edit: Edit,
    region: Option<&str>,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let session = session(&target.connect).await?;
    let region = match region {
        Some(r) => Some(r.to_string()),
        None => session
            .graph()
            .organization()
            .await
            .ok()
            .and_then(|o| o.country_letter_code),
    };
    let outcome = apply_edit(
        &session,
        &audit_log()?,
        &target.user,
        &edit,
        region.as_deref(),
    )
    .await
    .map_err(fix_error)?;
    print_outcome(out, &outcome, target.json)
}

async fn show(target: &Target, out: &mut dyn Write) -> Result<bool, String> {
    let session: Session = session(&target.connect).await?;
    let o = user_overview(&session, &target.user)
        .await
        .map_err(fix_error)?;
    if target.json {
        print_json(out, &o)?;
    } else {
        print_overview(out, &o);
    }
    Ok(true)
}

async fn why(target: &Target, out: &mut dyn Write) -> Result<bool, String> {
    let session: Session = session(&target.connect).await?;
    let d = why_asked(&session, &target.user)
        .await
        .map_err(|e| match e {
            WhyAskedError::Graph(g) => explain(&g),
            other => other.to_string(),
        })?;
    if target.json {
        print_json(out, &d)?;
    } else {
        print_diagnosis(out, &d);
    }
    Ok(true)
}

fn check(
    number: &str,
    region: Option<&str>,
    t: Option<PhoneType>,
    json: bool,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let c = check_phone(number, region, t);
    if json {
        print_json(out, &c)?;
    } else {
        match (&c.number, &c.problem) {
            (Some(n), None) => {
                let _ = writeln!(out, "{n}");
            }
            (_, Some(p)) => {
                let _ = writeln!(out, "{p}");
            }
            (None, None) => {}
        }
        for r in &c.repairs {
            let _ = writeln!(out, "  repaired: {r}");
        }
        for w in &c.warnings {
            let _ = writeln!(out, "! {w}");
        }
    }
    Ok(c.problem.is_none())
}

async fn tap(target: &Target, choice: TapChoice, out: &mut dyn Write) -> Result<bool, String> {
    let session = session(&target.connect).await?;
    let issued = issue_tap(&session, &audit_log()?, &target.user, &choice)
        .await
        .map_err(fix_error)?;
    let t = &issued.tap;
    let pass = t.reveal_pass().unwrap_or_default();
    let start = t
        .start_date_time
        .map(|s| s.to_rfc3339())
        .unwrap_or_default();
    if target.json {
        print_json(
            out,
            &serde_json::json!({
                "user": issued.user_principal_name, "temporaryAccessPass": pass, "startDateTime": start,
                "lifetimeInMinutes": t.lifetime_in_minutes, "isUsableOnce": t.is_usable_once,
                "isUsable": t.is_usable, "methodUsabilityReason": t.method_usability_reason,
            }),
        )?;
    } else {
        let _ = writeln!(
            out,
            "Temporary Access Pass for {}: {pass}",
            issued.user_principal_name
        );
        let _ = writeln!(
            out,
            "  from {start}, {} minutes, {} — shown once, not stored anywhere",
            t.lifetime_in_minutes.unwrap_or_default(),
            if t.is_usable_once == Some(true) {
                "one-time"
            } else {
                "multi-use"
            }
        );
    }
    Ok(true)
}

fn audit(cmd: AuditCmd, out: &mut dyn Write) -> Result<bool, String> {
    let entries = audit_log()?.read().map_err(|e| e.to_string())?;
    match cmd {
        AuditCmd::List { json: true } => print_json(out, &entries)?,
        AuditCmd::List { json: false } => {
            for e in &entries {
                let _ = writeln!(
                    out,
                    "{}  {}  {}  {} {}: {} → {}  {}  {}",
                    e.time.format("%Y-%m-%d %H:%M:%S"),
                    e.admin,
                    e.user,
                    e.action,
                    e.method,
                    e.before.as_deref().unwrap_or("—"),
                    e.after.as_deref().unwrap_or("—"),
                    if e.ok { "ok" } else { "failed" },
                    e.request_id.as_deref().unwrap_or("")
                );
            }
        }
        AuditCmd::Export { file } => {
            std::fs::write(&file, audit_csv(&entries))
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            let _ = writeln!(
                out,
                "{} entries written to {}",
                entries.len(),
                file.display()
            );
        }
    }
    Ok(true)
}

/// Runs one single-user command, writing to `out`.
pub async fn run_with(cmd: Command, out: &mut dyn Write) -> Result<bool, String> {
    match cmd {
        Command::User(UserCmd::Show(t)) => show(&t, out).await,
        Command::User(UserCmd::WhyAsked(t)) => why(&t, out).await,
        Command::User(UserCmd::Reregister { target, yes }) => {
            if !yes {
                return Err("re-registration removes the user's phones and apps: add --yes".into());
            }
            let session = session(&target.connect).await?;
            let o = require_reregistration(&session, &audit_log()?, &target.user)
                .await
                .map_err(fix_error)?;
            print_outcome(out, &o, target.json)
        }
        Command::Phone(PhoneCmd::Set {
            target,
            phone_type,
            number,
            region,
        }) => {
            edit(
                &target,
                Edit::SetPhone {
                    phone_type,
                    input: number,
                },
                region.as_deref(),
                out,
            )
            .await
        }
        Command::Phone(PhoneCmd::Remove { target, phone_type }) => {
            edit(&target, Edit::RemovePhone { phone_type }, None, out).await
        }
        Command::Phone(PhoneCmd::Check {
            number,
            region,
            phone_type,
            json,
        }) => check(&number, region.as_deref(), phone_type, json, out),
        Command::Email(EmailCmd::Set { target, address }) => {
            edit(&target, Edit::SetEmail { address }, None, out).await
        }
        Command::Email(EmailCmd::Remove(t)) => edit(&t, Edit::RemoveEmail, None, out).await,
        Command::SmsSignin(SmsCmd::Enable(t)) => {
            edit(&t, Edit::SmsSignIn { enabled: true }, None, out).await
        }
        Command::SmsSignin(SmsCmd::Disable(t)) => {
            edit(&t, Edit::SmsSignIn { enabled: false }, None, out).await
        }
        Command::DefaultMethod(DefaultCmd::Set { target, method }) => {
            let method = parse_default_method(&method).ok_or_else(|| format!("'{method}' is not push, oath, sms, voiceMobile, voiceAlternateMobile or voiceOffice"))?;
            edit(&target, Edit::DefaultMethod { method }, None, out).await
        }
        Command::Tap(TapCmd::Issue {
            target,
            lifetime_min,
            one_time,
            multi_use,
            start,
        }) => {
            let one_time = if one_time {
                Some(true)
            } else if multi_use {
                Some(false)
            } else {
                None
            };
            let start = match start {
                Some(text) => Some(
                    serde_json::from_value(serde_json::Value::String(text.clone()))
                        .map_err(|_| format!("'{text}' is not a time like 2026-12-01T08:00:00Z"))?,
                ),
                None => None,
            };
            let choice = TapChoice {
                lifetime_minutes: lifetime_min,
                one_time,
                start,
            };
            tap(&target, choice, out).await
        }
        Command::Method(MethodCmd::Remove { target, kind, id }) => {
            let session = session(&target.connect).await?;
            let o = remove_method(&session, &audit_log()?, &target.user, &kind, &id)
                .await
                .map_err(fix_error)?;
            print_outcome(out, &o, target.json)
        }
        Command::Audit(cmd) => audit(cmd, out),
        Command::MfaState(MfaCmd::Show(t)) => mfa::show(&t, out).await,
        Command::MfaState(MfaCmd::Set { target, state }) => mfa::set(&target, &state, out).await,
    }
}

pub async fn run(cmd: Command) -> ExitCode {
    exit(run_with(cmd, &mut std::io::stdout()).await)
}

#[cfg(test)]
mod tests;
