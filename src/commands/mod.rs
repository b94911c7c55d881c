//! One module per subcommand; each takes the printer and its parsed arguments and returns an
//! exit code or an `AppError`. Everything a command prints goes through the `Printer`.

pub mod check;
pub mod completions;
pub mod config_cmd;
pub mod create_ccn;
pub mod demo;
pub mod history;
pub mod policy;
pub mod profiles;

use crate::config::ConfigError;
use crate::exit::ExitCode;
use std::fmt;

/// Every error that ends a command before it has a result. All exit 3 (UNKNOWN).
#[derive(Debug)]
pub enum AppError {
    /// The command line asks for something impossible (an unknown profile, a bad value).
    Usage {
        message: String,
        hint: Option<String>,
    },
    Config(ConfigError),
    /// Anything else that stops the run: an unwritable output file, no runtime.
    Other(String),
}

impl AppError {
    pub fn usage(message: impl Into<String>) -> AppError {
        AppError::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> AppError {
        AppError::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Usage { message, hint } => {
                f.write_str(message)?;
                if let Some(hint) = hint {
                    write!(f, "\nhint: {hint}")?;
                }
                Ok(())
            }
            AppError::Config(error) => write!(f, "config: {error}"),
            AppError::Other(message) => f.write_str(message),
        }
    }
}

impl From<ConfigError> for AppError {
    fn from(error: ConfigError) -> Self {
        AppError::Config(error)
    }
}

pub type CommandResult = Result<ExitCode, AppError>;
