//! The other reasons: SSPR, security defaults, Temporary Access Pass, Identity Protection and
//! per-user MFA.

use super::*;

pub(super) fn sspr_finding(f: &Facts) -> Finding {
    let topic = Topic::Sspr;
    let r = match &f.registration {
        Read::Got(r) => r,
        Read::NotReadable { needs } => {
            return cannot(topic, needs, "Whether SSPR is on for them and whether they registered enough methods for it comes from the registration details, which your role cannot read.")
        }
        Read::Failed(msg) => return failed(topic, "The registration details", msg),
    };
    let days = f
        .policy
        .got()
        .and_then(|p| p.reconfirmation_in_days)
        .unwrap_or(0);
    match (r.is_sspr_enabled, r.is_sspr_registered) {
        (Some(false), _) => finding(topic, Verdict::DoesNotAsk, "Self-service password reset is not on for them."),
        (Some(true), Some(false)) => finding(topic, Verdict::Asks, "Self-service password reset is on for them and they have not registered enough methods that count for it (passkeys, Windows Hello and the alternate mobile do not count), so combined registration asks at sign-in. Graph does not say how many methods the SSPR policy requires."),
        (Some(true), Some(true)) if days > 0 => finding(topic, Verdict::Asks, format!("They are registered for self-service password reset, and the tenant asks users to reconfirm their methods every {days} days.")),
        (Some(true), Some(true)) => finding(topic, Verdict::DoesNotAsk, "They are registered for self-service password reset, and reconfirmation is off."),
        _ => cannot(topic, REPORT_NEEDS, "The registration details do not say whether SSPR is on for them."),
    }
}

pub(super) fn security_defaults_finding(f: &Facts, uses: &[MethodUse]) -> Finding {
    let topic = Topic::SecurityDefaults;
    match &f.security_defaults {
        Read::Got(false) => finding(topic, Verdict::DoesNotAsk, "Security defaults are off."),
        Read::Got(true) => {
            let has_app = uses.iter().any(|u| {
                matches!(
                    u.kind,
                    MethodKind::MicrosoftAuthenticator | MethodKind::SoftwareOath
                ) && matches!(u.state, Use::Usable(_))
            });
            if has_app {
                finding(
                    topic,
                    Verdict::DoesNotAsk,
                    "Security defaults are on, and they have an authenticator app.",
                )
            } else {
                finding(topic, Verdict::Asks, "Security defaults are on: every user must register Microsoft Authenticator (or another authenticator app), and they have none; they can skip it for 14 days.")
            }
        }
        Read::NotReadable { needs } => cannot(
            topic,
            needs,
            "Whether security defaults are on could not be read.",
        ),
        Read::Failed(msg) => failed(topic, "Security defaults", msg),
    }
}

pub(super) fn tap_finding(f: &Facts, uses: &[MethodUse]) -> Finding {
    let topic = Topic::TemporaryAccessPass;
    let active = f.methods.iter().find(|m| {
        m.kind == MethodKind::TemporaryAccessPass
            && m.properties.get("isUsable").and_then(|v| v.as_bool()) == Some(true)
    });
    let allowed = uses
        .iter()
        .any(|u| u.kind == MethodKind::TemporaryAccessPass && matches!(u.state, Use::Usable(_)));
    match active {
        Some(m) if allowed => {
            let until = m
                .str_prop("startDateTime")
                .map(|s| {
                    format!(
                        " (started {s}, {} minutes)",
                        m.properties
                            .get("lifetimeInMinutes")
                            .and_then(|v| v.as_i64())
                            .unwrap_or(0)
                    )
                })
                .unwrap_or_default();
            finding(topic, Verdict::Asks, format!("They have a usable Temporary Access Pass{until}: signing in with it opens security-info registration — that is what a pass is for. Once they have registered, remove the pass or let it expire."))
        }
        Some(_) => finding(
            topic,
            Verdict::DoesNotAsk,
            "They have a Temporary Access Pass, but the policy does not allow passes for them.",
        ),
        None => finding(
            topic,
            Verdict::DoesNotAsk,
            "No usable Temporary Access Pass.",
        ),
    }
}

/// Identity Protection's MFA registration policy has no Graph read; the sign-in log says when
/// it asked (`mfaRegistrationRequiredByIdentityProtectionPolicy`).
pub(super) fn identity_protection_finding(f: &Facts) -> Finding {
    let topic = Topic::IdentityProtection;
    const PROVIDER: &str = "mfaRegistrationRequiredByIdentityProtectionPolicy";
    let sign_ins = match &f.sign_ins {
        Read::Got(s) => s,
        Read::NotReadable { needs } => {
            return cannot(topic, needs, "Identity Protection's MFA registration policy (Entra ID P2) has no Graph read; it shows in the user's sign-in log, which could not be read.")
        }
        Read::Failed(msg) => return failed(topic, "The sign-in log", msg),
    };
    let asked = sign_ins.iter().find(|s| {
        s.authentication_requirement_policies
            .iter()
            .any(|p| p.requirement_provider.as_deref() == Some(PROVIDER))
    });
    let when = |s: &crate::graph::SignInEntry| {
        let at = s
            .created_date_time
            .as_deref()
            .map(|t| t.get(..16).unwrap_or(t).replace('T', " "))
            .unwrap_or_default();
        match &s.app_display_name {
            Some(app) => format!("{at} UTC ({app})"),
            None => format!("{at} UTC"),
        }
    };
    match (asked, sign_ins.last()) {
        (Some(s), _) => finding(topic, Verdict::Asks, format!("Their sign-in of {} was asked to register by Identity Protection's MFA registration policy (the sign-in log says so): it asks the users it targets until they register.", when(s))),
        (None, Some(oldest)) => finding(topic, Verdict::DoesNotAsk, format!("None of their last {} sign-ins (since {}) was asked to register by Identity Protection's MFA registration policy.", sign_ins.len(), when(oldest))),
        (None, None) => cannot(topic, "a sign-in of theirs in the log (there is none in its retention period)", "Identity Protection's MFA registration policy has no Graph read, and the sign-in log has no sign-in of theirs to show it."),
    }
}

/// The legacy per-user MFA state (`mfa_state` reads and changes it; this only says what it does).
pub(super) fn per_user_mfa_finding(f: &Facts, uses: &[MethodUse]) -> Finding {
    let topic = Topic::PerUserMfa;
    match &f.per_user_mfa {
        Read::Got(PerUserMfaState::Disabled) => {
            finding(topic, Verdict::DoesNotAsk, "Per-user MFA is disabled for them.")
        }
        Read::Got(PerUserMfaState::Enabled) => finding(topic, Verdict::Asks, "Per-user MFA is enabled for them: Entra asks them to register at the next sign-in (and then moves them to enforced)."),
        Read::Got(PerUserMfaState::Enforced) if usable_mfa(uses).is_empty() => finding(topic, Verdict::Asks, "Per-user MFA is enforced for them and none of their methods can be used, so every sign-in asks them to register one."),
        Read::Got(PerUserMfaState::Enforced) => finding(topic, Verdict::DoesNotAsk, "Per-user MFA is enforced: MFA at every sign-in with the methods they have."),
        Read::NotReadable { needs } => cannot(topic, needs, "Their per-user MFA state could not be read."),
        Read::Failed(msg) => failed(topic, "The per-user MFA state", msg),
    }
}
