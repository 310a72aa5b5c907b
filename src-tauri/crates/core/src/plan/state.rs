//! Reading the current state of the users a file names: four GETs per user (user, all methods,
//! roles, sign-in preferences) in `$batch`es of five users, through the throttle engine. A user
//! cell may be a UPN, an object id or a mail address (mail falls back to a `$filter`).

use futures::stream::{self, StreamExt};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use chrono::{DateTime, Utc};

use crate::graph::USER_SELECT;
use crate::graph::{
    Api, BatchRequest, BatchResponse, DirectoryObject, GraphClient, GraphError, MethodKind,
    PerUserMfaState, PhoneMethod, SignInPreferences, User,
};
use crate::phone::PhoneType;
use crate::roles::Role;

use super::model::TargetUser;

/// What a user has now, as the signed-in admin can see it (numbers may be masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserState {
    pub user: TargetUser,
    /// The user's mail address (Graph's `mail`), to check a file's mail column against.
    pub mail: Option<String>,
    pub account_enabled: bool,
    pub guest: bool,
    pub phones: Vec<PhoneMethod>,
    pub email: Option<String>,
    /// Has a Microsoft Authenticator registration (for `push`).
    pub has_authenticator: bool,
    /// Has a software OATH token (for `oath`, with Authenticator).
    pub has_software_oath: bool,
    pub preferences: SignInPreferences,
    pub roles: Vec<Role>,
    /// Has an MFA method besides phones (Authenticator, passkey, OATH, Windows Hello, ...);
    /// `None` when only the phone (and email) methods were read (`Needs::phones_only`).
    pub other_mfa: Option<bool>,
    /// Per-user MFA state, when it was read (`Needs::per_user_mfa`).
    pub per_user_mfa: Option<PerUserMfaState>,
    /// The user's Temporary Access Pass (Graph keeps at most one).
    pub tap: Option<TapState>,
    /// Strong methods (Authenticator, passkeys / FIDO2, Windows Hello, platform credentials,
    /// software OATH) with when each was registered.
    pub registered: Vec<Registered>,
}

/// A Temporary Access Pass as Graph lists it (never the pass itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TapState {
    pub id: String,
    pub created: Option<DateTime<Utc>>,
    pub start: Option<DateTime<Utc>>,
    pub lifetime_minutes: Option<u32>,
    pub once: Option<bool>,
    pub usable: Option<bool>,
    /// Graph's `methodUsabilityReason` (`EnabledByPolicy`, `DisabledByPolicy`, `Expired`,
    /// `NotYetValid`, `OneTimeUsed`).
    pub reason: Option<String>,
}

impl TapState {
    /// Usable now: Graph's `isUsable` where it says (v1.0), else from its start and lifetime
    /// (beta lists passes without it).
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        match self.usable {
            Some(usable) => usable,
            None => {
                let started = self.start.or(self.created).is_none_or(|s| s <= now);
                started && self.expires().is_none_or(|e| now < e)
            }
        }
    }

    /// When the pass stops working.
    pub fn expires(&self) -> Option<DateTime<Utc>> {
        let start = self.start.or(self.created)?;
        Some(start + chrono::Duration::minutes(i64::from(self.lifetime_minutes?)))
    }
}

/// A strong method and when it was registered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    pub kind: MethodKind,
    pub created: Option<DateTime<Utc>>,
}

impl Registered {
    /// Signs in without a phone and without a password: a passkey / FIDO2 key, Windows Hello,
    /// a platform credential or passwordless Authenticator.
    pub fn is_passkey(&self) -> bool {
        matches!(
            self.kind,
            MethodKind::Fido2
                | MethodKind::WindowsHelloForBusiness
                | MethodKind::PlatformCredential
                | MethodKind::PasswordlessMicrosoftAuthenticator
        )
    }
}

impl UserState {
    pub fn phone(&self, t: PhoneType) -> Option<&PhoneMethod> {
        self.phones.iter().find(|p| p.phone_type == Some(t))
    }

    /// A short digest of what a plan for `desired` depends on: the numbers, the email, the
    /// preferences — and the SMS sign-in states only when the row touches SMS sign-in (they
    /// change as a side effect of other users' numbers, which must not void a mobile change).
    pub fn fingerprint(&self, desired: Option<&super::model::Desired>) -> String {
        let with_sms = desired.is_some_and(|d| d.sms_sign_in.is_some());
        let tap = match desired.map(|d| &d.tap) {
            Some(super::model::Want::Keep) | None => String::new(),
            Some(_) => self.tap.as_ref().map(|t| t.id.clone()).unwrap_or_default(),
        };
        let mut phones: Vec<String> = self
            .phones
            .iter()
            .map(|p| {
                let sms = if with_sms {
                    format!("{:?}", p.sms_sign_in_state)
                } else {
                    String::new()
                };
                format!("{:?}={}:{sms}", p.phone_type, p.phone_number)
            })
            .collect();
        phones.sort();
        // Preferences only when the plan read them (apply re-reads with the same needs).
        let prefs = if desired.is_none_or(|d| d.needs_preferences()) {
            format!(
                "{:?}|{:?}",
                self.preferences
                    .user_preferred_method_for_secondary_authentication,
                self.preferences
                    .is_system_preferred_authentication_method_enabled,
            )
        } else {
            String::new()
        };
        let mfa = match desired.and_then(|d| d.per_user_mfa) {
            Some(_) => format!("|{:?}", self.per_user_mfa),
            None => String::new(),
        };
        let text = format!(
            "{}|{}|{prefs}|{tap}{mfa}",
            phones.join(";"),
            self.email.as_deref().unwrap_or(""),
        );
        let digest = Sha256::digest(text.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

/// Notes a TAP or a strong method from one entry of `/authentication/methods` (the one reading
/// of those for the bulk engine and the single-user overview).
pub(crate) fn note_method(
    kind: &MethodKind,
    created: Option<DateTime<Utc>>,
    props: &serde_json::Map<String, serde_json::Value>,
    tap: &mut Option<TapState>,
    registered: &mut Vec<Registered>,
) {
    match kind {
        MethodKind::TemporaryAccessPass => {
            let Ok(t) = serde_json::from_value::<crate::graph::TemporaryAccessPass>(
                serde_json::Value::Object(props.clone()),
            ) else {
                return;
            };
            *tap = Some(TapState {
                id: t.id.clone(),
                created,
                start: t.start_date_time,
                lifetime_minutes: t.lifetime_in_minutes,
                once: t.is_usable_once,
                usable: t.is_usable,
                reason: t.method_usability_reason.clone(),
            });
        }
        k if k.is_mfa() && *k != MethodKind::Phone => registered.push(Registered {
            kind: k.clone(),
            created,
        }),
        _ => {}
    }
}

/// The result of looking a user up.
#[derive(Debug, Clone)]
pub enum Lookup {
    Found(Box<UserState>),
    NotFound,
    Failed(GraphError),
}

/// Graph's limit of sub-requests per `$batch`.
const BATCH_LIMIT: usize = 20;

/// What must be read besides the user and their methods. Every read costs resource units from
/// the tenant's read quota, so a preview reads only what its rows depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Directory roles (only when the admin's own role limits which targets they may change).
    pub roles: bool,
    /// Sign-in preferences (only for rows that touch SMS sign-in or the default method, or
    /// remove a phone, which is refused while it is the default).
    pub preferences: bool,
    /// Read only the phone methods (and the email method when `email`), not every method: what
    /// an app granted only `UserAuthMethod-Phone.ReadWrite.All` may read (unattended runs).
    pub phones_only: bool,
    /// With `phones_only`: the row touches the email method.
    pub email: bool,
    /// Per-user MFA state (only for rows that set it).
    pub per_user_mfa: bool,
}

impl Needs {
    fn requests(self) -> usize {
        2 + usize::from(self.roles)
            + usize::from(self.preferences)
            + usize::from(self.phones_only && self.email)
            + usize::from(self.per_user_mfa)
    }
}

/// A user to read and what to read about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub key: String,
    pub needs: Needs,
}

fn segment(key: &str) -> String {
    let mut url = url::Url::parse("http://x/").map(Some).unwrap_or(None);
    if let Some(u) = url.as_mut() {
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.clear().push(key);
        }
    }
    url.map(|u| u.path().trim_start_matches('/').to_string())
        .unwrap_or_default()
}

fn requests_for(i: usize, key: &Key) -> Vec<BatchRequest> {
    let k = segment(&key.key);
    let mut out = vec![
        BatchRequest::get(format!("{i}u"), format!("/users/{k}?$select={USER_SELECT}")),
        BatchRequest::get(
            format!("{i}m"),
            if key.needs.phones_only {
                format!("/users/{k}/authentication/phoneMethods")
            } else {
                format!("/users/{k}/authentication/methods")
            },
        ),
    ];
    if key.needs.phones_only && key.needs.email {
        out.push(BatchRequest::get(
            format!("{i}e"),
            format!("/users/{k}/authentication/emailMethods"),
        ));
    }
    if key.needs.roles {
        out.push(BatchRequest::get(
            format!("{i}r"),
            format!("/users/{k}/memberOf"),
        ));
    }
    if key.needs.preferences {
        out.push(BatchRequest::get(
            format!("{i}s"),
            format!("/users/{k}/authentication/signInPreferences"),
        ));
    }
    if key.needs.per_user_mfa {
        out.push(BatchRequest::get(
            format!("{i}q"),
            format!("/users/{k}/authentication/requirements"),
        ));
    }
    out
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
}

fn api_error(r: &BatchResponse) -> GraphError {
    match r.error() {
        Some(e) => GraphError::Api(Box::new(e)),
        None => GraphError::Decode(format!("unexpected status {}", r.status)),
    }
}

fn assemble(i: usize, answers: &[BatchResponse], phones_only: bool) -> Lookup {
    let get = |suffix: &str| answers.iter().find(|a| a.id == format!("{i}{suffix}"));
    let (Some(u), Some(m)) = (get("u"), get("m")) else {
        return Lookup::Failed(GraphError::Decode("the batch answer is incomplete".into()));
    };
    let (r, s, e, q) = (get("r"), get("s"), get("e"), get("q"));
    if u.status == 404 {
        return Lookup::NotFound;
    }
    for a in [Some(u), Some(m), r, s, e, q].into_iter().flatten() {
        if !a.is_success() {
            return Lookup::Failed(api_error(a));
        }
    }
    let parsed = (|| -> Result<UserState, GraphError> {
        let user: User = u.json()?;
        let methods: Page<serde_json::Value> = m.json()?;
        let mut phones = Vec::new();
        let mut email = None;
        let (mut has_authenticator, mut has_software_oath) = (false, false);
        let mut other_mfa = (!phones_only).then_some(false);
        let (mut tap, mut registered) = (None, Vec::new());
        for method in methods.value {
            let kind = if phones_only {
                Some(MethodKind::Phone)
            } else {
                method
                    .get("@odata.type")
                    .and_then(|t| t.as_str())
                    .map(MethodKind::from_odata_type)
            };
            if kind.as_ref().is_some_and(MethodKind::is_mfa_besides_phone) {
                other_mfa = Some(true);
            }
            let created = method
                .get("createdDateTime")
                .and_then(|c| c.as_str())
                .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                .map(|c| c.with_timezone(&Utc));
            if let (Some(k), Some(props)) = (kind.as_ref(), method.as_object()) {
                note_method(k, created, props, &mut tap, &mut registered);
            }
            match kind {
                Some(MethodKind::Phone) => phones.push(
                    serde_json::from_value::<PhoneMethod>(method)
                        .map_err(|e| GraphError::Decode(e.to_string()))?,
                ),
                Some(MethodKind::Email) => {
                    email = method
                        .get("emailAddress")
                        .and_then(|a| a.as_str())
                        .map(str::to_string)
                }
                Some(MethodKind::MicrosoftAuthenticator) => has_authenticator = true,
                Some(MethodKind::SoftwareOath) => has_software_oath = true,
                _ => {}
            }
        }
        if let Some(e) = e {
            let list: Page<serde_json::Value> = e.json()?;
            email = list
                .value
                .first()
                .and_then(|m| m.get("emailAddress"))
                .and_then(|a| a.as_str())
                .map(str::to_string);
        }
        let member_of: Page<DirectoryObject> = match r {
            Some(r) => r.json()?,
            None => Page { value: Vec::new() },
        };
        let preferences: SignInPreferences = match s {
            Some(s) => s.json()?,
            None => SignInPreferences::default(),
        };
        let per_user_mfa = match q {
            Some(q) => {
                let v: serde_json::Value = q.json()?;
                let text = v["perUserMfaState"].as_str().unwrap_or("disabled");
                Some(text.parse::<PerUserMfaState>().map_err(|_| {
                    GraphError::Decode(format!("an unknown per-user MFA state '{text}'"))
                })?)
            }
            None => None,
        };
        Ok(UserState {
            user: TargetUser {
                user_principal_name: user.user_principal_name.clone().unwrap_or_default(),
                display_name: user.display_name.clone().unwrap_or_default(),
                id: user.id,
            },
            mail: user.mail.clone(),
            account_enabled: user.account_enabled.unwrap_or(true),
            guest: user
                .user_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("guest")),
            phones,
            email,
            has_authenticator,
            has_software_oath,
            preferences,
            roles: member_of
                .value
                .iter()
                .filter_map(Role::from_directory_object)
                .collect(),
            other_mfa,
            per_user_mfa,
            tap,
            registered,
        })
    })();
    match parsed {
        Ok(state) => Lookup::Found(Box::new(state)),
        Err(e) => Lookup::Failed(e),
    }
}

/// Reads one chunk of users (at most 20 sub-requests).
async fn read_chunk(graph: &GraphClient, keys: &[Key]) -> Vec<Lookup> {
    let requests = keys
        .iter()
        .enumerate()
        .flat_map(|(i, k)| requests_for(i, k))
        .collect();
    match graph.batch(Api::Beta, requests).await {
        Ok(answers) => (0..keys.len())
            .map(|i| assemble(i, &answers, keys[i].needs.phones_only))
            .collect(),
        Err(e) => keys.iter().map(|_| Lookup::Failed(e.clone())).collect(),
    }
}

/// Finds a user by mail when the key is not a UPN or id.
async fn by_mail(graph: &GraphClient, mail: &str) -> Result<Option<String>, GraphError> {
    let literal = mail.replace('\'', "''");
    let path = format!(
        "users?$select=id&$filter=mail%20eq%20'{}'",
        segment(&literal)
    );
    let page: Page<User> = graph
        .raw(reqwest::Method::GET, Api::V1, &path, None)
        .await?
        .json()?;
    Ok(page.value.into_iter().next().map(|u| u.id))
}

/// Packs keys into `$batch`es of at most 20 sub-requests, keeping their order.
fn chunks(keys: &[Key]) -> Vec<(usize, Vec<Key>)> {
    let mut out: Vec<(usize, Vec<Key>)> = Vec::new();
    let mut used = BATCH_LIMIT;
    for (i, key) in keys.iter().enumerate() {
        let n = key.needs.requests();
        match out.last_mut() {
            Some((_, chunk)) if used + n <= BATCH_LIMIT => chunk.push(key.clone()),
            _ => {
                out.push((i, vec![key.clone()]));
                used = 0;
            }
        }
        used += n;
    }
    out
}

/// Reads the state of every key, in order, `concurrency` batches at a time; `on_chunk` sees each
/// chunk's results (with the index of its first key) as soon as they and all earlier chunks
/// are in, so a preview can stream.
pub async fn read_states(
    graph: &GraphClient,
    keys: &[Key],
    concurrency: usize,
    mut on_chunk: impl FnMut(usize, &[Lookup]),
) -> Vec<Lookup> {
    let mut results = stream::iter(chunks(keys))
        .map(|(offset, chunk)| async move {
            let mut found = read_chunk(graph, &chunk).await;
            for (key, lookup) in chunk.iter().zip(found.iter_mut()) {
                if matches!(lookup, Lookup::NotFound) && key.key.contains('@') {
                    *lookup = match by_mail(graph, &key.key).await {
                        Ok(Some(id)) => read_chunk(
                            graph,
                            &[Key {
                                key: id,
                                needs: key.needs,
                            }],
                        )
                        .await
                        .pop()
                        .unwrap_or(Lookup::NotFound),
                        Ok(None) => Lookup::NotFound,
                        Err(e) => Lookup::Failed(e),
                    };
                }
            }
            (offset, found)
        })
        .buffered(concurrency.max(1));
    let mut all = Vec::with_capacity(keys.len());
    while let Some((offset, chunk)) = results.next().await {
        on_chunk(offset, &chunk);
        all.extend(chunk);
    }
    all
}

/// Reads one user's state (apply re-checks a row against it, with the same needs).
pub async fn read_state(graph: &GraphClient, key: &str, needs: Needs) -> Lookup {
    read_chunk(
        graph,
        &[Key {
            key: key.to_string(),
            needs,
        }],
    )
    .await
    .pop()
    .unwrap_or(Lookup::NotFound)
}
