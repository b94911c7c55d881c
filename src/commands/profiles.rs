//! `headroom profiles`: what is configured and where each credential comes from; never a
//! secret, and access key ids only masked.

use crate::commands::CommandResult;
use crate::config::{Config, Origin};
use crate::exit::ExitCode;
use crate::printer::Printer;

pub fn run(printer: &Printer, config: &Config) -> CommandResult {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    table.set_header([
        "PROFILE",
        "PROVIDER",
        "REGIONS",
        "SERVICES",
        "KEY ID",
        "CREDENTIALS",
        "STATUS",
    ]);
    for profile in &config.profiles {
        let sources = if let Some(assume) = &profile.assume {
            // The chain, never a key or a token: `role acs:ram::...:role/x via ali-base`.
            format!("{} via {}", assume.target, assume.source)
        } else if profile.credential_sources.is_empty() {
            "-".to_string()
        } else {
            profile
                .credential_sources
                .iter()
                .map(|(key, source)| format!("{key}={source}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let key_id = profile.credentials.as_ref().map_or_else(
            || "-".to_string(),
            |c| crate::secret::mask_key_id(&c.access_key_id),
        );
        let status = match &profile.problem {
            Some(problem) => format!("unusable: {problem}"),
            None => "ok".to_string(),
        };
        let regions = if profile.regions.is_empty() {
            "-".to_string()
        } else {
            profile.regions.join(",")
        };
        // A profile that only lends its credentials to others queries nothing.
        let services = if profile.services.is_empty() {
            "- (source only)".to_string()
        } else {
            profile.services.join(",")
        };
        table.add_row([
            profile.name.clone(),
            profile.provider.to_string(),
            regions,
            services,
            key_id,
            sources,
            status,
        ]);
    }
    let last = table.column_count().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 2 }));
    }
    let origin = match &config.origin {
        Origin::File(path) => format!("from {}", path.display()),
        Origin::Environment => "from the environment (no config file)".to_string(),
    };
    let mut text = String::new();
    for line in table.to_string().lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    let count = config.profiles.len();
    text.push_str(&format!(
        "{count} profile{} {origin}\n",
        if count == 1 { "" } else { "s" }
    ));
    printer.data(text.as_bytes())?;
    Ok(ExitCode::Ok)
}
