//! Reading users' methods live through `$batch`: all methods plus the beta sign-in preferences
//! (the methods source, rows outside the registration report, "refresh these users"), or only
//! the phone methods (SMS sign-in on the registration source). The per-user limit is
//! undocumented, so nothing assumes a rate: the throttle engine holds the read lane on a 429
//! and `$batch` re-sends only the throttled sub-requests.

use futures::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::Value;

use super::row::Facts;
use super::vocab;
use crate::graph::{Api, AuthMethod, BatchRequest, BatchResponse, GraphClient, GraphError};

/// Batches in flight at once (the engine bounds requests overall).
pub(crate) const BATCHES_IN_FLIGHT: usize = 4;
/// Users per `$batch` with two sub-requests each (Graph allows 20 sub-requests).
const USERS_PER_METHODS_BATCH: usize = 10;
const USERS_PER_PHONE_BATCH: usize = 20;

/// One user's read.
#[derive(Debug, Clone)]
pub(crate) enum Read {
    Facts(Box<Facts>),
    /// Graph refused (403): the signed-in role may not read this user's methods.
    Denied,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    value: Vec<Value>,
}

/// How many times a sub-request Graph still throttles after a whole `$batch` retry cycle is
/// sent again (in a later batch, after the engine's hold): a tight undocumented limit slows the
/// report down instead of failing it.
const THROTTLED_AGAIN: u32 = 6;

/// `graph.batch`, sending again the sub-requests still answered 429/503 at the end of its own
/// retries. Answers come back in request order.
pub(super) async fn batch_until_answered(
    graph: &GraphClient,
    api: Api,
    requests: Vec<BatchRequest>,
) -> Result<Vec<BatchResponse>, GraphError> {
    let mut answers = graph.batch(api, requests.clone()).await?;
    for _ in 0..THROTTLED_AGAIN {
        let again: Vec<usize> = (0..answers.len())
            .filter(|i| matches!(answers[*i].status, 429 | 503))
            .collect();
        if again.is_empty() {
            break;
        }
        let resent = graph
            .batch(api, again.iter().map(|i| requests[*i].clone()).collect())
            .await?;
        for (i, answer) in again.into_iter().zip(resent) {
            answers[i] = answer;
        }
    }
    Ok(answers)
}

fn failed(r: &BatchResponse) -> GraphError {
    match r.error() {
        Some(e) => GraphError::Api(Box::new(e)),
        None => GraphError::Decode(format!("unexpected status {}", r.status)),
    }
}

/// SMS sign-in and the mobile number, from phone methods (`smsSignInState` `ready`).
fn sms_and_mobile(methods: &[Value]) -> (bool, Option<String>) {
    let mobile = methods
        .iter()
        .find(|m| m.get("phoneType").and_then(Value::as_str) == Some("mobile"));
    let ready = mobile
        .and_then(|m| m.get("smsSignInState"))
        .and_then(Value::as_str)
        == Some("ready");
    let number = mobile
        .and_then(|m| m.get("phoneNumber"))
        .and_then(Value::as_str)
        .map(str::to_string);
    (ready, number)
}

fn facts_from(methods: &BatchResponse, prefs: &BatchResponse) -> Result<Read, GraphError> {
    if methods.status == 403 {
        return Ok(Read::Denied);
    }
    if !methods.is_success() {
        return Err(failed(methods));
    }
    let page: Page = methods.json()?;
    let parsed: Vec<AuthMethod> = page
        .value
        .iter()
        .cloned()
        .map(AuthMethod::from_json)
        .collect::<Result<_, _>>()?;
    let (sms, mobile) = sms_and_mobile(&page.value);
    let prefs: Option<Value> = prefs.is_success().then(|| prefs.body.clone());
    let pref_str = |name: &str| {
        prefs
            .as_ref()
            .and_then(|p| p.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(Read::Facts(Box::new(Facts {
        methods: Some(vocab::names_of(&parsed, chrono::Utc::now())),
        default_method: pref_str("userPreferredMethodForSecondaryAuthentication"),
        system_preferred: prefs
            .as_ref()
            .and_then(|p| p.get("isSystemPreferredAuthenticationMethodEnabled"))
            .and_then(Value::as_bool),
        sms_sign_in: Some(sms),
        mobile,
        ..Facts::default()
    })))
}

async fn methods_chunk(graph: &GraphClient, ids: &[String]) -> Result<Vec<Read>, GraphError> {
    let requests = ids
        .iter()
        .enumerate()
        .flat_map(|(i, id)| {
            [
                BatchRequest::get(
                    format!("{i}m"),
                    format!("/users/{id}/authentication/methods"),
                ),
                BatchRequest::get(
                    format!("{i}s"),
                    format!("/users/{id}/authentication/signInPreferences"),
                ),
            ]
        })
        .collect();
    let answers = batch_until_answered(graph, Api::Beta, requests).await?;
    answers
        .chunks(2)
        .map(|pair| match pair {
            [m, s] => facts_from(m, s),
            _ => Err(GraphError::Decode("the batch answer is incomplete".into())),
        })
        .collect()
}

/// Every method and the sign-in preferences of each user, in order, `BATCHES_IN_FLIGHT`
/// batches at a time; `on_chunk` sees each chunk (with its offset) as soon as it and all
/// earlier chunks are in.
pub(crate) async fn read_methods(
    graph: &GraphClient,
    ids: &[String],
    mut on_chunk: impl FnMut(usize, Vec<Read>) -> Result<(), super::ReportError>,
) -> Result<(), super::ReportError> {
    // Owned chunks: the stream's futures must not borrow `ids` (the app runs this on Tauri's
    // runtime, which needs a future that is Send for every lifetime).
    let owned: Vec<Vec<String>> = ids
        .chunks(USERS_PER_METHODS_BATCH)
        .map(<[String]>::to_vec)
        .collect();
    let mut chunks = stream::iter(owned.into_iter().enumerate())
        .map(|(n, chunk)| async move {
            (
                n * USERS_PER_METHODS_BATCH,
                methods_chunk(graph, &chunk).await,
            )
        })
        .buffered(BATCHES_IN_FLIGHT);
    while let Some((offset, reads)) = chunks.next().await {
        on_chunk(offset, reads?)?;
    }
    Ok(())
}

/// SMS sign-in `ready` and the mobile number as read; None when Graph refused.
pub(crate) type PhoneRead = Option<(bool, Option<String>)>;

/// SMS sign-in and mobile number per user id (None per user when Graph refused).
pub(crate) async fn read_phones(
    graph: &GraphClient,
    ids: &[String],
) -> Result<Vec<PhoneRead>, GraphError> {
    let results: Vec<Result<Vec<PhoneRead>, GraphError>> = stream::iter(
        ids.chunks(USERS_PER_PHONE_BATCH)
            .map(<[String]>::to_vec)
            .collect::<Vec<_>>(),
    )
    .map(|chunk| async move {
        let requests = chunk
            .iter()
            .enumerate()
            .map(|(i, id)| {
                BatchRequest::get(
                    i.to_string(),
                    format!("/users/{id}/authentication/phoneMethods"),
                )
            })
            .collect();
        let answers = batch_until_answered(graph, Api::V1, requests).await?;
        answers
            .iter()
            .map(|a| {
                if a.status == 403 {
                    Ok(None)
                } else if a.is_success() {
                    Ok(Some(sms_and_mobile(&a.json::<Page>()?.value)))
                } else {
                    Err(failed(a))
                }
            })
            .collect()
    })
    .buffered(BATCHES_IN_FLIGHT)
    .collect()
    .await;
    let mut out = Vec::with_capacity(ids.len());
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}
