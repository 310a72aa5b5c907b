//! prestage-core integration tests: the client against scripted stubs (odd responses only) and
//! against the sandbox tenant over real HTTP (everything else).

mod stub;
mod throttle_engine;
