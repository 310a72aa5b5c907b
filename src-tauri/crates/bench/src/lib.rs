//! Code the benchmark programs share (each program is a binary in src/bin).

pub mod app_process;
pub mod sign_in;
