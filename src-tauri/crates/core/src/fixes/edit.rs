//! One edit to one user — a phone, the email, SMS sign-in or the default method — as a one-user
//! `Desired` planned by the bulk engine's `diff` against the user's state read just before.
//! The pre-flight's problems are shown before the click; `apply_edit` re-reads, re-checks and
//! only then writes, in diff's order, auditing every write. Never resends a write blindly.

use serde::Serialize;

use super::{audit, phone_check, AuditNote, FixError, Outcome, Written};
use crate::audit::AuditLog;
use crate::graph::{GraphClient, GraphError, PreferredMethod};
use crate::import::explain;
use crate::phone::{PhoneNumber, PhoneType};
use crate::plan::{
    diff, method_name, read_state, send_change, Action, Actor, Change, Desired, Diff, Lookup,
    Needs, Slot, UserState, Want,
};
use crate::session::Session;

/// One change an admin asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Add or change a phone; `input` is what was typed (normalized with the default region).
    SetPhone {
        phone_type: PhoneType,
        input: String,
    },
    RemovePhone {
        phone_type: PhoneType,
    },
    SetEmail {
        address: String,
    },
    RemoveEmail,
    SmsSignIn {
        enabled: bool,
    },
    DefaultMethod {
        method: PreferredMethod,
    },
}

fn with_phone(t: PhoneType, want: Want<PhoneNumber>) -> Desired {
    let mut d = Desired::keep_all();
    match t {
        PhoneType::Mobile => d.mobile = want,
        PhoneType::AlternateMobile => d.alternate_mobile = want,
        PhoneType::Office => d.office = want,
    }
    d
}

impl Edit {
    /// The edit as the bulk engine's desired state; a typed number is normalized here.
    pub fn desired(&self, region: Option<&str>) -> Result<Desired, FixError> {
        Ok(match self {
            Edit::SetPhone { phone_type, input } => {
                let check = phone_check::check_phone(input, region, Some(*phone_type));
                let number = check.sendable().ok_or_else(|| {
                    FixError::Invalid(
                        check
                            .problem
                            .unwrap_or_else(|| "Not a phone number.".into()),
                    )
                })?;
                with_phone(*phone_type, Want::Set(number))
            }
            Edit::RemovePhone { phone_type } => with_phone(*phone_type, Want::Remove),
            Edit::SetEmail { address } => Desired {
                email: Want::Set(address.trim().to_string()),
                ..Desired::keep_all()
            },
            Edit::RemoveEmail => Desired {
                email: Want::Remove,
                ..Desired::keep_all()
            },
            Edit::SmsSignIn { enabled } => Desired {
                sms_sign_in: Some(*enabled),
                ..Desired::keep_all()
            },
            Edit::DefaultMethod { method } => Desired {
                default_method: Some(*method),
                ..Desired::keep_all()
            },
        })
    }
}

/// What an edit would do to the user as they are now: the writes in Graph's order, or the
/// problems that stop it (each a sentence for the admin), and warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preflight {
    pub changes: Vec<Change>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// The bulk engine speaks of rows and columns; one user's panel does not.
fn reword(text: String) -> String {
    text.replace(": add a mobile in the same row", ": add a mobile first")
        .replace(
            ": set another default in the DefaultMethod column to remove it",
            ": choose another default method first",
        )
        .replace(" this row removes or lacks", " this user lacks")
        .replace(" (ForcedUpdate is no)", "")
}

/// Pre-flight of `desired` against `state` for `actor`: the role check, the number-only slot
/// rules, then `plan::diff` (alternate needs mobile, mobile can't go while alternate exists,
/// the default phone can't be removed, SMS sign-in needs a mobile and the policy).
pub fn preflight_edit(desired: &Desired, state: &UserState, actor: &Actor<'_>) -> Preflight {
    if let Err(r) = actor
        .powers
        .check_write(&state.roles, state.user.id == actor.my_id)
    {
        return Preflight {
            problems: vec![r.to_string()],
            ..Preflight::default()
        };
    }
    let mut problems = Vec::new();
    for t in [PhoneType::Mobile, PhoneType::AlternateMobile] {
        if matches!(desired.phone(t), Want::Set(n) if n.has_extension()) {
            problems.push(format!(
                "Graph accepts an extension only on the office phone, not on the {}.",
                Slot::phone(t).label()
            ));
        }
    }
    let Diff {
        changes,
        problems: found,
        warnings,
    } = diff(desired, state);
    problems.extend(found.into_iter().map(reword).map(sentence));
    Preflight {
        changes: if problems.is_empty() {
            changes
        } else {
            Vec::new()
        },
        problems,
        warnings: warnings.into_iter().map(reword).map(sentence).collect(),
    }
}

/// First letter up, full stop at the end.
pub(crate) fn sentence(text: String) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return text,
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

pub(crate) fn verb(a: Action) -> &'static str {
    match a {
        Action::Add => "add",
        Action::Update => "change",
        Action::Remove => "remove",
        Action::Enable => "enable",
        Action::Disable => "disable",
        Action::Set => "set",
    }
}

/// Reads the user as a write needs them: methods, roles, sign-in preferences.
pub(crate) async fn fresh_state(graph: &GraphClient, user: &str) -> Result<UserState, FixError> {
    let needs = Needs {
        roles: true,
        preferences: true,
        ..Needs::default()
    };
    match read_state(graph, user, needs).await {
        Lookup::Found(state) => Ok(*state),
        Lookup::NotFound => Err(FixError::Invalid(format!(
            "There is no user '{user}' in this tenant."
        ))),
        Lookup::Failed(e) => Err(e.into()),
    }
}

/// Re-reads the user, re-runs the pre-flight, then writes the changes in order, each audited.
/// Problems refuse the edit with nothing sent; a failed write stops the rest.
pub async fn apply_edit(
    session: &Session,
    log: &AuditLog,
    user: &str,
    edit: &Edit,
    region: Option<&str>,
) -> Result<Outcome, FixError> {
    let desired = edit.desired(region)?;
    let graph = session.graph();
    let state = fresh_state(graph, user).await?;
    let actor = session.actor();
    let plan = preflight_edit(&desired, &state, &actor);
    if !plan.problems.is_empty() {
        let mut why = plan.problems.join(" ");
        if let Some(policy) = sms_policy_refusal(graph, edit, &state).await {
            why = format!("SMS sign-in cannot be turned on: {policy}");
        }
        return Err(FixError::Refused(why));
    }
    let mut outcome = Outcome {
        warnings: plan.warnings,
        ..Outcome::default()
    };
    if plan.changes.is_empty() {
        outcome
            .warnings
            .push("Nothing to change: the user already has this.".into());
        return Ok(outcome);
    }
    log.ready()?;
    for change in &plan.changes {
        let result = send_change(graph, &state.user.id, change).await;
        let note = AuditNote {
            method: change.slot.label(),
            action: verb(change.action),
            before: change.before.clone(),
            after: change.after.clone(),
        };
        audit(
            log,
            session,
            &state.user,
            note,
            &result,
            &mut outcome.warnings,
        );
        let what = format!("{} {}", verb(change.action), change.slot.label());
        match result {
            Ok(receipt) => outcome.written.push(Written {
                what,
                before: change.before.clone(),
                after: change.after.clone(),
                request_id: receipt.request_id,
                note: None,
            }),
            Err(e) => {
                match landed(graph, &state, &desired, change, &e).await {
                    Some(true) => outcome.written.push(Written {
                        what,
                        before: change.before.clone(),
                        after: change.after.clone(),
                        request_id: e.request_id().map(str::to_string),
                        note: Some(
                            "No answer came back, but a re-read shows the change was applied."
                                .into(),
                        ),
                    }),
                    Some(false) => {
                        outcome.failed = Some(format!(
                            "{} A re-read shows it was not applied.",
                            explain(&e)
                        ))
                    }
                    None => outcome.failed = Some(explain(&e)),
                }
                break;
            }
        }
    }
    Ok(outcome)
}

/// The SMS policy's own reason when SMS sign-in is refused as not allowed by policy.
async fn sms_policy_refusal(graph: &GraphClient, edit: &Edit, state: &UserState) -> Option<String> {
    let not_allowed = state
        .phone(PhoneType::Mobile)
        .and_then(|p| p.sms_sign_in_state)
        == Some(crate::graph::SmsSignInState::NotAllowedByPolicy);
    if *edit != (Edit::SmsSignIn { enabled: true }) || !not_allowed {
        return None;
    }
    let (sms, member_of) = tokio::join!(graph.sms_configuration(), graph.member_of(&state.user.id));
    super::policy_hints::sms_policy_reason(
        graph,
        sms.ok().as_ref(),
        &member_of.ok()?,
        &state.user.id,
    )
    .await
}

/// After a write with no answer (or a gateway error that may hide one that landed): re-read
/// and say whether it landed. `None` when the write surely failed or the re-read did too.
async fn landed(
    graph: &GraphClient,
    state: &UserState,
    desired: &Desired,
    change: &Change,
    e: &GraphError,
) -> Option<bool> {
    let unknown =
        matches!(e, GraphError::OutcomeUnknown { .. }) || matches!(e.status(), 500 | 502 | 504);
    if !unknown {
        return None;
    }
    let now = fresh_state(graph, &state.user.id).await.ok()?;
    let again = diff(desired, &now).changes;
    Some(!again.iter().any(|c| c.slot == change.slot))
}

/// The label of a default method for people.
pub(crate) fn default_label(m: PreferredMethod) -> &'static str {
    match m {
        PreferredMethod::Push => "Microsoft Authenticator notification",
        PreferredMethod::Oath => "Authenticator app or hardware token code",
        PreferredMethod::VoiceMobile => "Call the mobile",
        PreferredMethod::VoiceAlternateMobile => "Call the alternate mobile",
        PreferredMethod::VoiceOffice => "Call the office phone",
        PreferredMethod::Sms => "Text the mobile (SMS)",
        PreferredMethod::UnknownFutureValue => "A method this version does not know",
    }
}

/// `method_name` re-exported for the overview.
pub(crate) fn default_name(m: PreferredMethod) -> String {
    method_name(m)
}
