//! The further Huawei Cloud / OTC quota calls, each behind the same gateway check as VPC in
//! `huawei.rs`: ECS tenant limits, the EVS (Cinder) quota set, dedicated ELB quota usage,
//! Enterprise Router quotas (paged) and NAT Gateway quotas.
//!
//! Bodies come from the account's raw JSON untouched, so tests can send string numbers,
//! unknown keys, `-1` or missing fields. Each service refuses another account's project id with
//! its own documented code where one was found; the comments say where the mapping is a guess.

use serde_json::{Map, Value, json};

use super::huawei::Reply;
use super::server::HttpResponse;
use super::{Account, ErLastPage, NatShape, Service};

/// The services answered here (their unknown paths get the gateway's own 404).
pub(super) const SERVICES: [Service; 5] = [
    Service::Ecs,
    Service::Evs,
    Service::Elb,
    Service::Er,
    Service::Nat,
];

/// Enterprise Router `type` values from its quota page.
const ER_TYPES: &[&str] = &[
    "er_instance",
    "vpc_attachment",
    "vpn_attachment",
    "dc_attachment",
    "peering_attachment",
    "connect_attachment",
    "can_attachment",
    "route_table",
    "static_route",
    "vpc_er",
    "flow_log",
];
/// `limit` may be 0 to 2000.
const ER_MAX_LIMIT: usize = 2000;
/// The marker a `SameMarkerForever` listing repeats: the documented example's.
const ER_STUCK_MARKER: &str = "1";
/// NAT `type` values from its quota page.
const NAT_TYPES: &[&str] = &["nat_gateway", "snat_rule", "dnat_rule"];

/// The region of `project` when it is one of the account's.
fn region_of<'a>(account: &'a Account, project: &str) -> Option<&'a str> {
    account
        .projects
        .iter()
        .find(|(_, id)| id == project)
        .map(|(region, _)| region.as_str())
}

/// Every value of a (possibly repeated) query parameter.
fn values<'a>(query: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    query
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The account's list entries of the reply's service in `region`.
fn entries<'a>(reply: &Reply<'_>, account: &'a Account, region: &str) -> Vec<&'a Value> {
    account
        .quotas
        .iter()
        .filter(|(r, s, _)| r == region && *s == reply.service)
        .flat_map(|(_, _, entries)| entries.iter())
        .collect()
}

fn text<'a>(entry: &'a Value, field: &str) -> Option<&'a str> {
    entry.get(field).and_then(Value::as_str)
}

/// `GET /v1/{project_id}/cloudservers/limits` -> `{"absolute": {...}}`.
pub(super) fn ecs(reply: &Reply<'_>, account: &Account, project: &str) -> HttpResponse {
    let Some(region) = region_of(account, project) else {
        // `Ecs.0000` is ECS's documented code for a bad request; that the real service uses it
        // for another account's project id is unconfirmed.
        return reply.error(
            400,
            "Ecs.0000",
            "Request error. The project ID in the URL does not match the credentials.",
        );
    };
    let absolute = account
        .ecs_limits
        .iter()
        .find(|(r, _)| r == region)
        .map_or_else(|| json!({}), |(_, absolute)| absolute.clone());
    reply.json(200, json!({"absolute": absolute}))
}

/// `GET /v2/{project_id}/os-quota-sets/{target_project_id}?usage=True` -> `{"quota_set": {...}}`.
///
/// Without a true `usage` the answer is Cinder's plain form, one number (the limit) per key:
/// the page calls `usage` mandatory, and a client that forgets it must not mistake limits for
/// usage.
pub(super) fn evs(
    reply: &Reply<'_>,
    account: &Account,
    project: &str,
    target: &str,
    query: &[(String, String)],
) -> HttpResponse {
    // EVS's error table: `EVS.0001` "invalid tenant id!" (400) for a wrong tenant id in the
    // URI. Both ids are in the URI, and the page says the target must be the project itself.
    let invalid = || reply.error(400, "EVS.0001", "invalid tenant id!");
    let Some(region) = region_of(account, project) else {
        return invalid();
    };
    if target != project {
        return invalid();
    }
    // As Cinder reads it: anything but a true-looking value means no usage.
    let usage = values(query, "usage").last().is_some_and(|v| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on" | "y" | "t"
        )
    });
    let raw = account
        .evs_quota_sets
        .iter()
        .find(|(r, _)| r == region)
        .map_or_else(|| json!({}), |(_, set)| set.clone());
    let quota_set = match raw {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::Object(detail) if !usage && detail.contains_key("limit") => {
                            detail.get("limit").cloned().unwrap_or(Value::Null)
                        }
                        other => other,
                    };
                    (key, value)
                })
                .collect();
            out.entry("id").or_insert_with(|| json!(project));
            Value::Object(out)
        }
        // A test that stores something other than an object gets it back as it is.
        other => other,
    };
    reply.json(200, json!({"quota_set": quota_set}))
}

/// `GET /v3/{project_id}/elb/quotas/details[?quota_key=K...]` -> `{"request_id", "quotas"}`.
pub(super) fn elb(
    reply: &Reply<'_>,
    account: &Account,
    project: &str,
    query: &[(String, String)],
) -> HttpResponse {
    let Some(region) = region_of(account, project) else {
        // `ELB.8902` is what dedicated ELB answers for an invalid parameter; its use for
        // another account's project id is unconfirmed.
        return reply.error(400, "ELB.8902", "Invalid parameter: project_id.");
    };
    // An unknown `quota_key` filters everything out rather than failing (unconfirmed).
    let wanted = values(query, "quota_key");
    let quotas: Vec<Value> = entries(reply, account, region)
        .into_iter()
        .filter(|entry| {
            wanted.is_empty() || text(entry, "quota_key").is_some_and(|key| wanted.contains(&key))
        })
        .cloned()
        .collect();
    reply.json(
        200,
        json!({"request_id": reply.request_id, "quotas": quotas}),
    )
}

/// `GET /v3/{project_id}/enterprise-router/quotas[?type=T...&limit=N&marker=M]` ->
/// `{"quotas", "page_info": {"next_marker", "current_count"}, "request_id"}`, paged as the
/// account's [`super::ErPaging`] says.
pub(super) fn er(
    reply: &Reply<'_>,
    account: &Account,
    project: &str,
    query: &[(String, String)],
) -> HttpResponse {
    // ER's error table: `ER.04009005` "Invalid parameters." and `ER.04009009` "The quota type
    // does not exist." (both 400); the first for a foreign project id is unconfirmed.
    let invalid = || reply.error(400, "ER.04009005", "Invalid parameters.");
    let Some(region) = region_of(account, project) else {
        return invalid();
    };
    let all = entries(reply, account, region);
    let wanted = values(query, "type");
    for kind in &wanted {
        let known = ER_TYPES.contains(kind)
            || all
                .iter()
                .any(|entry| text(entry, "quota_key") == Some(kind));
        if !known {
            return reply.error(400, "ER.04009009", "The quota type does not exist.");
        }
    }
    // `erId`, `routeTableId` and `vpcId` are accepted and ignored: the fake knows no routers.
    let listed: Vec<&Value> = all
        .into_iter()
        .filter(|entry| {
            wanted.is_empty() || text(entry, "quota_key").is_some_and(|key| wanted.contains(&key))
        })
        .collect();
    let paging = &account.er_paging;
    let page_size = paging.page_size.max(1);
    let size = match values(query, "limit").last() {
        None => page_size,
        Some(text) => match text.parse::<usize>() {
            Ok(0) => page_size,
            Ok(n) if n <= ER_MAX_LIMIT => n.min(page_size),
            _ => return invalid(),
        },
    };
    let sent = values(query, "marker")
        .last()
        .copied()
        .filter(|m| !m.is_empty());
    let offset = match sent.map(str::parse::<usize>) {
        None => 0,
        Some(Ok(offset)) => offset,
        Some(Err(_)) => return invalid(),
    };

    let (page, next): (Vec<Value>, Option<String>) = match paging.last_page {
        ErLastPage::Endless => {
            // Entries again and again, under a marker that keeps growing.
            let page = listed
                .iter()
                .cycle()
                .skip(offset % listed.len().max(1))
                .take(if listed.is_empty() { 0 } else { size })
                .map(|entry| (*entry).clone())
                .collect();
            (page, Some(offset.saturating_add(size).to_string()))
        }
        ErLastPage::SameMarkerForever => {
            let page = listed.iter().take(size).map(|e| (*e).clone()).collect();
            (page, Some(ER_STUCK_MARKER.to_string()))
        }
        last => {
            let start = offset.min(listed.len());
            let page: Vec<Value> = listed[start..]
                .iter()
                .take(size)
                .map(|entry| (*entry).clone())
                .collect();
            let end = start + page.len();
            let next = if end < listed.len() {
                Some(end.to_string())
            } else {
                match last {
                    ErLastPage::PastEnd => Some(end.max(offset).to_string()),
                    ErLastPage::RepeatMarker => sent.map(str::to_string),
                    ErLastPage::EmptyMarker => Some(String::new()),
                    _ => None,
                }
            };
            (page, next)
        }
    };
    let mut page_info = Map::new();
    if let Some(next) = next {
        page_info.insert("next_marker".into(), json!(next));
    }
    page_info.insert("current_count".into(), json!(page.len()));
    reply.json(
        200,
        json!({"quotas": page, "page_info": page_info, "request_id": reply.request_id}),
    )
}

/// `GET /v2.0/{project_id}/nat_gateways/quotas[?type=T]` -> `{"quotas": {"resources": [...]}}`
/// or `{"quotas": [...]}`, as the account's [`NatShape`] says.
pub(super) fn nat(
    reply: &Reply<'_>,
    account: &Account,
    project: &str,
    query: &[(String, String)],
) -> HttpResponse {
    let Some(region) = region_of(account, project) else {
        // The v2.0 error table: `VPC.0007`, "urlTenantId is not equal tokenTenantId" (400).
        return reply.error(400, "VPC.0007", "urlTenantId is not equal tokenTenantId");
    };
    let all = entries(reply, account, region);
    let wanted = values(query, "type");
    for kind in &wanted {
        let known =
            NAT_TYPES.contains(kind) || all.iter().any(|entry| text(entry, "type") == Some(kind));
        if !known {
            // NAT's documented "Invalid parameters." code; its use for `type` is unconfirmed.
            return reply.error(400, "NAT.0002", "Invalid parameters.");
        }
    }
    let resources: Vec<Value> = all
        .into_iter()
        .filter(|entry| {
            wanted.is_empty() || text(entry, "type").is_some_and(|kind| wanted.contains(&kind))
        })
        .cloned()
        .collect();
    let body = match account.nat_shape {
        NatShape::Resources => json!({"quotas": {"resources": resources}}),
        NatShape::Array => json!({"quotas": resources}),
    };
    reply.json(200, body)
}
