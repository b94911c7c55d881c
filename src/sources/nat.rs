//! Huawei Cloud NAT Gateway quotas, `GET /v2.0/{project_id}/nat_gateways/quotas`: one row per
//! entry. The reference describes `quotas` as a list while its example shows an object with
//! `resources[]`; both are read. OTC documents no NAT quota API.

use serde_json::Value;

use super::vpc::{parse_quotas, parse_resources};
use super::{Call, Description, Page, Protocol, Query};
use crate::quota::Provider;

pub const NAT: Description = Description {
    services: &["nat"],
    any_product_code: false,
    providers: &[Provider::Huaweicloud],
    not_offered: &[],
    endpoint_key: "nat",
    protocol: Protocol::HuaweiProject,
    permission: "nat:quotas:list",
    permission_confirmed: false,
    pacing: None,
    request,
    parse,
};

fn request(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Get {
        path: format!("/v2.0/{}/nat_gateways/quotas", query.project_id),
        query: Vec::new(),
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    let quotas = match body.get("quotas") {
        Some(Value::Array(entries)) => parse_resources(entries, "quotas")?,
        _ => parse_quotas(body)?,
    };
    Ok(Page {
        quotas,
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_shapes() {
        let entry = json!({"type":"nat_gateway","used":4,"quota":150,"min":0});
        let object = parse(&json!({"quotas":{"resources":[entry.clone()]}}), None).unwrap();
        let array = parse(&json!({"quotas":[entry]}), None).unwrap();
        assert_eq!(object, array);
        assert_eq!(object.quotas[0].resource, "nat_gateway");
        assert!(parse(&json!({"quotas":"x"}), None).is_err());
    }
}
