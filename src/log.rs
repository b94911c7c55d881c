//! Diagnostics on stderr at the verbosity `-v` asked for. Callers pass closures, so nothing is
//! formatted when the level is off; nothing passed here may hold a secret (URLs go through
//! `http::redacted_url`, headers through `redacted_headers`).

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

static VERBOSITY: AtomicU8 = AtomicU8::new(0);

pub fn set_verbosity(level: u8) {
    VERBOSITY.store(level, Ordering::Relaxed);
}

pub fn enabled(level: u8) -> bool {
    VERBOSITY.load(Ordering::Relaxed) >= level
}

/// Writes one `headroom: ...` line to stderr when `-v` was given at least `level` times.
pub fn log(level: u8, message: impl FnOnce() -> String) {
    if enabled(level) {
        let line = message();
        let _ = writeln!(std::io::stderr().lock(), "headroom: {line}");
    }
}

/// Request headers as they may be logged: credentials and signatures replaced.
pub fn redacted_headers(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if value.is_sensitive()
                || matches!(
                    name.as_str(),
                    "authorization" | "x-security-token" | "x-auth-token"
                ) {
                "(redacted)".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            format!("{name}: {shown}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}
