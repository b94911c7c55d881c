//! `headroom create-ccn`: create an Alibaba Cloud Connect Network only when the quota has room
//! for one more, and never twice.
//!
//! The create is not idempotent. It is retried only when the provider certainly did not act
//! (no connection was made, or it answered with an explicit throttling error). When the
//! outcome is unknown (the connection broke or timed out after the request went out, a 5xx,
//! a garbled answer), the network is looked up by name with DescribeCloudConnectNetworks and
//! the finding is reported; a second create is never sent.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::cli::{CreateCcnArgs, CreateFormat, GlobalArgs};
use crate::commands::{AppError, CommandResult, check, stderr_line, stdout_write};
use crate::config::{self, Config, Credentials, Profile};
use crate::providers::alibaba::{self, CreatedNetwork, FoundNetwork};
use crate::providers::{Engine, Failure, ParsedQuota, credentials, endpoint, retry_delay};
use crate::quota::{ErrorKind, Provider};
use crate::sources::{self, Source, smartag};

/// Exit codes of this command (SPEC §5).
const EXIT_CREATED: u8 = 0;
const EXIT_NO_HEADROOM: u8 = 2;
const EXIT_UNKNOWN: u8 = 3;

// ---------------------------------------------------------------------------------------------
// Local validation, before any request

/// A letter (ASCII) or a Chinese character (CJK unified ideographs and extension A).
fn is_letter_or_chinese(c: char) -> bool {
    c.is_ascii_alphabetic() || is_chinese(c)
}

fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2A6DF}')
}

/// The rules `Name` and `Description` share: not starting with `http://` or `https://`,
/// 2 to `max` characters (not bytes), and a letter or a Chinese character first. `rule` is the
/// sentence shown when one of them is broken.
fn check_text(flag: &str, value: &str, max: usize, rule: &str) -> Result<(), String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        return Err(format!("{flag} must not start with http:// or https://"));
    }
    let count = value.chars().count();
    if !(2..=max).contains(&count) {
        return Err(format!("{rule} (it has {count} characters)"));
    }
    match value.chars().next() {
        Some(first) if is_letter_or_chinese(first) => Ok(()),
        first => Err(format!(
            "{rule} (it starts with {:?})",
            first.unwrap_or(' ')
        )),
    }
}

/// `Name`: 2-128 characters, starting with a letter or a Chinese character, then letters,
/// Chinese characters, digits, `.`, `_`, `-`; never starting with `http://` or `https://`.
pub fn validate_name(name: &str) -> Result<(), String> {
    let rule = "--name must be 2-128 characters, start with a letter or a Chinese character, and contain only letters, Chinese characters, digits, `.`, `_` and `-`";
    check_text("--name", name, 128, rule)?;
    let allowed =
        |c: char| is_letter_or_chinese(c) || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    match name.chars().find(|&c| !allowed(c)) {
        Some(bad) => Err(format!("{rule} ({bad:?} is not allowed)")),
        None => Ok(()),
    }
}

/// `Description`: 2-256 characters, starting with a letter or a Chinese character, never
/// starting with `http://` or `https://`; no control characters.
pub fn validate_description(description: &str) -> Result<(), String> {
    let rule =
        "--description must be 2-256 characters and start with a letter or a Chinese character";
    check_text("--description", description, 256, rule)?;
    if description.chars().any(char::is_control) {
        return Err(format!("{rule}, without control characters"));
    }
    Ok(())
}

/// IPv4 CIDR notation: four decimal octets and a prefix length of 0-32 (`172.16.0.0/12`).
pub fn validate_cidr(flag: &str, cidr: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "{flag} {} is not IPv4 CIDR notation like 172.16.0.0/12",
            config::quoted(cidr)
        )
    };
    let (address, prefix) = cidr.split_once('/').ok_or_else(bad)?;
    address.parse::<std::net::Ipv4Addr>().map_err(|_| bad())?;
    let prefix_ok = !prefix.is_empty()
        && prefix.len() <= 2
        && prefix.chars().all(|c| c.is_ascii_digit())
        && prefix.parse::<u8>().is_ok_and(|p| p <= 32);
    if prefix_ok { Ok(()) } else { Err(bad()) }
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

// ---------------------------------------------------------------------------------------------
// The result, for every output format

#[derive(Debug, Serialize)]
struct Headroom {
    used: u64,
    limit: Option<u64>,
    left: Option<u64>,
}

impl From<&ParsedQuota> for Headroom {
    fn from(quota: &ParsedQuota) -> Self {
        Headroom {
            used: quota.used,
            limit: quota.limit,
            left: quota.limit.map(|l| l.saturating_sub(quota.used)),
        }
    }
}

/// What happened, as printed (JSON/YAML field names are stable; fields are only added).
#[derive(Debug, Serialize)]
struct Outcome {
    /// `created`, `would_create`, `refused`, `failed`, `found_after_unknown`, `unknown`.
    result: &'static str,
    created: bool,
    profile: String,
    region: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ccn_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    quota_before: Option<Headroom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quota_after: Option<Headroom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorDoc>,
    message: String,
}

#[derive(Debug, Serialize)]
struct ErrorDoc {
    kind: ErrorKind,
    http_status: Option<u16>,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
}

impl From<&Failure> for ErrorDoc {
    fn from(f: &Failure) -> Self {
        ErrorDoc {
            kind: f.kind,
            http_status: f.http_status,
            code: f.code.clone(),
            message: f.message.clone(),
            request_id: f.request_id.clone(),
        }
    }
}

/// The failure in the one-line form `check` uses for failed queries.
fn describe_failure(outcome: &Outcome, failure: &Failure) -> String {
    let error = failure.clone().into_query_error(
        &outcome.profile,
        Provider::Alibaba,
        &outcome.region,
        "smartag",
    );
    crate::output::error_text(&error)
}

fn print(outcome: &Outcome, format: CreateFormat) -> Result<(), AppError> {
    let text = match format {
        CreateFormat::Json => {
            let mut text = serde_json::to_string_pretty(outcome)
                .map_err(|e| AppError::Other(e.to_string()))?;
            text.push('\n');
            text
        }
        CreateFormat::Yaml => {
            serde_yaml::to_string(outcome).map_err(|e| AppError::Other(e.to_string()))?
        }
        CreateFormat::Table => {
            let mut lines = vec![outcome.message.clone()];
            let field = |label: &str, value: &str| format!("  {label:<13}{value}");
            lines.push(field("profile", &outcome.profile));
            lines.push(field("region", &outcome.region));
            lines.push(field("name", &outcome.name));
            for (label, value) in [
                ("ccn id", &outcome.ccn_id),
                ("status", &outcome.status),
                ("request id", &outcome.request_id),
            ] {
                if let Some(value) = value {
                    lines.push(field(label, value));
                }
            }
            let show = |h: &Headroom| match (h.limit, h.left) {
                (Some(limit), Some(left)) => format!("{} of {limit} used, {left} left", h.used),
                _ => format!("{} used, unlimited", h.used),
            };
            if let Some(before) = &outcome.quota_before {
                lines.push(field(
                    if outcome.created {
                        "quota before"
                    } else {
                        "quota"
                    },
                    &show(before),
                ));
            }
            if let Some(after) = &outcome.quota_after {
                lines.push(field("quota after", &show(after)));
            }
            lines.join("\n") + "\n"
        }
    };
    stdout_write(text.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// The command

pub async fn run(global: &GlobalArgs, args: &CreateCcnArgs, config: &Config) -> CommandResult {
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
    let engine = Engine::new(settings).map_err(AppError::Other)?;
    let creds = credentials(&profile).map_err(|f| AppError::Other(f.message))?;
    let endpoint = endpoint(
        &profile,
        "smartag",
        &sources::default_endpoint(Source::Smartag, Provider::Alibaba, &region),
    )
    .map_err(|f| AppError::Other(f.message))?;
    let call = Call {
        engine: &engine,
        endpoint: &endpoint,
        region: &region,
        credentials: creds,
    };
    let format = args.output.unwrap_or(CreateFormat::Table);
    let mut outcome = Outcome {
        result: "unknown",
        created: false,
        profile: profile.name.clone(),
        region: region.clone(),
        name: args.name.clone(),
        ccn_id: None,
        status: None,
        request_id: None,
        quota_before: None,
        quota_after: None,
        error: None,
        message: String::new(),
    };

    // 1. The headroom check.
    let before = match call.use_limit().await {
        Ok(quota) => quota,
        Err(failure) => {
            stderr_line(&format!(
                "error: cannot read the CCN quota: {}",
                describe_failure(&outcome, &failure)
            ));
            stderr_line("nothing was created");
            outcome.result = "failed";
            outcome.message = "The quota could not be read; nothing was created.".into();
            outcome.error = Some(ErrorDoc::from(&failure));
            print_unless_table(&outcome, format, global)?;
            return Ok(EXIT_UNKNOWN);
        }
    };
    outcome.quota_before = Some(Headroom::from(&before));
    if before.limit.is_some_and(|limit| before.used >= limit) {
        let limit = before.limit.unwrap_or_default();
        outcome.result = "refused";
        outcome.message = format!(
            "No room for another Cloud Connect Network in {region}: {} of {limit} used. Nothing was created.",
            before.used
        );
        if !global.quiet {
            print(&outcome, format)?;
        }
        stderr_line(&format!(
            "error: {} of {limit} Cloud Connect Networks are used in {region}; nothing was created",
            before.used
        ));
        stderr_line(
            "hint: delete a network you no longer need, or ask Alibaba Cloud for a higher CCN quota (Quota Center, or a support ticket)",
        );
        return Ok(EXIT_NO_HEADROOM);
    }

    // 2. --dry-run stops here.
    if args.dry_run {
        outcome.result = "would_create";
        outcome.message = format!(
            "Dry run: would create Cloud Connect Network {:?} in {region}; there is room for it.",
            args.name
        );
        if !global.quiet {
            print(&outcome, format)?;
        }
        return Ok(EXIT_CREATED);
    }

    // 3. Networks of that name that exist already, so an unknown outcome can tell new from old.
    let existing: Option<BTreeSet<String>> = call
        .find_by_name(&args.name)
        .await
        .ok()
        .map(|found| found.into_iter().map(|n| n.ccn_id).collect());

    // 4. The create, sent once (again only where the provider certainly did not act).
    let params = create_params(args);
    let attempts = settings.retries + 1;
    let mut attempt = 0;
    let created = loop {
        attempt += 1;
        let request = alibaba::request(
            reqwest::Method::POST,
            &endpoint,
            smartag::VERSION,
            "CreateCloudConnectNetwork",
            &region,
            creds,
            &params,
            jiff::Timestamp::now(),
            &uuid::Uuid::new_v4().to_string(),
        );
        let result = engine.attempt_json(request).await;
        match result {
            Ok((body, exchange)) => match alibaba::parse_created(&body) {
                Ok(created) => break Ok(created),
                // A 2xx we cannot read: the network may well exist.
                Err(message) => {
                    break Err(Failure::bad_response(
                        &exchange,
                        format!("unexpected response: {message}"),
                    ));
                }
            },
            Err(failure) => {
                let certainly_not_acted =
                    !failure.maybe_delivered || failure.kind == ErrorKind::Throttled;
                if certainly_not_acted && attempt < attempts {
                    let delay = retry_delay(attempt, failure.retry_after);
                    crate::log::log(1, || {
                        format!(
                            "create attempt {attempt} not delivered ({}); retrying in {} ms",
                            failure.kind,
                            delay.as_millis()
                        )
                    });
                    tokio::time::sleep(delay).await;
                    continue;
                }
                break Err(failure);
            }
        }
    };

    match created {
        Ok(created) => {
            report_created(&mut outcome, created);
            outcome.quota_after = call.use_limit().await.ok().as_ref().map(Headroom::from);
            if !global.quiet {
                print(&outcome, format)?;
            }
            Ok(EXIT_CREATED)
        }
        Err(failure) if outcome_is_known(&failure) => {
            // The provider answered and refused: nothing was created.
            outcome.result = if failure.code.as_deref() == Some("CcnAmountLimit") {
                "refused"
            } else {
                "failed"
            };
            outcome.message = "The provider refused the create; nothing was created.".into();
            outcome.error = Some(ErrorDoc::from(&failure));
            print_unless_table(&outcome, format, global)?;
            stderr_line(&format!(
                "error: CreateCloudConnectNetwork failed: {}",
                describe_failure(&outcome, &failure)
            ));
            stderr_line("nothing was created");
            if failure.code.as_deref() == Some("CcnAmountLimit") {
                stderr_line(
                    "hint: another create took the last place since the check; the quota is full now",
                );
                return Ok(EXIT_NO_HEADROOM);
            }
            Ok(EXIT_UNKNOWN)
        }
        Err(failure) => {
            stderr_line(&format!(
                "warning: the create request went out but its answer was lost: {}",
                describe_failure(&outcome, &failure)
            ));
            stderr_line(&format!(
                "looking for a network named {:?} instead of sending the create again",
                args.name
            ));
            outcome.error = Some(ErrorDoc::from(&failure));
            resolve_unknown(&call, &mut outcome, existing.as_ref(), format, global).await
        }
    }
}

/// The provider answered with an error of its own (a 4xx, or a throttling answer whose retries
/// are spent): it did not create anything. Transport failures, 5xx and unreadable answers are
/// not known outcomes.
fn outcome_is_known(failure: &Failure) -> bool {
    let provider_refused = failure.http_status.is_some_and(|s| (400..500).contains(&s))
        && failure.kind != ErrorKind::BadResponse;
    provider_refused || (failure.kind == ErrorKind::Throttled)
}

fn report_created(outcome: &mut Outcome, created: CreatedNetwork) {
    outcome.result = "created";
    outcome.created = true;
    outcome.message = format!("Created Cloud Connect Network {}.", created.ccn_id);
    outcome.ccn_id = Some(created.ccn_id);
    outcome.status = created.status;
    outcome.request_id = created.request_id;
    if let Some(name) = created.name {
        outcome.name = name;
    }
}

async fn resolve_unknown(
    call: &Call<'_>,
    outcome: &mut Outcome,
    existing: Option<&BTreeSet<String>>,
    format: CreateFormat,
    global: &GlobalArgs,
) -> CommandResult {
    let found = match call.find_by_name(&outcome.name).await {
        Ok(found) => found,
        Err(failure) => {
            outcome.result = "unknown";
            outcome.message = "The create's outcome is unknown and the lookup failed too; do not create again before checking.".into();
            print_unless_table(outcome, format, global)?;
            stderr_line(&format!(
                "error: DescribeCloudConnectNetworks failed: {}",
                describe_failure(outcome, &failure)
            ));
            stderr_line(&format!(
                "hint: check with the console or `aliyun smartag DescribeCloudConnectNetworks --RegionId {} --Name {}` before trying again",
                outcome.region, outcome.name
            ));
            return Ok(EXIT_UNKNOWN);
        }
    };
    let new: Vec<&FoundNetwork> = found
        .iter()
        .filter(|n| n.name == outcome.name && existing.is_none_or(|old| !old.contains(&n.ccn_id)))
        .collect();
    match new.as_slice() {
        [network] => {
            outcome.result = "found_after_unknown";
            outcome.created = true;
            outcome.ccn_id = Some(network.ccn_id.clone());
            outcome.status = network.status.clone();
            outcome.message = format!(
                "The network exists: {} (found by name after the answer was lost).",
                network.ccn_id
            );
            outcome.quota_after = call.use_limit().await.ok().as_ref().map(Headroom::from);
            if !global.quiet {
                print(outcome, format)?;
            }
            Ok(EXIT_CREATED)
        }
        [] => {
            outcome.result = "unknown";
            outcome.message = format!(
                "No network named {:?} exists now; the create probably did not happen, but it may still be in progress.",
                outcome.name
            );
            print_unless_table(outcome, format, global)?;
            stderr_line(&format!("error: {}", outcome.message));
            stderr_line(
                "hint: run the same command again in a minute; the headroom check comes first, so it cannot create a duplicate unless the name lookup misses it",
            );
            Ok(EXIT_UNKNOWN)
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|n| n.ccn_id.as_str()).collect();
            outcome.result = "unknown";
            outcome.message = format!(
                "Several networks named {:?} exist ({}); cannot tell which one this run created.",
                outcome.name,
                ids.join(", ")
            );
            print_unless_table(outcome, format, global)?;
            stderr_line(&format!("error: {}", outcome.message));
            Ok(EXIT_UNKNOWN)
        }
    }
}

/// Failures are told on stderr; the document goes to stdout only for json/yaml (scripts).
fn print_unless_table(
    outcome: &Outcome,
    format: CreateFormat,
    global: &GlobalArgs,
) -> Result<(), AppError> {
    if format != CreateFormat::Table && !global.quiet {
        print(outcome, format)?;
    }
    Ok(())
}

fn create_params(args: &CreateCcnArgs) -> Vec<(String, String)> {
    let mut params = vec![
        ("Name".to_string(), args.name.clone()),
        // Always sent: the API page lists it as required (see NOTES.md).
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

fn find_profile(config: &Config, name: &str) -> Result<Arc<Profile>, AppError> {
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
    Ok(Arc::new(profile.clone()))
}

/// The signed Smartag calls this command makes.
struct Call<'a> {
    engine: &'a Arc<Engine>,
    endpoint: &'a reqwest::Url,
    region: &'a str,
    credentials: &'a Credentials,
}

impl Call<'_> {
    async fn read(&self, action: &str, params: &[(String, String)]) -> Result<Value, Failure> {
        self.engine
            .read_json(self.region, |at, nonce| {
                alibaba::request(
                    reqwest::Method::GET,
                    self.endpoint,
                    smartag::VERSION,
                    action,
                    self.region,
                    self.credentials,
                    params,
                    at,
                    nonce,
                )
            })
            .await
            .map(|(body, _)| body)
    }

    async fn use_limit(&self) -> Result<ParsedQuota, Failure> {
        let params = [("RegionId".to_string(), self.region.to_string())];
        let body = self.read("GetCloudConnectNetworkUseLimit", &params).await?;
        smartag::parse_use_limit(&body)
            .map_err(|m| Failure::new(ErrorKind::BadResponse, format!("unexpected response: {m}")))
    }

    async fn find_by_name(&self, name: &str) -> Result<Vec<FoundNetwork>, Failure> {
        let params = [
            ("RegionId".to_string(), self.region.to_string()),
            ("Name".to_string(), name.to_string()),
            ("PageSize".to_string(), "50".to_string()),
        ];
        let body = self.read("DescribeCloudConnectNetworks", &params).await?;
        alibaba::parse_described(&body)
            .map_err(|m| Failure::new(ErrorKind::BadResponse, format!("unexpected response: {m}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        let ok = [
            "ccn名称",
            "ab",
            "名称",
            "a.b_c-d9",
            &"a".repeat(128),
            &"名".repeat(128),
        ];
        for name in ok {
            assert!(validate_name(name).is_ok(), "{name}");
        }
        let bad = [
            "a",
            "",
            &"a".repeat(129),
            &"名".repeat(129),
            "1abc",
            "http://x",
            "https://x",
            "-ab",
            "a b",
            "a/b",
            "ab:c",
            "ネットワーク",
        ];
        for name in bad {
            assert!(validate_name(name).is_err(), "{name}");
        }
        assert!(validate_name("http://x").unwrap_err().contains("http://"));
        assert!(
            validate_name("1abc")
                .unwrap_err()
                .contains("start with a letter")
        );
    }

    #[test]
    fn description_rules() {
        for ok in [
            "ab",
            "ccn描述",
            "描述 with spaces, punctuation!",
            &"d".repeat(256),
            &"描".repeat(256),
        ] {
            assert!(validate_description(ok).is_ok(), "{ok}");
        }
        for bad in [
            "d",
            "",
            &"d".repeat(257),
            &"描".repeat(257),
            "1 desc",
            "http://x",
            "https://example.com",
            " lead",
            "a\nb",
        ] {
            assert!(validate_description(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cidr_rules() {
        for ok in [
            "172.16.0.0/12",
            "10.0.0.0/8",
            "192.168.1.0/24",
            "0.0.0.0/0",
            "10.0.0.1/32",
        ] {
            assert!(validate_cidr("--cidr-block", ok).is_ok(), "{ok}");
        }
        for bad in [
            "10.0.0.0/33",
            "10.0.0/24",
            "10.0.0.0",
            "10.0.0.0/",
            "256.0.0.0/8",
            "10.0.0.0/8/8",
            "a.b.c.d/8",
            "10.0.0.0/+8",
            "::1/128",
            "10.0.0.0/008",
        ] {
            assert!(validate_cidr("--cidr-block", bad).is_err(), "{bad}");
        }
    }

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
