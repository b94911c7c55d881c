//! Huawei Cloud / OTC Enterprise Router quotas, `GET /v3/{project_id}/enterprise-router/quotas`,
//! a row per `quota_key`, page by page through `page_info.next_marker`.
//!
//! The documented example returns a marker even on its only page, so the marker alone does not
//! say there is more: paging stops when it is absent or empty, when it repeats the marker just
//! sent, or when a page has no items. OTC's Swiss cloud has no Enterprise Router.

use serde_json::Value;

use super::{Call, Description, Page, Protocol, Query, keyed};
use crate::providers::text_field;
use crate::quota::Provider;

pub const ER: Description = Description {
    services: &["er"],
    any_product_code: false,
    providers: &[Provider::Huaweicloud, Provider::Otc],
    not_offered: &[(Provider::Otc, "eu-ch2")],
    endpoint_key: "er",
    protocol: Protocol::HuaweiProject,
    permission: "er:quotas:list",
    permission_confirmed: true,
    pacing: None,
    request,
    parse,
};

/// Items asked for per page (the API allows up to 2000).
const PAGE_SIZE: &str = "2000";

fn request(query: &Query<'_>, page: Option<&str>) -> Call {
    let mut pairs = vec![("limit".to_string(), PAGE_SIZE.to_string())];
    if let Some(marker) = page {
        pairs.push(("marker".to_string(), marker.to_string()));
    }
    Call::Get {
        path: format!("/v3/{}/enterprise-router/quotas", query.project_id),
        query: pairs,
    }
}

fn parse(body: &Value, sent: Option<&str>) -> Result<Page, String> {
    let quotas = keyed::rows(body, "quotas", None)?;
    let marker = body
        .get("page_info")
        .and_then(Value::as_object)
        .and_then(|info| text_field(info, "next_marker"))
        .filter(|marker| !marker.is_empty());
    let next = match marker {
        Some(marker) if Some(marker.as_str()) != sent && !quotas.is_empty() => Some(marker),
        _ => None,
    };
    Ok(Page {
        quotas,
        next,
        left_out: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(marker: Option<&str>, keys: &[&str]) -> Value {
        let quotas: Vec<Value> = keys
            .iter()
            .map(|k| json!({"quota_key": k, "quota_limit": 20, "used": 5, "unit": "count"}))
            .collect();
        match marker {
            Some(m) => {
                json!({"quotas": quotas, "page_info": {"next_marker": m, "current_count": keys.len()}})
            }
            None => json!({"quotas": quotas}),
        }
    }

    #[test]
    fn paging_stops_on_every_documented_end() {
        assert_eq!(
            parse(&page(Some("2"), &["er_instance"]), None)
                .unwrap()
                .next,
            Some("2".into())
        );
        assert_eq!(
            parse(&page(Some("2"), &["a"]), Some("2")).unwrap().next,
            None
        );
        assert_eq!(parse(&page(Some(""), &["a"]), None).unwrap().next, None);
        assert_eq!(parse(&page(None, &["a"]), None).unwrap().next, None);
        assert_eq!(parse(&page(Some("9"), &[]), Some("2")).unwrap().next, None);
    }

    #[test]
    fn requests_carry_the_marker() {
        let query = Query {
            region: "eu-de",
            service: "er",
            project_id: "p1",
        };
        let Call::Get { path, query } = request(&query, Some("m1")) else {
            panic!("a GET")
        };
        assert_eq!(path, "/v3/p1/enterprise-router/quotas");
        assert!(query.contains(&("marker".into(), "m1".into())));
    }
}
