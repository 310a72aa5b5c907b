//! Why the OS keychain could not be used: shared by the store (`store.rs`) and the splitting of a
//! secret across entries (`parts.rs`).

/// Why the keychain could not be used. Never carries token text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("The OS keychain is locked or refused access; unlock it (or sign in to your desktop session) and try again.")]
    Locked,
    #[error("No OS keychain could be reached ({0}); on Linux, start a Secret Service (GNOME Keyring or KWallet) in your desktop session and sign in again.")]
    Unavailable(String),
    #[error("The OS keychain refused to keep the sign-in ({0}).")]
    Refused(String),
}
