//! Integration tests: the real `headroom` binary against the simulated cloud (`headroom::fake`)
//! on 127.0.0.1, which checks every request's signature like the real providers.
//! One test binary, one module per area, as jj keeps its tests: one link step, not ten.
//! Tests may print notes of what they skipped or measured to stderr.
#![allow(clippy::print_stderr)]

mod support;

mod check;
mod commands;
mod create_ccn;
mod faults;
mod fleet;
mod history;
mod hostile;
mod outputs;
mod preflight;
mod readme;
mod secrets;
mod serve;
mod sources;
mod table_width;
mod tls;
mod validation;
