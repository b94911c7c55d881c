//! Alibaba Quota Center (`quotas`, version `2020-05-10`): `ListProductQuotas`, behind the RPC
//! gateway checks of `alibaba.rs`.
//!
//! It lists the account's items of one product as the real API does (category, dimension and
//! quota-code filters, `MaxResults`, `TotalCount`), pages with an opaque `NextToken` that, like
//! the real one, holds `/`, `+` and `=` (so a client that does not percent-encode it breaks), and
//! enforces the documented rate of 15 calls a second per account, because a fleet scan that
//! ignores it is refused by the real service.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::alibaba::{Reply, param};
use super::server::HttpResponse;
use super::{AccountKind, State};

pub(super) const VERSION: &str = "2020-05-10";
const ACTION: &str = "ListProductQuotas";
/// `ListProductQuotas` calls an account may make in any one second (Quota Center's published
/// API rate quota). The real limit is per master account; the fake keeps it per account entry,
/// so a temporary key counts with the account it acts as.
const RATE_LIMIT: usize = 15;
const RATE_WINDOW: Duration = Duration::from_secs(1);
/// Admitted calls older than this can share no window with a new one, even one handled a
/// little out of arrival order (latency faults, several connections): they are forgotten.
const RATE_MEMORY: Duration = Duration::from_secs(5);
const CATEGORIES: [&str; 3] = ["CommonQuota", "FlowControl", "WhiteListLabel"];
/// `Dimensions.N` is a repeat list of at most 10 entries.
const MAX_DIMENSIONS: u32 = 10;
/// Three bytes that base64-encode as `+/+/`, placed on a 3-byte boundary of every token, so
/// that every token holds both characters a careless client mangles; the 10-byte length adds
/// `==`.
const TOKEN_MARK: [u8; 3] = [0xFB, 0xFF, 0xBF];

/// The one documented message for a bad `MaxResults`.
const BAD_MAX_RESULTS: &str =
    "The maxResults parameter is invalid. Use an integer ranging from 1 to 100.";

/// Answers a call whose signature, nonce and version the gateway has accepted. `access_key` is
/// the long-term key of the account the call acts as.
pub(super) fn handle(
    reply: &Reply<'_>,
    state: &mut State,
    access_key: &str,
    params: &[(String, String)],
    received_at: Instant,
) -> HttpResponse {
    let get = |name: &str| param(params, name).filter(|v| !v.is_empty());
    if get("Action") != Some(ACTION) {
        return reply.error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    let calls = state
        .quota_center_calls
        .entry(access_key.to_string())
        .or_default();
    if !admit(calls, received_at, RATE_LIMIT) {
        return reply.error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        );
    }
    // Quota Center's own error codes (its error-code page) for what it documents; the choice
    // of `PARAMETER.ILLEGALL` (sic) for a bad category, dimension or token is unconfirmed.
    let Some(product) = get("ProductCode") else {
        return reply.error(400, "MissingProductCode", "ProductCode is missing");
    };
    let category = match get("QuotaCategory") {
        None => "CommonQuota",
        Some(category) if CATEGORIES.contains(&category) => category,
        Some(_) => {
            return reply.error(
                400,
                "PARAMETER.ILLEGALL",
                "The specified parameter is invalid.",
            );
        }
    };
    let max_results = match get("MaxResults") {
        None => 30,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => return reply.error(400, "INVALID.MAX.RESULTS", BAD_MAX_RESULTS),
        },
    };
    let Some(dimensions) = dimensions(params) else {
        return reply.error(
            400,
            "PARAMETER.ILLEGALL",
            "The specified parameter is invalid.",
        );
    };
    let action_code = get("QuotaActionCode");

    let items: Vec<&Value> = state
        .accounts
        .iter()
        .filter(|a| a.kind == AccountKind::Alibaba && a.access_key == access_key)
        .flat_map(|a| a.quota_center.iter())
        // A product the account has nothing in lists nothing; whether the real service refuses
        // a product code it does not know is unconfirmed, and an empty list is the safe side.
        .filter(|(code, _)| code == product)
        .map(|(_, item)| item)
        .filter(|item| text(item, "QuotaCategory").unwrap_or("CommonQuota") == category)
        .filter(|item| action_code.is_none_or(|code| text(item, "QuotaActionCode") == Some(code)))
        .filter(|item| matches_dimensions(item, &dimensions))
        .collect();

    let offset = match get("NextToken") {
        None => 0,
        // Which code the real service gives an unknown token is unconfirmed.
        Some(token) => match read_token(token, product) {
            Some(offset) => offset,
            None => {
                return reply.error(
                    400,
                    "PARAMETER.ILLEGALL",
                    "The specified parameter NextToken is invalid.",
                );
            }
        },
    };
    let page: Vec<Value> = items
        .iter()
        .skip(offset)
        .take(max_results)
        .map(|item| (*item).clone())
        .collect();
    let end = offset.saturating_add(page.len());
    // Empty means done ("空表示数据已经查询完毕").
    let next = if end < items.len() {
        token(product, end)
    } else {
        String::new()
    };
    reply.ok(json!({
        "TotalCount": items.len(),
        "NextToken": next,
        "MaxResults": max_results,
        "Quotas": page,
    }))
}

/// Whether a call arriving at `at` fits the rate: no one-second window that contains it may
/// hold more than `limit` admitted calls, the window sliding rather than aligned to clock
/// seconds. An admitted call is remembered; a refused one does not use up the budget. STS
/// `AssumeRole` counts its calls the same way.
pub(super) fn admit(calls: &mut Vec<Instant>, at: Instant, limit: usize) -> bool {
    calls.retain(|seen| at.saturating_duration_since(*seen) < RATE_MEMORY);
    let mut near: Vec<Instant> = calls
        .iter()
        .copied()
        .filter(|seen| {
            at.saturating_duration_since(*seen) < RATE_WINDOW
                && seen.saturating_duration_since(at) < RATE_WINDOW
        })
        .collect();
    near.push(at);
    near.sort();
    // The busiest window containing `at` starts at one of the calls at or before it.
    let fits = near.iter().filter(|start| **start <= at).all(|start| {
        near.iter()
            .filter(|seen| *seen >= start && seen.duration_since(*start) < RATE_WINDOW)
            .count()
            <= limit
    });
    if fits {
        calls.push(at);
    }
    fits
}

/// The `Dimensions.N.Key` / `Dimensions.N.Value` pairs, or `None` when one is incomplete or
/// `N` is out of range.
fn dimensions(params: &[(String, String)]) -> Option<Vec<(String, String)>> {
    let mut pairs: BTreeMap<u32, (Option<&str>, Option<&str>)> = BTreeMap::new();
    for (name, value) in params {
        let Some(rest) = name.strip_prefix("Dimensions.") else {
            continue;
        };
        let (index, field) = rest.split_once('.')?;
        let index: u32 = index
            .parse()
            .ok()
            .filter(|n| (1..=MAX_DIMENSIONS).contains(n))?;
        let slot = pairs.entry(index).or_default();
        match field {
            "Key" => slot.0 = Some(value),
            "Value" => slot.1 = Some(value),
            _ => return None,
        }
    }
    pairs
        .into_values()
        .map(|pair| match pair {
            (Some(key), Some(value)) => Some((key.to_string(), value.to_string())),
            _ => None,
        })
        .collect()
}

fn text<'a>(item: &'a Value, field: &str) -> Option<&'a str> {
    item.get(field).and_then(Value::as_str)
}

/// An item matches when each asked dimension equals its own; an item shared by all regions
/// (`GlobalQuota: true`) matches whatever `regionId` is asked.
fn matches_dimensions(item: &Value, asked: &[(String, String)]) -> bool {
    let global = matches!(item.get("GlobalQuota"), Some(Value::Bool(true)))
        || text(item, "GlobalQuota").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let own = item.get("Dimensions");
    asked.iter().all(|(key, value)| {
        if global && key == "regionId" {
            return true;
        }
        match own.and_then(|dims| dims.get(key)) {
            Some(Value::String(have)) => have == value,
            // A non-string dimension (a test may store one) matches its JSON text.
            Some(other) => serde_json::from_str::<Value>(value).is_ok_and(|v| v == *other),
            None => false,
        }
    })
}

/// Three bytes that tie a token to its product and offset, so that a made-up token or one from another
/// product's listing is refused.
fn token_check(product: &str, offset: u32) -> [u8; 3] {
    let digest = Sha256::digest(format!("quota-center\n{product}\n{offset}").as_bytes());
    [digest[0], digest[1], digest[2]]
}

/// The token of the page starting at `offset`: 3 check bytes, the mark, the offset.
fn token(product: &str, offset: usize) -> String {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    let mut bytes = token_check(product, offset).to_vec();
    bytes.extend_from_slice(&TOKEN_MARK);
    bytes.extend_from_slice(&offset.to_be_bytes());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn read_token(token: &str, product: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let bytes: [u8; 10] = bytes.try_into().ok()?;
    let offset = u32::from_be_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]);
    let valid = bytes[3..6] == TOKEN_MARK && bytes[..3] == token_check(product, offset);
    valid.then(|| usize::try_from(offset).unwrap_or(usize::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_hold_the_awkward_characters_and_round_trip() {
        for offset in [0, 1, 30, 100, 12_345] {
            let token = token("vpc", offset);
            assert!(
                token.contains('/') && token.contains('+') && token.ends_with("=="),
                "{token}"
            );
            assert_eq!(read_token(&token, "vpc"), Some(offset));
            assert_eq!(read_token(&token, "eip"), None, "bound to its product");
        }
        assert_eq!(read_token("AAAAAd98/tlL5GF2aM7U", "vpc"), None);
        assert_eq!(read_token(&token("vpc", 3).replace('+', " "), "vpc"), None);
    }

    fn admit_15(calls: &mut Vec<Instant>, at: Instant) -> bool {
        admit(calls, at, RATE_LIMIT)
    }

    #[test]
    fn the_sixteenth_call_in_a_sliding_second_is_refused() {
        let start = Instant::now();
        let mut calls = Vec::new();
        let ms = Duration::from_millis;
        for i in 0..15 {
            assert!(admit_15(&mut calls, start + ms(i * 10)), "call {i}");
        }
        assert!(
            !admit_15(&mut calls, start + ms(200)),
            "16th within a second"
        );
        // The window slides: the first call leaves it 1 s after it arrived, not at a clock
        // second.
        assert!(!admit_15(&mut calls, start + ms(999)));
        assert!(admit_15(&mut calls, start + ms(1000)));
        assert!(!admit_15(&mut calls, start + ms(1005)));
        assert!(admit_15(&mut calls, start + ms(1010)));

        // Handled out of order: a late-handled earlier arrival still may not overfill a window.
        let mut calls = Vec::new();
        for i in 0..15 {
            assert!(admit_15(&mut calls, start + ms(500 + i)));
        }
        assert!(!admit_15(&mut calls, start + ms(100)));
        assert!(admit_15(&mut calls, start + ms(1600)));
    }

    #[test]
    fn dimension_filters() {
        let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let asked = dimensions(&owned(&[
            ("Dimensions.1.Key", "regionId"),
            ("Dimensions.1.Value", "cn-hangzhou"),
            ("ProductCode", "ecs"),
        ]));
        let asked = asked.expect("a complete pair");
        let local = json!({"Dimensions": {"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-i"}});
        let elsewhere = json!({"Dimensions": {"regionId": "cn-beijing"}});
        let global = json!({"GlobalQuota": true, "Dimensions": {}});
        assert!(matches_dimensions(&local, &asked));
        assert!(!matches_dimensions(&elsewhere, &asked));
        assert!(matches_dimensions(&global, &asked));
        assert!(matches_dimensions(&elsewhere, &[]));
        assert!(dimensions(&owned(&[("Dimensions.1.Key", "regionId")])).is_none());
        assert!(
            dimensions(&owned(&[
                ("Dimensions.11.Key", "a"),
                ("Dimensions.11.Value", "b")
            ]))
            .is_none()
        );
    }
}
