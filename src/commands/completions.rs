//! `headroom completions SHELL`: the completion script; `completions/` holds exactly this
//! output for every shell (a test fails when they drift).

use clap::CommandFactory;

use crate::cli::Cli;
use crate::commands::{CommandResult, stdout_write};

pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "headroom", &mut out);
    out
}

pub fn run(shell: clap_complete::Shell) -> CommandResult {
    stdout_write(&script(shell))?;
    Ok(0)
}
