//! Issued authorization codes, access tokens and refresh tokens: opaque random strings with
//! lifetimes, single-use codes, rotating refresh tokens (old ones stay valid, as Entra does),
//! and bearer-token checks for Graph requests. Never logs a token.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

use crate::errors::GraphError;

#[derive(Clone, Debug)]
pub(crate) struct AccessGrant {
    pub user: usize,
    pub client_id: String,
    /// The granted delegated scopes, space-separated (absolute URIs).
    pub scope: String,
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

impl TokenStore {
    pub(crate) fn issue_access(
        &mut self,
        user: usize,
        client_id: &str,
        scope: &str,
        lifetime: Duration,
    ) -> String {
        let token = format!("sbx-at.{}", random_secret(32));
        self.access.insert(
            token.clone(),
            AccessGrant {
                user,
                client_id: client_id.to_owned(),
                scope: scope.to_owned(),
                expires: Instant::now() + lifetime,
            },
        );
        token
    }

    pub(crate) fn issue_refresh(&mut self, user: usize, client_id: &str, scope: &str) -> String {
        let token = format!("sbx-rt.{}", random_secret(48));
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
