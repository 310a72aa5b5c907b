//! Entra directory roles the sandbox models (real names and template ids) and what each lets a
//! signed-in caller do with other users' authentication methods, reports and policy.
//! Decisions only; the HTTP answers live in `rules.rs`.

use std::fmt;

use serde::{Serialize, Serializer};

/// The role of a sign-in account, as shown to people choosing an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AdminRole {
    GlobalAdministrator,
    PrivilegedAuthenticationAdministrator,
    AuthenticationAdministrator,
    GlobalReader,
    /// An ordinary member without any directory role.
    None,
}

impl AdminRole {
    pub(crate) fn directory_role(self) -> Option<RoleKind> {
        match self {
            AdminRole::GlobalAdministrator => Some(RoleKind::GlobalAdministrator),
            AdminRole::PrivilegedAuthenticationAdministrator => {
                Some(RoleKind::PrivilegedAuthenticationAdministrator)
            }
            AdminRole::AuthenticationAdministrator => Some(RoleKind::AuthenticationAdministrator),
            AdminRole::GlobalReader => Some(RoleKind::GlobalReader),
            AdminRole::None => None,
        }
    }

    /// The most powerful of the sign-in roles among `roles`.
    pub(crate) fn strongest(roles: &[RoleKind]) -> AdminRole {
        [
            AdminRole::GlobalAdministrator,
            AdminRole::PrivilegedAuthenticationAdministrator,
            AdminRole::AuthenticationAdministrator,
            AdminRole::GlobalReader,
        ]
        .into_iter()
        .find(|r| r.directory_role().is_some_and(|k| roles.contains(&k)))
        .unwrap_or(AdminRole::None)
    }
}

impl fmt::Display for AdminRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.directory_role() {
            Some(kind) => f.write_str(kind.display_name()),
            None => f.write_str("No administrator role"),
        }
    }
}

impl Serialize for AdminRole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Built-in directory roles held by seeded users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum RoleKind {
    GlobalAdministrator,
    PrivilegedAuthenticationAdministrator,
    AuthenticationAdministrator,
    GlobalReader,
    UserAdministrator,
    HelpdeskAdministrator,
    PrivilegedRoleAdministrator,
    PasswordAdministrator,
    SecurityAdministrator,
    SecurityReader,
    ReportsReader,
    AuthenticationPolicyAdministrator,
}

impl RoleKind {
    pub(crate) const ALL: [RoleKind; 12] = [
        RoleKind::GlobalAdministrator,
        RoleKind::PrivilegedAuthenticationAdministrator,
        RoleKind::AuthenticationAdministrator,
        RoleKind::GlobalReader,
        RoleKind::UserAdministrator,
        RoleKind::HelpdeskAdministrator,
        RoleKind::PrivilegedRoleAdministrator,
        RoleKind::PasswordAdministrator,
        RoleKind::SecurityAdministrator,
        RoleKind::SecurityReader,
        RoleKind::ReportsReader,
        RoleKind::AuthenticationPolicyAdministrator,
    ];

    pub(crate) fn display_name(self) -> &'static str {
        match self {
            RoleKind::GlobalAdministrator => "Global Administrator",
            RoleKind::PrivilegedAuthenticationAdministrator => {
                "Privileged Authentication Administrator"
            }
            RoleKind::AuthenticationAdministrator => "Authentication Administrator",
            RoleKind::GlobalReader => "Global Reader",
            RoleKind::UserAdministrator => "User Administrator",
            RoleKind::HelpdeskAdministrator => "Helpdesk Administrator",
            RoleKind::PrivilegedRoleAdministrator => "Privileged Role Administrator",
            RoleKind::PasswordAdministrator => "Password Administrator",
            RoleKind::SecurityAdministrator => "Security Administrator",
            RoleKind::SecurityReader => "Security Reader",
            RoleKind::ReportsReader => "Reports Reader",
            RoleKind::AuthenticationPolicyAdministrator => "Authentication Policy Administrator",
        }
    }

    /// The role template id (same in every tenant).
    pub(crate) fn template_id(self) -> &'static str {
        match self {
            RoleKind::GlobalAdministrator => "62e90394-69f5-4237-9190-012177145e10",
            RoleKind::PrivilegedAuthenticationAdministrator => {
                "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
            }
            RoleKind::AuthenticationAdministrator => "c4e39bd9-1100-46d3-8c65-fb160da0071f",
            RoleKind::GlobalReader => "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
            RoleKind::UserAdministrator => "fe930be7-5e62-47db-91af-98c3a49a38b1",
            RoleKind::HelpdeskAdministrator => "729827e3-9c14-49f7-bb1b-9608f156bbb8",
            RoleKind::PrivilegedRoleAdministrator => "e8611ab8-c189-46e8-94e1-60213ab1f814",
            RoleKind::PasswordAdministrator => "966707d0-3269-4727-9be2-8c3a10f19b9d",
            RoleKind::SecurityAdministrator => "194ae4cb-b126-40b2-bd5b-6091b380977d",
            RoleKind::SecurityReader => "5d6b6bb7-de71-4623-b4af-96380a352509",
            RoleKind::ReportsReader => "4a5d8f65-41da-4de4-8968-e035b65339cf",
            RoleKind::AuthenticationPolicyAdministrator => "0526716b-113d-4c15-b2c8-68e3c22b9f80",
        }
    }

    pub(crate) fn description(self) -> &'static str {
        match self {
            RoleKind::GlobalAdministrator => "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
            RoleKind::PrivilegedAuthenticationAdministrator => "Can access to view, set and reset authentication method information for any user (admin or non-admin).",
            RoleKind::AuthenticationAdministrator => "Can access to view, set and reset authentication method information for any non-admin user.",
            RoleKind::GlobalReader => "Can read everything that a Global Administrator can, but not update anything.",
            RoleKind::UserAdministrator => "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
            RoleKind::HelpdeskAdministrator => "Can reset passwords for non-administrators and Helpdesk Administrators.",
            RoleKind::PrivilegedRoleAdministrator => "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
            RoleKind::PasswordAdministrator => "Can reset passwords for non-administrators and Password Administrators.",
            RoleKind::SecurityAdministrator => "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.",
            RoleKind::SecurityReader => "Can read security information and reports in Microsoft Entra ID and Office 365.",
            RoleKind::ReportsReader => "Can read sign-in and audit reports.",
            RoleKind::AuthenticationPolicyAdministrator => "Can create and manage all aspects of authentication methods and password protection policies.",
        }
    }

    /// graph-api.md §6: the roles an Authentication Administrator may still manage. Holders of
    /// any other role are protected from an Authentication Administrator's writes.
    fn manageable_by_authentication_administrator(self) -> bool {
        matches!(
            self,
            RoleKind::AuthenticationAdministrator
                | RoleKind::PasswordAdministrator
                | RoleKind::ReportsReader
        )
    }
}

/// What a caller may do, the union over the caller's directory roles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Powers {
    /// Write any user's methods (Global Administrator, Privileged Authentication Administrator).
    pub write_any: bool,
    /// Write methods of non-admins and of the few roles in graph-api.md §6 (Authentication Administrator).
    pub write_unprivileged: bool,
    /// Read others' methods with full phone numbers.
    pub read_full: bool,
    /// Read others' methods with masked phone numbers (Authentication Administrator, Global Reader).
    pub read_masked: bool,
    /// Read the registration report (graph-api.md §2 reader roles).
    pub read_reports: bool,
    /// Read the authentication methods policy.
    pub read_policy: bool,
    /// Change the authentication methods policy.
    pub write_policy: bool,
    /// Read a user's per-user MFA state (beta `requirements`): Global Reader, Authentication
    /// Policy Administrator (the documented least privileged roles) and Global Administrator.
    pub read_mfa_state: bool,
    /// Change a user's per-user MFA state: Authentication Policy Administrator, Global Administrator.
    pub write_mfa_state: bool,
    /// Read security defaults, Conditional Access policies and authentication strengths: Global
    /// Reader, Security Reader, Security Administrator, Global Administrator (the CA docs' roles;
    /// security defaults name none — the same set, a guess).
    pub read_security_policies: bool,
}

impl Powers {
    pub(crate) fn of(roles: &[RoleKind]) -> Powers {
        let mut p = Powers::default();
        for role in roles {
            match role {
                RoleKind::GlobalAdministrator => {
                    p.write_any = true;
                    p.read_full = true;
                    p.read_reports = true;
                    p.read_policy = true;
                    p.write_policy = true;
                    p.read_mfa_state = true;
                    p.write_mfa_state = true;
                    p.read_security_policies = true;
                }
                RoleKind::PrivilegedAuthenticationAdministrator => {
                    p.write_any = true;
                    p.read_full = true;
                    p.read_policy = true;
                }
                RoleKind::AuthenticationAdministrator => {
                    p.write_unprivileged = true;
                    p.read_masked = true;
                    p.read_policy = true;
                }
                RoleKind::GlobalReader => {
                    p.read_masked = true;
                    p.read_reports = true;
                    p.read_policy = true;
                    p.read_mfa_state = true;
                    p.read_security_policies = true;
                }
                RoleKind::SecurityAdministrator | RoleKind::SecurityReader => {
                    p.read_reports = true;
                    p.read_policy = true;
                    p.read_security_policies = true;
                }
                RoleKind::ReportsReader => {
                    p.read_reports = true;
                    p.read_policy = true;
                }
                RoleKind::AuthenticationPolicyAdministrator => {
                    p.read_policy = true;
                    p.write_policy = true;
                    p.read_mfa_state = true;
                    p.write_mfa_state = true;
                }
                RoleKind::UserAdministrator
                | RoleKind::HelpdeskAdministrator
                | RoleKind::PrivilegedRoleAdministrator
                | RoleKind::PasswordAdministrator => {}
            }
        }
        p
    }

    /// An app-only caller: its application permissions, checked per endpoint, decide; Graph
    /// limits no targets by role and masks no numbers for it.
    pub(crate) fn application() -> Powers {
        Powers {
            write_any: true,
            write_unprivileged: true,
            read_full: true,
            read_masked: false,
            read_reports: true,
            read_policy: true,
            write_policy: true,
            read_mfa_state: true,
            write_mfa_state: true,
            read_security_policies: true,
        }
    }

    /// May this caller change the methods of a user holding `target_roles`?
    pub(crate) fn may_write_target(&self, target_roles: &[RoleKind]) -> bool {
        self.write_any
            || (self.write_unprivileged
                && target_roles
                    .iter()
                    .all(|r| r.manageable_by_authentication_administrator()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authentication_administrator_is_limited_to_unprivileged_targets() {
        let aa = Powers::of(&[RoleKind::AuthenticationAdministrator]);
        assert!(aa.may_write_target(&[]));
        assert!(aa.may_write_target(&[RoleKind::PasswordAdministrator]));
        assert!(!aa.may_write_target(&[RoleKind::GlobalAdministrator]));
        assert!(!aa.may_write_target(&[RoleKind::HelpdeskAdministrator]));
        assert!(!aa.may_write_target(&[RoleKind::GlobalReader]));
        let paa = Powers::of(&[RoleKind::PrivilegedAuthenticationAdministrator]);
        assert!(paa.may_write_target(&[RoleKind::GlobalAdministrator]));
        let gr = Powers::of(&[RoleKind::GlobalReader]);
        assert!(!gr.may_write_target(&[]));
    }

    #[test]
    fn per_user_mfa_state_follows_the_documented_roles() {
        let read = |r| Powers::of(&[r]).read_mfa_state;
        let write = |r| Powers::of(&[r]).write_mfa_state;
        assert!(read(RoleKind::GlobalReader) && !write(RoleKind::GlobalReader));
        assert!(read(RoleKind::AuthenticationPolicyAdministrator));
        assert!(write(RoleKind::AuthenticationPolicyAdministrator));
        assert!(write(RoleKind::GlobalAdministrator));
        for r in [
            RoleKind::PrivilegedAuthenticationAdministrator,
            RoleKind::AuthenticationAdministrator,
            RoleKind::SecurityAdministrator,
        ] {
            assert!(!read(r) && !write(r), "{r:?}");
        }
    }

    #[test]
    fn admin_role_displays_real_names() {
        assert_eq!(
            AdminRole::PrivilegedAuthenticationAdministrator.to_string(),
            "Privileged Authentication Administrator"
        );
        assert_eq!(
            AdminRole::strongest(&[RoleKind::GlobalReader, RoleKind::GlobalAdministrator]),
            AdminRole::GlobalAdministrator
        );
    }
}
