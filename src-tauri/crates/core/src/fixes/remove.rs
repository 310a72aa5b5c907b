//! Removing methods by kind and id (Authenticator, FIDO2, software OATH, TAP, Windows Hello) and
//! "require re-registration": the admin center's action (phones, Authenticator apps, software
//! OATH tokens) as single deletes in the order Graph accepts — alternate before mobile, and a
//! default phone moved off first when the user has an app to move it to, else left with a reason.

use serde::Serialize;

use super::edit::fresh_state;
use super::kinds::{kind_label, removable};
use super::{audit, refusal, AuditNote, FixError, Outcome, Written};
use crate::audit::AuditLog;
use crate::graph::{AuthMethod, MethodKind, MethodWrite, PreferredMethod, SignInPreferences};
use crate::phone::PhoneType;
use crate::plan::{method_name, phone_of};
use crate::session::Session;

/// One write of a re-registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum Step {
    /// Move the default method off a phone that is about to go.
    SetDefault {
        method: PreferredMethod,
    },
    RemovePhone {
        phone_type: PhoneType,
    },
    RemoveMethod {
        kind: MethodKind,
        id: String,
        label: String,
    },
}

impl Step {
    /// The step in words, e.g. "remove alternate mobile".
    pub fn what(&self) -> String {
        match self {
            Step::SetDefault { method } => {
                format!("set default method to {}", method_name(*method))
            }
            Step::RemovePhone { phone_type } => format!("remove {}", slot(*phone_type)),
            Step::RemoveMethod { label, .. } => format!("remove {label}"),
        }
    }
}

/// A method re-registration leaves in place, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kept {
    pub what: String,
    pub reason: String,
}

/// The writes of a re-registration in order, and what stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReregPlan {
    pub steps: Vec<Step>,
    pub kept: Vec<Kept>,
}

fn slot(t: PhoneType) -> &'static str {
    match t {
        PhoneType::Mobile => "mobile",
        PhoneType::AlternateMobile => "alternate mobile",
        PhoneType::Office => "office phone",
    }
}

fn phone_type(m: &AuthMethod) -> Option<PhoneType> {
    m.str_prop("phoneType")
        .and_then(|t| serde_json::from_value(serde_json::Value::String(t.into())).ok())
}

impl ReregPlan {
    /// Why re-registration would remove nothing, when it would not.
    pub fn nothing_to_do(&self) -> Option<String> {
        if !self.steps.is_empty() {
            return None;
        }
        Some(
            match self.kept.iter().find(|k| k.what.starts_with("the ")) {
                Some(k) => format!(
                    "Nothing can be removed yet: {} stays, because {}",
                    k.what, k.reason
                ),
                None => "There is no phone, Authenticator app or OATH token to remove.".into(),
            },
        )
    }
}

/// Plans re-registration from the user's methods and sign-in preferences (pure).
pub fn reregistration_plan(methods: &[AuthMethod], prefs: &SignInPreferences) -> ReregPlan {
    let phones: Vec<PhoneType> = methods.iter().filter_map(phone_type).collect();
    let apps: Vec<&AuthMethod> = methods
        .iter()
        .filter(|m| {
            matches!(
                m.kind,
                MethodKind::MicrosoftAuthenticator | MethodKind::SoftwareOath
            )
        })
        .collect();
    let mut plan = ReregPlan::default();
    let default_phone = prefs
        .user_preferred_method_for_secondary_authentication
        .and_then(phone_of)
        .filter(|t| phones.contains(t));
    // A default phone cannot be deleted; move the default to an app that goes last.
    let moved = default_phone.and_then(|_| {
        if apps
            .iter()
            .any(|m| m.kind == MethodKind::MicrosoftAuthenticator)
        {
            Some(PreferredMethod::Push)
        } else if !apps.is_empty() {
            Some(PreferredMethod::Oath)
        } else {
            None
        }
    });
    if let Some(method) = moved {
        plan.steps.push(Step::SetDefault { method });
    }
    let remove_apps = |plan: &mut ReregPlan| {
        for m in &apps {
            plan.steps.push(Step::RemoveMethod {
                kind: m.kind.clone(),
                id: m.id.clone(),
                label: kind_label(&m.kind),
            });
        }
    };
    if moved.is_none() {
        remove_apps(&mut plan);
    }
    let blocked = if moved.is_some() { None } else { default_phone };
    for t in [
        PhoneType::AlternateMobile,
        PhoneType::Office,
        PhoneType::Mobile,
    ] {
        if !phones.contains(&t) {
            continue;
        }
        let keeps_alternate = t == PhoneType::Mobile
            && phones.contains(&PhoneType::AlternateMobile)
            && blocked == Some(PhoneType::AlternateMobile);
        if blocked == Some(t) {
            plan.kept.push(Kept {
                what: format!("the {}", slot(t)),
                reason: "it is the user's default method and Graph cannot clear a default; it can go once the user has registered another method and made it the default.".into(),
            });
        } else if keeps_alternate {
            plan.kept.push(Kept {
                what: "the mobile".into(),
                reason: "Graph does not remove the mobile while an alternate mobile exists, and the alternate mobile is the default.".into(),
            });
        } else {
            plan.steps.push(Step::RemovePhone { phone_type: t });
        }
    }
    if moved.is_some() {
        remove_apps(&mut plan);
    }
    for m in methods {
        let why = match m.kind {
            MethodKind::HardwareOath => "hardware OATH tokens are deactivated in the Entra admin center; Graph v1.0 cannot.",
            MethodKind::Fido2 | MethodKind::WindowsHelloForBusiness | MethodKind::PlatformCredential => "not part of re-registration (as in the admin center); remove it on its own if needed.",
            _ => continue,
        };
        plan.kept.push(Kept {
            what: kind_label(&m.kind),
            reason: why.into(),
        });
    }
    plan
}

/// Removes one Authenticator / FIDO2 / OATH / TAP / Windows Hello method after the role check.
pub async fn remove_method(
    session: &Session,
    log: &AuditLog,
    user: &str,
    kind: &MethodKind,
    id: &str,
) -> Result<Outcome, FixError> {
    if !removable(kind) {
        return Err(FixError::Invalid(format!(
            "{} is not removed by id here; phones and email have their own editors.",
            kind_label(kind)
        )));
    }
    let graph = session.graph();
    let (state, methods) = tokio::join!(fresh_state(graph, user), graph.list_methods(user));
    let (state, methods) = (state?, methods?);
    if let Some(why) = refusal(session, &state) {
        return Err(FixError::Refused(why));
    }
    let Some(method) = methods.iter().find(|m| &m.kind == kind && m.id == id) else {
        return Err(FixError::Invalid(format!(
            "This user has no {} with id {id} (any more).",
            kind_label(kind)
        )));
    };
    let step = Step::RemoveMethod {
        kind: kind.clone(),
        id: id.to_string(),
        label: kind_label(kind),
    };
    log.ready()?;
    let mut outcome = Outcome::default();
    run(
        session,
        log,
        &state.user,
        &step,
        Some(method.detail()),
        &mut outcome,
    )
    .await;
    Ok(outcome)
}

/// Sends one step, audits it and records it in `outcome`; false when it failed.
async fn run(
    session: &Session,
    log: &AuditLog,
    user: &crate::plan::TargetUser,
    step: &Step,
    before: Option<String>,
    outcome: &mut Outcome,
) -> bool {
    let graph = session.graph();
    let prefs;
    let (write, method, action, after) = match step {
        Step::SetDefault { method } => {
            prefs = SignInPreferences {
                is_system_preferred_authentication_method_enabled: None,
                user_preferred_method_for_secondary_authentication: Some(*method),
            };
            (
                MethodWrite::SetSignInPreferences(&prefs),
                "default method".to_string(),
                "set",
                Some(method_name(*method)),
            )
        }
        Step::RemovePhone { phone_type } => (
            MethodWrite::DeletePhone(*phone_type),
            slot(*phone_type).to_string(),
            "remove",
            None,
        ),
        Step::RemoveMethod { kind, id, label } => (
            MethodWrite::DeleteMethod(kind, id),
            label.clone(),
            "remove",
            None,
        ),
    };
    let result = graph.write(&user.id, write).await;
    let note = AuditNote {
        method: &method,
        action,
        before: before.clone(),
        after: after.clone(),
    };
    audit(log, session, user, note, &result, &mut outcome.warnings);
    match result {
        Ok(receipt) => {
            outcome.written.push(Written {
                what: step.what(),
                before,
                after,
                request_id: receipt.request_id,
                note: None,
            });
            true
        }
        Err(e) => {
            outcome.failed = Some(format!("{}: {}", step.what(), crate::import::explain(&e)));
            false
        }
    }
}

/// Removes the user's MFA methods in the order Graph accepts (see [`reregistration_plan`]);
/// stops at the first refusal. What stays is listed with the reason.
pub async fn require_reregistration(
    session: &Session,
    log: &AuditLog,
    user: &str,
) -> Result<Outcome, FixError> {
    let graph = session.graph();
    let (state, methods) = tokio::join!(fresh_state(graph, user), graph.list_methods(user));
    let (state, methods) = (state?, methods?);
    if let Some(why) = refusal(session, &state) {
        return Err(FixError::Refused(why));
    }
    let plan = reregistration_plan(&methods, &state.preferences);
    if let Some(why) = plan.nothing_to_do() {
        return Err(FixError::Refused(why));
    }
    log.ready()?;
    let mut outcome = Outcome {
        kept: plan.kept.clone(),
        ..Outcome::default()
    };
    for step in &plan.steps {
        let before = match step {
            Step::RemovePhone { phone_type } => {
                state.phone(*phone_type).map(|p| p.phone_number.clone())
            }
            Step::RemoveMethod { id, .. } => {
                methods.iter().find(|m| &m.id == id).map(AuthMethod::detail)
            }
            Step::SetDefault { .. } => state
                .preferences
                .user_preferred_method_for_secondary_authentication
                .map(method_name),
        };
        if !run(session, log, &state.user, step, before, &mut outcome).await {
            break;
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(kind: &str, id: &str, phone: Option<&str>) -> AuthMethod {
        let mut properties = serde_json::Map::new();
        if let Some(t) = phone {
            properties.insert("phoneType".into(), t.into());
            properties.insert("phoneNumber".into(), "+1 2065550100".into());
        }
        AuthMethod {
            kind: MethodKind::from_odata_type(kind),
            id: id.into(),
            created: None,
            properties,
        }
    }

    fn prefs(m: Option<PreferredMethod>) -> SignInPreferences {
        SignInPreferences {
            is_system_preferred_authentication_method_enabled: Some(false),
            user_preferred_method_for_secondary_authentication: m,
        }
    }

    fn steps(p: &ReregPlan) -> Vec<String> {
        p.steps.iter().map(Step::what).collect()
    }

    #[test]
    fn alternate_goes_before_mobile_and_the_default_moves_to_the_app() {
        let phones = [
            method("phoneAuthenticationMethod", "m", Some("mobile")),
            method("phoneAuthenticationMethod", "a", Some("alternateMobile")),
        ];
        let p = reregistration_plan(&phones, &prefs(None));
        assert_eq!(steps(&p), ["remove alternate mobile", "remove mobile"]);

        let mut with_app = phones.to_vec();
        with_app.push(method(
            "microsoftAuthenticatorAuthenticationMethod",
            "x",
            None,
        ));
        with_app.push(method("fido2AuthenticationMethod", "k", None));
        let p = reregistration_plan(&with_app, &prefs(Some(PreferredMethod::Sms)));
        assert_eq!(
            steps(&p),
            [
                "set default method to push",
                "remove alternate mobile",
                "remove mobile",
                "remove Microsoft Authenticator"
            ]
        );
        assert!(p.kept[0].what.contains("FIDO2"));

        let p = reregistration_plan(&phones, &prefs(Some(PreferredMethod::VoiceAlternateMobile)));
        assert!(p.steps.is_empty(), "{:?}", steps(&p));
        assert_eq!(p.kept.len(), 2);
        let p = reregistration_plan(&phones, &prefs(Some(PreferredMethod::Sms)));
        assert_eq!(steps(&p), ["remove alternate mobile"]);
        assert!(p.kept[0].reason.contains("default method"));
    }
}
