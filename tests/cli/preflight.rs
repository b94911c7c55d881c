//! `check --demand FILE` (will a whole deployment fit?) and profiles selected by pattern,
//! against the simulated cloud of `support::standard_cloud` (hw: vpn_gateway 23 of 50,
//! securityGroupRule 4500 of 5000, vpcPeer unlimited; otc: publicIp 2 of 10).

use headroom::fake::Service;
use serde_json::json;

use crate::support::*;

const DEMAND: &str = "demand:
  - {profile: hw, service: vpn, resource: vpn_gateway, need: 30}
  - {service: vpc, resource: publicIp, need: 3}     # every profile and region
  - {profile: \"h*\", region: cn-north-4, service: vpc, resource: vpcPeer, need: 100}
";

fn with_demand(world: &World, demand: &str, args: &[&str]) -> std::process::Output {
    let path = world.dir.path().join("deploy.yaml");
    std::fs::write(&path, demand).unwrap();
    let mut all = vec!["--demand", path.to_str().unwrap()];
    all.extend_from_slice(args);
    world.run(&all)
}

#[test]
fn a_deployment_that_falls_short_is_critical_with_its_shortfall() {
    let world = World::standard();
    let output = with_demand(&world, DEMAND, &["-o", "json"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let doc = json(&output);
    assert_eq!(
        doc["demand"],
        json!({"entries": 3, "fits": false, "unmatched": 0})
    );
    let rows: Vec<(&str, &str, u64, u64)> = doc["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["profile"].as_str().unwrap(),
                r["resource"].as_str().unwrap(),
                r["need"].as_u64().unwrap(),
                r["shortfall"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("hw", "vpcPeer", 100, 0),
            ("hw", "vpn_gateway", 30, 3),
            ("otc", "publicIp", 3, 0),
        ],
        "only demanded rows; an unlimited row fits"
    );
    assert_eq!(row(&doc, "hw", "vpn_gateway")["status"], "critical");
    // Only the queries the demand needs: no Smartag, no VPC Endpoint, no OTC VPN.
    let services: Vec<Service> = world.fake.requests().iter().map(|r| r.service).collect();
    assert!(!services.contains(&Service::Smartag), "{services:?}");
    assert!(!services.contains(&Service::Vpcep), "{services:?}");
    assert_eq!(
        services.iter().filter(|s| **s == Service::Vpn).count(),
        1,
        "hw's VPN only"
    );

    let table = stdout(&with_demand(&world, DEMAND, &[]));
    let header = table.lines().next().unwrap();
    assert!(header.ends_with("LEFT  NEED  SHORT  STATUS"), "{header}");
    let short_row = table.lines().find(|l| l.contains("vpn_gateway")).unwrap();
    assert!(
        short_row.ends_with("27    30      3  critical"),
        "{short_row}"
    );
    let fitting_row = table.lines().find(|l| l.contains("publicIp")).unwrap();
    assert!(fitting_row.ends_with("8     3      -  ok"), "{fitting_row}");
    assert!(
        table.ends_with(
            "fits: 2 of 3; short: hw cn-north-4 vpn/vpn_gateway needs 30, 27 left (3 short)\n"
        ),
        "{table}"
    );
    let csv = stdout(&with_demand(&world, DEMAND, &["-o", "csv"]));
    assert!(csv.starts_with("profile,provider,region,service,resource,used,limit,usage_percent,left,status,per_day,days_to_full,need,shortfall\n"), "{csv}");
    assert!(
        csv.contains(",vpn_gateway,23,50,46.0,27,critical,,,30,3\n"),
        "{csv}"
    );
}

#[test]
fn a_deployment_that_fits_exits_0_whatever_else_is_full() {
    let world = World::standard();
    // hw's securityGroupRule is at 90% (warning) but not demanded, so it does not count.
    let demand = "demand:\n  - {service: vpc, resource: publicIp, need: 8}\n  - {profile: hw, service: vpn, resource: \"vpn_*\", need: 2}\n";
    let output = with_demand(&world, demand, &["-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&output)["demand"]["fits"], true);
    // Two entries matching one row add up: 8 + 1 leaves it one short.
    let demand = "demand:\n  - {service: vpc, resource: publicIp, need: 8}\n  - {profile: otc, service: vpc, resource: publicIp, need: 1}\n";
    let output = with_demand(&world, demand, &["-o", "json"]);
    assert_eq!(code(&output), 2);
    assert_eq!(row(&json(&output), "otc", "publicIp")["shortfall"], 1);
}

#[test]
fn an_entry_that_matches_nothing_is_unknown() {
    let world = World::standard();
    let demand = "demand:\n  - {service: vpc, resource: publicIp, need: 1}\n  - {profile: hw, service: vpc, resource: natGateway, need: 1}\n";
    let output = with_demand(&world, demand, &["-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_eq!(
        doc["demand"],
        json!({"entries": 2, "fits": false, "unmatched": 1})
    );
    assert!(
        stderr(&output)
            .contains("error: demand entry 2 (hw * vpc/natGateway, need 1) matched no quota"),
        "{}",
        stderr(&output)
    );
    // Falling short outweighs an unmatched entry: CRITICAL.
    let demand = "demand:\n  - {service: vpc, resource: publicIp, need: 100}\n  - {service: vpc, resource: nothing, need: 1}\n";
    assert_eq!(code(&with_demand(&world, demand, &[])), 2);
}

#[test]
fn a_bad_demand_file_is_located_and_sends_nothing() {
    let world = World::standard();
    let cases = [
        (
            "demand:\n  - {service: vpc, resource: publicIp, need: 0}\n",
            "deploy.yaml:2:40: `need` must be a whole number of 1 or more",
        ),
        (
            "demand:\n  - {profile: hw-prod, service: vpc, resource: publicIp, need: 1}\n",
            "deploy.yaml:2:6: `profile` \"hw-prod\" matches no configured profile",
        ),
        (
            "demand: []\n",
            "deploy.yaml:1:1: the `demand` list is empty",
        ),
        (
            "demand:\n  - {service: vpc, resource: publicIp, nede: 1}\n",
            "deploy.yaml:2:",
        ),
    ];
    for (text, expected) in cases {
        let output = with_demand(&world, text, &[]);
        assert_eq!(code(&output), 3, "{text}");
        assert!(
            stderr(&output).contains(expected),
            "{text}: {}",
            stderr(&output)
        );
        assert!(world.fake.requests().is_empty(), "{text}: nothing is sent");
    }
    let missing = world.run(&["--demand", "/nonexistent/deploy.yaml"]);
    assert_eq!(code(&missing), 3);
    assert!(stderr(&missing).contains("--demand /nonexistent/deploy.yaml: cannot read it"));
}

#[test]
fn the_demand_can_come_from_standard_input() {
    let world = World::standard();
    let config = world.standard_config("");
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["--demand", "-", "-o", "json"])
        .write_stdin(DEMAND)
        .output()
        .unwrap();
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert_eq!(json(&output)["demand"]["entries"], 3);
}

#[test]
fn profiles_by_pattern() {
    let world = World::standard();
    let output = world.run(&["-p", "h*", "-o", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let doc = json(&output);
    assert!(
        doc["quotas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["profile"] == "hw")
    );
    let output = world.run(&["-p", "*t*", "-o", "json"]);
    let profiles: std::collections::BTreeSet<String> = json(&output)["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["profile"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(profiles.into_iter().collect::<Vec<_>>(), ["otc"]);

    let output = world.run(&["-p", "team-*"]);
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("unknown profile \"team-*\""),
        "{}",
        stderr(&output)
    );
    assert!(
        world
            .fake
            .requests()
            .iter()
            .all(|r| r.service != Service::Smartag)
    );
}
