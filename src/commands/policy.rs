//! `headroom policy`: the least-privilege RAM / IAM policy for the selected profiles and
//! services, per provider, ready to paste.

use crate::cli::{PolicyArgs, PolicyFormat};
use crate::commands::{AppError, CommandResult, check};
use crate::config::{Config, Profile};
use crate::exit::ExitCode;
use crate::printer::Printer;

pub fn run(printer: &Printer, args: &PolicyArgs, config: &Config) -> CommandResult {
    let selected = check::select_profiles(config, &args.profiles, &args.providers)?;
    if selected.is_empty() {
        return Err(AppError::usage(
            "no profile matches --profile/--provider; `headroom profiles` lists them",
        ));
    }
    let services_of = |profile: &Profile| -> Vec<String> {
        if args.services.is_empty() {
            profile.services.clone()
        } else {
            args.services
                .iter()
                .filter(|s| check::queries(profile, s))
                .cloned()
                .collect()
        }
    };
    let chosen: Vec<(&Profile, Vec<String>)> = selected
        .into_iter()
        .map(|profile| (profile, services_of(profile)))
        .filter(|(_, services)| !services.is_empty() || args.with_create)
        .collect();
    if chosen.is_empty() {
        return Err(AppError::usage(
            "--service matches no service of the selected profiles; `headroom profiles` lists them",
        ));
    }
    let profiles: Vec<&Profile> = chosen.iter().map(|(profile, _)| *profile).collect();
    let policies = crate::policy::policies(
        &profiles,
        &config.profiles,
        |profile| {
            chosen
                .iter()
                .find(|(p, _)| p.name == profile.name)
                .map(|(_, services)| services.iter().map(String::as_str).collect())
                .unwrap_or_default()
        },
        args.with_create,
    );
    let text = match args.output.unwrap_or(PolicyFormat::Text) {
        PolicyFormat::Text => crate::policy::text(&policies),
        PolicyFormat::Json => crate::policy::json(&policies),
    };
    printer.data(text.as_bytes())?;
    for trust in policies.iter().flat_map(|p| &p.trust) {
        printer.note(trust);
    }
    Ok(ExitCode::Ok)
}
