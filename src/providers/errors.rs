//! Understanding a provider's refusal: the error body of every documented shape, the request
//! id, the error kind that `errors[].kind` reports (docs/exit-codes-and-errors.md), and whether
//! a read may be retried (throttling, 5xx, a lost connection or a cut-short answer; never a
//! timeout).

use std::time::Duration;

use serde_json::Value;

use crate::http::{Exchange, TransportError};
use crate::quota::ErrorKind;

/// Why one query (or one attempt of it) failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub http_status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// A read may be tried again (throttling, 5xx, connection errors).
    pub retryable: bool,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// The provider may have acted on the request (decides whether a create may be retried).
    pub maybe_delivered: bool,
}

impl Failure {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            http_status: None,
            code: None,
            message: message.into(),
            request_id: None,
            retryable: false,
            retry_after: None,
            maybe_delivered: false,
        }
    }

    /// The provider answered with an error of its own (a 4xx, or a throttling answer whose
    /// retries are spent), so it did not act on the request. Transport failures, 5xx and
    /// unreadable answers leave the outcome unknown.
    pub fn outcome_known(&self) -> bool {
        let provider_refused = self.http_status.is_some_and(|s| (400..500).contains(&s))
            && self.kind != ErrorKind::BadResponse;
        provider_refused || self.kind == ErrorKind::Throttled
    }

    /// The failure as one failed query of the report.
    pub fn into_query_error(
        self,
        profile: &str,
        provider: crate::quota::Provider,
        region: &str,
        service: &str,
    ) -> crate::quota::QueryError {
        crate::quota::QueryError {
            profile: profile.to_string(),
            provider,
            region: region.to_string(),
            service: service.to_string(),
            kind: self.kind,
            http_status: self.http_status,
            code: self.code,
            message: self.message,
            request_id: self.request_id,
        }
    }

    /// A 2xx answer that cannot be used.
    pub fn bad_response(exchange: &Exchange, message: impl Into<String>) -> Failure {
        Failure {
            http_status: Some(exchange.status),
            request_id: header_request_id(exchange),
            maybe_delivered: true,
            ..Failure::new(ErrorKind::BadResponse, message)
        }
    }

    pub fn from_transport(error: &TransportError, timeout: Duration) -> Failure {
        let maybe_delivered = error.maybe_delivered();
        let (kind, message, retryable) = match error {
            TransportError::Connect(cause) => (
                ErrorKind::Network,
                format!("could not connect: {cause}"),
                true,
            ),
            TransportError::Network(cause) => (
                ErrorKind::Network,
                format!("the connection failed: {cause}"),
                true,
            ),
            TransportError::Timeout => (
                ErrorKind::Timeout,
                format!(
                    "no complete answer within {}",
                    crate::config::display_duration(timeout)
                ),
                false,
            ),
            TransportError::Truncated(cause) => (
                ErrorKind::BadResponse,
                format!("the answer was cut short: {cause}"),
                true,
            ),
            TransportError::TooLarge => (
                ErrorKind::BadResponse,
                "the answer is larger than 1 MiB; refused".to_string(),
                false,
            ),
        };
        Failure {
            retryable,
            maybe_delivered,
            ..Failure::new(kind, message)
        }
    }
}

/// The values one request carried that must never come back in a message: Alibaba echoes its
/// whole string to sign (with the access key id) in `SignatureDoesNotMatch`, and any gateway may
/// echo a header. Each is replaced by its masked form, raw and percent-encoded (once and twice,
/// as a string to sign holds it).
#[derive(Debug, Default)]
pub struct Scrubber {
    /// (value, shown instead), longest value first.
    replacements: Vec<(String, String)>,
}

impl Scrubber {
    /// What a failure of `request` must not show: the credentials and signature it carried,
    /// and every configured secret in `secrets`.
    pub fn for_request(request: &reqwest::Request, secrets: &[crate::secret::Secret]) -> Scrubber {
        let mut scrubber = Scrubber::default();
        for secret in secrets {
            scrubber.add(secret.expose(), "(redacted)");
        }
        for (name, value) in request.url().query_pairs() {
            match name.as_ref() {
                "AccessKeyId" => scrubber.add(&value, &crate::secret::mask_key_id(&value)),
                "Signature" | "SecurityToken" => scrubber.add(&value, "(redacted)"),
                _ => {}
            }
        }
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if let Some(authorization) = header("authorization") {
            // `SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=HEX`
            for part in authorization.split([',', ' ']) {
                if let Some(key_id) = part.strip_prefix("Access=") {
                    scrubber.add(key_id, &crate::secret::mask_key_id(key_id));
                } else if let Some(signature) = part.strip_prefix("Signature=") {
                    scrubber.add(signature, "(redacted)");
                }
            }
            scrubber.add(&authorization, "(redacted)");
        }
        if let Some(token) = header("x-security-token") {
            scrubber.add(&token, "(redacted)");
        }
        scrubber
            .replacements
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        scrubber.replacements.dedup();
        scrubber
    }

    fn add(&mut self, value: &str, shown: &str) {
        // Short values could match ordinary words; no credential is that short.
        if value.len() < 8 {
            return;
        }
        let once = crate::sign::percent_encode(value);
        let twice = crate::sign::percent_encode(&once);
        for form in [value.to_string(), once, twice] {
            self.replacements.push((form, shown.to_string()));
        }
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (value, shown) in &self.replacements {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), shown);
            }
        }
        text
    }

    pub fn apply(&self, mut failure: Failure) -> Failure {
        failure.message = self.scrub(&failure.message);
        failure.code = failure.code.map(|c| self.scrub(&c));
        failure.request_id = failure.request_id.map(|id| self.scrub(&id));
        failure
    }
}

/// The code, message and request id of an error body, whatever its documented shape.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// Reads `{error_code, error_msg}`, `{code, message}`, Alibaba's `{Code, Message, RequestId}`,
/// and each of them nested one level down (`{"error": {...}}`, `{"NeutronError": {...}}`),
/// in the order the Huawei SDKs try them. `None` when the body is none of these.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let request_id = ["request_id", "RequestId", "requestId"]
        .iter()
        .find_map(|key| object.get(*key).and_then(text));
    let found = code_and_message(&value).or_else(|| object.values().find_map(code_and_message))?;
    Some(ErrorBody {
        request_id: found.request_id.or(request_id),
        ..found
    })
}

fn code_and_message(value: &Value) -> Option<ErrorBody> {
    let object = value.as_object()?;
    const SHAPES: [(&str, &str); 3] = [
        ("error_code", "error_msg"),
        ("code", "message"),
        ("Code", "Message"),
    ];
    SHAPES.iter().find_map(|(code_key, message_key)| {
        let code = object.get(*code_key).and_then(text);
        let message = object.get(*message_key).and_then(text);
        (code.is_some() || message.is_some()).then(|| ErrorBody {
            code,
            message,
            request_id: ["request_id", "RequestId"]
                .iter()
                .find_map(|key| object.get(*key).and_then(text)),
        })
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn header_request_id(exchange: &Exchange) -> Option<String> {
    ["x-request-id", "x-acs-request-id", "x-openstack-request-id"]
        .iter()
        .find_map(|name| exchange.header(name))
        .map(|id| sanitize(id, 100))
        .filter(|id| !id.is_empty())
}

/// Turns a non-2xx answer into a failure with its kind and retry advice.
pub fn failure_from_status(exchange: &Exchange) -> Failure {
    let status = exchange.status;
    let body = parse_error_body(&exchange.body);
    let readable = body.is_some();
    let body = body.unwrap_or_default();
    let code = body.code.map(|c| sanitize(&c, 100));
    let message = match body.message {
        Some(message) => sanitize(&message, 300),
        None if readable => String::new(),
        None => unreadable_message(exchange),
    };
    let request_id = body
        .request_id
        .map(|id| sanitize(&id, 100))
        .or_else(|| header_request_id(exchange));
    let (kind, retryable) = classify(status, code.as_deref(), readable);
    let retry_after = exchange
        .header("retry-after")
        .and_then(|value| parse_retry_after(value, jiff::Timestamp::now()));
    Failure {
        kind,
        http_status: Some(status),
        code,
        message,
        request_id,
        retryable,
        retry_after,
        maybe_delivered: true,
    }
}

/// The error kind (docs/exit-codes-and-errors.md lists the codes of each) and whether a read may
/// be retried: throttling, any 5xx and the providers' "service unavailable" codes are passing; a
/// refusal of the credentials or of the request is not.
pub fn classify(status: u16, code: Option<&str>, readable_body: bool) -> (ErrorKind, bool) {
    let code = code.unwrap_or("");
    // Huawei's own FAQs print the gateway's throttling code as `APIG.0308` as well; Quota
    // Center says `ACQUIRE.LOCK.FAIL` ("the request is too frequent").
    let throttled = status == 429
        || code.starts_with("Throttling")
        || matches!(
            code,
            "APIGW.0308" | "APIG.0308" | "VPN.0429" | "IAM.0012" | "ACQUIRE.LOCK.FAIL"
        );
    // A RAM denial may come with HTTP 400; which code Quota Center sends is not documented.
    let denied = code.starts_with("Forbidden") || code == "RAM.PERMISSION.DENIED";
    let retryable = throttled
        || (500..600).contains(&status)
        || matches!(code, "ServiceUnavailable" | "EndPoint.0001");
    let kind = if is_auth_code(code) || status == 401 {
        ErrorKind::Auth
    } else if throttled {
        ErrorKind::Throttled
    } else if status == 403 || denied {
        ErrorKind::Permission
    } else if status == 404 {
        ErrorKind::NotFound
    } else if (300..400).contains(&status) {
        ErrorKind::BadResponse
    } else if (400..500).contains(&status) {
        ErrorKind::BadRequest
    } else if (500..600).contains(&status) && readable_body {
        ErrorKind::Server
    } else {
        ErrorKind::BadResponse
    };
    (kind, retryable)
}

/// Codes that mean the credentials or the signature were rejected, whatever the HTTP status.
fn is_auth_code(code: &str) -> bool {
    matches!(
        code,
        "SignatureDoesNotMatch" | "IncompleteSignature" | "SignatureNonceUsed"
    ) || code.starts_with("InvalidAccessKeyId")
        || code.starts_with("InvalidSecurityToken")
        || code.starts_with("InvalidTimeStamp")
        || matches!(
            code,
            "APIGW.0301" | "APIGW.0302" | "APIGW.0303" | "APIGW.0304" | "APIGW.0305" | "APIGW.0307"
        )
}

/// `Retry-After` in either of its forms: seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`), which is turned into the wait from `now` (none when it
/// has passed). The caller caps the wait.
pub fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = at.as_millisecond().saturating_sub(now.as_millisecond());
    Some(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
}

fn unreadable_message(exchange: &Exchange) -> String {
    let status = exchange.status;
    if (300..400).contains(&status) {
        let location = exchange
            .header("location")
            .map(redirect_target)
            .unwrap_or_default();
        return format!("redirected to {location:?}; redirects are not followed");
    }
    let excerpt = excerpt(&exchange.body);
    if excerpt.is_empty() {
        format!("HTTP {status} with an empty body")
    } else {
        format!("HTTP {status} with a body that is not a known error: {excerpt}")
    }
}

/// Where a redirect points, without its path and query: a `Location` may echo the request's
/// signed query (Alibaba's carries `Signature`, `AccessKeyId` and `SecurityToken`).
fn redirect_target(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(url) if url.has_host() => {
            let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
            if let Some(port) = url.port() {
                shown.push_str(&format!(":{port}"));
            }
            sanitize(&shown, 120)
        }
        // A relative or unparsable location: its text up to any query, which is all it may say.
        _ => {
            let path = location.split(['?', '#']).next().unwrap_or_default();
            sanitize(path, 120)
        }
    }
}

/// A short, single-line, tag-free excerpt of a body, for reporting pages that are not JSON.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c => out.push(c),
        }
    }
    sanitize(&out, 120)
}

/// One line, printable characters only, at most `max` characters (with `...` when cut).
pub fn sanitize(text: &str, max: usize) -> String {
    let collapsed: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if collapsed.chars().count() > max {
        let cut: String = collapsed.chars().take(max).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        let mut map = reqwest::header::HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        Exchange {
            status,
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn every_documented_error_shape() {
        let cases = [
            (
                r#"{"RequestId":"r1","HostId":"h","Code":"Forbidden.RAM","Message":"no","Recommend":"x"}"#,
                "Forbidden.RAM",
                "no",
                Some("r1"),
            ),
            (
                r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM","request_id":"r2"}"#,
                "APIGW.0301",
                "Incorrect IAM",
                Some("r2"),
            ),
            (
                r#"{"code":"VPC.1207","message":"bad type"}"#,
                "VPC.1207",
                "bad type",
                None,
            ),
            (
                r#"{"error":{"code":"VPN.0001","message":"m"}}"#,
                "VPN.0001",
                "m",
                None,
            ),
            (
                r#"{"error":{"error_code":"EndPoint.0002","error_msg":"m2"}}"#,
                "EndPoint.0002",
                "m2",
                None,
            ),
            (
                r#"{"NeutronError":{"type":"X","message":"neutron","code":"VPC.0001"}}"#,
                "VPC.0001",
                "neutron",
                None,
            ),
        ];
        for (body, code, message, request_id) in cases {
            let parsed = parse_error_body(body.as_bytes()).unwrap_or_else(|| panic!("{body}"));
            assert_eq!(parsed.code.as_deref(), Some(code), "{body}");
            assert_eq!(parsed.message.as_deref(), Some(message), "{body}");
            assert_eq!(parsed.request_id.as_deref(), request_id, "{body}");
        }
        assert_eq!(parse_error_body(b"<html>502</html>"), None);
        assert_eq!(parse_error_body(b"[1,2]"), None);
        assert_eq!(parse_error_body(b"{}"), None);
    }

    #[test]
    fn kinds_follow_the_spec() {
        let kind = |status, code| classify(status, code, true).0;
        assert_eq!(kind(400, Some("SignatureDoesNotMatch")), ErrorKind::Auth);
        assert_eq!(
            kind(404, Some("InvalidAccessKeyId.NotFound")),
            ErrorKind::Auth
        );
        assert_eq!(
            kind(400, Some("InvalidSecurityToken.Expired")),
            ErrorKind::Auth
        );
        assert_eq!(kind(401, Some("APIGW.0301")), ErrorKind::Auth);
        assert_eq!(kind(401, None), ErrorKind::Auth);
        assert_eq!(kind(403, Some("Forbidden.RAM")), ErrorKind::Permission);
        assert_eq!(kind(403, Some("VPC.0010")), ErrorKind::Permission);
        assert_eq!(kind(400, Some("Throttling.User")), ErrorKind::Throttled);
        assert_eq!(kind(429, Some("APIGW.0308")), ErrorKind::Throttled);
        assert_eq!(kind(404, Some("X")), ErrorKind::NotFound);
        assert_eq!(kind(400, Some("VPC.1207")), ErrorKind::BadRequest);
        assert_eq!(kind(500, Some("EndPoint.0001")), ErrorKind::Server);
        assert_eq!(classify(502, None, false).0, ErrorKind::BadResponse);
        assert_eq!(classify(302, None, false).0, ErrorKind::BadResponse);
    }

    #[test]
    fn retry_advice_follows_the_spec() {
        let retry = |status, code| classify(status, code, true).1;
        assert!(retry(429, None));
        assert!(retry(500, None));
        assert!(retry(503, Some("ServiceUnavailable")));
        assert!(retry(400, Some("Throttling.User")));
        assert!(retry(429, Some("VPN.0429")));
        assert!(!retry(400, Some("SignatureDoesNotMatch")));
        assert!(!retry(403, Some("Forbidden")));
        assert!(!retry(404, None));
    }

    #[test]
    fn throttling_and_denial_codes_of_every_source() {
        for code in [
            "APIGW.0308",
            "APIG.0308",
            "Throttling.User",
            "ACQUIRE.LOCK.FAIL",
        ] {
            assert_eq!(
                classify(400, Some(code), true),
                (ErrorKind::Throttled, true),
                "{code}"
            );
        }
        for code in ["Forbidden.RAM", "RAM.PERMISSION.DENIED"] {
            assert_eq!(
                classify(400, Some(code), true),
                (ErrorKind::Permission, false),
                "{code}"
            );
        }
        let body = br#"{"badRequest":{"message":"invalid tenant id!","code":"EVS.0001"}}"#;
        let parsed = parse_error_body(body).unwrap();
        assert_eq!(parsed.code.as_deref(), Some("EVS.0001"));
        let body = br#"{"error":{"message":"Policy doesn't allow it","code":"Ecs.0103"}}"#;
        assert_eq!(
            parse_error_body(body).unwrap().code.as_deref(),
            Some("Ecs.0103")
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date() {
        let now: jiff::Timestamp = "2026-10-21T07:27:30Z".parse().unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn failures_take_request_ids_and_retry_after() {
        let failure = failure_from_status(&exchange(
            429,
            &[("Retry-After", "3"), ("X-Request-Id", "hdr-id")],
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
        ));
        assert_eq!(failure.kind, ErrorKind::Throttled);
        assert_eq!(failure.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(failure.request_id.as_deref(), Some("hdr-id"));
        assert!(failure.retryable);
    }

    #[test]
    fn redirects_name_the_host_but_never_the_signed_query() {
        let location = "http://127.0.0.1:9/?AccessKeyId=LTAI5tTestAccessKeyId01&Action=X&SecurityToken=tok123&Signature=c2lnbmF0dXJl";
        let failure = failure_from_status(&exchange(302, &[("Location", location)], ""));
        assert_eq!(failure.kind, ErrorKind::BadResponse);
        assert!(
            failure.message.contains("http://127.0.0.1:9"),
            "{}",
            failure.message
        );
        for secret in ["LTAI5t", "tok123", "c2lnbmF0dXJl", "Signature", "?"] {
            assert!(!failure.message.contains(secret), "{}", failure.message);
        }
        let relative = failure_from_status(&exchange(
            301,
            &[("Location", "/elsewhere?Signature=abc")],
            "",
        ));
        assert!(
            relative.message.contains("/elsewhere"),
            "{}",
            relative.message
        );
        assert!(!relative.message.contains("abc"), "{}", relative.message);
    }

    #[test]
    fn echoed_credentials_are_masked_in_messages() {
        let url = reqwest::Url::parse(
            "https://smartag.cn-shanghai.aliyuncs.com/?AccessKeyId=LTAI5tTestAccessKeyId01&SecurityToken=STS.tok%2Ben%3D0123&Signature=c2lnbmF0dXJlMDEyMw%3D%3D",
        )
        .unwrap();
        let request = reqwest::Request::new(reqwest::Method::GET, url);
        let scrubber = Scrubber::for_request(&request, &[]);
        // What Alibaba answers to a bad signature: its string to sign, encoded once more.
        let echoed = failure_from_status(&exchange(
            400,
            &[],
            r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3DLTAI5tTestAccessKeyId01%26SecurityToken%3DSTS.tok%252Ben%253D0123 sig c2lnbmF0dXJlMDEyMw== token STS.tok+en=0123"}"#,
        ));
        let message = scrubber.apply(echoed).message;
        assert!(message.contains("LTAI****Id01"), "{message}");
        for secret in ["LTAI5t", "STS.tok", "c2lnbmF0dXJl"] {
            assert!(!message.contains(secret), "{secret} in {message}");
        }

        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            reqwest::Url::parse("https://vpc.eu-de.otc.t-systems.com/v1/p/quotas").unwrap(),
        );
        let authorization = "SDK-HMAC-SHA256 Access=HPUATESTAKEXAMPLE0001, SignedHeaders=host;x-sdk-date, Signature=0123456789abcdef0123456789abcdef";
        request
            .headers_mut()
            .insert("authorization", authorization.parse().unwrap());
        request.headers_mut().insert(
            "x-security-token",
            "huawei-token-value-0123".parse().unwrap(),
        );
        let scrubber = Scrubber::for_request(&request, &[]);
        let shown = scrubber.scrub(&format!(
            "ak HPUATESTAKEXAMPLE0001 sig 0123456789abcdef0123456789abcdef token huawei-token-value-0123; {authorization}"
        ));
        assert_eq!(
            shown,
            "ak HPUA****0001 sig (redacted) token (redacted); (redacted)"
        );
    }

    #[test]
    fn a_body_cut_short_is_a_bad_response_that_may_be_retried() {
        let failure = Failure::from_transport(
            &TransportError::Truncated("connection closed".into()),
            Duration::from_secs(1),
        );
        assert_eq!(failure.kind, ErrorKind::BadResponse);
        assert!(failure.retryable);
        assert!(failure.maybe_delivered);
        assert!(failure.message.contains("cut short"), "{}", failure.message);
    }

    #[test]
    fn html_pages_are_reported_by_status_and_excerpt() {
        let failure = failure_from_status(&exchange(
            502,
            &[],
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        ));
        assert_eq!(failure.kind, ErrorKind::BadResponse);
        assert!(failure.message.contains("HTTP 502"), "{}", failure.message);
        assert!(
            failure.message.contains("502 Bad Gateway"),
            "{}",
            failure.message
        );
        assert!(!failure.message.contains('<'));
        assert!(failure.retryable);
    }
}
