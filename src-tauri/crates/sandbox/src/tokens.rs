//! Issued authorization codes, access tokens and refresh tokens: random strings with lifetimes,
//! single-use codes, rotating refresh tokens (old ones stay valid, as Entra does), and
//! bearer-token checks for Graph requests. Tokens are as long as Entra's (refresh tokens 1,500 to
//! 2,000 characters, JWT-shaped access tokens about 2,500), so every test carries realistic sizes
//! through headers and the keychain. Never logs a token.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{Rng, RngCore};

use crate::errors::GraphError;

#[derive(Clone, Debug)]
pub(crate) struct AccessGrant {
    /// The signed-in user; `None` for an app-only token.
    pub user: Option<usize>,
    pub client_id: String,
    /// The granted delegated scopes, space-separated (absolute URIs).
    pub scope: String,
    /// App-only tokens: the application permissions granted to the app (`roles` claim).
    pub roles: Vec<String>,
    pub expires: Instant,
}

impl AccessGrant {
    /// Was the Graph permission `name` (e.g. `Directory.Read.All`) granted? Case-insensitive.
    pub(crate) fn has_scope(&self, name: &str) -> bool {
        self.scope.split_whitespace().any(|s| {
            s.rsplit('/')
                .next()
                .is_some_and(|tail| tail.eq_ignore_ascii_case(name))
        })
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RefreshGrant {
    pub user: usize,
    pub client_id: String,
    pub scope: String,
    pub issued: Instant,
    pub redeemed: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct CodeGrant {
    pub user: usize,
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Option<String>,
    pub challenge_method: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub issued: Instant,
    pub redeemed: bool,
}

/// A device-code sign-in waiting for (or given) approval at `/devicelogin`.
#[derive(Clone, Debug)]
pub(crate) struct DeviceGrant {
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub issued: Instant,
    pub approved_user: Option<usize>,
    pub redeemed: bool,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    pub devices: HashMap<String, DeviceGrant>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub codes: HashMap<String, CodeGrant>,
}

/// An unguessable opaque string (OS randomness, not the seeded RNG).
pub(crate) fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `sbx-rt.` and random text, 1,500 to 2,000 characters in all (Entra's measure 1,500 and more).
fn refresh_token_text() -> String {
    let len = rand::thread_rng().gen_range(1_500..=2_000);
    let mut token = format!("sbx-rt.{}", random_secret(len * 3 / 4));
    token.truncate(len);
    token
}

/// A JWT of about 2,500 characters (header, claims, a 2048-bit signature's worth of random
/// bytes), as Entra's Graph access tokens are. Only its size and shape matter: the sandbox looks
/// tokens up, it never reads them.
fn jwt_shaped(user: usize, client_id: &str, lifetime: Duration) -> String {
    const TARGET: usize = 2_500;
    let now = chrono::Utc::now().timestamp();
    let exp = now + i64::try_from(lifetime.as_secs()).unwrap_or(3_600);
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256","kid":"sbx-signing-key"}"#);
    let signature = random_secret(256);
    let mut claims = serde_json::json!({
        "aud": "https://graph.microsoft.com",
        "appid": client_id,
        "iat": now, "nbf": now, "exp": exp,
        "idx": user,
        "scp": "AuditLog.Read.All GroupMember.Read.All Policy.Read.All User.Read.All UserAuthenticationMethod.ReadWrite.All profile openid",
        "uti": random_secret(16),
        "ver": "1.0",
    });
    let bare = URL_SAFE_NO_PAD.encode(claims.to_string()).len() + header.len() + signature.len();
    // Entra pads its tokens with claims like `xms_ftd`; base64 of base64 grows by 4/3.
    let room = TARGET.saturating_sub(bare + 32) * 3 / 4 * 3 / 4;
    claims["xms_ftd"] = serde_json::Value::String(random_secret(room));
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.{signature}")
}

impl TokenStore {
    pub(crate) fn issue_access(
        &mut self,
        user: usize,
        client_id: &str,
        scope: &str,
        lifetime: Duration,
    ) -> String {
        let token = format!("sbx-at.{}", jwt_shaped(user, client_id, lifetime));
        self.access.insert(
            token.clone(),
            AccessGrant {
                user: Some(user),
                client_id: client_id.to_owned(),
                scope: scope.to_owned(),
                roles: Vec::new(),
                expires: Instant::now() + lifetime,
            },
        );
        token
    }

    /// An app-only access token: no user, the app's `roles`, Entra's `idtyp: app`.
    pub(crate) fn issue_app_access(
        &mut self,
        client_id: &str,
        roles: &[String],
        tenant_id: &str,
        lifetime: Duration,
    ) -> String {
        let now = chrono::Utc::now().timestamp();
        let exp = now + i64::try_from(lifetime.as_secs()).unwrap_or(3_600);
        let header =
            URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256","kid":"sbx-signing-key"}"#);
        let claims = serde_json::json!({
            "aud": "https://graph.microsoft.com",
            "appid": client_id,
            "iat": now, "nbf": now, "exp": exp,
            "idtyp": "app",
            "roles": roles,
            "tid": tenant_id,
            "uti": random_secret(16),
            "ver": "1.0",
        });
        let token = format!(
            "sbx-at.{header}.{}.{}",
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            random_secret(256)
        );
        self.access.insert(
            token.clone(),
            AccessGrant {
                user: None,
                client_id: client_id.to_owned(),
                scope: String::new(),
                roles: roles.to_vec(),
                expires: Instant::now() + lifetime,
            },
        );
        token
    }

    pub(crate) fn issue_refresh(&mut self, user: usize, client_id: &str, scope: &str) -> String {
        let token = refresh_token_text();
        self.refresh.insert(
            token.clone(),
            RefreshGrant {
                user,
                client_id: client_id.to_owned(),
                scope: scope.to_owned(),
                issued: Instant::now(),
                redeemed: 0,
            },
        );
        token
    }

    pub(crate) fn issue_code(&mut self, grant: CodeGrant) -> String {
        let code = format!("sbx-code.{}", random_secret(32));
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Every access token issued so far is expired from now on.
    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for grant in self.access.values_mut() {
            grant.expires = grant.expires.min(now);
        }
    }

    /// The grant behind an `Authorization` header value, or Graph's 401.
    pub(crate) fn check_bearer(&self, header: Option<&str>) -> Result<AccessGrant, GraphError> {
        let value = header.map(str::trim).unwrap_or_default();
        if value.is_empty() {
            return Err(GraphError::unauthenticated("Access token is empty."));
        }
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                GraphError::unauthenticated("Access token validation failure. Invalid audience.")
            })?;
        let grant = self.access.get(token).ok_or_else(|| {
            GraphError::unauthenticated("IDX14100: JWT is not well formed, there are no dots (.).")
        })?;
        if Instant::now() >= grant.expires {
            return Err(GraphError::unauthenticated(
                "Lifetime validation failed, the token is expired.",
            ));
        }
        Ok(grant.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_as_long_and_shaped_as_entras() {
        let mut store = TokenStore::default();
        for _ in 0..50 {
            let refresh = store.issue_refresh(0, "client", "offline_access");
            assert!(refresh.starts_with("sbx-rt."), "{refresh}");
            assert!(
                (1_500..=2_000).contains(&refresh.len()),
                "{}",
                refresh.len()
            );
            let access = store.issue_access(0, "client", "offline_access", Duration::from_secs(60));
            let jwt = access.strip_prefix("sbx-at.").unwrap();
            assert!((2_300..=2_700).contains(&access.len()), "{}", access.len());
            let parts: Vec<&str> = jwt.split('.').collect();
            assert_eq!(parts.len(), 3);
            let claims: serde_json::Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
            assert_eq!(claims["appid"], "client");
            assert!(store
                .check_bearer(Some(&format!("Bearer {access}")))
                .is_ok());
        }
    }
}
