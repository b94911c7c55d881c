//! Huawei Cloud and Open Telekom Cloud: signed GET requests and the IAM project lookup. Both
//! clouds share the APIs and the signing; only the default hosts differ.

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
    if let Some(project_id) = project_id {
        headers.push(("X-Project-Id".to_string(), project_id.to_string()));
    }
    if let Some(token) = &credentials.security_token {
        headers.push(("X-Security-Token".to_string(), token.expose().to_string()));
    }
    let signed = huawei::sign(
        &huawei::Request {
            method: "GET",
            path,
            query,
            headers: &headers,
            body: b"",
        },
        &date,
        &credentials.access_key_id,
        credentials.secret.expose(),
    );

    let mut request = reqwest::Request::new(reqwest::Method::GET, url);
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
