//! Alibaba Cloud RPC: building signed requests (signature V1) for any product and action.

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
