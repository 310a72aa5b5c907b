//! Application registrations for app-only sign-in: a client id, the public certificates uploaded
//! to it and the application permissions (`roles`) an administrator granted. Also the client
//! assertions already used (`jti`), kept until they expire. Decisions only; the token endpoint's
//! answers live in `signin/client_credentials.rs`.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::RsaPublicKey;
use sha2::{Digest, Sha256};
use x509_cert::der::{DecodePem, Encode};
use x509_cert::Certificate;

/// The narrowest application permissions a directory run needs (README: app registration).
pub const DEFAULT_APP_ROLES: [&str; 3] = [
    "UserAuthMethod-Phone.ReadWrite.All",
    "User.Read.All",
    "GroupMember.Read.All",
];

/// An uploaded certificate: its thumbprints and public key.
#[derive(Clone, Debug)]
pub(crate) struct AppCertificate {
    /// base64url SHA-256 of the DER (`x5t#S256`).
    pub x5t_s256: String,
    /// base64url SHA-1 of the DER (`x5t`), the older header Entra also accepts.
    pub x5t: String,
    pub key: RsaPublicKey,
}

#[derive(Clone, Debug)]
pub(crate) struct AppRegistration {
    pub client_id: String,
    pub certificates: Vec<AppCertificate>,
    pub roles: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Apps {
    pub registrations: Vec<AppRegistration>,
    /// `jti` → the assertion's `exp` (unix seconds).
    pub used_jti: HashMap<String, i64>,
}

impl Apps {
    pub(crate) fn find(&self, client_id: &str) -> Option<&AppRegistration> {
        self.registrations
            .iter()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id.trim()))
    }

    /// Records `jti` as used; `false` when it already was (and has not expired since).
    pub(crate) fn first_use(&mut self, jti: &str, exp: i64, now: i64) -> bool {
        self.used_jti.retain(|_, e| *e >= now);
        if self.used_jti.contains_key(jti) {
            return false;
        }
        self.used_jti.insert(jti.to_string(), exp);
        true
    }
}

/// Parses the first `BEGIN CERTIFICATE` block of `pem` (RSA keys only, as Entra requires for
/// client assertions).
pub(crate) fn parse_certificate(pem: &str) -> Result<AppCertificate, String> {
    let start = pem
        .find("-----BEGIN CERTIFICATE-----")
        .ok_or("no BEGIN CERTIFICATE block in the file")?;
    let end_marker = "-----END CERTIFICATE-----";
    let end = pem[start..]
        .find(end_marker)
        .map(|e| start + e + end_marker.len())
        .ok_or("the certificate block has no END line")?;
    let block = pem[start..end].replace('\r', "");
    let cert = Certificate::from_pem(block.as_bytes())
        .map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let der = cert.to_der().map_err(|e| e.to_string())?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|_| "the certificate's key is not RSA".to_string())?;
    let sha1 = sha1::Sha1::digest(&der);
    Ok(AppCertificate {
        x5t_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
        x5t: URL_SAFE_NO_PAD.encode(sha1),
        key,
    })
}

/// A new RSA 2048 key and a self-signed certificate for it, valid for `days` from now, as PEM
/// (PKCS#8 key, X.509 certificate) — what `New-SelfSignedCertificate` or `openssl req -x509`
/// make for an app registration. For tests and for trying the sandbox; never logged.
pub fn self_signed_certificate(common_name: &str, days: u64) -> Result<(String, String), String> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    use std::str::FromStr;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::EncodePem;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| e.to_string())?;
    let public_der = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| e.to_string())?;
    let spki =
        SubjectPublicKeyInfoOwned::try_from(public_der.as_bytes()).map_err(|e| e.to_string())?;
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let serial = SerialNumber::from(rand::random::<u32>());
    let validity = Validity::from_now(std::time::Duration::from_secs(days * 86_400))
        .map_err(|e| e.to_string())?;
    let subject = Name::from_str(&format!("CN={common_name}")).map_err(|e| e.to_string())?;
    let builder = CertificateBuilder::new(Profile::Root, serial, validity, subject, spki, &signer)
        .map_err(|e| e.to_string())?;
    let cert = builder
        .build::<rsa::pkcs1v15::Signature>()
        .map_err(|e| e.to_string())?;
    let cert_pem = cert.to_pem(LineEnding::LF).map_err(|e| e.to_string())?;
    let key_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    Ok((key_pem.to_string(), cert_pem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_use_refuses_a_replayed_jti_until_it_expires() {
        let mut apps = Apps::default();
        assert!(apps.first_use("a", 100, 10));
        assert!(!apps.first_use("a", 100, 50));
        assert!(apps.first_use("a", 300, 101));
    }
}
