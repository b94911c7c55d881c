//! End-to-end tests of the fake cloud over real sockets: requests signed with the project's
//! signers, sent with reqwest or a raw `TcpStream` (for the wire-level faults).

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;
use crate::sign::{alibaba as ali, huawei as hw};

mod assume;
mod sources;

const ALI_SECRET: &str = "DemoSecretAlibabaNotARealKey00";
const HW_SECRET: &str = "DemoSecretHuaweiCloudNotARealKey00000000";
const OTC_SECRET: &str = "DemoSecretOpenTelekomCloudNotARealKey000";

/// One client per test thread (each test has its own thread and runtime, and a pooled
/// connection must not outlive its runtime): building one loads the TLS roots, slow enough to
/// dominate a test that sends hundreds of requests.
fn client() -> reqwest::Client {
    thread_local! {
        static CLIENT: reqwest::Client = {
            // reqwest 0.13 with `rustls-no-provider` refuses to build any client, plain http
            // included, until a process-wide crypto provider is installed.
            let _ = rustls::crypto::ring::default_provider().install_default();
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a plain-http client")
        };
    }
    CLIENT.with(reqwest::Client::clone)
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The full signed query for one Alibaba call, with a fresh nonce unless one is given.
fn ali_query(
    method: &str,
    action: &str,
    region: &str,
    extra: &[(&str, &str)],
    secret: &str,
    nonce: Option<&str>,
    token: Option<&str>,
) -> String {
    let fresh = uuid::Uuid::new_v4().simple().to_string();
    let timestamp = ali::timestamp(jiff::Timestamp::now());
    let ctx = ali::RpcContext {
        action,
        version: "2018-03-13",
        format: "JSON",
        access_key_id: DEMO_ALIBABA_ACCESS_KEY,
        region_id: region,
        security_token: token,
        timestamp: &timestamp,
        nonce: nonce.unwrap_or(&fresh),
    };
    ali::signed_query(method, &ali::rpc_params(&ctx, &params(extra)), secret)
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        json,
    }
}

async fn ali_get(
    handle: &FakeHandle,
    action: &str,
    region: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let query = ali_query("GET", action, region, extra, ALI_SECRET, None, None);
    send(client().get(format!("{}/?{query}", handle.url(Service::Smartag)))).await
}

/// A signed Huawei GET, signing `host`, `x-sdk-date` and, when given, `x-security-token`.
fn hw_request(
    base: &str,
    path: &str,
    query: &[(&str, &str)],
    access_key: &str,
    secret: &str,
    token: Option<&str>,
) -> reqwest::RequestBuilder {
    let host = base.trim_start_matches("http://").to_string();
    let date = hw::sdk_date(jiff::Timestamp::now());
    let mut headers = vec![
        ("Host".to_string(), host),
        ("X-Sdk-Date".to_string(), date.clone()),
    ];
    if let Some(token) = token {
        headers.push(("X-Security-Token".to_string(), token.to_string()));
    }
    let query = params(query);
    let request = hw::Request {
        method: "GET",
        path,
        query: &query,
        headers: &headers,
        body: b"",
    };
    let signed = hw::sign(&request, &date, access_key, secret);
    let canonical = hw::canonical_query(&query);
    let url = if canonical.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{canonical}")
    };
    let mut builder = client()
        .get(url)
        .header("Authorization", signed.authorization);
    // reqwest sends the same Host by itself.
    for (name, value) in headers.iter().filter(|(name, _)| name != "Host") {
        builder = builder.header(name, value);
    }
    builder
}

async fn hw_get(
    handle: &FakeHandle,
    service: Service,
    path: &str,
    query: &[(&str, &str)],
) -> Answer {
    let request = hw_request(
        &handle.url(service),
        path,
        query,
        DEMO_HUAWEI_ACCESS_KEY,
        HW_SECRET,
        None,
    );
    send(request).await
}

fn vpc_path() -> String {
    format!("/v1/{DEMO_HUAWEI_PROJECT_ID}/quotas")
}

/// Writes raw bytes and reads until the server closes (or 5 s pass).
async fn raw(url: &str, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .expect("connect");
    stream.write_all(request).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    out
}

fn header(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn alibaba_signed_request_succeeds_and_is_recorded() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let answer = ali_get(
        &handle,
        "GetCloudConnectNetworkUseLimit",
        "cn-shanghai",
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(answer.json["TotalAmount"], 10);
    assert_eq!(answer.json["UsedAmount"], 6);
    assert_eq!(
        answer.json["RequestId"].as_str(),
        Some(header(&answer, "x-acs-request-id").as_str())
    );
    let hk = ali_get(
        &handle,
        "GetCloudConnectNetworkUseLimit",
        "cn-hongkong",
        &[],
    )
    .await;
    assert_eq!(
        (
            hk.json["UsedAmount"].as_u64(),
            hk.json["TotalAmount"].as_u64()
        ),
        (Some(9), Some(10))
    );

    let recorded = handle.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].service, Service::Smartag);
    assert_eq!(
        recorded[0].access_key.as_deref(),
        Some(DEMO_ALIBABA_ACCESS_KEY)
    );
    assert_eq!(
        recorded[0].action.as_deref(),
        Some("GetCloudConnectNetworkUseLimit")
    );
    assert!(recorded[0].signature_valid);
}

#[tokio::test]
async fn alibaba_refusals_use_the_real_codes() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let base = handle.url(Service::Smartag);
    let limit = "GetCloudConnectNetworkUseLimit";

    let wrong = ali_query(
        "GET",
        limit,
        "cn-shanghai",
        &[],
        "not-the-secret",
        None,
        None,
    );
    let answer = send(client().get(format!("{base}/?{wrong}"))).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json["Code"], "SignatureDoesNotMatch");
    let message = answer.json["Message"].as_str().unwrap_or("");
    assert!(
        message.contains("server string to sign is:GET&%2F&AccessKeyId%3D"),
        "{message}"
    );
    assert!(!message.contains(ALI_SECRET));
    for field in ["RequestId", "HostId", "Recommend"] {
        assert!(answer.json[field].is_string(), "{field}");
    }
    assert!(!handle.requests()[0].signature_valid);

    let nonce = uuid::Uuid::new_v4().to_string();
    let once = ali_query(
        "GET",
        limit,
        "cn-shanghai",
        &[],
        ALI_SECRET,
        Some(&nonce),
        None,
    );
    assert_eq!(
        send(client().get(format!("{base}/?{once}"))).await.status,
        200
    );
    let replay = send(client().get(format!("{base}/?{once}"))).await;
    assert_eq!(
        (replay.status, replay.json["Code"].as_str()),
        (400, Some("SignatureNonceUsed"))
    );

    let unknown = once.replace(DEMO_ALIBABA_ACCESS_KEY, "LTAI5tNobodyHasThisKey0");
    let answer = send(client().get(format!("{base}/?{unknown}"))).await;
    assert_eq!(
        (answer.status, answer.json["Code"].as_str()),
        (404, Some("InvalidAccessKeyId.NotFound"))
    );

    // A correctly signed request from 20 minutes ago.
    let old = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(20);
    let stale = ali::rpc_params(
        &ali::RpcContext {
            action: limit,
            version: "2018-03-13",
            format: "JSON",
            access_key_id: DEMO_ALIBABA_ACCESS_KEY,
            region_id: "cn-shanghai",
            security_token: None,
            timestamp: &ali::timestamp(old),
            nonce: "stale-nonce",
        },
        &[],
    );
    let stale = ali::signed_query("GET", &stale, ALI_SECRET);
    let answer = send(client().get(format!("{base}/?{stale}"))).await;
    assert_eq!(answer.json["Code"], "InvalidTimeStamp.Expired");

    let cases = [
        ("NoSuchAction", "cn-shanghai", 404, "InvalidAction.NotFound"),
        (limit, "", 400, "MissingRegionId"),
        (limit, "eu-central-1", 400, "InvalidRegionId"),
    ];
    for (action, region, status, code) in cases {
        let answer = ali_get(&handle, action, region, &[]).await;
        assert_eq!(
            (answer.status, answer.json["Code"].as_str()),
            (status, Some(code)),
            "{action}"
        );
    }

    let sha256 = format!("{base}/?{}", once.replace("HMAC-SHA1", "HMAC-SHA256"));
    let answer = send(client().get(sha256)).await;
    assert_eq!(answer.json["Code"], "IncompleteSignature");
}

#[tokio::test]
async fn alibaba_security_token_is_required_and_signed() {
    let mut cloud = FakeCloud::demo();
    cloud.accounts[0].security_token = Some("CAIS-demo-sts-token".into());
    let handle = cloud.start().await.expect("start");
    let base = handle.url(Service::Smartag);
    let limit = "GetCloudConnectNetworkUseLimit";
    let without = ali_query("GET", limit, "cn-shanghai", &[], ALI_SECRET, None, None);
    let answer = send(client().get(format!("{base}/?{without}"))).await;
    assert_eq!(answer.json["Code"], "MissingSecurityToken");
    let other = ali_query(
        "GET",
        limit,
        "cn-shanghai",
        &[],
        ALI_SECRET,
        None,
        Some("CAIS-other"),
    );
    let answer = send(client().get(format!("{base}/?{other}"))).await;
    assert_eq!(
        answer.json["Code"],
        "InvalidSecurityToken.MismatchWithAccessKey"
    );
    let token = Some("CAIS-demo-sts-token");
    let with = ali_query("GET", limit, "cn-shanghai", &[], ALI_SECRET, None, token);
    assert_eq!(
        send(client().get(format!("{base}/?{with}"))).await.status,
        200
    );
    // The signature mismatch message echoes the string to sign, but never the token.
    let bad = ali_query("GET", limit, "cn-shanghai", &[], "wrong", None, token);
    let answer = send(client().get(format!("{base}/?{bad}"))).await;
    assert_eq!(answer.json["Code"], "SignatureDoesNotMatch");
    assert!(
        !answer.json.to_string().contains("demo-sts-token"),
        "{}",
        answer.json
    );
}

#[tokio::test]
async fn create_then_describe_finds_the_network_and_the_limit_holds() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let base = handle.url(Service::Smartag);
    // POST with some parameters in a form body: the signature covers query and form together.
    let timestamp = ali::timestamp(jiff::Timestamp::now());
    let nonce = uuid::Uuid::new_v4().to_string();
    let ctx = ali::RpcContext {
        action: "CreateCloudConnectNetwork",
        version: "2018-03-13",
        format: "JSON",
        access_key_id: DEMO_ALIBABA_ACCESS_KEY,
        region_id: "cn-hongkong",
        security_token: None,
        timestamp: &timestamp,
        nonce: &nonce,
    };
    let common = ali::rpc_params(&ctx, &[]);
    let form = params(&[
        ("Name", "edge-hk"),
        ("Description", "Edge sites in Hong Kong"),
        ("CidrBlock", "10.30.0.0/16"),
        ("IsDefault", "false"),
    ]);
    let everything: Vec<_> = common.iter().chain(form.iter()).cloned().collect();
    let signature = ali::signature(
        ALI_SECRET,
        &ali::string_to_sign("POST", &ali::canonicalized_query(&everything)),
    );
    let query = format!(
        "{}&Signature={}",
        ali::canonicalized_query(&common),
        crate::sign::percent_encode(&signature)
    );
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::sign::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = client()
        .post(format!("{base}/?{query}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    let created = send(request).await;
    assert_eq!(created.status, 200, "{}", created.json);
    let id = created.json["CcnId"].as_str().unwrap_or("").to_string();
    assert!(id.starts_with("ccn-") && id.len() == 24, "{id}");
    assert!(
        id[4..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert_eq!(created.json["Status"], "Active");
    assert_eq!(created.json["Name"], "edge-hk");

    let found = ali_get(
        &handle,
        "DescribeCloudConnectNetworks",
        "cn-hongkong",
        &[("Name", "edge-hk")],
    )
    .await;
    assert_eq!(found.json["TotalCount"], 1, "{}", found.json);
    let network = &found.json["CloudConnectNetworks"]["CloudConnectNetwork"][0];
    assert_eq!(network["CcnId"].as_str(), Some(id.as_str()));
    assert_eq!(network["CidrBlock"], "10.30.0.0/16");
    assert_eq!(network["IsDefault"], false);
    assert_eq!(
        handle
            .networks(DEMO_ALIBABA_ACCESS_KEY, "cn-hongkong")
            .len(),
        2
    );

    // 10 of 10 now: the next create is refused, and nothing is created.
    let create = [("Name", "one-more"), ("IsDefault", "false")];
    let refused = ali_get(&handle, "CreateCloudConnectNetwork", "cn-hongkong", &create).await;
    assert_eq!(
        (refused.status, refused.json["Code"].as_str()),
        (403, Some("CcnAmountLimit"))
    );
    assert_eq!(
        handle
            .networks(DEMO_ALIBABA_ACCESS_KEY, "cn-hongkong")
            .len(),
        2
    );

    let bad_name = [("Name", "1-starts-with-a-digit"), ("IsDefault", "false")];
    let answer = ali_get(
        &handle,
        "CreateCloudConnectNetwork",
        "cn-shanghai",
        &bad_name,
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["Code"].as_str()),
        (403, Some("InvalidName"))
    );
    let bad_description = [
        ("Name", "ok-name"),
        ("Description", "http://x"),
        ("IsDefault", "true"),
    ];
    let answer = ali_get(
        &handle,
        "CreateCloudConnectNetwork",
        "cn-shanghai",
        &bad_description,
    )
    .await;
    assert_eq!(answer.json["Code"], "InvalidDescription");
    let page = ali_get(
        &handle,
        "DescribeCloudConnectNetworks",
        "cn-shanghai",
        &[("PageSize", "1")],
    )
    .await;
    assert_eq!(
        (
            page.json["TotalCount"].as_u64(),
            page.json["PageSize"].as_u64()
        ),
        (Some(2), Some(1))
    );
}

#[tokio::test]
async fn huawei_signed_requests_succeed_in_every_service() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let answer = hw_get(&handle, Service::Vpc, &vpc_path(), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let resources = answer.json["quotas"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        resources
            .iter()
            .any(|r| r["type"] == "securityGroupRule" && r["used"] == 4500)
    );
    assert!(resources.iter().any(|r| r["quota"] == -1));
    assert_eq!(header(&answer, "x-request-id").len(), 32);

    let filtered = hw_get(
        &handle,
        Service::Vpc,
        &vpc_path(),
        &[("type", "securityGroupRule")],
    )
    .await;
    let only = filtered.json["quotas"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["min"], 0);

    let vpn = format!("/v5/{DEMO_HUAWEI_PROJECT_ID}/vpn/quotas");
    let answer = hw_get(&handle, Service::Vpn, &vpn, &[]).await;
    assert_eq!(
        answer.json["quotas"]["resources"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        answer.json["request_id"].as_str(),
        Some(header(&answer, "x-request-id").as_str())
    );

    let answer = hw_get(
        &handle,
        Service::Vpcep,
        &vpc_path(),
        &[("type", "endpoint")],
    )
    .await;
    assert_eq!(answer.json["quotas"]["resources"][0]["quota"], 150);

    assert!(handle.requests().iter().all(|r| r.signature_valid));
}

#[tokio::test]
async fn huawei_refusals_use_the_real_shapes() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let vpc = handle.url(Service::Vpc);
    let wrong = hw_request(
        &vpc,
        &vpc_path(),
        &[],
        DEMO_HUAWEI_ACCESS_KEY,
        "wrong-secret",
        None,
    );
    let answer = send(wrong).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json["error_code"], "APIGW.0301");
    assert!(
        answer.json["error_msg"]
            .as_str()
            .unwrap_or("")
            .starts_with("Incorrect IAM")
    );
    assert_eq!(
        answer.json["request_id"].as_str(),
        Some(header(&answer, "x-request-id").as_str())
    );

    let unsigned = send(client().get(format!("{vpc}{}", vpc_path()))).await;
    assert_eq!(
        (unsigned.status, unsigned.json["error_code"].as_str()),
        (401, Some("APIGW.0301"))
    );

    let answer = hw_get(
        &handle,
        Service::Vpc,
        &vpc_path(),
        &[("type", "noSuchThing")],
    )
    .await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPC.1207"))
    );
    let other = format!("/v1/{DEMO_OTC_PROJECT_ID}/quotas");
    let answer = hw_get(&handle, Service::Vpc, &other, &[]).await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPC.0007"))
    );
    let answer = hw_get(&handle, Service::Vpn, "/v5/nothing/here", &[]).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (404, Some("VPN.0404"))
    );

    // The demo's "endpoint that fails": OTC's VPCEP, permanently.
    let base = handle.url(Service::Vpcep);
    let path = format!("/v1/{DEMO_OTC_PROJECT_ID}/quotas");
    let request = hw_request(&base, &path, &[], DEMO_OTC_ACCESS_KEY, OTC_SECRET, None);
    let answer = send(request).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (403, Some("EndPoint.0005"))
    );
    assert_eq!(header(&answer, "x-request-id").len(), 32);
}

#[tokio::test]
async fn huawei_security_token_must_be_sent_and_signed() {
    let mut cloud = FakeCloud::demo();
    cloud.accounts[1].security_token = Some("temporary-token-value".into());
    let handle = cloud.start().await.expect("start");
    let base = handle.url(Service::Vpc);
    let key = DEMO_HUAWEI_ACCESS_KEY;
    assert_eq!(
        send(hw_request(&base, &vpc_path(), &[], key, HW_SECRET, None))
            .await
            .status,
        401
    );
    let wrong = hw_request(&base, &vpc_path(), &[], key, HW_SECRET, Some("other"));
    assert_eq!(send(wrong).await.status, 401);
    let right = hw_request(
        &base,
        &vpc_path(),
        &[],
        key,
        HW_SECRET,
        Some("temporary-token-value"),
    );
    let answer = send(right).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert!(!answer.json.to_string().contains("temporary-token-value"));
}

#[tokio::test]
async fn iam_lists_the_project_of_a_region() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let iam = handle.url(Service::Iam);
    let request = hw_request(
        &iam,
        "/v3/projects",
        &[("name", "eu-de")],
        DEMO_OTC_ACCESS_KEY,
        OTC_SECRET,
        None,
    );
    let answer = send(request).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let projects = answer.json["projects"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0]["id"], DEMO_OTC_PROJECT_ID);
    assert_eq!(projects[0]["name"], "eu-de");
    assert_eq!(projects[0]["enabled"], true);
    assert!(
        answer.json["links"]["self"]
            .as_str()
            .is_some_and(|s| s.starts_with(&iam))
    );

    let none = [("name", "cn-north-4")];
    let request = hw_request(
        &iam,
        "/v3/projects",
        &none,
        DEMO_OTC_ACCESS_KEY,
        OTC_SECRET,
        None,
    );
    assert_eq!(send(request).await.json["projects"], serde_json::json!([]));
}

#[tokio::test]
async fn a_fault_with_a_budget_fails_that_often_then_recovers() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let throttled = FaultKind::Respond {
        status: 429,
        headers: vec![("Retry-After".into(), "1".into())],
        body:
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#
                .into(),
    };
    handle.add_fault(Fault::times(Service::Vpc, 2, throttled).for_key(DEMO_HUAWEI_ACCESS_KEY));
    // A fault for another key does not match.
    handle.add_fault(Fault::always(Service::Vpc, FaultKind::Html502).for_key("someone-else"));
    for _ in 0..2 {
        let answer = hw_get(&handle, Service::Vpc, &vpc_path(), &[]).await;
        assert_eq!(
            (answer.status, answer.json["error_code"].as_str()),
            (429, Some("APIGW.0308"))
        );
        assert_eq!(header(&answer, "retry-after"), "1");
        assert_eq!(header(&answer, "x-request-id").len(), 32);
    }
    assert_eq!(
        hw_get(&handle, Service::Vpc, &vpc_path(), &[]).await.status,
        200
    );

    // Matching by Alibaba action.
    let busy = FaultKind::Respond {
        status: 400,
        headers: Vec::new(),
        body: serde_json::json!({
            "RequestId": "X",
            "Code": "Throttling.User",
            "Message": "Request was denied due to user flow control.",
        })
        .to_string(),
    };
    handle.add_fault(
        Fault::times(Service::Smartag, 1, busy).for_action("DescribeCloudConnectNetworks"),
    );
    let answer = ali_get(
        &handle,
        "GetCloudConnectNetworkUseLimit",
        "cn-shanghai",
        &[],
    )
    .await;
    assert_eq!(answer.status, 200);
    let answer = ali_get(&handle, "DescribeCloudConnectNetworks", "cn-shanghai", &[]).await;
    assert_eq!(answer.json["Code"], "Throttling.User");
    assert!(!header(&answer, "x-acs-request-id").is_empty());
    handle.clear_faults();
}

#[tokio::test]
async fn close_without_answer_and_truncated_body_break_the_read() {
    let handle = FakeCloud::demo().start().await.expect("start");
    handle.add_fault(Fault::times(Service::Vpc, 1, FaultKind::CloseWithoutAnswer));
    let error = hw_request(
        &handle.url(Service::Vpc),
        &vpc_path(),
        &[],
        DEMO_HUAWEI_ACCESS_KEY,
        HW_SECRET,
        None,
    )
    .send()
    .await;
    assert!(error.is_err());

    handle.add_fault(Fault::times(Service::Vpc, 1, FaultKind::TruncatedBody));
    let response = hw_request(
        &handle.url(Service::Vpc),
        &vpc_path(),
        &[],
        DEMO_HUAWEI_ACCESS_KEY,
        HW_SECRET,
        None,
    )
    .send()
    .await
    .expect("headers arrive");
    assert_eq!(response.status(), 200);
    assert!(response.text().await.is_err());

    // Raw view of the same: the head claims more than the socket delivers.
    handle.add_fault(Fault::times(Service::Smartag, 1, FaultKind::TruncatedBody));
    let query = ali_query(
        "GET",
        "GetCloudConnectNetworkUseLimit",
        "cn-shanghai",
        &[],
        ALI_SECRET,
        None,
        None,
    );
    let request = format!("GET /?{query} HTTP/1.1\r\nHost: x\r\n\r\n");
    let bytes = raw(&handle.url(Service::Smartag), request.as_bytes()).await;
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_default();
    let claimed: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(claimed > body.len() && !body.is_empty(), "{text}");
    assert!(head.contains("x-acs-request-id: "));
}

#[tokio::test]
async fn act_then_drop_really_creates() {
    let handle = FakeCloud::demo().start().await.expect("start");
    handle.add_fault(
        Fault::times(Service::Smartag, 1, FaultKind::ActThenDrop)
            .for_action("CreateCloudConnectNetwork"),
    );
    let create = [("Name", "dropped-answer"), ("IsDefault", "false")];
    let query = ali_query(
        "GET",
        "CreateCloudConnectNetwork",
        "cn-shanghai",
        &create,
        ALI_SECRET,
        None,
        None,
    );
    let result = client()
        .get(format!("{}/?{query}", handle.url(Service::Smartag)))
        .send()
        .await;
    assert!(result.is_err());
    let networks = handle.networks(DEMO_ALIBABA_ACCESS_KEY, "cn-shanghai");
    assert!(
        networks.iter().any(|n| n.name == "dropped-answer"),
        "{networks:?}"
    );
    let found = ali_get(
        &handle,
        "DescribeCloudConnectNetworks",
        "cn-shanghai",
        &[("Name", "dropped-answer")],
    )
    .await;
    assert_eq!(found.json["TotalCount"], 1);
}

#[tokio::test]
async fn redirect_points_at_the_trap_which_records_everything() {
    let handle = FakeCloud::demo().start().await.expect("start");
    handle.add_fault(Fault::always(Service::Vpc, FaultKind::Redirect));
    let answer = hw_get(&handle, Service::Vpc, &vpc_path(), &[("type", "vpc")]).await;
    assert_eq!(answer.status, 302);
    let location = header(&answer, "location");
    let expected = format!("{}{}?type=vpc", handle.url(Service::Elsewhere), vpc_path());
    assert_eq!(location, expected);
    // A client that (wrongly) follows it lands on the trap.
    let trapped = send(
        client()
            .get(&location)
            .header("Authorization", "SDK-HMAC-SHA256 leaked"),
    )
    .await;
    assert_eq!(
        (trapped.status, trapped.json.clone()),
        (200, serde_json::json!({}))
    );
    let at_trap: Vec<_> = handle
        .requests()
        .into_iter()
        .filter(|r| r.service == Service::Elsewhere)
        .collect();
    assert_eq!(at_trap.len(), 1);
    assert!(at_trap[0].header("authorization").is_some());
    assert!(!at_trap[0].signature_valid);
}

#[tokio::test]
async fn body_faults_have_the_promised_shapes() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let path = vpc_path();
    let get = || hw_get(&handle, Service::Vpc, &path, &[]);
    let add = |kind| handle.add_fault(Fault::times(Service::Vpc, 1, kind));

    add(FaultKind::MalformedJson);
    let answer = get().await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json,
        Value::String(r#"{"quotas": {"resources": ["#.into())
    );

    add(FaultKind::Empty200);
    let answer = get().await;
    assert_eq!(
        (answer.status, answer.json.clone()),
        (200, Value::String(String::new()))
    );

    add(FaultKind::Html502);
    let answer = get().await;
    assert_eq!(answer.status, 502);
    assert!(
        answer
            .json
            .as_str()
            .is_some_and(|s| s.contains("<center>nginx</center>"))
    );

    add(FaultKind::HugeBody(300_000));
    let answer = get().await;
    let resources = answer.json["quotas"]["resources"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert!(resources > 1000, "a valid JSON body of many entries");

    // Dripped on the short Smartag answer (about 90 bytes) to keep the test quick.
    let drip = FaultKind::Drip(Duration::from_millis(2));
    handle.add_fault(Fault::times(Service::Smartag, 1, drip));
    let started = std::time::Instant::now();
    let answer = ali_get(
        &handle,
        "GetCloudConnectNetworkUseLimit",
        "cn-shanghai",
        &[],
    )
    .await;
    assert_eq!(answer.json["UsedAmount"], 6);
    assert!(started.elapsed() >= Duration::from_millis(100));

    add(FaultKind::Latency(Duration::from_millis(150)));
    let started = std::time::Instant::now();
    assert_eq!(get().await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn huge_body_is_exactly_the_size_asked() {
    let handle = FakeCloud::demo().start().await.expect("start");
    handle.add_fault(Fault::always(
        Service::Smartag,
        FaultKind::HugeBody(2 * 1024 * 1024 + 7),
    ));
    let bytes = raw(
        &handle.url(Service::Smartag),
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |at| at + 4);
    let body = &bytes[split..];
    assert_eq!(body.len(), 2 * 1024 * 1024 + 7);
    let parsed: Value = serde_json::from_slice(body).expect("valid JSON");
    assert_eq!(parsed["TotalAmount"], 10);
}

#[tokio::test]
async fn keep_alive_pipelining_and_garbage() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let url = handle.url(Service::Elsewhere);
    // Two requests on one connection, the second asking to close.
    let two = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n\
        POST /b HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
    let text = String::from_utf8_lossy(&raw(&url, two).await).into_owned();
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    let recorded = handle.requests();
    assert_eq!(
        recorded.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        ["/a", "/b"]
    );
    assert_eq!(recorded[1].body, "abc");

    for garbage in [
        &b"\x00\x01\x02 nonsense\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
        b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET / HTTP/1.1\r\n: empty\r\n\r\n",
    ] {
        let text = String::from_utf8_lossy(&raw(&url, garbage).await).into_owned();
        assert!(
            text.starts_with("HTTP/1.1 4") || text.starts_with("HTTP/1.1 5"),
            "{text}"
        );
    }
    let huge_head = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(70_000));
    let text = String::from_utf8_lossy(&raw(&url, huge_head.as_bytes()).await).into_owned();
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    // A signed-service listener survives garbage too.
    let garbage = b"GET /%%%?&&== HTTP/1.1\r\nAuthorization: SDK-HMAC-SHA256 ,,,\r\n\
        Connection: close\r\n\r\n";
    let text = String::from_utf8_lossy(&raw(&handle.url(Service::Vpc), garbage).await).into_owned();
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
}

#[tokio::test]
async fn many_concurrent_requests() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let mut tasks = Vec::new();
    for _ in 0..300 {
        let request = hw_request(
            &handle.url(Service::Vpn),
            &format!("/v5/{DEMO_HUAWEI_PROJECT_ID}/vpn/quotas"),
            &[],
            DEMO_HUAWEI_ACCESS_KEY,
            HW_SECRET,
            None,
        );
        tasks.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status().as_u16())
        }));
    }
    for task in tasks {
        assert!(matches!(task.await, Ok(Ok(200))));
    }
    assert_eq!(handle.requests().len(), 300);
}

#[tokio::test]
async fn demo_config_points_at_the_listeners() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let yaml = demo_config_yaml(&handle);
    let parsed: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("valid YAML");
    let profiles = &parsed["profiles"];
    assert_eq!(
        profiles["ali-demo"]["endpoints"]["smartag"].as_str(),
        Some(handle.url(Service::Smartag).as_str())
    );
    assert_eq!(
        profiles["hw-demo"]["project_id"].as_str(),
        Some(DEMO_HUAWEI_PROJECT_ID)
    );
    assert_eq!(profiles["otc-demo"]["provider"].as_str(), Some("otc"));
    assert!(profiles["otc-demo"]["project_id"].is_null());
    assert_eq!(
        profiles["otc-demo"]["endpoints"]["iam"].as_str(),
        Some(handle.url(Service::Iam).as_str())
    );
    assert!(!format!("{:?}", FakeCloud::demo()).contains(ALI_SECRET));
}

#[test]
fn spawned_cloud_stops_when_the_handle_is_dropped() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let address = handle
        .url(Service::Vpc)
        .trim_start_matches("http://")
        .to_string();
    let clone = handle.clone();
    drop(handle);
    assert!(
        std::net::TcpStream::connect(&address).is_ok(),
        "a clone keeps it alive"
    );
    drop(clone);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(&address).is_ok() {
        assert!(std::time::Instant::now() < deadline, "still listening");
        std::thread::sleep(Duration::from_millis(10));
    }
}
