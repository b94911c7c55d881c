//! `headroom demo`: a simulated Alibaba, Huawei Cloud and OTC on 127.0.0.1 (the same one the
//! tests use), and `check` (or `create-ccn`, `profiles`, `history`) against it through the real
//! config, signing and HTTP path.
//!
//! The demo never reads or writes the user's history: it gets a temporary store, seeded with
//! 30 days of simulated samples of its own profiles, so that FULL IN, `trend` and `headroom demo
//! history` show what they do on the first run. The store is removed when the demo ends.

use std::path::Path;

use crate::cli::{CheckArgs, ColorChoice, DemoArgs, DemoCommand, GlobalArgs};
use crate::commands::{AppError, CommandResult, check, create_ccn, history, policy, profiles};
use crate::config::{Config, HistorySettings, ProcessEnv};
use crate::fake::{FakeCloud, demo_config_yaml};
use crate::history::{Key, NewSample, Store};
use crate::printer::Printer;
use crate::quota::{Amount, QuotaRow};

/// The simulated past: one sample every six hours for 30 days, the last six hours ago.
const SEED_DAYS: i64 = 30;
const SEED_STEP: i64 = 6 * 3600;

pub async fn run(printer: &Printer, args: &DemoArgs, global: &GlobalArgs) -> CommandResult {
    if args.command.is_some() && args.check != crate::cli::CheckArgs::default() {
        return Err(AppError::usage(
            "check options go after `demo check`, or use them without a subcommand",
        ));
    }
    let cloud = FakeCloud::demo().start().await.map_err(|e| {
        AppError::Other(format!(
            "cannot start the simulated cloud on 127.0.0.1: {e}"
        ))
    })?;
    let text = demo_config_yaml(&cloud);
    let mut config = crate::config::parse(&text, Some(Path::new("(demo config)")), &ProcessEnv)?;
    let uses_history = matches!(
        args.command,
        None | Some(DemoCommand::Check(_))
            | Some(DemoCommand::History(_))
            | Some(DemoCommand::Serve(_))
    ) && !global.no_history;
    // Removed when the demo ends (dropped at the end of this function).
    let scratch = if uses_history {
        Some(tempfile_dir()?)
    } else {
        None
    };
    config.history = match &scratch {
        Some(dir) => HistorySettings {
            enabled: true,
            path: Some(dir.path().join("history.sqlite")),
            ..HistorySettings::default()
        },
        None => HistorySettings {
            enabled: false,
            ..HistorySettings::default()
        },
    };
    if !printer.quiet() {
        let history = if scratch.is_some() {
            ", and so is its 30-day usage history (a temporary store, not yours)"
        } else {
            ""
        };
        crate::printer::stderr(&format!(
            "headroom demo: the data below is SIMULATED (a built-in fake cloud on 127.0.0.1), \
             not from a real account{history}"
        ));
    }
    if scratch.is_some() {
        seed(&config).await?;
    }
    match &args.command {
        None => check::run(printer, &args.check, &config).await,
        Some(DemoCommand::Check(check_args)) => check::run(printer, check_args, &config).await,
        Some(DemoCommand::CreateCcn(create_args)) => {
            create_ccn::run(printer, create_args, &config).await
        }
        Some(DemoCommand::Profiles) => profiles::run(printer, &config),
        Some(DemoCommand::Policy(policy_args)) => policy::run(printer, policy_args, &config),
        Some(DemoCommand::History(history_args)) => {
            history::run(printer, history_args, &config.history)
        }
        Some(DemoCommand::Serve(serve_args)) => {
            let source = crate::serve::ConfigSource::Fixed(Box::new(config.clone()));
            crate::serve::run(printer, serve_args, source, config).await
        }
    }
}

fn tempfile_dir() -> Result<TempDir, AppError> {
    TempDir::new()
        .map_err(|e| AppError::Other(format!("cannot make a temporary folder for the demo: {e}")))
}

/// A folder under the system's temporary one, removed on drop.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let path = std::env::temp_dir().join(format!("headroom-demo-{}", uuid::Uuid::new_v4()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&path)?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads today's rows from the simulated cloud (quietly, without the history) and writes a
/// past that leads to them: most quotas grow at their own steady pace, some stay flat, so the
/// table shows a few that fill within weeks.
async fn seed(config: &Config) -> Result<(), AppError> {
    let mut quiet_config = config.clone();
    quiet_config.history.enabled = false;
    let quiet = Printer::new(&GlobalArgs {
        config: None,
        color: ColorChoice::Never,
        quiet: true,
        verbose: 0,
        history: None,
        no_history: true,
    });
    let report = check::report(&quiet, &CheckArgs::default(), &quiet_config).await?;
    let Some(path) = &config.history.path else {
        return Ok(());
    };
    let now = report.generated_at.as_second();
    let keys: Vec<Key> = report.rows.iter().map(crate::history::key_of).collect();
    let mut samples = Vec::new();
    for (index, (row, key)) in report.rows.iter().zip(&keys).enumerate() {
        let per_day = pace(row, index);
        let mut at = now - SEED_DAYS * 86_400;
        while at <= now - SEED_STEP {
            let days_ago = (now - at) as f64 / 86_400.0;
            let used = past_used(row.used, per_day, days_ago);
            samples.push((
                at,
                NewSample {
                    key,
                    provider: row.provider.as_str(),
                    used,
                    limit: row.limit.map(Amount::value),
                    status: row
                        .thresholds()
                        .status(Amount::new(used).unwrap_or_default(), row.limit)
                        .as_str(),
                },
            ));
            at += SEED_STEP;
        }
    }
    let written = Store::open(path)
        .map_err(|p| crate::history::problem_line(path, &p))
        .and_then(|mut store| {
            store
                .insert_past(&samples)
                .map_err(|_| format!("warning: history {}: cannot seed it", path.display()))
        });
    if let Err(line) = written {
        crate::printer::stderr(&line);
    }
    Ok(())
}

/// Units a day the row grew by: a quarter of the rows stay flat, the others would fill what is
/// left in 10 to 400 days (decided by the row's place, so the demo is the same every time).
fn pace(row: &QuotaRow, index: usize) -> f64 {
    const DAYS: [f64; 8] = [10.0, 0.0, 25.0, 400.0, 45.0, 0.0, 120.0, 200.0];
    let days = DAYS[index % DAYS.len()];
    if days == 0.0 {
        return 0.0;
    }
    let room = match row.limit {
        Some(limit) => (limit.value() - row.used.value()).max(0.0),
        None => row.used.value(),
    };
    // A full quota still rose to where it is.
    let room = if room == 0.0 { row.used.value() } else { room };
    room / days
}

/// `used` that many days before now, at that pace: never below zero, and whole when today's is.
fn past_used(now: Amount, per_day: f64, days_ago: f64) -> f64 {
    let value = (now.value() - per_day * days_ago).max(0.0);
    if now.whole().is_some() {
        value.round()
    } else {
        (value * 100.0).round() / 100.0
    }
}
