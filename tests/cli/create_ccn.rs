//! `headroom create-ccn`: validation before any request, the headroom check, one create,
//! never a duplicate, provider errors. Every case asserts what the fake received.

use std::time::Duration;

use headroom::fake::{Fault, FaultKind, RecordedRequest, Service};

use crate::support::*;

fn creates(world: &World) -> Vec<RecordedRequest> {
    world
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("CreateCloudConnectNetwork"))
        .collect()
}

fn create(world: &World, args: &[&str]) -> std::process::Output {
    let mut all = vec!["create-ccn", "-p", "ali"];
    all.extend_from_slice(args);
    world.run(&all)
}

fn param<'a>(request: &'a RecordedRequest, name: &str) -> Option<&'a str> {
    request
        .query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn bad_inputs_are_refused_before_any_request() {
    let long_name = "n".repeat(129);
    let long_description = "d".repeat(257);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--name", "a"], "2-128 characters"),
        (vec!["--name", &long_name], "it has 129 characters"),
        (
            vec!["--name", "1net"],
            "start with a letter or a Chinese character",
        ),
        (vec!["--name", "http://x"], "must not start with http://"),
        (vec!["--name", "net work"], "' ' is not allowed"),
        (
            vec!["--name", "ok", "--description", "d"],
            "2-256 characters",
        ),
        (
            vec!["--name", "ok", "--description", &long_description],
            "it has 257 characters",
        ),
        (
            vec!["--name", "ok", "--description", "https://x"],
            "must not start with http",
        ),
        (
            vec!["--name", "ok", "--cidr-block", "10.0.0.0/33"],
            "not IPv4 CIDR notation",
        ),
        (
            vec!["--name", "ok", "--snat-cidr-block", "10.0.0/24"],
            "not IPv4 CIDR notation",
        ),
    ];
    let world = World::standard();
    for (args, rule) in cases {
        let output = create(&world, &args);
        assert_eq!(code(&output), 3, "{args:?}");
        assert!(
            stderr(&output).contains(rule),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(world.fake.requests().is_empty(), "the fake saw a request");
}

#[test]
fn chinese_names_and_lengths_in_characters_pass() {
    let world = World::standard();
    let name = "名".repeat(128); // 384 bytes, 128 characters
    for args in [
        vec!["--name", "ccn名称", "--dry-run"],
        vec!["--name", &name, "--description", "ccn描述", "--dry-run"],
    ] {
        let output = create(&world, &args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    }
    assert!(creates(&world).is_empty());
}

#[test]
fn refuses_when_the_quota_is_full_and_sends_no_create() {
    let world = World::standard();
    assert!(world.fake.set_ccn_total(ALI_KEY, "cn-shanghai", 6));
    let output = create(&world, &["--name", "full-net"]);
    assert_eq!(code(&output), 2);
    let out = stdout(&output);
    let err = stderr(&output);
    assert!(out.contains("6 of 6 used"), "{out}");
    assert!(out.contains("Nothing was created"), "{out}");
    assert!(err.contains("nothing was created"), "{err}");
    assert!(err.contains("higher CCN quota"), "{err}");
    assert!(creates(&world).is_empty());
    world.assert_all_signed();
}

#[test]
fn dry_run_shows_what_would_be_created() {
    let world = World::standard();
    let output = create(&world, &["--name", "dry-net", "--dry-run", "-o", "json"]);
    assert_eq!(code(&output), 0);
    let doc = json(&output);
    assert_eq!(doc["result"], "would_create");
    assert_eq!(doc["created"], false);
    assert_eq!(doc["quota_before"]["used"], 6);
    assert_eq!(doc["quota_before"]["left"], 4);
    assert!(creates(&world).is_empty());
}

#[test]
fn creates_once_with_is_default_always_sent() {
    let world = World::standard();
    let output = create(
        &world,
        &[
            "--name",
            "new-net",
            "--description",
            "Branch offices",
            "--cidr-block",
            "172.16.0.0/12",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("Created Cloud Connect Network ccn-"), "{out}");
    assert!(out.contains("quota after  7 of 10 used, 3 left"), "{out}");
    let sent = creates(&world);
    assert_eq!(sent.len(), 1);
    assert_eq!(param(&sent[0], "IsDefault"), Some("false"));
    assert_eq!(param(&sent[0], "Name"), Some("new-net"));
    assert_eq!(param(&sent[0], "CidrBlock"), Some("172.16.0.0/12"));
    assert_eq!(sent[0].method, "POST");
    let networks = world.fake.networks(ALI_KEY, "cn-shanghai");
    assert_eq!(networks.len(), 1);
    assert!(out.contains(&networks[0].ccn_id));

    let output = create(
        &world,
        &["--name", "default-net", "--is-default", "-o", "yaml"],
    );
    assert_eq!(code(&output), 0);
    let doc: serde_json::Value = serde_yaml::from_slice(&output.stdout).expect("yaml");
    assert_eq!(doc["result"], "created");
    assert!(doc["ccn_id"].as_str().unwrap().starts_with("ccn-"));
    assert_eq!(doc["quota_after"]["used"], 8);
    assert_eq!(param(&creates(&world)[1], "IsDefault"), Some("true"));
    world.assert_all_signed();
}

#[test]
fn json_output_has_id_name_status_request_id_and_quota_after() {
    let world = World::standard();
    let doc = json(&create(&world, &["--name", "json-net", "-o", "json"]));
    for field in ["ccn_id", "name", "status", "request_id"] {
        assert!(doc[field].is_string(), "{field}: {doc:#}");
    }
    assert_eq!(doc["status"], "Active");
    assert_eq!(doc["quota_after"]["used"], 7);
}

#[test]
fn a_dropped_answer_is_resolved_by_name_and_never_creates_twice() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::times(Service::Smartag, 1, FaultKind::ActThenDrop)
            .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "dropped-net", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let doc = json(&output);
    assert_eq!(doc["result"], "found_after_unknown");
    assert_eq!(creates(&world).len(), 1, "the create was sent once");
    let networks = world.fake.networks(ALI_KEY, "cn-shanghai");
    assert_eq!(networks.len(), 1, "exactly one network exists");
    assert_eq!(doc["ccn_id"], networks[0].ccn_id.as_str());
    assert!(stderr(&output).contains("looking for a network named"));
}

#[test]
fn a_timeout_after_sending_is_resolved_by_name() {
    let world = World::standard();
    // The server acts, then sends its answer one byte a second: the attempt times out.
    world.fake.add_fault(
        Fault::times(Service::Smartag, 1, FaultKind::Drip(Duration::from_secs(1)))
            .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(
        &world,
        &["--name", "slow-net", "--timeout", "500ms", "-o", "json"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&output)["result"], "found_after_unknown");
    assert_eq!(creates(&world).len(), 1);
    assert_eq!(world.fake.networks(ALI_KEY, "cn-shanghai").len(), 1);
}

#[test]
fn an_unknown_outcome_with_nothing_found_exits_3_without_a_second_create() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(Service::Smartag, FaultKind::CloseWithoutAnswer)
            .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "lost-net"]);
    assert_eq!(code(&output), 3);
    assert_eq!(creates(&world).len(), 1, "never sent twice");
    assert!(world.fake.networks(ALI_KEY, "cn-shanghai").is_empty());
    assert!(
        stderr(&output).contains("No network named \"lost-net\" exists now"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_network_of_the_same_name_that_existed_before_is_not_taken_for_the_new_one() {
    let world = World::standard();
    let first = create(&world, &["--name", "twin"]);
    assert_eq!(code(&first), 0);
    world.fake.add_fault(
        Fault::always(Service::Smartag, FaultKind::CloseWithoutAnswer)
            .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "twin"]);
    assert_eq!(code(&output), 3, "the old `twin` is not this run's network");
}

#[test]
fn a_server_error_on_create_is_not_retried() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(
            Service::Smartag,
            FaultKind::Respond {
                status: 500,
                headers: vec![],
                body: r#"{"RequestId":"r-500","HostId":"smartag","Code":"InternalError","Message":"The request processing has failed due to some unknown error."}"#.into(),
            },
        )
        .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "err-net"]);
    assert_eq!(code(&output), 3);
    assert_eq!(creates(&world).len(), 1);
    assert!(stderr(&output).contains("InternalError"));
}

#[test]
fn explicit_throttling_is_retried_and_creates_once() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::times(
            Service::Smartag,
            1,
            FaultKind::Respond {
                status: 400,
                headers: vec![],
                body: r#"{"RequestId":"r-t","HostId":"smartag","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#.into(),
            },
        )
        .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "throttled-net"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let sent = creates(&world);
    assert_eq!(sent.len(), 2);
    assert_ne!(
        param(&sent[0], "SignatureNonce"),
        param(&sent[1], "SignatureNonce")
    );
    assert_eq!(world.fake.networks(ALI_KEY, "cn-shanghai").len(), 1);
}

fn provider_error(world: &World, status: u16, code_: &str, message: &str) {
    world.fake.add_fault(
        Fault::always(
            Service::Smartag,
            FaultKind::Respond {
                status,
                headers: vec![],
                body: format!(r#"{{"RequestId":"REQ-{code_}","HostId":"smartag","Code":"{code_}","Message":"{message}"}}"#),
            },
        )
        .for_action("CreateCloudConnectNetwork"),
    );
}

#[test]
fn provider_errors_show_code_message_and_request_id() {
    for (status, code_, message, exit) in [
        (
            403,
            "CcnAmountLimit",
            "The CCNs you created has reached the limit, you can raise the limit by application.",
            2,
        ),
        (403, "InvalidName", "Name not valid.", 3),
        (403, "InvalidDescription", "Description not valid.", 3),
        (
            403,
            "Forbidden",
            "User not authorized to operate on the specified resource.",
            3,
        ),
    ] {
        let world = World::standard();
        provider_error(&world, status, code_, message);
        let output = create(&world, &["--name", "refused-net"]);
        assert_eq!(code(&output), exit, "{code_}");
        let err = stderr(&output);
        assert!(
            err.contains(code_) && err.contains(message) && err.contains(&format!("REQ-{code_}")),
            "{err}"
        );
        assert!(err.contains("nothing was created"), "{err}");
        assert_eq!(
            creates(&world).len(),
            1,
            "{code_}: no retry of a refused create"
        );
        assert!(world.fake.networks(ALI_KEY, "cn-shanghai").is_empty());
    }
}

#[test]
fn two_concurrent_runs_for_the_last_place_create_one_network() {
    let world = World::standard();
    assert!(world.fake.set_ccn_total(ALI_KEY, "cn-shanghai", 7)); // one place left
    // Slow creates, so both runs pass the headroom check before either create lands.
    world.fake.add_fault(
        Fault::always(
            Service::Smartag,
            FaultKind::Latency(Duration::from_millis(400)),
        )
        .for_action("CreateCloudConnectNetwork"),
    );
    let config = world.standard_config("");
    let spawn = |name: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("headroom"))
            .env_clear()
            .env("HOME", world.dir.path())
            .env("ALI_SECRET", ALI_SECRET)
            .env("HW_SECRET", HW_SECRET)
            .env("OTC_SECRET", OTC_SECRET)
            .arg("--config")
            .arg(&config)
            .args(["create-ccn", "-p", "ali", "--name", name])
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("race-a"));
        let b = s.spawn(|| spawn("race-b"));
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    let mut codes = [code(&a), code(&b)];
    codes.sort();
    assert_eq!(codes, [0, 2], "a: {} b: {}", stderr(&a), stderr(&b));
    assert_eq!(world.fake.networks(ALI_KEY, "cn-shanghai").len(), 1);
    // Usually the provider's refusal (CcnAmountLimit); on a slow machine the second run may
    // start late enough that its own headroom check refuses. Either way nothing more is created.
    let loser = if code(&a) == 2 { &a } else { &b };
    assert!(
        stderr(loser).contains("nothing was created"),
        "{}",
        stderr(loser)
    );
}

#[test]
fn only_alibaba_profiles_and_known_profiles() {
    let world = World::standard();
    let output = world.run(&["create-ccn", "-p", "hw", "--name", "x-net"]);
    assert_eq!(code(&output), 3);
    assert!(stderr(&output).contains("huaweicloud profile"));
    let output = world.run(&["create-ccn", "-p", "nope", "--name", "x-net"]);
    assert_eq!(code(&output), 3);
    assert!(world.fake.requests().is_empty());
}

#[test]
fn the_demo_supports_create_ccn() {
    let world = World::standard();
    let output = world
        .headroom()
        .args([
            "demo",
            "create-ccn",
            "-p",
            "ali-demo",
            "--name",
            "demo-net",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&output)["result"], "created");
    assert!(stderr(&output).contains("SIMULATED"));
}

/// A world whose cn-shanghai already holds `count` networks named `name`, with room for more.
fn world_with_networks_named(name: &str, count: usize) -> World {
    let mut cloud = standard_cloud();
    let ccn = &mut cloud.accounts[0].ccn[0].1;
    ccn.total = 200;
    ccn.used_extra = 0;
    ccn.networks = (0..count)
        .map(|i| headroom::fake::Network {
            ccn_id: format!("ccn-older{i:05}"),
            name: name.to_string(),
            description: String::new(),
            cidr_block: String::new(),
            snat_cidr_block: String::new(),
            is_default: false,
            status: "Active".into(),
            create_time: 1_767_225_600_000 + i as i64,
        })
        .collect();
    World::new(cloud)
}

#[test]
fn when_the_networks_that_exist_cannot_be_listed_nothing_is_created() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(
            Service::Smartag,
            FaultKind::Respond {
                status: 503,
                headers: vec![],
                body: r#"{"RequestId":"r-503","HostId":"smartag","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}"#.into(),
            },
        )
        .for_action("DescribeCloudConnectNetworks"),
    );
    let output = create(&world, &["--name", "blind-net", "--retries", "0"]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(creates(&world).is_empty(), "no create without the list");
    let err = stderr(&output);
    assert!(
        err.contains(
            "Cannot tell which networks named \"blind-net\" exist already, so nothing was created"
        ),
        "{err}"
    );
    assert!(err.contains("ServiceUnavailable"), "{err}");
}

#[test]
fn older_networks_past_the_first_page_are_known_before_the_create() {
    // 55 older networks share the name: the list before the create takes two pages of 50.
    let world = world_with_networks_named("twin", 55);
    world.fake.add_fault(
        Fault::times(Service::Smartag, 1, FaultKind::ActThenDrop)
            .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "twin", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let doc = json(&output);
    assert_eq!(doc["result"], "found_after_unknown");
    let networks = world.fake.networks(ALI_KEY, "cn-shanghai");
    assert_eq!(networks.len(), 56);
    let new = networks
        .iter()
        .find(|n| !n.ccn_id.starts_with("ccn-older"))
        .expect("the new network");
    assert_eq!(doc["ccn_id"], new.ccn_id.as_str());
    assert_eq!(creates(&world).len(), 1);
}

#[test]
fn a_lost_create_beside_older_networks_of_that_name_says_so_truly() {
    let world = world_with_networks_named("twin", 2);
    world.fake.add_fault(
        Fault::always(Service::Smartag, FaultKind::CloseWithoutAnswer)
            .for_action("CreateCloudConnectNetwork"),
    );
    let output = create(&world, &["--name", "twin"]);
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(
        err.contains(
            "No new network named \"twin\" appeared (the 2 that exist were there before this run: ccn-older00000, ccn-older00001)"
        ),
        "{err}"
    );
    assert!(!err.contains("No network named"), "{err}");
}
