//! Who is applying, for pre-flight checks: what must be read about a user to plan for them, and
//! (in `user.rs`) whether this admin's role may write to that user.

use crate::roles::Powers;

use super::model::Desired;
use super::state::Needs;

/// Who is applying: for pre-flight checks.
pub struct Actor<'a> {
    pub powers: &'a Powers,
    pub my_id: &'a str,
}

impl Actor<'_> {
    /// What must be read about a user to plan `desired` for this actor.
    pub fn needs(&self, desired: &Desired) -> Needs {
        Needs {
            // An app reads only the methods its permission covers (phones, email).
            phones_only: self.powers.application,
            email: !desired.email.is_keep(),
            roles: !self.powers.writes_any_user(),
            preferences: desired.needs_preferences(),
            // Only a role that may read it: `plan_user` refuses the others before any diff.
            per_user_mfa: desired.per_user_mfa.is_some()
                && self.powers.check_mfa_state_read().is_ok(),
        }
    }
}
