//! Temporary credentials: what STS `AssumeRole` (`sts.rs`) and IAM's agency `securitytokens`
//! call (`agency.rs`) issue, and how every listener learns whom an access key speaks for.
//!
//! A temporary key acts as the account that owns the assumed role or agency, not as its caller,
//! on every listener of that cloud, until it expires, and only together with its own security
//! token. Long-term and temporary keys are looked up through the same [`identify`], so that no
//! handler needs to know which kind signed a request, and a chain (temporary credentials
//! assuming the next role) needs nothing special.

use base64::Engine as _;

use super::{AccountKind, IssuedCredential, State};

/// One issued credential, secret and token included.
#[derive(Clone)]
pub(super) struct Issued {
    pub kind: AccountKind,
    pub access_key: String,
    pub secret: String,
    pub token: String,
    /// The long-term access key of the account it acts as.
    pub target: String,
    /// The access key that signed the call that issued it.
    pub caller: String,
    /// The role ARN, or `domain/agency`, as the call named it.
    pub assumed: String,
    pub expires_at: jiff::Timestamp,
}

impl Issued {
    /// What a test may see of it: everything but the secret and the token.
    pub fn public(&self) -> IssuedCredential {
        IssuedCredential {
            kind: self.kind,
            access_key: self.access_key.clone(),
            target_access_key: self.target.clone(),
            caller_access_key: self.caller.clone(),
            assumed: self.assumed.clone(),
            expires_at: self.expires_at,
        }
    }
}

/// Whom a request's access key speaks for, and what to check the request against.
pub(super) struct Caller {
    /// The index in `State::accounts` of the account whose data the request sees: the key's own
    /// account, or for a temporary key the account of the role or agency it was issued for.
    pub account: usize,
    pub secret: String,
    /// The security token every request with this key must carry, if any.
    pub token: Option<String>,
    /// For a temporary key, when it stops working.
    pub expires_at: Option<jiff::Timestamp>,
}

impl Caller {
    pub fn expired(&self) -> bool {
        self.expires_at
            .is_some_and(|at| jiff::Timestamp::now() >= at)
    }
}

/// Finds an access key of that cloud among the long-term keys, then among the issued ones.
pub(super) fn identify(state: &State, kind: AccountKind, access_key: &str) -> Option<Caller> {
    let position = |key: &str| {
        state
            .accounts
            .iter()
            .position(|a| a.kind == kind && a.access_key == key)
    };
    if let Some(index) = position(access_key) {
        let account = &state.accounts[index];
        return Some(Caller {
            account: index,
            secret: account.secret.clone(),
            token: account.security_token.clone(),
            expires_at: None,
        });
    }
    let issued = state
        .issued
        .iter()
        .find(|i| i.kind == kind && i.access_key == access_key)?;
    Some(Caller {
        account: position(&issued.target)?,
        secret: issued.secret.clone(),
        token: Some(issued.token.clone()),
        expires_at: Some(issued.expires_at),
    })
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn random_text(alphabet: &[u8], length: usize) -> String {
    (0..length)
        .map(|_| char::from(alphabet[fastrand::usize(..alphabet.len())]))
        .collect()
}

fn random_bytes(length: usize) -> Vec<u8> {
    (0..length).map(|_| fastrand::u8(..)).collect()
}

/// What one issue needs besides the fresh values.
pub(super) struct Grant {
    pub kind: AccountKind,
    pub target: String,
    pub caller: String,
    pub assumed: String,
    pub seconds: u64,
}

/// Issues a fresh credential, remembers it and returns it.
///
/// Alibaba's look like the documented ones: `STS.` and 29 characters, a 44-character secret,
/// and a token that starts with `CAIS` and runs to several hundred characters of standard
/// base64, `+` and `/` included, so that a client that does not percent-encode the
/// `SecurityToken` parameter breaks here as it would there. Huawei's: a 20-character access
/// key, a 40-character secret and a long URL-safe base64 token, as in the signing guide's
/// example.
pub(super) fn issue(state: &mut State, grant: Grant) -> Issued {
    let (access_key, secret, token) = match grant.kind {
        AccountKind::Alibaba => (
            format!("STS.{}", random_text(ALPHANUMERIC, 29)),
            random_text(ALPHANUMERIC, 44),
            format!(
                "CAIS{}",
                base64::engine::general_purpose::STANDARD.encode(random_bytes(480))
            ),
        ),
        AccountKind::Huawei => (
            random_text(UPPER_ALPHANUMERIC, 20),
            random_text(ALPHANUMERIC, 40),
            format!(
                "gQ{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(900))
            ),
        ),
    };
    let seconds = i64::try_from(grant.seconds).unwrap_or(i64::MAX);
    let expires_at = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .unwrap_or(jiff::Timestamp::MAX);
    let issued = Issued {
        kind: grant.kind,
        access_key,
        secret,
        token,
        target: grant.target,
        caller: grant.caller,
        assumed: grant.assumed,
        expires_at,
    };
    if state.issued.len() >= super::MAX_ISSUED {
        state.issued.pop_front();
    }
    state.issued.push_back(issued.clone());
    issued
}
