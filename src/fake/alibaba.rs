//! Alibaba's RPC gateway: signature V1 checked with `crate::sign::alibaba`, the timestamp, the
//! nonce, the security token and the version, the same for every product. Behind it, the Smart
//! Access Gateway API (version `2018-03-13`, the three CCN actions) lives here, Quota Center in
//! `quota_center.rs` and STS in `sts.rs`.
//!
//! A key is a long-term one or a temporary one issued by `AssumeRole` (`temporary.rs`); either
//! way the request acts as the key's account, which for a temporary key is the role's.

use serde_json::{Value, json};

use super::server::{HttpRequest, HttpResponse};
use super::temporary::{self, Caller};
use super::{AccountKind, CcnRegion, Inspection, Network, Service, Shared, quota_center, sts};
use crate::sign::{self, alibaba as signer};

const SMARTAG_VERSION: &str = "2018-03-13";
/// Alibaba's documented clock window for `Timestamp`.
const MAX_SKEW_SECONDS: i64 = 15 * 60;
const REQUEST_ID_HEADER: &str = "x-acs-request-id";

/// Query parameters plus, for a form POST, the body's: the SDKs sign both together.
fn all_params(request: &HttpRequest) -> Vec<(String, String)> {
    let mut params = sign::parse_query(&request.query);
    let is_form = request.header("content-type").is_some_and(|ct| {
        ct.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if request.method == "POST" && is_form {
        params.extend(sign::parse_query(&String::from_utf8_lossy(&request.body)));
    }
    params
}

pub(super) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The string to sign the server computes, and whether the received signature matches it.
fn check_signature(method: &str, params: &[(String, String)], secret: &str) -> (bool, String) {
    let string_to_sign = signer::string_to_sign(method, &signer::canonicalized_query(params));
    let expected = signer::signature(secret, &string_to_sign);
    let received = param(params, "Signature").unwrap_or("");
    (
        sign::constant_time_eq(expected.as_bytes(), received.as_bytes()),
        string_to_sign,
    )
}

/// The access key, the action and whether the signature is right, without side effects.
pub(crate) fn inspect(shared: &Shared, request: &HttpRequest) -> Inspection {
    let params = all_params(request);
    let access_key = param(&params, "AccessKeyId").map(str::to_string);
    let action = param(&params, "Action").map(str::to_string);
    let secret = access_key.as_deref().and_then(|key| {
        temporary::identify(&shared.lock(), AccountKind::Alibaba, key).map(|caller| caller.secret)
    });
    let signature_valid =
        secret.is_some_and(|secret| check_signature(&request.method, &params, &secret).0);
    Inspection {
        access_key,
        action,
        signature_valid,
    }
}

/// Answers in Alibaba's shapes; errors are `{RequestId, HostId, Code, Message, Recommend}`.
pub(super) struct Reply<'a> {
    request_id: &'a str,
    host_id: String,
    /// The product as the troubleshooting link names it (`Smartag`, `quotas`).
    product: &'static str,
}

impl Reply<'_> {
    pub(super) fn error(&self, status: u16, code: &str, message: &str) -> HttpResponse {
        let recommend = format!(
            "https://api.aliyun.com/troubleshoot?q={code}&product={}&requestId={}",
            self.product, self.request_id
        );
        let body = json!({
            "RequestId": self.request_id,
            "HostId": self.host_id,
            "Code": code,
            "Message": message,
            "Recommend": recommend,
        });
        HttpResponse::json(status, REQUEST_ID_HEADER, self.request_id, &body)
    }

    pub(super) fn ok(&self, mut body: Value) -> HttpResponse {
        if let Value::Object(map) = &mut body {
            map.insert(
                "RequestId".into(),
                Value::String(self.request_id.to_string()),
            );
        }
        HttpResponse::json(200, REQUEST_ID_HEADER, self.request_id, &body)
    }
}

/// A region id safe to echo in `HostId`.
fn plausible_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 40
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Answers one request to `Smartag`, `Quotas` or `Sts`: authentication first (every request's
/// signature is checked), then the action.
pub(crate) fn handle(service: Service, shared: &Shared, request: &HttpRequest) -> HttpResponse {
    // Alibaba's request ids are upper-case UUIDs.
    let request_id = uuid::Uuid::new_v4()
        .hyphenated()
        .to_string()
        .to_ascii_uppercase();
    let params = all_params(request);
    let get = |name: &str| param(&params, name);
    let reply = match service {
        // One central host for every region.
        Service::Quotas => Reply {
            request_id: &request_id,
            host_id: "quotas.aliyuncs.com".to_string(),
            product: "quotas",
        },
        // The libraries' default host; the regional ones answer alike.
        Service::Sts => Reply {
            request_id: &request_id,
            host_id: "sts.aliyuncs.com".to_string(),
            product: "Sts",
        },
        _ => Reply {
            request_id: &request_id,
            host_id: match get("RegionId") {
                Some(region) if plausible_region(region) => {
                    format!("smartag.{region}.aliyuncs.com")
                }
                _ => "smartag.aliyuncs.com".to_string(),
            },
            product: "Smartag",
        },
    };

    if request.method != "GET" && request.method != "POST" {
        return reply.error(
            400,
            "UnsupportedHTTPMethod",
            "This http method is not supported.",
        );
    }
    if request.path != "/" {
        return reply.error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }

    // STS documents this refusal; a body it cannot read would otherwise look unsigned.
    if service == Service::Sts && request.method == "POST" && !request.body.is_empty() {
        let readable = request.header("content-type").is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/x-www-form-urlencoded")
                || ct.starts_with("application/json")
        });
        if !readable {
            return reply.error(
                400,
                "InvalidParameter.ContentType",
                "The ContentType request header must be either \"application/json\" or \
                 \"application/x-www-form-urlencoded\".",
            );
        }
    }

    let mut state = shared.lock();
    let Some(access_key) = get("AccessKeyId") else {
        return reply.error(
            400,
            "MissingAccessKeyId",
            "AccessKeyId is mandatory for this action.",
        );
    };
    let Some(caller) = temporary::identify(&state, AccountKind::Alibaba, access_key) else {
        return reply.error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        );
    };
    let incomplete = "The request signature does not conform to Aliyun standards.";
    if get("SignatureMethod") != Some(signer::SIGNATURE_METHOD)
        || get("SignatureVersion") != Some(signer::SIGNATURE_VERSION)
        || get("Signature").is_none_or(str::is_empty)
    {
        return reply.error(400, "IncompleteSignature", incomplete);
    }
    let Some(timestamp) = get("Timestamp") else {
        return reply.error(
            400,
            "MissingTimestamp",
            "Timestamp is mandatory for this action.",
        );
    };
    let Ok(at) = timestamp.parse::<jiff::Timestamp>() else {
        return reply.error(
            400,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        );
    };
    if (jiff::Timestamp::now().as_second() - at.as_second()).abs() > MAX_SKEW_SECONDS {
        return reply.error(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        );
    }
    let Some(nonce) = get("SignatureNonce").filter(|n| !n.is_empty()) else {
        return reply.error(
            400,
            "MissingSignatureNonce",
            "SignatureNonce is mandatory for this action.",
        );
    };
    if let Err(refusal) = check_token(&reply, &caller, get("SecurityToken")) {
        return refusal;
    }
    let (valid, string_to_sign) = check_signature(&request.method, &params, &caller.secret);
    if !valid {
        // Alibaba echoes its string to sign; the token is a secret, so it is masked here.
        let echoed = match get("SecurityToken") {
            Some(token) if !token.is_empty() => {
                string_to_sign.replace(&sign::percent_encode(&sign::percent_encode(token)), "***")
            }
            _ => string_to_sign,
        };
        let message = format!(
            "Specified signature is not matched with our calculation. \
             server string to sign is:{echoed}"
        );
        return reply.error(400, "SignatureDoesNotMatch", &message);
    }
    let access_key = access_key.to_string();
    if !Shared::use_nonce(&mut state, &access_key, nonce) {
        return reply.error(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        );
    }

    let version = match service {
        Service::Quotas => quota_center::VERSION,
        Service::Sts => sts::VERSION,
        _ => SMARTAG_VERSION,
    };
    match get("Version") {
        Some(v) if v == version => {}
        Some(_) => {
            return reply.error(
                400,
                "InvalidVersion",
                "Specified parameter Version is not valid.",
            );
        }
        None => {
            return reply.error(
                400,
                "MissingVersion",
                "Version is mandatory for this action.",
            );
        }
    }
    match service {
        Service::Quotas => {
            // The account's own key: a temporary key sees the role's account.
            let account_key = state.accounts[caller.account].access_key.clone();
            return quota_center::handle(
                &reply,
                &mut state,
                &account_key,
                &params,
                request.received_at,
            );
        }
        Service::Sts => {
            return sts::handle(
                &reply,
                &mut state,
                &caller,
                &access_key,
                &params,
                request.received_at,
            );
        }
        _ => {}
    }
    let action = get("Action").unwrap_or("");
    if !matches!(
        action,
        "GetCloudConnectNetworkUseLimit"
            | "CreateCloudConnectNetwork"
            | "DescribeCloudConnectNetworks"
    ) {
        return reply.error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    let Some(region) = get("RegionId").filter(|r| !r.is_empty()) else {
        return reply.error(
            400,
            "MissingRegionId",
            "RegionId is mandatory for this action.",
        );
    };
    let Some(ccn) = state
        .accounts
        .get_mut(caller.account)
        .and_then(|a| a.ccn.iter_mut().find(|(name, _)| name == region))
        .map(|(_, ccn)| ccn)
    else {
        return reply.error(
            400,
            "InvalidRegionId",
            "The specified region does not exist.",
        );
    };

    match action {
        "GetCloudConnectNetworkUseLimit" => reply.ok(json!({
            "TotalAmount": ccn.total,
            "UsedAmount": used(ccn),
        })),
        "CreateCloudConnectNetwork" => create(&reply, ccn, &params),
        _ => describe(&reply, ccn, &params),
    }
}

/// The `SecurityToken` rules: a key issued with a token needs exactly that token, and a
/// temporary one only until it expires; a key without one must not send one. The codes are the
/// gateway's public ones; their HTTP statuses (400 here, as for the other gateway refusals) are
/// unconfirmed.
fn check_token(reply: &Reply<'_>, caller: &Caller, sent: Option<&str>) -> Result<(), HttpResponse> {
    match (&caller.token, sent) {
        (None, None) => Ok(()),
        (Some(expected), Some(got))
            if sign::constant_time_eq(expected.as_bytes(), got.as_bytes()) =>
        {
            if caller.expired() {
                return Err(reply.error(
                    400,
                    "InvalidSecurityToken.Expired",
                    "Specified SecurityToken is expired.",
                ));
            }
            Ok(())
        }
        (Some(_), None) => Err(reply.error(
            400,
            "MissingSecurityToken",
            "SecurityToken is mandatory for this action.",
        )),
        _ => Err(reply.error(
            400,
            "InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.",
        )),
    }
}

fn used(ccn: &CcnRegion) -> u64 {
    ccn.used_extra.saturating_add(ccn.networks.len() as u64)
}

fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn starts_well(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    text.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || is_chinese(c))
        && !lower.starts_with("http://")
        && !lower.starts_with("https://")
}

/// The API page's rule: 2-128 characters, a letter or Chinese character first, then letters,
/// Chinese characters, digits, `.`, `_`, `-`.
fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    (2..=128).contains(&count)
        && starts_well(name)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || is_chinese(c) || matches!(c, '.' | '_' | '-'))
}

/// 2-256 characters, a letter or Chinese character first.
fn valid_description(description: &str) -> bool {
    (2..=256).contains(&description.chars().count()) && starts_well(description)
}

fn create(reply: &Reply<'_>, ccn: &mut CcnRegion, params: &[(String, String)]) -> HttpResponse {
    let get = |name: &str| param(params, name);
    let is_default = match get("IsDefault") {
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(_) => {
            return reply.error(
                400,
                "InvalidParameter",
                "The specified parameter IsDefault is not valid.",
            );
        }
        None => {
            return reply.error(
                400,
                "MissingIsDefault",
                "IsDefault is mandatory for this action.",
            );
        }
    };
    // An empty optional parameter is treated as absent, as the real API does.
    let name = get("Name").unwrap_or("");
    if !name.is_empty() && !valid_name(name) {
        return reply.error(403, "InvalidName", "Name not valid.");
    }
    let description = get("Description").unwrap_or("");
    if !description.is_empty() && !valid_description(description) {
        return reply.error(403, "InvalidDescription", "Description not valid.");
    }
    if used(ccn) >= ccn.total {
        return reply.error(
            403,
            "CcnAmountLimit",
            "The CCNs you created has reached the limit, you can raise the limit by application.",
        );
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let suffix: String = (0..20)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect();
    let network = Network {
        ccn_id: format!("ccn-{suffix}"),
        name: name.to_string(),
        description: description.to_string(),
        cidr_block: get("CidrBlock").unwrap_or("").to_string(),
        snat_cidr_block: get("SnatCidrBlock").unwrap_or("").to_string(),
        is_default,
        status: "Active".to_string(),
        create_time: jiff::Timestamp::now().as_millisecond(),
    };
    let response = reply.ok(json!({
        "CcnId": network.ccn_id,
        "Name": network.name,
        "Status": network.status,
        "Description": network.description,
        "CidrBlock": network.cidr_block,
        "SnatCidrBlock": network.snat_cidr_block,
    }));
    ccn.networks.push(network);
    response
}

fn describe(reply: &Reply<'_>, ccn: &CcnRegion, params: &[(String, String)]) -> HttpResponse {
    let get = |name: &str| param(params, name);
    let number = |name: &str, default: u64, max: u64| match get(name) {
        None | Some("") => Some(default),
        Some(text) => text.parse::<u64>().ok().filter(|n| (1..=max).contains(n)),
    };
    let Some(page_number) = number("PageNumber", 1, u64::from(u32::MAX)) else {
        return reply.error(
            400,
            "InvalidParameter",
            "The specified parameter PageNumber is not valid.",
        );
    };
    let Some(page_size) = number("PageSize", 10, 50) else {
        return reply.error(
            400,
            "InvalidParameter",
            "The specified parameter PageSize is not valid.",
        );
    };
    let name = get("Name").filter(|n| !n.is_empty());
    let id = get("CcnId").filter(|n| !n.is_empty());
    let matching: Vec<&Network> = ccn
        .networks
        .iter()
        .filter(|n| name.is_none_or(|name| n.name == name))
        .filter(|n| id.is_none_or(|id| n.ccn_id == id))
        .collect();
    let skip = usize::try_from((page_number - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let page: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(page_size as usize)
        .map(|n| {
            json!({
                "CcnId": n.ccn_id,
                "Name": n.name,
                "Status": n.status,
                "Description": n.description,
                "CidrBlock": n.cidr_block,
                "SnatCidrBlock": n.snat_cidr_block,
                "IsDefault": n.is_default,
                "CreateTime": n.create_time,
                "AssociatedCenId": "",
                "AssociatedCenOwnerId": "",
                "AssociatedSmartAGCount": 0,
                "AvailableSmartAGCount": 0,
                "AssociatedCloudBoxCount": 0,
                "AvailableCloudBoxCount": 0,
                "InterworkingStatus": "enable",
                "ResourceGroupId": "rg-acfm2iu4fnccq4i",
                "Tags": {"Tag": []},
            })
        })
        .collect();
    reply.ok(json!({
        "TotalCount": matching.len(),
        "PageNumber": page_number,
        "PageSize": page_size,
        "CloudConnectNetworks": {"CloudConnectNetwork": page},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_and_description_rules() {
        assert!(valid_name("prod-ccn_1.a"));
        assert!(valid_name("云连接网1"));
        assert!(!valid_name("a"));
        assert!(!valid_name("1abc"));
        assert!(!valid_name("ab cd"));
        assert!(!valid_name(&"a".repeat(129)));
        assert!(valid_name(&"a".repeat(128)));
        assert!(valid_name("http-x"));
        assert!(!valid_name("http://x"));
        assert!(valid_description("Primary network, office A"));
        assert!(!valid_description("https://x.example"));
        assert!(!valid_description("9 lives"));
        assert!(!valid_description(&"a".repeat(257)));
    }
}
