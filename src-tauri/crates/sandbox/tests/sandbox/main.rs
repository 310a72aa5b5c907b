//! The sandbox over real HTTP: sign-in, Graph rules, throttling, faults, paging, search,
//! batch, scale, and conformance with Graph's published metadata.

// Test helpers outside #[test] functions panic on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod common;
mod conformance;
mod directory;
mod faults;
mod methods;
mod reports;
mod requirements;
mod rules;
mod scale;
mod signin;
mod throttling;
