//! App-only sign-in for unattended runs: the OAuth client-credentials grant with an RFC 7523
//! client assertion signed PS256 by the app's certificate key (`x5t#S256` names the certificate,
//! `aud` is the v2.0 token endpoint). Owns reading the key + certificate PEM (a key file others
//! can read is refused) and the token source that signs a fresh assertion for every token.
//! Never logs, prints or returns key bytes, assertions or tokens.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::pss::BlindedSigningKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::{RsaPrivateKey, RsaPublicKey};
use secrecy::zeroize::Zeroizing;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;
use x509_cert::der::{DecodePem, Encode};
use x509_cert::Certificate;

use super::pkce::{token_http, TokenJson};
use super::{AccessToken, AuthError, TokenSource};
use crate::error_text::chain as error_chain;

/// Graph's `.default` scope: the application permissions granted to the app, nothing else.
pub const APP_SCOPE: &str = "https://graph.microsoft.com/.default";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long an assertion is valid (Entra accepts up to about ten minutes of clock skew).
const ASSERTION_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);

/// Why an app credential could not be read. Never carries key bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppKeyError {
    #[error("The key file {path} could not be read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("The key file {path} can be read by other users (mode {mode:03o}); the key signs in as the app, so run `chmod 600 {path}` and try again.")]
    OthersCanRead { path: String, mode: u32 },
    #[error("No private key in {0}: it must hold the certificate's RSA key as `BEGIN PRIVATE KEY` (PKCS#8) or `BEGIN RSA PRIVATE KEY` (PKCS#1).")]
    NoKey(String),
    #[error("The private key in {0} is encrypted with a password, which an unattended run cannot type: export it without a password and protect it with file permissions or the OS keychain (`prestage-cli app-auth store-key`).")]
    Encrypted(String),
    #[error("The private key in {0} is not a readable RSA key (Entra certificates for app sign-in use RSA).")]
    BadKey(String),
    #[error("No certificate in {0}: add the certificate you uploaded to the app registration (`BEGIN CERTIFICATE`) to the key file, or pass it with --app-certificate.")]
    NoCertificate(String),
    #[error("The certificate in {0} is not readable as X.509 PEM.")]
    BadCertificate(String),
    #[error("The certificate does not belong to this private key: use the key the certificate was made with.")]
    Mismatch,
}

/// The PEM blocks of a text: (label, whole block with its BEGIN/END lines).
fn pem_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            current = Some((label.to_string(), format!("{line}\n")));
        } else if let Some((label, mut block)) = current.take() {
            block.push_str(line);
            block.push('\n');
            if line.starts_with("-----END ") {
                out.push((label, block));
            } else {
                current = Some((label, block));
            }
        }
    }
    out
}

/// A certificate: its DER bytes (for `x5t#S256`), public key and validity.
#[derive(Debug, Clone)]
pub struct AppCertificate {
    der: Vec<u8>,
    public_key: RsaPublicKey,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl AppCertificate {
    /// The first `BEGIN CERTIFICATE` block of `pem`; `source` names it in errors.
    pub fn from_pem(pem: &str, source: &str) -> Result<Self, AppKeyError> {
        let bad = || AppKeyError::BadCertificate(source.to_string());
        let block = pem_blocks(pem)
            .into_iter()
            .find(|(label, _)| label == "CERTIFICATE")
            .map(|(_, b)| b)
            .ok_or_else(|| AppKeyError::NoCertificate(source.to_string()))?;
        let cert = Certificate::from_pem(block.as_bytes()).map_err(|_| bad())?;
        let der = cert.to_der().map_err(|_| bad())?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|_| bad())?;
        let public_key = RsaPublicKey::from_public_key_der(&spki).map_err(|_| bad())?;
        let time = |t: x509_cert::time::Time| -> DateTime<Utc> {
            DateTime::<Utc>::from(t.to_system_time())
        };
        Ok(Self {
            der,
            public_key,
            not_before: time(cert.tbs_certificate.validity.not_before),
            not_after: time(cert.tbs_certificate.validity.not_after),
        })
    }

    /// `x5t#S256`: base64url of the SHA-256 of the certificate's DER bytes.
    pub fn thumbprint_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(&self.der))
    }

    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public_key
    }
}

/// An app registration's identity for app-only sign-in: client id, key, certificate.
#[derive(Clone)]
pub struct AppCredential {
    client_id: String,
    key: BlindedSigningKey<Sha256>,
    certificate: AppCertificate,
}

impl std::fmt::Debug for AppCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCredential")
            .field("client_id", &self.client_id)
            .field("x5t#S256", &self.certificate.thumbprint_s256())
            .finish_non_exhaustive()
    }
}

fn private_key(pem: &str, source: &str) -> Result<RsaPrivateKey, AppKeyError> {
    let blocks = pem_blocks(pem);
    if blocks.iter().any(|(l, _)| l == "ENCRYPTED PRIVATE KEY")
        || pem.contains("Proc-Type: 4,ENCRYPTED")
    {
        return Err(AppKeyError::Encrypted(source.to_string()));
    }
    let (label, block) = blocks
        .iter()
        .find(|(l, _)| l == "PRIVATE KEY" || l == "RSA PRIVATE KEY")
        .ok_or_else(|| AppKeyError::NoKey(source.to_string()))?;
    let block = Zeroizing::new(block.clone());
    let key = if label == "PRIVATE KEY" {
        RsaPrivateKey::from_pkcs8_pem(&block).ok()
    } else {
        RsaPrivateKey::from_pkcs1_pem(&block).ok()
    };
    key.ok_or_else(|| AppKeyError::BadKey(source.to_string()))
}

impl AppCredential {
    /// The key from `key_pem`, the certificate from `cert_pem` or else from `key_pem` (a PEM
    /// holding both, as `az ad sp create-for-rbac --create-cert` writes). The certificate must
    /// hold this key's public half.
    pub fn from_pem(
        client_id: &str,
        key_pem: &str,
        cert_pem: Option<&str>,
        source: &str,
    ) -> Result<Self, AppKeyError> {
        let key = private_key(key_pem, source)?;
        let certificate = AppCertificate::from_pem(cert_pem.unwrap_or(key_pem), source)?;
        if key.to_public_key() != certificate.public_key {
            return Err(AppKeyError::Mismatch);
        }
        Ok(Self {
            client_id: client_id.trim().to_string(),
            key: BlindedSigningKey::<Sha256>::new(key),
            certificate,
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn certificate(&self) -> &AppCertificate {
        &self.certificate
    }

    /// A signed client assertion for `audience` (the token endpoint), valid from `now` for ten
    /// minutes, with a fresh `jti`.
    pub fn assertion(&self, audience: &str, now: DateTime<Utc>) -> String {
        let header = serde_json::json!({
            "alg": "PS256",
            "typ": "JWT",
            "x5t#S256": self.certificate.thumbprint_s256(),
        });
        let claims = serde_json::json!({
            "aud": audience,
            "iss": self.client_id,
            "sub": self.client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now.timestamp(),
            "iat": now.timestamp(),
            "exp": (now + ASSERTION_LIFETIME).timestamp(),
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .key
            .sign_with_rng(&mut rand::rngs::OsRng, signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }
}

/// Reads a PEM key file for an unattended run. On Unix a file that anyone but its owner can
/// read is refused (like ssh's private keys). Windows files carry ACLs instead of a mode: keep
/// the key in the Credential Manager there (`app-auth store-key`).
pub fn read_key_file(path: &Path) -> Result<Zeroizing<String>, AppKeyError> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| AppKeyError::Unreadable {
        path: shown.clone(),
        reason: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(AppKeyError::Unreadable {
            path: shown,
            reason: "not a regular file".into(),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(AppKeyError::OthersCanRead { path: shown, mode });
        }
    }
    // PEM files are small; anything large is not one.
    if meta.len() > 64 * 1024 {
        return Err(AppKeyError::NoKey(shown));
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(unreadable)?);
    String::from_utf8(bytes.to_vec())
        .map(Zeroizing::new)
        .map_err(|_| AppKeyError::NoKey(shown))
}

/// Where app-only tokens come from: the tenant's v2.0 token endpoint under `authority`.
#[derive(Debug, Clone)]
pub struct AppSignIn {
    pub authority: Url,
    /// A tenant GUID or domain (`organizations` and `common` cannot issue app-only tokens).
    pub tenant: String,
    pub credential: AppCredential,
}

impl AppSignIn {
    /// `{authority}/{tenant}/oauth2/v2.0/token` — also the assertion's `aud`.
    pub fn token_endpoint(&self) -> Result<String, AuthError> {
        self.authority
            .join(&format!("{}/oauth2/v2.0/token", self.tenant))
            .map(|u| u.to_string())
            .map_err(|e| AuthError::Protocol(format!("bad authority URL: {e}")))
    }

    /// One client-credentials token request with a fresh assertion.
    pub async fn request_token(&self) -> Result<(AccessToken, Duration), AuthError> {
        let endpoint = self.token_endpoint()?;
        let assertion = Zeroizing::new(self.credential.assertion(&endpoint, Utc::now()));
        let answer = token_http()?
            .post(&endpoint)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.credential.client_id()),
                ("scope", APP_SCOPE),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|e| AuthError::Network(error_chain(&e)))?;
        let ok = answer.status().is_success();
        let body = answer
            .bytes()
            .await
            .map_err(|e| AuthError::Network(error_chain(&e)))?;
        if !ok {
            return Err(super::device::error_answer(&body));
        }
        let json: TokenJson = serde_json::from_slice(&body)
            .map_err(|e| AuthError::Protocol(format!("token answer: {e}")))?;
        let set = json.into_token_set();
        Ok((set.access, set.expires_in))
    }
}

struct Cached {
    access: AccessToken,
    expires_at: Instant,
}

/// App-only tokens, requested again (with a new assertion) shortly before expiry and once after
/// Graph answers 401. There is no refresh token in this grant.
pub struct AppTokenSource {
    sign_in: AppSignIn,
    current: Mutex<Option<Cached>>,
}

impl AppTokenSource {
    pub fn new(sign_in: AppSignIn) -> Arc<Self> {
        Arc::new(Self {
            sign_in,
            current: Mutex::new(None),
        })
    }

    /// Gets a first token now, so a wrong key or permission fails before anything else runs;
    /// also returns the tenant id the token was issued in (its `tid`, else the configured tenant).
    pub async fn signed_in(sign_in: AppSignIn) -> Result<(Arc<Self>, String), AuthError> {
        let tenant = sign_in.tenant.clone();
        let source = Self::new(sign_in);
        let first = source.access_token().await?;
        Ok((source, first.tenant_claim().unwrap_or(tenant)))
    }

    async fn fetch(&self, current: &mut Option<Cached>) -> Result<AccessToken, AuthError> {
        let (access, lifetime) = self.sign_in.request_token().await?;
        let margin = (lifetime / 10).min(Duration::from_secs(300));
        *current = Some(Cached {
            access: access.clone(),
            expires_at: Instant::now() + lifetime.saturating_sub(margin),
        });
        Ok(access)
    }
}

impl TokenSource for AppTokenSource {
    fn access_token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(c) = current.as_ref().filter(|c| c.expires_at > Instant::now()) {
                return Ok(c.access.clone());
            }
            self.fetch(&mut current).await
        })
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<AccessToken, AuthError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(c) = current.as_ref().filter(|c| !c.access.same_as(rejected)) {
                return Ok(c.access.clone());
            }
            self.fetch(&mut current).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_found_with_crlf_and_text_around_them() {
        let text = "Bag Attributes\r\n-----BEGIN PRIVATE KEY-----\r\nAAAA\r\n-----END PRIVATE KEY-----\r\nsubject=CN=x\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
        let blocks = pem_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].0, "PRIVATE KEY");
        assert!(blocks[0].1.contains("AAAA\n-----END PRIVATE KEY-----"));
        assert_eq!(blocks[1].0, "CERTIFICATE");
    }

    #[test]
    fn encrypted_and_missing_keys_are_named() {
        let enc =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(
            private_key(enc, "k.pem").unwrap_err(),
            AppKeyError::Encrypted("k.pem".into())
        );
        assert_eq!(
            private_key("nothing", "k.pem").unwrap_err(),
            AppKeyError::NoKey("k.pem".into())
        );
        let bad = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            private_key(bad, "k.pem").unwrap_err(),
            AppKeyError::BadKey("k.pem".into())
        );
    }
}
