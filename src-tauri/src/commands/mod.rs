//! Tauri commands: thin adapters. Each takes state, calls one core function (through the state's
//! books) and converts the error to [`crate::ipc::IpcError`]. No loops, retries or parsing here.

pub mod campaign;
pub mod import;
pub mod report;
pub mod session;
pub mod setup;
pub mod signin;
pub mod user;
pub mod users;
