//! Reading the authentication methods policy for one user: why SMS sign-in cannot be turned on,
//! and when a registered phone is not usable. Only what the policy says for certain is claimed:
//! the user's direct groups are known, nested ones are not, so "not in scope" is never guessed.

use crate::graph::{
    DirectoryObject, GraphClient, PhoneMethod, SmsConfiguration, SmsTarget, VoiceConfiguration,
};
use crate::phone::PhoneType;

fn covers(t: &SmsTarget, member_of: &[DirectoryObject], user_id: &str) -> bool {
    t.id == "all_users"
        || t.id.eq_ignore_ascii_case(user_id)
        || member_of.iter().any(|g| g.id == t.id)
}

fn name_of(id: &str, member_of: &[DirectoryObject]) -> String {
    member_of
        .iter()
        .find(|g| g.id == id)
        .and_then(|g| g.display_name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn enabled(state: Option<&String>) -> bool {
    state.is_none_or(|s| s.eq_ignore_ascii_case("enabled"))
}

/// Why the SMS policy keeps this user from SMS sign-in, when the policy says so plainly.
pub(crate) async fn sms_policy_reason(
    graph: &GraphClient,
    sms: Option<&SmsConfiguration>,
    member_of: &[DirectoryObject],
    user_id: &str,
) -> Option<String> {
    let sms = sms?;
    if !enabled(sms.state.as_ref()) {
        return Some("the text message (SMS) method is turned off in the tenant's authentication methods policy.".into());
    }
    if let Some(t) = sms
        .exclude_targets
        .iter()
        .find(|t| covers(t, member_of, user_id))
    {
        return Some(format!(
            "the SMS policy excludes this user (through {}).",
            name_of(&t.id, member_of)
        ));
    }
    let sign_in: Vec<&SmsTarget> = sms
        .include_targets
        .iter()
        .filter(|t| t.is_usable_for_sign_in == Some(true))
        .collect();
    if sign_in.is_empty() {
        return Some("no target of the SMS policy has \"Use for sign-in\" turned on.".into());
    }
    let mut names = Vec::new();
    for t in sign_in {
        if t.id == "all_users" {
            return None;
        }
        let path = format!("groups/{}?$select=displayName", t.id);
        let name = match graph
            .raw(reqwest::Method::GET, crate::graph::Api::V1, &path, None)
            .await
        {
            Ok(r) => r
                .json::<serde_json::Value>()
                .ok()
                .and_then(|v| v["displayName"].as_str().map(str::to_string)),
            Err(_) => None,
        };
        names.push(format!("\"{}\"", name.unwrap_or_else(|| t.id.clone())));
    }
    Some(format!(
        "only members of {} may sign in with a text message, and this user is not one (add them to the group, directly or through a nested group).",
        names.join(" or ")
    ))
}

/// Why a registered phone cannot be used under the policy, if it plainly cannot.
pub(crate) fn phone_hints(
    phone: &PhoneMethod,
    sms: Option<&SmsConfiguration>,
    voice: Option<&VoiceConfiguration>,
    member_of: &[DirectoryObject],
    user_id: &str,
) -> Option<String> {
    let (sms, voice) = (sms?, voice?);
    let off = |state: Option<&String>, exclude: &[SmsTarget]| {
        !enabled(state) || exclude.iter().any(|t| covers(t, member_of, user_id))
    };
    let no_voice = off(voice.state.as_ref(), &voice.exclude_targets);
    let no_sms = off(sms.state.as_ref(), &sms.exclude_targets);
    match phone.phone_type? {
        PhoneType::Mobile if no_voice && no_sms => Some("Registered but not usable: the policy allows neither text messages nor voice calls for this user.".into()),
        PhoneType::AlternateMobile if no_voice => Some("Registered but not usable: the alternate mobile only takes voice calls, and the policy does not allow voice calls for this user.".into()),
        PhoneType::Office if no_voice => Some("Registered but not usable: the office phone only takes voice calls, and the policy does not allow voice calls for this user.".into()),
        PhoneType::Office if voice.is_office_phone_allowed == Some(false) => Some("Registered but not usable: the voice call policy does not allow office phones.".into()),
        _ => None,
    }
}
