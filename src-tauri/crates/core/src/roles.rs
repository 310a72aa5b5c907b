//! What the signed-in admin may do, from their directory roles (graph-api.md §2, §6), and the
//! pre-flight checks that explain a refusal before anything is sent. No Graph calls here except
//! `GraphClient::my_roles`; decisions are pure functions.

use serde::Serialize;

use crate::graph::{DirectoryObject, GraphClient, GraphError, UserKey};

/// Built-in roles Prestage reasons about, by template id (same in every tenant).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    GlobalAdministrator,
    PrivilegedAuthenticationAdministrator,
    AuthenticationAdministrator,
    GlobalReader,
    SecurityAdministrator,
    SecurityReader,
    ReportsReader,
    PasswordAdministrator,
    DirectoryReaders,
    GuestInviter,
    MessageCenterReader,
    UserExperienceSuccessManager,
    UsageSummaryReportsReader,
    AuthenticationPolicyAdministrator,
    /// Any other directory role (template id and name kept).
    Other {
        template_id: String,
        name: String,
    },
}

const TEMPLATES: &[(&str, Role)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        Role::GlobalAdministrator,
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        Role::PrivilegedAuthenticationAdministrator,
    ),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        Role::AuthenticationAdministrator,
    ),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", Role::GlobalReader),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        Role::SecurityAdministrator,
    ),
    ("5d6b6bb7-de71-4623-b4af-96380a352509", Role::SecurityReader),
    ("4a5d8f65-41da-4de4-8968-e035b65339cf", Role::ReportsReader),
    (
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        Role::PasswordAdministrator,
    ),
    (
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
        Role::DirectoryReaders,
    ),
    ("95e79109-95c0-4d8e-aee3-d01accf2d47b", Role::GuestInviter),
    (
        "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
        Role::MessageCenterReader,
    ),
    (
        "27460883-1df1-4691-b032-3b79643e5e63",
        Role::UserExperienceSuccessManager,
    ),
    (
        "75934031-6c7e-415a-99d7-48dbd49e875e",
        Role::UsageSummaryReportsReader,
    ),
    (
        "0526716b-113d-4c15-b2c8-68e3c22b9f80",
        Role::AuthenticationPolicyAdministrator,
    ),
];

impl Role {
    pub fn from_directory_object(o: &DirectoryObject) -> Option<Role> {
        if !o.is_directory_role() {
            return None;
        }
        let template = o.role_template_id.clone().unwrap_or_default();
        Some(
            TEMPLATES
                .iter()
                .find(|(id, _)| *id == template)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| Role::Other {
                    template_id: template,
                    name: o
                        .display_name
                        .clone()
                        .unwrap_or_else(|| "directory role".into()),
                }),
        )
    }

    /// Roles whose holders an Authentication Administrator may still manage (graph-api.md §6).
    fn manageable_by_authentication_administrator(&self) -> bool {
        matches!(
            self,
            Role::AuthenticationAdministrator
                | Role::DirectoryReaders
                | Role::GuestInviter
                | Role::MessageCenterReader
                | Role::PasswordAdministrator
                | Role::ReportsReader
                | Role::UserExperienceSuccessManager
                | Role::UsageSummaryReportsReader
        )
    }

    pub fn name(&self) -> &str {
        match self {
            Role::GlobalAdministrator => "Global Administrator",
            Role::PrivilegedAuthenticationAdministrator => {
                "Privileged Authentication Administrator"
            }
            Role::AuthenticationAdministrator => "Authentication Administrator",
            Role::GlobalReader => "Global Reader",
            Role::SecurityAdministrator => "Security Administrator",
            Role::SecurityReader => "Security Reader",
            Role::ReportsReader => "Reports Reader",
            Role::PasswordAdministrator => "Password Administrator",
            Role::DirectoryReaders => "Directory Readers",
            Role::GuestInviter => "Guest Inviter",
            Role::MessageCenterReader => "Message Center Reader",
            Role::UserExperienceSuccessManager => "User Experience Success Manager",
            Role::UsageSummaryReportsReader => "Usage Summary Reports Reader",
            Role::AuthenticationPolicyAdministrator => "Authentication Policy Administrator",
            Role::Other { name, .. } => name,
        }
    }
}

/// Why a write would be refused, in words; `None` means go ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Refusal {
    #[error("You cannot change your own authentication methods through Graph; another administrator must do it.")]
    SelfEdit,
    #[error("You are {you}; this user is a {target_role} — only a Privileged Authentication Administrator (or Global Administrator) can change their methods.")]
    ProtectedTarget { you: String, target_role: String },
    #[error("Your roles ({you}) can read authentication methods but not change them.")]
    ReadOnly { you: String },
    #[error("You hold no role that can change other users' authentication methods (Authentication Administrator or Privileged Authentication Administrator).")]
    NoRole,
    #[error("Your roles ({you}) cannot read per-user MFA state: Microsoft Graph allows it to Global Reader, Authentication Policy Administrator and Global Administrator.")]
    MfaStateUnreadable { you: String },
    #[error("Your roles ({you}) cannot change per-user MFA state: Microsoft Graph allows it to Authentication Policy Administrator and Global Administrator.")]
    MfaStateReadOnly { you: String },
    #[error("You cannot change your own per-user MFA state through Graph; another administrator must do it.")]
    MfaStateSelf,
}

/// The signed-in admin's roles and what follows from them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Powers {
    pub roles: Vec<Role>,
    /// An application signed in app-only: its application permissions (checked by Graph per
    /// endpoint) decide, not directory roles — any target, full numbers.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub application: bool,
}

impl Powers {
    pub fn new(roles: Vec<Role>) -> Self {
        Self {
            roles,
            application: false,
        }
    }

    /// An app-only caller (unattended runs).
    pub fn application() -> Self {
        Self {
            roles: Vec::new(),
            application: true,
        }
    }

    fn has(&self, role: &Role) -> bool {
        self.roles.contains(role)
    }

    fn names(&self) -> String {
        if self.roles.is_empty() {
            return "no administrator role".into();
        }
        self.roles
            .iter()
            .map(Role::name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Global Administrator or Privileged Authentication Administrator: any target, full numbers.
    pub fn writes_any_user(&self) -> bool {
        self.application
            || self.has(&Role::GlobalAdministrator)
            || self.has(&Role::PrivilegedAuthenticationAdministrator)
    }

    /// Phone numbers of others come back masked for this caller.
    pub fn sees_masked_numbers(&self) -> bool {
        !self.writes_any_user()
    }

    /// May read the registration details report (graph-api.md §2 reader roles).
    pub fn reads_registration_report(&self) -> bool {
        [
            Role::GlobalAdministrator,
            Role::GlobalReader,
            Role::ReportsReader,
            Role::SecurityReader,
            Role::SecurityAdministrator,
        ]
        .iter()
        .any(|r| self.has(r))
    }

    /// May read per-user MFA state (beta `requirements`: Global Reader or Authentication Policy
    /// Administrator are the least privileged roles the docs name; Global Administrator too).
    pub fn check_mfa_state_read(&self) -> Result<(), Refusal> {
        let readers = [
            Role::GlobalAdministrator,
            Role::GlobalReader,
            Role::AuthenticationPolicyAdministrator,
        ];
        if readers.iter().any(|r| self.has(r)) {
            Ok(())
        } else {
            Err(Refusal::MfaStateUnreadable { you: self.names() })
        }
    }

    /// May change `target`'s per-user MFA state (Authentication Policy Administrator, Global
    /// Administrator; never one's own).
    pub fn check_mfa_state_write(&self, is_self: bool) -> Result<(), Refusal> {
        if is_self {
            return Err(Refusal::MfaStateSelf);
        }
        if self.has(&Role::GlobalAdministrator)
            || self.has(&Role::AuthenticationPolicyAdministrator)
        {
            Ok(())
        } else {
            Err(Refusal::MfaStateReadOnly { you: self.names() })
        }
    }

    /// The pre-flight check for changing `target`'s methods. `target_roles` are the target's
    /// directory roles; `is_self` is true when the target is the signed-in admin.
    pub fn check_write(&self, target_roles: &[Role], is_self: bool) -> Result<(), Refusal> {
        if is_self {
            return Err(Refusal::SelfEdit);
        }
        if self.writes_any_user() {
            return Ok(());
        }
        if self.has(&Role::AuthenticationAdministrator) {
            return match target_roles
                .iter()
                .find(|r| !r.manageable_by_authentication_administrator())
            {
                Some(protected) => Err(Refusal::ProtectedTarget {
                    you: Role::AuthenticationAdministrator.name().into(),
                    target_role: protected.name().into(),
                }),
                None => Ok(()),
            };
        }
        if self.has(&Role::GlobalReader) || self.has(&Role::SecurityReader) {
            return Err(Refusal::ReadOnly { you: self.names() });
        }
        Err(Refusal::NoRole)
    }
}

impl GraphClient {
    /// Directory roles of a user (from `memberOf`).
    pub async fn roles_of(&self, user: UserKey<'_>) -> Result<Vec<Role>, GraphError> {
        Ok(self
            .member_of(user)
            .await?
            .iter()
            .filter_map(Role::from_directory_object)
            .collect())
    }

    /// The signed-in admin's powers.
    pub async fn my_powers(&self) -> Result<Powers, GraphError> {
        let roles = self
            .my_member_of()
            .await?
            .iter()
            .filter_map(Role::from_directory_object)
            .collect();
        Ok(Powers::new(roles))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_user_mfa_needs_the_documented_roles() {
        let apa = Powers::new(vec![Role::AuthenticationPolicyAdministrator]);
        assert_eq!(apa.check_mfa_state_read(), Ok(()));
        assert_eq!(apa.check_mfa_state_write(false), Ok(()));
        assert_eq!(apa.check_mfa_state_write(true), Err(Refusal::MfaStateSelf));
        let gr = Powers::new(vec![Role::GlobalReader]);
        assert_eq!(gr.check_mfa_state_read(), Ok(()));
        assert!(matches!(
            gr.check_mfa_state_write(false),
            Err(Refusal::MfaStateReadOnly { .. })
        ));
        let paa = Powers::new(vec![Role::PrivilegedAuthenticationAdministrator]);
        let refusal = paa.check_mfa_state_read().unwrap_err();
        assert!(refusal
            .to_string()
            .contains("Privileged Authentication Administrator"));
        assert!(paa.check_mfa_state_write(false).is_err());
    }

    #[test]
    fn pre_flight_explains_before_the_click() {
        let aa = Powers::new(vec![Role::AuthenticationAdministrator]);
        assert_eq!(aa.check_write(&[], false), Ok(()));
        assert_eq!(
            aa.check_write(&[Role::PasswordAdministrator], false),
            Ok(())
        );
        let e = aa
            .check_write(&[Role::GlobalAdministrator], false)
            .unwrap_err();
        assert!(e
            .to_string()
            .contains("this user is a Global Administrator"));
        assert_eq!(aa.check_write(&[], true), Err(Refusal::SelfEdit));
        let paa = Powers::new(vec![Role::PrivilegedAuthenticationAdministrator]);
        assert_eq!(paa.check_write(&[Role::GlobalAdministrator], false), Ok(()));
        assert!(!paa.reads_registration_report() && !aa.reads_registration_report());
        let gr = Powers::new(vec![Role::GlobalReader]);
        assert!(matches!(
            gr.check_write(&[], false),
            Err(Refusal::ReadOnly { .. })
        ));
        assert!(gr.reads_registration_report() && gr.sees_masked_numbers());
        assert_eq!(
            Powers::default().check_write(&[], false),
            Err(Refusal::NoRole)
        );
    }
}
