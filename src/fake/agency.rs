//! Huawei Cloud / OTC IAM: `POST /v3.0/OS-CREDENTIAL/securitytokens` with
//! `"methods": ["assume_role"]` (the SDKs' `CreateTemporaryAccessKeyByAgency`), AK/SK-signed,
//! behind the gateway check of `huawei.rs`.
//!
//! An agency is assumed when it trusts the caller's account, by domain name or id. The answer
//! (201) is a temporary AK/SK with a security token (`temporary.rs`) that acts as the agency's
//! account on every Huawei/OTC listener until `expires_at`, IAM included, so the new account's
//! projects can be looked up and a temporary key can assume the next agency of a chain. No rate
//! limit is published for this call; throttling is left to faults.

use serde_json::{Value, json};

use super::AccountKind;
use super::State;
use super::huawei::Reply;
use super::server::HttpResponse;
use super::temporary::{self, Caller, Grant};

pub(super) const PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
/// The SDKs' name for the call, which the fake records as its action.
pub(super) const ACTION: &str = "CreateTemporaryAccessKeyByAgency";
/// `duration_seconds`: 15 minutes to 24 hours, 15 minutes when left out.
const MIN_DURATION: u64 = 900;
const MAX_DURATION: u64 = 86_400;
const DEFAULT_DURATION: u64 = MIN_DURATION;

/// Answers a call the gateway has authenticated. `access_key` is the key that signed it.
pub(super) fn securitytokens(
    reply: &Reply<'_>,
    state: &mut State,
    caller: &Caller,
    access_key: &str,
    body: &[u8],
) -> HttpResponse {
    // IAM's documented validation error, for every way the body can be wrong.
    let invalid = || {
        reply.json(
            400,
            json!({"error_msg": "Request body is invalid.", "error_code": "IAM.0011"}),
        )
    };
    let Some(request) = AssumeRole::parse(body) else {
        return invalid();
    };

    // Both named: both must name the same account.
    let target = state.accounts.iter().position(|a| {
        a.kind == AccountKind::Huawei
            && request
                .domain_id
                .as_ref()
                .is_none_or(|id| a.domain_id == *id)
            && request
                .domain_name
                .as_ref()
                .is_none_or(|name| a.domain_name == *name)
    });
    let named = request
        .domain_name
        .as_deref()
        .or(request.domain_id.as_deref())
        .unwrap_or_default();
    // IAM's "Could not find %(target)s: %(target_id)s." (IAM.0004); that this call answers an
    // unknown domain or agency with it, and with 404, is unconfirmed.
    let not_found = |what: &str, which: &str| {
        reply.json(
            404,
            json!({
                "error_msg": format!("Could not find {what}: {which}."),
                "error_code": "IAM.0004",
            }),
        )
    };
    let Some(target) = target else {
        return not_found("domain", named);
    };
    let Some(agency) = state.accounts[target]
        .agencies
        .iter()
        .find(|agency| agency.name == request.agency_name)
    else {
        return not_found("agency", &request.agency_name);
    };
    let own = &state.accounts[caller.account];
    let trusted = agency
        .trusted_domains
        .iter()
        .any(|domain| *domain == own.domain_name || *domain == own.domain_id);
    if !trusted {
        // Keystone's wording for a refused action; the code and the 403 are unconfirmed.
        return reply.json(
            403,
            json!({
                "error_msg": "You are not authorized to perform the requested action: assume_role.",
                "error_code": "IAM.0003",
            }),
        );
    }
    // Beyond the agency's own limit (unconfirmed how the real service words it).
    if request.duration > agency.max_duration_seconds {
        return invalid();
    }

    let grant = Grant {
        kind: AccountKind::Huawei,
        target: state.accounts[target].access_key.clone(),
        caller: access_key.to_string(),
        assumed: format!("{named}/{}", request.agency_name),
        seconds: request.duration,
    };
    let issued = temporary::issue(state, grant);
    // The documented examples show microseconds of which only milliseconds are set.
    let expires_at = issued
        .expires_at
        .round(jiff::Unit::Millisecond)
        .unwrap_or(issued.expires_at)
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    reply.json(
        201,
        json!({"credential": {
            "access": issued.access_key,
            "secret": issued.secret,
            "securitytoken": issued.token,
            "expires_at": expires_at,
        }}),
    )
}

/// The parts of the body the call uses.
struct AssumeRole {
    domain_id: Option<String>,
    domain_name: Option<String>,
    agency_name: String,
    duration: u64,
}

impl AssumeRole {
    /// `{"auth": {"identity": {"methods": ["assume_role"], "assume_role": {...}}}}`, or `None`
    /// when anything required is missing or of the wrong kind. `session_user` and `policy` are
    /// accepted and ignored (the policy only restricts OBS).
    fn parse(body: &[u8]) -> Option<AssumeRole> {
        let body: Value = serde_json::from_slice(body).ok()?;
        let identity = body.get("auth")?.get("identity")?;
        if identity.get("methods")? != &json!(["assume_role"]) {
            return None;
        }
        let assume = identity.get("assume_role")?;
        // Absent is fine; present means a non-empty string.
        let text = |name: &str| -> Result<Option<String>, ()> {
            match assume.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(_) => Err(()),
            }
        };
        let domain_id = text("domain_id").ok()?;
        let domain_name = text("domain_name").ok()?;
        if domain_id.is_none() && domain_name.is_none() {
            return None;
        }
        let agency_name = text("agency_name").ok()??;
        // A number; a numeric string too (one documented example sends one; whether the real
        // service accepts it is unconfirmed).
        let duration = match assume.get("duration_seconds") {
            None | Some(Value::Null) => DEFAULT_DURATION,
            Some(Value::Number(n)) => n.as_u64()?,
            Some(Value::String(s)) => s.parse().ok()?,
            Some(_) => return None,
        };
        if !(MIN_DURATION..=MAX_DURATION).contains(&duration) {
            return None;
        }
        Some(AssumeRole {
            domain_id,
            domain_name,
            agency_name,
            duration,
        })
    }
}
