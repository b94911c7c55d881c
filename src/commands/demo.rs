//! `headroom demo`: a simulated Alibaba, Huawei Cloud and OTC on 127.0.0.1 (the same one the
//! tests use), and `check` against it through the real config, signing and HTTP path.

use std::path::Path;

use crate::cli::{CheckArgs, GlobalArgs};
use crate::commands::{AppError, CommandResult, check, stderr_line};
use crate::config::ProcessEnv;
use crate::fake::{FakeCloud, demo_config_yaml};

pub async fn run(global: &GlobalArgs, args: &CheckArgs) -> CommandResult {
    let cloud = FakeCloud::demo().start().await.map_err(|e| {
        AppError::Other(format!(
            "cannot start the simulated cloud on 127.0.0.1: {e}"
        ))
    })?;
    let text = demo_config_yaml(&cloud);
    let config = crate::config::parse(&text, Some(Path::new("(demo config)")), &ProcessEnv)?;
    if !global.quiet {
        stderr_line(
            "headroom demo: the data below is SIMULATED (a built-in fake cloud on 127.0.0.1), not from a real account",
        );
    }
    check::run(global, args, &config).await
}
