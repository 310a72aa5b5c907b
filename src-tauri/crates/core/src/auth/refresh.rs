//! A token source that keeps the access token in memory and refreshes it silently: shortly before
//! expiry, and once when Graph answers 401. Rotated refresh tokens are handed to a hook (the
//! keychain store) and replace the old one in memory.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use secrecy::SecretString;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::pkce::redeem_refresh_token;
use super::{AccessToken, AuthError, SignInConfig, TokenSet, TokenSource};

/// Where rotated refresh tokens go (the OS keychain's keeper), and whether the sign-in still
/// stands: after a sign-out here or in another process (`prestage-cli logout`), the next refresh
/// stops instead of redeeming the token and saving a new one.
pub trait Rotation: Send + Sync {
    /// A new refresh token: persist it.
    fn rotated(&self, refresh: &SecretString);
    /// `false` once signed out, here or elsewhere.
    fn signed_in(&self) -> bool;
}

pub type RotationHook = Arc<dyn Rotation>;

struct Current {
    access: AccessToken,
    expires_at: Instant,
    lifetime: Duration,
    refresh: Option<SecretString>,
    /// Permissions asked for after sign-in (incremental consent), on top of `config.scopes`.
    extra_scopes: Vec<String>,
}

/// Access token in memory, refreshed silently with the refresh token.
pub struct RefreshingTokenSource {
    config: SignInConfig,
    current: Mutex<Current>,
    on_rotate: Option<RotationHook>,
}

impl RefreshingTokenSource {
    pub fn new(config: SignInConfig, tokens: TokenSet, on_rotate: Option<RotationHook>) -> Self {
        let current = Current {
            access: tokens.access,
            expires_at: Instant::now() + tokens.expires_in,
            lifetime: tokens.expires_in,
            refresh: tokens.refresh,
            extra_scopes: Vec::new(),
        };
        Self {
            config,
            current: Mutex::new(current),
            on_rotate,
        }
    }

    /// Refresh this long before expiry: a tenth of the lifetime, at most five minutes.
    fn margin(lifetime: Duration) -> Duration {
        (lifetime / 10).min(Duration::from_secs(300))
    }

    async fn refresh_locked(&self, current: &mut Current) -> Result<AccessToken, AuthError> {
        if self.on_rotate.as_ref().is_some_and(|h| !h.signed_in()) {
            // Signed out (here, or by another window or `prestage-cli logout`): final.
            current.refresh = None;
            return Err(AuthError::SignedOut);
        }
        let refresh = current.refresh.clone().ok_or(AuthError::SessionExpired)?;
        let mut config = self.config.clone();
        config.scopes.extend(current.extra_scopes.iter().cloned());
        let fresh = redeem_refresh_token(&config, &refresh).await?;
        current.access = fresh.access.clone();
        current.expires_at = Instant::now() + fresh.expires_in;
        current.lifetime = fresh.expires_in;
        if let Some(rotated) = fresh.refresh {
            if let Some(hook) = &self.on_rotate {
                hook.rotated(&rotated);
            }
            current.refresh = Some(rotated);
        }
        tracing::debug!(
            expires_in_s = fresh.expires_in.as_secs(),
            "access token refreshed"
        );
        Ok(fresh.access)
    }
}

impl RefreshingTokenSource {
    /// Incremental consent for one Graph permission (e.g. `Policy.ReadWrite.AuthenticationMethod`),
    /// asked for only when a feature first needs it. `Ok(true)` when it was newly asked for.
    pub async fn ask_permission(&self, permission: &str) -> Result<bool, AuthError> {
        let scope = format!("https://graph.microsoft.com/{permission}");
        self.widen(&[scope.as_str()]).await
    }

    /// Incremental consent: from now on the access token also carries `scopes` (fully
    /// qualified). Asks the authority at once with the refresh token; a permission the tenant
    /// has not consented to comes back as its AADSTS error and nothing changes. `Ok(false)`
    /// when every scope was already asked for.
    pub async fn widen(&self, scopes: &[&str]) -> Result<bool, AuthError> {
        let mut current = self.current.lock().await;
        let missing: Vec<String> = scopes
            .iter()
            .filter(|s| {
                !self.config.scopes.iter().any(|c| c == *s)
                    && !current.extra_scopes.iter().any(|c| c == *s)
            })
            .map(|s| s.to_string())
            .collect();
        if missing.is_empty() {
            return Ok(false);
        }
        let before = current.extra_scopes.len();
        current.extra_scopes.extend(missing);
        match self.refresh_locked(&mut current).await {
            Ok(_) => Ok(true),
            Err(e) => {
                current.extra_scopes.truncate(before);
                Err(e)
            }
        }
    }
}

impl TokenSource for RefreshingTokenSource {
    fn access_token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if current.expires_at > Instant::now() + Self::margin(current.lifetime) {
                return Ok(current.access.clone());
            }
            self.refresh_locked(&mut current).await
        })
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<AccessToken, AuthError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            // Another request already refreshed: use its token rather than refreshing again.
            if !current.access.same_as(rejected) {
                return Ok(current.access.clone());
            }
            self.refresh_locked(&mut current).await
        })
    }
}
