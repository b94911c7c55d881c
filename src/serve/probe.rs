//! `/probe`: one check of a selection of profiles, answered before the scraper gives up, and
//! shared with identical probes.
//!
//! - The selection (`profile=`, `provider=`, `service=`, `region=`, each repeatable, profile
//!   patterns expanded) is normalised, so that the order of the parameters, repeats and the
//!   timeout header never make two probes of the same thing different.
//! - A result is reused for `serve.min_interval` after its check started, never longer: the two
//!   servers of an HA Prometheus pair scrape the same targets, and must not double the calls to
//!   the clouds (which throttle). A probe that arrives while an identical check runs waits for
//!   it instead of starting another (single flight).
//! - At most [`MAX_CHECKS`] checks run at once; cached answers and followers do not count.
//! - Every check has a deadline; queries still running then count as failed (`timeout`).
//!
//! Nothing here speaks HTTP: `routes` does, with what [`Generation::probe`] returns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;

use super::metrics::probe_text;
use crate::cli::{CheckArgs, ColorChoice, GlobalArgs};
use crate::commands::{AppError, check};
use crate::config::{self, Config, did_you_mean, wildcard_match};
use crate::log::log;
use crate::printer::Printer;
use crate::providers::Engine;
use crate::quota::Provider;
use crate::sources::Source;

/// Checks running at once, all selections together.
pub const MAX_CHECKS: usize = 16;
/// Taken off Prometheus' scrape timeout, so that the answer is on its way before the scraper
/// gives up (blackbox_exporter's default offset).
pub const TIMEOUT_OFFSET: Duration = Duration::from_millis(500);
/// The header in which Prometheus sends its scrape timeout.
pub const SCRAPE_TIMEOUT_HEADER: &str = "x-prometheus-scrape-timeout-seconds";
/// Recent results kept at most, in number and in bytes of text; the oldest goes first. Each is
/// gone after `min_interval` anyway; the caps bound memory against a flood of distinct
/// selections.
const MAX_RECENT: usize = 1024;
const MAX_RECENT_BYTES: usize = 64 * 1024 * 1024;

/// The parameters `/probe` takes.
const PARAMETERS: [&str; 4] = ["profile", "provider", "service", "region"];

/// What a probe asks for, normalised: every list sorted and without repeats, profile patterns
/// replaced by the names they match. Two probes with equal selections get the same result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Selection {
    pub profiles: Vec<String>,
    pub providers: Vec<String>,
    pub services: Vec<String>,
    pub regions: Vec<String>,
}

impl Selection {
    /// Reads `/probe`'s query string against the profiles of `config`. The error is one line,
    /// for a 400 answer.
    pub fn parse(query: &str, config: &Config) -> Result<Selection, String> {
        let mut selection = Selection {
            profiles: Vec::new(),
            providers: Vec::new(),
            services: Vec::new(),
            regions: Vec::new(),
        };
        let mut patterns = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let list = match name.as_ref() {
                "profile" => &mut patterns,
                "provider" => &mut selection.providers,
                "service" => &mut selection.services,
                "region" => &mut selection.regions,
                other => {
                    let hint = did_you_mean(other, &PARAMETERS)
                        .map(|p| format!(" (did you mean `{p}`?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown parameter {}{hint}; /probe takes profile, provider, service \
                         and region",
                        shown(other)
                    ));
                }
            };
            if value.is_empty() {
                return Err(format!("`{name}=` needs a value"));
            }
            list.push(value.into_owned());
        }
        if patterns.is_empty() {
            return Err(
                "no profile: ask for /probe?profile=NAME (repeatable, `*` wildcards)".into(),
            );
        }
        let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
        for pattern in &patterns {
            let matched: Vec<&str> = names
                .iter()
                .copied()
                .filter(|name| wildcard_match(pattern, name))
                .collect();
            if matched.is_empty() {
                let what = if pattern.contains('*') {
                    "no profile matches the pattern"
                } else {
                    "unknown profile"
                };
                let hint = match did_you_mean(pattern, &names) {
                    Some(name) => format!("; did you mean `{name}`?"),
                    None => format!("; profiles: {}", list(&names)),
                };
                return Err(format!("{what} {}{hint}", shown(pattern)));
            }
            selection
                .profiles
                .extend(matched.into_iter().map(str::to_string));
        }
        for provider in &selection.providers {
            if !Provider::ALL.iter().any(|p| p.as_str() == provider) {
                return Err(format!(
                    "unknown provider {}; providers are alibaba, huaweicloud and otc",
                    shown(provider)
                ));
            }
        }
        for service in &selection.services {
            let known = Provider::ALL
                .iter()
                .any(|provider| Source::for_service(*provider, service).is_some());
            if !known {
                let services = crate::sources::all_services();
                let hint = did_you_mean(service, &services)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(format!("unknown service {}{hint}", shown(service)));
            }
        }
        for region in &selection.regions {
            config::validate_region(region).map_err(|m| format!("region: {}", one_line(&m)))?;
        }
        for values in [
            &mut selection.profiles,
            &mut selection.providers,
            &mut selection.services,
            &mut selection.regions,
        ] {
            values.sort();
            values.dedup();
        }
        Ok(selection)
    }

    /// The same selection as `check` options.
    fn args(&self) -> CheckArgs {
        CheckArgs {
            profiles: self.profiles.clone(),
            providers: self.providers.clone(),
            services: self.services.clone(),
            regions: self.regions.clone(),
            ..CheckArgs::default()
        }
    }
}

/// A value from the request as a message may quote it: on one line, and short.
fn shown(value: &str) -> String {
    format!("`{}`", crate::output::clean(value, 60))
}

fn one_line(text: &str) -> String {
    crate::output::clean(text, 300)
}

/// The first few names of a list, for a message.
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 10;
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// How long a probe may take: Prometheus' scrape timeout (its header) less
/// [`TIMEOUT_OFFSET`], but never less than half of it (a 0.5 s scrape timeout still gets
/// 0.25 s); without the header, the configured per-attempt timeout.
pub fn budget(header: Option<&str>, configured: Duration) -> Result<Duration, String> {
    let Some(text) = header else {
        return Ok(configured);
    };
    let seconds = text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| {
            format!(
                "X-Prometheus-Scrape-Timeout-Seconds: {} is not a positive number of seconds",
                shown(text)
            )
        })?;
    // A day is more than any scrape timeout; the cap keeps the arithmetic in range.
    let scrape = Duration::from_secs_f64(seconds.min(86_400.0));
    Ok(scrape.saturating_sub(TIMEOUT_OFFSET).max(scrape / 2))
}

/// What one check gave: the text of the answer and whether every query answered.
#[derive(Debug)]
pub struct Outcome {
    pub text: String,
    pub success: bool,
    /// When the check started: a result is reused only while younger than `min_interval`.
    started: Instant,
}

/// A check's result for everyone waiting on it: the outcome, or why the selection cannot be
/// checked (a 400).
type Shared = Result<Arc<Outcome>, String>;

/// How a probe was answered.
#[derive(Debug)]
pub enum Answer {
    /// A check ran for this probe (or was cut off at its deadline).
    Ran(Arc<Outcome>),
    /// The result of an identical probe: recent, or running when this one came.
    Reused(Arc<Outcome>),
    /// [`MAX_CHECKS`] checks are running already.
    Busy,
    /// The selection cannot be checked; one line for a 400.
    Refused(String),
}

/// How long one engine serves the probes of a config before a fresh one replaces it. An engine
/// keeps what `check` keeps for one run (project ids looked up, the temporary credentials of
/// assumed profiles); an exporter's run never ends, so its engine is given one of a few
/// minutes: shorter than temporary credentials live (15 minutes at the least on both clouds),
/// long enough to keep connections to the clouds.
const ENGINE_LIFETIME: Duration = Duration::from_secs(300);

/// One loaded config and everything that must be thrown away with it on a reload: the engine
/// (its connections, pacing, project ids), the recent results and the running checks.
pub struct Generation {
    pub config: Arc<Config>,
    /// The engine and when it was made; checks running hold their own handle on it.
    engine: Mutex<(Arc<Engine>, Instant)>,
    /// Checks print nothing: notes and failed queries are the scraper's business, in the
    /// answer (and in the `-v` log).
    printer: Printer,
    recent: Mutex<HashMap<Selection, Arc<Outcome>>>,
    running: Mutex<HashMap<Selection, watch::Receiver<Option<Shared>>>>,
}

impl Generation {
    pub fn new(config: Config) -> Result<Arc<Generation>, AppError> {
        let engine = new_engine(&config)?;
        Ok(Arc::new(Generation {
            config: Arc::new(config),
            engine: Mutex::new((engine, Instant::now())),
            printer: Printer::new(&GlobalArgs {
                config: None,
                color: ColorChoice::Never,
                quiet: true,
                verbose: 0,
                history: None,
                no_history: false,
            }),
            recent: Mutex::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
        }))
    }

    fn min_interval(&self) -> Duration {
        self.config.serve.min_interval
    }

    /// The engine for a new check: the current one, or a fresh one once it is
    /// [`ENGINE_LIFETIME`] old (the old one goes when its last check ends).
    fn engine(&self) -> Arc<Engine> {
        let mut engine = lock(&self.engine);
        if engine.1.elapsed() >= ENGINE_LIFETIME {
            match new_engine(&self.config) {
                Ok(fresh) => *engine = (fresh, Instant::now()),
                Err(error) => log(1, || format!("serve: keeping the engine: {error}")),
            }
        }
        Arc::clone(&engine.0)
    }

    /// Answers a probe of `selection` by `deadline`: a recent result, the result of the
    /// identical check running now, or a new check when one of `checks` is free.
    pub async fn probe(
        self: &Arc<Self>,
        selection: Selection,
        deadline: Instant,
        checks: &Arc<Semaphore>,
    ) -> Answer {
        enum Role {
            Leader(watch::Receiver<Option<Shared>>),
            Follower(watch::Receiver<Option<Shared>>),
        }
        let role = {
            let mut running = lock(&self.running);
            if let Some(outcome) = self.recent(&selection) {
                return Answer::Reused(outcome);
            }
            match running.get(&selection) {
                Some(receiver) => Role::Follower(receiver.clone()),
                None => {
                    let Ok(permit) = Arc::clone(checks).try_acquire_owned() else {
                        return Answer::Busy;
                    };
                    let (sender, receiver) = watch::channel(None);
                    running.insert(selection.clone(), receiver.clone());
                    // Its own task: the check finishes (and its result is kept for the next
                    // probe) even when this probe's scraper hangs up.
                    let generation = Arc::clone(self);
                    let selection = selection.clone();
                    tokio::spawn(async move {
                        let shared = generation.check(&selection, deadline).await;
                        generation.finish(selection, &shared);
                        drop(permit);
                        let _ = sender.send(Some(shared));
                    });
                    Role::Leader(receiver)
                }
            }
        };
        match role {
            // The check has this probe's deadline: it ends in time by itself.
            Role::Leader(receiver) => match wait(receiver, None).await {
                Some(Ok(outcome)) => Answer::Ran(outcome),
                Some(Err(reason)) => Answer::Refused(reason),
                None => self.cut_off(&selection).await,
            },
            Role::Follower(receiver) => match wait(receiver, Some(deadline)).await {
                Some(Ok(outcome)) => Answer::Reused(outcome),
                Some(Err(reason)) => Answer::Refused(reason),
                // The running check ends after this probe's deadline (its scraper allows more
                // time than this one's).
                None => self.cut_off(&selection).await,
            },
        }
    }

    /// A result of `selection` young enough to reuse.
    fn recent(&self, selection: &Selection) -> Option<Arc<Outcome>> {
        let recent = lock(&self.recent);
        recent
            .get(selection)
            .filter(|outcome| outcome.started.elapsed() < self.min_interval())
            .map(Arc::clone)
    }

    /// One check of `selection`, its queries cut off at `deadline`. A real one records its
    /// rows into the usage history (as `check` does); the stand-in of [`Generation::cut_off`]
    /// has no answered rows, so it records nothing.
    async fn check(&self, selection: &Selection, deadline: Instant) -> Shared {
        let started = Instant::now();
        let engine = self.engine();
        let report = check::report_with(
            &self.printer,
            &selection.args(),
            &self.config,
            &engine,
            Some(deadline),
        )
        .await;
        match report {
            Ok(report) => {
                let (text, success) = probe_text(&report, started.elapsed(), self.min_interval());
                Ok(Arc::new(Outcome {
                    text,
                    success,
                    started,
                }))
            }
            Err(AppError::Usage { message, hint }) => Err(one_line(&match hint {
                Some(hint) => format!("{message}; {hint}"),
                None => message,
            })),
            Err(other) => Err(one_line(&other.to_string())),
        }
    }

    /// The answer for a probe that cannot wait for the identical check running now (its own
    /// deadline is earlier): every query of the selection failed with `timeout`. Computed
    /// without a single request, as the deadline has passed.
    async fn cut_off(&self, selection: &Selection) -> Answer {
        match self.check(selection, Instant::now()).await {
            Ok(outcome) => Answer::Ran(outcome),
            Err(reason) => Answer::Refused(reason),
        }
    }

    /// Keeps a finished check's result for `min_interval` and lets the next probe start anew.
    fn finish(&self, selection: Selection, shared: &Shared) {
        let mut running = lock(&self.running);
        running.remove(&selection);
        let Ok(outcome) = shared else { return };
        if self.min_interval().is_zero() {
            return;
        }
        let mut recent = lock(&self.recent);
        recent.insert(selection, Arc::clone(outcome));
        keep_recent(
            &mut recent,
            self.min_interval(),
            MAX_RECENT,
            MAX_RECENT_BYTES,
        );
    }
}

/// Drops the results older than `min_interval`, then the oldest until at most `entries`
/// results of at most `bytes` of text together are left (the newest is always kept).
fn keep_recent(
    recent: &mut HashMap<Selection, Arc<Outcome>>,
    min_interval: Duration,
    entries: usize,
    bytes: usize,
) {
    recent.retain(|_, kept| kept.started.elapsed() < min_interval);
    let mut total: usize = recent.values().map(|kept| kept.text.len()).sum();
    while recent.len() > entries || (recent.len() > 1 && total > bytes) {
        let Some(oldest) = recent
            .iter()
            .min_by_key(|(_, kept)| kept.started)
            .map(|(key, _)| key.clone())
        else {
            break;
        };
        if let Some(gone) = recent.remove(&oldest) {
            total -= gone.text.len();
        }
    }
}

/// The engine for `config`'s probes, with the config's timeout, retries and concurrency.
fn new_engine(config: &Config) -> Result<Arc<Engine>, AppError> {
    let settings = check::settings_from(config, None, None, None)?;
    Engine::new(settings, config).map_err(AppError::Other)
}

/// Waits for a check's result, until `deadline` when there is one; `None` when it has not
/// come by then.
async fn wait(
    mut receiver: watch::Receiver<Option<Shared>>,
    deadline: Option<Instant>,
) -> Option<Shared> {
    let result = receiver.wait_for(Option::is_some);
    let ready = match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, result).await.ok()?,
        None => result.await,
    };
    // The sender only goes away after sending (a panic ends the process), so a closed
    // channel is treated like a late one.
    ready.ok().and_then(|value| value.clone())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The number of checks running now, for the exporter's own metrics.
pub fn running_checks(checks: &Semaphore) -> usize {
    MAX_CHECKS.saturating_sub(checks.available_permits())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let text = "profiles:\n  ali-prod:\n    provider: alibaba\n    region: cn-shanghai\n    access_key_id: LTAI5tTestAccessKeyId01\n    access_key_secret: x\n  hw-prod:\n    provider: huaweicloud\n    region: cn-north-4\n    access_key: HPUATESTAKEXAMPLE0001\n    secret_key: y\n  hw-test:\n    provider: huaweicloud\n    region: cn-north-4\n    access_key: HPUATESTAKEXAMPLE0001\n    secret_key: y\n";
        config::parse(text, None, &std::collections::BTreeMap::new()).unwrap()
    }

    #[test]
    fn equal_selections_whatever_the_order_and_repeats() {
        let config = config();
        let a = Selection::parse(
            "profile=hw-prod&profile=ali-prod&region=cn-north-4",
            &config,
        )
        .unwrap();
        let b = Selection::parse(
            "region=cn-north-4&profile=ali-prod&profile=hw-prod&profile=hw-prod",
            &config,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.profiles, ["ali-prod", "hw-prod"]);
        // A pattern is the names it matches.
        let c = Selection::parse("profile=hw-*&profile=ali-prod", &config).unwrap();
        let d =
            Selection::parse("profile=ali-prod&profile=hw-test&profile=hw-prod", &config).unwrap();
        assert_eq!(c, d);
        let all = Selection::parse("profile=*", &config).unwrap();
        assert_eq!(all.profiles, ["ali-prod", "hw-prod", "hw-test"]);
        // Percent-encoding is decoded.
        let e = Selection::parse("profile=hw%2Dprod", &config).unwrap();
        assert_eq!(e.profiles, ["hw-prod"]);
    }

    #[test]
    fn bad_selections_say_why_on_one_line() {
        let config = config();
        for (query, expected) in [
            ("", "no profile"),
            ("service=vpc", "no profile"),
            ("profile=", "`profile=` needs a value"),
            (
                "profile=hw-prd",
                "unknown profile `hw-prd`; did you mean `hw-prod`?",
            ),
            ("profile=gcp-*", "no profile matches the pattern `gcp-*`"),
            (
                "profiles=hw-prod",
                "unknown parameter `profiles` (did you mean `profile`?)",
            ),
            ("profile=hw-prod&provider=aws", "unknown provider `aws`"),
            ("profile=hw-prod&service=Vpc", "unknown service `Vpc`"),
            ("profile=hw-prod&region=..%2Fetc", "region: "),
            ("profile=a%0Ab", "unknown profile `a b`"),
        ] {
            let error = Selection::parse(query, &config).unwrap_err();
            assert!(error.contains(expected), "{query}: {error}");
            assert!(!error.contains('\n'), "{query}: {error}");
        }
    }

    #[test]
    fn recent_results_expire_and_are_capped_oldest_first() {
        let now = Instant::now();
        let selection = |name: &str| Selection {
            profiles: vec![name.to_string()],
            providers: Vec::new(),
            services: Vec::new(),
            regions: Vec::new(),
        };
        let outcome = |age_ms: u64, bytes: usize| {
            Arc::new(Outcome {
                text: "x".repeat(bytes),
                success: true,
                started: now - Duration::from_millis(age_ms),
            })
        };
        let mut recent = HashMap::new();
        recent.insert(selection("expired"), outcome(31_000, 10));
        for (name, age) in [("a", 400), ("b", 300), ("c", 200), ("d", 100)] {
            recent.insert(selection(name), outcome(age, 10));
        }
        let minute = Duration::from_secs(30);
        keep_recent(&mut recent, minute, 3, 1000);
        let mut left: Vec<&str> = recent.keys().map(|s| s.profiles[0].as_str()).collect();
        left.sort();
        assert_eq!(left, ["b", "c", "d"]);
        keep_recent(&mut recent, minute, 3, 25);
        let mut left: Vec<&str> = recent.keys().map(|s| s.profiles[0].as_str()).collect();
        left.sort();
        assert_eq!(left, ["c", "d"]);
        // One result larger than the byte cap is still kept: it is the newest.
        recent.insert(selection("big"), outcome(0, 100));
        keep_recent(&mut recent, minute, 3, 25);
        assert_eq!(recent.len(), 1);
        keep_recent(&mut recent, Duration::ZERO, 3, 25);
        assert!(recent.is_empty());
    }

    #[test]
    fn the_budget_follows_the_scrape_timeout() {
        let configured = Duration::from_secs(10);
        assert_eq!(budget(None, configured), Ok(configured));
        assert_eq!(
            budget(Some("10"), configured),
            Ok(Duration::from_millis(9500))
        );
        assert_eq!(
            budget(Some(" 2.5 "), configured),
            Ok(Duration::from_secs(2))
        );
        assert_eq!(
            budget(Some("0.5"), configured),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(
            budget(Some("120"), configured),
            Ok(Duration::from_millis(119_500))
        );
        for bad in ["", "soon", "0", "-3", "NaN", "inf"] {
            assert!(budget(Some(bad), configured).is_err(), "{bad}");
        }
    }
}
