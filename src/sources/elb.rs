//! Huawei Cloud / OTC dedicated ELB (v3) quota usage, `GET /v3/{project_id}/elb/quotas/details`:
//! a row per account-level `quota_key`. Per-object keys (`members_per_pool`, ...) are left
//! out: their `used` has no account-wide meaning. OTC's Swiss cloud documents only the
//! limits, without usage, so it is not queried there.

use serde_json::Value;

use super::{Call, Description, Page, Protocol, Query, keyed};
use crate::quota::Provider;

pub const ELB: Description = Description {
    services: &["elb"],
    any_product_code: false,
    providers: &[Provider::Huaweicloud, Provider::Otc],
    not_offered: &[(Provider::Otc, "eu-ch2")],
    endpoint_key: "elb",
    protocol: Protocol::HuaweiProject,
    permission: "elb:quotas:list",
    permission_confirmed: true,
    pacing: None,
    request,
    parse,
};

/// The keys whose usage counts objects of the whole account.
const ACCOUNT_KEYS: &[&str] = &[
    "loadbalancer",
    "listener",
    "pool",
    "member",
    "healthmonitor",
    "l7policy",
    "certificate",
    "ipgroup",
    "security_policy",
];

fn request(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Get {
        path: format!("/v3/{}/elb/quotas/details", query.project_id),
        query: Vec::new(),
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    Ok(Page {
        quotas: keyed::rows(body, "quotas", Some(ACCOUNT_KEYS))?,
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_level_keys_only() {
        let body = json!({"request_id":"r","quotas":[
            {"quota_key":"loadbalancer","used":752,"quota_limit":100000,"unit":"count"},
            {"quota_key":"listeners_per_loadbalancer","used":3,"quota_limit":50,"unit":"count"},
            {"quota_key":"certificate","used":608,"quota_limit":-1,"unit":"count"}]});
        let page = parse(&body, None).unwrap();
        let keys: Vec<&str> = page.quotas.iter().map(|q| q.resource.as_str()).collect();
        assert_eq!(keys, ["loadbalancer", "certificate"]);
    }
}
