//! Huawei Cloud and Open Telekom Cloud: VPC, VPN v5 and VPCEP quotas, and the IAM project
//! lookup. Both clouds share the APIs and the signing; only the default hosts differ.

use serde_json::Value;

use super::{ParsedQuota, number_field};
use crate::config::Credentials;
use crate::quota::Provider;
use crate::sign::huawei;

/// The default endpoint of `service` (`vpc`, `vpn`, `vpcep`, `iam`) in `region`.
pub fn default_endpoint(provider: Provider, service: &str, region: &str) -> String {
    match provider {
        Provider::Otc if region == "eu-ch2" => {
            let host = if service == "iam" { "iam-pub" } else { service };
            format!("https://{host}.eu-ch2.sc.otc.t-systems.com")
        }
        Provider::Otc => format!("https://{service}.{region}.otc.t-systems.com"),
        _ if region.starts_with("eu-west-101") => {
            format!("https://{service}.{region}.myhuaweicloud.eu")
        }
        _ => format!("https://{service}.{region}.myhuaweicloud.com"),
    }
}

/// Whether the region offers the service. OTC's Swiss cloud has no VPN v5 API.
pub fn offers(provider: Provider, service: &str, region: &str) -> bool {
    !(provider == Provider::Otc && region == "eu-ch2" && service == "vpn")
}

/// The path of a service's quota API for a project.
pub fn quota_path(service: &str, project_id: &str) -> String {
    match service {
        "vpn" => format!("/v5/{project_id}/vpn/quotas"),
        _ => format!("/v1/{project_id}/quotas"),
    }
}

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

/// `{"quotas":{"resources":[{"type","used","quota","min"?}]}}` (VPC, VPN v5 and VPCEP alike):
/// one row per entry, unknown types kept, `-1` unlimited.
pub fn parse_quotas(body: &Value) -> Result<Vec<ParsedQuota>, String> {
    let resources = body
        .get("quotas")
        .ok_or("field `quotas` is missing")?
        .get("resources")
        .ok_or("field `quotas.resources` is missing")?
        .as_array()
        .ok_or("field `quotas.resources` is not a list")?;
    let mut rows = Vec::with_capacity(resources.len());
    for (index, entry) in resources.iter().enumerate() {
        let object = entry
            .as_object()
            .ok_or_else(|| format!("quotas.resources[{index}] is not an object"))?;
        let resource = match object.get("type") {
            Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
            Some(_) => {
                return Err(format!(
                    "field `quotas.resources[{index}].type` is not a name"
                ));
            }
            None => return Err(format!("field `quotas.resources[{index}].type` is missing")),
        };
        let at = |e: String| format!("{e} (in quotas.resources[{index}], type {resource:?})");
        let used = number_field(object, "used").map_err(at)?;
        let quota = number_field(object, "quota").map_err(at)?;
        let min = match object.get("min") {
            None | Some(Value::Null) => None,
            Some(_) => Some(number_field(object, "min").map_err(at)?),
        };
        rows.push(ParsedQuota::new(&resource, used, quota, min).map_err(at)?);
    }
    Ok(rows)
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
    fn default_endpoints() {
        assert_eq!(
            default_endpoint(Provider::Huaweicloud, "vpc", "cn-north-4"),
            "https://vpc.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            default_endpoint(Provider::Huaweicloud, "vpn", "eu-west-101"),
            "https://vpn.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            default_endpoint(Provider::Otc, "vpcep", "eu-de"),
            "https://vpcep.eu-de.otc.t-systems.com"
        );
        assert_eq!(
            default_endpoint(Provider::Otc, "vpc", "eu-ch2"),
            "https://vpc.eu-ch2.sc.otc.t-systems.com"
        );
        assert_eq!(
            default_endpoint(Provider::Otc, "iam", "eu-ch2"),
            "https://iam-pub.eu-ch2.sc.otc.t-systems.com"
        );
        assert!(!offers(Provider::Otc, "vpn", "eu-ch2"));
        assert!(offers(Provider::Huaweicloud, "vpn", "eu-ch2"));
    }

    #[test]
    fn reads_every_entry_unknown_types_strings_and_unlimited() {
        let body = json!({"quotas":{"resources":[
            {"type":"vpc","used":4,"quota":150,"min":0},
            {"type":"brandNewThing","used":"7","quota":"10"},
            {"type":"securityGroup","used":1,"quota":-1,"min":0}
        ]}});
        let rows = parse_quotas(&body).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].used, rows[0].limit, rows[0].min),
            (4, Some(150), Some(0))
        );
        assert_eq!(
            (rows[1].resource.as_str(), rows[1].used, rows[1].limit),
            ("brandNewThing", 7, Some(10))
        );
        assert_eq!(rows[2].limit, None);
    }

    #[test]
    fn a_bad_entry_names_the_field() {
        let err =
            parse_quotas(&json!({"quotas":{"resources":[{"type":"vpc","quota":5}]}})).unwrap_err();
        assert_eq!(
            err,
            "field `used` is missing (in quotas.resources[0], type \"vpc\")"
        );
        assert!(
            parse_quotas(&json!({"quotas":{}}))
                .unwrap_err()
                .contains("quotas.resources")
        );
        assert!(
            parse_quotas(&json!({"quotas":{"resources":[{"type":"vpc","used":-1,"quota":5}]}}))
                .is_err()
        );
        assert!(
            parse_quotas(&json!({"quotas":{"resources":[{"type":"vpc","used":1,"quota":-2}]}}))
                .is_err()
        );
    }

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
