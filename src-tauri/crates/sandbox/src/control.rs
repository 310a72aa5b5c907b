//! The control plane under `/_sandbox/` (no auth; never called by Graph clients): the full state
//! dump, the sign-in accounts, fault settings and token expiry. Also builds the dump for
//! `RunningSandbox::dump`. Never throttled, delayed or faulted.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Map, Value};

use crate::config::Faults;
use crate::methods::json::Renderer;
use crate::policy_api::policy_json;
use crate::request::ApiVersion;
use crate::roles::AdminRole;
use crate::rules::View;
use crate::seed::ACCOUNTS;
use crate::state::Shared;
use crate::SignInAccount;

pub(crate) fn accounts(shared: &Shared) -> Vec<SignInAccount> {
    let inner = shared.lock();
    ACCOUNTS
        .iter()
        .enumerate()
        .filter_map(|(i, (_, _, _, role))| {
            inner.dir.users.get(i).map(|u| SignInAccount {
                id: u.id.clone(),
                user_principal_name: u.upn.clone(),
                display_name: u.display_name.clone(),
                role: *role,
            })
        })
        .collect()
}

pub(crate) fn dump(shared: &Shared) -> Value {
    let inner = shared.lock();
    let now = Utc::now();
    let dir = &inner.dir;
    let users: Vec<Value> = (0..dir.users.len())
        .map(|i| {
            let u = &dir.users[i];
            let r = Renderer { dir, policy: &inner.policy, user: i, view: View::Full, version: ApiVersion::V1, now };
            json!({
                "id": u.id,
                "userPrincipalName": u.upn,
                "displayName": u.display_name,
                "accountEnabled": u.account_enabled,
                "userType": if u.guest { "Guest" } else { "Member" },
                "onPremisesSyncEnabled": u.synced,
                "licensed": u.licensed,
                "roles": u.roles.iter().map(|k| k.display_name()).collect::<Vec<_>>(),
                "signInRole": AdminRole::strongest(&u.roles),
                "groups": u.groups.iter().map(|g| dir.groups[*g].display_name.clone()).collect::<Vec<_>>(),
                "methods": r.all(),
                "signInPreferences": {
                    "isSystemPreferredAuthenticationMethodEnabled": u.prefs.system_preferred,
                    "userPreferredMethodForSecondaryAuthentication": u.prefs.preferred,
                },
                "perUserMfaState": u.prefs.per_user_mfa,
                "writesApplied": inner.counters.writes_by_user.get(&i).copied().unwrap_or(0),
            })
        })
        .collect();
    let groups: Vec<Value> = dir
        .groups
        .iter()
        .map(|g| json!({"id": g.id, "displayName": g.display_name, "members": g.member_users.len() + g.member_groups.len(), "transitiveUsers": g.transitive_users.len()}))
        .collect();
    let c = &inner.counters;
    let mut by_user = Map::new();
    for (i, n) in &c.writes_by_user {
        by_user.insert(dir.users[*i].upn.clone(), json!(n));
    }
    let cfg = &shared.config;
    json!({
        "tenant": {"id": shared.tenant_id, "domain": shared.tenant_domain, "baseUrl": shared.base_url.as_str()},
        "config": {
            "users": dir.users.len(),
            "seed": cfg.seed,
            "latencyMs": cfg.latency.as_millis(),
            "jitterMs": cfg.latency_jitter.as_millis(),
            "writeQuota": cfg.write_quota,
            "writeWindowS": cfg.write_window.as_secs_f64(),
            "readRuPer10s": cfg.effective_read_ru(),
            "tokenLifetimeS": cfg.token_lifetime.as_secs(),
            "refreshTokenLifetimeS": cfg.refresh_token_lifetime.as_secs(),
            "nonPremium": cfg.non_premium,
            "autoApprove": cfg.auto_approve,
            "retryAfterHttpDate": cfg.retry_after_http_date,
            "reportLagS": cfg.report_lag.as_secs(),
        },
        "faults": inner.faults,
        "counters": {
            "graphRequests": c.graph_requests,
            "writesApplied": c.writes_applied,
            "writesAppliedByUser": by_user,
            "throttled": {"total": c.throttled_writes + c.throttled_reads + c.throttled_reports, "writeLimit": c.throttled_writes, "resourceUnitLimit": c.throttled_reads, "reportsLimit": c.throttled_reports},
            "faults": {
                "serviceUnavailable": c.faults_503,
                "slow": c.faults_slow,
                "droppedReads": c.drops_read,
                "droppedWritesApplied": c.drops_write_applied,
                "droppedWritesNotApplied": c.drops_write_not_applied,
            },
            "authorizationCodesIssued": c.codes_issued,
            "accessTokensIssued": c.access_tokens_issued,
            "refreshTokensRedeemed": c.refresh_tokens_redeemed,
        },
        "tokens": {"access": inner.tokens.access.len(), "refresh": inner.tokens.refresh.len(), "codes": inner.tokens.codes.len()},
        "policy": policy_json(&inner.policy),
        "groups": groups,
        "users": users,
    })
}

pub(crate) fn set_faults(shared: &Shared, f: Faults) {
    shared.lock().faults = f.sanitized();
}

pub(crate) async fn state(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(dump(&shared))
}

pub(crate) async fn accounts_route(State(shared): State<Arc<Shared>>) -> Json<Vec<SignInAccount>> {
    Json(accounts(&shared))
}

pub(crate) async fn get_faults(State(shared): State<Arc<Shared>>) -> Json<Faults> {
    Json(shared.lock().faults)
}

pub(crate) async fn put_faults(
    State(shared): State<Arc<Shared>>,
    body: axum::body::Bytes,
) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(f) => {
            set_faults(&shared, f);
            (StatusCode::OK, Json(shared.lock().faults)).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": format!("invalid faults JSON: {e}")})),
        )
            .into_response(),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Clock {
    skew_seconds: i64,
}

/// `PUT /_sandbox/clock {"skewSeconds": N}`: the token endpoint's clock runs N s ahead.
pub(crate) async fn put_clock(
    State(shared): State<Arc<Shared>>,
    Json(c): Json<Clock>,
) -> StatusCode {
    shared.lock().clock_skew_s = c.skew_seconds;
    StatusCode::NO_CONTENT
}

pub(crate) async fn expire_tokens(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.lock().tokens.expire_all();
    StatusCode::NO_CONTENT
}
