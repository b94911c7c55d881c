//! `headroom check` (and bare `headroom`): plan the queries the filters select, run them all
//! at once, judge every quota against its thresholds, render the report.

use std::sync::Arc;

use crate::cli::{CheckArgs, SortOrder};
use crate::commands::{AppError, CommandResult};
use crate::config::{self, Config, Profile, did_you_mean, wildcard_match};
use crate::demand::Demand;
use crate::exit::ExitCode;
use crate::output::{self, Format, RenderOptions};
use crate::printer::Printer;
use crate::providers::{Answer, Engine, Settings, Target};
use crate::quota::{ErrorKind, Provider, QueryError, QueryRecord, QuotaRow, Report, Status};
use crate::sources::{self, Source};

/// The region of a quota that belongs to the account, not to one region.
pub const GLOBAL_REGION: &str = "global";

pub async fn run(printer: &Printer, args: &CheckArgs, config: &Config) -> CommandResult {
    let args = &without_repeats(args);
    let report = report(printer, args, config).await?;
    print(printer, args, &report)
}

/// A whole check up to its report: the selection planned, every query sent at once, every
/// quota judged. Nothing is printed but notes and the progress line. This is what `check`
/// renders and what other commands (an exporter's probe) reuse.
pub async fn report(
    printer: &Printer,
    args: &CheckArgs,
    config: &Config,
) -> Result<Report, AppError> {
    let settings = settings(args, config)?;
    let engine = Engine::new(settings, config).map_err(AppError::Other)?;
    report_with(printer, args, config, &engine, None).await
}

/// [`report`] on an engine that outlives it (an exporter's, whose probes share its connections,
/// pacing and concurrency limit; `args`' timeout, retries and concurrency are then the
/// engine's), and with an optional deadline: a query still running then counts as failed with
/// kind `timeout`, so the report is ready in time.
pub async fn report_with(
    printer: &Printer,
    args: &CheckArgs,
    config: &Config,
    engine: &Arc<Engine>,
    deadline: Option<tokio::time::Instant>,
) -> Result<Report, AppError> {
    let cli_thresholds = cli_thresholds(args)?;
    if args.changes && args.output == Some(Format::Prometheus) {
        return Err(AppError::usage_hint(
            "--changes does not go with -o prometheus",
            "a textfile collector needs every series at every run; use --changes with the \
             table, json, yaml, csv or nagios output",
        ));
    }
    let demand = match &args.demand {
        Some(path) => {
            let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
            Some(crate::demand::load(path, &names).map_err(|e| AppError::usage(e.message))?)
        }
        None => None,
    };
    let plan = plan(args, config, demand.as_ref())?;
    for note in &plan.notes {
        printer.note(note);
    }
    let format = args.output.unwrap_or(Format::Table);
    let progress = crate::progress::Progress::start(plan.targets.len(), format, printer);
    let answers = match deadline {
        Some(deadline) => {
            engine
                .query_all_until(plan.targets, &progress.counter(), deadline)
                .await
        }
        None => engine.query_all(plan.targets, &progress.counter()).await,
    };
    progress.finish();
    let mut report = build_report(
        config,
        args,
        cli_thresholds,
        answers,
        plan.errors,
        plan.unmatched,
    );
    // Every row the queries returned is recorded, whatever the filters show.
    let history = crate::history::apply(
        &mut report.rows,
        report.generated_at.as_second(),
        config,
        printer,
    );
    match deadline {
        // An exporter's scraper does not wait for the history: past the deadline the rows go
        // without what it adds (the recording itself finishes on its own thread).
        Some(deadline) => {
            if tokio::time::timeout_at(deadline, history).await.is_err() {
                crate::log::log(1, || {
                    "history: not ready by the probe's deadline; answered without it".into()
                });
            }
        }
        None => history.await,
    }
    select(&mut report.rows, args);
    if let Some(demand) = &demand {
        let applied = crate::demand::apply(demand, std::mem::take(&mut report.rows));
        report.rows = applied.rows;
        report.unmatched.extend(applied.unmatched);
        report.demand = Some(applied.summary);
        if args.problems {
            report.rows.retain(|row| row.status != Status::Ok);
        }
    }
    if args.changes {
        report.whole_run = Some(Report::whole_run_of(&report.rows));
        report.rows.retain(|row| row.changed);
    }
    Ok(report)
}

/// `--resource`, then `--problems` (with a demand it comes after the demand, which decides
/// statuses), then the order.
fn select(rows: &mut Vec<QuotaRow>, args: &CheckArgs) {
    if !args.resources.is_empty() {
        rows.retain(|row| {
            args.resources
                .iter()
                .any(|pattern| wildcard_match(pattern, &row.resource))
        });
    }
    if args.problems && args.demand.is_none() {
        rows.retain(|row| row.status != Status::Ok);
    }
    sort_rows(rows, args.sort.unwrap_or(SortOrder::Name));
}

/// The report in the chosen format, to stdout or `--output-file`; failed queries and
/// selections that matched nothing on stderr. The exit code follows the report.
fn print(printer: &Printer, args: &CheckArgs, report: &Report) -> CommandResult {
    let format = args.output.unwrap_or(Format::Table);
    let options = RenderOptions {
        color: format == Format::Table && args.output_file.is_none() && printer.color(),
        width: if args.output_file.is_none() {
            printer.width()
        } else {
            None
        },
    };
    let mut rendered = Vec::new();
    output::render(format, report, &options, &mut rendered)
        .map_err(|e| AppError::Other(format!("cannot render the output: {e}")))?;
    // `out=$(headroom --changes) || echo "$out"` mails only news: no news prints nothing.
    let no_news = args.changes
        && format == Format::Table
        && report.rows.is_empty()
        && report.errors.is_empty()
        && report.unmatched.is_empty();
    if no_news {
        rendered.clear();
    }
    if let Some(path) = &args.output_file {
        crate::output_file::write(path, &rendered)?;
    } else {
        printer.data(&rendered)?;
    }
    for error in &report.errors {
        printer.problem(&output::error_line(error));
    }
    for unmatched in &report.unmatched {
        printer.problem(&format!("error: {unmatched}"));
    }
    Ok(ExitCode::from(report.overall()))
}

fn settings(args: &CheckArgs, config: &Config) -> Result<Settings, AppError> {
    settings_from(
        config,
        args.timeout.as_deref(),
        args.retries,
        args.concurrency,
    )
}

/// The config's defaults, overridden by `--timeout`, `--retries` and `--concurrency`.
pub fn settings_from(
    config: &Config,
    timeout: Option<&str>,
    retries: Option<u32>,
    concurrency: Option<usize>,
) -> Result<Settings, AppError> {
    fn usage(flag: &'static str) -> impl Fn(String) -> AppError {
        move |m| AppError::usage(format!("{flag}: {m}"))
    }
    Ok(Settings {
        timeout: timeout
            .map(config::parse_duration)
            .transpose()
            .map_err(usage("--timeout"))?
            .unwrap_or(config.defaults.timeout),
        retries: retries
            .map(config::check_retries)
            .transpose()
            .map_err(usage("--retries"))?
            .unwrap_or(config.defaults.retries),
        concurrency: concurrency
            .map(config::check_concurrency)
            .transpose()
            .map_err(usage("--concurrency"))?
            .unwrap_or(config.defaults.concurrency),
    })
}

/// `--warn`/`--crit` from the command line, which override every percent threshold.
#[derive(Debug, Clone, Copy, Default)]
struct CliThresholds {
    warn: Option<f64>,
    crit: Option<f64>,
    need: Option<u64>,
    warn_days: Option<f64>,
    crit_days: Option<f64>,
}

fn cli_thresholds(args: &CheckArgs) -> Result<CliThresholds, AppError> {
    let check = |flag: &str, value: Option<f64>| {
        value
            .map(|v| config::check_percent(v).map_err(|m| AppError::usage(format!("{flag}: {m}"))))
            .transpose()
    };
    let days = |flag: &str, value: Option<f64>| {
        value
            .map(|v| config::check_days(v).map_err(|m| AppError::usage(format!("{flag}: {m}"))))
            .transpose()
    };
    Ok(CliThresholds {
        warn: check("--warn", args.warn)?,
        crit: check("--crit", args.crit)?,
        need: args.need,
        warn_days: days("--warn-days", args.warn_days)?,
        crit_days: days("--crit-days", args.crit_days)?,
    })
}

/// A selection named twice is one: `--region X --region X` sends one query per profile.
fn without_repeats(args: &CheckArgs) -> CheckArgs {
    fn once(values: &[String]) -> Vec<String> {
        let mut seen = Vec::new();
        for value in values {
            if !seen.contains(value) {
                seen.push(value.clone());
            }
        }
        seen
    }
    CheckArgs {
        profiles: once(&args.profiles),
        providers: once(&args.providers),
        services: once(&args.services),
        resources: once(&args.resources),
        regions: once(&args.regions),
        ..args.clone()
    }
}

/// The queries to send, the config problems that replace some of them, notes, and the
/// `--service` values that selected nothing.
pub struct Plan {
    pub targets: Vec<Target>,
    pub errors: Vec<QueryError>,
    pub notes: Vec<String>,
    pub unmatched: Vec<String>,
}

/// Applies `--profile`, `--provider`, `--service` and `--region`: nothing outside them is queried.
pub fn plan(args: &CheckArgs, config: &Config, demand: Option<&Demand>) -> Result<Plan, AppError> {
    if config.profiles.is_empty() {
        return Err(AppError::usage_hint(
            "the config has no profiles, so there is nothing to check",
            "add one under `profiles:` (config.example.yaml shows each provider)",
        ));
    }
    let by_flags = select_profiles(config, &args.profiles, &args.providers)?;
    let known_services = sources::all_services();
    let mut notes = Vec::new();
    for wanted in &args.services {
        let resolves = Provider::ALL
            .iter()
            .any(|provider| Source::for_service(*provider, wanted).is_some());
        if resolves && !known_services.contains(&wanted.as_str()) {
            // Alibaba Quota Center takes any product code; a typo of a known one is likelier.
            let hint = did_you_mean(wanted, &known_services)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            notes.push(format!(
                "--service {} is not a default service; Alibaba profiles query it as a Quota \
                 Center product code{hint}",
                config::quoted(wanted)
            ));
        }
        if !resolves {
            let hint = did_you_mean(wanted, &known_services).map_or_else(
                || format!("services are {}", known_services.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(AppError::usage_hint(
                format!("--service: unknown service {}", config::quoted(wanted)),
                hint,
            ));
        }
    }
    for region in &args.regions {
        config::validate_region(region).map_err(|m| AppError::usage(format!("--region: {m}")))?;
    }

    let mut plan = Plan {
        targets: Vec::new(),
        errors: Vec::new(),
        notes,
        unmatched: Vec::new(),
    };
    let selected: Vec<&Profile> = by_flags
        .into_iter()
        .filter(|p| {
            demand.is_none_or(|d| {
                d.entries.iter().any(|e| {
                    e.profile
                        .as_deref()
                        .is_none_or(|pat| wildcard_match(pat, &p.name))
                })
            })
        })
        .collect();
    if selected.is_empty() {
        return Err(AppError::usage(
            "no profile matches --profile/--provider; `headroom profiles` lists them",
        ));
    }
    for wanted in &args.services {
        if !selected.iter().any(|p| queries(p, wanted)) {
            plan.unmatched.push(format!(
                "--service {} matched nothing: no selected profile queries it \
                 (`headroom profiles` lists each profile's services)",
                config::quoted(wanted)
            ));
        }
    }
    for profile in selected {
        let services: Vec<&String> = if args.services.is_empty() {
            profile.services.iter().collect()
        } else {
            args.services
                .iter()
                .filter(|s| queries(profile, s))
                .collect()
        };
        if services.is_empty() {
            continue;
        }
        if let Some(problem) = &profile.problem {
            let where_ = profile
                .location
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            plan.errors.push(QueryError {
                profile: profile.name.clone(),
                provider: profile.provider,
                region: profile
                    .regions
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "-".into()),
                service: "-".into(),
                kind: ErrorKind::Config,
                http_status: None,
                code: None,
                message: format!("{problem}{where_}"),
                request_id: None,
            });
            continue;
        }
        let mut regions = if args.regions.is_empty() {
            profile.regions.clone()
        } else {
            args.regions.clone()
        };
        // A demand entry that names a region of its own (no wildcard) asks for that region.
        for entry in demand.map_or(&[][..], |d| d.entries.as_slice()) {
            if let Some(region) = &entry.region
                && !region.contains('*')
                && entry
                    .profile
                    .as_deref()
                    .is_none_or(|p| wildcard_match(p, &profile.name))
                && !regions.contains(region)
            {
                config::validate_region(region)
                    .map_err(|m| AppError::usage(format!("--demand: {m}")))?;
                regions.push(region.clone());
            }
        }
        let regions = &regions;
        let shared = Arc::new(profile.clone());
        for region in regions {
            for service in &services {
                // Config validation only lets through services the catalogue knows.
                let Some(source) = Source::for_service(profile.provider, service) else {
                    continue;
                };
                // With a demand, only the queries it needs are sent.
                if demand.is_some_and(|d| {
                    !d.entries
                        .iter()
                        .any(|e| e.selects(&profile.name, region, service))
                }) {
                    continue;
                }
                let offered = source.offered_in(profile.provider, region)
                    || profile
                        .endpoints
                        .contains_key(source.describe().endpoint_key);
                if !offered {
                    let message = format!("{} {region} offers no {service} API", profile.provider);
                    if profile.services_explicit || args.services.contains(service) {
                        plan.errors.push(QueryError {
                            profile: profile.name.clone(),
                            provider: profile.provider,
                            region: region.clone(),
                            service: (*service).clone(),
                            kind: ErrorKind::Config,
                            http_status: None,
                            code: None,
                            message: format!("{message}; remove it from the profile's services"),
                            request_id: None,
                        });
                    } else {
                        // A default service a region lacks is no news: said at `-v` only.
                        crate::log::log(1, || {
                            format!(
                                "{}: skipping {service} in {region} ({message})",
                                profile.name
                            )
                        });
                    }
                    continue;
                }
                plan.targets.push(Target {
                    profile: Arc::clone(&shared),
                    region: region.clone(),
                    service: (*service).clone(),
                    source,
                });
            }
        }
    }
    Ok(plan)
}

/// The profiles `-p` (names or `*` patterns) and `--provider` select, in config order; a
/// pattern that matches no profile, or an unknown provider, is a usage error. The result may
/// be empty (a pattern and a provider that match different profiles).
pub fn select_profiles<'c>(
    config: &'c Config,
    patterns: &[String],
    providers: &[String],
) -> Result<Vec<&'c Profile>, AppError> {
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    for wanted in patterns {
        if !names.iter().any(|name| wildcard_match(wanted, name)) {
            let hint = match did_you_mean(wanted, &names) {
                Some(name) => format!("did you mean `{name}`? (`headroom profiles` lists them)"),
                None if wanted.contains('*') => {
                    format!("the pattern matches none of: {}", names.join(", "))
                }
                None => format!("known profiles: {}", names.join(", ")),
            };
            return Err(AppError::usage_hint(
                format!("unknown profile {}", config::quoted(wanted)),
                hint,
            ));
        }
    }
    let mut chosen = Vec::new();
    for wanted in providers {
        match Provider::ALL.iter().find(|p| p.as_str() == wanted) {
            Some(p) => chosen.push(*p),
            None => {
                return Err(AppError::usage_hint(
                    format!("--provider: unknown provider {}", config::quoted(wanted)),
                    "providers are alibaba, huaweicloud and otc",
                ));
            }
        }
    }
    Ok(config
        .profiles
        .iter()
        .filter(|p| selected_by(patterns, &p.name))
        .filter(|p| chosen.is_empty() || chosen.contains(&p.provider))
        .collect())
}

/// Whether a profile is selected by `-p` values (names or `*` patterns; none selects all).
pub fn selected_by(patterns: &[String], name: &str) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| wildcard_match(p, name))
}

/// Whether `--service name` selects a query of `profile`: one of its services, or, when the
/// profile does not list its services, any service its provider offers (an Alibaba product
/// code that is not a default one).
pub fn queries(profile: &Profile, name: &str) -> bool {
    profile.services.iter().any(|s| s == name)
        || (!profile.services_explicit && Source::for_service(profile.provider, name).is_some())
}

fn build_report(
    config: &Config,
    args: &CheckArgs,
    cli: CliThresholds,
    answers: Vec<Answer>,
    config_errors: Vec<QueryError>,
    mut unmatched: Vec<String>,
) -> Report {
    let mut resource_matched = vec![false; args.resources.len()];
    let mut rows = Vec::new();
    // Every resource name that answered, for "did you mean" on a `--resource` that matched none.
    let mut seen_resources: Vec<String> = Vec::new();
    let mut global_rows: Vec<(String, String, String)> = Vec::new();
    // A profile that could not be queried at all still counts as a failed query, so that
    // `headroom_query_success == 0` alerts on a broken profile too.
    let mut queries: Vec<QueryRecord> = config_errors
        .iter()
        .map(|error| QueryRecord {
            profile: error.profile.clone(),
            provider: error.provider,
            region: error.region.clone(),
            service: error.service.clone(),
            success: false,
            duration: std::time::Duration::ZERO,
        })
        .collect();
    let mut errors = config_errors;
    for answer in answers {
        let target = &answer.target;
        let profile = &target.profile;
        queries.push(QueryRecord {
            profile: profile.name.clone(),
            provider: profile.provider,
            region: target.region.clone(),
            service: target.service.clone(),
            success: answer.outcome.is_ok(),
            duration: answer.duration,
        });
        match answer.outcome {
            Ok(parsed) => {
                for quota in parsed {
                    if !seen_resources.contains(&quota.resource) {
                        seen_resources.push(quota.resource.clone());
                    }
                    let mut selected = args.resources.is_empty();
                    for (pattern, matched) in args.resources.iter().zip(&mut resource_matched) {
                        if wildcard_match(pattern, &quota.resource) {
                            *matched = true;
                            selected = true;
                        }
                    }
                    // Unselected rows are kept too, for the history; `select` drops them.
                    // An account-wide quota comes with every region queried; it is one row.
                    let region = if quota.global {
                        let key = (
                            profile.name.clone(),
                            target.service.clone(),
                            quota.resource.clone(),
                        );
                        if global_rows.contains(&key) {
                            continue;
                        }
                        global_rows.push(key);
                        GLOBAL_REGION
                    } else {
                        target.region.as_str()
                    };
                    let mut thresholds =
                        config.thresholds_for(&profile.name, &target.service, &quota.resource);
                    if let Some(warn) = cli.warn {
                        thresholds.warn = warn;
                    }
                    if let Some(crit) = cli.crit {
                        thresholds.crit = crit;
                    }
                    if let Some(need) = cli.need
                        && selected
                    {
                        thresholds.crit_left = Some(thresholds.crit_left.unwrap_or(0).max(need));
                    }
                    thresholds.warn_days = cli.warn_days.or(thresholds.warn_days);
                    thresholds.crit_days = cli.crit_days.or(thresholds.crit_days);
                    let mut row = QuotaRow::new(
                        &profile.name,
                        profile.provider,
                        region,
                        &target.service,
                        &quota.resource,
                        quota.used,
                        quota.limit,
                        quota.min,
                        thresholds,
                    );
                    row.name = quota.name;
                    rows.push(row);
                }
            }
            Err(failure) => errors.push(failure.into_query_error(
                &profile.name,
                profile.provider,
                &target.region,
                &target.service,
            )),
        }
    }
    for (pattern, _) in args
        .resources
        .iter()
        .zip(&resource_matched)
        .filter(|(_, matched)| !**matched)
    {
        let hint = did_you_mean(
            pattern,
            &seen_resources
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default();
        unmatched.push(format!(
            "--resource {} matched no quota of the queries that answered{hint}",
            config::quoted(pattern)
        ));
    }
    let now = jiff::Timestamp::now();
    Report {
        generated_at: jiff::Timestamp::from_second(now.as_second()).unwrap_or(now),
        rows,
        errors,
        queries,
        unmatched,
        demand: None,
        whole_run: None,
    }
}

fn sort_rows(rows: &mut [QuotaRow], order: SortOrder) {
    let by_name = |a: &QuotaRow, b: &QuotaRow| {
        (&a.profile, &a.region, &a.service, &a.resource).cmp(&(
            &b.profile,
            &b.region,
            &b.service,
            &b.resource,
        ))
    };
    match order {
        SortOrder::Name => rows.sort_by(by_name),
        SortOrder::Usage => rows.sort_by(|a, b| {
            let pa = a.usage_percent.unwrap_or(f64::NEG_INFINITY);
            let pb = b.usage_percent.unwrap_or(f64::NEG_INFINITY);
            pb.total_cmp(&pa).then_with(|| by_name(a, b))
        }),
    }
}
