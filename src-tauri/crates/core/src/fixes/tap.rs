//! Issuing a Temporary Access Pass within the tenant's TAP policy (lifetime range, one-time
//! only or not). The pass comes back once, wrapped; it is shown to the admin and never stored,
//! logged or audited — the audit line says only that a pass was issued, for how long.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::edit::fresh_state;
use super::{audit, refusal, AuditNote, FixError};
use crate::audit::AuditLog;
use crate::graph::{Api, GraphClient, GraphError, Receipt, TapRequest, TemporaryAccessPass};
use crate::session::Session;

/// Graph's own bounds for any TAP lifetime, in minutes.
const GRAPH_MIN: u32 = 10;
const GRAPH_MAX: u32 = 43_200;

/// The tenant's `temporaryAccessPassAuthenticationMethodConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TapPolicy {
    pub enabled: bool,
    pub default_lifetime_minutes: u32,
    pub minimum_lifetime_minutes: u32,
    pub maximum_lifetime_minutes: u32,
    /// Every pass must be one-time.
    pub one_time_only: bool,
    pub default_length: Option<u32>,
}

fn minutes(v: &serde_json::Value, name: &str, default: u32) -> u32 {
    v[name]
        .as_u64()
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(default)
}

/// Reads the TAP configuration of the authentication methods policy.
pub async fn tap_policy(graph: &GraphClient) -> Result<TapPolicy, GraphError> {
    let path = "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";
    let v: serde_json::Value = graph
        .raw(reqwest::Method::GET, Api::V1, path, None)
        .await?
        .json()?;
    Ok(TapPolicy {
        enabled: v["state"].as_str().is_none_or(|s| s == "enabled"),
        default_lifetime_minutes: minutes(&v, "defaultLifetimeInMinutes", 60),
        minimum_lifetime_minutes: minutes(&v, "minimumLifetimeInMinutes", GRAPH_MIN),
        maximum_lifetime_minutes: minutes(&v, "maximumLifetimeInMinutes", GRAPH_MAX),
        one_time_only: v["isUsableOnce"].as_bool().unwrap_or(false),
        default_length: v["defaultLength"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok()),
    })
}

/// What the admin picks in the TAP dialog; `None` takes the policy's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TapChoice {
    pub lifetime_minutes: Option<u32>,
    pub one_time: Option<bool>,
    pub start: Option<DateTime<Utc>>,
}

/// Checks a choice against the policy (when it could be read) and Graph's bounds.
pub fn check_tap(policy: Option<&TapPolicy>, choice: &TapChoice) -> Result<TapRequest, String> {
    if policy.is_some_and(|p| !p.enabled) {
        return Err(
            "Temporary Access Passes are turned off in the tenant's authentication methods policy."
                .into(),
        );
    }
    let (min, max) = policy.map_or((GRAPH_MIN, GRAPH_MAX), |p| {
        (
            p.minimum_lifetime_minutes.max(GRAPH_MIN),
            p.maximum_lifetime_minutes.min(GRAPH_MAX),
        )
    });
    if let Some(m) = choice.lifetime_minutes {
        if !(min..=max).contains(&m) {
            return Err(format!(
                "A Temporary Access Pass here lives {min} to {max} minutes (the tenant's policy); {m} is outside that range."
            ));
        }
    }
    if choice.one_time == Some(false) && policy.is_some_and(|p| p.one_time_only) {
        return Err("The tenant's policy allows only one-time Temporary Access Passes.".into());
    }
    if let Some(start) = choice.start {
        if start < Utc::now() - chrono::Duration::minutes(5) {
            return Err("The start time is in the past.".into());
        }
    }
    Ok(TapRequest {
        start_date_time: choice.start,
        lifetime_in_minutes: choice.lifetime_minutes,
        is_usable_once: choice.one_time,
    })
}

/// A pass just issued. The pass itself is inside `tap` (`reveal_pass`, once).
#[derive(Debug, Clone)]
pub struct IssuedTap {
    pub tap: TemporaryAccessPass,
    pub user_principal_name: String,
}

/// POSTs the pass request through the client's escape hatch to keep Graph's request-id for the
/// audit log; the answer's pass is read straight into its wrapper.
async fn create(
    graph: &GraphClient,
    user_id: &str,
    request: &TapRequest,
) -> Result<(TemporaryAccessPass, Option<String>), GraphError> {
    let body =
        serde_json::to_value(request).map_err(|e| GraphError::InvalidInput(e.to_string()))?;
    let path = format!("users/{user_id}/authentication/temporaryAccessPassMethods");
    let response = graph
        .raw(reqwest::Method::POST, Api::V1, &path, Some(body))
        .await?;
    let request_id = response
        .headers
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ok((response.json()?, request_id))
}

/// Checks the role and the policy, then creates the pass (replacing any usable one) and audits
/// the issue without the pass.
pub async fn issue_tap(
    session: &Session,
    log: &AuditLog,
    user: &str,
    choice: &TapChoice,
) -> Result<IssuedTap, FixError> {
    let graph = session.graph();
    let (state, policy) = tokio::join!(fresh_state(graph, user), tap_policy(graph));
    let state = state?;
    if let Some(why) = refusal(session, &state) {
        return Err(FixError::Refused(why));
    }
    let request = check_tap(policy.ok().as_ref(), choice).map_err(FixError::Refused)?;
    log.ready()?;
    let created = create(graph, &state.user.id, &request).await;
    let result = created
        .as_ref()
        .map(|(_, request_id)| Receipt {
            request_id: request_id.clone(),
            ..Receipt::default()
        })
        .map_err(Clone::clone);
    let created = created.map(|(tap, _)| tap);
    let after = match &created {
        Ok(t) => Some(format!(
            "{} min, {}{}",
            t.lifetime_in_minutes.unwrap_or_default(),
            if t.is_usable_once == Some(true) {
                "one-time"
            } else {
                "multi-use"
            },
            t.start_date_time
                .map(|s| format!(
                    ", from {}",
                    s.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ))
                .unwrap_or_default()
        )),
        Err(_) => None,
    };
    let note = AuditNote {
        method: "Temporary Access Pass",
        action: "issue",
        before: None,
        after,
    };
    let mut warnings = Vec::new();
    audit(log, session, &state.user, note, &result, &mut warnings);
    Ok(IssuedTap {
        tap: created?,
        user_principal_name: state.user.user_principal_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TapPolicy {
        TapPolicy {
            enabled: true,
            default_lifetime_minutes: 60,
            minimum_lifetime_minutes: 60,
            maximum_lifetime_minutes: 480,
            one_time_only: true,
            default_length: Some(8),
        }
    }

    #[test]
    fn choices_stay_within_the_policy() {
        let p = policy();
        let ok = check_tap(
            Some(&p),
            &TapChoice {
                lifetime_minutes: Some(120),
                one_time: Some(true),
                start: None,
            },
        )
        .unwrap();
        assert_eq!(ok.lifetime_in_minutes, Some(120));
        let short = check_tap(
            Some(&p),
            &TapChoice {
                lifetime_minutes: Some(30),
                ..TapChoice::default()
            },
        );
        assert!(short.unwrap_err().contains("60 to 480"));
        let multi = check_tap(
            Some(&p),
            &TapChoice {
                one_time: Some(false),
                ..TapChoice::default()
            },
        );
        assert!(multi.unwrap_err().contains("one-time"));
        let off = TapPolicy {
            enabled: false,
            ..p
        };
        assert!(check_tap(Some(&off), &TapChoice::default()).is_err());
        assert!(check_tap(
            None,
            &TapChoice {
                lifetime_minutes: Some(50_000),
                ..TapChoice::default()
            }
        )
        .is_err());
        assert!(check_tap(None, &TapChoice::default()).is_ok());
    }
}
