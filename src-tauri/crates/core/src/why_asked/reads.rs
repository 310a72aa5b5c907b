//! The Graph reads behind a diagnosis, made in parallel. A read the role or the consented
//! permissions do not allow becomes `Read::NotReadable` with what would allow it — never a
//! silent gap; only the user and their methods are required.

use crate::graph::{
    AuthMethod, AuthenticationStrength, ConditionalAccessPolicy, DirectoryObject, GraphError,
    MethodsPolicy, PerUserMfaState, SignInEntry, User, UserRegistrationDetails,
};
use crate::session::Session;

/// The outcome of one read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read<T> {
    Got(T),
    /// Refused (403) or not attempted for this role; `needs` names the role / permission.
    NotReadable {
        needs: String,
    },
    /// Failed for another reason (Graph's message).
    Failed(String),
}

impl<T> Read<T> {
    pub fn got(&self) -> Option<&T> {
        match self {
            Read::Got(t) => Some(t),
            _ => None,
        }
    }

    fn from_result(result: Result<T, GraphError>, needs: &str) -> Read<T> {
        match result {
            Ok(t) => Read::Got(t),
            Err(e) if e.code() == "Authentication_RequestFromNonPremiumTenantOrB2CTenant" => {
                Read::NotReadable {
                    needs: "an Entra ID P1 or P2 licence in the tenant".into(),
                }
            }
            Err(e) if e.status() == 403 => Read::NotReadable {
                needs: needs.to_string(),
            },
            Err(e) => Read::Failed(e.message()),
        }
    }
}

pub(crate) const POLICY_NEEDS: &str = "Global Reader, Authentication Policy Administrator or Global Administrator, with the Policy.Read.All permission";
pub(crate) const REPORT_NEEDS: &str = "Global Reader, Reports Reader, Security Reader, Security Administrator or Global Administrator, with the AuditLog.Read.All permission";
pub(crate) const ACCESS_NEEDS: &str = "Global Reader, Security Reader, Security Administrator or Conditional Access Administrator, with the Policy.Read.All permission";
pub(crate) const GROUPS_NEEDS: &str = "the GroupMember.Read.All permission";
pub(crate) const SIGN_INS_NEEDS: &str = "Global Reader, Reports Reader, Security Reader, Security Administrator or Global Administrator, with the AuditLog.Read.All and Directory.Read.All permissions";
/// The sign-in log's extra permission, asked for only when a diagnosis reads the log.
pub const SIGN_IN_LOG_PERMISSION: &str = "Directory.Read.All";
/// How many of the user's latest sign-ins are read.
const SIGN_INS: usize = 20;
pub(crate) const PER_USER_MFA_NEEDS: &str = "Global Reader, Authentication Policy Administrator or Global Administrator, with the Policy.Read.All permission";

/// What a diagnosis reads and the delegated permission each read uses (the setup screen lists
/// them). All are among the permissions Prestage already asks for: nothing extra to consent.
pub const READS: &[(&str, &str)] = &[
    (
        "The user's authentication methods",
        "UserAuthenticationMethod.ReadWrite.All",
    ),
    (
        "The user's groups, nested ones too, and roles",
        "GroupMember.Read.All",
    ),
    (
        "Authentication methods policy and registration campaign",
        "Policy.Read.All",
    ),
    (
        "Conditional Access policies, authentication strengths, security defaults",
        "Policy.Read.All",
    ),
    (
        "The user's registration details (SSPR, Authenticator passwordless)",
        "AuditLog.Read.All",
    ),
    ("The user's per-user MFA state", "Policy.Read.All"),
    (
        "The user's latest sign-ins (Identity Protection's registration policy shows only there)",
        "AuditLog.Read.All + Directory.Read.All (asked for when first used)",
    ),
];

/// Everything the rules look at.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub user: User,
    pub methods: Vec<AuthMethod>,
    pub member_of: Read<Vec<DirectoryObject>>,
    pub registration: Read<UserRegistrationDetails>,
    pub policy: Read<MethodsPolicy>,
    pub security_defaults: Read<bool>,
    pub conditional_access: Read<Vec<ConditionalAccessPolicy>>,
    pub strengths: Read<Vec<AuthenticationStrength>>,
    pub per_user_mfa: Read<PerUserMfaState>,
    pub sign_ins: Read<Vec<SignInEntry>>,
}

pub(crate) async fn read(session: &Session, user: &str) -> Result<Facts, super::WhyAskedError> {
    let graph = session.graph();
    let u = graph.get_user(user).await?;
    let id = u.id.as_str();
    // The sign-in log's readers are the report's (Security Operator aside).
    let reads_report = session.powers().reads_registration_report();
    let sign_ins = async {
        if !reads_report {
            return Read::NotReadable {
                needs: SIGN_INS_NEEDS.into(),
            };
        }
        // Incremental consent: the one permission only this read needs.
        if let Err(e) = session.ask_permission(SIGN_IN_LOG_PERMISSION).await {
            return Read::NotReadable {
                needs: format!("{SIGN_IN_LOG_PERMISSION} consented for Prestage (a Global Administrator can grant it): {e}"),
            };
        }
        Read::from_result(graph.sign_ins_of(id, SIGN_INS).await, SIGN_INS_NEEDS)
    };
    let report = async {
        if reads_report {
            Read::from_result(graph.registration_details_of(id).await, REPORT_NEEDS)
        } else {
            Read::NotReadable {
                needs: REPORT_NEEDS.into(),
            }
        }
    };
    let (methods, member_of, registration, policy, defaults, ca, strengths, per_user, sign_ins) = tokio::join!(
        graph.list_methods(id),
        graph.transitive_member_of(id),
        report,
        graph.methods_policy(),
        graph.security_defaults(),
        graph.conditional_access_policies(),
        graph.authentication_strengths(),
        graph.per_user_mfa_state(id),
        sign_ins,
    );
    let methods = match methods {
        Err(e) if e.status() == 403 => return Err(super::WhyAskedError::MethodsUnreadable),
        other => other?,
    };
    Ok(Facts {
        methods,
        member_of: Read::from_result(member_of, GROUPS_NEEDS),
        registration,
        policy: Read::from_result(policy, POLICY_NEEDS),
        security_defaults: Read::from_result(defaults.map(|d| d.is_enabled), ACCESS_NEEDS),
        conditional_access: Read::from_result(ca, ACCESS_NEEDS),
        strengths: Read::from_result(strengths, ACCESS_NEEDS),
        per_user_mfa: Read::from_result(per_user, PER_USER_MFA_NEEDS),
        sign_ins,
        user: u,
    })
}
