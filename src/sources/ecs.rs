//! Huawei Cloud / OTC ECS tenant limits, `GET /v1/{project_id}/cloudservers/limits`:
//! `{"absolute": {"maxTotalInstances", "totalInstancesUsed", ...}}`.
//!
//! Only the pairs with an account-wide usage become rows: instances, cores, RAM (MiB) and
//! server groups, plus Huawei's spot pairs when present. Security groups and floating IPs are
//! left to the VPC rows, which are the authority for them; the other keys are per-object limits.

use serde_json::Value;

use super::{Call, Description, Page, Protocol, Query};
use crate::providers::{ParsedQuota, number_field};
use crate::quota::Provider;

pub const ECS: Description = Description {
    services: &["ecs"],
    any_product_code: false,
    providers: &[Provider::Huaweicloud, Provider::Otc],
    not_offered: &[],
    endpoint_key: "ecs",
    protocol: Protocol::HuaweiProject,
    permission: "ecs:cloudServerQuotas:get",
    permission_confirmed: true,
    pacing: None,
    request,
    parse,
};

/// (row, limit key, usage key, required): the required pairs are in every cloud's answer.
const PAIRS: &[(&str, &str, &str, bool)] = &[
    ("instances", "maxTotalInstances", "totalInstancesUsed", true),
    ("cores", "maxTotalCores", "totalCoresUsed", true),
    ("ram", "maxTotalRAMSize", "totalRAMUsed", true),
    (
        "server_groups",
        "maxServerGroups",
        "totalServerGroupsUsed",
        true,
    ),
    (
        "spot_instances",
        "maxTotalSpotInstances",
        "totalSpotInstancesUsed",
        false,
    ),
    (
        "spot_cores",
        "maxTotalSpotCores",
        "totalSpotCoresUsed",
        false,
    ),
    ("spot_ram", "maxTotalSpotRAMSize", "totalSpotRAMUsed", false),
];

fn request(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Get {
        path: format!("/v1/{}/cloudservers/limits", query.project_id),
        query: Vec::new(),
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    let absolute = body
        .get("absolute")
        .ok_or("field `absolute` is missing")?
        .as_object()
        .ok_or("field `absolute` is not an object")?;
    let mut page = Page::default();
    for &(row, limit_key, used_key, required) in PAIRS {
        let present = absolute.contains_key(limit_key) || absolute.contains_key(used_key);
        if !required && !present {
            continue;
        }
        let within = |e: String| format!("{e} (in absolute)");
        let limit = number_field(absolute, limit_key).map_err(within)?;
        let used = number_field(absolute, used_key).map_err(within)?;
        page.quotas
            .push(ParsedQuota::new(row, used, limit, None).map_err(within)?);
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_answer() {
        let body = json!({"absolute":{"maxServerMeta":128,"maxPersonality":5,"maxImageMeta":128,
            "maxPersonalitySize":10240,"maxSecurityGroupRules":20,"maxTotalKeypairs":-1,
            "totalRAMUsed":75776,"totalInstancesUsed":21,"maxSecurityGroups":10,
            "totalFloatingIpsUsed":0,"maxTotalCores":20480,"totalSecurityGroupsUsed":1,
            "maxTotalFloatingIps":10,"maxTotalInstances":2048,"totalCoresUsed":40,
            "maxTotalRAMSize":25165824,"maxServerGroups":10,"maxServerGroupMembers":16,
            "totalServerGroupsUsed":2}});
        let page = parse(&body, None).unwrap();
        let rows: Vec<(&str, Option<u64>)> = page
            .quotas
            .iter()
            .map(|q| (q.resource.as_str(), q.used.whole()))
            .collect();
        assert_eq!(
            rows,
            [
                ("instances", Some(21)),
                ("cores", Some(40)),
                ("ram", Some(75776)),
                ("server_groups", Some(2))
            ]
        );
    }

    #[test]
    fn spot_pairs_strings_and_unlimited() {
        let body = json!({"absolute":{"maxTotalInstances":"-1","totalInstancesUsed":"3",
            "maxTotalCores":8,"totalCoresUsed":2,"maxTotalRAMSize":1024,"totalRAMUsed":512,
            "maxServerGroups":10,"totalServerGroupsUsed":0,
            "maxTotalSpotCores":16,"totalSpotCoresUsed":4}});
        let page = parse(&body, None).unwrap();
        assert_eq!(page.quotas[0].limit, None);
        assert_eq!(page.quotas.len(), 5);
        assert_eq!(page.quotas[4].resource, "spot_cores");
    }

    #[test]
    fn a_missing_pair_names_the_field() {
        let error = parse(&json!({"absolute":{"maxTotalInstances":1}}), None).unwrap_err();
        assert_eq!(error, "field `totalInstancesUsed` is missing (in absolute)");
        assert!(parse(&json!({}), None).is_err());
    }
}
