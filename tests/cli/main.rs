//! Integration tests: the real `headroom` binary against the simulated cloud (`headroom::fake`)
//! on 127.0.0.1, which checks every request's signature like the real providers.
//! One test binary (see STYLE.md: jj), one module per area.

mod support;

mod check;
mod commands;
mod create_ccn;
mod faults;
mod outputs;
mod readme;
mod secrets;
mod tls;
mod validation;
