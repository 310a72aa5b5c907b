//! Single-user fixes: one user's methods at a glance (`overview`), the pre-flight that explains
//! what Graph would refuse before anything is sent, and the writes themselves — phones, email,
//! SMS sign-in, default method (`edit`), Temporary Access Passes (`tap`), removals and "require
//! re-registration" (`remove`). Every write goes through `GraphClient::write` and lands in the
//! audit log; the ordering rules are the bulk engine's (`plan::diff`), never a second copy.

mod edit;
mod kinds;
mod overview;
mod phone_check;
mod policy_hints;
mod remove;
mod tap;
mod verdicts;

pub use edit::{apply_edit, preflight_edit, Edit, Preflight};
pub(crate) use kinds::kind_label;
pub use overview::{
    user_overview, DefaultMethodView, MethodView, PhoneView, ProfilePhones, Registration,
    UserOverview, UserSummary,
};
pub use phone_check::{check_phone, PhoneCheck};
pub use remove::{
    remove_method, require_reregistration, reregistration_plan, Kept, ReregPlan, Step,
};
pub use tap::{check_tap, issue_tap, tap_policy, IssuedTap, TapChoice, TapPolicy};
pub use verdicts::{Actions, DefaultOption, PhoneActions, Verdict};

use serde::Serialize;

use crate::audit::{AuditEntry, AuditError, AuditLog};
use crate::graph::{GraphError, Receipt};
use crate::import::explain;
use crate::session::Session;

/// Why a fix was not made. Graph's own refusals keep their code and request-id.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FixError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// The pre-flight found a rule Graph would refuse, or the admin's role may not; nothing sent.
    #[error("{0}")]
    Refused(String),
    /// The input is not something Prestage will send (a number that is not a number…).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// One write that was sent, as the admin sees it afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Written {
    /// e.g. "add mobile", "remove Microsoft Authenticator".
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    /// Said when something unusual happened (no answer, but a re-read shows it applied).
    pub note: Option<String>,
}

/// What a fix did: the writes in order, anything left as it was (with why), and the failure that
/// stopped it, if one did (the writes before it stay done and are in the audit log).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub written: Vec<Written>,
    pub warnings: Vec<String>,
    pub kept: Vec<Kept>,
    pub failed: Option<String>,
}

/// One write to audit: the method touched, the verb, the values around it.
pub(crate) struct AuditNote<'a> {
    pub method: &'a str,
    pub action: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends the write's result to the audit log. A failed append cannot undo the write, so it
/// becomes a warning for the admin instead of an error.
pub(crate) fn audit(
    log: &AuditLog,
    session: &Session,
    user: &crate::plan::TargetUser,
    note: AuditNote<'_>,
    result: &Result<Receipt, GraphError>,
    warnings: &mut Vec<String>,
) {
    let (ok, request_id, error) = match result {
        Ok(r) => (true, r.request_id.clone(), None),
        Err(e) => (false, e.request_id().map(str::to_string), Some(explain(e))),
    };
    let entry = AuditEntry {
        time: chrono::Utc::now(),
        admin: session.account().user_principal_name.clone(),
        user: if user.user_principal_name.is_empty() {
            user.id.clone()
        } else {
            user.user_principal_name.clone()
        },
        user_id: user.id.clone(),
        method: note.method.to_string(),
        action: note.action.to_string(),
        before: note.before,
        after: note.after,
        request_id,
        ok,
        error,
    };
    if let Err(e) = log.append(entry) {
        tracing::warn!(error = %e, "audit log append failed");
        warnings.push(format!(
            "The change was made but not written to the audit log: {e}"
        ));
    }
}

/// The reason the signed-in admin may not change `state`'s user, if any.
pub(crate) fn refusal(session: &Session, state: &crate::plan::UserState) -> Option<String> {
    session
        .powers()
        .check_write(&state.roles, state.user.id == session.account().id)
        .err()
        .map(|r| r.to_string())
}
