//! A typed client for the Smart Access Gateway calls of `create-ccn`: the CCN quota, the
//! networks of a name (every page), and the create, which is sent at most once unless the
//! provider certainly did not act. Also the API's own rules for the create's parameters, so
//! that a bad value is refused before any request.

use std::sync::Arc;

use serde_json::Value;

use super::{Engine, Failure, ParsedQuota, endpoint, text_field, unexpected};
use crate::config::{Credentials, Profile};
use crate::quota::{ErrorKind, Provider};
use crate::sources::{self, Source, smartag};

/// Networks asked for per page of `DescribeCloudConnectNetworks` (the API's maximum).
const PAGE_SIZE: usize = 50;
/// Pages read at most when listing networks of one name; past that the answer is not trusted.
const MAX_PAGES: usize = 50;

/// What `CreateCloudConnectNetwork` answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CreatedNetwork {
    pub ccn_id: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub request_id: Option<String>,
}

/// One network found by `DescribeCloudConnectNetworks`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FoundNetwork {
    pub ccn_id: String,
    pub name: String,
    pub status: Option<String>,
}

/// The Smartag calls of one profile in one region.
pub struct SmartagClient<'a> {
    engine: &'a Arc<Engine>,
    endpoint: reqwest::Url,
    region: String,
    credentials: Arc<Credentials>,
    /// `profile region smartag`, how `-v` lines name these calls.
    label: String,
}

impl<'a> SmartagClient<'a> {
    /// A client with `profile`'s credentials (assumed through its source when it has one).
    pub async fn new(
        engine: &'a Arc<Engine>,
        profile: &'a Profile,
        region: &str,
    ) -> Result<SmartagClient<'a>, Failure> {
        let default = sources::default_endpoint(Source::Smartag, Provider::Alibaba, region);
        Ok(SmartagClient {
            engine,
            endpoint: endpoint(profile, "smartag", &default)?,
            region: region.to_string(),
            credentials: engine.credentials_for(profile).await?,
            label: format!("{} {region} smartag", profile.name),
        })
    }

    fn request(
        &self,
        method: reqwest::Method,
        action: &str,
        params: &[(String, String)],
        at: jiff::Timestamp,
        nonce: &str,
    ) -> reqwest::Request {
        super::alibaba::request(
            method,
            &self.endpoint,
            smartag::VERSION,
            action,
            &self.region,
            &self.credentials,
            params,
            at,
            nonce,
        )
    }

    async fn read(
        &self,
        action: &str,
        params: &[(String, String)],
    ) -> Result<(Value, crate::http::Exchange), Failure> {
        self.engine
            .read_json(&self.label, |at, nonce| {
                self.request(reqwest::Method::GET, action, params, at, nonce)
            })
            .await
    }

    /// The CCN quota of the region.
    pub async fn use_limit(&self) -> Result<ParsedQuota, Failure> {
        let params = [("RegionId".to_string(), self.region.clone())];
        let (body, exchange) = self.read("GetCloudConnectNetworkUseLimit", &params).await?;
        smartag::parse_use_limit(&body).map_err(|m| unexpected(&exchange, m))
    }

    /// Every network named exactly `name` in the region, reading every page.
    pub async fn networks_named(&self, name: &str) -> Result<Vec<FoundNetwork>, Failure> {
        let mut found = Vec::new();
        for page in 1..=MAX_PAGES {
            let params = [
                ("RegionId".to_string(), self.region.clone()),
                ("Name".to_string(), name.to_string()),
                ("PageNumber".to_string(), page.to_string()),
                ("PageSize".to_string(), PAGE_SIZE.to_string()),
            ];
            let (body, exchange) = self.read("DescribeCloudConnectNetworks", &params).await?;
            let (networks, total) = parse_described(&body).map_err(|m| unexpected(&exchange, m))?;
            let last = networks.len() < PAGE_SIZE;
            found.extend(networks);
            if last || total.is_some_and(|total| found.len() as u64 >= total) {
                // The API matches names loosely; only the exact name counts here.
                found.retain(|network| network.name == name);
                return Ok(found);
            }
        }
        Err(Failure::new(
            ErrorKind::BadResponse,
            format!("DescribeCloudConnectNetworks runs past {MAX_PAGES} pages of {PAGE_SIZE}"),
        ))
    }

    /// Sends the create; see [`Engine::send_once`] for when it is sent again.
    pub async fn create(&self, params: &[(String, String)]) -> Result<CreatedNetwork, Failure> {
        let (body, exchange) = self
            .engine
            .send_once(&self.label, |at, nonce| {
                self.request(
                    reqwest::Method::POST,
                    "CreateCloudConnectNetwork",
                    params,
                    at,
                    nonce,
                )
            })
            .await?;
        // A 2xx we cannot read is not a refusal: the network may well exist.
        parse_created(&body).map_err(|m| unexpected(&exchange, m))
    }
}

pub fn parse_created(body: &Value) -> Result<CreatedNetwork, String> {
    let object = body.as_object().ok_or("the answer is not a JSON object")?;
    let ccn_id = text_field(object, "CcnId").ok_or("field `CcnId` is missing")?;
    Ok(CreatedNetwork {
        ccn_id,
        name: text_field(object, "Name"),
        status: text_field(object, "Status"),
        request_id: text_field(object, "RequestId"),
    })
}

/// One page of `DescribeCloudConnectNetworks`: its networks and the `TotalCount`, when given.
pub fn parse_described(body: &Value) -> Result<(Vec<FoundNetwork>, Option<u64>), String> {
    let list = body
        .get("CloudConnectNetworks")
        .and_then(|n| n.get("CloudConnectNetwork"))
        .ok_or("field `CloudConnectNetworks.CloudConnectNetwork` is missing")?;
    let list = list
        .as_array()
        .ok_or("field `CloudConnectNetworks.CloudConnectNetwork` is not a list")?;
    let mut found = Vec::new();
    for entry in list {
        let object = entry
            .as_object()
            .ok_or("a network entry is not an object")?;
        found.push(FoundNetwork {
            ccn_id: text_field(object, "CcnId").ok_or("a network has no `CcnId`")?,
            name: text_field(object, "Name").unwrap_or_default(),
            status: text_field(object, "Status"),
        });
    }
    let total = body
        .as_object()
        .and_then(|object| super::number_field(object, "TotalCount").ok())
        .and_then(|n| u64::try_from(n).ok());
    Ok((found, total))
}

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
            crate::config::quoted(cidr)
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
}
