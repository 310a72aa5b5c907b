//! `prestage-cli mfa-state show|set`: one user's per-user MFA state (disabled / enabled /
//! enforced) with the tenant's security defaults and Conditional Access beside it, over the same
//! core calls as the app's user panel (`mfa_state::read` / `set`) and the same audit log.

use std::io::Write;

use prestage_core::graph::{PerUserMfaState, PER_USER_MFA_WRITE_PERMISSION};
use prestage_core::import::explain;
use prestage_core::mfa_state::{self, MfaStateError, MfaStateView};

use super::print::print_json;
use super::{audit_log, Target};
use crate::connect::session;

fn mfa_error(e: MfaStateError) -> String {
    match e {
        MfaStateError::Core(prestage_core::CoreError::Graph(g)) => explain(&g),
        other => other.to_string(),
    }
}

fn registered_words(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "has an MFA method registered",
        Some(false) => "has no MFA method registered",
        None => "registration not readable with your roles",
    }
}

fn print_view(out: &mut dyn Write, v: &MfaStateView) {
    let _ = writeln!(
        out,
        "{} <{}>: per-user MFA {} ({})",
        v.display_name,
        v.user_principal_name,
        v.state,
        registered_words(v.registered)
    );
    let t = &v.tenant;
    let sd = match t.security_defaults {
        Some(true) => "on",
        Some(false) => "off",
        None => "not readable",
    };
    let ca = match &t.mfa_policies {
        Some(p) if p.is_empty() => "none requires MFA".to_string(),
        Some(p) => format!("requires MFA: {}", p.join(", ")),
        None => "not readable".to_string(),
    };
    let _ = writeln!(out, "security defaults: {sd}; Conditional Access: {ca}");
    let _ = writeln!(out, "{}", t.advice);
    if let Some(why) = &v.cannot_change {
        let _ = writeln!(out, "you may not change it: {why}");
    }
}

pub(super) async fn show(target: &Target, out: &mut dyn Write) -> Result<bool, String> {
    let session = session(&target.connect).await?;
    let view = mfa_state::read(&session, &target.user)
        .await
        .map_err(mfa_error)?;
    if target.json {
        print_json(out, &view)?;
    } else {
        print_view(out, &view);
    }
    Ok(true)
}

pub(super) async fn set(target: &Target, state: &str, out: &mut dyn Write) -> Result<bool, String> {
    let state: PerUserMfaState = state
        .parse()
        .map_err(|e: prestage_core::GraphError| e.to_string())?;
    let session = session(&target.connect).await?;
    let change = mfa_state::set(&session, &audit_log()?, &target.user, state)
        .await
        .map_err(mfa_error)?;
    if target.json {
        print_json(out, &change)?;
    } else {
        let _ = writeln!(
            out,
            "{}: per-user MFA {} → {}",
            change.user_principal_name, change.before, change.after
        );
        if change.consent_asked {
            let _ = writeln!(
                out,
                "  (asked for the {} permission for this)",
                PER_USER_MFA_WRITE_PERMISSION
            );
        }
        for w in &change.warnings {
            let _ = writeln!(out, "! {w}");
        }
    }
    Ok(true)
}
