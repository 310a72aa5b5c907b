//! What decides whether a user is asked to register, as Graph serves it: the whole
//! authentication methods policy (beta: registration campaign with its snooze rule,
//! reconfirmation, every method configuration with its targets and Authenticator modes),
//! Conditional Access policies (also read by `mfa_state`), authentication strengths, and a
//! user's transitive groups. Wire DTOs only; the reasoning lives in `why_asked`.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::{Api, DirectoryObject, GraphClient, GraphError, UserKey};

/// An include/exclude target of a method configuration or of the registration campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTarget {
    /// `user` or `group`.
    #[serde(default)]
    pub target_type: Option<String>,
    /// An object id, or `all_users`.
    pub id: String,
    /// Microsoft Authenticator targets: `any`, `push` or `deviceBasedPush`.
    #[serde(default)]
    pub authentication_mode: Option<String>,
    /// Registration campaign targets: the method it asks for (e.g. `microsoftAuthenticator`).
    #[serde(default)]
    pub targeted_authentication_method: Option<String>,
}

/// One `authenticationMethodConfiguration` (id `Sms`, `MicrosoftAuthenticator`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodConfiguration {
    pub id: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub include_targets: Vec<PolicyTarget>,
    #[serde(default)]
    pub exclude_targets: Vec<PolicyTarget>,
    /// Voice only.
    #[serde(default)]
    pub is_office_phone_allowed: Option<bool>,
}

/// `authenticationMethodsRegistrationCampaign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationCampaign {
    /// `default` (Microsoft managed), `enabled` or `disabled`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub snooze_duration_in_days: Option<i64>,
    /// beta: after the allowed snoozes, registration is required.
    #[serde(default)]
    pub enforce_registration_after_allowed_snoozes: Option<bool>,
    #[serde(default)]
    pub include_targets: Vec<PolicyTarget>,
    #[serde(default)]
    pub exclude_targets: Vec<PolicyTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationEnforcement {
    #[serde(default)]
    pub authentication_methods_registration_campaign: Option<RegistrationCampaign>,
}

/// The authentication methods policy (beta shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodsPolicy {
    #[serde(default)]
    pub reconfirmation_in_days: Option<i64>,
    #[serde(default)]
    pub registration_enforcement: Option<RegistrationEnforcement>,
    #[serde(default)]
    pub authentication_method_configurations: Vec<MethodConfiguration>,
}

impl MethodsPolicy {
    /// The configuration with this id (`Sms`, `Voice`, `MicrosoftAuthenticator`, …).
    pub fn configuration(&self, id: &str) -> Option<&MethodConfiguration> {
        self.authentication_method_configurations
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    pub fn campaign(&self) -> Option<&RegistrationCampaign> {
        self.registration_enforcement
            .as_ref()
            .and_then(|r| r.authentication_methods_registration_campaign.as_ref())
    }
}

/// An authentication strength: which method combinations satisfy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationStrength {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// e.g. `fido2`, `password,sms` (comma-joined modes).
    #[serde(default)]
    pub allowed_combinations: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessUsers {
    #[serde(default)]
    pub include_users: Vec<String>,
    #[serde(default)]
    pub exclude_users: Vec<String>,
    #[serde(default)]
    pub include_groups: Vec<String>,
    #[serde(default)]
    pub exclude_groups: Vec<String>,
    #[serde(default)]
    pub include_roles: Vec<String>,
    #[serde(default)]
    pub exclude_roles: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessConditions {
    #[serde(default)]
    pub users: Option<ConditionalAccessUsers>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantControls {
    #[serde(default)]
    pub built_in_controls: Vec<String>,
    #[serde(default)]
    pub authentication_strength: Option<AuthenticationStrength>,
}

/// A Conditional Access policy (only what decides "asked to register" and whether it asks
/// for MFA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessPolicy {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub conditions: Option<ConditionalAccessConditions>,
    #[serde(default)]
    pub grant_controls: Option<GrantControls>,
}

impl ConditionalAccessPolicy {
    /// An enabled policy that grants access only with MFA (the `mfa` control or an
    /// authentication strength).
    pub fn enforces_mfa(&self) -> bool {
        let on = self
            .state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("enabled"));
        let mfa = self.grant_controls.as_ref().is_some_and(|g| {
            g.built_in_controls
                .iter()
                .any(|c| c.eq_ignore_ascii_case("mfa"))
                || g.authentication_strength.is_some()
        });
        on && mfa
    }
}

/// What required MFA or registration at a sign-in (`authenticationRequirementPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequirementPolicy {
    /// e.g. `mfaRegistrationRequiredByIdentityProtectionPolicy`, `securityDefaults`, `user`.
    #[serde(default)]
    pub requirement_provider: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
}

/// One sign-in of the log (beta), the parts that say what asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInEntry {
    #[serde(default)]
    pub created_date_time: Option<String>,
    #[serde(default)]
    pub app_display_name: Option<String>,
    #[serde(default)]
    pub authentication_requirement_policies: Vec<RequirementPolicy>,
}

impl GraphClient {
    /// A user's latest sign-ins (beta, newest first, at most `top`). Needs a sign-in log reader
    /// role with `AuditLog.Read.All` and `Directory.Read.All`, and Entra ID P1/P2.
    pub async fn sign_ins_of(
        &self,
        user_id: UserKey<'_>,
        top: usize,
    ) -> Result<Vec<SignInEntry>, GraphError> {
        let mut url = self.url(Api::Beta, &["auditLogs", "signIns"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!("userId eq '{}'", super::users::odata_literal(user_id)),
            )
            .append_pair("$top", &top.to_string());
        self.get_pages(Call::new(Method::GET, url), Some(top)).await
    }

    /// The authentication methods policy with its campaign's beta properties.
    pub async fn methods_policy(&self) -> Result<MethodsPolicy, GraphError> {
        let url = self.url(Api::Beta, &["policies", "authenticationMethodsPolicy"]);
        self.get_json(Call::new(Method::GET, url)).await
    }

    /// Every Conditional Access policy (`Policy.Read.All`; Global Reader, Security Reader,
    /// Security Administrator or Conditional Access Administrator).
    pub async fn conditional_access_policies(
        &self,
    ) -> Result<Vec<ConditionalAccessPolicy>, GraphError> {
        let url = self.url(Api::V1, &["identity", "conditionalAccess", "policies"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// Built-in and custom authentication strengths.
    pub async fn authentication_strengths(
        &self,
    ) -> Result<Vec<AuthenticationStrength>, GraphError> {
        let url = self.url(Api::V1, &["policies", "authenticationStrengthPolicies"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }

    /// Groups (nested ones too) and directory roles the user belongs to.
    pub async fn transitive_member_of(
        &self,
        user: UserKey<'_>,
    ) -> Result<Vec<DirectoryObject>, GraphError> {
        let url = self.url(Api::V1, &["users", user, "transitiveMemberOf"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_enabled_mfa_policies_count() {
        let p: ConditionalAccessPolicy = serde_json::from_value(serde_json::json!({
            "displayName": "MFA", "state": "enabled",
            "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}
        }))
        .unwrap();
        assert!(p.enforces_mfa());
        let report_only: ConditionalAccessPolicy = serde_json::from_value(serde_json::json!({
            "state": "enabledForReportingButNotEnforced",
            "grantControls": {"builtInControls": ["mfa"]}
        }))
        .unwrap();
        assert!(!report_only.enforces_mfa());
        let block: ConditionalAccessPolicy = serde_json::from_value(serde_json::json!({
            "state": "enabled", "grantControls": {"builtInControls": ["block"]}
        }))
        .unwrap();
        assert!(!block.enforces_mfa());
    }
}
