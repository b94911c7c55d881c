//! `headroom create-ccn` (being written).

use crate::cli::{CreateCcnArgs, GlobalArgs};
use crate::commands::{AppError, CommandResult};
use crate::config::Config;

pub async fn run(_global: &GlobalArgs, _args: &CreateCcnArgs, _config: &Config) -> CommandResult {
    Err(AppError::Other("create-ccn is not built yet".into()))
}
