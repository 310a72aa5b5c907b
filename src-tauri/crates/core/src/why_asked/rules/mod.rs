//! The reasoning, pure: each registered method's usability under the policy, then one finding
//! per reason Entra has to ask (methods policy, unusable methods, campaign, SSPR, security
//! defaults, Identity Protection, Conditional Access, Temporary Access Pass, per-user MFA).
//! Only what the reads say is claimed; an unreadable read is a `CannotKnow` with what would tell.

use crate::fixes::kind_label;
use crate::graph::{AuthMethod, MethodKind, MethodsPolicy, PerUserMfaState, SmsSignInState};

use super::reads::{Facts, Read, POLICY_NEEDS, REPORT_NEEDS};
use super::targets::{allowed, Allowed, Cover, Membership};
use super::{Diagnosis, Finding, Topic, Verdict};

/// What one registered method is worth at sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Use {
    /// Usable, with the authentication-strength modes it provides.
    Usable(Vec<&'static str>),
    Not {
        topic: Topic,
        why: String,
    },
    Unknown {
        topic: Topic,
        needs: String,
    },
}

#[derive(Debug, Clone)]
struct MethodUse {
    label: String,
    kind: MethodKind,
    mfa: bool,
    state: Use,
}

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

fn policy_use(
    policy: &Read<MethodsPolicy>,
    config: &str,
    m: &Membership,
    usable: Vec<&'static str>,
    topic: Topic,
) -> Use {
    match policy {
        Read::Got(p) => match allowed(p.configuration(config), m) {
            Allowed::Yes(_) | Allowed::NotGoverned => Use::Usable(usable),
            Allowed::No(why) => Use::Not { topic, why },
            Allowed::Unknown => Use::Unknown {
                topic,
                needs: super::reads::GROUPS_NEEDS.into(),
            },
        },
        _ => Use::Unknown {
            topic,
            needs: POLICY_NEEDS.into(),
        },
    }
}

fn phone_use(m: &AuthMethod, f: &Facts, who: &Membership) -> Use {
    let Read::Got(p) = &f.policy else {
        return Use::Unknown {
            topic: Topic::UnusableMethods,
            needs: POLICY_NEEDS.into(),
        };
    };
    let sms = allowed(p.configuration("Sms"), who);
    let voice = allowed(p.configuration("Voice"), who);
    if sms == Allowed::Unknown || voice == Allowed::Unknown {
        return Use::Unknown {
            topic: Topic::UnusableMethods,
            needs: super::reads::GROUPS_NEEDS.into(),
        };
    }
    let ok = |a: &Allowed| matches!(a, Allowed::Yes(_) | Allowed::NotGoverned);
    let why = |a: &Allowed| match a {
        Allowed::No(why) => why.clone(),
        _ => "allowed".to_string(),
    };
    let office_allowed = p
        .configuration("Voice")
        .and_then(|c| c.is_office_phone_allowed)
        != Some(false);
    match m.str_prop("phoneType") {
        Some("alternateMobile") if ok(&voice) => Use::Usable(vec!["voice"]),
        Some("office") if ok(&voice) && office_allowed => Use::Usable(vec!["voice"]),
        Some("office") if ok(&voice) => Use::Not {
            topic: Topic::UnusableMethods,
            why: "the voice call policy does not allow office phones".into(),
        },
        Some("alternateMobile" | "office") => Use::Not {
            topic: Topic::UnusableMethods,
            why: format!(
                "it only takes voice calls, which the voice call policy does not allow for them ({})",
                why(&voice)
            ),
        },
        _ => {
            let mut modes = Vec::new();
            if ok(&sms) {
                modes.push("sms");
            }
            if ok(&voice) {
                modes.push("voice");
            }
            if modes.is_empty() {
                Use::Not {
                    topic: Topic::UnusableMethods,
                    why: format!(
                        "neither text messages nor voice calls are allowed for them (text messages: {}; voice calls: {})",
                        why(&sms),
                        why(&voice)
                    ),
                }
            } else {
                Use::Usable(modes)
            }
        }
    }
}

/// Authenticator: allowed for the user, and in a mode their registration can use.
fn authenticator_use(f: &Facts, who: &Membership) -> Use {
    let Read::Got(p) = &f.policy else {
        return Use::Unknown {
            topic: Topic::MethodsPolicy,
            needs: POLICY_NEEDS.into(),
        };
    };
    let through = match allowed(p.configuration("MicrosoftAuthenticator"), who) {
        Allowed::Yes(through) => through,
        Allowed::NotGoverned => return Use::Usable(vec!["microsoftAuthenticatorPush"]),
        Allowed::No(why) => {
            return Use::Not {
                topic: Topic::MethodsPolicy,
                why,
            }
        }
        Allowed::Unknown => {
            return Use::Unknown {
                topic: Topic::MethodsPolicy,
                needs: super::reads::GROUPS_NEEDS.into(),
            }
        }
    };
    let mode = |m: &Option<String>| m.as_deref().unwrap_or("any").to_string();
    let any = through.iter().any(|(_, m)| mode(m) == "any");
    let push = any || through.iter().any(|(_, m)| mode(m) == "push");
    let passwordless_allowed = any || through.iter().any(|(_, m)| mode(m) == "deviceBasedPush");
    let passwordless = f.registration.got().map(|r| {
        r.methods_registered
            .iter()
            .any(|x| x == "microsoftAuthenticatorPasswordless")
    });
    let mut modes = Vec::new();
    if push {
        modes.push("microsoftAuthenticatorPush");
    }
    if passwordless_allowed && passwordless == Some(true) {
        modes.push("deviceBasedPush");
    }
    if !modes.is_empty() {
        return Use::Usable(modes);
    }
    let how = through
        .iter()
        .map(|(how, _)| how.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match passwordless {
        Some(_) => Use::Not {
            topic: Topic::MethodsPolicy,
            why: format!("the Authenticator policy allows only passwordless phone sign-in for them (through {how}), and their Authenticator is set up for push notifications only"),
        },
        None => Use::Unknown {
            topic: Topic::MethodsPolicy,
            needs: REPORT_NEEDS.into(),
        },
    }
}

fn tap_use(m: &AuthMethod, f: &Facts, who: &Membership) -> Use {
    let usable = m.properties.get("isUsable").and_then(|v| v.as_bool());
    if usable == Some(false) {
        let reason = m.str_prop("methodUsabilityReason").unwrap_or("not usable");
        return Use::Not {
            topic: Topic::UnusableMethods,
            why: format!("Graph says {reason}"),
        };
    }
    let once = m.properties.get("isUsableOnce").and_then(|v| v.as_bool()) == Some(true);
    let mode = if once {
        "temporaryAccessPassOneTime"
    } else {
        "temporaryAccessPassMultiUse"
    };
    policy_use(
        &f.policy,
        "TemporaryAccessPass",
        who,
        vec![mode],
        Topic::UnusableMethods,
    )
}

fn method_uses(f: &Facts, who: &Membership) -> Vec<MethodUse> {
    f.methods
        .iter()
        .filter(|m| m.kind != MethodKind::Password)
        .map(|m| {
            let state = match &m.kind {
                MethodKind::Phone => phone_use(m, f, who),
                MethodKind::MicrosoftAuthenticator => authenticator_use(f, who),
                MethodKind::Fido2 => {
                    policy_use(&f.policy, "Fido2", who, vec!["fido2"], Topic::MethodsPolicy)
                }
                MethodKind::SoftwareOath => policy_use(
                    &f.policy,
                    "SoftwareOath",
                    who,
                    vec!["softwareOath"],
                    Topic::MethodsPolicy,
                ),
                MethodKind::HardwareOath => policy_use(
                    &f.policy,
                    "HardwareOath",
                    who,
                    vec!["hardwareOath"],
                    Topic::MethodsPolicy,
                ),
                MethodKind::QrCodePin => policy_use(
                    &f.policy,
                    "QRCodePin",
                    who,
                    vec!["qrCodePin"],
                    Topic::MethodsPolicy,
                ),
                MethodKind::TemporaryAccessPass => tap_use(m, f, who),
                MethodKind::WindowsHelloForBusiness => Use::Usable(vec!["windowsHelloForBusiness"]),
                MethodKind::PasswordlessMicrosoftAuthenticator => {
                    Use::Usable(vec!["deviceBasedPush"])
                }
                MethodKind::Email => {
                    policy_use(&f.policy, "Email", who, Vec::new(), Topic::MethodsPolicy)
                }
                _ => Use::Usable(Vec::new()),
            };
            MethodUse {
                label: label(m),
                kind: m.kind.clone(),
                mfa: m.kind.is_mfa(),
                state,
            }
        })
        .collect()
}

/// Modes the user can present (password always), for authentication strengths.
fn modes(uses: &[MethodUse]) -> Vec<&'static str> {
    let mut out = vec!["password"];
    for u in uses {
        if let Use::Usable(m) = &u.state {
            out.extend(m.iter().copied());
        }
    }
    out
}

/// A mode of `authenticationMethodModes` in words.
fn mode_words(mode: &str) -> &str {
    match mode {
        "windowsHelloForBusiness" => "Windows Hello for Business",
        "fido2" => "passkey (FIDO2)",
        "x509CertificateMultiFactor" => "certificate (multifactor)",
        "x509CertificateSingleFactor" => "certificate",
        "deviceBasedPush" => "Authenticator passwordless sign-in",
        "microsoftAuthenticatorPush" => "Authenticator notification",
        "softwareOath" => "authenticator app code",
        "hardwareOath" => "hardware token code",
        "sms" => "text message",
        "voice" => "voice call",
        "password" => "password",
        "temporaryAccessPassOneTime" => "one-time Temporary Access Pass",
        "temporaryAccessPassMultiUse" => "Temporary Access Pass",
        "federatedMultiFactor" => "federated MFA",
        "federatedSingleFactor" => "federated sign-in",
        "qrCodePin" => "QR code + PIN",
        "email" => "email code",
        other => other,
    }
}

/// Allowed combinations in words: "passkey (FIDO2); password + text message".
fn combinations_words(combinations: &[String]) -> String {
    combinations
        .iter()
        .map(|c| {
            c.split(',')
                .map(|m| mode_words(m.trim()))
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn satisfies(modes: &[&str], combinations: &[String]) -> bool {
    combinations
        .iter()
        .any(|c| c.split(',').all(|part| modes.contains(&part.trim())))
}

fn usable_mfa(uses: &[MethodUse]) -> Vec<&MethodUse> {
    uses.iter()
        .filter(|u| u.mfa && matches!(&u.state, Use::Usable(m) if !m.is_empty()))
        .collect()
}

/// Findings for `topic` from the methods' states (methods policy or unusable methods).
fn methods_finding(topic: Topic, f: &Facts, uses: &[MethodUse]) -> Finding {
    if topic == Topic::MethodsPolicy {
        if let Read::NotReadable { needs } = &f.policy {
            return cannot(topic, needs, "Which of their methods the authentication methods policy allows could not be read.");
        }
        if let Read::Failed(msg) = &f.policy {
            return failed(topic, "The authentication methods policy", msg);
        }
    }
    let not: Vec<String> = uses
        .iter()
        .filter_map(|u| match &u.state {
            Use::Not { topic: t, why } if *t == topic => Some(format!("{}: {why}.", u.label)),
            _ => None,
        })
        .collect();
    let unknown: Vec<(String, String)> = uses
        .iter()
        .filter_map(|u| match &u.state {
            Use::Unknown { topic: t, needs } if *t == topic => {
                Some((u.label.clone(), needs.clone()))
            }
            _ => None,
        })
        .collect();
    let usable = usable_mfa(uses);
    let pending = uses
        .iter()
        .any(|u| u.mfa && matches!(u.state, Use::Unknown { .. }));
    let none_left = usable.is_empty() && !pending;
    let any_mfa = uses.iter().any(|u| u.mfa);
    if topic == Topic::MethodsPolicy && !any_mfa {
        return finding(topic, Verdict::Asks, "They have no multifactor method registered, so any policy that requires MFA asks them to register one.");
    }
    let mut text = not.join(" ");
    if !not.is_empty() {
        if none_left {
            text.push_str(" None of the methods they registered can be used, so Entra asks them to register one the policy allows.");
            return finding(topic, Verdict::Asks, text);
        }
        let names: Vec<&str> = usable.iter().map(|u| u.label.as_str()).collect();
        if !names.is_empty() {
            text.push_str(&format!(" They can still use: {}.", names.join(", ")));
        }
        return finding(topic, Verdict::DoesNotAsk, text);
    }
    if let Some((what, needs)) = unknown.first() {
        return cannot(
            topic,
            needs,
            format!("Whether {what} can be used could not be read."),
        );
    }
    let ok = match topic {
        Topic::MethodsPolicy => "The policy allows every method they registered.".to_string(),
        _ => {
            let mut lines = vec!["Every method they registered can be used.".to_string()];
            lines.extend(sms_sign_in_lines(f));
            lines.join(" ")
        }
    };
    finding(topic, Verdict::DoesNotAsk, ok)
}

/// SMS sign-in (text as the first factor) states: informational, never a registration prompt.
fn sms_sign_in_lines(f: &Facts) -> Vec<String> {
    f.methods
        .iter()
        .filter(|m| m.kind == MethodKind::Phone && m.str_prop("phoneType") == Some("mobile"))
        .filter_map(|m| m.properties.get("smsSignInState").cloned())
        .filter_map(|v| serde_json::from_value::<SmsSignInState>(v).ok())
        .filter(|s| !matches!(s, SmsSignInState::Ready | SmsSignInState::NotSupported))
        .map(|s| format!("SMS sign-in on the mobile: {} That only concerns signing in with a text message as the first factor, not MFA or registration.", s.explain()))
        .collect()
}

fn campaign_finding(f: &Facts, who: &Membership, uses: &[MethodUse]) -> Finding {
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
                    super::reads::GROUPS_NEEDS,
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
                super::reads::GROUPS_NEEDS,
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

fn sspr_finding(f: &Facts) -> Finding {
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

fn security_defaults_finding(f: &Facts, uses: &[MethodUse]) -> Finding {
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

/// Does the policy's user condition take in this user?
fn ca_applies(users: &crate::graph::ConditionalAccessUsers, who: &Membership, f: &Facts) -> Cover {
    let guest = f
        .user
        .user_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("guest"));
    let id = f.user.id.as_str();
    let by_id = |list: &[String]| {
        list.iter().any(|x| {
            x.eq_ignore_ascii_case(id)
                || x.eq_ignore_ascii_case("All")
                || (guest && x.eq_ignore_ascii_case("GuestsOrExternalUsers"))
        })
    };
    let by_role = |list: &[String]| {
        list.iter()
            .any(|r| who.roles.iter().any(|x| x.eq_ignore_ascii_case(r)))
    };
    let by_group = |list: &[String]| {
        let covers: Vec<Cover> = list.iter().map(|g| who.in_group(g)).collect();
        if covers.iter().any(|c| matches!(c, Cover::Yes(_))) {
            Cover::Yes(String::new())
        } else if covers.contains(&Cover::Unknown) {
            Cover::Unknown
        } else {
            Cover::No
        }
    };
    if by_id(&users.exclude_users) || by_role(&users.exclude_roles) {
        return Cover::No;
    }
    match by_group(&users.exclude_groups) {
        Cover::Yes(_) => return Cover::No,
        Cover::Unknown => return Cover::Unknown,
        Cover::No => {}
    }
    if by_id(&users.include_users) || by_role(&users.include_roles) {
        return Cover::Yes(String::new());
    }
    by_group(&users.include_groups)
}

fn ca_finding(f: &Facts, who: &Membership, uses: &[MethodUse]) -> Finding {
    let topic = Topic::ConditionalAccess;
    let policies = match &f.conditional_access {
        Read::Got(p) => p,
        Read::NotReadable { needs } => {
            return cannot(topic, needs, "Conditional Access policies (which can require MFA or an authentication strength) could not be read.")
        }
        Read::Failed(msg) => return failed(topic, "Conditional Access policies", msg),
    };
    let modes = modes(uses);
    let has_mfa = !usable_mfa(uses).is_empty();
    let mut asks = Vec::new();
    let mut fine = Vec::new();
    let mut unknown = Vec::new();
    for p in policies {
        let name = p.display_name.clone().unwrap_or_else(|| p.id.clone());
        let state = p.state.as_deref().unwrap_or("enabled");
        let users = p
            .conditions
            .as_ref()
            .and_then(|c| c.users.clone())
            .unwrap_or_default();
        match ca_applies(&users, who, f) {
            Cover::No => continue,
            Cover::Unknown => {
                unknown.push(name);
                continue;
            }
            Cover::Yes(_) => {}
        }
        if state.eq_ignore_ascii_case("disabled") {
            continue;
        }
        let grant = p.grant_controls.clone().unwrap_or_default();
        let report_only = state.eq_ignore_ascii_case("enabledForReportingButNotEnforced");
        let need = if let Some(s) = &grant.authentication_strength {
            let combos = if s.allowed_combinations.is_empty() {
                f.strengths
                    .got()
                    .and_then(|all| all.iter().find(|x| x.id == s.id))
                    .map(|x| x.allowed_combinations.clone())
                    .unwrap_or_default()
            } else {
                s.allowed_combinations.clone()
            };
            let strength = s.display_name.clone().unwrap_or_else(|| s.id.clone());
            if combos.is_empty() {
                unknown.push(format!("{name} (strength \"{strength}\")"));
                continue;
            }
            (!satisfies(&modes, &combos)).then(|| {
                format!(
                    "\"{name}\" requires the authentication strength \"{strength}\" ({}), which none of their methods meets",
                    combinations_words(&combos)
                )
            })
        } else if grant.built_in_controls.iter().any(|c| c == "mfa") {
            (!has_mfa).then(|| {
                format!("\"{name}\" requires MFA and none of their methods can be used for it")
            })
        } else {
            None
        };
        match (need, report_only) {
            (Some(n), false) => asks.push(n),
            (Some(n), true) => fine.push(format!("{n}, but it is report-only and does not ask")),
            (None, _) => fine.push(format!(
                "\"{name}\" applies to them and their methods meet it"
            )),
        }
    }
    if !asks.is_empty() {
        return finding(
            topic,
            Verdict::Asks,
            format!(
                "{}: Entra asks them to register a method that does.",
                asks.join("; ")
            ),
        );
    }
    if !unknown.is_empty() {
        return cannot(
            topic,
            super::reads::GROUPS_NEEDS,
            format!(
                "Whether these policies apply to them could not be told: {}.",
                unknown.join(", ")
            ),
        );
    }
    if fine.is_empty() {
        return finding(
            topic,
            Verdict::DoesNotAsk,
            "No enabled Conditional Access policy applies to them.",
        );
    }
    finding(topic, Verdict::DoesNotAsk, format!("{}.", fine.join("; ")))
}

fn tap_finding(f: &Facts, uses: &[MethodUse]) -> Finding {
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
fn identity_protection_finding(f: &Facts) -> Finding {
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
fn per_user_mfa_finding(f: &Facts, uses: &[MethodUse]) -> Finding {
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
