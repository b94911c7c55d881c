//! `headroom completions SHELL`: the completion script; `completions/` holds exactly this
//! output for every shell (a test fails when they drift).

use clap::CommandFactory;

use crate::cli::Cli;
use crate::commands::CommandResult;
use crate::exit::ExitCode;
use crate::printer::Printer;

pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "headroom", &mut out);
    out
}

pub fn run(printer: &Printer, shell: clap_complete::Shell) -> CommandResult {
    printer.data(&script(shell))?;
    Ok(ExitCode::Ok)
}
