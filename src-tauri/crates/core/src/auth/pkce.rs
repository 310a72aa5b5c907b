//! Authorization code + PKCE (S256) against `{authority}/{tenant}/oauth2/v2.0/{authorize,token}`,
//! built on the `oauth2` crate. The token HTTP client follows no redirects. Owns the `state`
//! check; never prints the code, the verifier or any token.

use std::time::Duration;

use crate::error_text::chain as error_chain;
use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use secrecy::SecretString;
use url::Url;

use super::{AccessToken, AuthError, TokenSet};

/// Where and as whom to sign in.
#[derive(Debug, Clone)]
pub struct SignInConfig {
    /// e.g. `https://login.microsoftonline.com/` (or a sandbox's base URL).
    pub authority: Url,
    /// `organizations`, a tenant GUID or a domain.
    pub tenant: String,
    /// The app registration's (public client) application id.
    pub client_id: String,
    pub scopes: Vec<String>,
}

impl SignInConfig {
    pub fn new(authority: Url, tenant: &str, client_id: &str) -> Self {
        Self {
            authority,
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            scopes: super::SCOPES.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// What a stored refresh token is bound to: this authority and app registration (a short
    /// digest, part of the keychain entry's name). A token is only ever redeemed where it came from.
    pub fn binding(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{}\n{}", self.authority, self.client_id).as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    pub(super) fn endpoint(&self, leaf: &str) -> Result<String, AuthError> {
        let path = format!("{}/oauth2/v2.0/{leaf}", self.tenant);
        self.authority
            .join(&path)
            .map(|u| u.to_string())
            .map_err(|e| AuthError::Protocol(format!("bad authority URL: {e}")))
    }
}

/// An authorization request in flight: the URL to open plus what the answer is checked against.
pub struct AuthorizeRequest {
    /// The URL to open in the system browser.
    pub url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect_uri: String,
}

impl AuthorizeRequest {
    /// Starts a request whose answer comes back to `redirect_uri` (a loopback URL).
    pub fn new(
        config: &SignInConfig,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> Result<Self, AuthError> {
        let auth = AuthUrl::new(config.endpoint("authorize")?)
            .map_err(|e| AuthError::Protocol(e.to_string()))?;
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .map_err(|e| AuthError::Protocol(e.to_string()))?;
        let client = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_auth_uri(auth)
            .set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut builder = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(config.scopes.iter().map(|s| Scope::new(s.clone())))
            .set_pkce_challenge(challenge);
        if let Some(hint) = login_hint {
            builder = builder.add_extra_param("login_hint", hint);
        }
        let (url, state) = builder.url();
        Ok(Self {
            url,
            state,
            verifier,
            redirect_uri: redirect_uri.to_string(),
        })
    }

    /// The `state` value the redirect must carry back.
    pub fn state(&self) -> &str {
        self.state.secret()
    }
}

/// HTTP client for the token endpoint: no redirects, bounded time.
pub(super) fn token_http() -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| AuthError::Network(e.to_string()))
}

/// Redeems the code from the redirect, after checking its `state`.
pub async fn exchange_code(
    config: &SignInConfig,
    request: AuthorizeRequest,
    code: &str,
    returned_state: &str,
) -> Result<TokenSet, AuthError> {
    if returned_state != request.state.secret() {
        return Err(AuthError::StateMismatch);
    }
    let token =
        TokenUrl::new(config.endpoint("token")?).map_err(|e| AuthError::Protocol(e.to_string()))?;
    let redirect = RedirectUrl::new(request.redirect_uri.clone())
        .map_err(|e| AuthError::Protocol(e.to_string()))?;
    let client = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token)
        .set_redirect_uri(redirect);
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .set_pkce_verifier(request.verifier)
        .request_async(&token_http()?)
        .await
        .map_err(token_error)?;
    Ok(token_set(&response))
}

/// Redeems a refresh token (the answer carries the rotated one).
pub async fn redeem_refresh_token(
    config: &SignInConfig,
    refresh: &SecretString,
) -> Result<TokenSet, AuthError> {
    use secrecy::ExposeSecret;
    let token =
        TokenUrl::new(config.endpoint("token")?).map_err(|e| AuthError::Protocol(e.to_string()))?;
    let client = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token);
    let response = client
        .exchange_refresh_token(&RefreshToken::new(refresh.expose_secret().to_string()))
        .add_scopes(config.scopes.iter().map(|s| Scope::new(s.clone())))
        .request_async(&token_http()?)
        .await
        .map_err(token_error)?;
    Ok(token_set(&response))
}

/// A token endpoint's success JSON, for the grants the `oauth2` client does not drive.
#[derive(serde::Deserialize)]
pub(super) struct TokenJson {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl TokenJson {
    pub(super) fn into_token_set(self) -> TokenSet {
        TokenSet {
            access: AccessToken::new(self.access_token),
            refresh: self.refresh_token.map(SecretString::from),
            expires_in: Duration::from_secs(self.expires_in.unwrap_or(3600)),
        }
    }
}

fn token_set(response: &BasicTokenResponse) -> TokenSet {
    TokenSet {
        access: AccessToken::new(response.access_token().secret().clone()),
        refresh: response
            .refresh_token()
            .map(|r| SecretString::from(r.secret().clone())),
        expires_in: response.expires_in().unwrap_or(Duration::from_secs(3600)),
    }
}

fn token_error<E: std::error::Error>(e: RequestTokenError<E, BasicErrorResponse>) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(r) => AuthError::rejected(
            r.error().as_ref(),
            r.error_description().map(String::as_str),
        ),
        RequestTokenError::Request(e) => AuthError::Network(error_chain(&e)),
        RequestTokenError::Parse(e, _) => AuthError::Protocol(e.to_string()),
        RequestTokenError::Other(s) => AuthError::Protocol(s),
    }
}

/// Signs in to an authority that approves at once (the sandbox tenant's auto-approve), with the
/// same authorization-code + PKCE exchange a browser sign-in uses — just no browser.
pub async fn sign_in_auto_approved(
    config: &SignInConfig,
    login_hint: &str,
) -> Result<TokenSet, AuthError> {
    let redirect_uri = "http://localhost/";
    // No hint: the authority picks its default account.
    let hint = Some(login_hint).filter(|h| !h.trim().is_empty());
    let request = AuthorizeRequest::new(config, redirect_uri, hint)?;
    let answer = token_http()?
        .get(request.url.clone())
        .send()
        .await
        .map_err(|e| AuthError::Network(error_chain(&e)))?;
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            AuthError::Protocol(format!(
                "the authority did not redirect (HTTP {}); is auto-approve on?",
                answer.status()
            ))
        })?;
    let location = Url::parse(location).map_err(|e| AuthError::Protocol(e.to_string()))?;
    let (code, state) = read_redirect(&location)?;
    exchange_code(config, request, &code, &state).await
}

/// Reads `code` and `state` (or the OAuth error) from the redirect URL.
pub fn read_redirect(location: &Url) -> Result<(String, String), AuthError> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in location.query_pairs() {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    if let Some(error) = error {
        return Err(AuthError::rejected(&error, description.as_deref()));
    }
    match (code, state) {
        (Some(c), Some(s)) => Ok((c, s)),
        (_, None) => Err(AuthError::StateMismatch),
        (None, _) => Err(AuthError::Protocol("the redirect carried no code".into())),
    }
}

/// The interactive sign-in: binds the loopback listener, has `open` show the authorize URL in
/// the system browser, waits for the one redirect (or timeout / cancel), checks `state` and
/// redeems the code with the PKCE verifier.
pub async fn sign_in_with_browser(
    config: &SignInConfig,
    login_hint: Option<&str>,
    open: impl FnOnce(&Url) -> Result<(), String>,
    timeout: Duration,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<TokenSet, AuthError> {
    let loopback = super::Loopback::bind().await?;
    let request = AuthorizeRequest::new(config, &loopback.redirect_uri(), login_hint)?;
    open(&request.url)
        .map_err(|e| AuthError::Protocol(format!("the browser could not be opened: {e}")))?;
    let redirect = loopback.wait(request.state(), timeout, cancel).await?;
    let (code, state) = read_redirect(&redirect.url)?;
    exchange_code(config, request, &code, &state).await
}
