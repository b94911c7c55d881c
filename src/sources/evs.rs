//! Huawei Cloud / OTC EVS (Cinder) quota sets,
//! `GET /v2/{project_id}/os-quota-sets/{project_id}?usage=True`: one row per key of
//! `quota_set` (`volumes`, `gigabytes`, `snapshots`, `backups`, per-type keys like
//! `volumes_SSD`, and any new one), used `in_use`, limit `limit`, `-1` unlimited.

use serde_json::Value;

use super::{Call, Description, Page, Protocol, Query};
use crate::providers::{ParsedQuota, number_field};
use crate::quota::Provider;

pub const EVS: Description = Description {
    services: &["evs"],
    any_product_code: false,
    providers: &[Provider::Huaweicloud, Provider::Otc],
    not_offered: &[],
    endpoint_key: "evs",
    protocol: Protocol::HuaweiProject,
    permission: "evs:quotas:get",
    permission_confirmed: true,
    pacing: None,
    request,
    parse,
};

fn request(query: &Query<'_>, _page: Option<&str>) -> Call {
    Call::Get {
        path: format!(
            "/v2/{project}/os-quota-sets/{project}",
            project = query.project_id
        ),
        // Without it the answer has limits only, and nothing to compare them with.
        query: vec![("usage".to_string(), "True".to_string())],
    }
}

fn parse(body: &Value, _sent: Option<&str>) -> Result<Page, String> {
    let set = body
        .get("quota_set")
        .ok_or("field `quota_set` is missing")?
        .as_object()
        .ok_or("field `quota_set` is not an object")?;
    let mut page = Page::default();
    for (key, value) in set.iter().filter(|(key, _)| *key != "id") {
        let within = |e: String| format!("{e} (in quota_set.{key})");
        let entry = value.as_object().ok_or_else(|| {
            within("the entry is not an object with `in_use` and `limit`".to_string())
        })?;
        let used = number_field(entry, "in_use").map_err(within)?;
        let limit = number_field(entry, "limit").map_err(within)?;
        page.quotas
            .push(ParsedQuota::new(key, used, limit, None).map_err(within)?);
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_key_but_the_id() {
        let body = json!({"quota_set":{"gigabytes":{"reserved":0,"limit":42790,"in_use":2792},
            "volumes":{"reserved":0,"limit":-1,"in_use":108},
            "snapshots":{"reserved":0,"limit":"10","in_use":"6"},
            "volumes_ESSD2":{"reserved":0,"limit":5,"in_use":1},
            "id":"cd631140887d4b6e9c786b67a6dd4c02"}});
        let page = parse(&body, None).unwrap();
        let keys: Vec<&str> = page.quotas.iter().map(|q| q.resource.as_str()).collect();
        assert_eq!(keys, ["gigabytes", "snapshots", "volumes", "volumes_ESSD2"]);
        assert_eq!(page.quotas[2].limit, None);
        assert_eq!(page.quotas[1].used.whole(), Some(6));
    }

    #[test]
    fn an_answer_without_usage_is_refused() {
        let error = parse(&json!({"quota_set":{"volumes":10,"id":"x"}}), None).unwrap_err();
        assert!(error.contains("quota_set.volumes"), "{error}");
        assert!(parse(&json!({"quota_set":[]}), None).is_err());
    }

    #[test]
    fn asks_for_usage() {
        let query = Query {
            region: "eu-de",
            service: "evs",
            project_id: "p1",
        };
        assert_eq!(
            request(&query, None),
            Call::Get {
                path: "/v2/p1/os-quota-sets/p1".into(),
                query: vec![("usage".into(), "True".into())]
            }
        );
    }
}
