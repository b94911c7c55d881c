//! The demo world: three sample accounts with realistic values from the API pages, chosen so
//! that `headroom demo` shows every kind of row (ok, near the limit, unlimited) and one failed
//! query. Deterministic, so the demo output only changes with the clock.

use serde_json::{Value, json};

use super::{
    Account, AccountKind, CcnRegion, FakeCloud, FakeHandle, Fault, FaultKind, Network, Service,
};

/// `ali-demo`'s access key id. Obviously fake, shaped like a real one.
pub const DEMO_ALIBABA_ACCESS_KEY: &str = "LTAI5tDemoAccessKeyId00";
const DEMO_ALIBABA_SECRET: &str = "DemoSecretAlibabaNotARealKey00";
/// `hw-demo`'s access key (Huawei Cloud, cn-north-4).
pub const DEMO_HUAWEI_ACCESS_KEY: &str = "DEMOHUAWEIACCESSKEY0";
const DEMO_HUAWEI_SECRET: &str = "DemoSecretHuaweiCloudNotARealKey00000000";
/// `hw-demo`'s project in cn-north-4; the config names it.
pub const DEMO_HUAWEI_PROJECT_ID: &str = "0d5f8c3a2b7e4a1c9f6e2d8b4a7c1e30";
/// `otc-demo`'s access key (Open Telekom Cloud, eu-de).
pub const DEMO_OTC_ACCESS_KEY: &str = "DEMOOTCACCESSKEY0001";
const DEMO_OTC_SECRET: &str = "DemoSecretOpenTelekomCloudNotARealKey000";
/// `otc-demo`'s project in eu-de; the config leaves it out, so headroom asks IAM.
pub const DEMO_OTC_PROJECT_ID: &str = "7a3e9b1c5d2f4e6a8b0c1d3e5f7a9b2c";

/// One `quotas.resources` entry; VPC entries carry `min`, the others do not.
fn entry(kind: &str, used: i64, quota: i64, min: Option<i64>) -> Value {
    match min {
        Some(min) => json!({"type": kind, "used": used, "quota": quota, "min": min}),
        None => json!({"type": kind, "used": used, "quota": quota}),
    }
}

fn network(id: &str, name: &str, description: &str, cidr: &str, created: i64) -> Network {
    Network {
        ccn_id: id.to_string(),
        name: name.to_string(),
        description: description.to_string(),
        cidr_block: cidr.to_string(),
        snat_cidr_block: String::new(),
        is_default: false,
        status: "Active".to_string(),
        create_time: created,
    }
}

pub(super) fn demo() -> FakeCloud {
    let alibaba = Account {
        kind: AccountKind::Alibaba,
        access_key: DEMO_ALIBABA_ACCESS_KEY.into(),
        secret: DEMO_ALIBABA_SECRET.into(),
        security_token: None,
        projects: Vec::new(),
        quotas: Vec::new(),
        ccn: vec![
            (
                "cn-shanghai".into(),
                CcnRegion {
                    total: 10,
                    used_extra: 4,
                    networks: vec![
                        network(
                            "ccn-demo0shanghai0000001",
                            "office-shanghai",
                            "Shanghai branch offices",
                            "172.16.22.0/24",
                            1_767_225_600_000,
                        ),
                        network(
                            "ccn-demo0shanghai0000002",
                            "stores-east",
                            "East China stores",
                            "172.16.23.0/24",
                            1_768_435_200_000,
                        ),
                    ],
                },
            ),
            (
                "cn-hongkong".into(),
                CcnRegion {
                    total: 10,
                    used_extra: 8,
                    networks: vec![network(
                        "ccn-demo0hongkong0000001",
                        "office-hongkong",
                        "Hong Kong office",
                        "10.20.0.0/16",
                        1_767_312_000_000,
                    )],
                },
            ),
        ],
    };

    let huawei = Account {
        kind: AccountKind::Huawei,
        access_key: DEMO_HUAWEI_ACCESS_KEY.into(),
        secret: DEMO_HUAWEI_SECRET.into(),
        security_token: None,
        projects: vec![("cn-north-4".into(), DEMO_HUAWEI_PROJECT_ID.into())],
        quotas: vec![
            (
                "cn-north-4".into(),
                Service::Vpc,
                vec![
                    entry("vpc", 4, 150, Some(0)),
                    entry("subnet", 5, 400, Some(0)),
                    entry("securityGroup", 12, 100, Some(0)),
                    // Near its limit: 90% is a warning at the default thresholds.
                    entry("securityGroupRule", 4500, 5000, Some(0)),
                    entry("publicIp", 2, 10, Some(0)),
                    entry("vpn", 0, 5, Some(0)),
                    // Unlimited, which the VPC page says `-1` means.
                    entry("vpcPeer", 3, -1, Some(0)),
                    entry("firewall", 0, 200, Some(0)),
                    entry("shareBandwidth", 0, 5, Some(0)),
                    entry("shareBandwidthIP", 0, 20, Some(0)),
                    entry("loadbalancer", 1, 10, Some(0)),
                    entry("listener", 2, 10, Some(0)),
                    entry("flow_log", 0, 10, Some(0)),
                    entry("vpcContainRoutetable", 1, 5, Some(0)),
                    entry("routetableContainRoutes", 7, 200, Some(0)),
                ],
            ),
            (
                "cn-north-4".into(),
                Service::Vpn,
                vec![
                    entry("customer_gateway", 13, 100, None),
                    entry("vpn_connection", 306, 5000, None),
                    entry("vpn_gateway", 23, 50, None),
                ],
            ),
            (
                "cn-north-4".into(),
                Service::Vpcep,
                vec![
                    entry("endpoint", 4, 150, None),
                    entry("endpoint_service", 10, 100, None),
                ],
            ),
        ],
        ccn: Vec::new(),
    };

    let otc = Account {
        kind: AccountKind::Huawei,
        access_key: DEMO_OTC_ACCESS_KEY.into(),
        secret: DEMO_OTC_SECRET.into(),
        security_token: None,
        projects: vec![("eu-de".into(), DEMO_OTC_PROJECT_ID.into())],
        quotas: vec![
            (
                "eu-de".into(),
                Service::Vpc,
                vec![
                    entry("vpc", 3, 5, Some(0)),
                    entry("subnet", 9, 100, Some(0)),
                    entry("securityGroup", 14, 100, Some(0)),
                    entry("securityGroupRule", 310, 5000, Some(0)),
                    // Near its limit: 48 of 50 is critical at the default 95%.
                    entry("publicIp", 48, 50, Some(0)),
                    entry("vpcPeer", 2, 50, Some(0)),
                    entry("firewall", 1, 200, Some(0)),
                    entry("shareBandwidth", 1, 5, Some(0)),
                    entry("shareBandwidthIP", 4, 20, Some(0)),
                    entry("loadbalancer", 2, 10, Some(0)),
                    entry("listener", 5, 10, Some(0)),
                ],
            ),
            (
                "eu-de".into(),
                Service::Vpn,
                vec![
                    entry("customer_gateway", 2, 100, None),
                    entry("vpn_connection", 4, 5000, None),
                    entry("vpn_gateway", 1, 50, None),
                ],
            ),
            (
                "eu-de".into(),
                Service::Vpcep,
                vec![
                    entry("endpoint", 1, 50, None),
                    entry("endpoint_service", 0, 20, None),
                ],
            ),
        ],
        ccn: Vec::new(),
    };

    FakeCloud {
        accounts: vec![alibaba, huawei, otc],
        latency: std::time::Duration::ZERO,
        // The "endpoint that fails": OTC's VPCEP refuses the demo account, permanently.
        faults: vec![
            Fault::always(
                Service::Vpcep,
                FaultKind::Respond {
                    status: 403,
                    headers: Vec::new(),
                    body: json!({
                        "error_code": "EndPoint.0005",
                        "error_msg": "Policy doesn't allow vpcep:quotas:get to be performed.",
                    })
                    .to_string(),
                },
            )
            .for_key(DEMO_OTC_ACCESS_KEY),
        ],
    }
}

pub(super) fn demo_config_yaml(handle: &FakeHandle) -> String {
    let huawei_endpoints = format!(
        "{{ vpc: {}, vpn: {}, vpcep: {}, iam: {} }}",
        handle.url(Service::Vpc),
        handle.url(Service::Vpn),
        handle.url(Service::Vpcep),
        handle.url(Service::Iam),
    );
    format!(
        "# Simulated accounts for `headroom demo`: every endpoint is a local fake cloud.\n\
profiles:
  ali-demo:
    provider: alibaba
    regions: [cn-shanghai, cn-hongkong]
    access_key_id: {ali_key}
    access_key_secret: {ali_secret}
    endpoints: {{ smartag: {smartag} }}
  hw-demo:
    provider: huaweicloud
    region: cn-north-4
    project_id: {hw_project}
    access_key: {hw_key}
    secret_key: {hw_secret}
    endpoints: {huawei_endpoints}
  otc-demo:
    provider: otc
    region: eu-de
    access_key: {otc_key}
    secret_key: {otc_secret}
    endpoints: {huawei_endpoints}
",
        ali_key = DEMO_ALIBABA_ACCESS_KEY,
        ali_secret = DEMO_ALIBABA_SECRET,
        smartag = handle.url(Service::Smartag),
        hw_project = DEMO_HUAWEI_PROJECT_ID,
        hw_key = DEMO_HUAWEI_ACCESS_KEY,
        hw_secret = DEMO_HUAWEI_SECRET,
        otc_key = DEMO_OTC_ACCESS_KEY,
        otc_secret = DEMO_OTC_SECRET,
    )
}
