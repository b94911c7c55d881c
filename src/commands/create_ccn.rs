//! `headroom create-ccn`: create an Alibaba Cloud Connect Network only when the quota has room
//! for one more, and never twice.
//!
//! The create is not idempotent. The networks of that name that exist before it are listed
//! first (every page), so that when the create's outcome is unknown (the connection broke or
//! timed out after the request went out, a 5xx, a garbled answer) a network found by name
//! afterwards can be told apart from an older one; a second create is never sent. When the
//! networks that exist cannot be listed, nothing is created.

use crate::cli::CreateCcnArgs;
use crate::commands::{AppError, CommandResult, check};
use crate::config::{self, Config, Profile};
use crate::exit::ExitCode;
use crate::output::create::{
    CreateFormat, CreateOutcome, CreateResult, ErrorDoc, Headroom, render,
};
use crate::printer::Printer;
use crate::providers::smartag::{
    CreatedNetwork, FoundNetwork, SmartagClient, validate_cidr, validate_description, validate_name,
};
use crate::providers::{Engine, Failure};
use crate::quota::Provider;

pub async fn run(printer: &Printer, args: &CreateCcnArgs, config: &Config) -> CommandResult {
    let profile = find_profile(config, &args.profile)?;
    let region = match &args.region {
        Some(region) => region.clone(),
        None => profile
            .regions
            .first()
            .cloned()
            .ok_or_else(|| AppError::usage("the profile has no region; pass --region"))?,
    };
    config::validate_region(&region).map_err(|m| AppError::usage(format!("--region: {m}")))?;
    validate_inputs(args)?;

    // One create at a time: the concurrency limit does not matter here.
    let settings = check::settings_from(config, args.timeout.as_deref(), args.retries, Some(4))?;
    let engine = Engine::new(settings, config).map_err(AppError::Other)?;
    let client = SmartagClient::new(&engine, profile, &region)
        .await
        .map_err(|f| AppError::Other(f.message))?;
    let command = Command {
        printer,
        format: args.output.unwrap_or(CreateFormat::Table),
        client,
    };
    let mut outcome = CreateOutcome::new(&profile.name, &region, &args.name);

    // 1. The headroom check.
    let before = match command.client.use_limit().await {
        Ok(quota) => quota,
        Err(failure) => {
            outcome.result = CreateResult::Failed;
            outcome.message = "The quota could not be read; nothing was created.".into();
            outcome.error = Some(ErrorDoc::from(&failure));
            command.document_unless_table(&outcome)?;
            command.problem(&format!(
                "error: cannot read the CCN quota: {}",
                failure_line(&outcome, &failure)
            ));
            command.problem("nothing was created");
            return Ok(ExitCode::Unknown);
        }
    };
    outcome.quota_before = Some(Headroom::from(&before));
    if let Some(limit) = before.limit.filter(|&limit| before.used >= limit) {
        outcome.result = CreateResult::Refused;
        outcome.message = format!(
            "No room for another Cloud Connect Network in {region}: {} of {limit} used. Nothing was created.",
            before.used
        );
        command.document(&outcome)?;
        command.problem(&format!(
            "error: {} of {limit} Cloud Connect Networks are used in {region}; nothing was created",
            before.used
        ));
        command.problem(
            "hint: delete a network you no longer need, or ask Alibaba Cloud for a higher CCN quota (Quota Center, or a support ticket)",
        );
        return Ok(ExitCode::Critical);
    }

    // 2. --dry-run stops here.
    if args.dry_run {
        outcome.result = CreateResult::WouldCreate;
        outcome.message = format!(
            "Dry run: would create Cloud Connect Network {:?} in {region}; there is room for it.",
            args.name
        );
        command.document(&outcome)?;
        return Ok(ExitCode::Ok);
    }

    // 3. The networks of that name that exist already, known for certain before the create.
    let existing = match command.client.networks_named(&args.name).await {
        Ok(found) => found,
        Err(failure) => {
            outcome.result = CreateResult::Failed;
            outcome.message = format!(
                "Cannot tell which networks named {:?} exist already, so nothing was created.",
                args.name
            );
            outcome.error = Some(ErrorDoc::from(&failure));
            command.document_unless_table(&outcome)?;
            command.problem(&format!(
                "error: DescribeCloudConnectNetworks failed: {}",
                failure_line(&outcome, &failure)
            ));
            command.problem(&format!("error: {}", outcome.message));
            command.problem(
                "hint: the networks that exist are listed first so that a lost answer can never \
                 pass an older network off as the new one; run the command again",
            );
            return Ok(ExitCode::Unknown);
        }
    };

    // 4. The create.
    match command.client.create(&create_params(args)).await {
        Ok(created) => {
            report_created(&mut outcome, created);
            outcome.quota_after = command.quota_now().await;
            command.document(&outcome)?;
            Ok(ExitCode::Ok)
        }
        Err(failure) if failure.outcome_known() => {
            let no_room = failure.code.as_deref() == Some("CcnAmountLimit");
            outcome.result = if no_room {
                CreateResult::Refused
            } else {
                CreateResult::Failed
            };
            outcome.message = "The provider refused the create; nothing was created.".into();
            outcome.error = Some(ErrorDoc::from(&failure));
            command.document_unless_table(&outcome)?;
            command.problem(&format!(
                "error: CreateCloudConnectNetwork failed: {}",
                failure_line(&outcome, &failure)
            ));
            command.problem("nothing was created");
            if no_room {
                command.problem(
                    "hint: another create took the last place since the check; the quota is full now",
                );
                return Ok(ExitCode::Critical);
            }
            Ok(ExitCode::Unknown)
        }
        Err(failure) => {
            command.problem(&format!(
                "warning: the create request went out but its answer was lost: {}",
                failure_line(&outcome, &failure)
            ));
            command.problem(&format!(
                "looking for a network named {:?} instead of sending the create again",
                args.name
            ));
            outcome.error = Some(ErrorDoc::from(&failure));
            command.resolve_unknown(&mut outcome, &existing).await
        }
    }
}

/// What the steps of the command share: where to print and whom to ask.
struct Command<'a> {
    printer: &'a Printer,
    format: CreateFormat,
    client: SmartagClient<'a>,
}

impl Command<'_> {
    /// The outcome on stdout, in the chosen format.
    fn document(&self, outcome: &CreateOutcome) -> Result<(), AppError> {
        let text = render(outcome, self.format).map_err(AppError::Other)?;
        self.printer.data(text.as_bytes())
    }

    /// Failures are told on stderr; the document goes to stdout only for json/yaml (scripts).
    fn document_unless_table(&self, outcome: &CreateOutcome) -> Result<(), AppError> {
        if self.format == CreateFormat::Table {
            return Ok(());
        }
        self.document(outcome)
    }

    fn problem(&self, line: &str) {
        self.printer.problem(line);
    }

    /// The quota after a create, when it can be read (its absence changes no result).
    async fn quota_now(&self) -> Option<Headroom> {
        self.client
            .use_limit()
            .await
            .ok()
            .as_ref()
            .map(Headroom::from)
    }

    /// The create's answer was lost: a network of that name that did not exist before is the
    /// one this run created.
    async fn resolve_unknown(
        &self,
        outcome: &mut CreateOutcome,
        existing: &[FoundNetwork],
    ) -> CommandResult {
        let found = match self.client.networks_named(&outcome.name).await {
            Ok(found) => found,
            Err(failure) => {
                outcome.result = CreateResult::Unknown;
                outcome.message = "The create's outcome is unknown and the lookup failed too; do not create again before checking.".into();
                self.document_unless_table(outcome)?;
                self.problem(&format!(
                    "error: DescribeCloudConnectNetworks failed: {}",
                    failure_line(outcome, &failure)
                ));
                self.problem(&format!(
                    "hint: check with the console or `aliyun smartag DescribeCloudConnectNetworks --RegionId {} --Name {}` before trying again",
                    outcome.region, outcome.name
                ));
                return Ok(ExitCode::Unknown);
            }
        };
        let new: Vec<&FoundNetwork> = found
            .iter()
            .filter(|n| !existing.iter().any(|old| old.ccn_id == n.ccn_id))
            .collect();
        match new.as_slice() {
            [network] => {
                outcome.result = CreateResult::FoundAfterUnknown;
                outcome.created = true;
                outcome.ccn_id = Some(network.ccn_id.clone());
                outcome.status = network.status.clone();
                outcome.message = format!(
                    "The network exists: {} (found by name after the answer was lost).",
                    network.ccn_id
                );
                outcome.quota_after = self.quota_now().await;
                self.document(outcome)?;
                Ok(ExitCode::Ok)
            }
            [] => {
                outcome.result = CreateResult::Unknown;
                outcome.message = if existing.is_empty() {
                    format!(
                        "No network named {:?} exists now; the create probably did not happen, but it may still be in progress.",
                        outcome.name
                    )
                } else {
                    let ids: Vec<&str> = existing.iter().map(|n| n.ccn_id.as_str()).collect();
                    format!(
                        "No new network named {:?} appeared (the {} that exist were there before this run: {}); the create probably did not happen, but it may still be in progress.",
                        outcome.name,
                        ids.len(),
                        ids.join(", ")
                    )
                };
                self.document_unless_table(outcome)?;
                self.problem(&format!("error: {}", outcome.message));
                self.problem(
                    "hint: run the same command again in a minute; the headroom check comes first, so it cannot create a duplicate unless the name lookup misses it",
                );
                Ok(ExitCode::Unknown)
            }
            many => {
                let ids: Vec<&str> = many.iter().map(|n| n.ccn_id.as_str()).collect();
                outcome.result = CreateResult::Unknown;
                outcome.message = format!(
                    "Several new networks named {:?} exist ({}); cannot tell which one this run created.",
                    outcome.name,
                    ids.join(", ")
                );
                self.document_unless_table(outcome)?;
                self.problem(&format!("error: {}", outcome.message));
                Ok(ExitCode::Unknown)
            }
        }
    }
}

/// The failure in the one-line form `check` uses for failed queries.
fn failure_line(outcome: &CreateOutcome, failure: &Failure) -> String {
    let error = failure.clone().into_query_error(
        &outcome.profile,
        Provider::Alibaba,
        &outcome.region,
        "smartag",
    );
    crate::output::error_text(&error)
}

fn report_created(outcome: &mut CreateOutcome, created: CreatedNetwork) {
    outcome.result = CreateResult::Created;
    outcome.created = true;
    outcome.message = format!("Created Cloud Connect Network {}.", created.ccn_id);
    outcome.ccn_id = Some(created.ccn_id);
    outcome.status = created.status;
    outcome.request_id = created.request_id;
    if let Some(name) = created.name {
        outcome.name = name;
    }
}

fn validate_inputs(args: &CreateCcnArgs) -> Result<(), AppError> {
    validate_name(&args.name).map_err(AppError::usage)?;
    if let Some(description) = &args.description {
        validate_description(description).map_err(AppError::usage)?;
    }
    if let Some(cidr) = &args.cidr_block {
        validate_cidr("--cidr-block", cidr).map_err(AppError::usage)?;
    }
    if let Some(cidr) = &args.snat_cidr_block {
        validate_cidr("--snat-cidr-block", cidr).map_err(AppError::usage)?;
    }
    Ok(())
}

fn create_params(args: &CreateCcnArgs) -> Vec<(String, String)> {
    let mut params = vec![
        ("Name".to_string(), args.name.clone()),
        // Always sent: the API reference lists it as required.
        ("IsDefault".to_string(), args.is_default.to_string()),
    ];
    for (name, value) in [
        ("Description", &args.description),
        ("CidrBlock", &args.cidr_block),
        ("SnatCidrBlock", &args.snat_cidr_block),
    ] {
        if let Some(value) = value {
            params.push((name.to_string(), value.clone()));
        }
    }
    params
}

fn find_profile<'a>(config: &'a Config, name: &str) -> Result<&'a Profile, AppError> {
    let Some(profile) = config.profiles.iter().find(|p| p.name == name) else {
        let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
        let hint = config::did_you_mean(name, &names).map_or_else(
            || format!("known profiles: {}", names.join(", ")),
            |n| format!("did you mean `{n}`?"),
        );
        return Err(AppError::usage_hint(
            format!("unknown profile {}", config::quoted(name)),
            hint,
        ));
    };
    if profile.provider != Provider::Alibaba {
        return Err(AppError::usage(format!(
            "create-ccn creates Alibaba Cloud Connect Networks; profile `{}` is a {} profile",
            profile.name, profile.provider
        )));
    }
    if let Some(problem) = &profile.problem {
        return Err(AppError::usage(format!(
            "profile `{}` is unusable: {problem}",
            profile.name
        )));
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_default_is_always_sent() {
        let args = CreateCcnArgs {
            profile: "p".into(),
            region: None,
            name: "net".into(),
            description: None,
            cidr_block: None,
            snat_cidr_block: None,
            is_default: false,
            dry_run: false,
            output: None,
            timeout: None,
            retries: None,
        };
        assert!(create_params(&args).contains(&("IsDefault".to_string(), "false".to_string())));
    }
}
