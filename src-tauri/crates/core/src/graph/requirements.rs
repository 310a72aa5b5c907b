//! Per-user MFA state (beta `/users/{id}/authentication/requirements`, `perUserMfaState`) and
//! security defaults (`/policies/identitySecurityDefaultsEnforcementPolicy`); Conditional
//! Access policies are read in `access.rs`. Reading needs `Policy.Read.All`, changing the
//! state `Policy.ReadWrite.AuthenticationMethod`.

use std::fmt;
use std::str::FromStr;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::transport::Call;
use super::{Api, GraphClient, GraphError, UserKey};

/// Reading per-user MFA state (asked for at sign-in with the other read permissions).
pub const PER_USER_MFA_READ_PERMISSION: &str = "Policy.Read.All";
/// Changing it: asked for only when the admin first sets a state (incremental consent).
pub const PER_USER_MFA_WRITE_PERMISSION: &str = "Policy.ReadWrite.AuthenticationMethod";

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

    pub async fn security_defaults(&self) -> Result<SecurityDefaults, GraphError> {
        let url = self.url(
            Api::V1,
            &["policies", "identitySecurityDefaultsEnforcementPolicy"],
        );
        self.get_json(Call::new(Method::GET, url)).await
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
}
