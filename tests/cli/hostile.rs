//! What a hostile user found: each case here failed before its fix. Selections that match
//! nothing, thresholds that could never fire, repeated selections, `Retry-After` dates, secrets
//! quoted back by a provider, the documented duration range, `--quiet` everywhere, and the
//! smaller leaks and gaps.

use std::time::{Duration, Instant};

use headroom::fake::{Fault, FaultKind, Service};

use crate::support::*;

#[test]
fn a_resource_that_matches_nothing_is_unknown_not_ok() {
    let world = World::standard();
    // The README's own script: a typo must not read as "they fit".
    let output = world.run(&["-p", "hw", "-r", "vpn_gatway", "--need", "3"]);
    assert_eq!(code(&output), 3, "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains(
            "error: --resource \"vpn_gatway\" matched no quota of the queries that answered; did you mean `vpn_gateway`?"
        ),
        "{err}"
    );

    let output = world.run(&["-p", "hw", "-r", "vpn_gatway", "-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_eq!(doc["status"], "unknown");
    assert_eq!(doc["unmatched"].as_array().map(Vec::len), Some(1));

    let output = world.run(&["-p", "hw", "-r", "vpn_gatway", "-o", "nagios"]);
    assert_eq!(code(&output), 3);
    let text = stdout(&output);
    assert!(text.starts_with("HEADROOM UNKNOWN - "), "{text}");
    assert!(
        text.contains("UNKNOWN: --resource \"vpn_gatway\""),
        "{text}"
    );

    // A pattern that matches is untouched, and a JSON document without a miss has no field.
    let output = world.run(&["-p", "hw", "-r", "vpn_*", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(json(&output).get("unmatched").is_none());
}

#[test]
fn a_service_no_selected_profile_queries_is_unknown() {
    let world = World::standard();
    let output = world.run(&["-p", "hw", "-s", "smartag"]);
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains(
            "error: --service \"smartag\" matched nothing: no selected profile queries it"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn threshold_keys_that_name_nothing_are_located_config_errors() {
    let world = World::standard();
    let cases = [
        (
            "thresholds:\n  \"vcp/securityGroupRule\": { warn: 60 }\n",
            "\"vcp\" is not a service headroom queries",
            "did you mean `vpc`?",
        ),
        (
            "thresholds:\n  \"hw-prod:vpc/securityGroupRule\": { warn: 60 }\n",
            "no profile is named \"hw-prod\"",
            "(profiles: ali, hw, otc)",
        ),
    ];
    for (extra, message, hint) in cases {
        let config = world.standard_config(extra);
        let output = run_config(&world, &config, &[]);
        assert_eq!(code(&output), 3, "{extra}");
        let err = stderr(&output);
        let located = format!("{}:", config.display());
        assert!(
            err.contains(&located) && err.contains(message) && err.contains(hint),
            "{err}"
        );
        assert!(world.fake.requests().is_empty(), "nothing is sent");
    }
    // Wildcards that match are fine.
    let config =
        world.standard_config("thresholds:\n  \"h*:vp*/securityGroupRule\": { warn: 60 }\n");
    let output = run_config(&world, &config, &[]);
    assert_ne!(code(&output), 3, "{}", stderr(&output));
}

#[test]
fn a_repeated_selection_is_one() {
    let world = World::standard();
    let output = world.run(&[
        "-p",
        "hw",
        "-p",
        "hw",
        "--region",
        "cn-north-4",
        "--region",
        "cn-north-4",
        "-s",
        "vpc",
        "-s",
        "vpc",
        "-o",
        "nagios",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let vpc_queries = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.service == Service::Vpc)
        .count();
    assert_eq!(vpc_queries, 1);
    let text = stdout(&output);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first
            .matches("'hw/cn-north-4/vpc/securityGroupRule'")
            .count(),
        1,
        "{first}"
    );
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let world = World::standard();
    // Three seconds ahead, written to the second: the wait is between two and three seconds.
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3);
    let date = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&at)
        .unwrap();
    world.fake.add_fault(Fault::times(
        Service::Vpc,
        1,
        FaultKind::Respond {
            status: 429,
            headers: vec![("Retry-After".into(), date)],
            body: r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#.into(),
        },
    ));
    let started = Instant::now();
    let output = world.run(&["-p", "hw", "-s", "vpc"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "retried after {:?}",
        started.elapsed()
    );
}

#[test]
fn a_provider_that_quotes_a_secret_key_never_shows_it() {
    let world = World::standard();
    let body = format!(
        r#"{{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: secret {HW_SECRET} rejected; other accounts {OTC_SECRET}"}}"#
    );
    world.fake.add_fault(Fault::always(
        Service::Vpc,
        FaultKind::Respond {
            status: 401,
            headers: vec![],
            body,
        },
    ));
    for verbosity in ["-q", "-v", "-vvv"] {
        let output = world.run(&["-p", "hw", "-s", "vpc", verbosity, "-o", "json"]);
        assert_eq!(code(&output), 3);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!all.contains(HW_SECRET), "{verbosity}: {all}");
        assert!(!all.contains(OTC_SECRET), "{verbosity}: {all}");
        assert!(
            all.contains("secret (redacted) rejected"),
            "{verbosity}: {all}"
        );
    }
}

#[test]
fn an_hour_is_a_duration_on_the_command_line_and_in_the_config() {
    let world = World::standard();
    let output = world.run(&["-p", "hw", "--timeout", "1h"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let config = world.write_config(&format!(
        "defaults:\n  timeout: 1h\nprofiles:\n{}",
        world.hw_profile("hw")
    ));
    let output = run_config(&world, &config, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
}

#[test]
fn quiet_silences_every_command() {
    let world = World::standard();
    let config = world.standard_config("");
    for args in [
        vec!["profiles", "-q"],
        vec!["-q", "completions", "bash"],
        vec!["config", "path", "-q"],
    ] {
        let output = run_config(&world, &config, &args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn an_endpoint_password_is_not_repeated_in_the_config_error() {
    let world = World::standard();
    let config = world.write_config(&format!(
        "profiles:\n  hw:\n    provider: huaweicloud\n    region: cn-north-4\n    access_key: {HW_KEY}\n    secret_key: ${{HW_SECRET}}\n    endpoints:\n      vpc: https://admin:hunter2secret@vpc.example.com\n"
    ));
    let output = run_config(&world, &config, &[]);
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(!err.contains("hunter2secret"), "{err}");
    assert!(
        err.contains("must not carry a user name or password"),
        "{err}"
    );
}

#[test]
fn the_retry_line_names_the_profile_and_service() {
    let world = World::standard();
    world.fake.add_fault(Fault::times(
        Service::Vpn,
        1,
        FaultKind::Respond {
            status: 503,
            headers: vec![],
            body: r#"{"error_code":"VPN.0500","error_msg":"busy"}"#.into(),
        },
    ));
    let output = world.run(&["-p", "hw", "-s", "vpn", "-vv"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("hw cn-north-4 vpn: attempt 1 failed (server), retrying in"),
        "{}",
        stderr(&output)
    );
}
