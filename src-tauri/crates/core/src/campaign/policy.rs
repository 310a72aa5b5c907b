//! Policy context for the campaign, read-only: who SMS and voice are enabled for, the
//! registration campaign's state and targets, whether passkeys (FIDO2) are enabled and how, and
//! the passkey auto-enablement opt-out — each with what to change where. Never writes.

use serde::Serialize;
use serde_json::Value;

use crate::graph::{Api, GraphClient};

const METHODS_PAGE: &str =
    "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AuthenticationMethodsMenuBlade/~/AdminAuthMethods";
const CAMPAIGN_PAGE: &str =
    "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AuthenticationMethodsMenuBlade/~/RegistrationCampaign";

/// One topic: what the policy says now, and what to change where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyLine {
    pub topic: &'static str,
    pub now: String,
    pub advice: String,
    pub link: &'static str,
}

/// The policy context, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyContext {
    pub lines: Vec<PolicyLine>,
    pub unreadable: Option<String>,
}

fn targets(v: &Value) -> String {
    let list: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| match t["id"].as_str() {
            Some("all_users") => "all users".to_string(),
            Some(id) => format!("{} {id}", t["targetType"].as_str().unwrap_or("target")),
            None => "?".into(),
        })
        .collect();
    if list.is_empty() {
        "nobody".into()
    } else {
        list.join(", ")
    }
}

fn config<'a>(policy: &'a Value, id: &str) -> Option<&'a Value> {
    policy["authenticationMethodConfigurations"]
        .as_array()?
        .iter()
        .find(|c| c["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(id)))
}

fn state(c: Option<&Value>) -> String {
    c.and_then(|c| c["state"].as_str())
        .unwrap_or("not listed")
        .to_string()
}

/// Reads the authentication methods policy (v1.0) and the beta opt-out settings.
pub async fn policy_context(graph: &GraphClient) -> PolicyContext {
    let read = |api| async move {
        graph
            .raw(
                reqwest::Method::GET,
                api,
                "policies/authenticationMethodsPolicy",
                None,
            )
            .await
            .and_then(|r| r.json::<Value>())
    };
    let policy = match read(Api::V1).await {
        Ok(p) => p,
        Err(e) => {
            return PolicyContext {
                lines: Vec::new(),
                unreadable: Some(format!(
                    "The authentication methods policy could not be read ({}); a Global Reader or Authentication Policy Administrator can read it.",
                    e.message()
                )),
            }
        }
    };
    let sms = config(&policy, "Sms");
    let voice = config(&policy, "Voice");
    let fido = config(&policy, "Fido2");
    let campaign = &policy["registrationEnforcement"]["authenticationMethodsRegistrationCampaign"];
    let mut lines = vec![
        PolicyLine {
            topic: "SMS",
            now: format!(
                "{}; for {}",
                state(sms),
                targets(&sms.map_or(Value::Null, |c| c["includeTargets"].clone()))
            ),
            advice: "Text messages stop working for MFA and sign-in on 1 Feb 2027 unless the tenant brings its own telephony provider. Once the cohort is moved, narrow or disable SMS under Authentication methods → Policies → SMS.".into(),
            link: METHODS_PAGE,
        },
        PolicyLine {
            topic: "Voice call",
            now: format!(
                "{}; for {}; office phones {}",
                state(voice),
                targets(&voice.map_or(Value::Null, |c| c["includeTargets"].clone())),
                if voice.and_then(|c| c["isOfficePhoneAllowed"].as_bool()) == Some(true) {
                    "allowed"
                } else {
                    "not allowed"
                }
            ),
            advice: "Voice calls (office phones too) retire with SMS. Disable Voice call under Authentication methods → Policies once nobody depends on it.".into(),
            link: METHODS_PAGE,
        },
        PolicyLine {
            topic: "Registration campaign",
            now: format!(
                "{} ({}); nudges {} to register {}",
                campaign["state"].as_str().unwrap_or("not listed"),
                match campaign["state"].as_str() {
                    Some("default") => "Microsoft managed",
                    Some("enabled") => "on",
                    Some("disabled") => "off",
                    _ => "unknown",
                },
                targets(&campaign["includeTargets"]),
                campaign["includeTargets"][0]["targetedAuthenticationMethod"]
                    .as_str()
                    .unwrap_or("Authenticator"),
            ),
            advice: "The registration campaign nudges users at sign-in; set it to target passkeys for this cohort under Authentication methods → Registration campaign.".into(),
            link: CAMPAIGN_PAGE,
        },
        PolicyLine {
            topic: "Passkeys (FIDO2)",
            now: format!(
                "{}; for {}; self-service registration {}; attestation {}{}",
                state(fido),
                targets(&fido.map_or(Value::Null, |c| c["includeTargets"].clone())),
                on_off(fido.and_then(|c| c["isSelfServiceRegistrationAllowed"].as_bool())),
                on_off(fido.and_then(|c| c["isAttestationEnforced"].as_bool())),
                fido.and_then(|c| c["passkeyProfiles"].as_array())
                    .map(|p| format!("; {} passkey profile(s)", p.len()))
                    .unwrap_or_default(),
            ),
            advice: "Users need passkeys (FIDO2) enabled with self-service registration to register one with their pass: Authentication methods → Policies → Passkey (FIDO2).".into(),
            link: METHODS_PAGE,
        },
    ];
    let opt_out = match read(Api::Beta).await {
        Ok(b) => match b["optOutSettings"]["passkeyDynamicMigration"].as_bool() {
            Some(true) => {
                "opted out (passkeys are not turned on automatically for SMS/voice users)"
                    .to_string()
            }
            Some(false) => {
                "not opted out: passkeys are turned on for users enabled for SMS/voice".to_string()
            }
            None => "Graph does not report it for this tenant".to_string(),
        },
        Err(e) => format!("could not be read ({})", e.message()),
    };
    lines.push(PolicyLine {
        topic: "Passkey auto-enablement opt-out",
        now: opt_out,
        advice: "The temporary opt-out is set with beta PATCH /policies/authenticationMethodsPolicy {\"optOutSettings\":{\"passkeyDynamicMigration\":true}}; leave it off to let Microsoft enable passkeys for this cohort.".into(),
        link: METHODS_PAGE,
    });
    PolicyContext {
        lines,
        unreadable: None,
    }
}

fn on_off(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "on",
        Some(false) => "off",
        None => "not listed",
    }
}
