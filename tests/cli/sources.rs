//! The quota sources beyond the first four, against the simulated cloud: Alibaba Quota
//! Center (paging, pacing, the row rules), Huawei Cloud / OTC ECS, EVS, ELB, Enterprise Router
//! and NAT, the region exclusions, a permission failure naming its action, and `policy`.

use headroom::fake::{
    Account, ErLastPage, ErPaging, FakeCloud, Fault, FaultKind, NatShape, Service,
};
use serde_json::{Value, json};

use crate::support::*;

fn qc_item(code: &str, used: Value, total: Value, region: &str) -> Value {
    json!({
        "QuotaActionCode": code,
        "QuotaName": format!("{code} name"),
        "TotalQuota": total,
        "TotalUsage": used,
        "Consumable": true,
        "QuotaType": "normal",
        "QuotaCategory": "CommonQuota",
        "GlobalQuota": false,
        "Dimensions": {"regionId": region},
        "QuotaUnit": "count"
    })
}

/// An Alibaba account with Quota Center items in cn-shanghai and cn-hongkong.
fn quota_center_world(extra_ecs_items: usize) -> World {
    let mut ali = Account::alibaba(ALI_KEY, ALI_SECRET);
    let mut items = Vec::new();
    for region in ["cn-shanghai", "cn-hongkong"] {
        items.push((
            "vpc".to_string(),
            qc_item("vpc_quota_instances_num", json!(4), json!(10), region),
        ));
        let mut zoned = qc_item("vpc_quota_vswitch_per_zone", json!(3), json!(24), region);
        zoned["Dimensions"] = json!({"regionId": region, "zoneId": format!("{region}-b")});
        items.push(("vpc".to_string(), zoned));
        let mut flag = qc_item("vpc_privilege_ipv6", json!(1), json!(1), region);
        flag["QuotaType"] = json!("privilege");
        items.push(("vpc".to_string(), flag));
        let mut unused = qc_item("vpc_quota_route_tables_num", json!(0), json!(9), region);
        unused["Consumable"] = json!(false);
        unused.as_object_mut().unwrap().remove("TotalUsage");
        items.push(("vpc".to_string(), unused));
        items.push((
            "cbwp".to_string(),
            qc_item(
                "cbwp_quota_bandwidth_total",
                json!(1200.25),
                json!(5000.5),
                region,
            ),
        ));
        for i in 0..extra_ecs_items {
            items.push((
                "ecs".to_string(),
                qc_item(&format!("q_item{i:03}"), json!(i % 7), json!(-1), region),
            ));
        }
    }
    let mut global = qc_item(
        "cen_quota_instances_num",
        json!(3),
        json!(10),
        "cn-shanghai",
    );
    global["GlobalQuota"] = json!(true);
    items.push(("cbn".to_string(), global));
    ali.quota_center = items;
    World::new(FakeCloud {
        accounts: vec![ali],
        ..FakeCloud::default()
    })
}

fn ali_config(world: &World, services: &str, profiles: &[&str]) -> std::path::PathBuf {
    let mut text = String::from("profiles:\n");
    for name in profiles {
        text.push_str(&format!(
            "  {name}:\n    provider: alibaba\n    regions: [cn-shanghai, cn-hongkong]\n    services: [{services}]\n    access_key_id: {ALI_KEY}\n    access_key_secret: ${{ALI_SECRET}}\n    endpoints:\n      quotas: {}\n",
            world.url(Service::Quotas)
        ));
    }
    world.write_config(&text)
}

#[test]
fn quota_center_rows_follow_the_rules() {
    let world = quota_center_world(0);
    let config = ali_config(&world, "vpc, cbwp, cbn", &["ali"]);
    let output = run_config(&world, &config, &["-o", "json", "-v"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    world.assert_all_signed();
    let doc = json(&output);
    let rows: Vec<(String, String, String)> = doc["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["region"].as_str().unwrap().to_string(),
                r["service"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |region: &str, service: &str, resource: &str| {
        (
            region.to_string(),
            service.to_string(),
            resource.to_string(),
        )
    };
    assert_eq!(
        rows,
        [
            expect("cn-hongkong", "cbwp", "cbwp_quota_bandwidth_total"),
            expect("cn-hongkong", "vpc", "vpc_quota_instances_num"),
            expect(
                "cn-hongkong",
                "vpc",
                "vpc_quota_vswitch_per_zone/cn-hongkong-b"
            ),
            expect("cn-shanghai", "cbwp", "cbwp_quota_bandwidth_total"),
            expect("cn-shanghai", "vpc", "vpc_quota_instances_num"),
            expect(
                "cn-shanghai",
                "vpc",
                "vpc_quota_vswitch_per_zone/cn-shanghai-b"
            ),
            expect("global", "cbn", "cen_quota_instances_num"),
        ],
        "privilege and usage-less items are left out; the global quota is one row"
    );
    let bandwidth = row(&doc, "ali", "cbwp_quota_bandwidth_total");
    assert_eq!(bandwidth["used"], json!(1200.25));
    assert_eq!(bandwidth["limit"], json!(5000.5));
    assert_eq!(bandwidth["left"], json!(3800.25));
    assert_eq!(bandwidth["name"], "cbwp_quota_bandwidth_total name");
    assert!(
        stderr(&output).contains("ali cn-shanghai vpc: 2 entries without usage left out"),
        "{}",
        stderr(&output)
    );

    // Fractional numbers are kept exactly in every format.
    let csv = stdout(&run_config(&world, &config, &["-o", "csv", "-s", "cbwp"]));
    assert!(csv.contains(",1200.25,5000.5,24.0,3800.25,ok"), "{csv}");
    let prom = stdout(&run_config(
        &world,
        &config,
        &["-o", "prometheus", "-s", "cbwp"],
    ));
    assert!(
        prom.contains("resource=\"cbwp_quota_bandwidth_total\"} 1200.25"),
        "{prom}"
    );
}

#[test]
fn quota_center_pages_with_awkward_tokens_and_is_paced() {
    // 250 items a region: three pages of at most 100, tokens holding `/`, `+` and `=`.
    let world = quota_center_world(250);
    let config = ali_config(&world, "ecs", &["ali-a", "ali-b"]);
    let output = run_config(&world, &config, &["-o", "json", "--concurrency", "256"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    world.assert_all_signed();
    let doc = json(&output);
    assert_eq!(doc["quotas"].as_array().unwrap().len(), 2 * 2 * 250);
    let requests = world.fake.requests();
    let tokens: Vec<&str> = requests
        .iter()
        .filter_map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "NextToken")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    assert_eq!(tokens.len(), 2 * 2 * 2, "two follow-up pages per query");
    assert!(
        tokens
            .iter()
            .all(|t| t.contains('/') && t.contains('+') && t.contains('='))
    );
    // Two profiles share one access key: their 12 calls together keep to 10 a second.
    assert_eq!(requests.len(), 12);
    assert!(world.fake.busiest_second(Service::Quotas, ALI_KEY) <= 10);
}

#[test]
fn many_products_never_pass_ten_calls_a_second() {
    let world = quota_center_world(0);
    let products =
        "vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs";
    let config = ali_config(&world, products, &["ali"]);
    let output = run_config(&world, &config, &["-o", "json", "--concurrency", "64"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(world.fake.requests().len(), 26);
    let busiest = world.fake.busiest_second(Service::Quotas, ALI_KEY);
    assert!(busiest <= 10, "{busiest} calls in one second");
    assert!(
        !stderr(&output).contains("Throttling"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_token_that_comes_back_fails_only_that_query() {
    let world = quota_center_world(0);
    let looping = json!({"RequestId": "r", "NextToken": "AAAA/same+token==", "Quotas": [
        qc_item("q_loop", json!(1), json!(5), "cn-shanghai")
    ]})
    .to_string();
    world.fake.add_fault(Fault::always(
        Service::Quotas,
        FaultKind::Respond {
            status: 200,
            headers: vec![],
            body: looping,
        },
    ));
    let config = ali_config(&world, "vpc", &["ali"]);
    let output = run_config(&world, &config, &["--region", "cn-shanghai", "-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_eq!(doc["errors"][0]["kind"], "bad_response");
    let message = doc["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("came back a second time"), "{message}");
}

/// A Huawei Cloud account with every project-scoped source in cn-north-4.
fn huawei_sources_world(er: ErPaging, nat: NatShape) -> World {
    let mut hw = Account::huawei(HW_KEY, HW_SECRET);
    hw.projects = vec![("cn-north-4".into(), HW_PROJECT.into())];
    hw.ecs_limits = vec![(
        "cn-north-4".into(),
        json!({"maxTotalInstances": 100, "totalInstancesUsed": 23, "maxTotalCores": "200",
               "totalCoresUsed": "188", "maxTotalRAMSize": 409600, "totalRAMUsed": 376832,
               "maxServerGroups": 10, "totalServerGroupsUsed": 2, "maxTotalKeypairs": -1,
               "maxSecurityGroups": 10, "totalSecurityGroupsUsed": 1}),
    )];
    hw.evs_quota_sets = vec![(
        "cn-north-4".into(),
        json!({"volumes": {"in_use": 37, "limit": 200, "reserved": 0},
               "gigabytes": {"in_use": 4120, "limit": 40960, "reserved": 0},
               "volumes_SSD": {"in_use": 14, "limit": -1, "reserved": 0}}),
    )];
    hw.quotas = vec![
        (
            "cn-north-4".into(),
            Service::Elb,
            vec![
                json!({"quota_key": "loadbalancer", "used": 6, "quota_limit": 50, "unit": "count"}),
                json!({"quota_key": "members_per_pool", "used": 90, "quota_limit": 500, "unit": "count"}),
                json!({"quota_key": "certificate", "used": 7, "quota_limit": -1, "unit": "count"}),
            ],
        ),
        (
            "cn-north-4".into(),
            Service::Er,
            [
                "er_instance",
                "vpc_attachment",
                "route_table",
                "static_route",
                "flow_log",
            ]
            .iter()
            .enumerate()
            .map(
                |(i, key)| json!({"quota_key": key, "used": i, "quota_limit": 50, "unit": "count"}),
            )
            .collect(),
        ),
        (
            "cn-north-4".into(),
            Service::Nat,
            vec![json!({"type": "nat_gateway", "used": 2, "quota": 20, "min": 0})],
        ),
    ];
    hw.er_paging = er;
    hw.nat_shape = nat;
    World::new(FakeCloud {
        accounts: vec![hw],
        ..FakeCloud::default()
    })
}

fn hw_sources_config(world: &World, services: &str) -> std::path::PathBuf {
    world.write_config(&format!(
        "profiles:\n  hw:\n    provider: huaweicloud\n    region: cn-north-4\n    project_id: {HW_PROJECT}\n    services: [{services}]\n    access_key: {HW_KEY}\n    secret_key: ${{HW_SECRET}}\n    endpoints:\n      ecs: {}\n      evs: {}\n      elb: {}\n      er: {}\n      nat: {}\n",
        world.url(Service::Ecs),
        world.url(Service::Evs),
        world.url(Service::Elb),
        world.url(Service::Er),
        world.url(Service::Nat),
    ))
}

fn resources(doc: &Value, service: &str) -> Vec<String> {
    doc["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["service"] == service)
        .map(|r| r["resource"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn huawei_compute_disk_load_balancer_router_and_nat_rows() {
    let paging = ErPaging {
        page_size: 2,
        last_page: ErLastPage::PastEnd,
    };
    let world = huawei_sources_world(paging, NatShape::Array);
    let config = hw_sources_config(&world, "ecs, evs, elb, er, nat");
    let output = run_config(&world, &config, &["-o", "json"]);
    assert_eq!(code(&output), 1, "cores are at 94%: {}", stderr(&output));
    world.assert_all_signed();
    let doc = json(&output);
    assert_eq!(
        resources(&doc, "ecs"),
        ["cores", "instances", "ram", "server_groups"]
    );
    assert_eq!(row(&doc, "hw", "cores")["status"], "warning");
    assert_eq!(
        resources(&doc, "evs"),
        ["gigabytes", "volumes", "volumes_SSD"]
    );
    assert_eq!(row(&doc, "hw", "volumes_SSD")["limit"], Value::Null);
    assert_eq!(
        resources(&doc, "elb"),
        ["certificate", "loadbalancer"],
        "per-object keys are left out"
    );
    assert_eq!(
        resources(&doc, "er"),
        [
            "er_instance",
            "flow_log",
            "route_table",
            "static_route",
            "vpc_attachment"
        ]
    );
    assert_eq!(resources(&doc, "nat"), ["nat_gateway"]);
    let requests = world.fake.requests();
    let evs = requests.iter().find(|r| r.service == Service::Evs).unwrap();
    assert_eq!(
        evs.path,
        format!("/v2/{HW_PROJECT}/os-quota-sets/{HW_PROJECT}")
    );
    assert!(evs.query.contains(&("usage".into(), "True".into())));
    let er_pages = requests.iter().filter(|r| r.service == Service::Er).count();
    assert!((3..=4).contains(&er_pages), "{er_pages} pages of two");
}

#[test]
fn an_endless_router_listing_fails_only_its_query() {
    let paging = ErPaging {
        page_size: 1,
        last_page: ErLastPage::Endless,
    };
    let world = huawei_sources_world(paging, NatShape::Resources);
    let config = hw_sources_config(&world, "er, nat");
    let output = run_config(&world, &config, &["-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1);
    assert_eq!(doc["errors"][0]["service"], "er");
    assert_eq!(doc["errors"][0]["kind"], "bad_response");
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("50 pages")
    );
    assert_eq!(resources(&doc, "nat"), ["nat_gateway"], "NAT still answers");
    let er_pages = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.service == Service::Er)
        .count();
    assert_eq!(er_pages, 50);
}

#[test]
fn a_permission_failure_names_the_action_to_grant() {
    let world = huawei_sources_world(ErPaging::default(), NatShape::Resources);
    world.fake.add_fault(Fault::always(
        Service::Ecs,
        FaultKind::Respond {
            status: 403,
            headers: vec![],
            body: r#"{"error":{"message":"Policy doesn't allow ecs:cloudServerQuotas:get to be performed.","code":"Ecs.0103"}}"#.into(),
        },
    ));
    let config = hw_sources_config(&world, "ecs, evs");
    let output = run_config(&world, &config, &[]);
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(
        err.contains("[permission]")
            && err.contains(
                "grant ecs:cloudServerQuotas:get (`headroom policy` prints the whole policy)"
            ),
        "{err}"
    );
    assert!(stdout(&output).contains("volumes"), "EVS still answers");
}

#[test]
fn services_a_region_lacks_are_skipped_quietly_unless_named() {
    let world = World::standard();
    let profile = |services: &str| {
        format!(
            "profiles:\n  swiss:\n    provider: otc\n    region: eu-ch2\n    project_id: {OTC_PROJECT}\n    access_key: {OTC_KEY}\n    secret_key: ${{OTC_SECRET}}\n{services}    endpoints:\n      vpc: {}\n",
            world.url(Service::Vpc)
        )
    };
    // Default services: vpn, elb and er are skipped (said at -v), the rest is queried.
    let config = world.write_config(&profile("    services: [vpc, ecs]\n"));
    let quiet = run_config(&world, &config, &["-s", "vpc"]);
    assert!(!stderr(&quiet).contains("skipping"), "{}", stderr(&quiet));
    // Named explicitly, a service the region lacks is an error of that profile.
    let config = world.write_config(&profile("    services: [vpc, er]\n"));
    let output = run_config(&world, &config, &["-o", "json"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    let message = doc["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("otc eu-ch2 offers no er API"), "{message}");
}

#[test]
fn policy_prints_one_document_per_provider() {
    let world = World::standard();
    let config = world.standard_config("");
    let output = run_config(&world, &config, &["policy"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("# alibaba: profiles ali\n{\n  \"Version\": \"1\""),
        "{text}"
    );
    assert!(text.contains("# huaweicloud: profiles hw\n"), "{text}");
    assert!(text.contains("# otc: profiles otc\n"), "{text}");
    assert!(
        text.contains("\"iam:projects:listProjects\""),
        "otc has no project id: {text}"
    );

    let output = run_config(
        &world,
        &config,
        &["policy", "-p", "ali", "--with-create", "-o", "json"],
    );
    let doc = json(&output);
    let actions = doc["alibaba"]["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.contains(&json!("smartag:CreateCloudConnectNetwork")));
    assert_eq!(doc["alibaba"]["Statement"][0]["Resource"], "*");
    assert!(doc.get("otc").is_none());

    let output = run_config(
        &world,
        &config,
        &["policy", "-p", "hw", "-s", "vpn", "-o", "json"],
    );
    assert_eq!(
        json(&output)["huaweicloud"]["Statement"][0]["Action"],
        json!(["vpn:quotas:list"])
    );

    let output = run_config(&world, &config, &["policy", "-p", "nope"]);
    assert_eq!(code(&output), 3);
    assert!(world.fake.requests().is_empty(), "policy sends nothing");
}

/// Both clouds' new sources in one config: Alibaba Quota Center `vpc` and Huawei ECS, EVS,
/// ELB, ER and NAT.
fn both_clouds() -> (World, std::path::PathBuf) {
    let mut cloud = FakeCloud::default();
    let mut ali = Account::alibaba(ALI_KEY, ALI_SECRET);
    ali.quota_center = vec![(
        "vpc".into(),
        qc_item(
            "vpc_quota_instances_num",
            json!(4),
            json!(10),
            "cn-shanghai",
        ),
    )];
    cloud.accounts.push(ali);
    let mut hw = Account::huawei(HW_KEY, HW_SECRET);
    hw.projects = vec![("cn-north-4".into(), HW_PROJECT.into())];
    hw.ecs_limits = vec![(
        "cn-north-4".into(),
        json!({"maxTotalInstances": 10, "totalInstancesUsed": 1, "maxTotalCores": 20,
               "totalCoresUsed": 2, "maxTotalRAMSize": 4096, "totalRAMUsed": 1024,
               "maxServerGroups": 10, "totalServerGroupsUsed": 0}),
    )];
    hw.evs_quota_sets = vec![(
        "cn-north-4".into(),
        json!({"volumes": {"in_use": 1, "limit": 20, "reserved": 0}}),
    )];
    hw.quotas = vec![
        (
            "cn-north-4".into(),
            Service::Elb,
            vec![json!({"quota_key": "listener", "used": 1, "quota_limit": 50, "unit": "count"})],
        ),
        (
            "cn-north-4".into(),
            Service::Er,
            vec![json!({"quota_key": "er_instance", "used": 1, "quota_limit": 5, "unit": "count"})],
        ),
        (
            "cn-north-4".into(),
            Service::Nat,
            vec![json!({"type": "nat_gateway", "used": 1, "quota": 20})],
        ),
    ];
    cloud.accounts.push(hw);
    let world = World::new(cloud);
    let text = format!(
        "profiles:\n  ali:\n    provider: alibaba\n    region: cn-shanghai\n    services: [vpc]\n    access_key_id: {ALI_KEY}\n    access_key_secret: ${{ALI_SECRET}}\n    endpoints:\n      quotas: {}\n  hw:\n    provider: huaweicloud\n    region: cn-north-4\n    project_id: {HW_PROJECT}\n    services: [ecs, evs, elb, er, nat]\n    access_key: {HW_KEY}\n    secret_key: ${{HW_SECRET}}\n    endpoints:\n      ecs: {}\n      evs: {}\n      elb: {}\n      er: {}\n      nat: {}\n",
        world.url(Service::Quotas),
        world.url(Service::Ecs),
        world.url(Service::Evs),
        world.url(Service::Elb),
        world.url(Service::Er),
        world.url(Service::Nat),
    );
    let config = world.write_config(&text);
    (world, config)
}

#[test]
fn a_broken_answer_fails_only_its_own_source() {
    let sources = [
        (Service::Quotas, "vpc"),
        (Service::Ecs, "ecs"),
        (Service::Evs, "evs"),
        (Service::Elb, "elb"),
        (Service::Er, "er"),
        (Service::Nat, "nat"),
    ];
    for (fault_name, fault) in [
        ("truncated", FaultKind::TruncatedBody),
        ("html", FaultKind::Html502),
        ("not json", FaultKind::MalformedJson),
    ] {
        for (service, name) in sources {
            let (world, config) = both_clouds();
            world.fake.add_fault(Fault::always(service, fault.clone()));
            let output = run_config(&world, &config, &["-o", "json", "--retries", "0"]);
            assert_eq!(code(&output), 3, "{fault_name} {name}");
            let doc = json(&output);
            let errors = doc["errors"].as_array().unwrap();
            assert_eq!(errors.len(), 1, "{fault_name} {name}: {errors:?}");
            assert_eq!(errors[0]["service"], name, "{fault_name}");
            assert_eq!(errors[0]["kind"], "bad_response", "{fault_name} {name}");
            let services: Vec<&str> = doc["quotas"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["service"].as_str().unwrap())
                .collect();
            for (_, other) in sources.iter().filter(|(_, other)| *other != name) {
                assert!(
                    services.contains(other),
                    "{fault_name} {name}: {other} answers"
                );
            }
            assert!(!services.contains(&name));
        }
    }
}

#[test]
fn throttling_in_each_source_shape_is_retried() {
    let throttles = [
        (
            Service::Quotas,
            400,
            r#"{"RequestId":"r","HostId":"quotas.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
        ),
        (
            Service::Ecs,
            429,
            r#"{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second","request_id":"r"}"#,
        ),
        (
            Service::Er,
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"r"}"#,
        ),
    ];
    for (service, status, body) in throttles {
        let (world, config) = both_clouds();
        world.fake.add_fault(Fault::times(
            service,
            1,
            FaultKind::Respond {
                status,
                headers: vec![("Retry-After".into(), "0".into())],
                body: body.into(),
            },
        ));
        let output = run_config(&world, &config, &["-o", "json"]);
        assert_eq!(code(&output), 0, "{service:?}: {}", stderr(&output));
        // Quota Center 1, ECS 4, EVS, ELB, ER and NAT 1 each.
        assert_eq!(json(&output)["quotas"].as_array().unwrap().len(), 9);
    }
}
