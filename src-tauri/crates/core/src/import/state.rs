//! Reading the current state of the users a file names: four GETs per user (user, all methods,
//! roles, sign-in preferences) in `$batch`es of five users, through the throttle engine. A user
//! cell may be a UPN, an object id or a mail address (mail falls back to a `$filter`).

use futures::stream::{self, StreamExt};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::graph::USER_SELECT;
use crate::graph::{
    Api, BatchRequest, BatchResponse, DirectoryObject, GraphClient, GraphError, MethodKind,
    PhoneMethod, SignInPreferences, User,
};
use crate::phone::PhoneType;
use crate::roles::Role;

use super::model::TargetUser;

/// What a user has now, as the signed-in admin can see it (numbers may be masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserState {
    pub user: TargetUser,
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
}

impl UserState {
    pub fn phone(&self, t: PhoneType) -> Option<&PhoneMethod> {
        self.phones.iter().find(|p| p.phone_type == Some(t))
    }

    /// A short digest of everything a plan depends on.
    pub fn fingerprint(&self) -> String {
        let mut phones: Vec<String> = self
            .phones
            .iter()
            .map(|p| {
                format!(
                    "{:?}={}:{:?}",
                    p.phone_type, p.phone_number, p.sms_sign_in_state
                )
            })
            .collect();
        phones.sort();
        let text = format!(
            "{}|{}|{:?}|{:?}",
            phones.join(";"),
            self.email.as_deref().unwrap_or(""),
            self.preferences
                .user_preferred_method_for_secondary_authentication,
            self.preferences
                .is_system_preferred_authentication_method_enabled,
        );
        let digest = Sha256::digest(text.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

/// The result of looking a user up.
#[derive(Debug, Clone)]
pub enum Lookup {
    Found(Box<UserState>),
    NotFound,
    Failed(GraphError),
}

/// Users read per `$batch` (four sub-requests each, Graph's limit is 20).
const USERS_PER_BATCH: usize = 5;

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

fn requests_for(i: usize, key: &str) -> Vec<BatchRequest> {
    let k = segment(key);
    vec![
        BatchRequest::get(format!("{i}u"), format!("/users/{k}?$select={USER_SELECT}")),
        BatchRequest::get(
            format!("{i}m"),
            format!("/users/{k}/authentication/methods"),
        ),
        BatchRequest::get(format!("{i}r"), format!("/users/{k}/memberOf")),
        BatchRequest::get(
            format!("{i}s"),
            format!("/users/{k}/authentication/signInPreferences"),
        ),
    ]
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

fn assemble(i: usize, answers: &[BatchResponse]) -> Lookup {
    let get = |suffix: &str| answers.iter().find(|a| a.id == format!("{i}{suffix}"));
    let (Some(u), Some(m), Some(r), Some(s)) = (get("u"), get("m"), get("r"), get("s")) else {
        return Lookup::Failed(GraphError::Decode("the batch answer is incomplete".into()));
    };
    if u.status == 404 {
        return Lookup::NotFound;
    }
    for a in [u, m, r, s] {
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
        for method in methods.value {
            let kind = method
                .get("@odata.type")
                .and_then(|t| t.as_str())
                .map(MethodKind::from_odata_type);
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
        let member_of: Page<DirectoryObject> = r.json()?;
        let preferences: SignInPreferences = s.json()?;
        Ok(UserState {
            user: TargetUser {
                user_principal_name: user.user_principal_name.clone().unwrap_or_default(),
                display_name: user.display_name.clone().unwrap_or_default(),
                id: user.id,
            },
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
        })
    })();
    match parsed {
        Ok(state) => Lookup::Found(Box::new(state)),
        Err(e) => Lookup::Failed(e),
    }
}

/// Reads one chunk of at most five users.
async fn read_chunk(graph: &GraphClient, keys: &[String]) -> Vec<Lookup> {
    let requests = keys
        .iter()
        .enumerate()
        .flat_map(|(i, k)| requests_for(i, k))
        .collect();
    match graph.batch(Api::Beta, requests).await {
        Ok(answers) => (0..keys.len()).map(|i| assemble(i, &answers)).collect(),
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

/// Reads the state of every key, in order, `concurrency` batches at a time; `on_chunk` sees each
/// chunk's results as soon as they and all earlier chunks are in (so a preview can stream).
pub async fn read_states(
    graph: &GraphClient,
    keys: &[String],
    concurrency: usize,
    mut on_chunk: impl FnMut(usize, &[Lookup]),
) -> Vec<Lookup> {
    let chunks: Vec<Vec<String>> = keys
        .chunks(USERS_PER_BATCH)
        .map(<[String]>::to_vec)
        .collect();
    let mut results = stream::iter(chunks.into_iter().enumerate())
        .map(|(n, chunk)| async move {
            let mut found = read_chunk(graph, &chunk).await;
            for (key, lookup) in chunk.iter().zip(found.iter_mut()) {
                if matches!(lookup, Lookup::NotFound) && key.contains('@') {
                    *lookup = match by_mail(graph, key).await {
                        Ok(Some(id)) => read_chunk(graph, &[id])
                            .await
                            .pop()
                            .unwrap_or(Lookup::NotFound),
                        Ok(None) => Lookup::NotFound,
                        Err(e) => Lookup::Failed(e),
                    };
                }
            }
            (n * USERS_PER_BATCH, found)
        })
        .buffered(concurrency.max(1));
    let mut all = Vec::with_capacity(keys.len());
    while let Some((offset, chunk)) = results.next().await {
        on_chunk(offset, &chunk);
        all.extend(chunk);
    }
    all
}

/// Reads one user's state (apply re-checks a row against it).
pub async fn read_state(graph: &GraphClient, key: &str) -> Lookup {
    read_chunk(graph, &[key.to_string()])
        .await
        .pop()
        .unwrap_or(Lookup::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_path_encoded() {
        assert_eq!(segment("a_b#EXT#@x.example"), "a_b%23EXT%23@x.example");
        assert_eq!(segment("o'neil@x.example"), "o'neil@x.example");
    }
}
