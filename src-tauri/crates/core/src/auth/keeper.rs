//! Keeps one account's refresh token in a [`TokenStore`] as it rotates. A fresh sign-in learns
//! whose tokens it holds only after `/me`, so the keeper remembers the latest refresh token until
//! it is bound to an account, then saves every rotation under that key. Only the refresh token
//! is ever saved; a failed save is logged by kind, never with token text.

use std::sync::{Arc, Mutex};

use secrecy::SecretString;

use super::{AccountKey, RotationHook, StoreError, TokenStore};

#[derive(Default)]
struct Held {
    key: Option<AccountKey>,
    latest: Option<SecretString>,
}

/// Persists the refresh token of one sign-in.
pub struct Keeper {
    store: Arc<dyn TokenStore>,
    held: Mutex<Held>,
}

impl Keeper {
    /// A keeper not yet bound to an account, holding `initial` (a fresh sign-in's refresh token).
    pub fn unbound(store: Arc<dyn TokenStore>, initial: Option<&SecretString>) -> Arc<Self> {
        Arc::new(Self {
            store,
            held: Mutex::new(Held {
                key: None,
                latest: initial.cloned(),
            }),
        })
    }

    /// A keeper for an account already known (resuming a remembered sign-in).
    pub fn bound(store: Arc<dyn TokenStore>, key: AccountKey) -> Arc<Self> {
        Arc::new(Self {
            store,
            held: Mutex::new(Held {
                key: Some(key),
                latest: None,
            }),
        })
    }

    /// Binds the keeper to `key` and saves the latest refresh token under it.
    pub fn bind(&self, key: AccountKey) -> Result<(), StoreError> {
        let mut held = self.lock();
        held.key = Some(key);
        self.save(&held)
    }

    /// Records a new refresh token; saved at once when the account is known.
    pub fn keep(&self, refresh: &SecretString) -> Result<(), StoreError> {
        let mut held = self.lock();
        held.latest = Some(refresh.clone());
        self.save(&held)
    }

    /// The hook a [`super::RefreshingTokenSource`] calls with each rotated refresh token.
    pub fn hook(self: &Arc<Self>) -> RotationHook {
        let keeper = Arc::clone(self);
        Arc::new(move |refresh: &SecretString| {
            if let Err(error) = keeper.keep(refresh) {
                tracing::warn!(%error, "the rotated refresh token could not be saved");
            }
        })
    }

    /// Deletes the account's stored refresh token (sign-out).
    pub fn forget(&self) -> Result<(), StoreError> {
        let mut held = self.lock();
        held.latest = None;
        match &held.key {
            Some(key) => self.store.delete(key),
            None => Ok(()),
        }
    }

    fn save(&self, held: &Held) -> Result<(), StoreError> {
        match (&held.key, &held.latest) {
            (Some(key), Some(refresh)) => self.store.save(key, refresh),
            _ => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic while holding this lock leaves plain data behind: keep using it.
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;
    use crate::auth::MemoryStore;

    #[test]
    fn saves_only_once_bound_then_every_rotation_and_forgets() {
        let store = Arc::new(MemoryStore::default());
        let key = AccountKey {
            tenant_id: "t".into(),
            account_id: "a".into(),
        };
        let keeper = Keeper::unbound(store.clone(), Some(&SecretString::from("rt-1")));
        keeper.hook()(&SecretString::from("rt-2"));
        assert!(store.load(&key).unwrap().is_none());
        keeper.bind(key.clone()).unwrap();
        assert_eq!(store.load(&key).unwrap().unwrap().expose_secret(), "rt-2");
        keeper.hook()(&SecretString::from("rt-3"));
        assert_eq!(store.load(&key).unwrap().unwrap().expose_secret(), "rt-3");
        keeper.forget().unwrap();
        assert!(store.load(&key).unwrap().is_none());
    }
}
