//! The config file: discovery, parsing, `${VAR}` expansion, validation, and the profiles
//! built from the providers' standard environment variables when there is no file.
//!
//! Two kinds of problem are told apart. A file that cannot be read as a whole (not YAML,
//! unknown keys, wrong types, a bad threshold key) is a `ConfigError`: nothing is queried and
//! `headroom` exits 3 with the file, line and column. A problem inside one profile (an unset
//! variable, missing credentials, a bad region or endpoint) makes only that profile unusable:
//! its queries fail with kind `config` and every other profile is still queried.
//! No message here ever contains a secret's value.
//!
//! This module holds the model and finds the file; `parse` turns text into profiles,
//! `validate` checks single values, `locate` finds a key's line for messages, `env` builds
//! profiles from the providers' standard variables.

mod assume;
mod env;
mod locate;
mod parse;
mod validate;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::quota::{Provider, Thresholds};
use crate::secret::Secret;

pub use assume::MAX_HOPS;
pub use env::from_environment;
pub use locate::locate;
pub use parse::{ExpandError, did_you_mean, expand, parse};
pub use validate::{
    check_concurrency, check_days, check_percent, check_retries, display_duration, display_period,
    parse_duration, parse_min_interval, parse_period, quoted, validate_endpoint,
    validate_project_id, validate_region,
};

use locate::position;
use parse::RawConfig;

/// Largest config file read; anything bigger is not a hand-written config.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Where the environment comes from: the process, or a map in tests.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Env for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// A config that cannot be used at all. Displayed as `path:line:column: message`, then a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: Option<PathBuf>,
    pub location: Option<(usize, usize)>,
    pub message: String,
    pub hint: Option<String>,
}

impl ConfigError {
    fn new(path: Option<&Path>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.map(Path::to_path_buf),
            location: None,
            message: message.into(),
            hint: None,
        }
    }

    fn at(mut self, location: Option<(usize, usize)>) -> ConfigError {
        self.location = location;
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> ConfigError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some((line, column)) = self.location {
                write!(f, ":{line}:{column}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// The `defaults:` section, with the documented defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub warn: f64,
    pub crit: f64,
    pub timeout: Duration,
    pub retries: u32,
    pub concurrency: usize,
    /// How far back the forecast looks.
    pub forecast_window: Duration,
    /// Opt-in time thresholds: WARNING / CRITICAL when full within this many days.
    pub warn_days: Option<f64>,
    pub crit_days: Option<f64>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            warn: 80.0,
            crit: 95.0,
            timeout: Duration::from_secs(10),
            retries: 2,
            concurrency: 64,
            forecast_window: Duration::from_secs(30 * DAY),
            warn_days: None,
            crit_days: None,
        }
    }
}

/// The `serve:` section: what only `headroom serve` reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeSettings {
    /// Identical probes within this long get the same result (zero: only concurrent ones do).
    pub min_interval: Duration,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            min_interval: Duration::from_secs(30),
        }
    }
}

const DAY: u64 = 86_400;

/// The `history:` section: where the local usage history lives and how long it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySettings {
    pub enabled: bool,
    /// `None`: the platform's default (see [`default_history_path`]).
    pub path: Option<PathBuf>,
    pub keep: Duration,
}

/// What `--history PATH` and `--no-history` said: they beat the config's `history:` section,
/// at the start and at every reload of `headroom serve`.
#[derive(Clone, Debug, Default)]
pub struct HistoryFlags {
    pub off: bool,
    pub path: Option<PathBuf>,
}

impl HistoryFlags {
    pub fn apply(&self, history: &mut HistorySettings) {
        if self.off {
            history.enabled = false;
        } else if let Some(path) = &self.path {
            history.enabled = true;
            history.path = Some(path.clone());
        }
    }
}

impl Default for HistorySettings {
    fn default() -> Self {
        HistorySettings {
            enabled: true,
            path: None,
            keep: Duration::from_secs(400 * DAY),
        }
    }
}

impl HistorySettings {
    /// The store to use, or `None` when the history is off. Without a platform folder for
    /// state or data (no home), there is nowhere to keep it.
    pub fn store_path(&self) -> Option<PathBuf> {
        if !self.enabled {
            return None;
        }
        self.path.clone().or_else(default_history_path)
    }
}

/// `~/.local/state/headroom/history.sqlite` on Linux (`$XDG_STATE_HOME`), else the platform's
/// local data folder: the history is the machine's own record, not a config to sync.
pub fn default_history_path() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|dir| dir.join("headroom").join("history.sqlite"))
}

/// Where a credential value came from, for `headroom profiles` (never the value itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// Written in the file.
    Inline,
    /// From these environment variables.
    Env(Vec<String>),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Inline => f.write_str("inline"),
            CredentialSource::Env(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("${n}")).collect();
                f.write_str(&names.join(", "))
            }
        }
    }
}

#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret: Secret,
    pub security_token: Option<Secret>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field(
                "access_key_id",
                &crate::secret::mask_key_id(&self.access_key_id),
            )
            .field("secret", &self.secret)
            .field("security_token", &self.security_token)
            .finish()
    }
}

/// Why one profile cannot be queried: the key at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key `{}`: {}", self.key, self.message)
    }
}

/// One named account, ready to query (or, with `problem`, known to be unusable).
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub provider: Provider,
    pub regions: Vec<String>,
    pub services: Vec<String>,
    /// The profile listed `services:` itself (a skipped service is then an error, not a note).
    pub services_explicit: bool,
    /// Huawei Cloud / OTC: the project id of a region, where the config gives it; the other
    /// regions' are looked up through IAM.
    pub project_ids: BTreeMap<String, String>,
    /// Huawei Cloud / OTC: this account's id, sent as `X-Domain-Id` on the IAM calls its keys
    /// sign (an agency assumed from it).
    pub domain_id: Option<String>,
    /// Credentials assumed from another profile instead of keys of its own.
    pub assume: Option<Assume>,
    /// The `fleets:` entry this profile was expanded from.
    pub fleet: Option<String>,
    /// Endpoint overrides by endpoint key (each source's, and `iam`), validated.
    pub endpoints: BTreeMap<String, reqwest::Url>,
    pub credentials: Option<Credentials>,
    /// (key, source) for every credential key, for `headroom profiles`.
    pub credential_sources: Vec<(String, CredentialSource)>,
    pub problem: Option<ProfileProblem>,
    /// `file:line:column` of the profile, for messages.
    pub location: Option<String>,
}

impl Profile {
    /// A profile with the provider's defaults (every service), to be filled from the config.
    fn new(name: &str, provider: Provider, location: Option<String>) -> Profile {
        Profile {
            name: name.to_string(),
            provider,
            regions: Vec::new(),
            services: crate::sources::default_services(provider)
                .into_iter()
                .map(str::to_string)
                .collect(),
            services_explicit: false,
            project_ids: BTreeMap::new(),
            domain_id: None,
            assume: None,
            fleet: None,
            endpoints: BTreeMap::new(),
            credentials: None,
            credential_sources: Vec::new(),
            problem: None,
            location,
        }
    }
}

/// Where an assumed profile's temporary credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assume {
    /// The profile whose credentials make the assume call.
    pub source: String,
    pub target: AssumeTarget,
    /// How long the temporary credentials are asked to last.
    pub duration: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssumeTarget {
    /// Alibaba: STS `AssumeRole`.
    Role {
        arn: String,
        session_name: String,
        external_id: Option<String>,
    },
    /// Huawei Cloud / OTC: an agency of the target account (named or by id).
    Agency {
        domain_name: Option<String>,
        domain_id: Option<String>,
        name: String,
    },
}

impl fmt::Display for AssumeTarget {
    /// `role acs:ram::1234:role/x`, `agency team-b/headroom-reader`: never a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssumeTarget::Role { arn, .. } => write!(f, "role {arn}"),
            AssumeTarget::Agency {
                domain_name,
                domain_id,
                name,
            } => {
                let domain = domain_name
                    .as_deref()
                    .or(domain_id.as_deref())
                    .unwrap_or("");
                write!(f, "agency {domain}/{name}")
            }
        }
    }
}

impl Profile {
    /// The project id configured for `region`, if any.
    pub fn project_id(&self, region: &str) -> Option<&str> {
        self.project_ids.get(region).map(String::as_str)
    }
}

/// A per-resource threshold override: `[profile:]service/resource`, `*` wildcards.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdRule {
    pub key: String,
    pub profile: Option<String>,
    pub service: String,
    pub resource: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub warn_left: Option<u64>,
    pub crit_left: Option<u64>,
    pub warn_days: Option<f64>,
    pub crit_days: Option<f64>,
}

/// Where the profiles came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    /// No config file: profiles from the providers' standard environment variables.
    Environment,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub origin: Origin,
    pub defaults: Defaults,
    pub profiles: Vec<Profile>,
    pub thresholds: Vec<ThresholdRule>,
    pub serve: ServeSettings,
    pub history: HistorySettings,
    /// Things the user should know that stop nothing (a readable file with literal secrets).
    pub warnings: Vec<String>,
}

impl Config {
    /// Every secret of every profile (secret keys and security tokens), for redaction.
    pub fn secrets(&self) -> Vec<Secret> {
        self.profiles
            .iter()
            .filter_map(|p| p.credentials.as_ref())
            .flat_map(|c| std::iter::once(c.secret.clone()).chain(c.security_token.clone()))
            .collect()
    }

    /// The thresholds for one quota: the most specific rule wins (a `profile:` key beats one
    /// without; then more exact parts beat `*`; then the longer pattern), the defaults fill in
    /// what it leaves out.
    pub fn thresholds_for(&self, profile: &str, service: &str, resource: &str) -> Thresholds {
        let mut thresholds = Thresholds {
            warn: self.defaults.warn,
            crit: self.defaults.crit,
            warn_left: None,
            crit_left: None,
            warn_days: self.defaults.warn_days,
            crit_days: self.defaults.crit_days,
        };
        let best = self
            .thresholds
            .iter()
            .filter(|rule| rule.matches(profile, service, resource))
            .max_by_key(|rule| rule.specificity());
        if let Some(rule) = best {
            thresholds.warn = rule.warn.unwrap_or(thresholds.warn);
            thresholds.crit = rule.crit.unwrap_or(thresholds.crit);
            thresholds.warn_left = rule.warn_left;
            thresholds.crit_left = rule.crit_left;
            thresholds.warn_days = rule.warn_days.or(thresholds.warn_days);
            thresholds.crit_days = rule.crit_days.or(thresholds.crit_days);
        }
        thresholds
    }
}

impl ThresholdRule {
    fn matches(&self, profile: &str, service: &str, resource: &str) -> bool {
        self.profile
            .as_deref()
            .is_none_or(|p| wildcard_match(p, profile))
            && wildcard_match(&self.service, service)
            && wildcard_match(&self.resource, resource)
    }

    fn specificity(&self) -> (bool, usize, usize) {
        let parts = [
            self.profile.as_deref(),
            Some(&self.service),
            Some(&self.resource),
        ];
        let exact = parts.iter().flatten().filter(|p| !p.contains('*')).count();
        let literal_chars = parts
            .iter()
            .flatten()
            .map(|p| p.chars().filter(|&c| c != '*').count())
            .sum();
        (self.profile.is_some(), exact, literal_chars)
    }
}

/// Glob match where `*` stands for any run of characters (including none), as in `--resource`
/// and threshold keys.
///
/// ```
/// use headroom::config::wildcard_match;
/// assert!(wildcard_match("vpn_*", "vpn_gateway"));
/// assert!(wildcard_match("*Group*", "securityGroupRule"));
/// assert!(!wildcard_match("vpn_*", "vpc"));
/// ```
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// The config path in use: `--config`, then `$HEADROOM_CONFIG`, then the platform default.
/// The flag says whether the user named it (a named file that is missing is an error).
pub fn config_path(cli: Option<&Path>, env: &dyn Env) -> Option<(PathBuf, bool)> {
    if let Some(path) = cli {
        return Some((path.to_path_buf(), true));
    }
    if let Some(path) = env.var("HEADROOM_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(path), true));
    }
    default_config_path().map(|p| (p, false))
}

pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("headroom").join("config.yaml"))
}

/// Finds and loads the config; with no file, builds profiles from the environment.
pub fn load(cli: Option<&Path>, env: &dyn Env) -> Result<Config, ConfigError> {
    let Some((path, named)) = config_path(cli, env) else {
        return from_environment(env);
    };
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Err(ConfigError::new(
            Some(&path),
            "is a directory, not a config file",
        )),
        Ok(_) => {
            let bytes = read_capped(&path)?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let at = position(e.as_bytes(), e.utf8_error().valid_up_to());
                ConfigError::new(Some(&path), "the file is not UTF-8 text").at(Some(at))
            })?;
            let mut config = parse(&text, Some(&path), env)?;
            if let Some(warning) = permission_warning(&path, &text) {
                config.warnings.push(warning);
            }
            Ok(config)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => from_environment(env),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(ConfigError::new(Some(&path), "no such file").hint(
                "create one with `headroom config init`, or check --config / $HEADROOM_CONFIG",
            ))
        }
        Err(e) => Err(ConfigError::new(
            Some(&path),
            format!("cannot read it: {e}"),
        )),
    }
}

/// Reads at most [`MAX_CONFIG_BYTES`] (plus one, to tell): the size in the metadata is no
/// bound for a device or a pipe (`--config /dev/zero` would otherwise never end).
fn read_capped(path: &Path) -> Result<Vec<u8>, ConfigError> {
    use std::io::Read;
    let cannot = |e: std::io::Error| ConfigError::new(Some(path), format!("cannot read it: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        let at = position(&bytes, MAX_CONFIG_BYTES as usize);
        return Err(ConfigError::new(
            Some(path),
            "the file passes 1 MiB here, the most a config may be",
        )
        .at(Some(at))
        .hint("a config is a short hand-written file; check the path"));
    }
    Ok(bytes)
}

/// A config holding a literal secret must not be readable by others.
#[cfg(unix)]
fn permission_warning(path: &Path, text: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    if mode & 0o077 == 0 || !has_literal_secret(text) {
        return None;
    }
    Some(format!(
        "{} holds a secret in plain text and can be read by other users (mode {:o}); \
         run `chmod 600 {}` or use ${{VAR}} references",
        path.display(),
        mode & 0o777,
        path.display()
    ))
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path, _text: &str) -> Option<String> {
    None
}

fn has_literal_secret(text: &str) -> bool {
    let Ok(raw) = serde_yaml::from_str::<RawConfig>(text) else {
        return false;
    };
    raw.profiles.values().any(|p| {
        [&p.access_key_secret, &p.secret_key, &p.security_token]
            .into_iter()
            .flatten()
            .any(|value| !value.contains("${"))
    })
}
