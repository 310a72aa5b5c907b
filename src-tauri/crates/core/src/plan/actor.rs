//! Who is applying, for pre-flight checks: what must be read about a user to plan for them, and
//! (in `user.rs`) whether this admin's role may write to that user.

use crate::phone::PhoneType;
use crate::roles::Powers;

use super::model::{Desired, Want};
use super::state::Needs;

/// Who is applying: for pre-flight checks.
pub struct Actor<'a> {
    pub powers: &'a Powers,
    pub my_id: &'a str,
}

impl Actor<'_> {
    /// What must be read about a user to plan `desired` for this actor.
    pub fn needs(&self, desired: &Desired) -> Needs {
        let removes_phone = PhoneType::ALL
            .iter()
            .any(|t| matches!(desired.phone(*t), Want::Remove));
        Needs {
            // An app reads only the methods its permission covers (phones, email).
            phones_only: self.powers.application,
            email: !desired.email.is_keep(),
            roles: !self.powers.writes_any_user(),
            preferences: desired.sms_sign_in.is_some()
                || desired.default_method.is_some()
                || removes_phone,
        }
    }
}
