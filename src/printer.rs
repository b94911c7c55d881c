//! The one place that writes to stdout and stderr.
//!
//! Built once from the global flags and handed to every command, it decides `--quiet`, colour
//! and the terminal width in one place. stdout carries only data (a table, a document, a
//! script), so that `headroom | jq` always reads something whole; everything said to a person
//! (notes, warnings, errors, failed queries) goes to stderr. A closed stdout pipe
//! (`headroom | head -1`) is not an error: the reader has all it wanted.

use std::io::{self, IsTerminal, Write};

use crate::cli::{ColorChoice, GlobalArgs};
use crate::commands::AppError;

#[derive(Clone, Copy, Debug)]
pub struct Printer {
    quiet: bool,
    color: bool,
    width: Option<u16>,
    stderr_is_terminal: bool,
    verbose: u8,
}

impl Printer {
    /// Reads the flags and the terminals once.
    pub fn new(global: &GlobalArgs) -> Printer {
        let stdout_is_terminal = io::stdout().is_terminal();
        Printer {
            quiet: global.quiet,
            color: color_wanted(global.color, stdout_is_terminal, no_color_set()),
            width: stdout_is_terminal
                .then(|| terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| w))
                .flatten(),
            stderr_is_terminal: io::stderr().is_terminal(),
            verbose: global.verbose,
        }
    }

    /// A printer that prints everything and colours nothing, whatever the terminals are.
    pub fn plain() -> Printer {
        Printer {
            quiet: false,
            color: false,
            width: None,
            stderr_is_terminal: false,
            verbose: 0,
        }
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// Colour on stdout (`--color`, NO_COLOR, whether stdout is a terminal).
    pub fn color(&self) -> bool {
        self.color
    }

    /// The width of the terminal on stdout, when stdout is one.
    pub fn width(&self) -> Option<u16> {
        self.width
    }

    /// Whether a progress line may be drawn on stderr: a person is watching and nothing else
    /// writes there (no `--quiet`, no `-v` logs).
    pub fn progress_allowed(&self) -> bool {
        self.stderr_is_terminal && !self.quiet && self.verbose == 0
    }

    /// The result on stdout; nothing with `--quiet`.
    pub fn data(&self, bytes: &[u8]) -> Result<(), AppError> {
        if self.quiet {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        match out.write_all(bytes).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(AppError::Other(format!("cannot write to stdout: {e}"))),
        }
    }

    /// Something a person may want to know that changes nothing (`note: ...`); nothing with
    /// `--quiet`.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            stderr(&format!("note: {text}"));
        }
    }

    /// A line on stderr that `--quiet` does not silence: warnings, errors, failed queries.
    pub fn problem(&self, line: &str) {
        stderr(line);
    }
}

/// `always`/`never` as asked; `auto` when stdout is a terminal and NO_COLOR is unset or empty
/// (<https://no-color.org>).
pub fn color_wanted(choice: ColorChoice, stdout_is_terminal: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_is_terminal && !no_color,
    }
}

fn no_color_set() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// One line on stderr; a closed stderr is ignored (there is nowhere left to complain).
#[allow(clippy::print_stderr)]
pub fn stderr(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        assert!(color_wanted(ColorChoice::Always, false, true));
        assert!(!color_wanted(ColorChoice::Never, true, false));
        assert!(color_wanted(ColorChoice::Auto, true, false));
        assert!(!color_wanted(ColorChoice::Auto, false, false));
        assert!(!color_wanted(ColorChoice::Auto, true, true));
    }

    #[test]
    fn quiet_silences_data_and_notes_only() {
        let mut printer = Printer::plain();
        printer.quiet = true;
        assert!(printer.quiet());
        assert!(printer.data(b"never shown").is_ok());
        assert!(!printer.progress_allowed());
    }
}
