//! `headroom check` end to end: every API, the merged table and JSON, thresholds, failures.

use headroom::fake::{Fault, FaultKind, Service};
use serde_json::json;

use crate::support::*;

#[test]
fn three_providers_merge_into_one_table() {
    let world = World::standard();
    let output = world.run(&["--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output)); // securityGroupRule 90% is a warning
    insta::assert_snapshot!("merged_table", stdout(&output));
    assert_eq!(stderr(&output), "");
    world.assert_all_signed();
}

#[test]
fn bare_headroom_is_check() {
    let world = World::standard();
    let config = world.standard_config("");
    let bare = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let check = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["check", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&bare)["quotas"], json(&check)["quotas"]);
}

#[test]
fn json_document_has_the_documented_shape() {
    let world = World::standard();
    let output = world.run(&["-o", "json"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("merged_json", stable(&stdout(&output)));
    let doc = json(&output);
    // Top-level keys in the documented order (serde_json's Value would sort them).
    let text = stdout(&output);
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("  \"")
                .and_then(|rest| rest.split('"').next())
        })
        .collect();
    assert_eq!(
        keys,
        [
            "schema_version",
            "generated_at",
            "status",
            "summary",
            "quotas",
            "errors"
        ]
    );
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["status"], "warning");
    assert_eq!(
        doc["summary"],
        json!({"total": 12, "ok": 11, "warning": 1, "critical": 0, "failed_queries": 0})
    );
    let sgr = row(&doc, "hw", "securityGroupRule");
    assert_eq!(
        *sgr,
        json!({"profile": "hw", "provider": "huaweicloud", "region": "cn-north-4", "service": "vpc",
               "resource": "securityGroupRule", "used": 4500, "limit": 5000, "min": 0,
               "usage_percent": 90.0, "left": 500, "status": "warning", "warn": 80, "crit": 95,
               "trend": null})
    );
    let ccn = row(&doc, "ali", "ccn");
    assert_eq!(
        (
            ccn["used"].as_u64(),
            ccn["limit"].as_u64(),
            ccn["service"].as_str()
        ),
        (Some(6), Some(10), Some("smartag"))
    );
    assert!(ccn.get("min").is_none(), "min only where the API gives it");
    // OTC found its project id through IAM, signed like the rest.
    assert!(
        world
            .fake
            .requests()
            .iter()
            .any(|r| r.service == Service::Iam && r.path == "/v3/projects")
    );
    assert_eq!(row(&doc, "otc", "publicIp")["used"], 2);
}

#[test]
fn unlimited_rows_have_no_limit_percentage_or_left() {
    let world = World::standard();
    let doc = json(&world.run(&["-o", "json"]));
    let peer = row(&doc, "hw", "vpcPeer");
    assert_eq!(peer["limit"], json!(null));
    assert_eq!(peer["usage_percent"], json!(null));
    assert_eq!(peer["left"], json!(null));
    assert_eq!(peer["status"], "ok");
}

fn single_vpc_world(resources: Vec<serde_json::Value>) -> World {
    let mut cloud = standard_cloud();
    cloud.accounts[1].quotas = vec![("cn-north-4".into(), Service::Vpc, resources)];
    World::new(cloud)
}

fn hw_only_config(world: &World, extra: &str) -> std::path::PathBuf {
    let profile = world
        .hw_profile("hw")
        .replace("services: [vpc, vpn, vpcep]", "services: [vpc]");
    world.write_config(&format!("profiles:\n{profile}{extra}"))
}

#[test]
fn thresholds_exactly_at_warn_and_crit() {
    let world = single_vpc_world(vec![
        entry("below", json!(79), json!(100)),
        entry("atwarn", json!(80), json!(100)),
        entry("belowcrit", json!(94), json!(100)),
        entry("atcrit", json!(95), json!(100)),
    ]);
    let config = hw_only_config(&world, "");
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    let doc = json(&output);
    for (resource, status) in [
        ("below", "ok"),
        ("atwarn", "warning"),
        ("belowcrit", "warning"),
        ("atcrit", "critical"),
    ] {
        assert_eq!(row(&doc, "hw", resource)["status"], status, "{resource}");
    }
    // The command line moves the thresholds.
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["-o", "json", "--warn", "96", "--crit", "99"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0);
}

#[test]
fn per_resource_threshold_overrides() {
    let world = single_vpc_world(vec![
        entry("securityGroupRule", json!(61), json!(100)),
        entry("subnet", json!(61), json!(100)),
        entry("vpc", json!(8), json!(10)),
    ]);
    let thresholds = "thresholds:\n  \"vpc/securityGroupRule\": { warn: 60, crit: 90 }\n  \"hw:vpc/vpc\": { warn_left: 3, crit_left: 2 }\n  \"vpc/vpc\": { warn: 99, crit: 99 }\n";
    let config = hw_only_config(&world, thresholds);
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let doc = json(&output);
    assert_eq!(row(&doc, "hw", "securityGroupRule")["status"], "warning");
    assert_eq!(row(&doc, "hw", "securityGroupRule")["warn"], 60);
    assert_eq!(row(&doc, "hw", "subnet")["status"], "ok");
    // The profile-qualified absolute rule wins: 2 left is fewer than 3 (warning), not fewer than 2.
    let vpc = row(&doc, "hw", "vpc");
    assert_eq!(vpc["status"], "warning", "{vpc}");
    assert_eq!(vpc["warn_left"], 3);
    assert_eq!(code(&output), 1);
}

#[test]
fn string_numbers_and_unknown_types_are_kept() {
    let world = single_vpc_world(vec![
        json!({"type": "vpc", "used": "4", "quota": "150", "min": "0"}),
        json!({"type": "quantumTunnel", "used": 1, "quota": 2}),
    ]);
    let config = hw_only_config(&world, "");
    let doc = json(
        &world
            .headroom()
            .arg("--config")
            .arg(&config)
            .args(["-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(row(&doc, "hw", "vpc")["used"], 4);
    assert_eq!(row(&doc, "hw", "vpc")["limit"], 150);
    assert_eq!(row(&doc, "hw", "quantumTunnel")["usage_percent"], 50.0);
}

#[test]
fn a_malformed_entry_fails_only_its_query() {
    let world = single_vpc_world(vec![json!({"type": "vpc", "quota": 150})]);
    let output = world.run(&["-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc:#}");
    assert_eq!(errors[0]["kind"], "bad_response");
    assert_eq!(errors[0]["service"], "vpc");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("unexpected response: field `used` is missing"),
        "{}",
        errors[0]
    );
    assert_eq!(
        row(&doc, "ali", "ccn")["used"],
        6,
        "other rows are still there"
    );
    assert_eq!(doc["status"], "unknown");
}

#[test]
fn a_failing_endpoint_does_not_hide_the_others() {
    let world = World::standard();
    world.fake.add_fault(Fault::always(
        Service::Vpcep,
        FaultKind::Respond {
            status: 403,
            headers: vec![],
            body: r#"{"error_code":"EndPoint.0005","error_msg":"Policy doesn't allow vpcep:quotas:get to be performed."}"#.into(),
        },
    ));
    let output = world.run(&["--color", "never"]);
    assert_eq!(code(&output), 3);
    let out = stdout(&output);
    assert!(out.contains("securityGroupRule"), "{out}");
    assert!(out.contains("ccn"));
    assert!(
        out.contains("quotas: 0 critical, 1 warning, 8 ok; 2 queries failed"),
        "{out}"
    );
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("hw cn-north-4 vpcep"), "{err}");
    assert!(err.contains("EndPoint.0005"), "{err}");
    assert!(err.contains("403"), "{err}");
    assert!(err.contains("[permission]"), "{err}");
}

/// Every documented error-body shape is read into code, message and request id.
#[test]
fn every_error_body_shape_is_understood() {
    let cases: [(Service, u16, &str, &str, &str, &str); 6] = [
        (
            Service::Smartag,
            403,
            r#"{"RequestId":"ali-req-1","HostId":"smartag.cn-shanghai.aliyuncs.com","Code":"Forbidden.RAM","Message":"User not authorized","Recommend":"https://api.aliyun.com"}"#,
            "Forbidden.RAM",
            "permission",
            "ali-req-1",
        ),
        (
            Service::Vpc,
            400,
            r#"{"code":"VPC.0007","message":"project id mismatch"}"#,
            "VPC.0007",
            "bad_request",
            "hdr",
        ),
        (
            Service::Vpn,
            404,
            r#"{"error_code":"VPN.0002","error_msg":"not here"}"#,
            "VPN.0002",
            "not_found",
            "hdr",
        ),
        (
            Service::Vpcep,
            500,
            r#"{"error":{"code":"EndPoint.0009","message":"inner"}}"#,
            "EndPoint.0009",
            "server",
            "hdr",
        ),
        (
            Service::Vpc,
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"gw-req"}"#,
            "APIGW.0301",
            "auth",
            "gw-req",
        ),
        (
            Service::Vpn,
            400,
            r#"{"NeutronError":{"type":"BadRequest","message":"neutron says no","code":"VPN.0030"}}"#,
            "VPN.0030",
            "bad_request",
            "hdr",
        ),
    ];
    for (service, status, body, code_, kind, request_id) in cases {
        let world = World::standard();
        world.fake.add_fault(Fault::always(
            service,
            FaultKind::Respond {
                status,
                headers: vec![
                    ("X-Request-Id".into(), "hdr".into()),
                    ("x-acs-request-id".into(), "hdr".into()),
                ],
                body: body.into(),
            },
        ));
        let output = world.run(&[
            "-o",
            "json",
            "--retries",
            "0",
            "-p",
            if service == Service::Smartag {
                "ali"
            } else {
                "hw"
            },
        ]);
        let doc = json(&output);
        let error = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["service"] == service.name())
            .unwrap_or_else(|| panic!("no error for {body}: {doc:#}"));
        assert_eq!(error["code"], code_, "{body}");
        assert_eq!(error["kind"], kind, "{body}");
        assert_eq!(error["http_status"], status, "{body}");
        assert_eq!(error["request_id"], request_id, "{body}");
        assert_eq!(code(&output), 3);
    }
}

#[test]
fn recovers_after_429_with_retry_after() {
    let world = World::standard();
    world.fake.add_fault(Fault::times(
        Service::Vpc,
        2,
        FaultKind::Respond {
            status: 429,
            headers: vec![("Retry-After".into(), "1".into())],
            body: r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#.into(),
        },
    ));
    let started = std::time::Instant::now();
    let output = world.run(&["-o", "json", "-p", "hw"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "Retry-After was honoured"
    );
    let vpc_requests = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.service == Service::Vpc)
        .count();
    assert_eq!(vpc_requests, 3);
    world.assert_all_signed();
}

#[test]
fn recovers_after_alibaba_throttling_with_a_fresh_nonce() {
    let world = World::standard();
    world.fake.add_fault(Fault::times(
        Service::Smartag,
        1,
        FaultKind::Respond {
            status: 400,
            headers: vec![],
            body: r#"{"RequestId":"t-1","HostId":"smartag.cn-shanghai.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#.into(),
        },
    ));
    let output = world.run(&["-o", "json", "-p", "ali"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(row(&json(&output), "ali", "ccn")["used"], 6);
    let nonces: Vec<String> = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.service == Service::Smartag)
        .map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "SignatureNonce")
                .unwrap()
                .1
                .clone()
        })
        .collect();
    assert_eq!(nonces.len(), 2);
    assert_ne!(nonces[0], nonces[1], "every attempt has a fresh nonce");
}

#[test]
fn throttling_that_persists_is_reported_as_throttled() {
    let world = World::standard();
    world.fake.add_fault(Fault::always(
        Service::Vpn,
        FaultKind::Respond {
            status: 429,
            headers: vec![],
            body: r#"{"error_code":"VPN.0429","error_msg":"busy"}"#.into(),
        },
    ));
    let output = world.run(&["-o", "json", "-p", "hw", "--retries", "1"]);
    let doc = json(&output);
    assert_eq!(doc["errors"][0]["kind"], "throttled");
    assert_eq!(
        world
            .fake
            .requests()
            .iter()
            .filter(|r| r.service == Service::Vpn)
            .count(),
        2
    );
}

#[test]
fn a_slow_endpoint_times_out_alone() {
    let world = World::standard();
    world.fake.add_fault(Fault::always(
        Service::Vpn,
        FaultKind::Latency(std::time::Duration::from_secs(5)),
    ));
    let started = std::time::Instant::now();
    let output = world.run(&["-o", "json", "--timeout", "300ms"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "hw and otc vpn: {doc:#}");
    assert!(errors.iter().all(|e| e["kind"] == "timeout"));
    assert_eq!(doc["summary"]["total"], 8);
}

#[test]
fn a_wrong_secret_is_rejected_and_reported_as_auth() {
    let world = World::standard();
    let config = world.standard_config("");
    let output = world
        .headroom()
        .env("HW_SECRET", "not-the-right-secret")
        .arg("--config")
        .arg(&config)
        .args(["-o", "json", "-p", "hw"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3);
    for error in errors {
        assert_eq!(error["kind"], "auth", "{error}");
        assert_eq!(error["http_status"], 401);
        assert!(error["code"].as_str().unwrap().starts_with("APIGW.030"));
    }
    assert!(!stdout(&output).contains("not-the-right-secret"));
    assert!(!stderr(&output).contains("not-the-right-secret"));
}

#[test]
fn filters_send_no_query_outside_their_selection() {
    let world = World::standard();
    let output = world.run(&["-o", "json", "--provider", "huaweicloud", "-s", "vpn"]);
    assert_eq!(code(&output), 0);
    let requests = world.fake.requests();
    assert!(
        requests.iter().all(|r| r.service == Service::Vpn),
        "{requests:?}"
    );
    assert_eq!(requests.len(), 1);
}

#[test]
fn unknown_profile_is_a_usage_error() {
    let world = World::standard();
    let output = world.run(&["-p", "hw-prod"]);
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("unknown profile \"hw-prod\""),
        "{}",
        stderr(&output)
    );
    assert!(world.fake.requests().is_empty());
}

#[test]
fn usage_errors_exit_3_and_help_exits_0() {
    let world = World::standard();
    let bad = world.headroom().args(["--no-such-flag"]).output().unwrap();
    assert_eq!(code(&bad), 3);
    let bad = world.headroom().args(["-o", "xml"]).output().unwrap();
    assert_eq!(code(&bad), 3);
    let help = world.headroom().arg("--help").output().unwrap();
    assert_eq!(code(&help), 0);
    assert!(stdout(&help).contains("Exit codes"));
    let version = world.headroom().arg("--version").output().unwrap();
    assert_eq!(code(&version), 0);
    assert!(stdout(&version).starts_with("headroom "));
}

#[test]
fn no_config_and_no_credentials_says_how_to_start() {
    let world = World::standard();
    let output = world.headroom().output().unwrap();
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("headroom config init"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn profiles_from_the_standard_environment_variables() {
    let world = World::standard();
    // Without a config file, HUAWEICLOUD_SDK_* make a profile named `huaweicloud`; the default
    // endpoint is not reachable here, so point the test at the fake through a config instead
    // and only check what the profile is made of.
    let output = base_command(world.dir.path())
        .env("HUAWEICLOUD_SDK_AK", HW_KEY)
        .env("HUAWEICLOUD_SDK_SK", HW_SECRET)
        .env("HUAWEICLOUD_SDK_REGION", "cn-north-4")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", HW_PROJECT)
        .arg("profiles")
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("huaweicloud"), "{out}");
    assert!(out.contains("$HUAWEICLOUD_SDK_SK"), "{out}");
    assert!(!out.contains(HW_SECRET));
}

#[test]
fn unknown_config_key_is_located() {
    let world = World::standard();
    let config = world.write_config("profiles:\n  hw:\n    provider: otc\n    regoin: eu-de\n");
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(err.contains("config.yaml:4:5"), "{err}");
    assert!(err.contains("did you mean `region`?"), "{err}");
}

#[test]
fn an_unset_variable_fails_only_its_profile() {
    let world = World::standard();
    let output = world.run_without_variable("OTC_SECRET", &["-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["kind"], "config");
    assert_eq!(errors[0]["profile"], "otc");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("secret_key") && message.contains("OTC_SECRET"),
        "{message}"
    );
    assert_eq!(row(&doc, "hw", "vpc")["used"], 4);
}

#[test]
fn a_region_override_looks_up_that_regions_project() {
    let mut cloud = standard_cloud();
    let other_project = "abcdefabcdefabcdefabcdefabcdef01";
    cloud.accounts[1]
        .projects
        .push(("cn-east-3".into(), other_project.into()));
    cloud.accounts[1].quotas.push((
        "cn-east-3".into(),
        Service::Vpc,
        vec![entry("vpc", json!(1), json!(5))],
    ));
    let world = World::new(cloud);
    let output = world.run(&[
        "-o",
        "json",
        "-p",
        "hw",
        "-s",
        "vpc",
        "--region",
        "cn-east-3",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let doc = json(&output);
    assert_eq!(row(&doc, "hw", "vpc")["region"], "cn-east-3");
    let requests = world.fake.requests();
    assert!(
        requests.iter().any(|r| r.service == Service::Iam),
        "looked up through IAM"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path == format!("/v1/{other_project}/quotas"))
    );
}
