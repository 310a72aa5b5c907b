//! The one rule of Prestage: desired state vs current state gives the changes, in the order Graph
//! accepts them, or the problems that make it impossible. Preview, apply's re-check, resume, undo
//! and single-user fixes all come through here (via `plan_user`). Pure: no I/O, so every case is
//! unit-tested.

use crate::graph::{PerUserMfaState, PhoneMethod, PreferredMethod, SmsSignInState};
use crate::phone::{digits, PhoneNumber, PhoneType};

use super::methods::{method_name, phone_of};
use super::model::{Action, Change, Desired, Slot, Want};
use super::state::UserState;

/// What `diff` found: the writes in Graph's order, or why the desired state cannot be reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The writes, in the order Graph accepts them (empty when nothing differs).
    pub changes: Vec<Change>,
    /// Why the desired state cannot be reached; when not empty, `changes` must not be applied.
    pub problems: Vec<String>,
    /// What the admin should know but that does not stop the writes.
    pub warnings: Vec<String>,
}

/// Graph masks numbers for some roles with `X` (extensions use a lowercase `x`).
fn masked(text: &str) -> bool {
    text.contains('X')
}

fn same_number(current: &str, wanted: &PhoneNumber) -> bool {
    digits(current) == wanted.digits()
}

/// Changes that take `state` to `desired`, or the problems that make it impossible.
pub fn diff(desired: &Desired, state: &UserState) -> Diff {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut removes = Vec::new();
    let mut writes = Vec::new();
    let current = |t| state.phone(t).map(|p: &PhoneMethod| p.phone_number.clone());
    // After-state of each phone slot, to check Graph's ordering rules.
    let mut after = std::collections::HashMap::new();
    for t in PhoneType::ALL {
        let slot = Slot::phone(t);
        let now = current(t);
        let exists_after = match (desired.phone(t), now) {
            (Want::Keep, now) => now.is_some(),
            (Want::Remove, Some(before)) => {
                removes.push(Change {
                    slot,
                    action: Action::Remove,
                    before: Some(before),
                    after: None,
                });
                false
            }
            (Want::Remove, None) => false,
            (Want::Set(n), None) => {
                writes.push(Change {
                    slot,
                    action: Action::Add,
                    before: None,
                    after: Some(n.as_str().into()),
                });
                true
            }
            (Want::Set(n), Some(before)) if masked(&before) => {
                warnings.push(format!(
                    "{}: the current number is masked for your role, so it is rewritten",
                    slot.label()
                ));
                writes.push(Change {
                    slot,
                    action: Action::Update,
                    before: Some(before),
                    after: Some(n.as_str().into()),
                });
                true
            }
            (Want::Set(n), Some(before)) if same_number(&before, n) => true,
            (Want::Set(_), Some(_)) if !desired.overwrite => {
                warnings.push(format!(
                    "{}: kept the existing number (ForcedUpdate is no)",
                    slot.label()
                ));
                true
            }
            (Want::Set(n), Some(before)) => {
                writes.push(Change {
                    slot,
                    action: Action::Update,
                    before: Some(before),
                    after: Some(n.as_str().into()),
                });
                true
            }
        };
        after.insert(t, exists_after);
    }
    let has_after = |t: PhoneType| after.get(&t).copied().unwrap_or(false);
    if has_after(PhoneType::AlternateMobile) && !has_after(PhoneType::Mobile) {
        if state.phone(PhoneType::Mobile).is_some() {
            problems.push("the mobile cannot be removed while an alternate mobile exists: remove the alternate too, or change the mobile instead".into());
        } else {
            problems
                .push("an alternate mobile needs a mobile: add a mobile in the same row".into());
        }
    }

    // The default method after this row, and whether a removed phone is still the default.
    let current_default = state
        .preferences
        .user_preferred_method_for_secondary_authentication;
    let default_after = desired.default_method.or(current_default);
    let mut default_first = false;
    if let Some(m) = default_after {
        if let Some(t) = phone_of(m) {
            if !has_after(t) {
                if desired.default_method.is_some() {
                    problems.push(format!(
                        "the default method '{}' needs the {} this row removes or lacks",
                        method_name(m),
                        Slot::phone(t).label()
                    ));
                } else {
                    problems.push(format!("the {} is the user's default method: set another default in the DefaultMethod column to remove it", Slot::phone(t).label()));
                }
            }
        }
        if desired.default_method.is_some() && current_default != desired.default_method {
            match m {
                PreferredMethod::Push if !state.has_authenticator => problems.push("default method 'push' needs Microsoft Authenticator, which this user has not registered".into()),
                PreferredMethod::Oath if !state.has_authenticator && !state.has_software_oath => problems.push("default method 'oath' needs an Authenticator app or OATH token, which this user has not registered".into()),
                _ => {}
            }
            // A removed phone that was the old default must lose that role before it goes.
            default_first = current_default
                .and_then(phone_of)
                .is_some_and(|t| !has_after(t));
        }
    }
    let default_change = desired
        .default_method
        .filter(|m| Some(*m) != current_default)
        .map(|m| Change {
            slot: Slot::DefaultMethod,
            action: Action::Set,
            before: current_default.map(method_name),
            after: Some(method_name(m)),
        });
    if desired.default_method.is_some()
        && state
            .preferences
            .is_system_preferred_authentication_method_enabled
            == Some(true)
    {
        warnings.push("system-preferred MFA is on for this user: Entra picks the strongest method and the default applies only to the NPS extension and AD FS".into());
    }

    let email = match (&desired.email, &state.email) {
        (Want::Set(e), None) => Some(Change {
            slot: Slot::Email,
            action: Action::Add,
            before: None,
            after: Some(e.clone()),
        }),
        (Want::Set(e), Some(c)) if c.eq_ignore_ascii_case(e) => None,
        (Want::Set(_), Some(_)) if !desired.overwrite => None,
        (Want::Set(e), Some(c)) => Some(Change {
            slot: Slot::Email,
            action: Action::Update,
            before: Some(c.clone()),
            after: Some(e.clone()),
        }),
        (Want::Remove, Some(c)) => Some(Change {
            slot: Slot::Email,
            action: Action::Remove,
            before: Some(c.clone()),
            after: None,
        }),
        _ => None,
    };

    let mobile_state = state
        .phone(PhoneType::Mobile)
        .and_then(|p| p.sms_sign_in_state);
    let mobile_changes = writes
        .iter()
        .chain(removes.iter())
        .any(|c| c.slot == Slot::Mobile);
    let sms = match desired.sms_sign_in {
        Some(true) if !has_after(PhoneType::Mobile) => {
            problems.push("SMS sign-in needs a mobile number".into());
            None
        }
        Some(true) if mobile_state == Some(SmsSignInState::Ready) && !mobile_changes => None,
        Some(true) => match mobile_state {
            Some(
                s @ (SmsSignInState::NotAllowedByPolicy
                | SmsSignInState::NotConfigured
                | SmsSignInState::PhoneNumberNotUnique),
            ) if !mobile_changes => {
                problems.push(format!("SMS sign-in cannot be turned on: {}", s.explain()));
                None
            }
            _ => Some(Change {
                slot: Slot::SmsSignIn,
                action: Action::Enable,
                before: mobile_state.map(state_name),
                after: Some("ready".into()),
            }),
        },
        Some(false)
            if mobile_state == Some(SmsSignInState::Ready) && has_after(PhoneType::Mobile) =>
        {
            Some(Change {
                slot: Slot::SmsSignIn,
                action: Action::Disable,
                before: Some("ready".into()),
                after: Some("notEnabled".into()),
            })
        }
        _ => None,
    };

    let tap = match (&desired.tap, &state.tap) {
        (Want::Set(spec), Some(t)) if t.created.is_some_and(|c| c >= spec.issued_after) => None,
        (Want::Set(spec), now) => {
            if let Some(t) = now {
                let when = t
                    .created
                    .map(|c| format!(" (issued {})", c.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default();
                warnings.push(format!(
                    "already has a Temporary Access Pass{when}: the new pass replaces it"
                ));
            }
            Some(Change {
                slot: Slot::Tap,
                action: Action::Add,
                before: now.as_ref().map(|t| t.id.clone()),
                after: Some(spec.describe()),
            })
        }
        (Want::Remove, Some(t)) => Some(Change {
            slot: Slot::Tap,
            action: Action::Remove,
            before: Some(t.id.clone()),
            after: None,
        }),
        _ => None,
    };

    // A method in place after this row: a phone it keeps or adds, or another MFA method
    // (unknown when only phones were read: then not counted, so nothing is enforced blind).
    let has_mfa_after = state.other_mfa == Some(true) || PhoneType::ALL.into_iter().any(has_after);
    let per_user_mfa = per_user_mfa_change(
        desired.per_user_mfa,
        state,
        has_mfa_after,
        &mut problems,
        &mut warnings,
    );

    // Graph's order: a default that points at a removed phone moves first; alternate goes before
    // mobile; mobile is added before alternate; then email, SMS sign-in, the default.
    let rank = |c: &Change| match (c.action, c.slot) {
        (Action::Remove, Slot::AlternateMobile) => 0,
        (Action::Remove, Slot::Office) => 1,
        (Action::Remove, Slot::Mobile) => 2,
        (_, Slot::Mobile) => 3,
        (_, Slot::AlternateMobile) => 4,
        _ => 5,
    };
    let mut changes = Vec::new();
    if default_first {
        changes.extend(default_change.clone());
    }
    let mut phones: Vec<Change> = removes.into_iter().chain(writes).collect();
    phones.sort_by_key(rank);
    changes.extend(phones);
    changes.extend(email);
    changes.extend(tap);
    changes.extend(sms);
    if !default_first {
        changes.extend(default_change);
    }
    // Last: a method this row adds is in place before MFA is enforced on it.
    changes.extend(per_user_mfa);
    Diff {
        changes,
        problems,
        warnings,
    }
}

/// The per-user MFA change for `wanted`, or why there is none. Never "enforced" before the user
/// has an MFA method (after this row's writes): that breaks their legacy apps.
fn per_user_mfa_change(
    wanted: Option<PerUserMfaState>,
    state: &UserState,
    has_mfa_after: bool,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Option<Change> {
    let wanted = wanted?;
    let Some(now) = state.per_user_mfa else {
        problems.push("the per-user MFA state could not be read".into());
        return None;
    };
    if wanted == PerUserMfaState::Enforced && !has_mfa_after {
        problems.push("per-user MFA 'enforced' before the user has registered an MFA method would break their legacy apps: use 'enabled' (Entra enforces once they register), or add a phone in the same row".into());
        return None;
    }
    if wanted == now {
        return None;
    }
    if wanted == PerUserMfaState::Enabled && now == PerUserMfaState::Enforced && has_mfa_after {
        warnings.push("per-user MFA is already enforced: Entra enforces a registered user who is enabled, so 'enabled' changes nothing".into());
        return None;
    }
    if wanted == PerUserMfaState::Enabled && now == PerUserMfaState::Disabled && has_mfa_after {
        warnings.push("the user has an MFA method registered, so Entra turns 'enabled' into 'enforced' at once".into());
    }
    Some(Change {
        slot: Slot::PerUserMfa,
        action: Action::Set,
        before: Some(now.to_string()),
        after: Some(wanted.to_string()),
    })
}

fn state_name(s: SmsSignInState) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::{keep_all as want, n, phone, state};

    #[test]
    fn a_pass_is_issued_once_per_plan_and_replaces_an_older_one() {
        use crate::plan::{TapSpec, TapState};
        let t0 = chrono::Utc::now();
        let spec = TapSpec {
            lifetime_minutes: 60,
            once: true,
            start: None,
            issued_after: t0,
        };
        let d = Desired {
            tap: Want::Set(spec),
            ..want()
        };
        let mut st = state(vec![], None);
        let Diff {
            changes: c,
            problems: p,
            warnings: w,
        } = diff(&d, &st);
        assert!(p.is_empty() && w.is_empty());
        assert_eq!((c[0].slot, c[0].action), (Slot::Tap, Action::Add));
        let pass = |created: chrono::DateTime<chrono::Utc>| TapState {
            id: "old".into(),
            created: Some(created),
            start: Some(created),
            lifetime_minutes: Some(60),
            once: Some(true),
            usable: Some(true),
            reason: Some("EnabledByPolicy".into()),
        };
        st.tap = Some(pass(t0 - chrono::Duration::days(1)));
        let Diff {
            changes: c,
            warnings: w,
            ..
        } = diff(&d, &st);
        assert_eq!(c[0].before.as_deref(), Some("old"));
        assert!(w[0].contains("replaces it"), "{w:?}");
        st.tap = Some(pass(t0 + chrono::Duration::seconds(1)));
        assert!(
            diff(&d, &st).changes.is_empty(),
            "this plan's own pass is not issued again"
        );
        let remove = Desired {
            tap: Want::Remove,
            ..want()
        };
        let c = diff(&remove, &st).changes;
        assert_eq!(
            (c[0].action, c[0].before.as_deref()),
            (Action::Remove, Some("old"))
        );
    }

    #[test]
    fn add_update_unchanged() {
        let d = Desired {
            mobile: Want::Set(n("+1 2065550100")),
            ..want()
        };
        let Diff {
            changes: c,
            problems: p,
            ..
        } = diff(&d, &state(vec![], None));
        assert!(p.is_empty());
        assert_eq!(
            (c[0].action, c[0].after.as_deref()),
            (Action::Add, Some("+1 2065550100"))
        );
        let Diff { changes: c, .. } = diff(
            &d,
            &state(vec![phone(PhoneType::Mobile, "+1 2065550100")], None),
        );
        assert!(c.is_empty(), "same digits: unchanged");
        let Diff { changes: c, .. } = diff(
            &d,
            &state(vec![phone(PhoneType::Mobile, "+1 2065550199")], None),
        );
        assert_eq!(
            (c[0].action, c[0].before.as_deref()),
            (Action::Update, Some("+1 2065550199"))
        );
        let Diff {
            changes: c,
            warnings: w,
            ..
        } = diff(
            &d,
            &state(vec![phone(PhoneType::Mobile, "+1 XXXXXXXX00")], None),
        );
        assert_eq!(c[0].action, Action::Update);
        assert!(w[0].contains("masked"));
        let keep = Desired {
            overwrite: false,
            ..d
        };
        let Diff {
            changes: c,
            warnings: w,
            ..
        } = diff(
            &keep,
            &state(vec![phone(PhoneType::Mobile, "+1 2065550199")], None),
        );
        assert!(c.is_empty() && w[0].contains("ForcedUpdate"));
    }

    #[test]
    fn graph_ordering_rules_are_checked_and_followed() {
        let alt_only = Desired {
            alternate_mobile: Want::Set(n("+1 2065550101")),
            ..want()
        };
        assert!(diff(&alt_only, &state(vec![], None)).problems[0].contains("needs a mobile"));
        let both = Desired {
            mobile: Want::Set(n("+1 2065550100")),
            ..alt_only.clone()
        };
        let Diff {
            changes: c,
            problems: p,
            ..
        } = diff(&both, &state(vec![], None));
        assert!(p.is_empty());
        assert_eq!(
            c.iter().map(|c| c.slot).collect::<Vec<_>>(),
            [Slot::Mobile, Slot::AlternateMobile]
        );

        let has_both = state(
            vec![
                phone(PhoneType::Mobile, "+1 2065550100"),
                phone(PhoneType::AlternateMobile, "+1 2065550101"),
            ],
            None,
        );
        let drop_mobile = Desired {
            mobile: Want::Remove,
            ..want()
        };
        assert!(diff(&drop_mobile, &has_both).problems[0].contains("while an alternate"));
        let drop_both = Desired {
            mobile: Want::Remove,
            alternate_mobile: Want::Remove,
            ..want()
        };
        let Diff {
            changes: c,
            problems: p,
            ..
        } = diff(&drop_both, &has_both);
        assert!(p.is_empty());
        assert_eq!(
            c.iter().map(|c| c.slot).collect::<Vec<_>>(),
            [Slot::AlternateMobile, Slot::Mobile]
        );
    }

    #[test]
    fn the_default_phone_moves_before_it_is_removed() {
        let office_default = state(
            vec![
                phone(PhoneType::Mobile, "+1 2065550100"),
                phone(PhoneType::Office, "+1 4255550100"),
            ],
            Some(PreferredMethod::VoiceOffice),
        );
        let drop_office = Desired {
            office: Want::Remove,
            ..want()
        };
        assert!(diff(&drop_office, &office_default).problems[0].contains("default method"));
        let move_default = Desired {
            default_method: Some(PreferredMethod::Sms),
            tap: Want::Keep,
            ..drop_office
        };
        let Diff {
            changes: c,
            problems: p,
            ..
        } = diff(&move_default, &office_default);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            c.iter().map(|c| (c.slot, c.action)).collect::<Vec<_>>(),
            [
                (Slot::DefaultMethod, Action::Set),
                (Slot::Office, Action::Remove)
            ]
        );
        let push = Desired {
            default_method: Some(PreferredMethod::Push),
            tap: Want::Keep,
            ..want()
        };
        assert!(diff(&push, &office_default).problems[0].contains("Authenticator"));
    }

    #[test]
    fn sms_sign_in_needs_a_mobile_and_a_policy_that_allows_it() {
        let on = Desired {
            sms_sign_in: Some(true),
            ..want()
        };
        assert!(diff(&on, &state(vec![], None)).problems[0].contains("needs a mobile"));
        let mut blocked = phone(PhoneType::Mobile, "+1 2065550100");
        blocked.sms_sign_in_state = Some(SmsSignInState::NotAllowedByPolicy);
        assert!(diff(&on, &state(vec![blocked], None)).problems[0].contains("policy"));
        let Diff {
            changes: c,
            problems: p,
            ..
        } = diff(
            &on,
            &state(vec![phone(PhoneType::Mobile, "+1 2065550100")], None),
        );
        assert!(p.is_empty());
        assert_eq!(c[0].action, Action::Enable);
    }

    #[test]
    fn per_user_mfa_is_never_enforced_before_registration() {
        let mut d = want();
        d.per_user_mfa = Some(PerUserMfaState::Enforced);
        let bare = state(vec![], None);
        let r = diff(&d, &bare);
        assert!(r.changes.is_empty());
        assert!(r.problems[0].contains("before the user has registered"));
        // The same row adds a mobile: written first, then enforced.
        d.mobile = Want::Set(n("+44 7400123456"));
        let r = diff(&d, &bare);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let slots: Vec<Slot> = r.changes.iter().map(|c| c.slot).collect();
        assert_eq!(slots, [Slot::Mobile, Slot::PerUserMfa]);
    }

    #[test]
    fn enabled_is_already_met_by_enforced_for_a_registered_user() {
        let mut d = want();
        d.per_user_mfa = Some(PerUserMfaState::Enabled);
        let mut st = state(vec![phone(PhoneType::Mobile, "+44 7400123456")], None);
        st.other_mfa = Some(true);
        st.per_user_mfa = Some(PerUserMfaState::Enforced);
        let r = diff(&d, &st);
        assert!(r.changes.is_empty() && r.problems.is_empty());
        assert!(r.warnings[0].contains("already enforced"));
        st.per_user_mfa = Some(PerUserMfaState::Disabled);
        let r = diff(&d, &st);
        assert_eq!(r.changes[0].after.as_deref(), Some("enabled"));
        assert!(r.warnings[0].contains("into 'enforced'"));
        st.per_user_mfa = None;
        assert!(diff(&d, &st).problems[0].contains("could not be read"));
    }
}
