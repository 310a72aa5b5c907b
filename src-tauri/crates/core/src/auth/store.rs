//! Where the refresh token lives between runs: the OS keychain (Windows Credential Manager, macOS
//! Keychain, Linux Secret Service), keyed by tenant + account. Only the refresh token is ever
//! persisted. An in-memory store serves unit tests.

use std::collections::HashMap;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};

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

/// Why the keychain could not be used. Never carries token text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("The OS keychain is locked or refused access; unlock it (or sign in to your desktop session) and try again.")]
    Locked,
    #[error("No OS keychain could be reached ({0}); on Linux, start a Secret Service (GNOME Keyring or KWallet) in your desktop session and sign in again.")]
    Unavailable(String),
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

    fn entry(&self, key: &AccountKey) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(&self.service, &key.label()).map_err(map_keyring)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

fn map_keyring(e: keyring::Error) -> StoreError {
    match e {
        keyring::Error::NoStorageAccess(_) => StoreError::Locked,
        // Only the error's kind: platform messages could in theory echo what was being stored.
        keyring::Error::PlatformFailure(_) => StoreError::Unavailable("platform failure".into()),
        other => StoreError::Unavailable(format!("{other:?}").chars().take(80).collect()),
    }
}

impl TokenStore for KeyringStore {
    fn save(&self, key: &AccountKey, refresh: &SecretString) -> Result<(), StoreError> {
        self.entry(key)?
            .set_password(refresh.expose_secret())
            .map_err(map_keyring)
    }

    fn load(&self, key: &AccountKey) -> Result<Option<SecretString>, StoreError> {
        match self.entry(key)?.get_password() {
            Ok(text) => Ok(Some(SecretString::from(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn delete(&self, key: &AccountKey) -> Result<(), StoreError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
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
}
