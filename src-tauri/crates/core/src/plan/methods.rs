//! Names of the default (preferred) MFA methods: Graph's wire names, the words admins type in a
//! CSV, and the phone each phone method relies on.

use crate::graph::PreferredMethod;
use crate::phone::PhoneType;

/// The phone a preferred method relies on.
pub fn phone_of(method: PreferredMethod) -> Option<PhoneType> {
    match method {
        PreferredMethod::Sms | PreferredMethod::VoiceMobile => Some(PhoneType::Mobile),
        PreferredMethod::VoiceAlternateMobile => Some(PhoneType::AlternateMobile),
        PreferredMethod::VoiceOffice => Some(PhoneType::Office),
        _ => None,
    }
}

pub fn method_name(m: PreferredMethod) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Accepts Graph's names and the words admins use.
pub fn parse_default_method(text: &str) -> Option<PreferredMethod> {
    let key: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match key.as_str() {
        "sms" | "text" | "textmessage" => PreferredMethod::Sms,
        "voicemobile" | "call" | "callmobile" | "phonecall" => PreferredMethod::VoiceMobile,
        "voicealternatemobile" | "callalternate" | "callalternatemobile" => {
            PreferredMethod::VoiceAlternateMobile
        }
        "voiceoffice" | "calloffice" | "officephone" => PreferredMethod::VoiceOffice,
        "push" | "authenticator" | "microsoftauthenticator" | "app" | "notification" => {
            PreferredMethod::Push
        }
        "oath" | "totp" | "code" | "softwareoath" | "verificationcode" => PreferredMethod::Oath,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_words_for_default_methods() {
        assert_eq!(
            parse_default_method("Voice Mobile"),
            Some(PreferredMethod::VoiceMobile)
        );
        assert_eq!(
            parse_default_method("Authenticator"),
            Some(PreferredMethod::Push)
        );
        assert_eq!(parse_default_method("carrier pigeon"), None);
        for m in [
            PreferredMethod::Sms,
            PreferredMethod::VoiceOffice,
            PreferredMethod::Oath,
        ] {
            assert_eq!(parse_default_method(&method_name(m)), Some(m), "{m:?}");
        }
    }
}
