//! `headroom config init|path`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::{AppError, CommandResult};
use crate::config::{Env, config_path};
use crate::exit::ExitCode;
use crate::printer::Printer;

/// The starting config `config init` writes: every key, commented, secrets from variables.
pub const STARTER: &str = include_str!("../../config.example.yaml");

pub fn path(printer: &Printer, cli: Option<&Path>, env: &dyn Env) -> CommandResult {
    let Some((path, _)) = config_path(cli, env) else {
        return Err(AppError::Other(
            "no config directory on this system; use --config PATH".into(),
        ));
    };
    printer.data(format!("{}\n", path.display()).as_bytes())?;
    if !path.exists() {
        printer.note(&format!(
            "{} does not exist yet; `headroom config init` writes it",
            path.display()
        ));
    }
    Ok(ExitCode::Ok)
}

pub fn init(printer: &Printer, cli: Option<&Path>, env: &dyn Env, force: bool) -> CommandResult {
    let Some((path, _)) = config_path(cli, env) else {
        return Err(AppError::Other(
            "no config directory on this system; use --config PATH".into(),
        ));
    };
    if path.exists() && !force {
        return Err(AppError::usage_hint(
            format!("{} already exists; nothing was written", path.display()),
            "use --force to overwrite it",
        ));
    }
    write_private(&path, STARTER.as_bytes())
        .map_err(|e| AppError::Other(format!("cannot write {}: {e}", path.display())))?;
    printer.data(format!("wrote {}\n", path.display()).as_bytes())?;
    printer.note("next: set the variables it names (or edit the profiles), then run `headroom`");
    Ok(ExitCode::Ok)
}

/// Creates the folder if needed and writes the file with mode 0600 from the first byte.
fn write_private(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        // An existing file keeps its mode on open; make it private either way.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}
