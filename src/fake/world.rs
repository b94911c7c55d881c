//! The demo world: three sample accounts with realistic values from the API pages, chosen so
//! that `headroom demo` shows every kind of row (ok, near the limit, unlimited) and one failed
//! query. Deterministic, so the demo output only changes with the clock.
//!
//! Beyond the VPC, VPN, VPCEP and CCN data the demo config reads today, the accounts carry
//! Quota Center items (`ali-demo`) and ECS, EVS, ELB, Enterprise Router and NAT quotas
//! (`hw-demo`, `otc-demo`, NAT on Huawei Cloud only), each with one row near its limit.
//!
//! A small fleet stands behind two of them, reachable only by assuming a role or an agency (the
//! demo config does not name it yet): `ali-demo`'s key may assume the RAM role
//! `headroom-reader` in two more Alibaba accounts (`shop`, `data`), and `hw-demo`'s the agency
//! `headroom-reader` in the Huawei Cloud account `team-b`. Each has a few quotas of its own,
//! one of them near its limit. They come after the three demo accounts, which keep their
//! places.

use serde_json::{Value, json};

use super::{
    Account, AccountKind, Agency, CcnRegion, ErLastPage, ErPaging, FakeCloud, FakeHandle, Fault,
    FaultKind, NatShape, Network, Role, Service, derived_domain_id,
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

/// `ali-demo`'s (made-up) account id, as Quota Center ARNs carry it and the fleet's roles
/// trust it.
pub const DEMO_ALIBABA_ACCOUNT_ID: &str = "1869542011836482";
/// The role (Alibaba) and the agency (Huawei Cloud) the demo fleet is read through.
pub const DEMO_READER_ROLE: &str = "headroom-reader";
/// The `shop` account: `acs:ram::1520834971630052:role/headroom-reader` trusts `ali-demo`.
pub const DEMO_ALIBABA_SHOP_ACCOUNT_ID: &str = "1520834971630052";
/// `shop`'s own long-term key, which no config holds: temporary keys act as it.
pub const DEMO_ALIBABA_SHOP_ACCESS_KEY: &str = "LTAI5tShopDemoKeyId0001";
const DEMO_ALIBABA_SHOP_SECRET: &str = "DemoSecretAlibabaShopNotARealKey";
/// The `data` account: `acs:ram::1637205518894471:role/headroom-reader` trusts `ali-demo`.
pub const DEMO_ALIBABA_DATA_ACCOUNT_ID: &str = "1637205518894471";
/// `data`'s own long-term key, which no config holds.
pub const DEMO_ALIBABA_DATA_ACCESS_KEY: &str = "LTAI5tDataDemoKeyId0001";
const DEMO_ALIBABA_DATA_SECRET: &str = "DemoSecretAlibabaDataNotARealKey";
/// `hw-demo`'s account (domain) id, what a base profile's `domain_id` names.
pub const DEMO_HUAWEI_DOMAIN_ID: &str = "9e4b2c7a1d3f4e5a8b6c0d2e4f6a8b1c";
/// `hw-demo`'s account (domain) name, which `team-b`'s agency trusts.
pub const DEMO_HUAWEI_DOMAIN_NAME: &str = "headroom-demo";
/// The Huawei Cloud account `team-b`, reached through its agency `headroom-reader`.
pub const DEMO_TEAM_B_DOMAIN_NAME: &str = "team-b";
pub const DEMO_TEAM_B_DOMAIN_ID: &str = "3f7a1c9e5b2d4a6c8e0f1a3b5c7d9e2f";
/// `team-b`'s only region, and its project there.
pub const DEMO_TEAM_B_REGION: &str = "ap-southeast-1";
pub const DEMO_TEAM_B_PROJECT_ID: &str = "6b2e8d4a0c1f4b3e9a7d5c2e0f8b4a16";
/// `team-b`'s own long-term key, which no config holds.
pub const DEMO_TEAM_B_ACCESS_KEY: &str = "DEMOTEAMBACCESSKEY01";
const DEMO_TEAM_B_SECRET: &str = "DemoSecretHuaweiTeamBNotARealKey00000000";

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
        ecs_limits: Vec::new(),
        evs_quota_sets: Vec::new(),
        er_paging: ErPaging::default(),
        nat_shape: NatShape::default(),
        quota_center: quota_center_items(),
        account_id: DEMO_ALIBABA_ACCOUNT_ID.into(),
        roles: Vec::new(),
        domain_id: String::new(),
        domain_name: String::new(),
        agencies: Vec::new(),
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
            ("cn-north-4".into(), Service::Elb, huawei_elb()),
            ("cn-north-4".into(), Service::Er, huawei_er()),
            (
                "cn-north-4".into(),
                Service::Nat,
                vec![
                    entry("nat_gateway", 2, 20, Some(0)),
                    entry("snat_rule", 5, 200, Some(0)),
                    entry("dnat_rule", 11, 200, Some(0)),
                ],
            ),
        ],
        ecs_limits: vec![("cn-north-4".into(), huawei_ecs())],
        evs_quota_sets: vec![("cn-north-4".into(), huawei_evs())],
        // Seven ER rows, four a page: two pages, the last still carrying a marker.
        er_paging: ErPaging {
            page_size: 4,
            last_page: ErLastPage::PastEnd,
        },
        nat_shape: NatShape::Resources,
        ccn: Vec::new(),
        quota_center: Vec::new(),
        account_id: String::new(),
        roles: Vec::new(),
        domain_id: DEMO_HUAWEI_DOMAIN_ID.into(),
        domain_name: DEMO_HUAWEI_DOMAIN_NAME.into(),
        agencies: Vec::new(),
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
            ("eu-de".into(), Service::Elb, otc_elb()),
            ("eu-de".into(), Service::Er, otc_er()),
        ],
        ecs_limits: vec![("eu-de".into(), otc_ecs())],
        evs_quota_sets: vec![("eu-de".into(), otc_evs())],
        // Five ER rows, three a page; the last page repeats the marker it was asked with.
        er_paging: ErPaging {
            page_size: 3,
            last_page: ErLastPage::RepeatMarker,
        },
        nat_shape: NatShape::Resources,
        ccn: Vec::new(),
        quota_center: Vec::new(),
        account_id: String::new(),
        roles: Vec::new(),
        domain_id: derived_domain_id(DEMO_OTC_ACCESS_KEY),
        domain_name: "otc-demo".into(),
        agencies: Vec::new(),
    };

    FakeCloud {
        accounts: vec![alibaba, huawei, otc, shop(), data(), team_b()],
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

/// One Quota Center item in the full shape `ListProductQuotas` lists, for a quota with usage.
/// `region: None` is a quota shared by every region (`GlobalQuota`, no dimensions).
fn quota_item(
    product: &str,
    code: &str,
    name: &str,
    region: Option<&str>,
    total: Value,
    usage: Value,
) -> Value {
    let dimensions = match region {
        Some(region) => json!({"regionId": region}),
        None => json!({}),
    };
    // The ARN names the region the quota lives in; a global one names the central region.
    let arn_region = region.unwrap_or("cn-hangzhou");
    // `QuotaItems` carries the same numbers as strings, as the real API does.
    let as_text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    json!({
        "ProductCode": product,
        "QuotaActionCode": code,
        "QuotaName": name,
        "QuotaDescription": name,
        "QuotaUnit": "",
        "QuotaType": "normal",
        "QuotaCategory": "CommonQuota",
        "TotalQuota": total,
        "TotalUsage": usage,
        "Consumable": true,
        "Adjustable": true,
        "UnadjustableDetail": "",
        "GlobalQuota": region.is_none(),
        "Dimensions": dimensions,
        "ApplicableType": "continuous",
        "ApplicableRange": [],
        "QuotaArn": format!(
            "acs:quotas:{arn_region}:{DEMO_ALIBABA_ACCOUNT_ID}:quota/{product}/{code}"
        ),
        "QuotaItems": [{
            "Type": "BaseQuota",
            "Quota": as_text(&total),
            "Usage": as_text(&usage),
            "QuotaUnit": "",
        }],
        "Period": {"PeriodValue": 0, "PeriodUnit": "day"},
        "UsageMetric": {},
        "EffectiveTime": "",
        "ExpireTime": "",
    })
}

/// Replaces or adds fields of an item, for the special cases.
fn with(mut item: Value, fields: Value) -> Value {
    if let (Value::Object(item), Value::Object(fields)) = (&mut item, fields) {
        item.extend(fields);
    }
    item
}

/// A per-instance quota (per VPC, per NAT gateway): no account-wide usage to report.
fn per_instance(product: &str, code: &str, name: &str, region: &str, total: i64) -> Value {
    let item = quota_item(product, code, name, Some(region), json!(total), json!(0));
    let mut item = with(item, json!({"Consumable": false}));
    if let Value::Object(map) = &mut item {
        map.remove("TotalUsage");
        map.remove("QuotaItems");
    }
    item
}

/// `ali-demo`'s Quota Center items in cn-shanghai and cn-hongkong. `expressconnect`,
/// `privatelink` and `ga` have none (an empty list, as for a product the account does not use).
fn quota_center_items() -> Vec<(String, Value)> {
    const SH: &str = "cn-shanghai";
    const HK: &str = "cn-hongkong";
    let vpcs = "Maximum number of VPCs per region";
    let vswitches = "Maximum number of vSwitches per VPC";
    let route_tables = "Maximum number of custom route tables per VPC";
    let eips = "Maximum number of EIPs per region";
    let nat_per_vpc = "Maximum number of NAT gateways per VPC";
    let eips_per_nat = "Maximum number of EIPs per NAT gateway";
    let vpn_gateways = "Maximum number of VPN gateways per region";
    let clbs = "Maximum number of CLB instances per region";
    let items = vec![
        quota_item(
            "vpc",
            "vpc_quota_instances_num",
            vpcs,
            Some(SH),
            json!(10),
            json!(4),
        ),
        quota_item(
            "vpc",
            "vpc_quota_instances_num",
            vpcs,
            Some(HK),
            json!(10),
            json!(2),
        ),
        per_instance("vpc", "vpc_quota_vswitches_num", vswitches, SH, 150),
        per_instance("vpc", "vpc_quota_vswitches_num", vswitches, HK, 150),
        per_instance("vpc", "vpc_quota_route_tables_num", route_tables, SH, 9),
        // A feature switch, not a capacity: never a row.
        with(
            quota_item(
                "vpc",
                "vpc_privilege_allow_ipv6_gateway",
                "Allow IPv6 gateways",
                Some(SH),
                json!(1),
                json!(0),
            ),
            json!({"QuotaType": "privilege", "Adjustable": false}),
        ),
        // Listed only when `QuotaCategory=FlowControl` is asked for.
        with(
            quota_item(
                "vpc",
                "vpc_flowcontrol_DescribeVpcs",
                "DescribeVpcs",
                Some(SH),
                json!(100),
                json!(0),
            ),
            json!({
                "QuotaCategory": "FlowControl",
                "Consumable": false,
                "Period": {"PeriodValue": 1, "PeriodUnit": "second"},
            }),
        ),
        quota_item(
            "eip",
            "eip_quota_instances_num",
            eips,
            Some(SH),
            json!(20),
            json!(7),
        ),
        // Near its limit: 19 of 20 is critical at the default 95%.
        quota_item(
            "eip",
            "eip_quota_instances_num",
            eips,
            Some(HK),
            json!(20),
            json!(19),
        ),
        // NAT gateways count per VPC: the VPC is a second dimension.
        with(
            quota_item(
                "nat",
                "natgw_quota_nat_num_per_vpc",
                nat_per_vpc,
                Some(SH),
                json!(5),
                json!(2),
            ),
            json!({"Dimensions": {"regionId": SH, "vpcId": "vpc-uf6demo0shanghai0001"}}),
        ),
        with(
            quota_item(
                "nat",
                "natgw_quota_nat_num_per_vpc",
                nat_per_vpc,
                Some(HK),
                json!(5),
                json!(1),
            ),
            json!({"Dimensions": {"regionId": HK, "vpcId": "vpc-j6cdemo0hongkong0001"}}),
        ),
        per_instance("nat", "natgw_quota_eip_num_per_nat", eips_per_nat, SH, 20),
        quota_item(
            "vpn",
            "vpn_quota_instances_num",
            vpn_gateways,
            Some(SH),
            json!(30),
            json!(3),
        ),
        quota_item(
            "vpn",
            "vpn_quota_instances_num",
            vpn_gateways,
            Some(HK),
            json!(30),
            json!(1),
        ),
        // CEN instances belong to the account, not to a region.
        quota_item(
            "cbn",
            "cen_quota_instances_num",
            "Maximum number of CEN instances per account",
            None,
            json!(10),
            json!(3),
        ),
        quota_item(
            "slb",
            "slb_quota_instances_num",
            clbs,
            Some(SH),
            json!(60),
            json!(12),
        ),
        quota_item(
            "slb",
            "slb_quota_instances_num",
            clbs,
            Some(HK),
            json!(60),
            json!(5),
        ),
        quota_item(
            "alb",
            "alb_quota_loadbalancers_num",
            "Maximum number of ALB instances per region",
            Some(SH),
            json!(50),
            json!(3),
        ),
        quota_item(
            "nlb",
            "nlb_quota_loadbalancers_num",
            "Maximum number of NLB instances per region",
            Some(SH),
            json!(60),
            json!(1),
        ),
        quota_item(
            "cbwp",
            "cbwp_quota_instances_num",
            "Maximum number of Internet Shared Bandwidth instances per region",
            Some(SH),
            json!(10),
            json!(2),
        ),
        // Bandwidth in Mbit/s, fractional as bandwidth may be.
        with(
            quota_item(
                "cbwp",
                "cbwp_quota_bandwidth_total",
                "Maximum total bandwidth of Internet Shared Bandwidth instances per region",
                Some(SH),
                json!(5000.5),
                json!(1200.25),
            ),
            json!({"QuotaUnit": "Mbps"}),
        ),
        quota_item(
            "ecs",
            "q_security-groups",
            "Maximum number of security groups",
            Some(SH),
            json!(801),
            json!(26),
        ),
    ];
    items
        .into_iter()
        .map(|item| {
            let product = item["ProductCode"].as_str().unwrap_or_default().to_string();
            (product, item)
        })
        .collect()
}

/// Rewrites a Quota Center item's ARN for another account than `ali-demo`.
fn owned_by(item: Value, account_id: &str) -> Value {
    let arn = item["QuotaArn"]
        .as_str()
        .unwrap_or_default()
        .replace(DEMO_ALIBABA_ACCOUNT_ID, account_id);
    with(item, json!({"QuotaArn": arn}))
}

/// The fleet's `shop` account: a couple of CCNs and quotas in cn-shanghai, its EIPs nearly used
/// up.
fn shop() -> Account {
    const SH: &str = "cn-shanghai";
    let mut shop = Account::alibaba(DEMO_ALIBABA_SHOP_ACCESS_KEY, DEMO_ALIBABA_SHOP_SECRET);
    shop.account_id = DEMO_ALIBABA_SHOP_ACCOUNT_ID.into();
    shop.roles = vec![Role::new(DEMO_READER_ROLE, &[DEMO_ALIBABA_ACCOUNT_ID])];
    shop.ccn = vec![(
        SH.into(),
        CcnRegion {
            total: 5,
            used_extra: 1,
            networks: vec![network(
                "ccn-demo0shop00000000001",
                "stores-west",
                "West China stores",
                "172.18.0.0/16",
                1_769_904_000_000,
            )],
        },
    )];
    let items = [
        quota_item(
            "vpc",
            "vpc_quota_instances_num",
            "Maximum number of VPCs per region",
            Some(SH),
            json!(10),
            json!(3),
        ),
        // Near its limit: 18 of 20 is a warning at the default thresholds.
        quota_item(
            "eip",
            "eip_quota_instances_num",
            "Maximum number of EIPs per region",
            Some(SH),
            json!(20),
            json!(18),
        ),
        quota_item(
            "slb",
            "slb_quota_instances_num",
            "Maximum number of CLB instances per region",
            Some(SH),
            json!(60),
            json!(7),
        ),
    ];
    shop.quota_center = fleet_items(items, DEMO_ALIBABA_SHOP_ACCOUNT_ID);
    shop
}

/// The fleet's `data` account: one CCN and quotas in cn-shanghai, its VPCs nearly used up.
fn data() -> Account {
    const SH: &str = "cn-shanghai";
    let mut data = Account::alibaba(DEMO_ALIBABA_DATA_ACCESS_KEY, DEMO_ALIBABA_DATA_SECRET);
    data.account_id = DEMO_ALIBABA_DATA_ACCOUNT_ID.into();
    data.roles = vec![Role::new(DEMO_READER_ROLE, &[DEMO_ALIBABA_ACCOUNT_ID])];
    data.ccn = vec![(
        SH.into(),
        CcnRegion {
            total: 10,
            used_extra: 0,
            networks: vec![network(
                "ccn-demo0data00000000001",
                "analytics",
                "Analytics clusters",
                "10.40.0.0/16",
                1_770_508_800_000,
            )],
        },
    )];
    let items = [
        // Near its limit: 10 of 10 is critical.
        quota_item(
            "vpc",
            "vpc_quota_instances_num",
            "Maximum number of VPCs per region",
            Some(SH),
            json!(10),
            json!(10),
        ),
        quota_item(
            "ecs",
            "q_security-groups",
            "Maximum number of security groups",
            Some(SH),
            json!(801),
            json!(44),
        ),
    ];
    data.quota_center = fleet_items(items, DEMO_ALIBABA_DATA_ACCOUNT_ID);
    data
}

fn fleet_items<const N: usize>(items: [Value; N], account_id: &str) -> Vec<(String, Value)> {
    items
        .into_iter()
        .map(|item| {
            let product = item["ProductCode"].as_str().unwrap_or_default().to_string();
            (product, owned_by(item, account_id))
        })
        .collect()
}

/// The fleet's Huawei Cloud account `team-b`, in ap-southeast-1: VPC quotas (its EIPs nearly
/// used up) and ECS limits.
fn team_b() -> Account {
    const REGION: &str = DEMO_TEAM_B_REGION;
    let mut team_b = Account::huawei(DEMO_TEAM_B_ACCESS_KEY, DEMO_TEAM_B_SECRET);
    team_b.domain_id = DEMO_TEAM_B_DOMAIN_ID.into();
    team_b.domain_name = DEMO_TEAM_B_DOMAIN_NAME.into();
    team_b.agencies = vec![Agency::new(DEMO_READER_ROLE, &[DEMO_HUAWEI_DOMAIN_NAME])];
    team_b.projects = vec![(REGION.into(), DEMO_TEAM_B_PROJECT_ID.into())];
    team_b.quotas = vec![(
        REGION.into(),
        Service::Vpc,
        vec![
            entry("vpc", 2, 5, Some(0)),
            entry("subnet", 6, 100, Some(0)),
            entry("securityGroup", 9, 100, Some(0)),
            entry("securityGroupRule", 120, 5000, Some(0)),
            // Near its limit: 9 of 10 is a warning at the default thresholds.
            entry("publicIp", 9, 10, Some(0)),
            entry("shareBandwidth", 1, 5, Some(0)),
        ],
    )];
    team_b.ecs_limits = vec![(
        REGION.into(),
        json!({
            "maxTotalInstances": 50,
            "totalInstancesUsed": 12,
            "maxTotalCores": 200,
            "totalCoresUsed": 96,
            "maxTotalRAMSize": 409600,
            "totalRAMUsed": 196608,
            "maxSecurityGroups": 100,
            "totalSecurityGroupsUsed": 9,
            "maxTotalFloatingIps": 10,
            "totalFloatingIpsUsed": 9,
            "maxServerGroups": 1000,
            "totalServerGroupsUsed": 1,
            "maxTotalKeypairs": -1,
        }),
    )];
    team_b
}

/// `hw-demo`'s ECS limits (cn-north-4), with Huawei's spot pairs.
fn huawei_ecs() -> Value {
    json!({
        "maxServerMeta": 128,
        "maxPersonality": 5,
        "maxImageMeta": 128,
        "maxPersonalitySize": 10240,
        "maxSecurityGroupRules": 20,
        "maxTotalKeypairs": -1,
        "maxSecurityGroups": 100,
        "totalSecurityGroupsUsed": 12,
        "maxTotalFloatingIps": 10,
        "totalFloatingIpsUsed": 2,
        "maxServerGroups": 1000,
        "maxServerGroupMembers": 16,
        "totalServerGroupsUsed": 3,
        "maxTotalInstances": 100,
        "totalInstancesUsed": 23,
        // Near its limit: 188 of 200 vCPUs is a warning at the default thresholds.
        "maxTotalCores": 200,
        "totalCoresUsed": 188,
        "maxTotalRAMSize": 409600,
        "totalRAMUsed": 376832,
        "maxTotalSpotInstances": 20,
        "totalSpotInstancesUsed": 2,
        "maxTotalSpotCores": 80,
        "totalSpotCoresUsed": 8,
        "maxTotalSpotRAMSize": 163840,
        "totalSpotRAMUsed": 16384,
        "limit_by_flavor": [],
    })
}

/// `otc-demo`'s ECS limits (eu-de): OTC has no spot pairs.
fn otc_ecs() -> Value {
    json!({
        "maxServerMeta": 128,
        "maxPersonality": 5,
        "maxImageMeta": 128,
        "maxPersonalitySize": 10240,
        "maxSecurityGroupRules": 20,
        "maxTotalKeypairs": -1,
        "totalRAMUsed": 75776,
        "totalInstancesUsed": 21,
        "maxSecurityGroups": 100,
        "totalFloatingIpsUsed": 48,
        "maxTotalCores": 400,
        "totalSecurityGroupsUsed": 14,
        "maxTotalFloatingIps": 50,
        "maxTotalInstances": 100,
        "totalCoresUsed": 40,
        "maxTotalRAMSize": 1638400,
        "maxServerGroups": 10,
        "maxServerGroupMembers": 16,
        "totalServerGroupsUsed": 2,
    })
}

/// One EVS `quota_set` entry in its `usage=True` form.
fn evs(in_use: i64, limit: i64) -> Value {
    json!({"in_use": in_use, "limit": limit, "reserved": 0})
}

/// `hw-demo`'s EVS quota set; per-type keys are unlimited (`-1`), as on the API page.
fn huawei_evs() -> Value {
    json!({
        "volumes": evs(37, 200),
        "snapshots": evs(12, 200),
        "gigabytes": evs(4120, 40960),
        "backups": evs(6, 100),
        "backup_gigabytes": evs(310, 5120),
        "per_volume_gigabytes": evs(0, 32768),
        "volumes_SSD": evs(14, -1),
        "volumes_SAS": evs(21, -1),
        "volumes_GPSSD": evs(2, -1),
        "gigabytes_SSD": evs(1800, -1),
        "gigabytes_SAS": evs(2240, -1),
        "gigabytes_GPSSD": evs(80, -1),
        "snapshots_SSD": evs(5, -1),
        "snapshots_SAS": evs(7, -1),
        "snapshots_GPSSD": evs(0, -1),
    })
}

/// `otc-demo`'s EVS quota set, close to the API page's example.
fn otc_evs() -> Value {
    json!({
        "gigabytes_SSD": evs(21, -1),
        "gigabytes": evs(2792, 42790),
        "backup_gigabytes": evs(51, 5120),
        "snapshots_SSD": evs(0, -1),
        "volumes_SSD": evs(28, -1),
        "snapshots": evs(6, 10),
        "volumes_ESSD": evs(2, -1),
        "snapshots_ESSD": evs(0, -1),
        "volumes": evs(108, -1),
        "backups": evs(10, 100),
        "gigabytes_ESSD": evs(1085, -1),
        "per_volume_gigabytes": evs(0, 32768),
    })
}

/// One ELB or ER quota entry.
fn keyed(key: &str, used: i64, limit: i64) -> Value {
    json!({"quota_key": key, "used": used, "quota_limit": limit, "unit": "count"})
}

/// `hw-demo`'s dedicated ELB quotas, per-object keys included (a client leaves those out).
fn huawei_elb() -> Vec<Value> {
    vec![
        keyed("loadbalancer", 6, 50),
        keyed("listener", 14, 100),
        keyed("pool", 18, 500),
        keyed("member", 64, 10000),
        keyed("healthmonitor", 18, -1),
        keyed("l7policy", 4, 500),
        keyed("certificate", 7, 120),
        keyed("ipgroup", 1, 1000),
        keyed("security_policy", 0, 50),
        keyed("members_per_pool", 12, 1000),
        keyed("listeners_per_loadbalancer", 4, 50),
        keyed("listeners_per_pool", 1, 50),
        keyed("ipgroup_bindings", 0, 50),
        keyed("ipgroup_max_length", 0, 300),
        keyed("ipgroups_per_listener", 0, 1),
        keyed("condition_per_policy", 0, 10),
        keyed("pools_per_l7policy", 0, 1),
        keyed("l7policies_per_listener", 0, 100),
        keyed("free_instance_members_per_pool", 0, 50),
        keyed("free_instance_listeners_per_loadbalancer", 0, 3),
    ]
}

/// `otc-demo`'s dedicated ELB quotas.
fn otc_elb() -> Vec<Value> {
    vec![
        keyed("loadbalancer", 2, 50),
        keyed("listener", 5, 100),
        keyed("pool", 5, 500),
        keyed("member", 12, 10000),
        keyed("healthmonitor", 5, -1),
        keyed("l7policy", 0, 500),
        keyed("certificate", 3, 120),
        keyed("ipgroup", 0, 1000),
        keyed("security_policy", 0, 50),
        keyed("members_per_pool", 6, 1000),
        keyed("listeners_per_loadbalancer", 3, 50),
    ]
}

/// `hw-demo`'s Enterprise Router quotas: seven rows.
fn huawei_er() -> Vec<Value> {
    vec![
        keyed("er_instance", 2, 5),
        keyed("vpc_attachment", 9, 50),
        keyed("vpn_attachment", 0, 50),
        keyed("dc_attachment", 1, 50),
        keyed("route_table", 3, 20),
        keyed("static_route", 42, 500),
        keyed("flow_log", 0, 20),
    ]
}

/// `otc-demo`'s Enterprise Router quotas: five rows.
fn otc_er() -> Vec<Value> {
    vec![
        keyed("er_instance", 1, 5),
        // Near its limit: 49 of 50 is critical at the default 95%.
        keyed("vpc_attachment", 49, 50),
        keyed("route_table", 5, 20),
        keyed("static_route", 2, 500),
        keyed("flow_log", 4, 20),
    ]
}

pub(super) fn demo_config_yaml(handle: &FakeHandle) -> String {
    let endpoints = |services: &[Service]| {
        let pairs: Vec<String> = services
            .iter()
            .map(|service| format!("{}: {}", service.name(), handle.url(*service)))
            .collect();
        format!("{{ {} }}", pairs.join(", "))
    };
    let otc_services = [
        Service::Vpc,
        Service::Vpn,
        Service::Vpcep,
        Service::Ecs,
        Service::Evs,
        Service::Elb,
        Service::Er,
        Service::Iam,
    ];
    // OTC has no NAT quota API, so only Huawei Cloud's profile names a `nat` endpoint.
    let otc_endpoints = endpoints(&otc_services);
    let huawei_endpoints = endpoints(&[otc_services.as_slice(), &[Service::Nat]].concat());
    format!(
        "# Simulated accounts for `headroom demo`: every endpoint is a local fake cloud.\n\
profiles:
  ali-demo:
    provider: alibaba
    regions: [cn-shanghai, cn-hongkong]
    access_key_id: {ali_key}
    access_key_secret: {ali_secret}
    endpoints: {{ smartag: {smartag}, quotas: {quotas}, sts: {sts} }}
  hw-demo:
    provider: huaweicloud
    region: cn-north-4
    project_id: {hw_project}
    domain_id: {hw_domain}
    access_key: {hw_key}
    secret_key: {hw_secret}
    endpoints: {huawei_endpoints}
  hw-team-b:
    provider: huaweicloud
    source_profile: hw-demo
    agency: {{ domain_name: {team_b}, name: {reader} }}
    region: {team_b_region}
    project_id: {team_b_project}
    services: [vpc, ecs]
    endpoints: {huawei_endpoints}
  otc-demo:
    provider: otc
    region: eu-de
    access_key: {otc_key}
    secret_key: {otc_secret}
    endpoints: {otc_endpoints}
# Two more Alibaba accounts, reached through a RAM role from ali-demo's key.
fleets:
  ali-org:
    provider: alibaba
    source_profile: ali-demo
    role_arn: \"acs:ram::{{account}}:role/{reader}\"
    region: cn-shanghai
    services: [smartag, vpc, eip]
    endpoints: {{ smartag: {smartag}, quotas: {quotas} }}
    accounts: {{ ali-shop: \"{shop}\", ali-data: \"{data}\" }}
",
        ali_key = DEMO_ALIBABA_ACCESS_KEY,
        ali_secret = DEMO_ALIBABA_SECRET,
        smartag = handle.url(Service::Smartag),
        quotas = handle.url(Service::Quotas),
        sts = handle.url(Service::Sts),
        hw_domain = DEMO_HUAWEI_DOMAIN_ID,
        team_b = DEMO_TEAM_B_DOMAIN_NAME,
        reader = DEMO_READER_ROLE,
        team_b_region = DEMO_TEAM_B_REGION,
        team_b_project = DEMO_TEAM_B_PROJECT_ID,
        shop = DEMO_ALIBABA_SHOP_ACCOUNT_ID,
        data = DEMO_ALIBABA_DATA_ACCOUNT_ID,
        hw_project = DEMO_HUAWEI_PROJECT_ID,
        hw_key = DEMO_HUAWEI_ACCESS_KEY,
        hw_secret = DEMO_HUAWEI_SECRET,
        otc_key = DEMO_OTC_ACCESS_KEY,
        otc_secret = DEMO_OTC_SECRET,
    )
}
