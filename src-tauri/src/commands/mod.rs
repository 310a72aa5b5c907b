//! Tauri commands: thin adapters. Each takes state, calls one core function and converts the
//! error to [`crate::ipc::IpcError`]. No loops, retries or parsing here.

pub mod session;
pub mod users;
