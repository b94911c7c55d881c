//! Config text to profiles: YAML with unknown and duplicate keys refused, `${VAR}` expansion,
//! and every value checked, with the problem located and named.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::locate::{locate, locate_children, locate_duplicate, location_string};
use super::validate::*;
use super::*;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) defaults: Option<RawDefaults>,
    #[serde(default)]
    pub(super) profiles: UniqueMap<RawProfile>,
    #[serde(default)]
    pub(super) thresholds: UniqueMap<RawThreshold>,
    /// Many accounts reached from one source profile, one profile per account.
    #[serde(default)]
    pub(super) fleets: UniqueMap<super::assume::RawFleet>,
    #[serde(default)]
    pub(super) serve: Option<RawServe>,
    #[serde(default)]
    pub(super) history: Option<RawHistory>,
}

/// The `serve:` section: settings of `headroom serve` only.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServe {
    pub(super) min_interval: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHistory {
    pub(super) enabled: Option<bool>,
    pub(super) path: Option<String>,
    pub(super) keep: Option<String>,
}

/// A mapping that refuses a key given twice (YAML parsers keep the last one silently, which
/// would hide a profile).
#[derive(Clone)]
pub(super) struct UniqueMap<V>(BTreeMap<String, V>);

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
pub(super) struct RawDefaults {
    pub(super) warn: Option<f64>,
    pub(super) crit: Option<f64>,
    pub(super) timeout: Option<String>,
    pub(super) retries: Option<u32>,
    pub(super) concurrency: Option<usize>,
    pub(super) forecast_window: Option<String>,
    pub(super) warn_days: Option<f64>,
    pub(super) crit_days: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProfile {
    pub(super) provider: String,
    pub(super) region: Option<String>,
    pub(super) regions: Option<Vec<String>>,
    pub(super) access_key_id: Option<String>,
    pub(super) access_key_secret: Option<String>,
    pub(super) security_token: Option<String>,
    pub(super) access_key: Option<String>,
    pub(super) secret_key: Option<String>,
    pub(super) project_id: Option<String>,
    /// `{region: id}`, for several regions.
    pub(super) project_ids: Option<UniqueMap<String>>,
    /// Huawei Cloud / OTC: the account id, for the IAM calls this profile's keys sign.
    pub(super) domain_id: Option<String>,
    pub(super) services: Option<Vec<String>>,
    pub(super) endpoints: Option<UniqueMap<String>>,
    pub(super) source_profile: Option<String>,
    pub(super) role_arn: Option<String>,
    pub(super) role_session_name: Option<String>,
    pub(super) external_id: Option<String>,
    pub(super) duration: Option<String>,
    pub(super) agency: Option<super::assume::RawAgency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThreshold {
    pub(super) warn: Option<f64>,
    pub(super) crit: Option<f64>,
    pub(super) warn_left: Option<u64>,
    pub(super) crit_left: Option<u64>,
    pub(super) warn_days: Option<f64>,
    pub(super) crit_days: Option<f64>,
}

/// Every key the file may hold, for "did you mean".
pub(super) const KNOWN_KEYS: &[&str] = &[
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
    "serve",
    "min_interval",
    "fleets",
    "project_ids",
    "domain_id",
    "source_profile",
    "role_arn",
    "role_session_name",
    "external_id",
    "duration",
    "agency",
    "domain_name",
    "name",
    "accounts",
    "warn_days",
    "crit_days",
    "forecast_window",
    "history",
    "enabled",
    "path",
    "keep",
];

/// Every key the file may hold, for "did you mean": the fixed keys and every endpoint key.
fn known_keys() -> Vec<&'static str> {
    let mut keys = KNOWN_KEYS.to_vec();
    keys.extend(crate::sources::all_endpoint_keys());
    keys
}

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
    let fleet_locations = locate_children(text, "fleets");
    for (fleet, raw_fleet) in raw.fleets.iter() {
        let location = fleet_locations.get(fleet.as_str()).copied();
        for profile in expand_fleet(fleet, raw_fleet, location, text, path, env)? {
            if profiles.iter().any(|p: &Profile| p.name == profile.name) {
                return Err(ConfigError::new(
                    path,
                    format!(
                        "fleet `{fleet}`: account `{}` would be a second profile of that name; \
                         profile names are unique across `profiles` and every fleet",
                        profile.name
                    ),
                )
                .at(locate(text, &["fleets", fleet, "accounts", &profile.name]).or(location)));
            }
            profiles.push(profile);
        }
    }
    let place = |profile: &Profile, key: &str, message: String| {
        let (section, name) = match profile.fleet.as_deref() {
            Some(fleet) => ("fleets", fleet),
            None => ("profiles", profile.name.as_str()),
        };
        let location =
            locate(text, &[section, name, key]).or_else(|| locate(text, &[section, name]));
        ConfigError::new(path, format!("profile `{}`: {message}", profile.name)).at(location)
    };
    super::assume::check_chains(&profiles, &place)?;
    let thresholds = resolve_thresholds(&raw.thresholds, &profiles, text, path)?;
    let serve = resolve_serve(raw.serve.unwrap_or_default(), text, path, env)?;
    let history = resolve_history(raw.history.unwrap_or_default(), text, path, env)?;
    Ok(Config {
        origin: path.map_or(Origin::Environment, |p| Origin::File(p.to_path_buf())),
        defaults,
        profiles,
        thresholds,
        serve,
        history,
        warnings: Vec::new(),
    })
}

/// Turns a YAML/serde error into a located message with a "did you mean" where one fits.
pub(super) fn yaml_error(
    error: &serde_yaml::Error,
    text: &str,
    path: Option<&Path>,
) -> ConfigError {
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
        if let Some(suggestion) = did_you_mean(field, &known_keys()) {
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

/// Edits between `a` and `b`, where swapping two neighbours counts as one (`vcp` is one from
/// `vpc`): the optimal string alignment distance.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
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

pub(super) fn resolve_defaults(
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
    if let Some(window) = raw.forecast_window {
        let (window, names) =
            expand(&window, env).map_err(|e| fail("forecast_window", e.to_string()))?;
        defaults.forecast_window = parse_period(&window)
            .map_err(|m| fail("forecast_window", conceal_period(m, &window, &names)))?;
    }
    if let Some(days) = raw.warn_days {
        defaults.warn_days = Some(check_days(days).map_err(|m| fail("warn_days", m))?);
    }
    if let Some(days) = raw.crit_days {
        defaults.crit_days = Some(check_days(days).map_err(|m| fail("crit_days", m))?);
    }
    Ok(defaults)
}

/// The `serve:` section, with the documented defaults filled in.
pub(super) fn resolve_serve(
    raw: RawServe,
    text: &str,
    path: Option<&Path>,
    env: &dyn Env,
) -> Result<ServeSettings, ConfigError> {
    let mut serve = ServeSettings::default();
    let fail = |key: &str, message: String| {
        ConfigError::new(path, format!("serve.{key}: {message}")).at(locate(text, &["serve", key]))
    };
    if let Some(interval) = raw.min_interval {
        let (interval, names) =
            expand(&interval, env).map_err(|e| fail("min_interval", e.to_string()))?;
        serve.min_interval = parse_min_interval(&interval).map_err(|m| {
            let m = if names.is_empty() {
                m
            } else {
                conceal(
                    m.replace(&format!("`{}`", interval.trim()), &quoted(&interval)),
                    &interval,
                    &names,
                )
            };
            fail("min_interval", m)
        })?;
    }
    Ok(serve)
}

/// A period's message quotes the value; one that came from a variable names it instead.
fn conceal_period(message: String, value: &str, names: &[String]) -> String {
    if names.is_empty() {
        return message;
    }
    conceal(
        message.replace(&format!("`{}`", value.trim()), &quoted(value)),
        value,
        names,
    )
}

/// The `history:` section. A relative `path` is taken from the config file's folder, so the
/// store does not move with the directory cron or a shell happens to run in; `~/` is the home.
pub(super) fn resolve_history(
    raw: RawHistory,
    text: &str,
    path: Option<&Path>,
    env: &dyn Env,
) -> Result<HistorySettings, ConfigError> {
    let mut history = HistorySettings::default();
    let fail = |key: &str, message: String| {
        ConfigError::new(path, format!("history.{key}: {message}"))
            .at(locate(text, &["history", key]))
    };
    if let Some(enabled) = raw.enabled {
        history.enabled = enabled;
    }
    if let Some(keep) = raw.keep {
        let (keep, names) = expand(&keep, env).map_err(|e| fail("keep", e.to_string()))?;
        history.keep =
            parse_period(&keep).map_err(|m| fail("keep", conceal_period(m, &keep, &names)))?;
    }
    if let Some(store) = raw.path {
        let (store, _) = expand(&store, env).map_err(|e| fail("path", e.to_string()))?;
        if store.trim().is_empty() {
            return Err(fail(
                "path",
                "is empty; leave the key out for the default place, or set `enabled: false`".into(),
            ));
        }
        history.path = Some(resolve_store_path(&store, path));
    }
    Ok(history)
}

fn resolve_store_path(store: &str, config: Option<&Path>) -> std::path::PathBuf {
    if let Some(rest) = store.strip_prefix("~/")
        && let Some(home) = dirs::home_dir()
    {
        return home.join(rest);
    }
    let store = Path::new(store);
    match config.and_then(Path::parent) {
        Some(folder) if store.is_relative() => folder.join(store),
        _ => store.to_path_buf(),
    }
}

/// The `thresholds:` rules. A key whose profile or service part names nothing headroom
/// queries is an error, not a rule that silently never fires.
pub(super) fn resolve_thresholds(
    raw: &BTreeMap<String, RawThreshold>,
    profiles: &[Profile],
    text: &str,
    path: Option<&Path>,
) -> Result<Vec<ThresholdRule>, ConfigError> {
    let profile_names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    let mut services: Vec<&str> = crate::sources::all_services();
    for service in profiles.iter().flat_map(|p| &p.services) {
        if !services.contains(&service.as_str()) {
            services.push(service);
        }
    }
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
        if let Some(profile) = &profile {
            names_something(profile, &profile_names).map_err(|hint| {
                fail(format!(
                    "no profile is named {} (profiles: {}){hint}",
                    quoted(profile),
                    profile_names.join(", ")
                ))
            })?;
        }
        names_something(service, &services).map_err(|hint| {
            fail(format!(
                "{} is not a service headroom queries (known: {}){hint}",
                quoted(service),
                services.join(", ")
            ))
        })?;
        for (name, pct) in [("warn", value.warn), ("crit", value.crit)] {
            if let Some(pct) = pct {
                check_percent(pct).map_err(|m| fail(format!("{name}: {m}")))?;
            }
        }
        for (name, days) in [
            ("warn_days", value.warn_days),
            ("crit_days", value.crit_days),
        ] {
            if let Some(days) = days {
                check_days(days).map_err(|m| fail(format!("{name}: {m}")))?;
            }
        }
        if value.warn.is_none()
            && value.crit.is_none()
            && value.warn_left.is_none()
            && value.crit_left.is_none()
            && value.warn_days.is_none()
            && value.crit_days.is_none()
        {
            return Err(fail(
                "set at least one of warn, crit, warn_left, crit_left, warn_days, crit_days".into(),
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
            warn_days: value.warn_days,
            crit_days: value.crit_days,
        });
    }
    Ok(rules)
}

/// Whether `pattern` (with `*` wildcards) matches one of `names`; if not, a "did you mean".
fn names_something(pattern: &str, names: &[&str]) -> Result<(), String> {
    if names
        .iter()
        .any(|name| super::wildcard_match(pattern, name))
    {
        return Ok(());
    }
    Err(did_you_mean(pattern, names)
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default())
}

pub(super) fn resolve_profile(
    name: &str,
    raw: &RawProfile,
    profile_location: Option<(usize, usize)>,
    text: &str,
    path: Option<&Path>,
    env: &dyn Env,
) -> Result<Profile, ConfigError> {
    // `${VAR}` works in any string value, the provider too; without a provider there is no
    // profile to mark unusable, so an unset variable here stops the run.
    let (provider_name, variables) = expand(&raw.provider, env).map_err(|e| {
        ConfigError::new(path, format!("profile `{name}`: key `provider`: {e}")).at(locate(
            text,
            &["profiles", name, "provider"],
        )
        .or(profile_location))
    })?;
    let provider =
        match provider_name.as_str() {
            "alibaba" => Provider::Alibaba,
            "huaweicloud" => Provider::Huaweicloud,
            "otc" => Provider::Otc,
            other => {
                let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
                let message = format!(
                    "profile `{name}`: provider {} is not one of alibaba, huaweicloud, otc",
                    quoted(other)
                );
                let mut err = ConfigError::new(path, conceal(message, other, &variables))
                    .at(locate(text, &["profiles", name, "provider"]).or(profile_location));
                if let Some(suggestion) = did_you_mean(other, &names) {
                    err = err.hint(format!("did you mean `{suggestion}`?"));
                }
                return Err(err);
            }
        };
    let mut profile = Profile::new(name, provider, location_string(path, profile_location));
    let place = super::assume::Place {
        text,
        path,
        section: ["profiles", name],
        fallback: profile_location,
    };
    profile.assume = super::assume::resolve(
        provider,
        &super::assume::AssumeKeys::of_profile(raw),
        None,
        &place,
        env,
    )?;
    if profile.assume.is_some() {
        // Keys next to a source would leave it unclear which credentials are used.
        if let Some(key) = super::assume::first_present(&[
            ("access_key_id", raw.access_key_id.is_some()),
            ("access_key_secret", raw.access_key_secret.is_some()),
            ("access_key", raw.access_key.is_some()),
            ("secret_key", raw.secret_key.is_some()),
            ("security_token", raw.security_token.is_some()),
        ]) {
            return Err(place.error(
                key,
                format!(
                    "a profile with `source_profile` gets its credentials from that profile; \
                     remove `{key}`"
                ),
            ));
        }
    }
    if let Some(ids) = &raw.project_ids {
        if raw.project_id.is_some() {
            return Err(place.error(
                "project_ids",
                "set `project_id` or `project_ids`, not both".into(),
            ));
        }
        profile.project_ids = super::assume::project_ids(ids, "project_ids", &place, env)?;
    }
    if let Err(problem) = fill_profile(&mut profile, raw, env) {
        profile.problem = Some(problem);
    }
    Ok(profile)
}

/// One profile per account of a `fleets:` entry, named by the account's key.
fn expand_fleet(
    fleet: &str,
    raw: &super::assume::RawFleet,
    location: Option<(usize, usize)>,
    text: &str,
    path: Option<&Path>,
    env: &dyn Env,
) -> Result<Vec<Profile>, ConfigError> {
    let place = super::assume::Place {
        text,
        path,
        section: ["fleets", fleet],
        fallback: location,
    };
    let (provider_name, _) =
        expand(&raw.provider, env).map_err(|e| place.error("provider", e.to_string()))?;
    let provider = Provider::ALL
        .into_iter()
        .find(|p| p.as_str() == provider_name)
        .ok_or_else(|| {
            place.error(
                "provider",
                format!(
                    "provider {} is not one of alibaba, huaweicloud, otc",
                    quoted(&provider_name)
                ),
            )
        })?;
    if raw.source_profile.is_none() {
        return Err(place.error(
            "source_profile",
            "a fleet needs `source_profile`: the profile whose credentials reach its accounts"
                .into(),
        ));
    }
    if raw.accounts.is_empty() {
        return Err(place.error(
            "accounts",
            "`accounts` is empty; list `profile-name: account` pairs".into(),
        ));
    }
    if let Some(stray) = raw
        .project_ids
        .keys()
        .find(|key| !raw.accounts.contains_key(*key))
    {
        return Err(place.error(
            "project_ids",
            format!("{} is not an account of this fleet", quoted(stray)),
        ));
    }
    let keys = super::assume::AssumeKeys {
        source_profile: &raw.source_profile,
        role_arn: &raw.role_arn,
        role_session_name: &raw.role_session_name,
        external_id: &raw.external_id,
        duration: &raw.duration,
        agency: &raw.agency,
    };
    let as_profile = RawProfile {
        provider: raw.provider.clone(),
        region: raw.region.clone(),
        regions: raw.regions.clone(),
        services: raw.services.clone(),
        endpoints: raw.endpoints.clone(),
        source_profile: raw.source_profile.clone(),
        ..RawProfile::default()
    };
    let mut profiles = Vec::with_capacity(raw.accounts.len());
    for (name, account) in raw.accounts.iter() {
        let (account, _) =
            expand(account, env).map_err(|e| place.error("accounts", e.to_string()))?;
        let mut profile = Profile::new(name, provider, location_string(path, location));
        profile.fleet = Some(fleet.to_string());
        profile.assume = super::assume::resolve(provider, &keys, Some(&account), &place, env)?;
        if let Some(ids) = raw.project_ids.get(name) {
            profile.project_ids = super::assume::project_ids(ids, "project_ids", &place, env)?;
        }
        if let Err(problem) = fill_profile(&mut profile, &as_profile, env) {
            profile.problem = Some(problem);
        }
        profiles.push(profile);
    }
    Ok(profiles)
}

/// Fills in everything a profile needs; the first problem found makes the profile unusable.
pub(super) fn fill_profile(
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
                ("project_ids", raw.project_ids.is_some()),
                ("domain_id", raw.domain_id.is_some()),
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
        let known = crate::sources::default_services(profile.provider);
        let mut chosen = Vec::new();
        for service in services {
            let (service, names) = expand_key("services", service)?;
            if crate::sources::Source::for_service(profile.provider, &service).is_none() {
                let hint = did_you_mean(&service, &known)
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
        // An empty list is a profile that only serves as the source of others.
        profile.services = dedup(chosen);
        profile.services_explicit = true;
    }

    // Endpoints.
    if let Some(endpoints) = &raw.endpoints {
        let allowed = crate::sources::endpoint_keys(profile.provider);
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
            profile
                .project_ids
                .insert(profile.regions[0].clone(), project_id);
        }
    }

    // The account id, for IAM calls signed with this profile's keys.
    if let Some(domain_id) = &raw.domain_id {
        let (domain_id, names) = expand_key("domain_id", domain_id)?;
        validate_project_id(&domain_id).map_err(|m| {
            problem(
                "domain_id",
                conceal(
                    m.replace("project id", "account (domain) id"),
                    &domain_id,
                    &names,
                ),
            )
        })?;
        profile.domain_id = Some(domain_id);
    }

    // A profile with a source gets its credentials from it when it is first queried.
    if raw.source_profile.is_some() {
        return Ok(());
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

pub(super) fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}
