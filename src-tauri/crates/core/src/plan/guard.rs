//! Undo's guard: a slot is restored only while it still holds what the run left there. A phone
//! the user registered after the run, an email someone changed, a default method picked since —
//! each is "changed since the run" and left alone, never overwritten or deleted. Pure.

use crate::graph::SmsSignInState;
use crate::phone::{digits, mask, PhoneType};

use super::methods::method_name;
use super::model::{Desired, Left, Slot, Want};
use super::state::UserState;

/// A slot that no longer holds what the run left, in words for the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedSinceRun {
    pub slot: Slot,
    pub message: String,
}

/// `desired` with every guarded slot that changed since the run set to "keep", and those slots.
pub fn guard(desired: &Desired, state: &UserState) -> (Desired, Vec<ChangedSinceRun>) {
    let mut out = desired.clone();
    let mut changed = Vec::new();
    for left in &desired.only_if_left {
        let now = current(left.slot, state);
        if holds(left, now.as_deref()) {
            continue;
        }
        keep(&mut out, left.slot);
        changed.push(ChangedSinceRun {
            slot: left.slot,
            message: format!(
                "the {} changed since the run (now {}; the run left {}), so it is left as it is",
                left.slot.label(),
                shown(left.slot, now.as_deref()),
                shown(left.slot, left.value.as_deref()),
            ),
        });
    }
    (out, changed)
}

/// The slot's value now, in the form the journal records it.
fn current(slot: Slot, state: &UserState) -> Option<String> {
    match slot {
        Slot::Mobile | Slot::AlternateMobile | Slot::Office => slot
            .phone_type()
            .and_then(|t| state.phone(t))
            .map(|p| p.phone_number.clone()),
        Slot::Email => state.email.clone(),
        Slot::SmsSignIn => {
            let ready = state
                .phone(PhoneType::Mobile)
                .and_then(|p| p.sms_sign_in_state)
                == Some(SmsSignInState::Ready);
            Some(if ready { "ready" } else { "notEnabled" }.to_string())
        }
        Slot::DefaultMethod => state
            .preferences
            .user_preferred_method_for_secondary_authentication
            .map(method_name),
        Slot::Tap => state.tap.as_ref().map(|t| t.id.clone()),
        Slot::PerUserMfa => state.per_user_mfa.map(|s| s.to_string()),
    }
}

fn holds(left: &Left, now: Option<&str>) -> bool {
    match (left.value.as_deref(), now) {
        (None, None) => true,
        (Some(l), Some(n)) => match left.slot {
            Slot::Mobile | Slot::AlternateMobile | Slot::Office => same_phone(l, n),
            Slot::Email => l.eq_ignore_ascii_case(n),
            // Entra moves an enabled user to enforced by itself once they register: still what
            // the run left.
            Slot::PerUserMfa => l == n || (l == "enabled" && n == "enforced"),
            _ => l == n,
        },
        _ => false,
    }
}

/// Equal numbers; a number Graph masks for the role (`+1 XXXXXXXX99`) matches when the country
/// code and the digits it shows agree — the most the role can know.
fn same_phone(left: &str, now: &str) -> bool {
    if !now.contains('X') {
        return digits(left) == digits(now);
    }
    let cc = |s: &str| s.split(' ').next().map(digits).unwrap_or_default();
    let shown_after_cc = digits(now).get(cc(now).len()..).map(str::to_string);
    cc(left) == cc(now) && shown_after_cc.is_some_and(|tail| digits(left).ends_with(&tail))
}

fn shown(slot: Slot, value: Option<&str>) -> String {
    match (slot.phone_type(), value) {
        (_, None) => "none".into(),
        (Some(_), Some(v)) => mask(v),
        (None, Some(v)) => v.to_string(),
    }
}

fn keep(d: &mut Desired, slot: Slot) {
    match slot {
        Slot::Mobile => d.mobile = Want::Keep,
        Slot::AlternateMobile => d.alternate_mobile = Want::Keep,
        Slot::Office => d.office = Want::Keep,
        Slot::Email => d.email = Want::Keep,
        Slot::SmsSignIn => d.sms_sign_in = None,
        Slot::DefaultMethod => d.default_method = None,
        Slot::Tap => d.tap = Want::Keep,
        Slot::PerUserMfa => d.per_user_mfa = None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::PhoneNumber;
    use crate::plan::fixtures::{phone, state};

    fn user(mobile: Option<&str>) -> UserState {
        let phones = mobile.map(|m| phone(PhoneType::Mobile, m));
        state(phones.into_iter().collect(), None)
    }

    fn undo_add(added: &str) -> Desired {
        Desired {
            mobile: Want::Remove,
            only_if_left: vec![Left {
                slot: Slot::Mobile,
                value: Some(added.into()),
            }],
            ..Desired::keep_all()
        }
    }

    #[test]
    fn a_phone_registered_after_the_run_is_never_removed() {
        let (d, changed) = guard(&undo_add("+1 2065550100"), &user(Some("+1 2065550177")));
        assert_eq!(d.mobile, Want::Keep);
        assert_eq!(changed.len(), 1);
        assert!(changed[0].message.contains("changed since the run"));
        assert!(
            !changed[0].message.contains("2065550177"),
            "numbers are masked in words"
        );
    }

    #[test]
    fn the_value_the_run_left_is_restored_even_written_differently() {
        let (d, changed) = guard(&undo_add("+1 2065550100"), &user(Some("+1 206 555 0100")));
        assert_eq!(d.mobile, Want::Remove);
        assert!(changed.is_empty());
    }

    #[test]
    fn a_slot_emptied_since_the_run_is_not_filled_again() {
        let mut d = undo_add("+1 2065550100");
        d.mobile = Want::Set(PhoneNumber::parse_graph("+1 2065550111").unwrap());
        let (out, changed) = guard(&d, &user(None));
        assert_eq!(out.mobile, Want::Keep);
        assert_eq!(changed.len(), 1);
    }

    #[test]
    fn masked_numbers_match_on_what_the_role_sees() {
        assert!(same_phone("+1 2065550100", "+1 XXXXXXXX00"));
        assert!(!same_phone("+1 2065550100", "+1 XXXXXXXX77"));
        assert!(!same_phone("+1 2065550100", "+44 XXXXXXXX00"));
    }
}
