//! Alibaba Cloud Smart Access Gateway (`Smartag`, RPC, version 2018-03-13): building signed
//! requests and reading the answers of GetCloudConnectNetworkUseLimit,
//! CreateCloudConnectNetwork and DescribeCloudConnectNetworks.

use serde_json::Value;

use super::{ParsedQuota, number_field, text_field};
use crate::config::Credentials;
use crate::sign::alibaba::{self, RpcContext};

pub const VERSION: &str = "2018-03-13";

/// `https://smartag.{region}.aliyuncs.com/`, the same host on the China and international sites.
pub fn default_endpoint(region: &str) -> String {
    format!("https://smartag.{region}.aliyuncs.com/")
}

/// A signed RPC request: every parameter and the signature in the query string, empty body.
/// `at` and `nonce` are fresh for every attempt, retries included.
#[allow(clippy::too_many_arguments)] // each is one independent input of the signature
pub fn request(
    method: reqwest::Method,
    endpoint: &reqwest::Url,
    action: &str,
    region: &str,
    credentials: &Credentials,
    action_params: &[(String, String)],
    at: jiff::Timestamp,
    nonce: &str,
) -> reqwest::Request {
    let timestamp = alibaba::timestamp(at);
    let context = RpcContext {
        action,
        version: VERSION,
        format: "JSON",
        access_key_id: &credentials.access_key_id,
        region_id: region,
        security_token: credentials.security_token.as_ref().map(|t| t.expose()),
        timestamp: &timestamp,
        nonce,
    };
    let params = alibaba::rpc_params(&context, action_params);
    let query = alibaba::signed_query(method.as_str(), &params, credentials.secret.expose());
    let mut url = endpoint.clone();
    url.set_path("/");
    // The query is already percent-encoded with the unreserved set only, so it is kept as is.
    url.set_query(Some(&query));
    reqwest::Request::new(method, url)
}

/// `GetCloudConnectNetworkUseLimit` → one `ccn` row: used = `UsedAmount`, limit = `TotalAmount`.
pub fn parse_use_limit(body: &Value) -> Result<ParsedQuota, String> {
    let object = body.as_object().ok_or("the answer is not a JSON object")?;
    let used = number_field(object, "UsedAmount")?;
    let total = number_field(object, "TotalAmount")?;
    ParsedQuota::new("ccn", used, total, None)
}

/// What `CreateCloudConnectNetwork` answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CreatedNetwork {
    pub ccn_id: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub request_id: Option<String>,
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

/// One network found by `DescribeCloudConnectNetworks`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FoundNetwork {
    pub ccn_id: String,
    pub name: String,
    pub status: Option<String>,
}

pub fn parse_described(body: &Value) -> Result<Vec<FoundNetwork>, String> {
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
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_answer() {
        let row =
            parse_use_limit(&json!({"RequestId":"BCD0","TotalAmount":10,"UsedAmount":6})).unwrap();
        assert_eq!(
            (row.resource.as_str(), row.used, row.limit),
            ("ccn", 6, Some(10))
        );
    }

    #[test]
    fn accepts_numbers_as_strings_and_unlimited() {
        let row = parse_use_limit(&json!({"TotalAmount":"-1","UsedAmount":"4"})).unwrap();
        assert_eq!((row.used, row.limit), (4, None));
    }

    #[test]
    fn names_the_missing_or_bad_field() {
        assert_eq!(
            parse_use_limit(&json!({"TotalAmount":10})).unwrap_err(),
            "field `UsedAmount` is missing"
        );
        assert_eq!(
            parse_use_limit(&json!({"TotalAmount":10,"UsedAmount":"many"})).unwrap_err(),
            "field `UsedAmount` is not a number: \"many\""
        );
        assert!(parse_use_limit(&json!({"TotalAmount":10,"UsedAmount":-3})).is_err());
        assert!(parse_use_limit(&json!([1])).is_err());
    }
}
