//! The fault suite (README, Security): one injected fault per test, on ONE endpoint (one
//! profile's one service) while every other endpoint stays healthy. Each test asserts that the
//! healthy rows are all printed, that the failure has the right `kind` (the error kinds of
//! docs/exit-codes-and-errors.md), the exit code, the number of attempts the fake saw, and that
//! the run ends within its time budget.
//!
//! Every case prints its time on stderr: `cargo test --test cli faults -- --nocapture` shows
//! the suite's timing table.

use std::collections::BTreeSet;
use std::process::Output;
use std::time::{Duration, Instant};

use headroom::fake::{Fault, FaultKind, Service};
use serde_json::Value;

use crate::support::*;

/// Every row of `World::standard()`: (profile, service, resource).
const STANDARD_ROWS: &[(&str, &str, &str)] = &[
    ("ali", "smartag", "ccn"),
    ("hw", "vpc", "vpc"),
    ("hw", "vpc", "securityGroupRule"),
    ("hw", "vpc", "vpcPeer"),
    ("hw", "vpn", "customer_gateway"),
    ("hw", "vpn", "vpn_connection"),
    ("hw", "vpn", "vpn_gateway"),
    ("hw", "vpcep", "endpoint"),
    ("hw", "vpcep", "endpoint_service"),
    ("otc", "vpc", "publicIp"),
    ("otc", "vpn", "vpn_gateway"),
    ("otc", "vpcep", "endpoint"),
];

/// Runs `headroom --config <standard> -o json ARGS`, prints the case's time, and checks the
/// time budget.
fn run_case(name: &str, world: &World, args: &[&str], budget: Duration) -> Output {
    let mut all = vec!["-o", "json"];
    all.extend_from_slice(args);
    let started = Instant::now();
    let output = world.run(&all);
    let elapsed = started.elapsed();
    eprintln!(
        "fault case {name:<28} {:>6} ms  exit {}",
        elapsed.as_millis(),
        code(&output)
    );
    assert!(
        elapsed < budget,
        "{name}: took {elapsed:?}, budget {budget:?}\n{}",
        stderr(&output)
    );
    output
}

/// Every standard row except those of the failed (profile, service) is in the report, and the
/// failed one has none.
fn assert_healthy_rows(doc: &Value, failed: Option<(&str, &str)>) {
    let present: BTreeSet<(String, String, String)> = doc["quotas"]
        .as_array()
        .expect("quotas")
        .iter()
        .map(|r| {
            (
                r["profile"].as_str().unwrap().to_string(),
                r["service"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = STANDARD_ROWS
        .iter()
        .filter(|(p, s, _)| Some((*p, *s)) != failed)
        .map(|(p, s, r)| (p.to_string(), s.to_string(), r.to_string()))
        .collect();
    assert_eq!(present, expected, "{doc:#}");
}

/// The one error of the report: it belongs to (profile, service) and has `kind`.
fn the_error<'a>(doc: &'a Value, profile: &str, service: &str, kind: &str) -> &'a Value {
    let errors = doc["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "exactly one failed query: {doc:#}");
    let error = &errors[0];
    assert_eq!(error["profile"], profile, "{error}");
    assert_eq!(error["service"], service, "{error}");
    assert_eq!(error["kind"], kind, "{error}");
    assert_eq!(doc["status"], "unknown", "{doc:#}");
    assert_eq!(doc["summary"]["failed_queries"], 1);
    error
}

/// Requests the fake received for `service` with `access_key`.
fn attempts(world: &World, service: Service, access_key: &str) -> usize {
    world
        .fake
        .requests()
        .iter()
        .filter(|r| r.service == service && r.access_key.as_deref() == Some(access_key))
        .count()
}

fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Slowness

#[test]
fn latency_beyond_the_timeout_fails_only_that_endpoint() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(Service::Vpcep, FaultKind::Latency(Duration::from_secs(20))).for_key(HW_KEY),
    );
    let output = run_case(
        "latency 20s, timeout 500ms",
        &world,
        &["--timeout", "500ms"],
        Duration::from_secs(5),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("hw", "vpcep")));
    let error = the_error(&doc, "hw", "vpcep", "timeout");
    assert!(message(error).contains("500ms"), "{error}");
    // A timeout is not retried (README): the run stays bounded by one timeout.
    assert_eq!(attempts(&world, Service::Vpcep, HW_KEY), 1);
    assert!(stderr(&output).contains("[timeout]"), "{}", stderr(&output));
}

#[test]
fn a_body_dripping_one_byte_a_second_times_out() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(Service::Vpn, FaultKind::Drip(Duration::from_secs(1))).for_key(OTC_KEY),
    );
    let output = run_case(
        "drip 1 byte/s, timeout 2s",
        &world,
        &["--timeout", "2s"],
        Duration::from_secs(7),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("otc", "vpn")));
    // The timeout covers the whole exchange, not just the wait for the headers.
    let error = the_error(&doc, "otc", "vpn", "timeout");
    assert!(message(error).contains("2s"), "{error}");
    assert_eq!(attempts(&world, Service::Vpn, OTC_KEY), 1);
}

// ---------------------------------------------------------------------------------------------
// Retryable refusals: the first answers fail, then the endpoint recovers

#[test]
fn first_answers_429_with_retry_after_are_retried_after_the_wait() {
    let world = World::standard();
    // A bare 429 (no known error body) from the gateway, with Retry-After: 1.
    world.fake.add_fault(
        Fault::times(
            Service::Vpcep,
            1,
            FaultKind::Respond {
                status: 429,
                headers: vec![
                    ("Retry-After".into(), "1".into()),
                    ("Content-Type".into(), "text/plain".into()),
                ],
                body: "Too Many Requests".into(),
            },
        )
        .for_key(OTC_KEY),
    );
    let started = Instant::now();
    let output = run_case(
        "429 + Retry-After: 1, x1",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let doc = json(&output);
    assert_healthy_rows(&doc, None);
    assert_eq!(attempts(&world, Service::Vpcep, OTC_KEY), 2);
    assert_eq!(stderr(&output), "");
    world.assert_all_signed();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "the retry waited out Retry-After"
    );
}

#[test]
fn a_429_retry_after_is_honoured_in_time() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::times(
            Service::Smartag,
            2,
            FaultKind::Respond {
                status: 429,
                headers: vec![("Retry-After".into(), "1".into())],
                body: r#"{"RequestId":"t","Code":"Throttling","Message":"Request was denied due to request throttling."}"#.into(),
            },
        ),
    );
    let started = Instant::now();
    let output = run_case(
        "429 Throttling + Retry-After, x2",
        &world,
        &["-p", "ali", "--retries", "2", "--timeout", "2s"],
        Duration::from_secs(7),
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "two Retry-After: 1 waits"
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(row(&json(&output), "ali", "ccn")["used"], 6);
    assert_eq!(attempts(&world, Service::Smartag, ALI_KEY), 3);
}

#[test]
fn first_answers_500_are_retried_until_the_endpoint_recovers() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::times(
            Service::Vpc,
            2,
            FaultKind::Respond {
                status: 500,
                headers: vec![],
                body: r#"{"code":"VPC.0001","message":"internal error"}"#.into(),
            },
        )
        .for_key(HW_KEY),
    );
    let output = run_case(
        "500 x2, then ok",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_healthy_rows(&json(&output), None);
    assert_eq!(attempts(&world, Service::Vpc, HW_KEY), 3);
    world.assert_all_signed();
}

#[test]
fn a_500_that_persists_is_a_server_error_after_the_retry_budget() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(
            Service::Vpc,
            FaultKind::Respond {
                status: 500,
                headers: vec![],
                body: r#"{"code":"VPC.0001","message":"internal error"}"#.into(),
            },
        )
        .for_key(HW_KEY),
    );
    let output = run_case(
        "500 always, retries 2",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("hw", "vpc")));
    let error = the_error(&doc, "hw", "vpc", "server");
    assert_eq!(error["http_status"], 500);
    assert_eq!(error["code"], "VPC.0001");
    assert_eq!(attempts(&world, Service::Vpc, HW_KEY), 3);
}

#[test]
fn first_answers_503_are_retried_until_the_endpoint_recovers() {
    let world = World::standard();
    world.fake.add_fault(Fault::times(
        Service::Smartag,
        2,
        FaultKind::Respond {
            status: 503,
            headers: vec![],
            body: r#"{"RequestId":"u-1","HostId":"smartag.cn-shanghai.aliyuncs.com","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}"#.into(),
        },
    ));
    let output = run_case(
        "503 ServiceUnavailable x2",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_healthy_rows(&json(&output), None);
    assert_eq!(attempts(&world, Service::Smartag, ALI_KEY), 3);
    world.assert_all_signed();
}

#[test]
fn alibaba_throttling_user_is_retried_and_reported_when_it_persists() {
    let world = World::standard();
    let throttled = FaultKind::Respond {
        status: 400,
        headers: vec![],
        body: r#"{"RequestId":"t-1","HostId":"smartag.cn-shanghai.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#.into(),
    };
    world
        .fake
        .add_fault(Fault::times(Service::Smartag, 2, throttled.clone()));
    let output = run_case(
        "400 Throttling.User x2",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_healthy_rows(&json(&output), None);
    assert_eq!(attempts(&world, Service::Smartag, ALI_KEY), 3);

    // When it never stops, the retry budget ends it as `throttled`, the others unharmed.
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Smartag, throttled));
    let output = run_case(
        "400 Throttling.User always",
        &world,
        &["--retries", "1", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("ali", "smartag")));
    let error = the_error(&doc, "ali", "smartag", "throttled");
    assert_eq!(error["code"], "Throttling.User");
    assert_eq!(error["http_status"], 400);
    assert_eq!(attempts(&world, Service::Smartag, ALI_KEY), 2);
}

#[test]
fn huawei_apigw_0308_on_the_iam_lookup_is_retried() {
    // The OTC profile has no project id: the throttling hits its IAM lookup, which must be
    // retried like any read; the quota queries then run with the id it found.
    let world = World::standard();
    world.fake.add_fault(
        Fault::times(
            Service::Iam,
            2,
            FaultKind::Respond {
                status: 429,
                headers: vec![],
                body: r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 second","request_id":"gw-1"}"#.into(),
            },
        )
        .for_key(OTC_KEY),
    );
    let output = run_case(
        "429 APIGW.0308 on IAM x2",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_healthy_rows(&json(&output), None);
    // One lookup shared by the region's three services: 2 throttled + 1 good.
    assert_eq!(attempts(&world, Service::Iam, OTC_KEY), 3);
    world.assert_all_signed();
}

#[test]
fn huawei_apigw_0308_that_persists_is_throttled() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(
            Service::Vpn,
            FaultKind::Respond {
                status: 429,
                headers: vec![],
                body: r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#.into(),
            },
        )
        .for_key(HW_KEY),
    );
    let output = run_case(
        "429 APIGW.0308 always",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("hw", "vpn")));
    let error = the_error(&doc, "hw", "vpn", "throttled");
    assert_eq!(error["code"], "APIGW.0308");
    assert_eq!(error["http_status"], 429);
    assert_eq!(attempts(&world, Service::Vpn, HW_KEY), 3);
}

// ---------------------------------------------------------------------------------------------
// Answers that cannot be used

#[test]
fn malformed_json_is_a_bad_response() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Vpn, FaultKind::MalformedJson).for_key(OTC_KEY));
    let output = run_case(
        "malformed JSON",
        &world,
        &["--timeout", "2s"],
        Duration::from_secs(4),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("otc", "vpn")));
    let error = the_error(&doc, "otc", "vpn", "bad_response");
    assert!(message(error).contains("JSON"), "{error}");
    assert_eq!(error["http_status"], 200);
    assert_eq!(attempts(&world, Service::Vpn, OTC_KEY), 1, "not retried");
}

#[test]
fn a_truncated_body_is_a_bad_response() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Smartag, FaultKind::TruncatedBody));
    let output = run_case(
        "truncated body",
        &world,
        &["--retries", "1", "--timeout", "2s"],
        Duration::from_secs(5),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("ali", "smartag")));
    // An empty or truncated body is `bad_response` (docs/exit-codes-and-errors.md): the server
    // answered, but not with anything usable. The connection broke mid-body, which may be
    // passing, so the read is retried first.
    let error = the_error(&doc, "ali", "smartag", "bad_response");
    assert!(message(error).contains("cut short"), "{error}");
    assert_eq!(attempts(&world, Service::Smartag, ALI_KEY), 2);
}

#[test]
fn a_50_mb_body_is_refused_at_1_mib_without_holding_it() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(Service::Vpc, FaultKind::HugeBody(50 * 1024 * 1024)).for_key(HW_KEY),
    );
    let output = run_case(
        "50 MB body",
        &world,
        &["--timeout", "5s"],
        Duration::from_secs(4),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("hw", "vpc")));
    let error = the_error(&doc, "hw", "vpc", "bad_response");
    assert!(message(error).contains("1 MiB"), "{error}");
    assert_eq!(attempts(&world, Service::Vpc, HW_KEY), 1, "not retried");

    // Peak memory of the child, where GNU time is there to measure it.
    if let Some(max_rss_kib) = peak_rss_kib(&world, &["-o", "json", "-p", "hw"]) {
        eprintln!("fault case 50 MB body: peak RSS {} KiB", max_rss_kib);
        assert!(
            max_rss_kib < 48 * 1024,
            "peak RSS {max_rss_kib} KiB: the body was held in memory"
        );
    } else {
        eprintln!("fault case 50 MB body: /usr/bin/time missing, peak memory not measured");
    }
}

/// The peak resident memory of one `headroom` run, from GNU time (`/usr/bin/time -f %M`).
fn peak_rss_kib(world: &World, args: &[&str]) -> Option<u64> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = world.dir.path().join("time.txt");
    let config = world.standard_config("");
    let status = std::process::Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(assert_cmd::cargo::cargo_bin("headroom"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", world.dir.path())
        .env("HW_SECRET", HW_SECRET)
        .env("ALI_SECRET", ALI_SECRET)
        .env("OTC_SECRET", OTC_SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    assert_eq!(
        status.code(),
        Some(3),
        "the measured run failed as expected"
    );
    std::fs::read_to_string(&report)
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

#[test]
fn a_connection_closed_without_an_answer_is_a_network_error() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Vpcep, FaultKind::CloseWithoutAnswer).for_key(OTC_KEY));
    let output = run_case(
        "closed without an answer",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(5),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("otc", "vpcep")));
    the_error(&doc, "otc", "vpcep", "network");
    // A connection error on a read is retried within the budget.
    assert_eq!(attempts(&world, Service::Vpcep, OTC_KEY), 3);
}

#[test]
fn an_html_502_page_is_reported_by_status_and_excerpt_and_retried() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Vpc, FaultKind::Html502).for_key(OTC_KEY));
    let output = run_case(
        "HTML 502 always",
        &world,
        &["--retries", "2", "--timeout", "2s"],
        Duration::from_secs(6),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("otc", "vpc")));
    let error = the_error(&doc, "otc", "vpc", "bad_response");
    assert_eq!(error["http_status"], 502);
    let text = message(error);
    assert!(text.contains("502"), "{text}");
    assert!(text.contains("502 Bad Gateway"), "a short excerpt: {text}");
    assert!(!text.contains('<'), "tags stripped: {text}");
    assert!(text.len() < 300, "short: {text}");
    // A 5xx is retried, even when its body is a page.
    assert_eq!(attempts(&world, Service::Vpc, OTC_KEY), 3);
    let err = stderr(&output);
    assert!(
        err.contains("otc eu-de vpc") && err.contains("HTTP 502"),
        "{err}"
    );
}

#[test]
fn an_empty_200_is_a_bad_response() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Smartag, FaultKind::Empty200));
    let output = run_case(
        "empty 200",
        &world,
        &["--timeout", "2s"],
        Duration::from_secs(4),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("ali", "smartag")));
    let error = the_error(&doc, "ali", "smartag", "bad_response");
    assert!(message(error).contains("empty"), "{error}");
    assert_eq!(
        attempts(&world, Service::Smartag, ALI_KEY),
        1,
        "not retried"
    );
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let world = World::standard();
    // Alibaba's query string carries the signature: the worst request to see redirected.
    world
        .fake
        .add_fault(Fault::always(Service::Smartag, FaultKind::Redirect));
    let output = run_case(
        "302 to another host",
        &world,
        &["--timeout", "2s"],
        Duration::from_secs(4),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("ali", "smartag")));
    let error = the_error(&doc, "ali", "smartag", "bad_response");
    assert_eq!(error["http_status"], 302);
    let text = message(error);
    assert!(text.contains("redirect"), "{text}");
    // The message names where it pointed, but not the signed query it carried.
    for leaked in ["Signature", "AccessKeyId", ALI_KEY, "SignatureNonce"] {
        assert!(!text.contains(leaked), "{leaked} in {text}");
        assert!(!stderr(&output).contains(leaked), "{leaked} on stderr");
    }
    // Nothing, so no credentials, ever reached the other host.
    let trapped: Vec<_> = world
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.service == Service::Elsewhere)
        .collect();
    assert!(trapped.is_empty(), "followed the redirect: {trapped:?}");
    assert_eq!(
        attempts(&world, Service::Smartag, ALI_KEY),
        1,
        "not retried"
    );
}

#[test]
fn a_huawei_redirect_never_carries_the_authorization_header_away() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Vpcep, FaultKind::Redirect).for_key(HW_KEY));
    let output = run_case(
        "302 (Huawei, signed header)",
        &world,
        &["--timeout", "2s"],
        Duration::from_secs(4),
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_healthy_rows(&doc, Some(("hw", "vpcep")));
    the_error(&doc, "hw", "vpcep", "bad_response");
    assert!(
        world
            .fake
            .requests()
            .iter()
            .all(|r| r.service != Service::Elsewhere),
        "the trap was reached"
    );
}
