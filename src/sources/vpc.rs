//! Huawei Cloud / OTC VPC v1, VPN v5 and VPC Endpoint quotas: three APIs with one answer shape,
//! `{"quotas":{"resources":[{"type","used","quota","min"?}]}}`, one row per entry.

use serde_json::Value;

use super::{Call, Description, Page, Protocol, Query};
use crate::providers::{ParsedQuota, number_field};
use crate::quota::Provider;

const HUAWEI_AND_OTC: &[Provider] = &[Provider::Huaweicloud, Provider::Otc];

/// `GET /v1/{project_id}/quotas`.
pub const VPC: Description = Description {
    services: &["vpc"],
    any_product_code: false,
    providers: HUAWEI_AND_OTC,
    not_offered: &[],
    endpoint_key: "vpc",
    protocol: Protocol::HuaweiProject,
    permission: "vpc:quotas:list",
    permission_confirmed: false,
    pacing: None,
    request: v1_quotas,
    parse,
};

/// `GET /v5/{project_id}/vpn/quotas`. OTC's Swiss cloud has no VPN v5 API.
pub const VPN: Description = Description {
    services: &["vpn"],
    any_product_code: false,
    providers: HUAWEI_AND_OTC,
    not_offered: &[(Provider::Otc, "eu-ch2")],
    endpoint_key: "vpn",
    protocol: Protocol::HuaweiProject,
    permission: "vpn:quotas:list",
    permission_confirmed: false,
    pacing: None,
    request: v5_vpn_quotas,
    parse,
};

/// `GET /v1/{project_id}/quotas` on the VPC Endpoint host.
pub const VPCEP: Description = Description {
    services: &["vpcep"],
    any_product_code: false,
    providers: HUAWEI_AND_OTC,
    not_offered: &[],
    endpoint_key: "vpcep",
    protocol: Protocol::HuaweiProject,
    permission: "vpcep:quotas:get",
    permission_confirmed: false,
    pacing: None,
    request: v1_quotas,
    parse,
};

fn v1_quotas(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Get {
        path: format!("/v1/{}/quotas", query.project_id),
        query: Vec::new(),
    }
}

fn v5_vpn_quotas(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Get {
        path: format!("/v5/{}/vpn/quotas", query.project_id),
        query: Vec::new(),
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    Ok(Page {
        quotas: parse_quotas(body)?,
        ..Page::default()
    })
}

/// `{"quotas":{"resources":[{"type","used","quota","min"?}]}}`: one row per entry, unknown
/// types kept, `-1` unlimited.
pub fn parse_quotas(body: &Value) -> Result<Vec<ParsedQuota>, String> {
    let resources = body
        .get("quotas")
        .ok_or("field `quotas` is missing")?
        .get("resources")
        .ok_or("field `quotas.resources` is missing")?
        .as_array()
        .ok_or("field `quotas.resources` is not a list")?;
    parse_resources(resources, "quotas.resources")
}

/// The entries of a `resources` list; `at` names the list in messages.
pub fn parse_resources(resources: &[Value], at: &str) -> Result<Vec<ParsedQuota>, String> {
    let mut rows = Vec::with_capacity(resources.len());
    for (index, entry) in resources.iter().enumerate() {
        let object = entry
            .as_object()
            .ok_or_else(|| format!("{at}[{index}] is not an object"))?;
        let resource = match object.get("type") {
            Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
            Some(_) => return Err(format!("field `{at}[{index}].type` is not a name")),
            None => return Err(format!("field `{at}[{index}].type` is missing")),
        };
        let within = |e: String| format!("{e} (in {at}[{index}], type {resource:?})");
        let used = number_field(object, "used").map_err(within)?;
        let quota = number_field(object, "quota").map_err(within)?;
        let min = match object.get("min") {
            None | Some(Value::Null) => None,
            Some(_) => Some(number_field(object, "min").map_err(within)?),
        };
        rows.push(ParsedQuota::new(&resource, used, quota, min).map_err(within)?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_entry_unknown_types_strings_and_unlimited() {
        let body = json!({"quotas":{"resources":[
            {"type":"vpc","used":4,"quota":150,"min":0},
            {"type":"brandNewThing","used":"7","quota":"10"},
            {"type":"securityGroup","used":1,"quota":-1,"min":0}
        ]}});
        let rows = parse_quotas(&body).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].used.whole(), rows[0].limit, rows[0].min),
            (Some(4), Some(150u64.into()), Some(0))
        );
        assert_eq!(
            (
                rows[1].resource.as_str(),
                rows[1].used.whole(),
                rows[1].limit
            ),
            ("brandNewThing", Some(7), Some(10u64.into()))
        );
        assert_eq!(rows[2].limit, None);
    }

    #[test]
    fn a_bad_entry_names_the_field() {
        let err =
            parse_quotas(&json!({"quotas":{"resources":[{"type":"vpc","quota":5}]}})).unwrap_err();
        assert_eq!(
            err,
            "field `used` is missing (in quotas.resources[0], type \"vpc\")"
        );
        assert!(
            parse_quotas(&json!({"quotas":{}}))
                .unwrap_err()
                .contains("quotas.resources")
        );
        assert!(
            parse_quotas(&json!({"quotas":{"resources":[{"type":"vpc","used":-1,"quota":5}]}}))
                .is_err()
        );
        assert!(
            parse_quotas(&json!({"quotas":{"resources":[{"type":"vpc","used":1,"quota":-2}]}}))
                .is_err()
        );
    }

    #[test]
    fn paths_hold_the_project() {
        let query = Query {
            region: "eu-de",
            service: "vpn",
            project_id: "p1",
        };
        assert_eq!(
            (VPN.request)(&query, None),
            Call::Get {
                path: "/v5/p1/vpn/quotas".into(),
                query: Vec::new()
            }
        );
        assert_eq!(
            (VPCEP.request)(&query, None),
            Call::Get {
                path: "/v1/p1/quotas".into(),
                query: Vec::new()
            }
        );
    }
}
