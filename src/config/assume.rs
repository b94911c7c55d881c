//! Profiles whose credentials come from another profile: an Alibaba RAM role assumed through
//! STS, or a Huawei Cloud / OTC agency; chains of them; and `fleets:`, which expand to one such
//! profile per account.
//!
//! Every mistake here is structural (a cycle, an unknown source, a source of another provider,
//! keys beside a source, a bad role ARN, a name used twice), so it stops the run with the file,
//! line and column before any request, rather than failing one profile's queries.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::locate::locate;
use super::parse::{RawProfile, UniqueMap, expand};
use super::validate::{parse_duration, quoted, validate_project_id};
use super::{Assume, AssumeTarget, ConfigError, Env, Profile};
use crate::quota::Provider;

/// Hops from a profile to the one with long-term keys, at most.
pub const MAX_HOPS: usize = 5;
/// The shortest session both clouds allow: temporary credentials live no longer than needed.
const DEFAULT_DURATION: Duration = Duration::from_secs(15 * 60);
const DEFAULT_SESSION_NAME: &str = "headroom";

/// `agency: {domain_name | domain_id, name}`.
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAgency {
    pub(super) domain_name: Option<String>,
    pub(super) domain_id: Option<String>,
    pub(super) name: Option<String>,
}

/// One `fleets:` entry: the keys of an assumed profile, and the accounts it expands to.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFleet {
    pub(super) provider: String,
    pub(super) region: Option<String>,
    pub(super) regions: Option<Vec<String>>,
    pub(super) source_profile: Option<String>,
    pub(super) role_arn: Option<String>,
    pub(super) role_session_name: Option<String>,
    pub(super) external_id: Option<String>,
    pub(super) duration: Option<String>,
    pub(super) agency: Option<RawAgency>,
    pub(super) services: Option<Vec<String>>,
    pub(super) endpoints: Option<UniqueMap<String>>,
    /// Profile name: account (an Alibaba account id, or a Huawei/OTC domain name or id).
    pub(super) accounts: UniqueMap<String>,
    /// Account key: {region: project id}.
    #[serde(default)]
    pub(super) project_ids: UniqueMap<UniqueMap<String>>,
}

/// Where a profile's keys are written, for located errors.
pub(super) struct Place<'a> {
    pub(super) text: &'a str,
    pub(super) path: Option<&'a Path>,
    /// `["profiles", name]` or `["fleets", name]`.
    pub(super) section: [&'a str; 2],
    pub(super) fallback: Option<(usize, usize)>,
}

impl Place<'_> {
    pub(super) fn error(&self, key: &str, message: String) -> ConfigError {
        let [section, name] = self.section;
        let what = if section == "fleets" {
            "fleet"
        } else {
            "profile"
        };
        let location = locate(self.text, &[section, name, key]).or(self.fallback);
        ConfigError::new(self.path, format!("{what} `{name}`: {message}")).at(location)
    }
}

/// The assume keys of a profile or a fleet, before `{account}` is filled in.
pub(super) struct AssumeKeys<'a> {
    pub(super) source_profile: &'a Option<String>,
    pub(super) role_arn: &'a Option<String>,
    pub(super) role_session_name: &'a Option<String>,
    pub(super) external_id: &'a Option<String>,
    pub(super) duration: &'a Option<String>,
    pub(super) agency: &'a Option<RawAgency>,
}

impl<'a> AssumeKeys<'a> {
    pub(super) fn of_profile(raw: &'a RawProfile) -> AssumeKeys<'a> {
        AssumeKeys {
            source_profile: &raw.source_profile,
            role_arn: &raw.role_arn,
            role_session_name: &raw.role_session_name,
            external_id: &raw.external_id,
            duration: &raw.duration,
            agency: &raw.agency,
        }
    }
}

/// The profile's `Assume`, or `None` when it has keys of its own. `account` fills `{account}`.
pub(super) fn resolve(
    provider: Provider,
    keys: &AssumeKeys<'_>,
    account: Option<&str>,
    place: &Place<'_>,
    env: &dyn Env,
) -> Result<Option<Assume>, ConfigError> {
    let expand_key = |key: &str, value: &str| -> Result<String, ConfigError> {
        let (value, _) = expand(value, env).map_err(|e| place.error(key, e.to_string()))?;
        Ok(match account {
            Some(account) => value.replace("{account}", account),
            None => value,
        })
    };
    let Some(source) = keys.source_profile else {
        if let Some(key) = first_present(&[
            ("role_arn", keys.role_arn.is_some()),
            ("agency", keys.agency.is_some()),
            ("role_session_name", keys.role_session_name.is_some()),
            ("external_id", keys.external_id.is_some()),
            ("duration", keys.duration.is_some()),
        ]) {
            return Err(place.error(
                key,
                format!("`{key}` needs `source_profile`: the profile whose credentials assume it"),
            ));
        }
        return Ok(None);
    };
    let source = expand_key("source_profile", source)?;
    let duration = match keys.duration {
        Some(text) => {
            let text = expand_key("duration", text)?;
            let duration = parse_duration(&text).map_err(|m| place.error("duration", m))?;
            if duration < DEFAULT_DURATION {
                return Err(place.error(
                    "duration",
                    format!(
                        "{} is shorter than 15m, the least both clouds allow",
                        quoted(&text)
                    ),
                ));
            }
            duration
        }
        None => DEFAULT_DURATION,
    };
    let target = match provider {
        Provider::Alibaba => {
            if keys.agency.is_some() {
                return Err(place.error(
                    "agency",
                    "Alibaba profiles assume a RAM role: use `role_arn`, not `agency`".into(),
                ));
            }
            let Some(arn) = keys.role_arn else {
                return Err(place.error(
                    "source_profile",
                    "a profile with `source_profile` needs `role_arn: acs:ram::ACCOUNT_ID:role/NAME`"
                        .into(),
                ));
            };
            let arn = expand_key("role_arn", arn)?;
            check_role_arn(&arn).map_err(|m| place.error("role_arn", m))?;
            let session_name = match keys.role_session_name {
                Some(name) => expand_key("role_session_name", name)?,
                None => DEFAULT_SESSION_NAME.to_string(),
            };
            check_session_name(&session_name).map_err(|m| place.error("role_session_name", m))?;
            let external_id = match keys.external_id {
                Some(id) => Some(expand_key("external_id", id)?),
                None => None,
            };
            AssumeTarget::Role {
                arn,
                session_name,
                external_id,
            }
        }
        Provider::Huaweicloud | Provider::Otc => {
            if let Some(key) = first_present(&[
                ("role_arn", keys.role_arn.is_some()),
                ("role_session_name", keys.role_session_name.is_some()),
                ("external_id", keys.external_id.is_some()),
            ]) {
                return Err(place.error(
                    key,
                    format!("{provider} profiles assume an agency: use `agency`, not `{key}`"),
                ));
            }
            let Some(agency) = keys.agency else {
                return Err(place.error(
                    "source_profile",
                    "a profile with `source_profile` needs `agency: {domain_name: ACCOUNT, name: AGENCY}`"
                        .into(),
                ));
            };
            let name = match &agency.name {
                Some(name) if !name.trim().is_empty() => expand_key("agency", name)?,
                _ => {
                    return Err(place.error(
                        "agency",
                        "`agency` needs `name`, the agency created in the target account".into(),
                    ));
                }
            };
            let (domain_name, domain_id) = match (&agency.domain_name, &agency.domain_id) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(place.error(
                        "agency",
                        "`agency` needs one of `domain_name` and `domain_id` (the target account)"
                            .into(),
                    ));
                }
                (Some(name), None) => (Some(expand_key("agency", name)?), None),
                (None, Some(id)) => (None, Some(expand_key("agency", id)?)),
            };
            AssumeTarget::Agency {
                domain_name,
                domain_id,
                name,
            }
        }
    };
    Ok(Some(Assume {
        source,
        target,
        duration,
    }))
}

/// The first of `keys` that is present in the file.
pub(super) fn first_present<'k>(keys: &[(&'k str, bool)]) -> Option<&'k str> {
    keys.iter()
        .find(|(_, present)| *present)
        .map(|(key, _)| *key)
}

/// `acs:ram::<account id>:role/<role name>`.
fn check_role_arn(arn: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "{} is not a RAM role ARN like acs:ram::1234567890123456:role/headroom-reader",
            quoted(arn)
        )
    };
    let rest = arn.strip_prefix("acs:ram::").ok_or_else(bad)?;
    let (account, role) = rest.split_once(":role/").ok_or_else(bad)?;
    let account_ok = !account.is_empty() && account.chars().all(|c| c.is_ascii_digit());
    let role_ok = !role.is_empty()
        && role.len() <= 64
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if account_ok && role_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// 2-64 letters, digits, `.`, `@`, `-`, `_`, as STS requires.
fn check_session_name(name: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} must be 2-64 letters, digits, `.`, `@`, `-` or `_`",
            quoted(name)
        ))
    }
}

/// Checks every chain of sources: each source exists, has the same provider, no cycle, at most
/// [`MAX_HOPS`] hops. `place` locates a profile's `source_profile` key.
pub(super) fn check_chains(
    profiles: &[Profile],
    place: &dyn Fn(&Profile, &str, String) -> ConfigError,
) -> Result<(), ConfigError> {
    let by_name: BTreeMap<&str, &Profile> = profiles.iter().map(|p| (p.name.as_str(), p)).collect();
    for profile in profiles {
        let mut seen = vec![profile.name.as_str()];
        let mut current = profile;
        while let Some(assume) = &current.assume {
            let Some(source) = by_name.get(assume.source.as_str()) else {
                let names: Vec<&str> = by_name.keys().copied().collect();
                let hint = super::did_you_mean(&assume.source, &names)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                return Err(place(
                    current,
                    "source_profile",
                    format!("no profile is named {}{hint}", quoted(&assume.source)),
                ));
            };
            if source.provider != current.provider {
                return Err(place(
                    current,
                    "source_profile",
                    format!(
                        "`{}` is a profile of {}; a source must be of the same provider ({})",
                        source.name, source.provider, current.provider
                    ),
                ));
            }
            if seen.contains(&source.name.as_str()) {
                seen.push(&source.name);
                return Err(place(
                    profile,
                    "source_profile",
                    format!("the sources form a cycle: {}", seen.join(" -> ")),
                ));
            }
            seen.push(&source.name);
            if seen.len() > MAX_HOPS + 1 {
                return Err(place(
                    profile,
                    "source_profile",
                    format!(
                        "the chain of sources is longer than {MAX_HOPS} hops: {}",
                        seen.join(" -> ")
                    ),
                ));
            }
            current = source;
        }
    }
    Ok(())
}

/// The project ids of `{region: id}`, checked.
pub(super) fn project_ids(
    map: &UniqueMap<String>,
    key: &str,
    place: &Place<'_>,
    env: &dyn Env,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut out = BTreeMap::new();
    for (region, id) in map.iter() {
        let (id, _) = expand(id, env).map_err(|e| place.error(key, e.to_string()))?;
        super::validate::validate_region(region)
            .map_err(|m| place.error(key, format!("{m} (a key of `{key}`)")))?;
        validate_project_id(&id).map_err(|m| place.error(key, m))?;
        out.insert(region.clone(), id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_and_session_names() {
        assert!(check_role_arn("acs:ram::1234567890123456:role/headroom-reader").is_ok());
        for bad in [
            "acs:ram::12x:role/r",
            "acs:ram:1234:role/r",
            "arn:aws:iam::123:role/r",
            "acs:ram::123:role/",
            "acs:ram::123:user/r",
        ] {
            assert!(check_role_arn(bad).is_err(), "{bad}");
        }
        assert!(check_session_name("headroom").is_ok());
        assert!(check_session_name("a").is_err());
        assert!(check_session_name("has space").is_err());
    }
}
