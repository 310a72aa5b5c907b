//! One Graph request under the state lock: who is calling (from the bearer token), the throttle's
//! verdict, then the router. Shared by HTTP (`graph::handle`) and `$batch`; knows no transport.

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::Value;

use super::router;
use crate::errors::{GraphError, GraphResult};
use crate::request::{Ctx, GraphRequest};
use crate::roles::Powers;
use crate::state::{Caller, Inner, Shared};
use crate::throttle::{self, Verdict};

/// A Graph answer plus the throttle figures for its headers.
pub(crate) struct Outcome {
    pub result: GraphResult,
    pub ru: Option<u32>,
    pub used_percent: Option<f64>,
}

/// Who is calling, from the bearer token.
pub(crate) fn caller(inner: &Inner, auth: Option<&str>) -> Result<Caller, GraphError> {
    let grant = inner.tokens.check_bearer(auth)?;
    let Some(user) = grant.user else {
        // App-only: what the app may touch is decided per endpoint by its roles; within those,
        // Graph applies no role limits on targets and no masking.
        let has = |r: &str| grant.roles.iter().any(|g| g.eq_ignore_ascii_case(r));
        return Ok(Caller {
            user: None,
            reads_role_members: has("RoleManagement.Read.Directory") || has("Directory.Read.All"),
            reads_sign_ins: has("AuditLog.Read.All") && has("Directory.Read.All"),
            reads_policy: has("Policy.Read.All") || has("Policy.ReadWrite.AuthenticationMethod"),
            writes_auth_method_policy: has("Policy.ReadWrite.AuthenticationMethod"),
            client_id: grant.client_id,
            powers: Powers::application(),
            app_roles: Some(grant.roles),
        });
    };
    let powers = Powers::of(&inner.dir.users[user].roles);
    Ok(Caller {
        user: Some(user),
        reads_role_members: grant.has_scope("RoleManagement.Read.Directory")
            || grant.has_scope("Directory.Read.All"),
        reads_sign_ins: grant.has_scope("AuditLog.Read.All")
            && grant.has_scope("Directory.Read.All"),
        reads_policy: grant.has_scope("Policy.Read.All")
            || grant.has_scope("Policy.ReadWrite.AuthenticationMethod"),
        writes_auth_method_policy: grant.has_scope("Policy.ReadWrite.AuthenticationMethod"),
        client_id: grant.client_id,
        powers,
        app_roles: None,
    })
}

/// Throttles and dispatches one request under the state lock.
pub(crate) fn process(shared: &Shared, req: &GraphRequest, auth: Option<&str>) -> Outcome {
    let mut inner = shared.lock();
    let caller = match caller(&inner, auth) {
        Ok(c) => c,
        Err(e) => {
            let ru = throttle::ru_cost(&req.method, &req.lower, &req.query);
            return Outcome {
                result: Err(e),
                ru: Some(ru),
                used_percent: None,
            };
        }
    };
    run_admitted(shared, &mut inner, &caller, req)
}

/// Asks the throttle, then dispatches (a rejected request changes nothing).
pub(crate) fn run_admitted(
    shared: &Shared,
    inner: &mut Inner,
    caller: &Caller,
    req: &GraphRequest,
) -> Outcome {
    let cost = throttle::ru_cost(&req.method, &req.lower, &req.query);
    let verdict = if throttle::is_report(&req.lower) {
        inner.throttle.admit_report(&caller.client_id)
    } else {
        inner
            .throttle
            .admit(&caller.client_id, req.is_write(), cost)
    };
    match verdict {
        Verdict::Reject {
            information,
            retry_after,
        } => {
            if information == "WriteLimitExceeded" {
                inner.counters.throttled_writes += 1;
            } else if information == "ReportsLimitExceeded" {
                inner.counters.throttled_reports += 1;
            } else {
                inner.counters.throttled_reads += 1;
            }
            let err = throttle::too_many_requests(
                information,
                retry_after,
                &caller.client_id,
                &shared.tenant_id,
                shared.config.retry_after_http_date,
            );
            Outcome {
                result: Err(err),
                ru: Some(cost),
                used_percent: None,
            }
        }
        Verdict::Admit { ru, used_percent } => {
            if req.is_write() {
                keep_report_view(shared, inner, caller, req);
            }
            let mut ctx = Ctx {
                shared,
                inner,
                caller,
                version: req.version,
                now: Utc::now(),
            };
            let result = router::dispatch(&mut ctx, req);
            Outcome {
                result,
                ru: Some(ru),
                used_percent,
            }
        }
    }
}

/// Before a write to someone's authentication methods, the registration report keeps showing
/// their state from before it (it lags, rule 12).
fn keep_report_view(shared: &Shared, inner: &mut Inner, caller: &Caller, req: &GraphRequest) {
    let target = match req.lower.as_slice() {
        [me, auth, ..] if me == "me" && auth == "authentication" => caller.user,
        [users, key, auth, ..] if users == "users" && auth == "authentication" => {
            inner.dir.find_user(key)
        }
        _ => None,
    };
    if let Some(user) = target {
        let lag = chrono::Duration::from_std(shared.config.report_lag)
            .unwrap_or_else(|_| chrono::Duration::hours(1));
        inner.dir.users[user].before_methods_write(Utc::now(), lag);
    }
}

/// A JSON value for a batch sub-response body.
pub(crate) fn outcome_body(
    out: &Outcome,
    request_id: &str,
) -> (StatusCode, Option<Value>, Vec<(&'static str, String)>) {
    match &out.result {
        Ok(r) => (
            r.status,
            r.body.clone().or_else(|| r.text.clone().map(Value::String)),
            r.headers.clone(),
        ),
        Err(e) => (
            e.status,
            Some(e.envelope(request_id, request_id)),
            e.headers.clone(),
        ),
    }
}
