//! Per-user MFA (the legacy disabled / enabled / enforced state) for one user: read it with the
//! tenant's security defaults and Conditional Access beside it, and say plainly when per-user MFA
//! is the wrong tool; set it after the role pre-check, asking for the write permission only then
//! (incremental consent), never enforcing before the user has registered an MFA method.
//! The app, the CLI and the bulk engine share these; nothing here loops over users.

use serde::Serialize;

use crate::audit::{AuditEntry, AuditLog};
use crate::graph::{GraphClient, GraphError, PerUserMfaState, PER_USER_MFA_WRITE_PERMISSION};
use crate::roles::Refusal;
use crate::session::Session;
use crate::CoreError;

/// Why per-user MFA could not be read or set.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MfaStateError {
    /// The signed-in admin's roles may not (checked before anything is sent).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// "enforced" for a user with no MFA method registered (or whose methods this role cannot
    /// read): refused, "enabled" is the safe step.
    #[error("{0}")]
    NotRegistered(String),
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<GraphError> for MfaStateError {
    fn from(e: GraphError) -> Self {
        MfaStateError::Core(CoreError::Graph(e))
    }
}

/// Whether per-user MFA fits this tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Fit {
    /// Neither security defaults nor a Conditional Access MFA policy is on.
    Fits,
    /// Security defaults or Conditional Access already require MFA: leave per-user MFA disabled.
    WrongTool,
    /// Prestage could not read one of them.
    Unknown,
}

/// The tenant-wide MFA setup and what it means for per-user MFA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantMfa {
    /// `None`: not readable with this role or permission.
    pub security_defaults: Option<bool>,
    /// Names of enabled Conditional Access policies that require MFA; `None`: not readable.
    pub mfa_policies: Option<Vec<String>>,
    pub fit: Fit,
    /// One plain sentence or two for the admin.
    pub advice: String,
}

/// One user's per-user MFA state as the user panel and `mfa-state show` present it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaStateView {
    pub user_id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub state: PerUserMfaState,
    /// Has an MFA method registered; `None` when this role cannot read the user's methods.
    pub registered: Option<bool>,
    pub tenant: TenantMfa,
    /// Why this admin may not change it (`None`: may).
    pub cannot_change: Option<String>,
    /// Each state the admin may pick, with why not when it may not be picked.
    pub choices: Vec<StateChoice>,
}

/// One state offered in the panel's picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateChoice {
    pub state: PerUserMfaState,
    /// `None`: may be set.
    pub refusal: Option<String>,
}

/// What a set did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaStateChange {
    pub user_principal_name: String,
    pub before: PerUserMfaState,
    pub asked: PerUserMfaState,
    /// Read back after the write: Entra turns "enabled" into "enforced" for a registered user.
    pub after: PerUserMfaState,
    pub request_id: Option<String>,
    /// The write permission was asked for just now (first change this session).
    pub consent_asked: bool,
    pub warnings: Vec<String>,
}

/// The advice for a tenant, from what could be read (pure; unit-tested).
pub fn advice(security_defaults: Option<bool>, mfa_policies: Option<&[String]>) -> (Fit, String) {
    if security_defaults == Some(true) {
        return (
            Fit::WrongTool,
            "Security defaults are on: they already make every user register for MFA and ask for it when needed. Don't use per-user MFA with them — leave it disabled.".into(),
        );
    }
    if let Some(names) = mfa_policies.filter(|n| !n.is_empty()) {
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        return (
            Fit::WrongTool,
            format!(
                "Conditional Access already requires MFA ({}). Microsoft: don't enable or enforce per-user MFA if you use Conditional Access — leave it disabled and target users with the policy.",
                quoted.join(", ")
            ),
        );
    }
    let mut unread = Vec::new();
    if security_defaults.is_none() {
        unread.push("security defaults");
    }
    if mfa_policies.is_none() {
        unread.push("Conditional Access policies");
    }
    if unread.is_empty() {
        (
            Fit::Fits,
            "Neither security defaults nor a Conditional Access MFA policy is on: per-user MFA is how this tenant requires MFA. Enable first — the user registers at the next sign-in and Entra moves them to enforced.".into(),
        )
    } else {
        (
            Fit::Unknown,
            format!(
                "Prestage could not read the {} (needs Global Reader, Security Reader or Security Administrator). If either already requires MFA, per-user MFA is the wrong tool: leave it disabled.",
                unread.join(" or the ")
            ),
        )
    }
}

/// Security defaults and Conditional Access, each as far as this role may read it.
pub async fn tenant_mfa(graph: &GraphClient) -> TenantMfa {
    let (sd, ca) = tokio::join!(
        graph.security_defaults(),
        graph.conditional_access_policies()
    );
    let security_defaults = sd.ok().map(|s| s.is_enabled);
    let mfa_policies = ca.ok().map(|policies| {
        policies
            .iter()
            .filter(|p| p.enforces_mfa())
            .map(|p| {
                p.display_name
                    .clone()
                    .unwrap_or_else(|| "unnamed policy".into())
            })
            .collect::<Vec<_>>()
    });
    let (fit, advice) = advice(security_defaults, mfa_policies.as_deref());
    TenantMfa {
        security_defaults,
        mfa_policies,
        fit,
        advice,
    }
}

/// Has `user` registered an MFA method? `None` when this role cannot read their methods.
pub async fn registered(graph: &GraphClient, user: &str) -> Result<Option<bool>, GraphError> {
    match graph.list_methods(user).await {
        Ok(methods) => Ok(Some(methods.iter().any(|m| m.kind.is_mfa()))),
        Err(e) if e.status() == 403 => Ok(None),
        Err(e) => Err(e),
    }
}

/// One user's per-user MFA state, registration and the tenant's setup, read in parallel after
/// the role pre-check.
pub async fn read(session: &Session, user: &str) -> Result<MfaStateView, MfaStateError> {
    let powers = session.powers();
    powers.check_mfa_state_read()?;
    let graph = session.graph();
    let (target, state, registered, tenant) = tokio::join!(
        graph.get_user(user),
        graph.per_user_mfa_state(user),
        registered(graph, user),
        tenant_mfa(graph),
    );
    let target = target?;
    let is_self = target.id == session.account().id;
    let registered = registered?;
    let cannot_change = powers
        .check_mfa_state_write(is_self)
        .err()
        .map(|r| r.to_string());
    let upn = target.user_principal_name.clone().unwrap_or_default();
    let choices = PerUserMfaState::ALL
        .into_iter()
        .map(|s| StateChoice {
            state: s,
            refusal: cannot_change.clone().or_else(|| {
                (s == PerUserMfaState::Enforced)
                    .then(|| enforce_refusal(&upn, registered))
                    .flatten()
            }),
        })
        .collect();
    Ok(MfaStateView {
        cannot_change,
        choices,
        user_principal_name: upn,
        display_name: target.display_name.clone().unwrap_or_default(),
        user_id: target.id,
        state: state?,
        registered,
        tenant,
    })
}

/// Why "enforced" is refused for a user, if it is (pure; unit-tested).
pub fn enforce_refusal(who: &str, registered: Option<bool>) -> Option<String> {
    match registered {
        Some(true) => None,
        Some(false) => Some(format!(
            "{who} has no MFA method registered yet: enforcing now would break their legacy apps (mail clients that only take a password) before they can sign in with MFA. Set \"enabled\" — Entra moves them to enforced once they register — or add a method first."
        )),
        None => Some(format!(
            "Prestage cannot see whether {who} has registered an MFA method (your roles cannot read their methods), so it will not enforce blind. Set \"enabled\" — Entra moves them to enforced once they register."
        )),
    }
}

/// Sets one user's per-user MFA state: role pre-check, the registration check for "enforced",
/// the write permission asked for now if this session has not yet (incremental consent), the
/// write, a read-back (Entra may turn "enabled" into "enforced"), and one audit line.
pub async fn set(
    session: &Session,
    audit: &AuditLog,
    user: &str,
    state: PerUserMfaState,
) -> Result<MfaStateChange, MfaStateError> {
    let graph = session.graph();
    // The role first (nothing sent when it may not), then the self-check once the id is known.
    session.powers().check_mfa_state_write(false)?;
    let target = graph.get_user(user).await?;
    let upn = target.user_principal_name.clone().unwrap_or_default();
    let who = if upn.is_empty() { &target.id } else { &upn };
    session
        .powers()
        .check_mfa_state_write(target.id == session.account().id)?;
    if state == PerUserMfaState::Enforced {
        if let Some(why) = enforce_refusal(who, registered(graph, &target.id).await?) {
            return Err(MfaStateError::NotRegistered(why));
        }
    }
    let consent_asked = session
        .ask_permission(PER_USER_MFA_WRITE_PERMISSION)
        .await?;
    let before = graph.per_user_mfa_state(&target.id).await?;
    let result = graph.set_per_user_mfa_state(&target.id, state).await;
    let mut warnings = Vec::new();
    let entry = AuditEntry {
        time: chrono::Utc::now(),
        admin: session.account().user_principal_name.clone(),
        user: who.to_string(),
        user_id: target.id.clone(),
        method: "per-user MFA".into(),
        action: "set".into(),
        before: Some(before.to_string()),
        after: Some(state.to_string()),
        request_id: match &result {
            Ok(r) => r.request_id.clone(),
            Err(e) => e.request_id().map(str::to_string),
        },
        ok: result.is_ok(),
        error: result.as_ref().err().map(|e| e.to_string()),
    };
    if let Err(e) = audit.append(entry) {
        warnings.push(format!(
            "The change was made but not written to the audit log: {e}"
        ));
    }
    let receipt = result?;
    let after = graph.per_user_mfa_state(&target.id).await?;
    if after != state {
        warnings.push(format!(
            "Asked for {state}; Entra shows {after} (a user who has registered an MFA method moves from enabled to enforced)."
        ));
    }
    Ok(MfaStateChange {
        user_principal_name: upn,
        before,
        asked: state,
        after,
        request_id: receipt.request_id,
        consent_asked,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_says_when_per_user_mfa_is_the_wrong_tool() {
        assert_eq!(advice(Some(true), Some(&[])).0, Fit::WrongTool);
        let names = vec!["Require MFA".to_string()];
        let (fit, text) = advice(Some(false), Some(&names));
        assert_eq!(fit, Fit::WrongTool);
        assert!(text.contains("\"Require MFA\"") && text.contains("don't enable or enforce"));
        assert_eq!(advice(Some(false), Some(&[])).0, Fit::Fits);
        let (fit, text) = advice(None, Some(&[]));
        assert_eq!(fit, Fit::Unknown);
        assert!(text.contains("security defaults"));
        // Security defaults on wins even when Conditional Access is unreadable.
        assert_eq!(advice(Some(true), None).0, Fit::WrongTool);
    }

    #[test]
    fn never_enforce_before_registration() {
        assert_eq!(enforce_refusal("a@b", Some(true)), None);
        assert!(enforce_refusal("a@b", Some(false))
            .unwrap()
            .contains("no MFA method registered"));
        assert!(enforce_refusal("a@b", None)
            .unwrap()
            .contains("will not enforce blind"));
    }
}
