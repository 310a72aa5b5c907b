//! "Why asked to register?" as the user panel shows it: the summary, what is registered and each
//! reason with its verdict (and, when unknown, what would tell). Converted from prestage-core's
//! `why_asked` types so a core rename cannot change the JSON.

use prestage_core::why_asked::{Diagnosis, Finding, Topic, Verdict, WhyAskedError};
use serde::Serialize;

use super::IpcError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TopicId {
    MethodsPolicy,
    RegistrationCampaign,
    Sspr,
    SecurityDefaults,
    IdentityProtection,
    ConditionalAccess,
    TemporaryAccessPass,
    PerUserMfa,
    UnusableMethods,
}

impl From<Topic> for TopicId {
    fn from(t: Topic) -> Self {
        match t {
            Topic::MethodsPolicy => Self::MethodsPolicy,
            Topic::RegistrationCampaign => Self::RegistrationCampaign,
            Topic::Sspr => Self::Sspr,
            Topic::SecurityDefaults => Self::SecurityDefaults,
            Topic::IdentityProtection => Self::IdentityProtection,
            Topic::ConditionalAccess => Self::ConditionalAccess,
            Topic::TemporaryAccessPass => Self::TemporaryAccessPass,
            Topic::PerUserMfa => Self::PerUserMfa,
            Topic::UnusableMethods => Self::UnusableMethods,
        }
    }
}

/// `asks`, `doesNotAsk` or `cannotKnow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum VerdictId {
    Asks,
    DoesNotAsk,
    CannotKnow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingInfo {
    pub topic: TopicId,
    pub title: String,
    pub verdict: VerdictId,
    pub text: String,
    /// For `cannotKnow`: the role or permission that would tell.
    pub needs: Option<String>,
}

impl From<Finding> for FindingInfo {
    fn from(f: Finding) -> Self {
        let (verdict, needs) = match f.verdict {
            Verdict::Asks => (VerdictId::Asks, None),
            Verdict::DoesNotAsk => (VerdictId::DoesNotAsk, None),
            Verdict::CannotKnow { needs } => (VerdictId::CannotKnow, Some(needs)),
        };
        Self {
            topic: f.topic.into(),
            title: f.title,
            verdict,
            text: f.text,
            needs,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosisInfo {
    pub user_id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub asked: bool,
    /// Some reason needs another role or permission to be read.
    pub partial: bool,
    pub summary: String,
    pub registered: Vec<String>,
    pub findings: Vec<FindingInfo>,
}

impl From<Diagnosis> for DiagnosisInfo {
    fn from(d: Diagnosis) -> Self {
        Self {
            user_id: d.user_id,
            user_principal_name: d.user_principal_name,
            display_name: d.display_name,
            asked: d.asked,
            partial: d.partial,
            summary: d.summary,
            registered: d.registered,
            findings: d.findings.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<WhyAskedError> for IpcError {
    fn from(e: WhyAskedError) -> Self {
        match e {
            WhyAskedError::Graph(g) => g.into(),
            e @ WhyAskedError::MethodsUnreadable => IpcError::refused(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_the_ui_relies_on() {
        let f = FindingInfo::from(Finding {
            topic: Topic::ConditionalAccess,
            title: "Conditional Access".into(),
            verdict: Verdict::CannotKnow {
                needs: "Global Reader".into(),
            },
            text: "t".into(),
        });
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            serde_json::json!({"topic": "conditionalAccess", "title": "Conditional Access", "verdict": "cannotKnow", "text": "t", "needs": "Global Reader"})
        );
    }
}
