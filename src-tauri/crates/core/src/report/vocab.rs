//! The report's method vocabulary: Graph's `methodsRegistered` names, what each counts as
//! (SMS/voice, another MFA method, not MFA, SSPR, passwordless), words for people, and the
//! mapping from the per-user methods API onto the same names. A name this module does not know
//! counts as an MFA method that is not SMS/voice — never as "not MFA" (the beta vocabulary
//! keeps growing).

use chrono::{DateTime, Utc};

use crate::graph::{AuthMethod, MethodKind};

/// The SMS/voice names: they stop working on 1 Feb 2027 (1 Jul 2027 for some users).
const PHONE: [&str; 3] = ["mobilePhone", "alternateMobilePhone", "officePhone"];

/// Names that are registered but are not a second factor.
const NOT_MFA: [&str; 4] = ["email", "securityQuestion", "temporaryAccessPass", "none"];

/// Methods SSPR accepts that are not SMS/voice (so a reset still works after 1 Feb 2027).
const SSPR_NOT_PHONE: [&str; 5] = [
    "email",
    "securityQuestion",
    "microsoftAuthenticatorPush",
    "softwareOneTimePasscode",
    "hardwareOneTimePasscode",
];

/// Microsoft Authenticator's passkey AAGUIDs (iOS, Android).
const AUTHENTICATOR_AAGUIDS: [&str; 2] = [
    "90a3ccdf-635c-4729-a248-9b709135078f",
    "de1e552d-db1d-4423-a619-566b625cdc84",
];

/// Known names in display order, with words for people.
const WORDS: &[(&str, &str)] = &[
    ("passKeyDeviceBound", "Passkey (device-bound)"),
    (
        "passKeyDeviceBoundAuthenticator",
        "Passkey in Authenticator",
    ),
    ("passKeyDeviceBoundWindowsHello", "Passkey in Windows Hello"),
    ("passKeySynced", "Passkey (synced)"),
    ("fido2SecurityKey", "Security key (FIDO2)"),
    ("fido2", "Security key (FIDO2)"),
    ("windowsHelloForBusiness", "Windows Hello for Business"),
    ("macOsSecureEnclaveKey", "macOS Secure Enclave key"),
    (
        "microsoftAuthenticatorPasswordless",
        "Authenticator phone sign-in",
    ),
    ("microsoftAuthenticatorPush", "Authenticator push"),
    ("softwareOneTimePasscode", "One-time code (app)"),
    ("hardwareOneTimePasscode", "Hardware token"),
    ("externalAuthMethod", "External method"),
    ("qrCode", "QR code + PIN"),
    ("mobilePhone", "Mobile phone (SMS/voice)"),
    ("alternateMobilePhone", "Alternate mobile (voice)"),
    ("officePhone", "Office phone (voice)"),
    ("email", "Email (password reset only)"),
    ("securityQuestion", "Security questions"),
    ("temporaryAccessPass", "Temporary Access Pass"),
];

pub(crate) fn is_phone(name: &str) -> bool {
    PHONE.contains(&name)
}

/// An MFA method that is not SMS/voice. Unknown names count (never "not MFA").
pub(crate) fn is_other_mfa(name: &str) -> bool {
    !is_phone(name) && !NOT_MFA.contains(&name)
}

pub(crate) fn is_sspr_not_phone(name: &str) -> bool {
    SSPR_NOT_PHONE.contains(&name)
}

pub(crate) fn is_passwordless(name: &str) -> bool {
    name.starts_with("passKey")
        || name.starts_with("fido2")
        || matches!(
            name,
            "windowsHelloForBusiness"
                | "microsoftAuthenticatorPasswordless"
                | "macOsSecureEnclaveKey"
        )
}

/// Words for a method name; an unknown name is shown as Graph sent it.
pub fn words(name: &str) -> String {
    WORDS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| name.to_string(), |(_, w)| (*w).to_string())
}

fn rank(name: &str) -> usize {
    WORDS
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or(WORDS.len())
}

/// Sorted in display order (unknown names last, alphabetically), without duplicates.
pub(crate) fn canonical(mut names: Vec<String>) -> Vec<String> {
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    names.dedup();
    names
}

/// The `methodsRegistered` names of the methods the per-user API lists, as the registration
/// report names them (Authenticator with its software token → push + one-time code; FIDO2 by
/// passkey type; a TAP only while usable). The password is not a registered method here.
pub(crate) fn names_of(methods: &[AuthMethod], now: DateTime<Utc>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |n: &str| out.push(n.to_string());
    for m in methods {
        match &m.kind {
            MethodKind::Password | MethodKind::ResourceAccountKey => {}
            MethodKind::Phone => match m.str_prop("phoneType") {
                Some("mobile") => add("mobilePhone"),
                Some("alternateMobile") => add("alternateMobilePhone"),
                Some("office") => add("officePhone"),
                // A future phone type is still a phone (SMS/voice).
                _ => add("officePhone"),
            },
            MethodKind::Email => add("email"),
            MethodKind::MicrosoftAuthenticator => {
                add("microsoftAuthenticatorPush");
                if m.str_prop("deviceTag") == Some("SoftwareTokenActivated") {
                    add("softwareOneTimePasscode");
                }
            }
            MethodKind::SoftwareOath => add("softwareOneTimePasscode"),
            MethodKind::HardwareOath => add("hardwareOneTimePasscode"),
            MethodKind::Fido2 => {
                let aaguid = m.str_prop("aaGuid").unwrap_or("").to_ascii_lowercase();
                if AUTHENTICATOR_AAGUIDS.contains(&aaguid.as_str()) {
                    add("passKeyDeviceBoundAuthenticator");
                } else if m.str_prop("passkeyType") == Some("synced") {
                    add("passKeySynced");
                } else {
                    add("passKeyDeviceBound");
                }
            }
            MethodKind::WindowsHelloForBusiness => add("windowsHelloForBusiness"),
            MethodKind::TemporaryAccessPass => {
                if tap_usable(m, now) {
                    add("temporaryAccessPass");
                }
            }
            MethodKind::PlatformCredential => add("macOsSecureEnclaveKey"),
            MethodKind::External => add("externalAuthMethod"),
            MethodKind::QrCodePin => add("qrCode"),
            MethodKind::PasswordlessMicrosoftAuthenticator => {
                add("microsoftAuthenticatorPasswordless")
            }
            MethodKind::Unknown(t) => add(t
                .trim_start_matches('#')
                .trim_start_matches("microsoft.graph.")),
        }
    }
    canonical(out)
}

/// A TAP counts while usable: v1.0 says so (`isUsable`); beta does not, so its start and
/// lifetime decide.
fn tap_usable(m: &AuthMethod, now: DateTime<Utc>) -> bool {
    if let Some(usable) = m
        .properties
        .get("isUsable")
        .and_then(serde_json::Value::as_bool)
    {
        return usable;
    }
    let start = m
        .str_prop("startDateTime")
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    let minutes = m
        .properties
        .get("lifetimeInMinutes")
        .and_then(serde_json::Value::as_i64);
    match (start, minutes) {
        (Some(start), Some(minutes)) => {
            start <= now && now < start + chrono::Duration::minutes(minutes)
        }
        _ => true,
    }
}

/// Words for a default (`userPreferredMethodForSecondaryAuthentication`) value.
pub fn default_words(value: &str) -> String {
    match value {
        "push" => "Authenticator push",
        "oath" => "One-time code",
        "sms" => "SMS",
        "voiceMobile" => "Voice call (mobile)",
        "voiceAlternateMobile" => "Voice call (alternate mobile)",
        "voiceOffice" => "Voice call (office)",
        other => other,
    }
    .to_string()
}

/// Is this default value an SMS or voice call?
pub(crate) fn default_is_phone(value: &str) -> bool {
    matches!(
        value,
        "sms" | "voiceMobile" | "voiceAlternateMobile" | "voiceOffice"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn method(v: serde_json::Value) -> AuthMethod {
        AuthMethod::from_json(v).expect("a method")
    }

    #[test]
    fn unknown_names_are_mfa_and_never_not_mfa() {
        for n in [
            "passKeyDeviceBoundAuthenticator",
            "passKeyDeviceBoundWindowsHello",
            "microsoftAuthenticatorPasswordless",
            "hardwareOneTimePasscode",
            "externalAuthMethod",
            "qrCode",
            "macOsSecureEnclaveKey",
            "somethingNew2028",
        ] {
            assert!(is_other_mfa(n), "{n}");
            assert!(!is_phone(n), "{n}");
        }
        for n in ["email", "temporaryAccessPass", "securityQuestion"] {
            assert!(!is_other_mfa(n), "{n}");
        }
        assert_eq!(words("somethingNew2028"), "somethingNew2028");
    }

    #[test]
    fn methods_api_maps_onto_report_names() {
        let methods = vec![
            method(
                json!({"@odata.type": "#microsoft.graph.passwordAuthenticationMethod", "id": "p"}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "m", "phoneType": "mobile"}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod", "id": "a", "deviceTag": "SoftwareTokenActivated"}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "id": "f", "passkeyType": "synced", "aaGuid": "x"}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "id": "g", "passkeyType": "deviceBound", "aaGuid": "90A3CCDF-635C-4729-A248-9B709135078F"}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod", "id": "t", "isUsable": false}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod", "id": "o"}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod", "id": "b", "startDateTime": "2020-01-01T00:00:00Z", "lifetimeInMinutes": 60}),
            ),
            method(
                json!({"@odata.type": "#microsoft.graph.futureAuthenticationMethod", "id": "z"}),
            ),
        ];
        assert_eq!(
            names_of(&methods, Utc::now()),
            vec![
                "passKeyDeviceBoundAuthenticator",
                "passKeySynced",
                "microsoftAuthenticatorPush",
                "softwareOneTimePasscode",
                "mobilePhone",
                "futureAuthenticationMethod",
            ]
        );
        let now = DateTime::parse_from_rfc3339("2020-01-01T00:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(
            names_of(&methods[5..], now).contains(&"temporaryAccessPass".to_string()),
            "beta TAP within its lifetime"
        );
    }
}
