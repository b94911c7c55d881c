//! One module per subcommand; each takes the printer and its parsed arguments and returns an
//! exit code or an `AppError`. Everything a command prints goes through the `Printer`.

pub mod check;
pub mod completions;
pub mod config_cmd;
pub mod create_ccn;
pub mod demo;
pub mod profiles;

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use crate::config::ConfigError;
use crate::exit::ExitCode;

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

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the target, so a reader (node_exporter's textfile collector) never sees
/// half a file and a failed write leaves the old file as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let fail = |what: &str, e: io::Error| {
        AppError::Other(format!("cannot write {}: {what}: {e}", path.display()))
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        AppError::Other(format!("cannot write {}: not a file name", path.display()))
    })?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| fail("creating a temporary file", e))?;
        file.write_all(bytes).map_err(|e| fail("writing", e))?;
        file.sync_all().map_err(|e| fail("flushing", e))?;
        drop(file);
        std::fs::rename(&temp, path).map_err(|e| fail("renaming the temporary file", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.prom");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("no-such-dir").join("out.prom");
        assert!(write_atomically(&missing, b"x").is_err());
    }
}
