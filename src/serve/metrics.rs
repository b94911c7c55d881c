//! The text of `/probe` (the `-o prometheus` series of a report, plus the probe's own) and of
//! `/metrics` (the exporter's own metrics and the standard `process_*` ones).
//!
//! Both are the text exposition format 0.0.4, which every Prometheus reads; no timestamps, as
//! the exporter guidelines ask (Prometheus stamps each sample with the scrape's time).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::display_duration;
use crate::output::{self, Format, RenderOptions};
use crate::quota::Report;

/// The `Content-Type` of both texts.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `/probe`'s text: exactly the series of `headroom check -o prometheus` for the report, their
/// `# HELP` saying how old a served result may be, then `headroom_probe_success` (1 when every
/// query answered and the selection matched something) and `headroom_probe_duration_seconds`.
/// Returns the text and the success.
pub fn probe_text(report: &Report, duration: Duration, min_interval: Duration) -> (String, bool) {
    let mut rendered = Vec::new();
    // Rendering into memory cannot fail.
    let _ = output::render(
        Format::Prometheus,
        report,
        &RenderOptions::default(),
        &mut rendered,
    );
    let rendered = String::from_utf8_lossy(&rendered);
    let note = if min_interval.is_zero() {
        " Shared by identical probes running at the same time.".to_string()
    } else {
        format!(
            " Served results may be up to {} old (serve.min_interval).",
            display_duration(min_interval)
        )
    };
    let mut text = String::with_capacity(rendered.len() + 512);
    for line in rendered.lines() {
        text.push_str(line);
        if line.starts_with("# HELP ") {
            text.push_str(&note);
        }
        text.push('\n');
    }
    let success = report.errors.is_empty() && report.unmatched.is_empty();
    gauge(
        &mut text,
        "headroom_probe_success",
        "Whether every query of the probe answered (1) or not (0).",
        &[("", if success { 1.0 } else { 0.0 })],
    );
    gauge(
        &mut text,
        "headroom_probe_duration_seconds",
        "Wall time of the probe's check.",
        &[("", duration.as_secs_f64())],
    );
    (text, success)
}

/// The exporter's own counters and state, read by `/metrics`.
pub struct Metrics {
    /// Probes by outcome: success, failure, cached, rejected.
    probes: [AtomicU64; 4],
    /// Whether the last reload (or the start) loaded the config: 1 or 0.
    reload_ok: AtomicU64,
    /// When the config was last loaded, in seconds since the epoch.
    reloaded_at: AtomicU64,
    /// When `serve` started, in seconds since the epoch.
    started_at: f64,
}

/// How a probe ended, for `headroom_probes_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// A check ran and every query answered.
    Success,
    /// A check ran and a query failed (or the selection matched nothing).
    Failure,
    /// The result of an identical probe, recent or running.
    Cached,
    /// Not run: a bad request, or every check slot taken.
    Rejected,
}

impl ProbeOutcome {
    const ALL: [ProbeOutcome; 4] = [
        ProbeOutcome::Success,
        ProbeOutcome::Failure,
        ProbeOutcome::Cached,
        ProbeOutcome::Rejected,
    ];

    fn as_str(self) -> &'static str {
        match self {
            ProbeOutcome::Success => "success",
            ProbeOutcome::Failure => "failure",
            ProbeOutcome::Cached => "cached",
            ProbeOutcome::Rejected => "rejected",
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let now = epoch_seconds();
        Metrics {
            probes: Default::default(),
            reload_ok: AtomicU64::new(1),
            reloaded_at: AtomicU64::new(now as u64),
            started_at: now,
        }
    }
}

impl Metrics {
    pub fn count(&self, outcome: ProbeOutcome) {
        self.probes[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn probes(&self, outcome: ProbeOutcome) -> u64 {
        self.probes[outcome as usize].load(Ordering::Relaxed)
    }

    pub fn reloaded(&self, ok: bool) {
        self.reload_ok.store(u64::from(ok), Ordering::Relaxed);
        if ok {
            self.reloaded_at
                .store(epoch_seconds() as u64, Ordering::Relaxed);
        }
    }

    /// `/metrics`: build info, probe counts, reload state, checks running, `process_*`.
    pub fn render(&self, checks_running: usize, max_checks: usize) -> String {
        let mut text = String::with_capacity(2048);
        gauge(
            &mut text,
            "headroom_build_info",
            "headroom's version; always 1.",
            &[(concat!("version=\"", env!("CARGO_PKG_VERSION"), "\""), 1.0)],
        );
        let probes: Vec<(String, f64)> = ProbeOutcome::ALL
            .iter()
            .map(|o| {
                (
                    format!("outcome=\"{}\"", o.as_str()),
                    self.probes(*o) as f64,
                )
            })
            .collect();
        let probes: Vec<(&str, f64)> = probes.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        family(
            &mut text,
            "headroom_probes_total",
            "Probes answered: success or failure (a check ran; failure when a query failed), \
             cached (the result of an identical recent or running probe), rejected (not run: a \
             bad request, or every check slot taken).",
            "counter",
            &probes,
        );
        gauge(
            &mut text,
            "headroom_checks_running",
            "Checks running now.",
            &[("", checks_running as f64)],
        );
        gauge(
            &mut text,
            "headroom_checks_max",
            "Checks that may run at once; a probe that would start one more gets 503.",
            &[("", max_checks as f64)],
        );
        gauge(
            &mut text,
            "headroom_config_last_reload_successful",
            "Whether the last config reload (SIGHUP) succeeded (1) or kept the previous config (0).",
            &[("", self.reload_ok.load(Ordering::Relaxed) as f64)],
        );
        gauge(
            &mut text,
            "headroom_config_last_reload_success_timestamp_seconds",
            "When the config was last loaded, in seconds since the epoch.",
            &[("", self.reloaded_at.load(Ordering::Relaxed) as f64)],
        );
        process(&mut text, self.started_at);
        text
    }
}

fn epoch_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn gauge(text: &mut String, name: &str, help: &str, samples: &[(&str, f64)]) {
    family(text, name, help, "gauge", samples);
}

/// One family: `# HELP`, `# TYPE`, then a sample per `(labels, value)`.
fn family(text: &mut String, name: &str, help: &str, kind: &str, samples: &[(&str, f64)]) {
    let _ = writeln!(text, "# HELP {name} {help}");
    let _ = writeln!(text, "# TYPE {name} {kind}");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(text, "{name} {}", number(*value));
        } else {
            let _ = writeln!(text, "{name}{{{labels}}} {}", number(*value));
        }
    }
}

/// Go's float syntax as Prometheus parses it (no exponent for the values seen here).
fn number(value: f64) -> String {
    if value.is_finite() {
        value.to_string()
    } else if value.is_nan() {
        "NaN".into()
    } else if value > 0.0 {
        "+Inf".into()
    } else {
        "-Inf".into()
    }
}

/// The standard `process_*` metrics, as client libraries name them, where the platform gives
/// them: CPU time and the open-files limit on every Unix, memory and open files from `/proc` on
/// Linux, the start time everywhere (taken when `serve` started).
fn process(text: &mut String, started_at: f64) {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, UsageWho, getrlimit, getrusage};
        if let Ok(usage) = getrusage(UsageWho::RUSAGE_SELF) {
            let seconds =
                |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1_000_000.0;
            family(
                text,
                "process_cpu_seconds_total",
                "Total user and system CPU time spent in seconds.",
                "counter",
                &[(
                    "",
                    seconds(usage.user_time()) + seconds(usage.system_time()),
                )],
            );
        }
        if let Ok((soft, _)) = getrlimit(Resource::RLIMIT_NOFILE) {
            gauge(
                text,
                "process_max_fds",
                "Maximum number of open file descriptors.",
                &[("", soft as f64)],
            );
        }
    }
    #[cfg(target_os = "linux")]
    {
        if let Ok(entries) = std::fs::read_dir("/proc/self/fd") {
            gauge(
                text,
                "process_open_fds",
                "Number of open file descriptors.",
                &[("", entries.count() as f64)],
            );
        }
        if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
            let kib = |key: &str| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix(key))
                    .and_then(|rest| rest.trim().strip_suffix("kB"))
                    .and_then(|n| n.trim().parse::<f64>().ok())
                    .map(|n| n * 1024.0)
            };
            if let Some(bytes) = kib("VmSize:") {
                gauge(
                    text,
                    "process_virtual_memory_bytes",
                    "Virtual memory size in bytes.",
                    &[("", bytes)],
                );
            }
            if let Some(bytes) = kib("VmRSS:") {
                gauge(
                    text,
                    "process_resident_memory_bytes",
                    "Resident memory size in bytes.",
                    &[("", bytes)],
                );
            }
        }
    }
    gauge(
        text,
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        &[("", started_at)],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_report;

    #[test]
    fn the_probe_text_is_check_output_plus_the_probe_series() {
        let mut report = sample_report();
        let mut check = Vec::new();
        output::render(
            Format::Prometheus,
            &report,
            &RenderOptions::default(),
            &mut check,
        )
        .unwrap();
        let check = String::from_utf8(check).unwrap();
        let (text, success) = probe_text(
            &report,
            Duration::from_millis(1250),
            Duration::from_secs(30),
        );
        // The sample report has a failed query.
        assert!(!success);
        assert!(text.ends_with(
            "headroom_probe_success 0\n# HELP headroom_probe_duration_seconds Wall time of the \
             probe's check.\n# TYPE headroom_probe_duration_seconds gauge\n\
             headroom_probe_duration_seconds 1.25\n"
        ));
        // The same samples and TYPE lines as `-o prometheus`; HELP lines say how old.
        let same = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with("# HELP ") && !l.starts_with("headroom_probe_"))
                .filter(|l| !l.contains("headroom_probe_"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(same(&text), same(&check));
        for line in text
            .lines()
            .filter(|l| l.starts_with("# HELP headroom_quota"))
        {
            assert!(line.ends_with(" Served results may be up to 30s old (serve.min_interval)."));
        }
        report.errors.clear();
        assert!(probe_text(&report, Duration::ZERO, Duration::ZERO).1);
        report.unmatched.push("--service x matched nothing".into());
        assert!(!probe_text(&report, Duration::ZERO, Duration::ZERO).1);
    }

    #[test]
    fn own_metrics_have_every_outcome_from_zero() {
        let metrics = Metrics::default();
        metrics.count(ProbeOutcome::Cached);
        metrics.count(ProbeOutcome::Cached);
        metrics.reloaded(false);
        let text = metrics.render(3, 16);
        assert!(text.contains(concat!(
            "headroom_build_info{version=\"",
            env!("CARGO_PKG_VERSION"),
            "\"} 1\n"
        )));
        for line in [
            "# TYPE headroom_probes_total counter",
            "headroom_probes_total{outcome=\"success\"} 0",
            "headroom_probes_total{outcome=\"failure\"} 0",
            "headroom_probes_total{outcome=\"cached\"} 2",
            "headroom_probes_total{outcome=\"rejected\"} 0",
            "headroom_checks_running 3",
            "headroom_config_last_reload_successful 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        #[cfg(target_os = "linux")]
        for name in [
            "process_cpu_seconds_total ",
            "process_resident_memory_bytes ",
            "process_open_fds ",
            "process_max_fds ",
            "process_start_time_seconds ",
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(name)),
                "{name} in\n{text}"
            );
        }
    }
}
