//! `headroom history`: what the local store holds, per quota, over a recent period. It reads
//! the store only and sends no query, so its filters match the stored keys: profiles that are
//! no longer configured can be shown too.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::cli::{HistoryArgs, HistoryFormat};
use crate::commands::{AppError, CommandResult};
use crate::config::{self, HistorySettings, wildcard_match};
use crate::exit::ExitCode;
use crate::history::store::{Detail, Failure};
use crate::history::{Key, Problem, Sample, Store, forecast, problem_text};
use crate::output::history::{self as render, KeyHistory};
use crate::printer::Printer;
use crate::quota::{Amount, Provider};

/// The sparkline's width: one character per equal slice of the period.
const SLICES: usize = 20;

pub fn run(printer: &Printer, args: &HistoryArgs, settings: &HistorySettings) -> CommandResult {
    let since =
        config::parse_period(&args.since).map_err(|m| AppError::usage(format!("--since: {m}")))?;
    for wanted in &args.providers {
        if !Provider::ALL.iter().any(|p| p.as_str() == wanted) {
            return Err(AppError::usage_hint(
                format!("--provider: unknown provider {}", config::quoted(wanted)),
                "providers are alibaba, huaweicloud and otc",
            ));
        }
    }
    let Some(path) = settings.path.clone().or_else(config::default_history_path) else {
        return Err(AppError::usage(
            "no folder for the history (no home directory); give it with --history PATH",
        ));
    };
    let format = args.output.unwrap_or(HistoryFormat::Table);
    let now = jiff::Timestamp::now().as_second();
    let from = now.saturating_sub(i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
    let histories = if path.exists() {
        let store = Store::open_read_only(&path).map_err(|problem| unusable(&path, &problem))?;
        read(&store, args, from, now, format != HistoryFormat::Table)
            .map_err(|error| read_failure(&path, error))?
    } else {
        Vec::new()
    };
    if histories.is_empty() {
        let message = empty_message(&path, args, settings.enabled);
        if format == HistoryFormat::Table {
            printer.data(format!("{message}\n").as_bytes())?;
            return Ok(ExitCode::Ok);
        }
        printer.note(&message);
    }
    let text = match format {
        HistoryFormat::Table => render::table(&histories, printer.width()),
        HistoryFormat::Json => render::json(&histories)
            .map_err(|e| AppError::Other(format!("cannot render the output: {e}")))?,
        HistoryFormat::Csv => render::csv(&histories),
    };
    printer.data(text.as_bytes())?;
    Ok(ExitCode::Ok)
}

fn unusable(path: &Path, problem: &Problem) -> AppError {
    AppError::Other(problem_text(path, problem, false))
}

/// A store that opened but could not be read through, said as a check says it.
fn read_failure(path: &Path, error: rusqlite::Error) -> AppError {
    match Failure::from(error) {
        Failure::Damaged(problem) => unusable(path, &problem),
        Failure::Busy => unusable(path, &Problem::Busy),
        Failure::Refused(reason) => {
            AppError::Other(format!("history {}: {reason}", path.display()))
        }
    }
}

fn empty_message(path: &Path, args: &HistoryArgs, enabled: bool) -> String {
    let filtered = !(args.profiles.is_empty()
        && args.providers.is_empty()
        && args.services.is_empty()
        && args.resources.is_empty()
        && args.regions.is_empty());
    let what = if filtered {
        format!("no samples in {} match the filters", path.display())
    } else {
        format!("no samples yet in {}", path.display())
    };
    let how = if enabled {
        "every `headroom check` adds one per quota that answers"
    } else {
        "the history is turned off (`history.enabled: false`), so checks do not add to it"
    };
    format!("{what} within --since {}; {how}", args.since)
}

fn selected(patterns: &[String], value: &str) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| wildcard_match(p, value))
}

/// Every selected key with samples in `[from, now]`, in name order.
fn read(
    store: &Store,
    args: &HistoryArgs,
    from: i64,
    now: i64,
    with_samples: bool,
) -> rusqlite::Result<Vec<KeyHistory>> {
    let keys: BTreeMap<Key, String> = store
        .keys()?
        .into_iter()
        .filter(|(key, provider)| {
            selected(&args.profiles, &key.profile)
                && (args.providers.is_empty() || args.providers.contains(provider))
                && selected(&args.services, &key.service)
                && selected(&args.resources, &key.resource)
                && selected(&args.regions, &key.region)
        })
        .collect();
    let wanted: HashSet<Key> = keys.keys().cloned().collect();
    let stats = store.range_stats(from, now + 1, now, Some(&wanted), Detail::Extremes)?;
    let present: Vec<Key> = keys
        .keys()
        .filter(|k| stats.contains_key(*k))
        .cloned()
        .collect();
    let latest = store.latest(&present, now)?;
    let mut slices = store.slice_maxima(from, now + 1, SLICES)?;
    let mut samples: BTreeMap<Key, Vec<Sample>> = BTreeMap::new();
    if with_samples {
        store.each_sample(from, now + 1, |key, _, sample| {
            if wanted.contains(&key) {
                samples.entry(key).or_default().push(sample);
            }
        })?;
    }
    let mut out = Vec::new();
    for key in present {
        let (Some(stat), Some(last)) = (stats.get(&key), latest.get(&key)) else {
            continue;
        };
        let Some(first) = stat.first_at else {
            continue;
        };
        let used = Amount::new(last.used).unwrap_or_default();
        let limit = last.limit.and_then(Amount::new);
        let trend = forecast::trend(&stat.moments, first, last.at, used, limit);
        out.push(KeyHistory {
            provider: keys.get(&key).cloned().unwrap_or_default(),
            count: stat.moments.n as u64,
            first,
            last: last.at,
            used,
            limit,
            lowest: stat.lowest.and_then(Amount::new),
            highest: stat.highest.and_then(Amount::new),
            trend,
            sparkline: sparkline(&slices.remove(&key).unwrap_or_default()),
            samples: samples.remove(&key).unwrap_or_default(),
            key,
        });
    }
    Ok(out)
}

/// `▁▂▃▄▅▆▇█`, one character per slice for its highest used/limit, a blank where a slice has no
/// sample (or only unlimited ones).
pub fn sparkline(cells: &[Option<f64>]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    // A blank slice still takes its place, the last ones too (no sample lately); a table
    // trims its lines' ends, JSON keeps all 20.
    (0..SLICES)
        .map(|i| match cells.get(i).copied().flatten() {
            Some(ratio) => {
                let level = (ratio.clamp(0.0, 1.0) * 7.0).round() as usize;
                LEVELS[level.min(7)]
            }
            None => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_levels_and_gaps() {
        let cells: Vec<Option<f64>> = (0..20)
            .map(|i| (i != 4).then_some(f64::from(i) / 19.0))
            .collect();
        let line = sparkline(&cells);
        assert_eq!(line.chars().count(), 20);
        assert!(line.starts_with('▁') && line.ends_with('█'), "{line}");
        assert_eq!(line.chars().nth(4), Some(' '));
        assert_eq!(sparkline(&[Some(2.0)]), format!("█{}", " ".repeat(19)));
        assert_eq!(sparkline(&[]), " ".repeat(20));
    }
}
