//! The `headroom` binary: everything happens in the library; this maps the result to an exit code.

fn main() -> std::process::ExitCode {
    headroom::run(std::env::args_os()).into()
}
