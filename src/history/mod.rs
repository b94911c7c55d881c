//! The local usage history: every check records what it read, so that the next one can say how
//! fast each quota fills ("full in 12 days"), what changed since the last run, and
//! `headroom history` can show the past.
//!
//! The history never breaks a check. Every problem with the store (a file that is not a
//! database, a damaged one, one from a newer headroom, a folder that cannot be created) is one
//! `warning:` line naming the file and what to do, and the check's output and exit code are
//! then exactly those of `--no-history`: the rows are worked on as a copy, which is used only
//! when the store read cleanly. A store that reads but cannot be written still gives its
//! forecast, with a warning that this run was not recorded. Nothing here ever changes a file it
//! found damaged.

pub mod forecast;
pub mod store;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use store::{Key, NewSample, Problem, Sample, Store};

use crate::config::{Config, HistorySettings};
use crate::printer::Printer;
use crate::quota::{Amount, LimitChange, QuotaRow, Status};
use store::Failure;

/// The store's key of a row.
pub fn key_of(row: &QuotaRow) -> Key {
    Key {
        profile: row.profile.clone(),
        region: row.region.clone(),
        service: row.service.clone(),
        resource: row.resource.clone(),
    }
}

/// What to do about a store that cannot be used, said once.
const FIX: &str = "move it away (headroom then starts a new history there), point \
                   `history.path` or --history elsewhere, or turn the history off with \
                   --no-history";

/// The one `warning:` line for a store that cannot be used at all this run.
pub fn problem_line(file: &Path, problem: &Problem) -> String {
    format!("warning: {}", problem_text(file, problem, true))
}

/// What is wrong with the store and what to do; `recording`: said by a run that meant to
/// record (and so says it did not), rather than by one that only reads.
pub fn problem_text(file: &Path, problem: &Problem, recording: bool) -> String {
    let path = file.display();
    let (left_as_it_is, not_recorded) = if recording {
        (
            ", so it was left as it is and this run was not recorded",
            ", so this run was not recorded",
        )
    } else {
        ("", "")
    };
    match problem {
        Problem::Busy => busy_text(
            file,
            if recording {
                "so it could not be read and this run was not recorded"
            } else {
                "so it could not be read"
            },
        ),
        Problem::Folder(folder, error) => format!(
            "history: cannot create the folder {} ({error}){not_recorded}; create it, point \
             `history.path` or --history elsewhere, or turn the history off with --no-history",
            folder.display()
        ),
        Problem::Unopenable(message) => format!(
            "history {path}: {message}{}; point `history.path` or --history elsewhere, or turn \
             the history off with --no-history",
            if recording {
                "; this run was not recorded"
            } else {
                ""
            }
        ),
        Problem::NotADatabase => {
            format!("history {path} is not a SQLite database{left_as_it_is}; {FIX}")
        }
        Problem::Corrupt(detail) => {
            format!("history {path} is damaged ({detail}){left_as_it_is}; {FIX}")
        }
        Problem::Newer(version) => format!(
            "history {path} has schema version {version}, newer than this headroom knows \
             ({}){left_as_it_is}; upgrade headroom, or point `history.path` or --history \
             elsewhere",
            store::SCHEMA_VERSION
        ),
        Problem::Foreign(detail) => format!(
            "history {path} is a SQLite database but not a headroom history \
             ({detail}){left_as_it_is}; point `history.path` or --history elsewhere"
        ),
    }
}

fn not_recorded_line(path: &Path, reason: &str) -> String {
    format!(
        "warning: history {} cannot be written ({reason}), so this run was not recorded (the \
         forecast still reads it); make it and its folder writable, point `history.path` or \
         --history elsewhere, or turn the history off with --no-history",
        path.display()
    )
}

/// The store's path for this run, or `None` (with a warning when it is on but has no place).
fn store_path(settings: &HistorySettings, printer: &Printer) -> Option<PathBuf> {
    if !settings.enabled {
        return None;
    }
    let path = settings.store_path();
    if path.is_none() {
        printer.problem(
            "warning: history: no folder to keep it in (no home directory); set `history.path` \
             or --history PATH, or turn it off with --no-history",
        );
    }
    path
}

/// Adds what the history knows to a run's rows (trend, limit change, whether it changed, the
/// status its forecast gives with time thresholds), then records every row. `rows` are every
/// row the queries returned, before any filter; `now` is the run's time.
///
/// SQLite's work (and its wait for another run's lock) is done on a thread of its own, so that
/// the runtime's one thread goes on meanwhile (an exporter keeps answering its other requests).
pub async fn apply(rows: &mut Vec<QuotaRow>, now: i64, config: &Config, printer: &Printer) {
    if !config.history.enabled || rows.is_empty() {
        return;
    }
    let settings = config.history.clone();
    let window = config.defaults.forecast_window;
    let printer = *printer;
    let mut owned = rows.clone();
    let work = tokio::task::spawn_blocking(move || {
        apply_now(&mut owned, now, &settings, window, &printer);
        owned
    });
    match work.await {
        Ok(updated) => *rows = updated,
        // Outside the binary (no panic hook to exit), a panic stays a panic.
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Cancelled: only when the runtime shuts down, and then nobody reads the rows.
        Err(_) => {}
    }
}

/// [`apply`], on the calling thread.
pub fn apply_now(
    rows: &mut Vec<QuotaRow>,
    now: i64,
    settings: &HistorySettings,
    forecast_window: std::time::Duration,
    printer: &Printer,
) {
    let Some(path) = store_path(settings, printer) else {
        return;
    };
    let started = std::time::Instant::now();
    let mut store = match Store::open(&path) {
        Ok(store) => store,
        Err(problem) => {
            printer.problem(&problem_line(&path, &problem));
            return;
        }
    };
    let window = i64::try_from(forecast_window.as_secs()).unwrap_or(i64::MAX);
    let opened = started.elapsed();
    let keys: Vec<Key> = rows.iter().map(key_of).collect();
    let updated = match with_history(&store, rows, &keys, now, window) {
        Ok(updated) => updated,
        Err(failure) => {
            printer.problem(&failure_line(&path, &failure));
            return;
        }
    };
    let read = started.elapsed();
    let written = if let Some(read_only) = store.read_only() {
        Err(read_only.clone().into())
    } else {
        let samples: Vec<NewSample<'_>> = keys
            .iter()
            .zip(&updated)
            .map(|(key, row)| NewSample {
                key,
                provider: row.provider.as_str(),
                used: row.used.value(),
                limit: row.limit.map(Amount::value),
                status: row.status.as_str(),
            })
            .collect();
        store.record(now, &samples, settings.keep)
    };
    let recorded = started.elapsed();
    // Closing copies the run's pages from the write-ahead log into the file: part of the cost.
    drop(store);
    crate::log::log(1, || {
        format!(
            "history {}: opened in {} ms, read in {} ms, written in {} ms, closed in {} ms",
            path.display(),
            opened.as_millis(),
            (read - opened).as_millis(),
            (recorded - read).as_millis(),
            (started.elapsed() - recorded).as_millis()
        )
    });
    match written {
        Ok(()) => *rows = updated,
        Err(Failure::Refused(reason)) => {
            printer.problem(&not_recorded_line(&path, &reason));
            *rows = updated;
        }
        Err(Failure::Busy) => {
            printer.problem(&busy_line(
                &path,
                "so this run was not recorded (the forecast still reads it)",
            ));
            *rows = updated;
        }
        Err(damaged) => printer.problem(&failure_line(&path, &damaged)),
    }
}

/// The warning for a store that another run kept locked.
fn busy_line(path: &Path, consequence: &str) -> String {
    format!("warning: {}", busy_text(path, consequence))
}

fn busy_text(path: &Path, consequence: &str) -> String {
    format!(
        "history {} was kept locked by another run for more than {} seconds, {consequence}; \
         this passes when that run ends (it may be the first run on a large store filled \
         elsewhere, which builds headroom's tables once and can take minutes)",
        path.display(),
        store::BUSY_TIMEOUT.as_secs()
    )
}

fn failure_line(path: &Path, failure: &Failure) -> String {
    match failure {
        Failure::Damaged(problem) => problem_line(path, problem),
        Failure::Busy => busy_line(
            path,
            "so it could not be read and this run was not recorded",
        ),
        Failure::Refused(reason) => format!(
            "warning: history {} could not be read ({reason}), so this run was not recorded; \
             point `history.path` or --history elsewhere, or turn the history off with \
             --no-history",
            path.display()
        ),
    }
}

/// The rows with their trends, limit changes and `changed` flags, from the store's samples
/// and this run's own (at `now`); `keys` are the rows' keys, in their order.
fn with_history(
    store: &Store,
    rows: &[QuotaRow],
    keys: &[Key],
    now: i64,
    window: i64,
) -> Result<Vec<QuotaRow>, Failure> {
    let wanted: HashSet<Key> = keys.iter().cloned().collect();
    let from = now.saturating_sub(window);
    let started = std::time::Instant::now();
    let previous = store.latest(keys, now)?;
    let latest_ms = started.elapsed().as_millis();
    let stats = store.range_stats(from, now + 1, now, Some(&wanted), store::Detail::Trend)?;
    crate::log::log(3, || {
        format!(
            "history: previous samples read in {latest_ms} ms, window sums by {} ms",
            started.elapsed().as_millis()
        )
    });
    let mut updated = rows.to_vec();
    for (row, key) in updated.iter_mut().zip(keys) {
        let mut moments = stats.get(key).map(|s| s.moments).unwrap_or_default();
        moments.add(0.0, row.used.value());
        let first_at = stats
            .get(key)
            .and_then(|s| s.first_at)
            .unwrap_or(now)
            .min(now);
        let trend = forecast::trend(&moments, first_at, now, row.used, row.limit);
        row.set_trend(trend);
        let before = previous.get(key);
        row.limit_changed = before.and_then(|before| limit_change(before, row.limit));
        row.changed = match before {
            None => true,
            Some(before) => {
                row.limit_changed.is_some() || previous_status(before, row) != Some(row.status)
            }
        };
    }
    Ok(updated)
}

/// A limit that differs from the one recorded in `before`.
fn limit_change(before: &Sample, limit: Option<Amount>) -> Option<LimitChange> {
    let from = before.limit.and_then(Amount::new);
    let same = match (before.limit, limit) {
        (Some(a), Some(b)) => a == b.value(),
        (None, None) => true,
        _ => false,
    };
    (!same).then(|| LimitChange {
        from,
        to: limit,
        at: jiff::Timestamp::from_second(before.at).unwrap_or_default(),
    })
}

/// The status recorded in a sample, or (where it was not recorded) the one today's percent and
/// absolute thresholds give its numbers.
fn previous_status(before: &Sample, row: &QuotaRow) -> Option<Status> {
    match before.status.as_deref() {
        Some("ok") => Some(Status::Ok),
        Some("warning") => Some(Status::Warning),
        Some("critical") => Some(Status::Critical),
        _ => {
            let used = Amount::new(before.used)?;
            let limit = match before.limit {
                Some(limit) => Some(Amount::new(limit)?),
                None => None,
            };
            Some(row.thresholds().status(used, limit))
        }
    }
}
