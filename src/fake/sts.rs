//! Alibaba STS (`Sts`, version `2015-04-01`): `AssumeRole`, behind the RPC gateway checks of
//! `alibaba.rs`.
//!
//! A RAM role is assumed when its trust policy names the caller's account and, when it asks for
//! one, the caller sends the right `ExternalId`. The answer is a temporary key (`temporary.rs`)
//! that acts as the role's account on every Alibaba listener until `Expiration`, this one
//! included, so a temporary key can assume the next role of a chain. The published rate of 100
//! calls a second per account is enforced, because a fleet that assumes its roles in one burst
//! is refused by the real service.

use std::time::Instant;

use serde_json::json;
use sha2::{Digest, Sha256};

use super::alibaba::{Reply, param};
use super::quota_center::admit;
use super::server::HttpResponse;
use super::temporary::{self, Caller, Grant};
use super::{AccountKind, State};

pub(super) const VERSION: &str = "2015-04-01";
pub(super) const ACTION: &str = "AssumeRole";
/// `AssumeRole` calls an account (all its RAM users and roles together) may make in any one
/// second: Alibaba's published STS limit.
const RATE_LIMIT: usize = 100;
const MIN_DURATION: u64 = 900;
const DEFAULT_DURATION: u64 = 3600;
const ARN_PREFIX: &str = "acs:ram::";

/// The documented messages of the action's own codes.
const NO_PERMISSION: &str =
    "You are not authorized to do this action. You should be authorized by RAM.";
const BAD_DURATION: &str = "The Min/Max value of DurationSeconds is 15min/1hr.";

/// Answers a call whose signature, nonce, token and version the gateway has accepted.
/// `access_key` is the key that signed it.
pub(super) fn handle(
    reply: &Reply<'_>,
    state: &mut State,
    caller: &Caller,
    access_key: &str,
    params: &[(String, String)],
    received_at: Instant,
) -> HttpResponse {
    // An empty optional parameter is treated as absent, as the real API does.
    let get = |name: &str| param(params, name).filter(|v| !v.is_empty());
    if get("Action") != Some(ACTION) {
        return reply.error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    // The limit is the account's, whichever of its keys (long-term or temporary) signs: every
    // call counts, a malformed one too, because the gateway counts before the service looks.
    let account_key = state.accounts[caller.account].access_key.clone();
    let calls = state.assume_role_calls.entry(account_key).or_default();
    if !admit(calls, received_at, RATE_LIMIT) {
        return reply.error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        );
    }

    // A missing required parameter gets the gateway's generic `Missing{Name}` code, as the other
    // RPC products here do; STS's own page lists only the malformed cases (unconfirmed).
    let Some(arn) = get("RoleArn") else {
        return reply.error(
            400,
            "MissingRoleArn",
            "RoleArn is mandatory for this action.",
        );
    };
    let Some((account_id, role_name)) = parse_role_arn(arn) else {
        return reply.error(
            400,
            "InvalidParameter.RoleArn",
            "The parameter RoleArn is wrongly formed.",
        );
    };
    let Some(session) = get("RoleSessionName") else {
        return reply.error(
            400,
            "MissingRoleSessionName",
            "RoleSessionName is mandatory for this action.",
        );
    };
    if !valid_session_name(session) {
        return reply.error(
            400,
            "InvalidParameter.RoleSessionName",
            "The parameter RoleSessionName is wrongly formed.",
        );
    }
    let duration = match get("DurationSeconds") {
        None => DEFAULT_DURATION,
        Some(text) => match text.parse::<u64>() {
            Ok(seconds) if seconds >= MIN_DURATION => seconds,
            _ => return reply.error(400, "InvalidParameter.DurationSeconds", BAD_DURATION),
        },
    };
    let external_id = get("ExternalId");
    if external_id.is_some_and(|id| !valid_external_id(id)) {
        return reply.error(
            400,
            "InvalidParameter.ExternalId",
            "The parameter ExternalId is wrongly formed.",
        );
    }

    // An unknown account and an unknown role look the same from outside: the role is not found.
    let target = state
        .accounts
        .iter()
        .position(|a| a.kind == AccountKind::Alibaba && a.account_id == account_id);
    // RAM role names are matched without case (the documented ARNs spell one role both ways).
    let role = target.and_then(|index| {
        state.accounts[index]
            .roles
            .iter()
            .find(|role| role.name.eq_ignore_ascii_case(role_name))
    });
    let (Some(target), Some(role)) = (target, role) else {
        return reply.error(
            404,
            "EntityNotExist.Role",
            "The specified Role not exists .",
        );
    };
    let caller_account = &state.accounts[caller.account].account_id;
    if !role.trusted_accounts.iter().any(|id| id == caller_account) {
        return reply.error(403, "NoPermission", NO_PERMISSION);
    }
    // A trust policy's external-id condition is not met by a missing or different one; one sent
    // to a role that asks for none is ignored.
    if role
        .external_id
        .as_deref()
        .is_some_and(|required| external_id != Some(required))
    {
        return reply.error(403, "NoPermission", NO_PERMISSION);
    }
    // The role's own limit; the documented message still quotes the old 1 hour maximum. Whether
    // a chained call is capped lower is unconfirmed, so it is not.
    if duration > role.max_session_seconds {
        return reply.error(400, "InvalidParameter.DurationSeconds", BAD_DURATION);
    }

    let role_path = format!(
        "{ARN_PREFIX}{account_id}:role/{}",
        role.name.to_ascii_lowercase()
    );
    let role_id = role_id(account_id, &role.name);
    let grant = Grant {
        kind: AccountKind::Alibaba,
        target: state.accounts[target].access_key.clone(),
        caller: access_key.to_string(),
        assumed: arn.to_string(),
        seconds: duration,
    };
    let issued = temporary::issue(state, grant);
    reply.ok(json!({
        "AssumedRoleUser": {
            "AssumedRoleId": format!("{role_id}:{session}"),
            "Arn": format!("{role_path}/{session}"),
        },
        "Credentials": {
            "SecurityToken": issued.token,
            "Expiration": issued.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "AccessKeySecret": issued.secret,
            "AccessKeyId": issued.access_key,
        },
    }))
}

/// `acs:ram::<account id>:role/<role name>` -> (account id, role name). The account id is
/// digits; the role name 1 to 64 letters, digits, `.`, `-` (RAM's rule) or `_`, allowed here
/// because whether the real check refuses it is unconfirmed.
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix(ARN_PREFIX)?;
    let (account_id, resource) = rest.split_once(':')?;
    let name = resource.strip_prefix("role/")?;
    let account_ok = !account_id.is_empty() && account_id.bytes().all(|b| b.is_ascii_digit());
    let name_ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    (account_ok && name_ok).then_some((account_id, name))
}

/// 2 to 64 letters, digits, `.`, `@`, `-`, `_`.
fn valid_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'-' | b'_'))
}

/// 2 to 1224 characters of `[\w+=,.@:\/-]`.
fn valid_external_id(id: &str) -> bool {
    (2..=1224).contains(&id.len())
        && id.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'+' | b'=' | b',' | b'.' | b'@' | b':' | b'/' | b'-'
                )
        })
}

/// A stable 18-digit role id, the shape `AssumedRoleId` starts with.
fn role_id(account_id: &str, role_name: &str) -> String {
    let digest =
        Sha256::digest(format!("role:{account_id}:{}", role_name.to_ascii_lowercase()).as_bytes());
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&digest[..8]);
    format!(
        "3{:017}",
        u64::from_be_bytes(eight) % 100_000_000_000_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_session_names_and_external_ids() {
        assert_eq!(
            parse_role_arn("acs:ram::1234567890123456:role/headroom-reader"),
            Some(("1234567890123456", "headroom-reader"))
        );
        for bad in [
            "",
            "acs:ram::1234567890123456:role/",
            "acs:ram::{account}:role/headroom-reader",
            "acs:ram::12345:user/alice",
            "acs:ram:*:1234567890123456:role/x",
            "arn:ram::1234567890123456:role/x",
            "acs:ram::1234567890123456:role/a b",
        ] {
            assert!(parse_role_arn(bad).is_none(), "{bad}");
        }
        assert!(valid_session_name("headroom"));
        assert!(valid_session_name("a.b@c-d_e"));
        assert!(!valid_session_name("h"));
        assert!(!valid_session_name(&"a".repeat(65)));
        assert!(!valid_session_name("head room"));
        assert!(valid_external_id("abc:/=+,.@-_"));
        assert!(!valid_external_id("a"));
        assert!(!valid_external_id("a b"));
        let id = role_id("1234567890123456", "Reader");
        assert_eq!(id.len(), 18);
        assert_eq!(id, role_id("1234567890123456", "reader"));
    }
}
