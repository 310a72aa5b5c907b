//! Where the refresh token lives between runs: the OS keychain (Windows Credential Manager, macOS
//! Keychain, Linux Secret Service), keyed by tenant + account. Only the refresh token is ever
//! persisted, as bytes, split across entries when one entry cannot hold it (`parts.rs`). An
//! in-memory store serves unit tests. Errors never carry stored bytes.

use std::collections::HashMap;
use std::sync::Mutex;

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use super::parts::{self, EntryError, SecretEntries};
use super::store_error::StoreError;

/// The keychain service name Prestage stores under.
pub const KEYCHAIN_SERVICE: &str = "app.prestage.desktop";

/// Identifies a stored sign-in: the tenant GUID and the account's object id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey {
    pub tenant_id: String,
    pub account_id: String,
    /// The authority + client id the token came from (`SignInConfig::binding`).
    pub binding: String,
}

impl AccountKey {
    fn label(&self) -> String {
        format!("{}/{}@{}", self.tenant_id, self.account_id, self.binding)
    }
}

/// Persists refresh tokens.
pub trait TokenStore: Send + Sync {
    fn save(&self, key: &AccountKey, refresh: &SecretString) -> Result<(), StoreError>;
    fn load(&self, key: &AccountKey) -> Result<Option<SecretString>, StoreError>;
    fn delete(&self, key: &AccountKey) -> Result<(), StoreError>;
}

/// The OS keychain, through the `keyring` crate with the platform stores enabled explicitly.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new() -> Self {
        Self {
            service: KEYCHAIN_SERVICE.to_string(),
        }
    }

    /// A store under another service name (tests use their own so they never touch real entries).
    pub fn with_service(service: &str) -> Self {
        Self {
            service: service.to_string(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(&self.service, name).map_err(map_keyring)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

/// The kind of a keychain failure only: platform messages and `BadEncoding` could carry what
/// was stored.
fn map_keyring(e: keyring::Error) -> StoreError {
    let kind = match e {
        keyring::Error::NoStorageAccess(_) => return StoreError::Locked,
        keyring::Error::PlatformFailure(_) => "platform failure",
        keyring::Error::NoEntry => "no entry",
        keyring::Error::BadEncoding(_) => "unreadable entry",
        keyring::Error::TooLong(..) => "entry too long",
        keyring::Error::Invalid(..) => "invalid entry name",
        keyring::Error::Ambiguous(_) => "several entries match",
        _ => "unknown keychain error",
    };
    StoreError::Unavailable(kind.into())
}

impl SecretEntries for KeyringStore {
    fn put(&self, name: &str, secret: &[u8]) -> Result<(), EntryError> {
        match self.entry(name)?.set_secret(secret) {
            Ok(()) => Ok(()),
            Err(keyring::Error::TooLong(..)) => Err(EntryError::TooLong),
            Err(e) => Err(map_keyring(e).into()),
        }
    }

    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.entry(name)?.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn remove(&self, name: &str) -> Result<(), StoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// App-only sign-in keys (`prestage-cli app-auth store-key`): the PEM of an app's private key
/// (and certificate), kept under `app-key/{client id}`. A PEM key is longer than one Windows
/// credential holds, so it goes through the same split store as refresh tokens.
impl KeyringStore {
    fn app_key_name(client_id: &str) -> String {
        format!("app-key/{}", client_id.trim().to_ascii_lowercase())
    }

    pub fn save_app_key(&self, client_id: &str, pem: &str) -> Result<(), StoreError> {
        parts::save(self, &Self::app_key_name(client_id), pem.as_bytes())
    }

    pub fn load_app_key(&self, client_id: &str) -> Result<Option<Zeroizing<String>>, StoreError> {
        Ok(parts::load(self, &Self::app_key_name(client_id))?
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(Zeroizing::new))
    }

    pub fn delete_app_key(&self, client_id: &str) -> Result<(), StoreError> {
        parts::delete(self, &Self::app_key_name(client_id))
    }
}

impl TokenStore for KeyringStore {
    fn save(&self, key: &AccountKey, refresh: &SecretString) -> Result<(), StoreError> {
        parts::save(self, &key.label(), refresh.expose_secret().as_bytes())
    }

    fn load(&self, key: &AccountKey) -> Result<Option<SecretString>, StoreError> {
        Ok(parts::load(self, &key.label())?.and_then(decode))
    }

    fn delete(&self, key: &AccountKey) -> Result<(), StoreError> {
        parts::delete(self, &key.label())
    }
}

/// Stored bytes as token text: UTF-8, or UTF-16LE for an entry keyring's `set_password` wrote on
/// Windows before Prestage stored bytes (token text never holds a NUL byte, UTF-16 of it does).
/// Anything else reads as nothing stored.
fn decode(bytes: Vec<u8>) -> Option<SecretString> {
    let bytes = Zeroizing::new(bytes);
    if !bytes.contains(&0) {
        return std::str::from_utf8(&bytes).ok().map(SecretString::from);
    }
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units: Zeroizing<Vec<u16>> = Zeroizing::new(
        bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect(),
    );
    String::from_utf16(&units)
        .ok()
        .filter(|text| !text.contains('\0'))
        .map(SecretString::from)
}

/// Keeps tokens in memory only (unit tests, and the sandbox tenant, which needs no persistence).
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<AccountKey, SecretString>>,
}

impl TokenStore for MemoryStore {
    fn save(&self, key: &AccountKey, refresh: &SecretString) -> Result<(), StoreError> {
        if let Ok(mut map) = self.entries.lock() {
            map.insert(key.clone(), refresh.clone());
        }
        Ok(())
    }

    fn load(&self, key: &AccountKey) -> Result<Option<SecretString>, StoreError> {
        Ok(self.entries.lock().ok().and_then(|m| m.get(key).cloned()))
    }

    fn delete(&self, key: &AccountKey) -> Result<(), StoreError> {
        if let Ok(mut map) = self.entries.lock() {
            map.remove(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::default();
        let key = AccountKey {
            tenant_id: "t".into(),
            account_id: "a".into(),
            binding: "b".into(),
        };
        assert!(store.load(&key).unwrap().is_none());
        store.save(&key, &SecretString::from("rt-1")).unwrap();
        assert_eq!(store.load(&key).unwrap().unwrap().expose_secret(), "rt-1");
        store.delete(&key).unwrap();
        assert!(store.load(&key).unwrap().is_none());
    }

    #[test]
    fn stored_bytes_decode_as_utf8_or_as_the_utf16_keyring_wrote_on_windows() {
        let text = "sbx-rt.AbC-_9";
        let read = |bytes: Vec<u8>| decode(bytes).map(|s| s.expose_secret().to_string());
        assert_eq!(read(text.as_bytes().to_vec()).as_deref(), Some(text));
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(read(utf16).as_deref(), Some(text));
        assert_eq!(read(vec![0xff, 0xfe, 0x00]), None);
        assert_eq!(read(vec![0x00, 0x00]), None);
    }

    #[test]
    fn keychain_errors_never_carry_stored_bytes() {
        let secret = b"sbx-rt.very-secret".to_vec();
        let errors = [
            keyring::Error::BadEncoding(secret.clone()),
            keyring::Error::PlatformFailure("sbx-rt.very-secret".into()),
            keyring::Error::Invalid("sbx-rt.very-secret".into(), "x".into()),
            keyring::Error::TooLong("sbx-rt.very-secret".into(), 1),
        ];
        for e in errors {
            let mapped = map_keyring(e);
            assert!(
                !format!("{mapped} {mapped:?}").contains("very-secret"),
                "{mapped:?}"
            );
        }
    }
}
