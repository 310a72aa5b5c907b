//! Sign-in and tokens. Owns the OAuth authorization-code + PKCE flow and the token sources the
//! Graph client asks for access tokens. Token text is wrapped in `secrecy` types: it never reaches
//! a log line, an error message, a `Debug` print or the webview.

mod app;
mod device;
mod errors;
mod keeper;
mod loopback;
mod parts;
mod pkce;
mod refresh;
mod store;
mod store_error;

pub use app::{
    read_key_file, AppCertificate, AppCredential, AppKeyError, AppSignIn, AppTokenSource, APP_SCOPE,
};
pub use device::{poll_device_code, start_device_code, DeviceCode};
pub use errors::AuthError;
pub use keeper::Keeper;
pub(crate) use loopback::request_target;
pub use loopback::{Loopback, Redirect};
pub use parts::PART_LIMIT;
pub use pkce::{
    exchange_code, read_redirect, redeem_refresh_token, sign_in_auto_approved,
    sign_in_with_browser, AuthorizeRequest, SignInConfig,
};
pub use refresh::{RefreshingTokenSource, Rotation, RotationHook};
pub use store::{AccountKey, KeyringStore, MemoryStore, TokenStore, KEYCHAIN_SERVICE};
pub use store_error::StoreError;

use std::time::Duration;

use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

/// Delegated scopes Prestage asks for (fully qualified for Graph).
pub const SCOPES: &[&str] = &[
    "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All",
    "https://graph.microsoft.com/User.Read.All",
    "https://graph.microsoft.com/GroupMember.Read.All",
    "https://graph.microsoft.com/AuditLog.Read.All",
    "https://graph.microsoft.com/Policy.Read.All",
    // Only the tenant report uses it: the members of the Global Administrator role, whose
    // SMS/voice retirement date differs (without it the report says "date depends on role").
    "https://graph.microsoft.com/RoleManagement.Read.Directory",
    "offline_access",
    "openid",
    "profile",
];

/// A bearer token for Graph. `Debug` prints nothing of it.
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl AccessToken {
    pub fn new(text: impl Into<String>) -> Self {
        Self(SecretString::from(text.into()))
    }

    /// The `Authorization` header value. Only the HTTP layer calls this.
    pub(crate) fn bearer_header(&self) -> String {
        format!("Bearer {}", self.0.expose_secret())
    }

    /// The `tid` (tenant id) claim of a JWT access token, read without checking the signature
    /// (Graph checks it; the client only learns which tenant issued it). App-only sign-in has no
    /// `/me` and may lack the permission for `/organization`.
    pub(crate) fn tenant_claim(&self) -> Option<String> {
        use base64::Engine;
        let text = self.0.expose_secret();
        // header.payload.signature: the payload is the second part from the end.
        let payload = text.rsplit('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        claims.get("tid")?.as_str().map(str::to_string)
    }

    pub(crate) fn same_as(&self, other: &AccessToken) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(redacted)")
    }
}

/// What a token endpoint answered (the code, device-code and refresh grants in `pkce.rs` and
/// `device.rs`; kept fresh by `refresh.rs`).
pub struct TokenSet {
    pub access: AccessToken,
    pub refresh: Option<SecretString>,
    pub expires_in: Duration,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Where the Graph client gets access tokens from.
pub trait TokenSource: Send + Sync {
    /// A token valid for at least a little while (refreshing silently when near expiry).
    fn access_token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>>;
    /// Graph rejected `rejected` with 401: get a new one (once per request).
    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<AccessToken, AuthError>>;
}

/// A fixed token, for tools and tests that already hold one.
pub struct StaticToken(pub AccessToken);

impl TokenSource for StaticToken {
    fn access_token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let t = self.0.clone();
        Box::pin(async move { Ok(t) })
    }
    fn refresh_after_unauthorized<'a>(
        &'a self,
        _rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<AccessToken, AuthError>> {
        Box::pin(async { Err(AuthError::SessionExpired) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_claim_is_read_from_the_payload() {
        use base64::Engine;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let jwt = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"tid":"t-1"}"#)
        );
        assert_eq!(
            AccessToken::new(jwt.clone()).tenant_claim().as_deref(),
            Some("t-1")
        );
        assert_eq!(
            AccessToken::new(format!("sbx-at.{jwt}"))
                .tenant_claim()
                .as_deref(),
            Some("t-1")
        );
        assert_eq!(AccessToken::new("opaque").tenant_claim(), None);
    }

    #[test]
    fn debug_never_shows_token_text() {
        let t = AccessToken::new("eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.secret");
        assert!(!format!("{t:?}").contains("secret"));
    }
}
