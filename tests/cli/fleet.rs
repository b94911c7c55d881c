//! Fleets: many accounts reached from one base key through Alibaba RAM roles and Huawei Cloud
//! agencies, against the simulated cloud, which issues temporary credentials only to trusted
//! callers and accepts only matching, unexpired tokens.

use std::collections::BTreeMap;

use headroom::fake::{Account, Agency, CcnRegion, FakeCloud, Fault, FaultKind, Role, Service};
use serde_json::json;

use crate::support::*;

const BASE_ALI_KEY: &str = "LTAI5tFleetBaseKey0001";
const BASE_ALI_SECRET: &str = "FleetBaseAlibabaSecretValue000001";
const BASE_ALI_ACCOUNT: &str = "1000000000000001";
const BASE_HW_KEY: &str = "FLEETBASEHWKEY000001";
const BASE_HW_SECRET: &str = "FleetBaseHuaweiSecretValue00000000000001";
const ROLE: &str = "headroom-reader";

fn ali_account(i: usize) -> String {
    format!("{}", 2_000_000_000_000_000u64 + i as u64)
}

fn hw_project(i: usize) -> String {
    format!("{i:032x}")
}

/// `accounts` Alibaba accounts and as many Huawei ones, each trusting the base account, each
/// with one quota whose usage is its index (so a row shows which account answered).
fn fleet_cloud(accounts: usize) -> FakeCloud {
    let mut base_ali = Account::alibaba(BASE_ALI_KEY, BASE_ALI_SECRET);
    base_ali.account_id = BASE_ALI_ACCOUNT.into();
    let mut base_hw = Account::huawei(BASE_HW_KEY, BASE_HW_SECRET);
    base_hw.domain_name = "base".into();
    let mut all = vec![base_ali, base_hw];
    for i in 0..accounts {
        let mut ali = Account::alibaba(
            &format!("LTAI5tFleetTarget{i:05}"),
            "unused-long-term-secret",
        );
        ali.account_id = ali_account(i);
        ali.roles = vec![Role::new(ROLE, &[BASE_ALI_ACCOUNT])];
        ali.ccn = vec![(
            "cn-shanghai".into(),
            CcnRegion {
                total: 100,
                used_extra: i as u64,
                networks: vec![],
            },
        )];
        all.push(ali);
        let mut hw = Account::huawei(&format!("FLEETHWTARGET{i:05}00"), "unused-long-term-secret");
        hw.domain_name = format!("team-{i:02}");
        hw.agencies = vec![Agency::new(ROLE, &["base"])];
        hw.projects = vec![("cn-north-4".into(), hw_project(i))];
        hw.quotas = vec![(
            "cn-north-4".into(),
            Service::Vpc,
            vec![json!({"type": "vpc", "used": i, "quota": 100, "min": 0})],
        )];
        all.push(hw);
    }
    FakeCloud {
        accounts: all,
        ..FakeCloud::default()
    }
}

fn base_hw_domain_id(world: &World) -> String {
    let _ = world;
    Account::huawei(BASE_HW_KEY, BASE_HW_SECRET).domain_id
}

fn fleet_config(world: &World, accounts: usize, extra: &str) -> std::path::PathBuf {
    let ali_accounts: Vec<String> = (0..accounts)
        .map(|i| format!("a{i:02}: \"{}\"", ali_account(i)))
        .collect();
    let hw_accounts: Vec<String> = (0..accounts)
        .map(|i| format!("h{i:02}: team-{i:02}"))
        .collect();
    let project_ids: Vec<String> = (0..accounts)
        .map(|i| format!("      h{i:02}: {{cn-north-4: {}}}\n", hw_project(i)))
        .collect();
    world.write_config(&format!(
        "profiles:
  ali-base:
    provider: alibaba
    region: cn-shanghai
    access_key_id: {BASE_ALI_KEY}
    access_key_secret: ${{ALI_BASE_SECRET}}
    services: []
    endpoints: {{sts: {sts}}}
  hw-base:
    provider: huaweicloud
    region: cn-north-4
    access_key: {BASE_HW_KEY}
    secret_key: ${{HW_BASE_SECRET}}
    domain_id: {domain}
    services: []
    endpoints: {{iam: {iam}}}
{extra}fleets:
  ali-org:
    provider: alibaba
    source_profile: ali-base
    role_arn: \"acs:ram::{{account}}:role/{ROLE}\"
    region: cn-shanghai
    services: [smartag]
    endpoints: {{smartag: {smartag}}}
    accounts: {{{ali}}}
  hw-org:
    provider: huaweicloud
    source_profile: hw-base
    agency: {{domain_name: \"{{account}}\", name: {ROLE}}}
    region: cn-north-4
    services: [vpc]
    endpoints: {{vpc: {vpc}}}
    accounts: {{{hw}}}
    project_ids:
{projects}",
        sts = world.url(Service::Sts),
        iam = world.url(Service::Iam),
        smartag = world.url(Service::Smartag),
        vpc = world.url(Service::Vpc),
        domain = base_hw_domain_id(world),
        ali = ali_accounts.join(", "),
        hw = hw_accounts.join(", "),
        projects = project_ids.concat(),
    ))
}

fn run_fleet(world: &World, config: &std::path::Path, args: &[&str]) -> std::process::Output {
    world
        .headroom()
        .env("ALI_BASE_SECRET", BASE_ALI_SECRET)
        .env("HW_BASE_SECRET", BASE_HW_SECRET)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run headroom")
}

#[test]
fn fifty_assumed_profiles_each_with_its_own_temporary_credentials() {
    let world = World::new(fleet_cloud(25));
    let config = fleet_config(&world, 25, "");
    let output = run_fleet(&world, &config, &["-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    world.assert_all_signed();
    let doc = json(&output);
    let rows = doc["quotas"].as_array().unwrap();
    assert_eq!(rows.len(), 50);
    for i in 0..25 {
        // Each row holds its own account's numbers: the right credentials reached it.
        assert_eq!(row(&doc, &format!("a{i:02}"), "ccn")["used"], i, "a{i:02}");
        assert_eq!(row(&doc, &format!("h{i:02}"), "vpc")["used"], i, "h{i:02}");
    }
    let issued = world.fake.issued_credentials();
    assert_eq!(issued.len(), 50, "one assume call per profile");
    let temporary: BTreeMap<&str, &str> = issued
        .iter()
        .map(|c| (c.access_key.as_str(), c.target_access_key.as_str()))
        .collect();
    for credential in &issued {
        assert!(
            [BASE_ALI_KEY, BASE_HW_KEY].contains(&credential.caller_access_key.as_str()),
            "assumed with the base key"
        );
    }
    let requests = world.fake.requests();
    let queries: Vec<_> = requests
        .iter()
        .filter(|r| matches!(r.service, Service::Smartag | Service::Vpc))
        .collect();
    assert_eq!(queries.len(), 50);
    for query in queries {
        let key = query.access_key.as_deref().unwrap_or_default();
        assert!(temporary.contains_key(key), "a query signed with {key}");
    }
    // Each target account was asked by exactly one temporary key.
    let targets: std::collections::BTreeSet<&str> = temporary.values().copied().collect();
    assert_eq!(targets.len(), 50);
}

#[test]
fn a_two_hop_chain() {
    let mut cloud = fleet_cloud(2);
    // Account 1's role trusts only account 0: reaching it takes base -> a00 -> a01.
    cloud.accounts[4].roles = vec![Role::new(ROLE, &[&ali_account(0)])];
    let world = World::new(cloud);
    let config = fleet_config(
        &world,
        1,
        &format!(
            "  hop:\n    provider: alibaba\n    source_profile: ali-base\n    role_arn: acs:ram::{}:role/{ROLE}\n    region: cn-shanghai\n    services: []\n  far:\n    provider: alibaba\n    source_profile: hop\n    role_arn: acs:ram::{}:role/{ROLE}\n    region: cn-shanghai\n    services: [smartag]\n    endpoints: {{smartag: {}}}\n",
            ali_account(0),
            ali_account(1),
            world.url(Service::Smartag)
        ),
    );
    let output = run_fleet(&world, &config, &["-p", "far", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(row(&json(&output), "far", "ccn")["used"], 1);
    let issued = world.fake.issued_credentials();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0].caller_access_key, BASE_ALI_KEY);
    assert_eq!(
        issued[1].caller_access_key, issued[0].access_key,
        "the second hop signs with the first's key"
    );
    let profiles = run_fleet(&world, &config, &["profiles"]);
    let text = stdout(&profiles);
    assert!(
        text.contains(&format!(
            "role acs:ram::{}:role/{ROLE} via hop",
            ali_account(1)
        )),
        "{text}"
    );
}

#[test]
fn assume_failures_fail_only_their_profiles() {
    let mut cloud = fleet_cloud(4);
    // a01: the role does not trust the base account; a02: there is no such role;
    // h03: the agency does not trust the base domain.
    cloud.accounts[4].roles = vec![Role::new(ROLE, &["9999999999999999"])];
    cloud.accounts[6].roles.clear();
    cloud.accounts[9].agencies = vec![Agency::new(ROLE, &["someone-else"])];
    let world = World::new(cloud);
    let config = fleet_config(&world, 4, "");
    let output = run_fleet(&world, &config, &["-o", "json", "--retries", "0"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors: BTreeMap<String, (String, String)> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["profile"].as_str().unwrap().to_string(),
                (
                    e["kind"].as_str().unwrap().to_string(),
                    e["message"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["a01", "a02", "h03"]);
    assert_eq!(errors["a01"].0, "permission");
    assert!(
        errors["a01"].1.starts_with(&format!(
            "assuming role acs:ram::{}:role/{ROLE} from ali-base: ",
            ali_account(1)
        )),
        "{}",
        errors["a01"].1
    );
    assert!(
        errors["a01"].1.contains("grant sts:AssumeRole"),
        "{}",
        errors["a01"].1
    );
    assert_eq!(errors["a02"].0, "not_found");
    assert_eq!(errors["h03"].0, "permission");
    assert!(
        errors["h03"]
            .1
            .starts_with("assuming agency team-03/headroom-reader from hw-base: ")
    );
    assert_eq!(
        doc["quotas"].as_array().unwrap().len(),
        5,
        "the other five answer"
    );
}

#[test]
fn a_throttled_sts_fails_only_the_role_profiles() {
    let world = World::new(fleet_cloud(3));
    world.fake.add_fault(
        Fault::always(
            Service::Sts,
            FaultKind::Respond {
                status: 400,
                headers: vec![],
                body: r#"{"RequestId":"r","HostId":"sts.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#.into(),
            },
        )
        .for_action("AssumeRole"),
    );
    let config = fleet_config(&world, 3, "");
    let output = run_fleet(&world, &config, &["-o", "json", "--retries", "1"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3);
    assert!(
        errors
            .iter()
            .all(|e| e["kind"] == "throttled" && e["service"] == "smartag")
    );
    assert_eq!(
        doc["quotas"].as_array().unwrap().len(),
        3,
        "the agencies answer"
    );
    // Retried like a read: each profile's call was sent twice.
    assert_eq!(world.fake.assume_calls(BASE_ALI_KEY), 6);
}

#[test]
fn an_expired_temporary_credential_fails_as_auth() {
    let world = World::new(fleet_cloud(1));
    world
        .fake
        .set_latency(std::time::Duration::from_millis(400));
    let config = fleet_config(&world, 1, "");
    let fake = world.fake.clone();
    // Expire each credential as soon as it is issued, before the queries it unlocks arrive.
    let watcher = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(20) {
            if fake.issued_credentials().len() >= 2 {
                fake.expire_credentials();
                return true;
            }
            fake.expire_credentials();
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        false
    });
    let output = run_fleet(&world, &config, &["-o", "json", "--retries", "0"]);
    assert!(watcher.join().unwrap(), "both credentials were issued");
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{doc:#}");
    assert!(errors.iter().all(|e| e["kind"] == "auth"), "{doc:#}");
}

#[test]
fn no_key_secret_or_token_of_any_hop_shows_at_vvv() {
    let world = World::new(fleet_cloud(2));
    let config = fleet_config(&world, 2, "");
    let output = run_fleet(&world, &config, &["-vvv", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let profiles = run_fleet(&world, &config, &["profiles", "-vvv"]);
    let all = format!(
        "{}{}{}{}",
        stdout(&output),
        stderr(&output),
        stdout(&profiles),
        stderr(&profiles)
    );
    let mut secrets = world.fake.issued_secrets();
    assert_eq!(
        secrets.len(),
        8,
        "a secret and a token for each of four profiles"
    );
    secrets.extend([BASE_ALI_SECRET.to_string(), BASE_HW_SECRET.to_string()]);
    for secret in &secrets {
        assert!(
            !all.contains(secret.as_str()),
            "a secret shows: {}...",
            &secret[..6]
        );
        let encoded = headroom::sign::percent_encode(secret);
        assert!(!all.contains(&encoded), "an encoded secret shows");
    }
    for issued in world.fake.issued_credentials() {
        assert!(
            !all.contains(&issued.access_key),
            "a temporary key id shows whole"
        );
    }
}

#[test]
fn an_agency_without_a_project_id_looks_it_up_with_its_temporary_credentials() {
    let world = World::new(fleet_cloud(2));
    let config = fleet_config(&world, 2, "");
    let text = std::fs::read_to_string(&config).unwrap();
    let without_ids = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("h00:") || line.contains("team-"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&config, without_ids + "\n").unwrap();
    let output = run_fleet(&world, &config, &["-p", "h0*", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(row(&json(&output), "h00", "vpc")["used"], 0);
    let lookups: Vec<_> = world
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.service == Service::Iam && r.path == "/v3/projects")
        .collect();
    assert_eq!(lookups.len(), 1, "only h00 has no configured project id");
    let temporary: Vec<String> = world
        .fake
        .issued_credentials()
        .into_iter()
        .map(|c| c.access_key)
        .collect();
    assert!(temporary.contains(lookups[0].access_key.as_ref().unwrap()));
}
