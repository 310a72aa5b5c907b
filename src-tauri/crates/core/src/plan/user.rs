//! One user's plan: the desired state, guarded for undo, diffed against what Graph said about the
//! user, then checked against what this admin's role may write. Every flow that writes methods
//! (CSV rows, undo, single-user fixes, campaigns, directory runs) plans through `plan_user`.

use super::actor::Actor;
use super::diff::{diff, Diff};
use super::guard::guard;
use super::model::{Action, Change, Desired, RowStatus, Slot};
use super::state::UserState;

/// What planning one user came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPlan {
    /// `Add` / `Update` when `changes` is to be written, `Unchanged`, `Skipped` (a refusal or a
    /// slot changed since the run) or `Invalid` (Graph's rules make the wish impossible).
    pub status: RowStatus,
    pub changes: Vec<Change>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

pub fn plan_user(desired: &Desired, state: &UserState, actor: &Actor<'_>) -> UserPlan {
    let mut plan = UserPlan {
        status: RowStatus::Invalid,
        changes: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    if !state.account_enabled {
        plan.warnings.push("the account is disabled".into());
    }
    if state.guest {
        plan.warnings.push("this is a guest account".into());
    }
    // Per-user MFA has roles of its own: refused up front, with the roles that may.
    if desired.per_user_mfa.is_some() {
        if let Err(refusal) = actor
            .powers
            .check_mfa_state_write(state.user.id == actor.my_id)
        {
            plan.status = RowStatus::Skipped;
            plan.problems.push(refusal.to_string());
            return plan;
        }
    }
    // Undo rows restore a slot only while it holds what the run left there.
    let (guarded, changed_since_run) = guard(desired, state);
    let Diff {
        changes,
        problems,
        warnings,
    } = diff(&guarded, state);
    plan.warnings.extend(warnings);
    if !problems.is_empty() {
        plan.problems = problems;
        return plan;
    }
    let changed_since_run = changed_since_run.into_iter().map(|c| c.message);
    if changes.is_empty() {
        plan.status = RowStatus::Unchanged;
        let changed: Vec<String> = changed_since_run.collect();
        if !changed.is_empty() {
            plan.status = RowStatus::Skipped;
            plan.problems = changed;
        }
        return plan;
    }
    plan.warnings.extend(changed_since_run);
    // Methods and per-user MFA are guarded by different roles (Authentication Administrators
    // write methods; Authentication Policy Administrators per-user MFA).
    let is_self = state.user.id == actor.my_id;
    let mfa = changes.iter().any(|c| c.slot == Slot::PerUserMfa);
    let methods = changes.iter().any(|c| c.slot != Slot::PerUserMfa);
    let refusal = methods
        .then(|| actor.powers.check_write(&state.roles, is_self).err())
        .flatten()
        .or_else(|| {
            mfa.then(|| actor.powers.check_mfa_state_write(is_self).err())
                .flatten()
        });
    if let Some(refusal) = refusal {
        plan.status = RowStatus::Skipped;
        plan.problems.push(refusal.to_string());
        return plan;
    }
    plan.status = if changes.iter().all(|c| c.action == Action::Add) {
        RowStatus::Add
    } else {
        RowStatus::Update
    };
    plan.changes = changes;
    plan
}
