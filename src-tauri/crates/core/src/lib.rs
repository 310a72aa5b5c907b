//! prestage-core: everything Prestage knows about Microsoft Graph and sign-in — the typed Graph
//! client with its throttle engine, the OAuth flows, and the domain types (phone numbers).
//! It must never depend on Tauri, and it never logs or returns a token's text.

mod atomic_file;
pub mod audit;
pub mod auth;
pub mod campaign;
pub mod csv;
pub mod directory_source;
pub mod endpoints;
mod error_text;
pub mod fixes;
#[doc(hidden)]
pub mod fuzzing;
pub mod graph;
pub mod import;
mod jsonl;
pub mod mfa_state;
pub mod phone;
pub mod places;
pub mod plan;
pub mod report;
pub mod roles;
pub mod session;
pub mod settings;
pub mod throttle;
pub mod why_asked;

pub use graph::{GraphClient, GraphError};

/// Errors a caller of the core can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Auth(#[from] auth::AuthError),
}
