//! Huawei Cloud and Open Telekom Cloud: signed requests, the IAM project lookup and the agency
//! credentials. Both clouds share the APIs and the signing; only the default hosts differ.

use serde_json::Value;

use crate::config::Credentials;
use crate::sign::huawei;

/// A signed GET: `Host`, `X-Sdk-Date`, `X-Project-Id` (project-scoped calls) and
/// `X-Security-Token` (temporary credentials) are sent and signed, as the official SDKs do.
pub fn signed_get(
    endpoint: &reqwest::Url,
    path: &str,
    query: &[(String, String)],
    project_id: Option<&str>,
    credentials: &Credentials,
    at: jiff::Timestamp,
) -> reqwest::Request {
    let extra: Vec<(String, String)> = project_id
        .map(|id| ("X-Project-Id".to_string(), id.to_string()))
        .into_iter()
        .collect();
    signed(
        reqwest::Method::GET,
        endpoint,
        path,
        query,
        None,
        &extra,
        credentials,
        at,
    )
}

/// A signed POST of a JSON document; `extra` headers (`X-Domain-Id`) are signed too. The
/// `Content-Type` is sent but not signed, as the official SDKs do.
pub fn signed_post_json(
    endpoint: &reqwest::Url,
    path: &str,
    body: &Value,
    extra: &[(String, String)],
    credentials: &Credentials,
    at: jiff::Timestamp,
) -> reqwest::Request {
    let body = serde_json::to_vec(body).unwrap_or_default();
    signed(
        reqwest::Method::POST,
        endpoint,
        path,
        &[],
        Some(body),
        extra,
        credentials,
        at,
    )
}

/// Any signed request: `Host`, `X-Sdk-Date`, the `extra` headers and `X-Security-Token`
/// (temporary credentials) are signed with the body's hash.
#[allow(clippy::too_many_arguments)] // each is one independent input of the signature
fn signed(
    method: reqwest::Method,
    endpoint: &reqwest::Url,
    path: &str,
    query: &[(String, String)],
    body: Option<Vec<u8>>,
    extra: &[(String, String)],
    credentials: &Credentials,
    at: jiff::Timestamp,
) -> reqwest::Request {
    let date = huawei::sdk_date(at);
    let mut url = endpoint.clone();
    url.set_path(path);
    let canonical_query = huawei::canonical_query(query);
    url.set_query((!canonical_query.is_empty()).then_some(canonical_query.as_str()));

    // The signed host must be byte-identical to the Host header hyper sends: the port only
    // when it is not the scheme's default.
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => String::new(),
    };
    let mut headers = vec![
        ("Host".to_string(), host),
        ("X-Sdk-Date".to_string(), date.clone()),
    ];
    headers.extend(extra.iter().cloned());
    if let Some(token) = &credentials.security_token {
        headers.push(("X-Security-Token".to_string(), token.expose().to_string()));
    }
    let signed = huawei::sign(
        &huawei::Request {
            method: method.as_str(),
            path,
            query,
            headers: &headers,
            body: body.as_deref().unwrap_or_default(),
        },
        &date,
        &credentials.access_key_id,
        credentials.secret.expose(),
    );

    let mut request = reqwest::Request::new(method, url);
    if let Some(body) = body {
        request.headers_mut().insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json;charset=UTF-8"),
        );
        *request.body_mut() = Some(body.into());
    }
    let map = request.headers_mut();
    for (name, value) in headers.iter().filter(|(name, _)| name != "Host") {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            map.insert(name, value);
        }
    }
    if let Ok(mut value) = reqwest::header::HeaderValue::from_str(&signed.authorization) {
        value.set_sensitive(true);
        map.insert(reqwest::header::AUTHORIZATION, value);
    }
    if let Some(token) = map.get_mut("x-security-token") {
        token.set_sensitive(true);
    }
    request
}

/// `GET /v3/projects?name={region}` → the id of the one project named after the region.
pub fn parse_project_id(body: &Value, region: &str) -> Result<String, String> {
    let projects = body
        .get("projects")
        .and_then(Value::as_array)
        .ok_or("field `projects` is missing or not a list")?;
    let ids: Vec<&str> = projects
        .iter()
        .filter(|p| p.get("name").and_then(Value::as_str) == Some(region))
        .filter_map(|p| p.get("id").and_then(Value::as_str))
        .collect();
    match ids.as_slice() {
        [id] => Ok(id.to_string()),
        [] => Err(format!(
            "IAM lists no project named {region:?} for these credentials; set `project_id` in the profile"
        )),
        _ => Err(format!(
            "IAM lists {} projects named {region:?}; set `project_id` in the profile",
            ids.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn project_lookup() {
        let body = json!({"projects":[{"id":"0123456789abcdef0123456789abcdef","name":"eu-de"},{"id":"x","name":"eu-de_sub"}]});
        assert_eq!(
            parse_project_id(&body, "eu-de").unwrap(),
            "0123456789abcdef0123456789abcdef"
        );
        assert!(parse_project_id(&json!({"projects":[]}), "eu-de").is_err());
    }
}
