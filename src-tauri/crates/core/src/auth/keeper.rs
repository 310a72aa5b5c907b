//! Keeps one account's refresh token in a [`TokenStore`] as it rotates. A fresh sign-in learns
//! whose tokens it holds only after `/me`, so the keeper remembers the latest refresh token until
//! it is bound to an account, then saves every rotation under that key. Only the refresh token
//! is ever saved; a failed save is logged by kind, never with token text.

use std::sync::{Arc, Mutex};

use secrecy::SecretString;

use super::{AccountKey, Rotation, RotationHook, StoreError, TokenStore};

#[derive(Default)]
struct Held {
    key: Option<AccountKey>,
    latest: Option<SecretString>,
    /// Signed out: nothing is saved any more, whatever rotates later.
    signed_out: bool,
    /// A save succeeded: from then on, a missing entry means someone signed out.
    stored: bool,
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
                signed_out: false,
                stored: false,
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
                signed_out: false,
                stored: false,
            }),
        })
    }

    /// Binds the keeper to `key` and saves the latest refresh token under it.
    pub fn bind(&self, key: AccountKey) -> Result<(), StoreError> {
        let mut held = self.lock();
        held.key = Some(key);
        self.save(&mut held)
    }

    /// Records a new refresh token; saved at once when the account is known.
    pub fn keep(&self, refresh: &SecretString) -> Result<(), StoreError> {
        let mut held = self.lock();
        held.latest = Some(refresh.clone());
        self.save(&mut held)
    }

    /// The hook a [`super::RefreshingTokenSource`] calls with each rotated refresh token.
    pub fn hook(self: &Arc<Self>) -> RotationHook {
        Arc::clone(self) as RotationHook
    }

    /// Deletes the account's stored refresh token (sign-out). Final: a rotation that arrives
    /// later (a request still in flight) is not saved again.
    pub fn forget(&self) -> Result<(), StoreError> {
        let mut held = self.lock();
        held.latest = None;
        held.signed_out = true;
        match &held.key {
            Some(key) => self.store.delete(key),
            None => Ok(()),
        }
    }

    fn save(&self, held: &mut Held) -> Result<(), StoreError> {
        if held.signed_out {
            return Ok(());
        }
        match (&held.key, &held.latest) {
            (Some(key), Some(refresh)) => {
                self.store.save(key, refresh)?;
                held.stored = true;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Whether the sign-in still stands: not signed out here, and its keychain entry is still
    /// there (another process's sign-out deletes it). A keychain that cannot be read right now
    /// does not sign anyone out.
    fn still_stored(&self) -> bool {
        let mut held = self.lock();
        if held.signed_out {
            return false;
        }
        let gone = match (&held.key, held.stored) {
            (Some(key), true) => matches!(self.store.load(key), Ok(None)),
            _ => false,
        };
        if gone {
            held.signed_out = true;
        }
        !gone
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic while holding this lock leaves plain data behind: keep using it.
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Rotation for Keeper {
    fn rotated(&self, refresh: &SecretString) {
        if !self.still_stored() {
            return;
        }
        if let Err(error) = self.keep(refresh) {
            tracing::warn!(%error, "the rotated refresh token could not be saved");
        }
    }

    fn signed_in(&self) -> bool {
        self.still_stored()
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
            binding: "b".into(),
        };
        let keeper = Keeper::unbound(store.clone(), Some(&SecretString::from("rt-1")));
        keeper.hook().rotated(&SecretString::from("rt-2"));
        assert!(store.load(&key).unwrap().is_none());
        keeper.bind(key.clone()).unwrap();
        assert_eq!(store.load(&key).unwrap().unwrap().expose_secret(), "rt-2");
        keeper.hook().rotated(&SecretString::from("rt-3"));
        assert_eq!(store.load(&key).unwrap().unwrap().expose_secret(), "rt-3");
        keeper.forget().unwrap();
        assert!(store.load(&key).unwrap().is_none());
    }

    #[test]
    fn sign_out_is_final_even_for_a_rotation_in_flight() {
        let store = Arc::new(MemoryStore::default());
        let key = AccountKey {
            tenant_id: "t".into(),
            account_id: "a".into(),
            binding: "b".into(),
        };
        let keeper = Keeper::bound(store.clone(), key.clone());
        keeper.keep(&SecretString::from("rt-1")).unwrap();
        assert!(keeper.hook().signed_in());
        keeper.forget().unwrap();
        // A request that was refreshing when the admin signed out hands in its new token.
        keeper.hook().rotated(&SecretString::from("rt-2"));
        assert!(store.load(&key).unwrap().is_none(), "nothing saved again");
        assert!(!keeper.hook().signed_in());
    }

    #[test]
    fn a_sign_out_by_another_process_is_seen_at_the_next_refresh() {
        let store = Arc::new(MemoryStore::default());
        let key = AccountKey {
            tenant_id: "t".into(),
            account_id: "a".into(),
            binding: "b".into(),
        };
        let keeper = Keeper::bound(store.clone(), key.clone());
        keeper.keep(&SecretString::from("rt-1")).unwrap();
        store.delete(&key).unwrap(); // `prestage-cli logout` in another process
        assert!(!keeper.hook().signed_in());
        keeper.hook().rotated(&SecretString::from("rt-2"));
        assert!(store.load(&key).unwrap().is_none());
    }
}
