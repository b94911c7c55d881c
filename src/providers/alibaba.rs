//! Alibaba Cloud RPC: building signed requests (signature V1), and reading the answers of
//! Smart Access Gateway's CreateCloudConnectNetwork and DescribeCloudConnectNetworks.

use serde_json::Value;

use super::text_field;
use crate::config::Credentials;
use crate::sign::alibaba::{self, RpcContext};

/// A signed RPC request: every parameter and the signature in the query string, empty body.
/// `at` and `nonce` are fresh for every attempt, retries included.
#[allow(clippy::too_many_arguments)] // each is one independent input of the signature
pub fn request(
    method: reqwest::Method,
    endpoint: &reqwest::Url,
    version: &str,
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
        version,
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
