//! Per-user MFA state (beta `/users/{id}/authentication/requirements`, `perUserMfaState`) and
//! the tenant-wide policies that decide whether per-user MFA is the right tool: security
//! defaults (`/policies/identitySecurityDefaultsEnforcementPolicy`) and Conditional Access
//! (`/identity/conditionalAccess/policies`). Wire DTOs live here; reading needs
//! `Policy.Read.All`, changing the state `Policy.ReadWrite.AuthenticationMethod`.

use std::fmt;
use std::str::FromStr;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::write::{MethodWrite, Receipt};
use super::{Api, GraphClient, GraphError, UserKey};

/// The legacy per-user MFA state of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PerUserMfaState {
    /// Not enrolled in per-user MFA (the default).
    Disabled,
    /// Enrolled: asked to register at the next sign-in; legacy apps still take the password.
    Enabled,
    /// Enrolled and registered: MFA on every sign-in; legacy apps need app passwords.
    Enforced,
}

impl PerUserMfaState {
    pub const ALL: [PerUserMfaState; 3] = [
        PerUserMfaState::Disabled,
        PerUserMfaState::Enabled,
        PerUserMfaState::Enforced,
    ];

    /// Graph's value: `disabled`, `enabled`, `enforced`.
    pub fn as_str(self) -> &'static str {
        match self {
            PerUserMfaState::Disabled => "disabled",
            PerUserMfaState::Enabled => "enabled",
            PerUserMfaState::Enforced => "enforced",
        }
    }
}

impl fmt::Display for PerUserMfaState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PerUserMfaState {
    type Err = GraphError;

    /// What people type (a CSV cell, a CLI argument): the three words in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        PerUserMfaState::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                GraphError::InvalidInput(format!(
                    "'{t}' is not a per-user MFA state: use disabled, enabled or enforced"
                ))
            })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Requirements {
    #[serde(default)]
    per_user_mfa_state: Option<String>,
}

/// `identitySecurityDefaultsEnforcementPolicy`, the part Prestage reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityDefaults {
    #[serde(default)]
    pub is_enabled: bool,
}

/// A Conditional Access policy, the parts that say whether it asks for MFA.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessPolicy {
    #[serde(default)]
    pub display_name: Option<String>,
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub grant_controls: Option<GrantControls>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantControls {
    #[serde(default)]
    pub built_in_controls: Vec<String>,
    #[serde(default)]
    pub authentication_strength: Option<serde_json::Value>,
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
                || g.authentication_strength
                    .as_ref()
                    .is_some_and(|v| !v.is_null())
        });
        on && mfa
    }
}

impl GraphClient {
    /// A user's per-user MFA state. A value newer than this version of Prestage reads as an
    /// error that names it, never as "disabled".
    pub async fn per_user_mfa_state(
        &self,
        user: UserKey<'_>,
    ) -> Result<PerUserMfaState, GraphError> {
        let url = self.url(
            Api::Beta,
            &["users", user, "authentication", "requirements"],
        );
        let r: Requirements = self.get_json(Call::new(Method::GET, url)).await?;
        match r.per_user_mfa_state.as_deref() {
            None => Ok(PerUserMfaState::Disabled),
            Some(s) => s
                .parse()
                .map_err(|_| GraphError::Decode(format!("an unknown per-user MFA state '{s}'"))),
        }
    }

    /// Sets a user's per-user MFA state (204). Needs `Policy.ReadWrite.AuthenticationMethod`.
    pub async fn set_per_user_mfa_state(
        &self,
        user: UserKey<'_>,
        state: PerUserMfaState,
    ) -> Result<Receipt, GraphError> {
        self.write(user, MethodWrite::SetPerUserMfaState(state))
            .await
    }

    pub async fn security_defaults(&self) -> Result<SecurityDefaults, GraphError> {
        let url = self.url(
            Api::V1,
            &["policies", "identitySecurityDefaultsEnforcementPolicy"],
        );
        self.get_json(Call::new(Method::GET, url)).await
    }

    pub async fn conditional_access_policies(
        &self,
    ) -> Result<Vec<ConditionalAccessPolicy>, GraphError> {
        let url = self.url(Api::V1, &["identity", "conditionalAccess", "policies"]);
        self.get_pages(Call::new(Method::GET, url), None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_as_people_type_them() {
        assert_eq!(
            " Enforced ".parse::<PerUserMfaState>().ok(),
            Some(PerUserMfaState::Enforced)
        );
        assert!("on".parse::<PerUserMfaState>().is_err());
        assert!("".parse::<PerUserMfaState>().is_err());
        for s in PerUserMfaState::ALL {
            assert_eq!(s.as_str().parse::<PerUserMfaState>().ok(), Some(s));
        }
    }

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
