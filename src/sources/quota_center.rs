//! Alibaba Quota Center `ListProductQuotas` (RPC, version 2020-05-10, one central host for
//! every region): the quotas of one product code in one region, page by page.
//!
//! A row per item that reports usage: `Consumable` true, a `TotalUsage`, and not a `privilege`
//! (a feature flag of 0 or 1, not a capacity). The resource is the `QuotaActionCode`, followed
//! by the values of any dimension besides `regionId` in the order of their keys, so two zones'
//! quotas stay two rows. An item with `GlobalQuota: true` belongs to the account and becomes
//! one row with region `global`. The numbers may be fractional (bandwidth) and are kept as
//! given; a negative limit is unlimited.

use serde_json::{Map, Value};

use super::{Call, Description, Pacing, Page, Protocol, Query};
use crate::providers::{ParsedQuota, decimal_field, text_field};
use crate::quota::Provider;

pub const VERSION: &str = "2020-05-10";
/// The most items a page may hold.
const MAX_RESULTS: &str = "100";

/// The product codes queried by default: networking and compute that can stop a deployment.
pub const PRODUCT_CODES: &[&str] = &[
    "vpc",
    "eip",
    "nat",
    "vpn",
    "cbn",
    "slb",
    "alb",
    "nlb",
    "cbwp",
    "expressconnect",
    "privatelink",
    "ga",
    "ecs",
];

pub const QUOTA_CENTER: Description = Description {
    services: PRODUCT_CODES,
    any_product_code: true,
    providers: &[Provider::Alibaba],
    not_offered: &[],
    endpoint_key: "quotas",
    protocol: Protocol::AlibabaRpc { regional: false },
    permission: "quotas:ListProductQuotas",
    permission_confirmed: true,
    // Quota Center allows 15 calls a second per account; 10 leaves room for other tools.
    pacing: Some(Pacing {
        calls: 10,
        per: std::time::Duration::from_secs(1),
    }),
    request,
    parse,
};

/// Whether `name` can be a Quota Center product code (`ecs`, `ecs-spec`, `expressconnect`).
pub fn is_product_code(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn request(query: &Query<'_>, page: Option<&str>) -> Call {
    let mut params = vec![
        ("ProductCode".to_string(), query.service.to_string()),
        ("QuotaCategory".to_string(), "CommonQuota".to_string()),
        ("Dimensions.1.Key".to_string(), "regionId".to_string()),
        ("Dimensions.1.Value".to_string(), query.region.to_string()),
        ("MaxResults".to_string(), MAX_RESULTS.to_string()),
    ];
    if let Some(token) = page {
        params.push(("NextToken".to_string(), token.to_string()));
    }
    Call::Rpc {
        version: VERSION,
        action: "ListProductQuotas",
        params,
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    let object = body.as_object().ok_or("the answer is not a JSON object")?;
    let items = match object.get("Quotas") {
        Some(Value::Array(items)) => items.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("field `Quotas` is not a list".into()),
    };
    let mut page = Page {
        next: text_field(object, "NextToken").filter(|token| !token.is_empty()),
        ..Page::default()
    };
    for (index, item) in items.iter().enumerate() {
        let item = item
            .as_object()
            .ok_or_else(|| format!("Quotas[{index}] is not an object"))?;
        match parse_item(item).map_err(|e| format!("{e} (in Quotas[{index}])"))? {
            Some(quota) => page.quotas.push(quota),
            None => page.left_out += 1,
        }
    }
    Ok(page)
}

/// One item as a row, or `None` when it reports no usage or is a feature flag.
fn parse_item(item: &Map<String, Value>) -> Result<Option<ParsedQuota>, String> {
    let code = match item.get("QuotaActionCode") {
        Some(Value::String(code)) if !code.trim().is_empty() => code.clone(),
        Some(_) => return Err("field `QuotaActionCode` is not a name".into()),
        None => return Err("field `QuotaActionCode` is missing".into()),
    };
    let privilege = text_field(item, "QuotaType").is_some_and(|t| t == "privilege")
        || text_field(item, "QuotaCategory").is_some_and(|c| c == "WhiteListLabel");
    let consumable = flag(item, "Consumable");
    let has_usage = item.get("TotalUsage").is_some_and(|v| !v.is_null());
    if privilege || !consumable || !has_usage {
        return Ok(None);
    }
    let within = |e: String| format!("{e}, quota {code:?}");
    let used = decimal_field(item, "TotalUsage").map_err(within)?;
    let limit = decimal_field(item, "TotalQuota").map_err(within)?;
    let mut quota = ParsedQuota::fractional(&resource(&code, item), used, limit).map_err(within)?;
    quota.name = text_field(item, "QuotaName").filter(|n| !n.is_empty());
    quota.global = flag(item, "GlobalQuota");
    Ok(Some(quota))
}

/// A JSON boolean, or the strings `"true"`/`"false"` some gateways send.
fn flag(item: &Map<String, Value>, field: &str) -> bool {
    match item.get(field) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// `QuotaActionCode`, then `/value` for each dimension besides `regionId`, in key order.
fn resource(code: &str, item: &Map<String, Value>) -> String {
    let mut resource = code.to_string();
    if let Some(Value::Object(dimensions)) = item.get("Dimensions") {
        let mut keys: Vec<&String> = dimensions.keys().filter(|k| *k != "regionId").collect();
        keys.sort();
        for key in keys {
            if let Some(value) = text_field(dimensions, key) {
                resource.push('/');
                resource.push_str(&value);
            }
        }
    }
    resource
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::Amount;
    use serde_json::json;

    fn item(extra: Value) -> Value {
        let mut base = json!({
            "QuotaActionCode": "vpc_quota_instances_num",
            "QuotaName": "VPCs per region",
            "TotalQuota": 10,
            "TotalUsage": 4,
            "Consumable": true,
            "QuotaType": "normal",
            "QuotaCategory": "CommonQuota",
            "GlobalQuota": false,
            "Dimensions": {"regionId": "cn-hangzhou"}
        });
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    }

    #[test]
    fn rows_only_for_items_with_usage() {
        let body = json!({"RequestId": "r", "TotalCount": 5, "NextToken": "", "Quotas": [
            item(json!({})),
            item(json!({"QuotaActionCode": "q_flag", "QuotaType": "privilege"})),
            item(json!({"QuotaActionCode": "q_nouse", "Consumable": false})),
            item(json!({"QuotaActionCode": "q_missing", "TotalUsage": null})),
            item(json!({"QuotaActionCode": "q_bw", "TotalQuota": 5000.5, "TotalUsage": "1200.25"})),
        ]});
        let page = parse(&body, None).unwrap();
        assert_eq!(page.left_out, 3);
        assert_eq!(page.next, None);
        let rows: Vec<(&str, String, Option<String>)> = page
            .quotas
            .iter()
            .map(|q| {
                (
                    q.resource.as_str(),
                    q.used.to_string(),
                    q.limit.map(|l| l.to_string()),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("vpc_quota_instances_num", "4".into(), Some("10".into())),
                ("q_bw", "1200.25".into(), Some("5000.5".into())),
            ]
        );
        assert_eq!(page.quotas[0].name.as_deref(), Some("VPCs per region"));
    }

    #[test]
    fn dimensions_global_unlimited_and_tokens() {
        let body = json!({"NextToken": "AAAAAd98/tlL5GF2+aM7U==", "Quotas": [
            item(json!({"Dimensions": {"zoneId": "cn-hangzhou-i", "regionId": "cn-hangzhou", "chargeType": "PostPaid"}})),
            item(json!({"GlobalQuota": true, "TotalQuota": -1})),
        ]});
        let page = parse(&body, None).unwrap();
        assert_eq!(page.next.as_deref(), Some("AAAAAd98/tlL5GF2+aM7U=="));
        assert_eq!(
            page.quotas[0].resource,
            "vpc_quota_instances_num/PostPaid/cn-hangzhou-i"
        );
        assert!(page.quotas[1].global);
        assert_eq!(page.quotas[1].limit, None);
        assert_eq!(page.quotas[1].used, Amount::from(4u64));
    }

    #[test]
    fn bad_items_name_the_field() {
        let error = parse(
            &json!({"Quotas": [item(json!({"TotalQuota": "lots"}))]}),
            None,
        )
        .unwrap_err();
        assert!(
            error.contains("field `TotalQuota` is not a number"),
            "{error}"
        );
        assert!(error.contains("Quotas[0]"), "{error}");
        let error = parse(&json!({"Quotas": [item(json!({"TotalUsage": -3}))]}), None).unwrap_err();
        assert!(error.contains("negative"), "{error}");
        assert!(parse(&json!({"Quotas": {}}), None).is_err());
        assert_eq!(
            parse(&json!({"TotalCount": 0}), None).unwrap(),
            Page::default()
        );
    }

    #[test]
    fn requests_carry_the_region_dimension_and_the_token() {
        let query = Query {
            region: "cn-shanghai",
            service: "eip",
            project_id: "",
        };
        let Call::Rpc { params, action, .. } = request(&query, Some("a/b+c=")) else {
            panic!("an RPC call")
        };
        assert_eq!(action, "ListProductQuotas");
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("ProductCode"), Some("eip"));
        assert_eq!(get("Dimensions.1.Value"), Some("cn-shanghai"));
        assert_eq!(get("NextToken"), Some("a/b+c="));
        assert_eq!(get("MaxResults"), Some("100"));
    }

    #[test]
    fn product_codes() {
        for ok in ["ecs", "ecs-spec", "expressconnect", "mysql"] {
            assert!(is_product_code(ok), "{ok}");
        }
        for bad in ["", "e", "ECS", "1ecs", "ecs/x", "ecs spec"] {
            assert!(!is_product_code(bad), "{bad}");
        }
    }
}
