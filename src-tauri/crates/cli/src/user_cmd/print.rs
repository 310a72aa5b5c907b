//! Text output of the single-user commands: the overview and a fix's outcome, one line per fact.

use std::io::Write;

use prestage_core::fixes::{Outcome, Registration, UserOverview};
use prestage_core::why_asked::{Diagnosis, Verdict};

pub(super) fn print_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), String> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| e.to_string())?;
    let _ = writeln!(out);
    Ok(())
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

pub(super) fn print_overview(out: &mut dyn Write, o: &UserOverview) {
    let u = &o.user;
    let _ = writeln!(
        out,
        "{} <{}>  {} · {} · {}",
        u.display_name,
        u.user_principal_name,
        if u.synced { "synced" } else { "cloud" },
        match u.account_enabled {
            Some(false) => "disabled",
            _ => "enabled",
        },
        if u.guest { "guest" } else { "member" }
    );
    let roles = if o.roles.is_empty() {
        "none".to_string()
    } else {
        o.roles.join(", ")
    };
    let _ = writeln!(out, "roles: {roles}");
    let _ = writeln!(out, "methods:");
    for m in &o.methods {
        let created = m
            .created
            .map(|c| c.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<30} {:<40} {created}  {}",
            m.label, m.detail, m.id
        );
    }
    for p in &o.phones {
        let _ = writeln!(
            out,
            "phone {} {}: {}{}",
            p.phone_type,
            p.number,
            p.sms_sign_in_text.as_deref().unwrap_or(""),
            p.not_usable
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "email: {}", o.email.as_deref().unwrap_or("none"));
    let d = &o.default_method;
    let _ = writeln!(
        out,
        "default method: {}",
        d.label.as_deref().unwrap_or("none")
    );
    if let Some(note) = &d.note {
        let _ = writeln!(out, "  {note}");
    }
    match &o.registration {
        Registration::Available {
            mfa_registered,
            methods_registered,
            ..
        } => {
            let _ = writeln!(
                out,
                "MFA registered: {} ({})",
                yes_no(*mfa_registered),
                methods_registered.join(", ")
            );
        }
        Registration::NotAvailable { reason } => {
            let _ = writeln!(out, "MFA registration: {reason}");
        }
    }
    let p = &o.profile;
    let _ = writeln!(
        out,
        "profile phones: mobile {}, business {}",
        p.mobile_phone.as_deref().unwrap_or("none"),
        if p.business_phones.is_empty() {
            "none".into()
        } else {
            p.business_phones.join(", ")
        }
    );
    match &o.actions.write.reason {
        None => {
            let _ = writeln!(out, "you may change this user's methods");
        }
        Some(why) => {
            let _ = writeln!(out, "you may not change this user's methods: {why}");
        }
    }
    if let Some(why) = &o.actions.enable_sms_sign_in.reason {
        let _ = writeln!(out, "SMS sign-in: {why}");
    }
    for h in &o.hints {
        let _ = writeln!(out, "! {h}");
    }
}

pub(super) fn print_outcome(out: &mut dyn Write, o: &Outcome, json: bool) -> Result<bool, String> {
    if json {
        print_json(out, o)?;
        return Ok(o.failed.is_none());
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    for w in &o.written {
        let _ = writeln!(
            out,
            "✓ {}: {} → {}  {}",
            w.what,
            show(&w.before),
            show(&w.after),
            w.request_id.as_deref().unwrap_or("")
        );
        if let Some(n) = &w.note {
            let _ = writeln!(out, "  {n}");
        }
    }
    for k in &o.kept {
        let _ = writeln!(out, "· kept {}: {}", k.what, k.reason);
    }
    for w in &o.warnings {
        let _ = writeln!(out, "! {w}");
    }
    if let Some(f) = &o.failed {
        let _ = writeln!(out, "✗ {f}");
    }
    Ok(o.failed.is_none())
}

/// The diagnosis in words: the summary, what is registered, then each reason with its verdict.
pub(super) fn print_diagnosis(out: &mut dyn Write, d: &Diagnosis) {
    let _ = writeln!(out, "{} <{}>", d.display_name, d.user_principal_name);
    let _ = writeln!(out, "{}", d.summary);
    let registered = if d.registered.is_empty() {
        "nothing but a password".to_string()
    } else {
        d.registered.join("; ")
    };
    let _ = writeln!(out, "Registered: {registered}");
    for f in &d.findings {
        let mark = match &f.verdict {
            Verdict::Asks => "ASKS      ",
            Verdict::DoesNotAsk => "does not  ",
            Verdict::CannotKnow { .. } => "not known ",
        };
        let _ = writeln!(out, "{mark}{}: {}", f.title, f.text);
        if let Verdict::CannotKnow { needs } = &f.verdict {
            let _ = writeln!(out, "          would tell: {needs}");
        }
    }
}
