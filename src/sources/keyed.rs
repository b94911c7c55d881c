//! The quota list several Huawei Cloud / OTC services share:
//! `[{"quota_key", "used", "quota_limit", "unit"}]`, `-1` unlimited.

use serde_json::Value;

use crate::providers::{ParsedQuota, number_field};

/// The rows of the list at `body[field]`; `keep`, when given, the only keys that become rows.
pub fn rows(body: &Value, field: &str, keep: Option<&[&str]>) -> Result<Vec<ParsedQuota>, String> {
    let items = body
        .get(field)
        .ok_or_else(|| format!("field `{field}` is missing"))?
        .as_array()
        .ok_or_else(|| format!("field `{field}` is not a list"))?;
    let mut rows = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let object = item
            .as_object()
            .ok_or_else(|| format!("{field}[{index}] is not an object"))?;
        let key = match object.get("quota_key") {
            Some(Value::String(key)) if !key.trim().is_empty() => key.clone(),
            Some(_) => return Err(format!("field `{field}[{index}].quota_key` is not a name")),
            None => return Err(format!("field `{field}[{index}].quota_key` is missing")),
        };
        if keep.is_some_and(|keep| !keep.contains(&key.as_str())) {
            continue;
        }
        let within = |e: String| format!("{e} (in {field}[{index}], quota_key {key:?})");
        let used = number_field(object, "used").map_err(within)?;
        let limit = number_field(object, "quota_limit").map_err(within)?;
        rows.push(ParsedQuota::new(&key, used, limit, None).map_err(within)?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_what_is_asked_strings_and_unlimited() {
        let body = json!({"quotas": [
            {"quota_key": "loadbalancer", "used": 752, "quota_limit": 100000, "unit": "count"},
            {"quota_key": "members_per_pool", "used": 3, "quota_limit": 500, "unit": "count"},
            {"quota_key": "certificate", "used": "608", "quota_limit": -1, "unit": "count"}
        ]});
        let all = rows(&body, "quotas", None).unwrap();
        assert_eq!(all.len(), 3);
        let kept = rows(&body, "quotas", Some(&["loadbalancer", "certificate"])).unwrap();
        let keys: Vec<&str> = kept.iter().map(|q| q.resource.as_str()).collect();
        assert_eq!(keys, ["loadbalancer", "certificate"]);
        assert_eq!(kept[1].limit, None);
        assert_eq!(kept[1].used.whole(), Some(608));
    }

    #[test]
    fn bad_items_name_the_field() {
        let error = rows(
            &json!({"quotas": [{"quota_key": "listener", "quota_limit": 5}]}),
            "quotas",
            None,
        )
        .unwrap_err();
        assert_eq!(
            error,
            "field `used` is missing (in quotas[0], quota_key \"listener\")"
        );
        assert!(rows(&json!({"quotas": {}}), "quotas", None).is_err());
        assert!(rows(&json!({}), "quotas", None).is_err());
    }
}
