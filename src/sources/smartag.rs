//! Alibaba Smart Access Gateway `GetCloudConnectNetworkUseLimit` (RPC, version 2018-03-13):
//! one `ccn` row per region, used = `UsedAmount`, limit = `TotalAmount`.

use serde_json::Value;

use super::{Call, Description, Page, Protocol, Query};
use crate::providers::{ParsedQuota, number_field};
use crate::quota::Provider;

pub const VERSION: &str = "2018-03-13";

pub const SMARTAG: Description = Description {
    services: &["smartag"],
    any_product_code: false,
    providers: &[Provider::Alibaba],
    not_offered: &[],
    endpoint_key: "smartag",
    protocol: Protocol::AlibabaRpc { regional: true },
    permission: "smartag:GetCloudConnectNetworkUseLimit",
    permission_confirmed: true,
    pacing: None,
    request,
    parse,
};

fn request(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Rpc {
        version: VERSION,
        action: "GetCloudConnectNetworkUseLimit",
        params: vec![("RegionId".to_string(), query.region.to_string())],
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    Ok(Page {
        quotas: vec![parse_use_limit(body)?],
        ..Page::default()
    })
}

/// `GetCloudConnectNetworkUseLimit` → one `ccn` row: used = `UsedAmount`, limit = `TotalAmount`.
pub fn parse_use_limit(body: &Value) -> Result<ParsedQuota, String> {
    let object = body.as_object().ok_or("the answer is not a JSON object")?;
    let used = number_field(object, "UsedAmount")?;
    let total = number_field(object, "TotalAmount")?;
    ParsedQuota::new("ccn", used, total, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_answer() {
        let row =
            parse_use_limit(&json!({"RequestId":"BCD0","TotalAmount":10,"UsedAmount":6})).unwrap();
        assert_eq!(
            (row.resource.as_str(), row.used.whole(), row.limit),
            ("ccn", Some(6), Some(10u64.into()))
        );
    }

    #[test]
    fn accepts_numbers_as_strings_and_unlimited() {
        let row = parse_use_limit(&json!({"TotalAmount":"-1","UsedAmount":"4"})).unwrap();
        assert_eq!((row.used.whole(), row.limit), (Some(4), None));
    }

    #[test]
    fn names_the_missing_or_bad_field() {
        assert_eq!(
            parse_use_limit(&json!({"TotalAmount":10})).unwrap_err(),
            "field `UsedAmount` is missing"
        );
        assert_eq!(
            parse_use_limit(&json!({"TotalAmount":10,"UsedAmount":"many"})).unwrap_err(),
            "field `UsedAmount` is not a number: \"many\""
        );
        assert!(parse_use_limit(&json!({"TotalAmount":10,"UsedAmount":-3})).is_err());
        assert!(parse_use_limit(&json!([1])).is_err());
    }

    #[test]
    fn one_request_per_region() {
        let query = Query {
            region: "cn-shanghai",
            service: "smartag",
            project_id: "",
        };
        assert_eq!(
            request(&query, None),
            Call::Rpc {
                version: VERSION,
                action: "GetCloudConnectNetworkUseLimit",
                params: vec![("RegionId".into(), "cn-shanghai".into())],
            }
        );
    }
}
