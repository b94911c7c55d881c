//! Huawei Cloud / Open Telekom Cloud: the API gateway's `SDK-HMAC-SHA256` check (with
//! `crate::sign::huawei`), then VPC v1, VPN v5 and VPCEP quotas and the IAM project list here,
//! the ECS, EVS, ELB, Enterprise Router and NAT quota calls in `huawei_sources.rs` and IAM's
//! agency `securitytokens` call in `agency.rs`.
//!
//! A key is a long-term one or a temporary one issued through an agency (`temporary.rs`); either
//! way the request acts as the key's account, which for a temporary key is the agency's.

use serde_json::{Value, json};

use super::server::{HttpRequest, HttpResponse};
use super::temporary::{self, Caller};
use super::{Account, AccountKind, Inspection, Service, Shared, State, agency, huawei_sources};
use crate::sign::{self, huawei as signer};

const REQUEST_ID_HEADER: &str = "X-Request-Id";
/// The gateway's clock window for `X-Sdk-Date` (Huawei's signing guide).
const MAX_SKEW_SECONDS: i64 = 15 * 60;

/// VPC `type` values from the API page, plus `vpngw`, which Huawei's SDK model lists.
const VPC_TYPES: &[&str] = &[
    "vpc",
    "subnet",
    "securityGroup",
    "securityGroupRule",
    "publicIp",
    "vpn",
    "vpngw",
    "vpcPeer",
    "loadbalancer",
    "listener",
    "physicalConnect",
    "virtualInterface",
    "firewall",
    "shareBandwidthIP",
    "shareBandwidth",
    "address_group",
    "flow_log",
    "vpcContainRoutetable",
    "routetableContainRoutes",
];
const VPCEP_TYPES: &[&str] = &["endpoint_service", "endpoint"];

/// Rebuilds the signed request from what arrived (only the headers named in `SignedHeaders`,
/// with their received values) and compares signatures in constant time.
fn signature_matches(
    request: &HttpRequest,
    auth: &signer::ParsedAuthorization<'_>,
    secret: &str,
) -> bool {
    let mut headers = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        match request.header(name) {
            Some(value) => headers.push((name.to_string(), value.to_string())),
            // A header claimed as signed but not sent cannot be verified.
            None => return false,
        }
    }
    let query = sign::parse_query(&request.query);
    let rebuilt = signer::Request {
        method: &request.method,
        path: &request.path,
        query: &query,
        headers: &headers,
        body: &request.body,
    };
    let date = request.header("x-sdk-date").unwrap_or("");
    let signed = signer::sign(&rebuilt, date, auth.access_key, secret);
    sign::constant_time_eq(signed.signature.as_bytes(), auth.signature.as_bytes())
}

/// The access key and whether the signature is right, without side effects.
pub(crate) fn inspect(shared: &Shared, request: &HttpRequest) -> Inspection {
    let auth = request
        .header("authorization")
        .and_then(signer::parse_authorization);
    let access_key = auth.as_ref().map(|auth| auth.access_key.to_string());
    let secret = access_key.as_deref().and_then(|key| {
        temporary::identify(&shared.lock(), AccountKind::Huawei, key).map(|caller| caller.secret)
    });
    let signature_valid = match (&auth, secret) {
        (Some(auth), Some(secret)) => signature_matches(request, auth, &secret),
        _ => false,
    };
    let assume = request.method == "POST" && request.path.trim_end_matches('/') == agency::PATH;
    Inspection {
        access_key,
        action: assume.then(|| agency::ACTION.to_string()),
        signature_valid,
    }
}

/// For the `Elsewhere` trap: whichever access key the request shows, checking nothing.
pub(crate) fn inspect_unchecked(request: &HttpRequest) -> Inspection {
    let query = sign::parse_query(&request.query);
    let from_query = |name: &str| {
        query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let access_key = request
        .header("authorization")
        .and_then(signer::parse_authorization)
        .map(|auth| auth.access_key.to_string())
        .or_else(|| from_query("AccessKeyId"));
    Inspection {
        access_key,
        action: from_query("Action"),
        signature_valid: false,
    }
}

/// `YYYYMMDDTHHMMSSZ`, parsed by hand so that nothing but that exact form is accepted.
fn parse_sdk_date(text: &str) -> Option<jiff::Timestamp> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    // `DateTime::new` checks the ranges (month 13, February 30) instead of panicking.
    let datetime = jiff::civil::DateTime::new(
        i16::try_from(number(0..4)?).ok()?,
        i8::try_from(number(4..6)?).ok()?,
        i8::try_from(number(6..8)?).ok()?,
        i8::try_from(number(9..11)?).ok()?,
        i8::try_from(number(11..13)?).ok()?,
        i8::try_from(number(13..15)?).ok()?,
        0,
    )
    .ok()?;
    jiff::tz::Offset::UTC.to_timestamp(datetime).ok()
}

/// The gateway's checks, in its order. The error text never contains a secret, a token or the
/// access key (which headroom would otherwise print unmasked).
fn authenticate(state: &State, request: &HttpRequest) -> Result<Caller, String> {
    let fail = |reason: &str| {
        Err(format!(
            "Incorrect IAM authentication information: {reason}"
        ))
    };
    let Some(header) = request.header("authorization") else {
        return fail("Authorization header is missing");
    };
    let Some(auth) = signer::parse_authorization(header) else {
        return fail("unsupported authorization type");
    };
    let Some(caller) = temporary::identify(state, AccountKind::Huawei, auth.access_key) else {
        return fail("ak not exist");
    };
    if !auth
        .signed_headers
        .iter()
        .any(|name| name.eq_ignore_ascii_case("x-sdk-date"))
    {
        return fail("x-sdk-date is not in SignedHeaders");
    }
    let Some(at) = request.header("x-sdk-date").and_then(parse_sdk_date) else {
        return fail("x-sdk-date is missing or not in the form YYYYMMDDTHHMMSSZ");
    };
    if (jiff::Timestamp::now().as_second() - at.as_second()).abs() > MAX_SKEW_SECONDS {
        return fail("the request has expired: x-sdk-date is more than 15 minutes off");
    }
    let token_signed = auth
        .signed_headers
        .iter()
        .any(|name| name.eq_ignore_ascii_case("x-security-token"));
    match (&caller.token, request.header("x-security-token")) {
        (None, None) => {}
        (Some(expected), Some(got))
            if token_signed && sign::constant_time_eq(expected.as_bytes(), got.as_bytes()) =>
        {
            // Huawei's gateway FAQ names an expired token among the causes of "decrypt token
            // fail" (APIGW.0301, 401); that a temporary AK/SK's expired security token gets
            // exactly this answer, rather than APIGW.0307 "The token must be updated", is
            // unconfirmed. Either way it is a 401 from the gateway.
            if caller.expired() {
                return fail("decrypt token fail");
            }
        }
        (Some(_), None) => return fail("the security token is missing"),
        _ => return fail("decrypt token fail"),
    }
    if !signature_matches(request, &auth, &caller.secret) {
        return fail("verify aksk signature fail");
    }
    Ok(caller)
}

/// Answers in the shapes the real services use.
pub(super) struct Reply<'a> {
    pub(super) service: Service,
    pub(super) request_id: &'a str,
}

impl Reply<'_> {
    pub(super) fn json(&self, status: u16, body: Value) -> HttpResponse {
        HttpResponse::json(status, REQUEST_ID_HEADER, self.request_id, &body)
    }

    /// The API gateway in front of every service.
    fn gateway(&self, status: u16, code: &str, message: &str) -> HttpResponse {
        let body = json!({"error_code": code, "error_msg": message, "request_id": self.request_id});
        self.json(status, body)
    }

    /// The service's own error shape.
    pub(super) fn error(&self, status: u16, code: &str, message: &str) -> HttpResponse {
        let body = match self.service {
            // NAT's v2.0 API shares VPC's error table (`VPC.0007`, ...) and, it is assumed
            // here (unconfirmed), its body.
            Service::Vpc | Service::Nat => json!({"code": code, "message": message}),
            Service::Vpn | Service::Elb | Service::Er => {
                json!({"error_code": code, "error_msg": message, "request_id": self.request_id})
            }
            Service::Ecs => json!({"error": {"message": message, "code": code}}),
            // Cinder style: the wrapper names the kind of error; EVS puts its own code inside.
            Service::Evs => {
                let kind = match status {
                    400 => "badRequest",
                    403 => "forbidden",
                    404 => "itemNotFound",
                    _ => "error",
                };
                json!({kind: {"message": message, "code": code}})
            }
            Service::Iam => json!({"error": {
                "code": status,
                "message": message,
                "title": if status == 404 { "Not Found" } else { "Bad Request" },
            }}),
            _ => json!({"error_code": code, "error_msg": message}),
        };
        self.json(status, body)
    }

    fn not_found(&self) -> HttpResponse {
        if huawei_sources::SERVICES.contains(&self.service) {
            // What the API gateway itself answers for a path it does not route.
            return self.gateway(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
            );
        }
        let code = match self.service {
            Service::Vpc => "VPC.0404",
            Service::Vpn => "VPN.0404",
            Service::Iam => "IAM.0404",
            _ => "EndPoint.0404",
        };
        self.error(404, code, "The requested API does not exist.")
    }
}

/// Answers one request: authentication first, as the gateway does, then the service.
pub(crate) fn handle(service: Service, shared: &Shared, request: &HttpRequest) -> HttpResponse {
    let request_id = super::hex_request_id();
    let reply = Reply {
        service,
        request_id: &request_id,
    };
    let iam_url = shared.url(Service::Iam);
    let mut state = shared.lock();
    let caller = match authenticate(&state, request) {
        Ok(caller) => caller,
        Err(message) => return reply.gateway(401, "APIGW.0301", &message),
    };
    // IAM is a global service: the SDKs name the signing account with `X-Domain-Id`, signed or
    // not. Another account's id cannot go with this key; the real answer to that is
    // unconfirmed, a gateway 401 is assumed.
    if service == Service::Iam
        && request
            .header("x-domain-id")
            .is_some_and(|id| id != state.accounts[caller.account].domain_id)
    {
        return reply.gateway(
            401,
            "APIGW.0301",
            "Incorrect IAM authentication information: the X-Domain-Id does not match the ak",
        );
    }
    if service == Service::Iam
        && request.method == "POST"
        && request.path.trim_end_matches('/') == agency::PATH
    {
        let access_key = request
            .header("authorization")
            .and_then(signer::parse_authorization)
            .map(|auth| auth.access_key.to_string())
            .unwrap_or_default();
        return agency::securitytokens(&reply, &mut state, &caller, &access_key, &request.body);
    }
    let account = &state.accounts[caller.account];
    let segments: Vec<String> = request
        .path
        .trim_end_matches('/')
        .split('/')
        .skip(1)
        .map(sign::percent_decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    if request.method != "GET" {
        return reply.not_found();
    }
    let query = sign::parse_query(&request.query);
    match (service, segments.as_slice()) {
        (Service::Iam, ["v3", "projects"]) => projects(&reply, account, &query, &iam_url),
        (Service::Vpc | Service::Vpcep, ["v1", project, "quotas"])
        | (Service::Vpn, ["v5", project, "vpn", "quotas"]) => {
            quotas(&reply, account, project, &query)
        }
        (Service::Ecs, ["v1", project, "cloudservers", "limits"]) => {
            huawei_sources::ecs(&reply, account, project)
        }
        (Service::Evs, ["v2", project, "os-quota-sets", target]) => {
            huawei_sources::evs(&reply, account, project, target, &query)
        }
        (Service::Elb, ["v3", project, "elb", "quotas", "details"]) => {
            huawei_sources::elb(&reply, account, project, &query)
        }
        (Service::Er, ["v3", project, "enterprise-router", "quotas"]) => {
            huawei_sources::er(&reply, account, project, &query)
        }
        (Service::Nat, ["v2.0", project, "nat_gateways", "quotas"]) => {
            huawei_sources::nat(&reply, account, project, &query)
        }
        _ => reply.not_found(),
    }
}

fn quotas(
    reply: &Reply<'_>,
    account: &Account,
    project: &str,
    query: &[(String, String)],
) -> HttpResponse {
    let service = reply.service;
    let Some((region, _)) = account.projects.iter().find(|(_, id)| id == project) else {
        return match service {
            Service::Vpc => reply.error(
                400,
                "VPC.0007",
                "The project ID in the URI does not match the credentials.",
            ),
            Service::Vpn => reply.error(400, "VPN.0001", "invalid request: project_id is invalid"),
            _ => reply.error(400, "EndPoint.0002", "The project ID is invalid."),
        };
    };
    let entries = account
        .quotas
        .iter()
        .filter(|(r, s, _)| r == region && *s == service)
        .flat_map(|(_, _, entries)| entries.iter());
    let type_of = |entry: &Value| {
        entry
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // VPN's page takes no `type`; VPC and VPCEP filter by it (repeated values: any of them).
    let wanted: Vec<&str> = match service {
        Service::Vpn => Vec::new(),
        _ => query
            .iter()
            .filter(|(n, _)| n == "type")
            .map(|(_, v)| v.as_str())
            .collect(),
    };
    for kind in &wanted {
        let documented = match service {
            Service::Vpc => VPC_TYPES,
            _ => VPCEP_TYPES,
        };
        let known = documented.contains(kind)
            || entries
                .clone()
                .any(|entry| type_of(entry).as_deref() == Some(kind));
        if !known {
            return match service {
                Service::Vpc => {
                    reply.error(400, "VPC.1207", "Invalid value for the type parameter.")
                }
                _ => reply.error(400, "EndPoint.0002", "The value of type is invalid."),
            };
        }
    }
    let resources: Vec<Value> = entries
        .filter(|entry| {
            wanted.is_empty() || type_of(entry).is_some_and(|kind| wanted.contains(&kind.as_str()))
        })
        .cloned()
        .collect();
    let body = match service {
        Service::Vpn => json!({"quotas": {"resources": resources}, "request_id": reply.request_id}),
        _ => json!({"quotas": {"resources": resources}}),
    };
    reply.json(200, body)
}

fn projects(
    reply: &Reply<'_>,
    account: &Account,
    query: &[(String, String)],
    iam_url: &str,
) -> HttpResponse {
    let name = query
        .iter()
        .find(|(n, _)| n == "name")
        .map(|(_, v)| v.as_str());
    let domain = &account.domain_id;
    let projects: Vec<Value> = account
        .projects
        .iter()
        .filter(|(region, _)| name.is_none_or(|name| name == region))
        .map(|(region, id)| {
            json!({
                "id": id,
                "name": region,
                "domain_id": domain,
                "enabled": true,
                "is_domain": false,
                "parent_id": domain,
                "description": "",
                "links": {"self": format!("{iam_url}/v3/projects/{id}")},
            })
        })
        .collect();
    let self_link = match name {
        Some(name) => format!("{iam_url}/v3/projects?name={}", sign::percent_encode(name)),
        None => format!("{iam_url}/v3/projects"),
    };
    reply.json(
        200,
        json!({
            "projects": projects,
            "links": {"self": self_link, "previous": null, "next": null},
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sdk_dates_strictly() {
        let at = parse_sdk_date("20260115T083000Z").map(|t| t.as_second());
        assert_eq!(at, Some(1_768_465_800));
        for bad in [
            "",
            "20260115T083000",
            "2026011xT083000Z",
            "20261315T083000Z",
            "+0260115T083000Z",
        ] {
            assert!(parse_sdk_date(bad).is_none(), "{bad}");
        }
    }
}
