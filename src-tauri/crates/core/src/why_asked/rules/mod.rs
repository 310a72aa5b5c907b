//! The reasoning, pure: each registered method's usability under the policy, then one finding
//! per reason Entra has to ask (methods policy, unusable methods, campaign, SSPR, security
//! defaults, Identity Protection, Conditional Access, Temporary Access Pass, per-user MFA).
//! Only what the reads say is claimed; an unreadable read is a `CannotKnow` with what would tell.

use crate::fixes::kind_label;
use crate::graph::{AuthMethod, MethodKind, MethodsPolicy, PerUserMfaState, SmsSignInState};

use super::reads::{Facts, Read, POLICY_NEEDS, REPORT_NEEDS};
use super::targets::{allowed, Allowed, Cover, Membership};
use super::{Diagnosis, Finding, Topic, Verdict};

mod campaign;
mod conditional_access;
mod methods;
mod policies;

use campaign::campaign_finding;
use conditional_access::ca_finding;
use methods::{
    combinations_words, method_uses, methods_finding, modes, satisfies, usable_mfa, MethodUse, Use,
};
use policies::{
    identity_protection_finding, per_user_mfa_finding, security_defaults_finding, sspr_finding,
    tap_finding,
};

fn finding(topic: Topic, verdict: Verdict, text: impl Into<String>) -> Finding {
    Finding {
        topic,
        title: topic.title().to_string(),
        verdict,
        text: text.into(),
    }
}

fn cannot(topic: Topic, needs: &str, text: impl Into<String>) -> Finding {
    finding(
        topic,
        Verdict::CannotKnow {
            needs: needs.to_string(),
        },
        text,
    )
}

fn failed(topic: Topic, what: &str, message: &str) -> Finding {
    cannot(
        topic,
        "the read to succeed (try again)",
        format!("{what} could not be read: {message}"),
    )
}

fn label(m: &AuthMethod) -> String {
    match m.kind {
        MethodKind::Phone => match m.str_prop("phoneType") {
            Some("alternateMobile") => "Alternate mobile phone".into(),
            Some("office") => "Office phone".into(),
            _ => "Mobile phone".into(),
        },
        _ => kind_label(&m.kind),
    }
}

pub(crate) fn diagnose(f: &Facts) -> Diagnosis {
    let who = Membership::new(&f.user.id, &f.member_of);
    let uses = method_uses(f, &who);
    let mut findings = vec![
        methods_finding(Topic::MethodsPolicy, f, &uses),
        methods_finding(Topic::UnusableMethods, f, &uses),
        campaign_finding(f, &who, &uses),
        sspr_finding(f),
        security_defaults_finding(f, &uses),
        identity_protection_finding(f),
        ca_finding(f, &who, &uses),
        tap_finding(f, &uses),
        per_user_mfa_finding(f, &uses),
    ];
    let rank = |v: &Verdict| match v {
        Verdict::Asks => 0,
        Verdict::CannotKnow { .. } => 1,
        Verdict::DoesNotAsk => 2,
    };
    findings.sort_by_key(|x| rank(&x.verdict));
    let name = f
        .user
        .display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| f.user.user_principal_name.clone())
        .unwrap_or_else(|| f.user.id.clone());
    let titles = |v: fn(&Verdict) -> bool| {
        findings
            .iter()
            .filter(|x| v(&x.verdict))
            .map(|x| x.title.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let asks = titles(|v| *v == Verdict::Asks);
    let unknown = titles(|v| matches!(v, Verdict::CannotKnow { .. }));
    let asked = !asks.is_empty();
    // Another role or permission could read these (not a sign-in log with nothing in it).
    let partial = findings.iter().any(|x| {
        matches!(x.verdict, Verdict::CannotKnow { .. })
            && !(x.topic == Topic::IdentityProtection && f.sign_ins.got().is_some())
    });
    let summary = if asked {
        format!("{name} is asked to register because of: {asks}.")
    } else if partial {
        format!("Nothing your role could read asks {name} to register, but these could not be read: {unknown}.")
    } else if unknown.is_empty() {
        format!("Nothing Prestage could read asks {name} to register.")
    } else {
        format!("Nothing Prestage could read asks {name} to register. Not known: {unknown}.")
    };
    Diagnosis {
        user_id: f.user.id.clone(),
        user_principal_name: f.user.user_principal_name.clone().unwrap_or_default(),
        display_name: name,
        asked,
        partial,
        summary,
        registered: f
            .methods
            .iter()
            .filter(|m| m.kind != MethodKind::Password)
            .map(|m| {
                let detail = m.detail();
                if detail.is_empty() {
                    label(m)
                } else {
                    format!("{} ({detail})", label(m))
                }
            })
            .collect(),
        findings,
    }
}

#[cfg(test)]
mod tests;
