//! The config file: discovery, parsing, `${VAR}` expansion, validation, and the profiles
//! built from the providers' standard environment variables when there is no file.
//!
//! Two kinds of problem are told apart. A file that cannot be read as a whole (not YAML,
//! unknown keys, wrong types, a bad threshold key) is a `ConfigError`: nothing is queried and
//! `headroom` exits 3 with the file, line and column. A problem inside one profile (an unset
//! variable, missing credentials, a bad region or endpoint) makes only that profile unusable:
//! its queries fail with kind `config` and every other profile is still queried.
//! No message here ever contains a secret's value.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::quota::{Provider, Thresholds};
use crate::secret::Secret;

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
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            warn: 80.0,
            crit: 95.0,
            timeout: Duration::from_secs(10),
            retries: 2,
            concurrency: 64,
        }
    }
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
    pub project_id: Option<String>,
    /// Per-service endpoint overrides (`smartag`, `vpc`, `vpn`, `vpcep`, `iam`), validated.
    pub endpoints: BTreeMap<String, reqwest::Url>,
    pub credentials: Option<Credentials>,
    /// (key, source) for every credential key, for `headroom profiles`.
    pub credential_sources: Vec<(String, CredentialSource)>,
    pub problem: Option<ProfileProblem>,
    /// `file:line:column` of the profile, for messages.
    pub location: Option<String>,
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
    /// Things the user should know that stop nothing (a readable file with literal secrets).
    pub warnings: Vec<String>,
}

impl Config {
    /// The thresholds for one quota: the most specific rule wins (a `profile:` key beats one
    /// without; then more exact parts beat `*`; then the longer pattern), the defaults fill in
    /// what it leaves out.
    pub fn thresholds_for(&self, profile: &str, service: &str, resource: &str) -> Thresholds {
        let mut thresholds = Thresholds {
            warn: self.defaults.warn,
            crit: self.defaults.crit,
            warn_left: None,
            crit_left: None,
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

// ---------------------------------------------------------------------------------------------
// Discovery

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

/// The 1-based (line, column) of byte `offset`, the column counted in characters.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
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

// ---------------------------------------------------------------------------------------------
// Parsing

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    defaults: Option<RawDefaults>,
    #[serde(default)]
    profiles: UniqueMap<RawProfile>,
    #[serde(default)]
    thresholds: UniqueMap<RawThreshold>,
}

/// A mapping that refuses a key given twice (YAML parsers keep the last one silently, which
/// would hide a profile).
struct UniqueMap<V>(BTreeMap<String, V>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(BTreeMap::new())
    }
}

impl<V> std::ops::Deref for UniqueMap<V> {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(UniqueMap::default())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.contains_key(&key) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    let value = map.next_value()?;
                    out.insert(key, value);
                }
                Ok(UniqueMap(out))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    warn: Option<f64>,
    crit: Option<f64>,
    timeout: Option<String>,
    retries: Option<u32>,
    concurrency: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    provider: String,
    region: Option<String>,
    regions: Option<Vec<String>>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    access_key: Option<String>,
    secret_key: Option<String>,
    project_id: Option<String>,
    services: Option<Vec<String>>,
    endpoints: Option<UniqueMap<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    warn: Option<f64>,
    crit: Option<f64>,
    warn_left: Option<u64>,
    crit_left: Option<u64>,
}

/// Every key the file may hold, for "did you mean".
const KNOWN_KEYS: &[&str] = &[
    "defaults",
    "profiles",
    "thresholds",
    "warn",
    "crit",
    "timeout",
    "retries",
    "concurrency",
    "provider",
    "region",
    "regions",
    "access_key_id",
    "access_key_secret",
    "security_token",
    "access_key",
    "secret_key",
    "project_id",
    "services",
    "endpoints",
    "warn_left",
    "crit_left",
    "smartag",
    "vpc",
    "vpn",
    "vpcep",
    "iam",
];

/// Parses config text. `path` is only used in messages.
pub fn parse(text: &str, path: Option<&Path>, env: &dyn Env) -> Result<Config, ConfigError> {
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(ConfigError::new(path, "the config file is empty")
            .at(Some((1, 1)))
            .hint("see config.example.yaml, or run `headroom config init --force` for a commented start"));
    }
    let raw: RawConfig = serde_yaml::from_str(text).map_err(|e| yaml_error(&e, text, path))?;

    let defaults = resolve_defaults(raw.defaults.unwrap_or_default(), text, path, env)?;
    let thresholds = resolve_thresholds(&raw.thresholds, text, path)?;

    // One pass for every profile's position: `locate` per profile would rescan the text for
    // each one (quadratic; 30 ms of a 400-profile check went there).
    let locations = locate_children(text, "profiles");
    let mut profiles = Vec::new();
    for (name, raw_profile) in raw.profiles.iter() {
        let location = locations.get(name.as_str()).copied();
        profiles.push(resolve_profile(
            name,
            raw_profile,
            location,
            text,
            path,
            env,
        )?);
    }
    Ok(Config {
        origin: path.map_or(Origin::Environment, |p| Origin::File(p.to_path_buf())),
        defaults,
        profiles,
        thresholds,
        warnings: Vec::new(),
    })
}

/// Turns a YAML/serde error into a located message with a "did you mean" where one fits.
fn yaml_error(error: &serde_yaml::Error, text: &str, path: Option<&Path>) -> ConfigError {
    let mut location = error.location().map(|l| (l.line(), l.column()));
    let mut message = error.to_string();
    // The library appends " at line X column Y"; the location is shown in front instead.
    if let Some(idx) = message.find(" at line ") {
        message.truncate(idx);
    }
    // A duplicate is reported at the start of its mapping: point at the second key instead.
    if let Some(rest) = message
        .split("duplicate key `")
        .nth(1)
        .or_else(|| message.split("duplicate field `").nth(1))
        && let Some(key) = rest.split('`').next()
        && let Some(start) = location
    {
        location = locate_duplicate(text, start, key).or(location);
    }
    let mut err = ConfigError::new(path, message.clone()).at(location);
    if let Some(rest) = message.split("unknown field `").nth(1)
        && let Some(field) = rest.split('`').next()
    {
        if let Some(suggestion) = did_you_mean(field, KNOWN_KEYS) {
            err = err.hint(format!("did you mean `{suggestion}`?"));
        } else {
            err = err.hint("remove it; config.example.yaml documents every key");
        }
    }
    err
}

/// The closest candidate within an edit distance of 2 (or 1 for short words).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Finds `key:` under the nested keys `path` by indentation, for locating semantic errors that
/// serde cannot place. Returns 1-based (line, column).
fn locate(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    let mut lines = text.lines().enumerate();
    'segments: for segment in path {
        for (number, line) in lines.by_ref() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if let Some(parent) = parent_indent
                && indent <= parent
            {
                return None;
            }
            let key = trimmed.trim_start_matches("- ");
            let key = key
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .trim_matches('\'');
            if key == *segment {
                parent_indent = Some(indent);
                found = Some((number + 1, indent + 1));
                continue 'segments;
            }
        }
        return None;
    }
    found
}

/// What `locate(text, &[parent, key])` gives, for every `key` at once, in one pass.
fn locate_children<'t>(text: &'t str, parent: &str) -> HashMap<&'t str, (usize, usize)> {
    let mut found = HashMap::new();
    let mut parent_indent: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(parent) = parent_indent
            && indent <= parent
        {
            break;
        }
        let key = trimmed.trim_start_matches("- ");
        let key = key
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .trim_matches('\'');
        match parent_indent {
            None if key == parent => parent_indent = Some(indent),
            None => {}
            Some(_) => {
                found.entry(key).or_insert((number + 1, indent + 1));
            }
        }
    }
    found
}

/// The second `key:` of the block mapping whose first key is at `start` (1-based line and
/// column), by indentation. `None` for flow mappings (`{a: 1, a: 2}`) and anything unclear.
fn locate_duplicate(text: &str, start: (usize, usize), key: &str) -> Option<(usize, usize)> {
    let (first_line, column) = start;
    let indent = column.checked_sub(1)?;
    let mut seen = false;
    for (number, line) in text.lines().enumerate().skip(first_line.checked_sub(1)?) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this_indent = line.len() - trimmed.len();
        if this_indent < indent && number + 1 > first_line {
            return None;
        }
        if this_indent != indent {
            continue;
        }
        let this_key = trimmed
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .trim_matches('\'');
        if this_key == key {
            if seen {
                return Some((number + 1, indent + 1));
            }
            seen = true;
        }
    }
    None
}

fn location_string(path: Option<&Path>, location: Option<(usize, usize)>) -> Option<String> {
    let path = path?;
    Some(match location {
        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
        None => path.display().to_string(),
    })
}

/// Replaces every `${NAME}` with the variable's value. Returns the names used, or the first
/// unset one. A `$` not followed by `{` is kept as it is.
pub fn expand(raw: &str, env: &dyn Env) -> Result<(String, Vec<String>), ExpandError> {
    let mut out = String::with_capacity(raw.len());
    let mut names = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(ExpandError::Unterminated);
        };
        let name = &after[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ExpandError::BadName(name.to_string()));
        }
        match env.var(name) {
            Some(value) => out.push_str(&value),
            None => return Err(ExpandError::Unset(name.to_string())),
        }
        names.push(name.to_string());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok((out, names))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpandError {
    Unset(String),
    Unterminated,
    BadName(String),
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpandError::Unset(name) => write!(f, "environment variable {name} is not set"),
            ExpandError::Unterminated => f.write_str("`${` without a closing `}`"),
            ExpandError::BadName(name) => write!(
                f,
                "`${{{name}}}` is not a variable reference (names are letters, digits and _)"
            ),
        }
    }
}

fn resolve_defaults(
    raw: RawDefaults,
    text: &str,
    path: Option<&Path>,
    env: &dyn Env,
) -> Result<Defaults, ConfigError> {
    let mut defaults = Defaults::default();
    let fail = |key: &str, message: String| {
        ConfigError::new(path, format!("defaults.{key}: {message}"))
            .at(locate(text, &["defaults", key]))
    };
    if let Some(warn) = raw.warn {
        defaults.warn = check_percent(warn).map_err(|m| fail("warn", m))?;
    }
    if let Some(crit) = raw.crit {
        defaults.crit = check_percent(crit).map_err(|m| fail("crit", m))?;
    }
    if let Some(timeout) = raw.timeout {
        let (timeout, names) = expand(&timeout, env).map_err(|e| fail("timeout", e.to_string()))?;
        defaults.timeout = parse_duration(&timeout).map_err(|m| {
            // The message quotes the value; one from a variable is named instead.
            let m = if names.is_empty() {
                m
            } else {
                conceal(
                    m.replace(&format!("`{}`", timeout.trim()), &quoted(&timeout)),
                    &timeout,
                    &names,
                )
            };
            fail("timeout", m)
        })?;
    }
    if let Some(retries) = raw.retries {
        defaults.retries = check_retries(retries).map_err(|m| fail("retries", m))?;
    }
    if let Some(concurrency) = raw.concurrency {
        defaults.concurrency =
            check_concurrency(concurrency).map_err(|m| fail("concurrency", m))?;
    }
    Ok(defaults)
}

pub fn check_percent(value: f64) -> Result<f64, String> {
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not a percentage between 0 and 100"))
    }
}

pub fn check_retries(value: u32) -> Result<u32, String> {
    if value <= 10 {
        Ok(value)
    } else {
        Err(format!("{value} retries is too many (at most 10)"))
    }
}

pub fn check_concurrency(value: usize) -> Result<usize, String> {
    if (1..=4096).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 1 and 4096"))
    }
}

/// `500ms`, `2s`, `1m`: a whole number and a unit, between 1 ms and 1 hour.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || format!("`{text}` is not a duration; write it like 10s, 500ms or 1m");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(bad()),
    };
    if duration.is_zero() || duration > Duration::from_secs(3600) {
        return Err(format!("`{text}` is out of range (1ms to 1h)"));
    }
    Ok(duration)
}

/// The inverse of [`parse_duration`]: `500ms`, `10s`, `2m`.
pub fn display_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn resolve_thresholds(
    raw: &BTreeMap<String, RawThreshold>,
    text: &str,
    path: Option<&Path>,
) -> Result<Vec<ThresholdRule>, ConfigError> {
    let mut rules = Vec::new();
    for (key, value) in raw {
        let fail = |message: String| {
            ConfigError::new(path, format!("thresholds.\"{key}\": {message}"))
                .at(locate(text, &["thresholds", key]))
        };
        let (profile, rest) = match key.split_once(':') {
            Some((profile, rest)) => (Some(profile.to_string()), rest),
            None => (None, key.as_str()),
        };
        let Some((service, resource)) = rest.split_once('/') else {
            return Err(fail(
                "a threshold key is `[profile:]service/resource`, e.g. `vpc/securityGroupRule`"
                    .into(),
            ));
        };
        if service.is_empty() || resource.is_empty() || profile.as_deref() == Some("") {
            return Err(fail(
                "a threshold key is `[profile:]service/resource` with no empty part".into(),
            ));
        }
        for (name, pct) in [("warn", value.warn), ("crit", value.crit)] {
            if let Some(pct) = pct {
                check_percent(pct).map_err(|m| fail(format!("{name}: {m}")))?;
            }
        }
        if value.warn.is_none()
            && value.crit.is_none()
            && value.warn_left.is_none()
            && value.crit_left.is_none()
        {
            return Err(fail(
                "set at least one of warn, crit, warn_left, crit_left".into(),
            ));
        }
        rules.push(ThresholdRule {
            key: key.clone(),
            profile,
            service: service.to_string(),
            resource: resource.to_string(),
            warn: value.warn,
            crit: value.crit,
            warn_left: value.warn_left,
            crit_left: value.crit_left,
        });
    }
    Ok(rules)
}

/// Region ids go into host names: lower-case words and digits joined by `-`, e.g.
/// `cn-north-4`, `eu-west-101`, `cn-shanghai-finance-1`.
pub fn validate_region(region: &str) -> Result<(), String> {
    let ok = region.len() <= 40
        && region.split('-').count() >= 2
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && region.starts_with(|c: char| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} is not a region id (lower-case letters and digits joined by `-`, like cn-north-4)",
            quoted(region)
        ))
    }
}

/// Project ids go into URL paths: 32 hexadecimal characters, as Huawei Cloud and OTC issue them.
pub fn validate_project_id(project_id: &str) -> Result<(), String> {
    if project_id.len() == 32 && project_id.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!(
            "{} is not a project id (32 hexadecimal characters)",
            quoted(project_id)
        ))
    }
}

/// Shows user input safely in a message: quoted, control characters escaped, length capped.
pub fn quoted(value: &str) -> String {
    let shown: String = value.chars().take(64).collect();
    let mut out = format!("{shown:?}");
    if value.chars().count() > 64 {
        out.push_str("...");
    }
    out
}

/// `https://` anywhere, `http://` only to a loopback address (for local testing); no user info,
/// query or fragment; the path must be empty or `/`.
pub fn validate_endpoint(value: &str) -> Result<reqwest::Url, String> {
    let url =
        reqwest::Url::parse(value).map_err(|e| format!("{} is not a URL: {e}", quoted(value)))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "{} uses plain http; endpoints must be https:// (http:// is allowed only to 127.0.0.1, ::1 or localhost)",
                quoted(value)
            ));
        }
        other => {
            return Err(format!(
                "{} has scheme `{other}`; endpoints must be https://",
                quoted(value)
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{} has no host", quoted(value)));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{} must not carry a user name or password",
            quoted(value)
        ));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || (url.path() != "/" && !url.path().is_empty())
    {
        return Err(format!(
            "{} must be a bare origin like https://vpc.eu-de.otc.t-systems.com",
            quoted(value)
        ));
    }
    Ok(url)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn resolve_profile(
    name: &str,
    raw: &RawProfile,
    profile_location: Option<(usize, usize)>,
    text: &str,
    path: Option<&Path>,
    env: &dyn Env,
) -> Result<Profile, ConfigError> {
    let provider = match raw.provider.as_str() {
        "alibaba" => Provider::Alibaba,
        "huaweicloud" => Provider::Huaweicloud,
        "otc" => Provider::Otc,
        other => {
            let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
            let mut err = ConfigError::new(
                path,
                format!(
                    "profile `{name}`: provider {} is not one of alibaba, huaweicloud, otc",
                    quoted(other)
                ),
            )
            .at(locate(text, &["profiles", name, "provider"]).or(profile_location));
            if let Some(suggestion) = did_you_mean(other, &names) {
                err = err.hint(format!("did you mean `{suggestion}`?"));
            }
            return Err(err);
        }
    };
    let mut profile = Profile {
        name: name.to_string(),
        provider,
        regions: Vec::new(),
        services: provider.services().iter().map(|s| s.to_string()).collect(),
        services_explicit: false,
        project_id: None,
        endpoints: BTreeMap::new(),
        credentials: None,
        credential_sources: Vec::new(),
        problem: None,
        location: location_string(path, profile_location),
    };
    if let Err(problem) = fill_profile(&mut profile, raw, env) {
        profile.problem = Some(problem);
    }
    Ok(profile)
}

/// Fills in everything a profile needs; the first problem found makes the profile unusable.
fn fill_profile(
    profile: &mut Profile,
    raw: &RawProfile,
    env: &dyn Env,
) -> Result<(), ProfileProblem> {
    let problem = |key: &str, message: String| ProfileProblem {
        key: key.to_string(),
        message,
    };
    let expand_key = |key: &str, value: &str| -> Result<(String, Vec<String>), ProfileProblem> {
        expand(value, env).map_err(|e| problem(key, e.to_string()))
    };

    // Keys that belong to the other provider's profiles are a mistake worth naming.
    let (wrong_keys, right_hint): (&[(&str, bool)], &str) = match profile.provider {
        Provider::Alibaba => (
            &[
                ("access_key", raw.access_key.is_some()),
                ("secret_key", raw.secret_key.is_some()),
                ("project_id", raw.project_id.is_some()),
            ],
            "alibaba profiles use access_key_id, access_key_secret and security_token",
        ),
        Provider::Huaweicloud | Provider::Otc => (
            &[
                ("access_key_id", raw.access_key_id.is_some()),
                ("access_key_secret", raw.access_key_secret.is_some()),
            ],
            "huaweicloud and otc profiles use access_key, secret_key, security_token and project_id",
        ),
    };
    if let Some((key, _)) = wrong_keys.iter().find(|(_, present)| *present) {
        return Err(problem(
            key,
            format!("not a {} key; {right_hint}", profile.provider),
        ));
    }

    // Regions.
    let regions = match (&raw.region, &raw.regions) {
        (Some(_), Some(_)) => {
            return Err(problem(
                "regions",
                "set `region` or `regions`, not both".into(),
            ));
        }
        (Some(region), None) => vec![expand_key("region", region)?],
        (None, Some(regions)) => {
            let mut out = Vec::new();
            for region in regions {
                out.push(expand_key("regions", region)?);
            }
            out
        }
        (None, None) => Vec::new(),
    };
    if regions.is_empty() {
        return Err(problem(
            "region",
            "no region given; add `region: ...` or `regions: [...]`".into(),
        ));
    }
    for (region, names) in &regions {
        validate_region(region).map_err(|m| problem("region", conceal(m, region, names)))?;
    }
    profile.regions = dedup(regions.into_iter().map(|(region, _)| region).collect());

    // Services.
    if let Some(services) = &raw.services {
        let known = profile.provider.services();
        let mut chosen = Vec::new();
        for service in services {
            let (service, names) = expand_key("services", service)?;
            if !known.contains(&service.as_str()) {
                let hint = did_you_mean(&service, known)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                let message = format!(
                    "{} is not a {} service (known: {}){hint}",
                    quoted(&service),
                    profile.provider,
                    known.join(", ")
                );
                return Err(problem("services", conceal(message, &service, &names)));
            }
            chosen.push(service);
        }
        if chosen.is_empty() {
            return Err(problem(
                "services",
                "the list is empty; leave the key out to query every service".into(),
            ));
        }
        profile.services = dedup(chosen);
        profile.services_explicit = true;
    }

    // Endpoints.
    if let Some(endpoints) = &raw.endpoints {
        let mut allowed: Vec<&str> = profile.provider.services().to_vec();
        if profile.provider != Provider::Alibaba {
            allowed.push("iam");
        }
        for (service, value) in endpoints.iter() {
            let key = format!("endpoints.{service}");
            if !allowed.contains(&service.as_str()) {
                return Err(problem(
                    &key,
                    format!(
                        "not a service of {} (known: {})",
                        profile.provider,
                        allowed.join(", ")
                    ),
                ));
            }
            let (value, names) = expand_key(&key, value)?;
            let url =
                validate_endpoint(&value).map_err(|m| problem(&key, conceal(m, &value, &names)))?;
            profile.endpoints.insert(service.clone(), url);
        }
    }

    // Project id (Huawei Cloud / OTC only; looked up through IAM when absent).
    if let Some(project_id) = &raw.project_id {
        let (project_id, names) = expand_key("project_id", project_id)?;
        if !project_id.is_empty() {
            validate_project_id(&project_id)
                .map_err(|m| problem("project_id", conceal(m, &project_id, &names)))?;
            // A project belongs to one region; with several, each is looked up through IAM.
            if profile.regions.len() > 1 {
                return Err(problem(
                    "project_id",
                    "a project id belongs to one region; with several regions leave it out and \
                     headroom looks each one up through IAM"
                        .into(),
                ));
            }
            profile.project_id = Some(project_id);
        }
    }

    // Credentials.
    let (id_key, secret_key) = match profile.provider {
        Provider::Alibaba => ("access_key_id", "access_key_secret"),
        Provider::Huaweicloud | Provider::Otc => ("access_key", "secret_key"),
    };
    let (raw_id, raw_secret) = match profile.provider {
        Provider::Alibaba => (&raw.access_key_id, &raw.access_key_secret),
        Provider::Huaweicloud | Provider::Otc => (&raw.access_key, &raw.secret_key),
    };
    let mut read = |key: &str, raw: &Option<String>| -> Result<Option<String>, ProfileProblem> {
        let Some(raw) = raw else { return Ok(None) };
        let (value, names) = expand_key(key, raw)?;
        let source = if names.is_empty() {
            CredentialSource::Inline
        } else {
            CredentialSource::Env(names)
        };
        profile.credential_sources.push((key.to_string(), source));
        Ok(Some(value).filter(|v| !v.is_empty()))
    };
    let id = read(id_key, raw_id)?;
    let secret = read(secret_key, raw_secret)?;
    let token = read("security_token", &raw.security_token)?;
    let Some(id) = id else {
        return Err(problem(
            id_key,
            "no access key id; set it (e.g. from an environment variable with ${VAR})".into(),
        ));
    };
    let Some(secret) = secret else {
        return Err(problem(
            secret_key,
            "no secret; set it (e.g. from an environment variable with ${VAR})".into(),
        ));
    };
    validate_key_id(&id).map_err(|m| problem(id_key, m))?;
    profile.credentials = Some(Credentials {
        access_key_id: id,
        secret: Secret::new(secret),
        security_token: token.map(Secret::new),
    });
    Ok(())
}

/// A message about a value that came from `${VAR}`s names the variables instead of showing the
/// value: a mistaken reference (`region: ${HUAWEICLOUD_SDK_SK}`) must not print a secret.
fn conceal(message: String, value: &str, names: &[String]) -> String {
    if names.is_empty() || value.is_empty() {
        return message;
    }
    let names: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
    message.replace(
        &quoted(value),
        &format!("the value of {}", names.join(" and ")),
    )
}

/// Access key ids go into headers and queries: printable ASCII without spaces.
fn validate_key_id(id: &str) -> Result<(), String> {
    if id.len() <= 256 && id.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err("the access key id holds spaces or characters that are not printable ASCII".into())
    }
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Profiles from the environment

/// With no config file: `ALIBABA_CLOUD_*` gives a profile named `alibaba`, `HUAWEICLOUD_SDK_*`
/// one named `huaweicloud`. With neither, there is nothing to do and the user is told how to start.
pub fn from_environment(env: &dyn Env) -> Result<Config, ConfigError> {
    let mut profiles = Vec::new();
    let set = |name: &str| env.var(name).is_some_and(|v| !v.is_empty());
    if set("ALIBABA_CLOUD_ACCESS_KEY_ID") || set("ALIBABA_CLOUD_ACCESS_KEY_SECRET") {
        let raw = RawProfile {
            provider: "alibaba".into(),
            region: Some(
                if set("ALIBABA_CLOUD_REGION_ID") {
                    "${ALIBABA_CLOUD_REGION_ID}"
                } else {
                    ""
                }
                .into(),
            )
            .filter(|r: &String| !r.is_empty()),
            regions: None,
            access_key_id: Some("${ALIBABA_CLOUD_ACCESS_KEY_ID}".into()),
            access_key_secret: Some("${ALIBABA_CLOUD_ACCESS_KEY_SECRET}".into()),
            security_token: set("ALIBABA_CLOUD_SECURITY_TOKEN")
                .then(|| "${ALIBABA_CLOUD_SECURITY_TOKEN}".into()),
            access_key: None,
            secret_key: None,
            project_id: None,
            services: None,
            endpoints: None,
        };
        profiles.push(env_profile("alibaba", &raw, env, "ALIBABA_CLOUD_REGION_ID"));
    }
    if set("HUAWEICLOUD_SDK_AK") || set("HUAWEICLOUD_SDK_SK") {
        let raw = RawProfile {
            provider: "huaweicloud".into(),
            region: set("HUAWEICLOUD_SDK_REGION").then(|| "${HUAWEICLOUD_SDK_REGION}".into()),
            regions: None,
            access_key_id: None,
            access_key_secret: None,
            security_token: set("HUAWEICLOUD_SDK_SECURITY_TOKEN")
                .then(|| "${HUAWEICLOUD_SDK_SECURITY_TOKEN}".into()),
            access_key: Some("${HUAWEICLOUD_SDK_AK}".into()),
            secret_key: Some("${HUAWEICLOUD_SDK_SK}".into()),
            project_id: set("HUAWEICLOUD_SDK_PROJECT_ID")
                .then(|| "${HUAWEICLOUD_SDK_PROJECT_ID}".into()),
            services: None,
            endpoints: None,
        };
        profiles.push(env_profile(
            "huaweicloud",
            &raw,
            env,
            "HUAWEICLOUD_SDK_REGION",
        ));
    }
    if profiles.is_empty() {
        let path = default_config_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config path".into());
        return Err(ConfigError::new(
            None,
            "no profiles configured: no config file and no provider credentials in the environment",
        )
        .hint(format!(
            "run `headroom config init` to write a commented config to {path}, or set \
                 ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET or HUAWEICLOUD_SDK_AK/_SK; \
                 `headroom demo` shows the tool against a simulated cloud"
        )));
    }
    Ok(Config {
        origin: Origin::Environment,
        defaults: Defaults::default(),
        profiles,
        thresholds: Vec::new(),
        warnings: Vec::new(),
    })
}

fn env_profile(name: &str, raw: &RawProfile, env: &dyn Env, region_var: &str) -> Profile {
    let provider = if raw.provider == "alibaba" {
        Provider::Alibaba
    } else {
        Provider::Huaweicloud
    };
    let mut profile = Profile {
        name: name.to_string(),
        provider,
        regions: Vec::new(),
        services: provider.services().iter().map(|s| s.to_string()).collect(),
        services_explicit: false,
        project_id: None,
        endpoints: BTreeMap::new(),
        credentials: None,
        credential_sources: Vec::new(),
        problem: None,
        location: Some("environment".to_string()),
    };
    if let Err(mut problem) = fill_profile(&mut profile, raw, env) {
        if problem.key == "region" && raw.region.is_none() {
            problem.message = format!("no region; set {region_var}");
        }
        profile.problem = Some(problem);
    }
    profile
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const GOOD: &str = "\
defaults:
  warn: 70
  timeout: 2s
profiles:
  ali:
    provider: alibaba
    regions: [cn-shanghai, cn-hongkong]
    access_key_id: ${ALI_ID}
    access_key_secret: ${ALI_SECRET}
  hw:
    provider: huaweicloud
    region: cn-north-4
    project_id: 0123456789abcdef0123456789abcdef
    access_key: AKINLINE0001
    secret_key: inline-secret
    services: [vpc]
    endpoints:
      vpc: http://127.0.0.1:8080
thresholds:
  \"vpc/securityGroupRule\": { warn: 60, crit: 90 }
  \"hw:vpc/*\": { warn: 50 }
  \"smartag/ccn\": { warn_left: 2, crit_left: 1 }
";

    #[test]
    fn parses_a_full_config() {
        let config = parse(
            GOOD,
            Some(Path::new("c.yaml")),
            &env(&[("ALI_ID", "LTAIabc"), ("ALI_SECRET", "s")]),
        )
        .unwrap();
        assert_eq!(config.defaults.warn, 70.0);
        assert_eq!(config.defaults.crit, 95.0);
        assert_eq!(config.defaults.timeout, Duration::from_secs(2));
        let ali = &config.profiles[0];
        assert_eq!(ali.regions, vec!["cn-shanghai", "cn-hongkong"]);
        assert!(ali.problem.is_none());
        assert_eq!(
            ali.credential_sources[0].1,
            CredentialSource::Env(vec!["ALI_ID".into()])
        );
        let hw = &config.profiles[1];
        assert_eq!(hw.services, vec!["vpc"]);
        assert!(hw.services_explicit);
        assert_eq!(hw.credential_sources[1].1, CredentialSource::Inline);
        assert_eq!(hw.endpoints["vpc"].as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn most_specific_threshold_wins() {
        let config = parse(GOOD, None, &env(&[("ALI_ID", "a"), ("ALI_SECRET", "s")])).unwrap();
        // `hw:vpc/*` (profile-qualified) beats `vpc/securityGroupRule`.
        let t = config.thresholds_for("hw", "vpc", "securityGroupRule");
        assert_eq!((t.warn, t.crit), (50.0, 95.0));
        let t = config.thresholds_for("other", "vpc", "securityGroupRule");
        assert_eq!((t.warn, t.crit), (60.0, 90.0));
        let t = config.thresholds_for("ali", "smartag", "ccn");
        assert_eq!(
            (t.warn, t.crit, t.warn_left, t.crit_left),
            (70.0, 95.0, Some(2), Some(1))
        );
        let t = config.thresholds_for("ali", "vpc", "subnet");
        assert_eq!((t.warn, t.crit), (70.0, 95.0));
    }

    #[test]
    fn unset_variable_names_profile_key_and_variable() {
        let config = parse(GOOD, None, &env(&[("ALI_ID", "a")])).unwrap();
        let problem = config.profiles[0].problem.as_ref().unwrap();
        assert_eq!(problem.key, "access_key_secret");
        assert_eq!(
            problem.message,
            "environment variable ALI_SECRET is not set"
        );
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let text = "profiles:\n  hw:\n    provider: otc\n    regoin: eu-de\n";
        let err = parse(text, Some(Path::new("c.yaml")), &env(&[])).unwrap_err();
        assert_eq!(err.location, Some((4, 5)));
        assert!(
            err.message.contains("unknown field `regoin`"),
            "{}",
            err.message
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `region`?"));
        assert!(err.to_string().starts_with("c.yaml:4:5: "));
    }

    #[test]
    fn empty_and_non_yaml_files_are_errors() {
        assert!(parse("", None, &env(&[])).is_err());
        assert!(parse("# only a comment\n", None, &env(&[])).is_err());
        let err = parse("profiles: [\n", None, &env(&[])).unwrap_err();
        assert!(err.location.is_some());
        let err = parse(
            "profiles:\n  a:\n    provider: alibaba\n    regions: cn-shanghai\n",
            None,
            &env(&[]),
        )
        .unwrap_err();
        assert!(err.message.contains("invalid type"), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse(
            "profiles:\n  a:\n    provider: otc\n  a:\n    provider: otc\n",
            None,
            &env(&[]),
        )
        .unwrap_err();
        assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
        assert!(err.location.is_some());
        let err = parse(
            "profiles:\n  a:\n    provider: otc\n    provider: otc\n",
            None,
            &env(&[]),
        )
        .unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }

    #[test]
    fn duplicates_are_located_at_the_second_key() {
        let at = |text: &str| parse(text, None, &env(&[])).unwrap_err().location;
        assert_eq!(
            at(
                "profiles:\n  a:\n    provider: otc\n  b:\n    provider: otc\n  a:\n    provider: otc\n"
            ),
            Some((6, 3))
        );
        assert_eq!(
            at("profiles:\n  a:\n    provider: otc\n    region: eu-de\n    region: eu-nl\n"),
            Some((5, 5))
        );
        assert_eq!(
            at("defaults:\n  warn: 1\nprofiles:\n  a:\n    provider: otc\ndefaults:\n  warn: 2\n"),
            Some((6, 1))
        );
        // A flow mapping keeps the parser's own location.
        assert!(at("profiles: {a: {provider: otc}, a: {provider: otc}}\n").is_some());
    }

    #[test]
    fn oversized_and_endless_files_are_refused_where_they_pass_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.yaml");
        let line = "# ".to_string() + &"x".repeat(98) + "\n"; // 101 bytes
        std::fs::write(&path, line.repeat(11_000)).unwrap();
        let err = load(Some(&path), &env(&[])).unwrap_err();
        assert!(err.message.contains("1 MiB"), "{}", err.message);
        // Byte 1 048 576 is on line 10 382 (10 381 full lines of 101 bytes before it).
        assert_eq!(err.location, Some((10_382, 1_048_576 - 10_381 * 101 + 1)));
        #[cfg(unix)]
        {
            let err = load(Some(Path::new("/dev/zero")), &env(&[])).unwrap_err();
            assert!(err.message.contains("1 MiB"), "{}", err.message);
            assert_eq!(err.location, Some((1, 1_048_577)));
        }
    }

    #[test]
    fn non_utf8_files_are_located_at_the_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.yaml");
        std::fs::write(&path, b"profiles:\n  a:\n    region: eu-\xe9\n").unwrap();
        let err = load(Some(&path), &env(&[])).unwrap_err();
        assert!(err.message.contains("UTF-8"), "{}", err.message);
        assert_eq!(err.location, Some((3, 16)));
    }

    #[test]
    fn bad_values_from_variables_are_not_shown() {
        let secret = "NotARegionButASecret0123456789";
        let env = env(&[("SK", secret), ("P", "0123")]);
        let config = parse(
            "profiles:\n  a:\n    provider: otc\n    region: ${SK}\n  b:\n    provider: otc\n    region: eu-de\n    services: [\"${SK}\"]\n  c:\n    provider: otc\n    region: eu-de\n    endpoints: {vpc: \"http://${SK}\"}\n  d:\n    provider: otc\n    region: eu-de\n    project_id: x${P}\n",
            None,
            &env,
        )
        .unwrap();
        for profile in &config.profiles {
            let problem = profile.problem.as_ref().unwrap().to_string();
            assert!(!problem.contains("Secret0123"), "{problem}");
            assert!(!problem.contains("x0123"), "{problem}");
            assert!(problem.contains("the value of $"), "{problem}");
        }
        let err = parse(
            "defaults:\n  timeout: ${SK}\nprofiles:\n  a:\n    provider: otc\n",
            None,
            &env,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("Secret0123"), "{err}");
        assert!(err.to_string().contains("the value of ${SK}"), "{err}");
        // A literal value is still shown, as the user typed it.
        let config = parse(
            "profiles:\n  a:\n    provider: otc\n    region: evil.example\n",
            None,
            &env,
        )
        .unwrap();
        let problem = config.profiles[0].problem.as_ref().unwrap().to_string();
        assert!(problem.contains("\"evil.example\""), "{problem}");
    }

    #[test]
    fn unknown_provider_suggests() {
        let err = parse(
            "profiles:\n  a:\n    provider: huawei\n",
            Some(Path::new("c")),
            &env(&[]),
        )
        .unwrap_err();
        assert_eq!(err.location, Some((3, 5)));
        assert!(err.message.contains("profile `a`"));
    }

    #[test]
    fn hostile_regions_and_project_ids_are_refused() {
        for region in [
            "eu-de/..",
            "..",
            "eu-de@evil.example",
            "evil.example",
            "eu de",
            "eu-dé",
            "eu-de:443",
            "EU-DE",
            "eu",
        ] {
            assert!(validate_region(region).is_err(), "{region}");
        }
        for region in [
            "eu-de",
            "cn-north-4",
            "eu-west-101",
            "cn-shanghai-finance-1",
            "ap-southeast-1",
        ] {
            assert!(validate_region(region).is_ok(), "{region}");
        }
        for id in [
            "../0123456789abcdef0123456789abc",
            "0123456789abcdef0123456789abcdeg",
            "abc",
            "0123456789abcdef0123456789abcdef/",
        ] {
            assert!(validate_project_id(id).is_err(), "{id}");
        }
        assert!(validate_project_id("0123456789abcdef0123456789abcdef").is_ok());
    }

    #[test]
    fn endpoints_must_be_https_or_loopback_http() {
        assert!(validate_endpoint("https://vpc.eu-de.otc.t-systems.com").is_ok());
        assert!(validate_endpoint("http://127.0.0.1:9000").is_ok());
        assert!(validate_endpoint("http://[::1]:9000").is_ok());
        assert!(validate_endpoint("http://localhost:9000").is_ok());
        assert!(validate_endpoint("http://evil.example").is_err());
        assert!(validate_endpoint("http://127.0.0.1.evil.example").is_err());
        assert!(validate_endpoint("https://user:pw@vpc.example").is_err());
        assert!(validate_endpoint("https://vpc.example/prefix").is_err());
        assert!(validate_endpoint("ftp://vpc.example").is_err());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("vpn_*", "vpn_gateway"));
        assert!(wildcard_match("*Group*", "securityGroupRule"));
        assert!(!wildcard_match("vpn_*", "vpc"));
        assert!(wildcard_match("a*b*c", "aXbYc"));
        assert!(!wildcard_match("a*b*c", "aXbY"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        for bad in ["", "10", "1.5s", "0s", "2h", "-1s", "s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn environment_profiles() {
        let config = from_environment(&env(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIx"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
            ("ALIBABA_CLOUD_REGION_ID", "cn-shanghai"),
            ("HUAWEICLOUD_SDK_AK", "AK"),
            ("HUAWEICLOUD_SDK_SK", "SK"),
        ]))
        .unwrap();
        assert_eq!(config.profiles.len(), 2);
        assert_eq!(config.profiles[0].name, "alibaba");
        assert!(config.profiles[0].problem.is_none());
        let hw = &config.profiles[1];
        assert_eq!(
            hw.problem.as_ref().unwrap().message,
            "no region; set HUAWEICLOUD_SDK_REGION"
        );
        assert!(from_environment(&env(&[])).is_err());
    }

    #[test]
    fn locate_children_agrees_with_locate() {
        let found = locate_children(GOOD, "profiles");
        assert!(!found.is_empty());
        for (key, at) in &found {
            assert_eq!(locate(GOOD, &["profiles", key]), Some(*at), "{key}");
        }
        assert_eq!(found.get("hw").copied(), locate(GOOD, &["profiles", "hw"]));
        assert!(locate_children("defaults: {}\n", "profiles").is_empty());
    }

    #[test]
    fn locate_finds_nested_keys() {
        assert_eq!(
            locate(GOOD, &["profiles", "hw", "project_id"]),
            Some((13, 5))
        );
        assert_eq!(locate(GOOD, &["defaults", "timeout"]), Some((3, 3)));
        assert_eq!(locate(GOOD, &["profiles", "nope"]), None);
    }

    #[test]
    fn expansion() {
        let e = env(&[("A", "1"), ("B", "2")]);
        assert_eq!(
            expand("x${A}y${B}$z", &e),
            Ok(("x1y2$z".into(), vec!["A".into(), "B".into()]))
        );
        assert_eq!(expand("${C}", &e), Err(ExpandError::Unset("C".into())));
        assert_eq!(expand("${A", &e), Err(ExpandError::Unterminated));
        assert_eq!(
            expand("${A B}", &e),
            Err(ExpandError::BadName("A B".into()))
        );
    }
}
