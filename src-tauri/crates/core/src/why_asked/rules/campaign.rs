//! The registration campaign (Microsoft Authenticator nudge): who it takes in, snoozes, and
//! whether it asks this user.

use super::*;

pub(super) fn campaign_finding(f: &Facts, who: &Membership, uses: &[MethodUse]) -> Finding {
    let topic = Topic::RegistrationCampaign;
    let p = match &f.policy {
        Read::Got(p) => p,
        Read::NotReadable { needs } => {
            return cannot(topic, needs, "The registration campaign could not be read.")
        }
        Read::Failed(msg) => return failed(topic, "The registration campaign", msg),
    };
    let Some(c) = p.campaign() else {
        return finding(
            topic,
            Verdict::DoesNotAsk,
            "The policy has no registration campaign.",
        );
    };
    let state = c.state.as_deref().unwrap_or("default");
    if state.eq_ignore_ascii_case("disabled") {
        return finding(
            topic,
            Verdict::DoesNotAsk,
            "The registration campaign is turned off.",
        );
    }
    for t in &c.exclude_targets {
        match who.covers(t) {
            Cover::Yes(how) => {
                return finding(
                    topic,
                    Verdict::DoesNotAsk,
                    format!("The registration campaign excludes {how}."),
                )
            }
            Cover::Unknown => {
                return cannot(
                    topic,
                    crate::why_asked::reads::GROUPS_NEEDS,
                    "Whether the campaign excludes them depends on groups that could not be read.",
                )
            }
            Cover::No => {}
        }
    }
    let mut unknown = false;
    let mut target = None;
    for t in &c.include_targets {
        match who.covers(t) {
            Cover::Yes(how) => {
                target = Some((how, t.targeted_authentication_method.clone()));
                break;
            }
            Cover::Unknown => unknown = true,
            Cover::No => {}
        }
    }
    let Some((how, method)) = target else {
        if unknown {
            return cannot(
                topic,
                crate::why_asked::reads::GROUPS_NEEDS,
                "Whether the campaign targets them depends on groups that could not be read.",
            );
        }
        return finding(
            topic,
            Verdict::DoesNotAsk,
            "The registration campaign does not target them.",
        );
    };
    let method = method.unwrap_or_else(|| "microsoftAuthenticator".into());
    let (name, kind, config) = match method.as_str() {
        "fido2" | "passkey" => ("a passkey", MethodKind::Fido2, "Fido2"),
        _ => (
            "Microsoft Authenticator",
            MethodKind::MicrosoftAuthenticator,
            "MicrosoftAuthenticator",
        ),
    };
    if uses
        .iter()
        .any(|u| u.kind == kind && matches!(u.state, Use::Usable(_)))
    {
        return finding(
            topic,
            Verdict::DoesNotAsk,
            format!("The campaign asks for {name}, and they have it."),
        );
    }
    if !matches!(
        allowed(p.configuration(config), who),
        Allowed::Yes(_) | Allowed::NotGoverned
    ) {
        return finding(topic, Verdict::DoesNotAsk, format!("The campaign asks for {name}, which the policy does not allow for them, so it does not ask them."));
    }
    let phone = uses.iter().any(|u| {
        u.kind == MethodKind::Phone && matches!(&u.state, Use::Usable(m) if !m.is_empty())
    });
    if !phone {
        return finding(topic, Verdict::DoesNotAsk, format!("The campaign asks for {name}, but only of people who use text messages or voice calls for MFA, and they do not."));
    }
    let who_set = if state.eq_ignore_ascii_case("default") {
        "Microsoft managed".to_string()
    } else {
        "enabled".to_string()
    };
    let snooze = if state.eq_ignore_ascii_case("default") {
        "they can skip it as often as they like".to_string()
    } else {
        let days = c.snooze_duration_in_days.unwrap_or(1);
        if c.enforce_registration_after_allowed_snoozes == Some(true) {
            format!("they can skip it for {days} day(s) at a time, and must register after the allowed skips")
        } else {
            format!("they can skip it for {days} day(s) at a time")
        }
    };
    finding(
        topic,
        Verdict::Asks,
        format!("The registration campaign ({who_set}) targets {how} and asks for {name}: after they use a text message or voice call for MFA, Entra asks them to set it up; {snooze}."),
    )
}
