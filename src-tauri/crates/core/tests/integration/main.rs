//! prestage-core integration tests: the client against scripted stubs (odd responses only) and
//! against the sandbox tenant over real HTTP (everything else).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_auth;
mod campaign;
mod fixes;
mod fixture_previews;
mod fuzz_corpus;
mod harness;
mod import_flow;
mod import_mfa_state;
mod mfa_state;
mod platform_files;
mod report;
mod run_trust;
mod sandbox_directory;
mod sandbox_methods;
mod sandbox_phone_rules;
mod sandbox_roles;
mod signin;
mod stub;
mod throttle_engine;
mod why_asked;
