//! What each registered method is worth at sign-in under the methods policy, and the findings
//! the methods policy and unusable methods give.

use super::*;

/// What one registered method is worth at sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Use {
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
pub(super) struct MethodUse {
    pub(super) label: String,
    pub(super) kind: MethodKind,
    pub(super) mfa: bool,
    pub(super) state: Use,
}

pub(super) fn policy_use(
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
                needs: crate::why_asked::reads::GROUPS_NEEDS.into(),
            },
        },
        _ => Use::Unknown {
            topic,
            needs: POLICY_NEEDS.into(),
        },
    }
}

pub(super) fn phone_use(m: &AuthMethod, f: &Facts, who: &Membership) -> Use {
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
            needs: crate::why_asked::reads::GROUPS_NEEDS.into(),
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
pub(super) fn authenticator_use(f: &Facts, who: &Membership) -> Use {
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
                needs: crate::why_asked::reads::GROUPS_NEEDS.into(),
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

pub(super) fn tap_use(m: &AuthMethod, f: &Facts, who: &Membership) -> Use {
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

pub(super) fn method_uses(f: &Facts, who: &Membership) -> Vec<MethodUse> {
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
pub(super) fn modes(uses: &[MethodUse]) -> Vec<&'static str> {
    let mut out = vec!["password"];
    for u in uses {
        if let Use::Usable(m) = &u.state {
            out.extend(m.iter().copied());
        }
    }
    out
}

/// A mode of `authenticationMethodModes` in words.
pub(super) fn mode_words(mode: &str) -> &str {
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
pub(super) fn combinations_words(combinations: &[String]) -> String {
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

pub(super) fn satisfies(modes: &[&str], combinations: &[String]) -> bool {
    combinations
        .iter()
        .any(|c| c.split(',').all(|part| modes.contains(&part.trim())))
}

pub(super) fn usable_mfa(uses: &[MethodUse]) -> Vec<&MethodUse> {
    uses.iter()
        .filter(|u| u.mfa && matches!(&u.state, Use::Usable(m) if !m.is_empty()))
        .collect()
}

/// Findings for `topic` from the methods' states (methods policy or unusable methods).
pub(super) fn methods_finding(topic: Topic, f: &Facts, uses: &[MethodUse]) -> Finding {
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
pub(super) fn sms_sign_in_lines(f: &Facts) -> Vec<String> {
    f.methods
        .iter()
        .filter(|m| m.kind == MethodKind::Phone && m.str_prop("phoneType") == Some("mobile"))
        .filter_map(|m| m.properties.get("smsSignInState").cloned())
        .filter_map(|v| serde_json::from_value::<SmsSignInState>(v).ok())
        .filter(|s| !matches!(s, SmsSignInState::Ready | SmsSignInState::NotSupported))
        .map(|s| format!("SMS sign-in on the mobile: {} That only concerns signing in with a text message as the first factor, not MFA or registration.", s.explain()))
        .collect()
}
