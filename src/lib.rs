//! headroom: a quota inspector for Alibaba Cloud, Huawei Cloud and Open Telekom Cloud.
//!
//! Data flows one way: `config` (profiles) -> `providers` (signed queries over `http`, one per
//! quota source of the `sources` catalogue) -> `quota` (rows with a status) -> `output` (one
//! renderer per format). Nothing in `output` knows a provider; nothing in `providers` prints.

pub mod amount;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demand;
pub mod exit;
pub mod fake;
pub mod history;
pub mod http;
pub mod log;
pub mod output;
pub mod output_file;
pub mod policy;
pub mod printer;
pub mod progress;
pub mod providers;
pub mod quota;
pub mod secret;
pub mod serve;
pub mod sign;
pub mod sources;

use std::ffi::OsString;

use clap::Parser;

use cli::{Cli, Command, ConfigCommand};
use commands::{AppError, CommandResult};
use config::ProcessEnv;
use exit::ExitCode;
use printer::{Printer, stderr};

/// Parses the arguments, runs the command and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are answers, not errors; every usage error is UNKNOWN (3),
            // not clap's default 2, which would read as CRITICAL to a monitoring system.
            let code = if matches!(
                error.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) {
                ExitCode::Ok
            } else {
                ExitCode::Unknown
            };
            let _ = error.print();
            return code;
        }
    };
    log::set_verbosity(cli.global.verbose);
    if cli.command.is_some() && cli.check != cli::CheckArgs::default() {
        stderr(
            "error: check options (like --output or --profile) go after the subcommand, or use them without one",
        );
        return ExitCode::Unknown;
    }
    let printer = Printer::new(&cli.global);
    match dispatch(&cli, &printer) {
        Ok(code) => code,
        Err(error) => {
            printer.problem(&format!("error: {error}"));
            ExitCode::Unknown
        }
    }
}

fn dispatch(cli: &Cli, printer: &Printer) -> CommandResult {
    let global = &cli.global;
    let config_flag = global.config.as_deref();
    match &cli.command {
        Some(Command::Completions { shell }) => commands::completions::run(printer, *shell),
        Some(Command::Config(ConfigCommand::Path)) => {
            commands::config_cmd::path(printer, config_flag, &ProcessEnv)
        }
        Some(Command::Config(ConfigCommand::Init { force })) => {
            commands::config_cmd::init(printer, config_flag, &ProcessEnv, *force)
        }
        Some(Command::Demo(args)) => block_on(commands::demo::run(printer, args, global)),
        Some(Command::Policy(args)) => {
            commands::policy::run(printer, args, &load_config(global, printer)?)
        }
        Some(Command::Profiles) => commands::profiles::run(printer, &load_config(global, printer)?),
        Some(Command::History(args)) => {
            if global.no_history {
                return Err(AppError::usage(
                    "`headroom history` shows the history; --no-history leaves nothing to show",
                ));
            }
            // Only the `history:` section matters here, so a machine without any config (or
            // with one that no longer loads) still shows its store.
            let mut settings = match config::load(global.config.as_deref(), &ProcessEnv) {
                Ok(config) => config.history,
                Err(error) if error.path.is_none() => config::HistorySettings::default(),
                Err(error) => return Err(error.into()),
            };
            history_flags(global).apply(&mut settings);
            commands::history::run(printer, args, &settings)
        }
        Some(Command::CreateCcn(args)) => {
            let config = load_config(global, printer)?;
            block_on(commands::create_ccn::run(printer, args, &config))
        }
        Some(Command::Serve(args)) => {
            let config = load_config(global, printer)?;
            let source = serve::ConfigSource::File(
                config_flag.map(std::path::Path::to_path_buf),
                history_flags(global),
            );
            block_on(serve::run(printer, args, source, config))
        }
        Some(Command::Check(args)) => {
            let config = load_config(global, printer)?;
            block_on(commands::check::run(printer, args, &config))
        }
        None => {
            let config = load_config(global, printer)?;
            block_on(commands::check::run(printer, &cli.check, &config))
        }
    }
}

/// A panic is a bug, and its payload could carry state (a URL, a header, a config value):
/// print only a generic line with the location, and exit UNKNOWN (3) rather than Rust's 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| (l.file(), l.line(), l.column()));
        stderr(&panic_message(location));
        // The one exit outside `run`: a panic has no result to return.
        #[allow(clippy::exit)]
        std::process::exit(i32::from(ExitCode::Unknown.code()));
    }));
}

/// The one line a panic prints: where it happened, never what it carried.
pub fn panic_message(location: Option<(&str, u32, u32)>) -> String {
    let place = match location {
        Some((file, line, column)) => format!(" at {file}:{line}:{column}"),
        None => String::new(),
    };
    format!(
        "error: headroom hit an internal error{place}; this is a bug, please report it \
         (no details are printed, as they could hold secrets)"
    )
}

fn load_config(global: &cli::GlobalArgs, printer: &Printer) -> Result<config::Config, AppError> {
    let mut config = config::load(global.config.as_deref(), &ProcessEnv)?;
    for warning in &config.warnings {
        printer.problem(&format!("warning: {warning}"));
    }
    history_flags(global).apply(&mut config.history);
    Ok(config)
}

fn history_flags(global: &cli::GlobalArgs) -> config::HistoryFlags {
    config::HistoryFlags {
        off: global.no_history,
        path: global.history.clone(),
    }
}

/// One current-thread runtime: the work is waiting on the network, and one thread keeps
/// start-up and memory small (see the Performance section of the README).
fn block_on(future: impl std::future::Future<Output = CommandResult>) -> CommandResult {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Other(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panic_message_has_the_location_and_nothing_else() {
        let message = panic_message(Some(("src/providers/mod.rs", 42, 7)));
        assert_eq!(
            message,
            "error: headroom hit an internal error at src/providers/mod.rs:42:7; this is a bug, \
             please report it (no details are printed, as they could hold secrets)"
        );
        assert!(!message.contains('\n'));
        assert!(panic_message(None).starts_with("error: headroom hit an internal error; "));
    }
}
