//! `headroom demo`: a simulated Alibaba, Huawei Cloud and OTC on 127.0.0.1 (the same one the
//! tests use), and `check` (or `create-ccn`, `profiles`) against it through the real config,
//! signing and HTTP path.

use std::path::Path;

use crate::cli::{DemoArgs, DemoCommand};
use crate::commands::{AppError, CommandResult, check, create_ccn, policy, profiles};
use crate::config::ProcessEnv;
use crate::fake::{FakeCloud, demo_config_yaml};
use crate::printer::Printer;

pub async fn run(printer: &Printer, args: &DemoArgs) -> CommandResult {
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
    let config = crate::config::parse(&text, Some(Path::new("(demo config)")), &ProcessEnv)?;
    if !printer.quiet() {
        crate::printer::stderr(
            "headroom demo: the data below is SIMULATED (a built-in fake cloud on 127.0.0.1), not from a real account",
        );
    }
    match &args.command {
        None => check::run(printer, &args.check, &config).await,
        Some(DemoCommand::Check(check_args)) => check::run(printer, check_args, &config).await,
        Some(DemoCommand::CreateCcn(create_args)) => {
            create_ccn::run(printer, create_args, &config).await
        }
        Some(DemoCommand::Profiles) => profiles::run(printer, &config),
        Some(DemoCommand::Policy(policy_args)) => policy::run(printer, policy_args, &config),
    }
}
