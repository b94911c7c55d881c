//! A simulated Alibaba Cloud (Smart Access Gateway, Quota Center, STS) and Huawei Cloud / Open
//! Telekom Cloud (VPC, VPN v5, VPCEP, ECS, EVS, ELB, Enterprise Router, NAT, IAM) on 127.0.0.1.
//!
//! It serves `headroom demo` (a cloud to look at without an account), the integration tests
//! (which run the real binary against it) and the benchmark. Like the real clouds it checks the
//! signature of every request with the project's own signers (`crate::sign`), and it answers
//! with the real APIs' bodies, error shapes and request-id headers. Faults (throttling, broken
//! bodies, dropped connections, redirects, slowness) can be injected per service, access key
//! and action, because exercising those paths against a real cloud is impossible.
//!
//! Accounts can reach each other the way fleets do: an Alibaba RAM role is assumed with STS
//! `AssumeRole` (`sts.rs`), a Huawei/OTC agency with IAM's `securitytokens` call (`agency.rs`).
//! The temporary credentials they issue (`temporary.rs`) act as the target account on every
//! listener of their cloud until they expire, and only together with their security token.
//!
//! Each service gets its own listener on `127.0.0.1:0`, speaking HTTP/1.1 over real sockets
//! through a small hand-written server (`server.rs`): a library server would hide exactly the
//! wire-level misbehaviour the faults need (a short body, a byte-by-byte drip, a silent close).

mod agency;
mod alibaba;
mod huawei;
mod huawei_sources;
mod quota_center;
mod server;
mod sts;
mod temporary;
mod world;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

pub use world::{
    DEMO_ALIBABA_ACCESS_KEY, DEMO_ALIBABA_ACCOUNT_ID, DEMO_ALIBABA_DATA_ACCESS_KEY,
    DEMO_ALIBABA_DATA_ACCOUNT_ID, DEMO_ALIBABA_SHOP_ACCESS_KEY, DEMO_ALIBABA_SHOP_ACCOUNT_ID,
    DEMO_HUAWEI_ACCESS_KEY, DEMO_HUAWEI_DOMAIN_ID, DEMO_HUAWEI_DOMAIN_NAME, DEMO_HUAWEI_PROJECT_ID,
    DEMO_OTC_ACCESS_KEY, DEMO_OTC_PROJECT_ID, DEMO_READER_ROLE, DEMO_TEAM_B_ACCESS_KEY,
    DEMO_TEAM_B_DOMAIN_ID, DEMO_TEAM_B_DOMAIN_NAME, DEMO_TEAM_B_PROJECT_ID, DEMO_TEAM_B_REGION,
};

/// One simulated service; each has its own listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Alibaba Smart Access Gateway, RPC style at path `/`.
    Smartag,
    /// Huawei Cloud / OTC VPC v1 (`/v1/{project_id}/quotas`).
    Vpc,
    /// Huawei Cloud / OTC VPN v5 (`/v5/{project_id}/vpn/quotas`).
    Vpn,
    /// Huawei Cloud / OTC VPC Endpoint (`/v1/{project_id}/quotas`).
    Vpcep,
    /// Huawei Cloud / OTC IAM (`/v3/projects?name=REGION`, and the agency call
    /// `POST /v3.0/OS-CREDENTIAL/securitytokens`).
    Iam,
    /// Alibaba Quota Center (`quotas`, version `2020-05-10`), RPC style at path `/`:
    /// `ListProductQuotas`, with its documented 15 calls a second per account enforced.
    Quotas,
    /// Huawei Cloud / OTC ECS tenant limits (`/v1/{project_id}/cloudservers/limits`).
    Ecs,
    /// Huawei Cloud / OTC EVS quota set (`/v2/{project_id}/os-quota-sets/{project_id}`).
    Evs,
    /// Huawei Cloud / OTC dedicated ELB quota usage (`/v3/{project_id}/elb/quotas/details`).
    Elb,
    /// Huawei Cloud / OTC Enterprise Router quotas (`/v3/{project_id}/enterprise-router/quotas`),
    /// paged with `limit` and `marker`.
    Er,
    /// Huawei Cloud NAT Gateway quotas (`/v2.0/{project_id}/nat_gateways/quotas`).
    Nat,
    /// Alibaba STS (version `2015-04-01`), RPC style at path `/`: `AssumeRole`, with its
    /// published 100 calls a second per account enforced.
    Sts,
    /// A trap: answers `200 {}` to anything and checks nothing. The `Redirect` fault points here,
    /// so a test can assert that no credentials ever followed a redirect.
    Elsewhere,
}

impl Service {
    /// Every service, in the order the listeners are started.
    pub const ALL: [Service; 13] = [
        Service::Smartag,
        Service::Vpc,
        Service::Vpn,
        Service::Vpcep,
        Service::Iam,
        Service::Quotas,
        Service::Ecs,
        Service::Evs,
        Service::Elb,
        Service::Er,
        Service::Nat,
        Service::Sts,
        Service::Elsewhere,
    ];

    /// The lower-case name used in configs and logs (`smartag`, `vpc`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Service::Smartag => "smartag",
            Service::Vpc => "vpc",
            Service::Vpn => "vpn",
            Service::Vpcep => "vpcep",
            Service::Iam => "iam",
            Service::Quotas => "quotas",
            Service::Ecs => "ecs",
            Service::Evs => "evs",
            Service::Elb => "elb",
            Service::Er => "er",
            Service::Nat => "nat",
            Service::Sts => "sts",
            Service::Elsewhere => "elsewhere",
        }
    }

    /// The header that carries the request id in this service's answers.
    fn request_id_header(self) -> &'static str {
        match self {
            Service::Smartag | Service::Quotas | Service::Sts => "x-acs-request-id",
            _ => "X-Request-Id",
        }
    }

    /// Alibaba's RPC services, which sign with V1 in the query; the others sign the Huawei way.
    fn is_alibaba(self) -> bool {
        matches!(self, Service::Smartag | Service::Quotas | Service::Sts)
    }
}

/// The whole simulated world: accounts, a base latency and the faults to inject.
#[derive(Debug, Clone, Default)]
pub struct FakeCloud {
    pub accounts: Vec<Account>,
    /// Added before every answer (not on the `Elsewhere` trap).
    pub latency: Duration,
    /// Checked in order; the first one that matches a request decides its fate.
    pub faults: Vec<Fault>,
}

/// Which API family an account belongs to. Huawei Cloud and OTC accounts are both `Huawei`:
/// they speak the same protocol and share the same listeners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Alibaba,
    Huawei,
}

/// One set of credentials and everything the fake cloud knows about it.
#[derive(Clone)]
pub struct Account {
    pub kind: AccountKind,
    pub access_key: String,
    pub secret: String,
    /// When `Some`, every request must carry it (Alibaba `SecurityToken` parameter, Huawei
    /// `X-Security-Token` header, signed); when `None`, a request that carries one is refused,
    /// as a long-term key with a token attached is on the real clouds.
    pub security_token: Option<String>,
    /// Huawei: `(region, project_id)`. IAM lists them; a path with another project id is refused.
    pub projects: Vec<(String, String)>,
    /// Huawei: `(region, service, entries)`, raw JSON so that tests can send strings for
    /// numbers, unknown types, `-1`, `min`, missing fields. The entries are what the service lists:
    /// VPC, VPN, VPCEP and NAT `{"type","used","quota"(,"min")}`, ELB and ER
    /// `{"quota_key","used","quota_limit","unit"}`.
    pub quotas: Vec<(String, Service, Vec<serde_json::Value>)>,
    /// Huawei: `(region, the ECS "absolute" object)`, raw (`maxTotalInstances`,
    /// `totalInstancesUsed`, ...). A region without one answers `{"absolute": {}}`.
    pub ecs_limits: Vec<(String, serde_json::Value)>,
    /// Huawei: `(region, the EVS "quota_set" object)`, raw, in its `usage=True` form (each key an
    /// object `{"in_use","limit","reserved"}`); the fake adds `"id"` when it is missing and
    /// reduces every object to its `limit` when the request leaves `usage` out.
    pub evs_quota_sets: Vec<(String, serde_json::Value)>,
    /// Huawei: how the Enterprise Router quota list pages.
    pub er_paging: ErPaging,
    /// Huawei: which of the two documented NAT quota bodies this account gets.
    pub nat_shape: NatShape,
    /// Alibaba: Cloud Connect Networks per region. A region not listed here is refused with
    /// `InvalidRegionId`.
    pub ccn: Vec<(String, CcnRegion)>,
    /// Alibaba: Quota Center items as `(ProductCode, item)`, the item raw JSON as
    /// `ListProductQuotas` lists it (`QuotaActionCode`, `TotalQuota`, `TotalUsage`, `Dimensions`,
    /// `GlobalQuota`, `QuotaCategory`, ...), so that tests can send anything. An item without
    /// `QuotaCategory` counts as `CommonQuota`.
    pub quota_center: Vec<(String, serde_json::Value)>,
    /// Alibaba: the account id (16 digits) that role ARNs and trust policies name. The
    /// constructor derives a stable one from the access key. When several entries share an id
    /// (several RAM users of one account), a role ARN reaches the first of them.
    pub account_id: String,
    /// Alibaba: the RAM roles other accounts may assume with STS `AssumeRole`.
    pub roles: Vec<Role>,
    /// Huawei: the account (domain) id that IAM lists, `X-Domain-Id` carries and agencies may
    /// be assumed by. The constructor derives a stable one (32 hex digits) from the access key.
    pub domain_id: String,
    /// Huawei: the account (domain) name agencies are assumed by. The constructor derives one
    /// from the domain id.
    pub domain_name: String,
    /// Huawei: the agencies other accounts may assume with IAM's `securitytokens` call.
    pub agencies: Vec<Agency>,
}

impl Account {
    /// An Alibaba account with no regions yet.
    pub fn alibaba(access_key: &str, secret: &str) -> Account {
        Account::empty(AccountKind::Alibaba, access_key, secret)
    }

    /// A Huawei Cloud or OTC account with no projects yet.
    pub fn huawei(access_key: &str, secret: &str) -> Account {
        Account::empty(AccountKind::Huawei, access_key, secret)
    }

    fn empty(kind: AccountKind, access_key: &str, secret: &str) -> Account {
        let domain_id = derived_domain_id(access_key);
        Account {
            kind,
            access_key: access_key.to_string(),
            secret: secret.to_string(),
            security_token: None,
            projects: Vec::new(),
            quotas: Vec::new(),
            ecs_limits: Vec::new(),
            evs_quota_sets: Vec::new(),
            er_paging: ErPaging::default(),
            nat_shape: NatShape::default(),
            ccn: Vec::new(),
            quota_center: Vec::new(),
            account_id: derived_account_id(access_key),
            roles: Vec::new(),
            domain_name: format!("domain-{}", &domain_id[..12]),
            domain_id,
            agencies: Vec::new(),
        }
    }
}

/// A stable 16-digit Alibaba account id for an access key (real ones start with 1 too).
fn derived_account_id(access_key: &str) -> String {
    let digest = Sha256::digest(format!("account:{access_key}").as_bytes());
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&digest[..8]);
    format!("1{:015}", u64::from_be_bytes(eight) % 1_000_000_000_000_000)
}

/// A stable Huawei domain id for an access key: 32 hex digits, as IAM's ids are.
fn derived_domain_id(access_key: &str) -> String {
    let digest = Sha256::digest(format!("domain:{access_key}").as_bytes());
    hex::encode(&digest[..16])
}

/// A RAM role of an Alibaba account, as STS `AssumeRole` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The role name, the last part of `acs:ram::<account_id>:role/<name>`.
    pub name: String,
    /// The account ids the trust policy names (`acs:ram::<id>:root`): any key of those
    /// accounts, long-term or temporary, may assume the role.
    pub trusted_accounts: Vec<String>,
    /// When set, the trust policy requires this `ExternalId`.
    pub external_id: Option<String>,
    /// `MaxSessionDuration` in seconds, the longest `DurationSeconds` allowed. RAM accepts
    /// 3600 to 43200 and defaults to 3600.
    pub max_session_seconds: u64,
}

impl Role {
    /// A role trusting these account ids, without an external id, for at most an hour.
    pub fn new(name: &str, trusted_accounts: &[&str]) -> Role {
        Role {
            name: name.to_string(),
            trusted_accounts: trusted_accounts.iter().map(|id| id.to_string()).collect(),
            external_id: None,
            max_session_seconds: 3600,
        }
    }

    /// Requires `ExternalId` to be this value.
    pub fn with_external_id(mut self, external_id: &str) -> Role {
        self.external_id = Some(external_id.to_string());
        self
    }

    /// Sets `MaxSessionDuration`.
    pub fn with_max_session(mut self, seconds: u64) -> Role {
        self.max_session_seconds = seconds;
        self
    }
}

/// An agency of type "Account" in a Huawei Cloud / OTC account, as IAM's `securitytokens` call
/// with `assume_role` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// `agency_name`.
    pub name: String,
    /// The delegated accounts, each by domain name or domain id. A real agency names one; a
    /// list lets a test trust several.
    pub trusted_domains: Vec<String>,
    /// The longest `duration_seconds` it grants; the API itself allows 900 to 86400.
    pub max_duration_seconds: u64,
}

impl Agency {
    /// An agency trusting these domain names or ids, for the API's full 24 hours.
    pub fn new(name: &str, trusted_domains: &[&str]) -> Agency {
        Agency {
            name: name.to_string(),
            trusted_domains: trusted_domains.iter().map(|d| d.to_string()).collect(),
            max_duration_seconds: 86_400,
        }
    }

    /// Lowers the longest duration granted.
    pub fn with_max_duration(mut self, seconds: u64) -> Agency {
        self.max_duration_seconds = seconds;
        self
    }
}

/// Written by hand so that a `{:?}` in a test failure never prints the secret or the token.
impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("kind", &self.kind)
            .field("access_key", &self.access_key)
            .field("secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("projects", &self.projects)
            .field("quotas", &self.quotas)
            .field("ecs_limits", &self.ecs_limits)
            .field("evs_quota_sets", &self.evs_quota_sets)
            .field("er_paging", &self.er_paging)
            .field("nat_shape", &self.nat_shape)
            .field("ccn", &self.ccn)
            .field("quota_center", &self.quota_center)
            .field("account_id", &self.account_id)
            .field("roles", &self.roles)
            .field("domain_id", &self.domain_id)
            .field("domain_name", &self.domain_name)
            .field("agencies", &self.agencies)
            .finish()
    }
}

/// How `GET /v3/{project_id}/enterprise-router/quotas` pages. The marker is opaque to the
/// client; here it is the number of entries already listed.
///
/// The documented example answers a single page that still carries a `next_marker`, so the
/// default keeps one on the last page too (pointing past the end): a client must stop on an
/// absent or empty marker, a marker equal to the one it sent, or a page without entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErPaging {
    /// Entries per page when the request has no `limit` (or `limit=0`); a larger `limit` is cut
    /// down to it, as a server-side maximum would.
    pub page_size: usize,
    /// What `page_info.next_marker` holds on the last page.
    pub last_page: ErLastPage,
}

impl Default for ErPaging {
    fn default() -> ErPaging {
        ErPaging {
            page_size: 2000,
            last_page: ErLastPage::PastEnd,
        }
    }
}

/// The end of an Enterprise Router quota listing (see [`ErPaging`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErLastPage {
    /// The marker just past the last entry. Following it gives a page with no entries whose
    /// `next_marker` repeats the marker sent.
    PastEnd,
    /// The marker the request sent (no `next_marker` key when it sent none).
    RepeatMarker,
    /// `"next_marker": ""`.
    EmptyMarker,
    /// No `next_marker` key at all.
    NoMarker,
    /// There is no last page: every answer lists entries and a marker never seen before, so
    /// only a page cap stops the client.
    Endless,
    /// There is no last page: every answer lists entries and the same marker, so a client that
    /// does not compare markers loops.
    SameMarkerForever,
}

/// The two bodies the NAT quota page documents: its table says `quotas` is an array, its
/// example wraps the entries as `{"quotas": {"resources": [...]}}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NatShape {
    /// `{"quotas": {"resources": [...]}}`, the documented example.
    #[default]
    Resources,
    /// `{"quotas": [...]}`, what the response table describes.
    Array,
}

/// The CCN quota of one Alibaba region. `UsedAmount` = `used_extra + networks.len()`, so that a
/// region can look busy without listing every network.
#[derive(Debug, Clone, Default)]
pub struct CcnRegion {
    pub total: u64,
    pub used_extra: u64,
    pub networks: Vec<Network>,
}

/// One Cloud Connect Network, as `DescribeCloudConnectNetworks` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub ccn_id: String,
    pub name: String,
    pub description: String,
    pub cidr_block: String,
    pub snat_cidr_block: String,
    pub is_default: bool,
    pub status: String,
    /// Milliseconds since the Unix epoch, as Alibaba reports `CreateTime`.
    pub create_time: i64,
}

/// A fault to inject. It matches requests to `service`, and, when they are `Some`, only those
/// with that access key and that action (Alibaba's `Action`, or on IAM
/// `CreateTemporaryAccessKeyByAgency` for the agency call). `times: Some(n)` limits it to the
/// first `n` matching requests; `None` means always.
#[derive(Debug, Clone)]
pub struct Fault {
    pub service: Service,
    pub access_key: Option<String>,
    pub action: Option<String>,
    pub times: Option<u32>,
    pub kind: FaultKind,
}

impl Fault {
    /// A fault on every request to `service`.
    pub fn always(service: Service, kind: FaultKind) -> Fault {
        Fault {
            service,
            access_key: None,
            action: None,
            times: None,
            kind,
        }
    }

    /// A fault on the first `times` requests to `service`.
    pub fn times(service: Service, times: u32, kind: FaultKind) -> Fault {
        Fault {
            service,
            access_key: None,
            action: None,
            times: Some(times),
            kind,
        }
    }

    /// Narrows the fault to one access key.
    pub fn for_key(mut self, access_key: &str) -> Fault {
        self.access_key = Some(access_key.to_string());
        self
    }

    /// Narrows the fault to one Alibaba `Action` (`AssumeRole` on STS), or on IAM to the agency
    /// call (`CreateTemporaryAccessKeyByAgency`).
    pub fn for_action(mut self, action: &str) -> Fault {
        self.action = Some(action.to_string());
        self
    }

    fn matches(&self, service: Service, access_key: Option<&str>, action: Option<&str>) -> bool {
        self.service == service
            && self
                .access_key
                .as_deref()
                .is_none_or(|key| Some(key) == access_key)
            && self
                .action
                .as_deref()
                .is_none_or(|wanted| Some(wanted) == action)
    }
}

/// What a matching request gets instead of (or on top of) its normal answer.
///
/// `Latency`, `Drip`, `TruncatedBody` and `ActThenDrop` perform the request normally (a create
/// really creates), because on a real cloud the server acted before the answer went wrong.
/// Every other kind answers without performing the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer normally, after this delay.
    Latency(Duration),
    /// A canned answer. The service's request-id header and a JSON `Content-Type` are added
    /// unless `headers` already has them (compared without case).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// 200 with a body that stops in the middle of the JSON.
    MalformedJson,
    /// The normal answer, but with only half the body sent under the full `Content-Length`,
    /// then the connection is closed.
    TruncatedBody,
    /// 200 with a valid-looking JSON body of exactly this many bytes, streamed in chunks, never
    /// held in memory.
    HugeBody(usize),
    /// The normal answer's headers, then its body one byte per interval.
    Drip(Duration),
    /// Read the request, then close the socket without a byte of answer.
    CloseWithoutAnswer,
    /// 502 with an nginx-style HTML page, as a load balancer in front of the API would send.
    Html502,
    /// 200 with an empty body.
    Empty200,
    /// 302 to the `Elsewhere` listener, same path and query.
    Redirect,
    /// Perform the request (really create the network), then close without answering.
    ActThenDrop,
}

/// One request as the fake cloud received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub service: Service,
    pub method: String,
    /// The path as received, without the query.
    pub path: String,
    /// The URL query, decoded into pairs in the order received (not the form body).
    pub query: Vec<(String, String)>,
    /// Every header as received, in order.
    pub headers: Vec<(String, String)>,
    /// The body, decoded lossily as UTF-8 (Alibaba POSTs may carry a form here).
    pub body: String,
    /// Alibaba `AccessKeyId`, or the `Access=` of a Huawei `Authorization` header.
    pub access_key: Option<String>,
    /// Alibaba `Action`; on Huawei/OTC IAM, `CreateTemporaryAccessKeyByAgency` (the SDK's name)
    /// for the agency `securitytokens` call, so that faults can single it out; `None` otherwise.
    pub action: Option<String>,
    /// The signature matches the one computed with the account's secret. Only the signature:
    /// a stale timestamp or a replayed nonce is refused but still has a valid signature.
    /// Always `false` on the `Elsewhere` trap, which checks nothing.
    pub signature_valid: bool,
    /// When the whole request had arrived, so a test can count requests per sliding second
    /// (Quota Center's rate limit) or check that pages of one query never overlapped.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The first header of that name, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The most requests kept for `FakeHandle::requests`; the oldest are dropped beyond it, so a
/// long benchmark cannot grow the fake without limit.
const MAX_RECORDED: usize = 100_000;

/// The most temporary credentials kept; the oldest are forgotten beyond it (their keys then
/// fail as unknown), so a long benchmark cannot grow the fake without limit.
const MAX_ISSUED: usize = 100_000;

/// Nonces are remembered this long (Alibaba's gateway team quotes a ~31 minute window; the
/// 15 minute timestamp window refuses anything older anyway).
const NONCE_WINDOW: Duration = Duration::from_secs(31 * 60);

/// A fault with its remaining budget.
struct ActiveFault {
    fault: Fault,
    remaining: Option<u32>,
}

/// Everything that changes while the fake runs. Behind one `std::sync::Mutex`, never held
/// across an `.await`.
struct State {
    accounts: Vec<Account>,
    latency: Duration,
    faults: Vec<ActiveFault>,
    requests: std::collections::VecDeque<RecordedRequest>,
    /// `(access key, nonce)` -> when it was first seen.
    nonces: HashMap<(String, String), Instant>,
    /// Access key -> arrival times of its admitted Quota Center calls (the last few seconds).
    quota_center_calls: HashMap<String, Vec<Instant>>,
    /// The calling account's long-term access key -> arrival times of its admitted
    /// `AssumeRole` calls (the last few seconds).
    assume_role_calls: HashMap<String, Vec<Instant>>,
    /// Every temporary credential issued, oldest first.
    issued: std::collections::VecDeque<temporary::Issued>,
}

/// State plus the addresses the handlers need (the redirect target, IAM's own URL).
pub(crate) struct Shared {
    state: Mutex<State>,
    urls: Vec<(Service, String)>,
}

impl Shared {
    /// A poisoned lock only means a handler panicked mid-update; the data is still usable, and
    /// the fake must keep answering rather than panic in turn.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn url(&self, service: Service) -> String {
        self.urls
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, url)| url.clone())
            .unwrap_or_default()
    }

    fn record(&self, request: RecordedRequest) {
        let mut state = self.lock();
        if state.requests.len() >= MAX_RECORDED {
            state.requests.pop_front();
        }
        state.requests.push_back(request);
    }

    /// The base latency and the first matching fault (its budget used up by one).
    fn take_fault(
        &self,
        service: Service,
        access_key: Option<&str>,
        action: Option<&str>,
    ) -> (Duration, Option<FaultKind>) {
        let mut state = self.lock();
        let latency = if service == Service::Elsewhere {
            Duration::ZERO
        } else {
            state.latency
        };
        let found = state.faults.iter_mut().find(|active| {
            active.remaining != Some(0) && active.fault.matches(service, access_key, action)
        });
        let kind = found.map(|active| {
            if let Some(left) = active.remaining.as_mut() {
                *left -= 1;
            }
            active.fault.kind.clone()
        });
        state.faults.retain(|active| active.remaining != Some(0));
        (latency, kind)
    }

    /// Records `(access key, nonce)`; false when it was seen within the window.
    fn use_nonce(state: &mut State, access_key: &str, nonce: &str) -> bool {
        let now = Instant::now();
        // Pruning only when the map is large keeps the common path to one lookup.
        if state.nonces.len() > 50_000 {
            state
                .nonces
                .retain(|_, seen| now.duration_since(*seen) < NONCE_WINDOW);
        }
        let key = (access_key.to_string(), nonce.to_string());
        match state.nonces.get(&key) {
            Some(seen) if now.duration_since(*seen) < NONCE_WINDOW => false,
            _ => {
                state.nonces.insert(key, now);
                true
            }
        }
    }
}

/// A running fake cloud. Cheap to clone; every clone talks to the same listeners. The
/// listeners stop when the last clone is dropped.
#[derive(Clone)]
pub struct FakeHandle {
    inner: Arc<HandleInner>,
}

struct HandleInner {
    shared: Arc<Shared>,
    /// Dropping it closes the channel, which every listener and connection task watches.
    _stop: tokio::sync::watch::Sender<()>,
}

impl fmt::Debug for FakeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeHandle")
            .field("urls", &self.inner.shared.urls)
            .finish()
    }
}

impl FakeCloud {
    /// The built-in demo world (see `world.rs`): `ali-demo`, `hw-demo` and `otc-demo`.
    pub fn demo() -> FakeCloud {
        world::demo()
    }

    /// Binds one listener per service on 127.0.0.1 and spawns their tasks on the current tokio
    /// runtime. Must be called from within a runtime with IO and time enabled.
    pub async fn start(self) -> std::io::Result<FakeHandle> {
        let mut listeners = Vec::new();
        let mut urls = Vec::new();
        for service in Service::ALL {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            urls.push((service, format!("http://{}", listener.local_addr()?)));
            listeners.push((service, listener));
        }
        let faults = self
            .faults
            .into_iter()
            .map(|fault| ActiveFault {
                remaining: fault.times,
                fault,
            })
            .collect();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                accounts: self.accounts,
                latency: self.latency,
                faults,
                requests: Default::default(),
                nonces: HashMap::new(),
                quota_center_calls: HashMap::new(),
                assume_role_calls: HashMap::new(),
                issued: Default::default(),
            }),
            urls,
        });
        let (stop, stopped) = tokio::sync::watch::channel(());
        for (service, listener) in listeners {
            tokio::spawn(server::accept_loop(
                listener,
                service,
                shared.clone(),
                stopped.clone(),
            ));
        }
        Ok(FakeHandle {
            inner: Arc::new(HandleInner {
                shared,
                _stop: stop,
            }),
        })
    }

    /// Runs the fake on its own thread with a current-thread runtime, for tests and benchmarks
    /// that have no runtime of their own (or must not share it). It stops when the last handle
    /// is dropped.
    pub fn spawn(self) -> std::io::Result<FakeHandle> {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("headroom-fake-cloud".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = sender.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match self.start().await {
                        Ok(handle) => {
                            // Keep a receiver only: a handle held here would never be dropped.
                            let mut stopped = handle.inner._stop.subscribe();
                            if sender.send(Ok(handle)).is_ok() {
                                // Err means every sender (every handle) is gone: time to stop.
                                while stopped.changed().await.is_ok() {}
                            }
                        }
                        Err(error) => {
                            let _ = sender.send(Err(error));
                        }
                    }
                });
                // Dropping the runtime here cancels every connection task still running.
            })?;
        receiver.recv().unwrap_or_else(|_| {
            Err(std::io::Error::other(
                "the fake cloud thread ended before it started",
            ))
        })
    }
}

impl FakeHandle {
    /// The base URL of a service's listener, `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn url(&self, service: Service) -> String {
        self.inner.shared.url(service)
    }

    /// Every request received so far (up to the last 100 000), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.shared.lock().requests.iter().cloned().collect()
    }

    /// The most requests to `service` with `access_key` that arrived within any one second
    /// (a sliding window, not clock seconds), among the recorded ones: what a test compares
    /// with a client's promised pacing.
    pub fn busiest_second(&self, service: Service, access_key: &str) -> usize {
        busiest(
            self.arrivals(|r| r.service == service && r.access_key.as_deref() == Some(access_key)),
        )
    }

    /// When the recorded requests that `wanted` picks arrived.
    fn arrivals(&self, wanted: impl Fn(&RecordedRequest) -> bool) -> Vec<Instant> {
        self.inner
            .shared
            .lock()
            .requests
            .iter()
            .filter(|r| wanted(r))
            .map(|r| r.received_at)
            .collect()
    }

    /// How many `AssumeRole` (Alibaba) or agency `securitytokens` (Huawei/OTC) calls were signed
    /// with `access_key`, among the recorded ones, refused ones included.
    pub fn assume_calls(&self, access_key: &str) -> usize {
        self.arrivals(|r| is_assume_call(r) && r.access_key.as_deref() == Some(access_key))
            .len()
    }

    /// The most of those calls within any one second (sliding, as [`Self::busiest_second`]):
    /// what a test compares with a client's promised assume pacing.
    pub fn busiest_assume_second(&self, access_key: &str) -> usize {
        busiest(self.arrivals(|r| is_assume_call(r) && r.access_key.as_deref() == Some(access_key)))
    }

    /// Every temporary credential issued so far, oldest first, without its secret or token.
    pub fn issued_credentials(&self) -> Vec<IssuedCredential> {
        self.inner
            .shared
            .lock()
            .issued
            .iter()
            .map(temporary::Issued::public)
            .collect()
    }

    /// The secret key and the token of every temporary credential issued so far, for tests
    /// that check they never show anywhere.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.inner
            .shared
            .lock()
            .issued
            .iter()
            .flat_map(|issued| [issued.secret.clone(), issued.token.clone()])
            .collect()
    }

    /// Makes every temporary credential issued so far expire now: a request with one is
    /// refused as expired from then on.
    pub fn expire_credentials(&self) {
        let now = jiff::Timestamp::now();
        for issued in &mut self.inner.shared.lock().issued {
            issued.expires_at = issued.expires_at.min(now);
        }
    }

    /// Makes one temporary credential expire now; false when no such key was issued.
    pub fn expire_credential(&self, access_key: &str) -> bool {
        let now = jiff::Timestamp::now();
        let mut state = self.inner.shared.lock();
        match state.issued.iter_mut().find(|i| i.access_key == access_key) {
            Some(issued) => {
                issued.expires_at = issued.expires_at.min(now);
                true
            }
            None => false,
        }
    }

    /// Forgets the recorded requests, so a test can look at one phase only.
    pub fn clear_requests(&self) {
        self.inner.shared.lock().requests.clear();
    }

    /// Adds a fault after the existing ones (the first match wins).
    pub fn add_fault(&self, fault: Fault) {
        let active = ActiveFault {
            remaining: fault.times,
            fault,
        };
        self.inner.shared.lock().faults.push(active);
    }

    /// Removes every fault, including the permanent ones of the demo world.
    pub fn clear_faults(&self) {
        self.inner.shared.lock().faults.clear();
    }

    /// Replaces the base latency added before every answer.
    pub fn set_latency(&self, latency: Duration) {
        self.inner.shared.lock().latency = latency;
    }

    /// The Cloud Connect Networks an Alibaba account has in a region now (empty when unknown).
    pub fn networks(&self, access_key: &str, region: &str) -> Vec<Network> {
        let state = self.inner.shared.lock();
        state
            .accounts
            .iter()
            .filter(|account| account.access_key == access_key)
            .flat_map(|account| account.ccn.iter())
            .filter(|(name, _)| name == region)
            .flat_map(|(_, ccn)| ccn.networks.iter().cloned())
            .collect()
    }

    /// Sets an Alibaba region's CCN quota (`TotalAmount`); false when there is no such region.
    pub fn set_ccn_total(&self, access_key: &str, region: &str, total: u64) -> bool {
        let mut state = self.inner.shared.lock();
        let slot = state
            .accounts
            .iter_mut()
            .filter(|account| account.access_key == access_key)
            .flat_map(|account| account.ccn.iter_mut())
            .find(|(name, _)| name == region);
        match slot {
            Some((_, ccn)) => {
                ccn.total = total;
                true
            }
            None => false,
        }
    }
}

/// One temporary credential the fake issued, as a test sees it (no secret, no token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredential {
    pub kind: AccountKind,
    /// The temporary access key id (`STS.` + 29 characters on Alibaba, 20 on Huawei/OTC).
    pub access_key: String,
    /// The long-term access key of the account it acts as: the role's or agency's account.
    pub target_access_key: String,
    /// The access key that signed the call that issued it (itself temporary in a chain).
    pub caller_access_key: String,
    /// What was assumed: the role ARN as sent, or `domain/agency` as sent.
    pub assumed: String,
    /// When it stops working (moved to the past by the expire hooks).
    pub expires_at: jiff::Timestamp,
}

/// Whether a recorded request is an `AssumeRole` or agency `securitytokens` call.
fn is_assume_call(request: &RecordedRequest) -> bool {
    match request.service {
        Service::Sts => request.action.as_deref() == Some(sts::ACTION),
        Service::Iam => request.action.as_deref() == Some(agency::ACTION),
        _ => false,
    }
}

/// The most of these arrival times within any one sliding second.
fn busiest(mut times: Vec<Instant>) -> usize {
    times.sort();
    // Two pointers over the sorted times: the window starting at each request.
    let mut best = 0;
    let mut end = 0;
    for (start, first) in times.iter().enumerate() {
        while end < times.len() && times[end].duration_since(*first) < Duration::from_secs(1) {
            end += 1;
        }
        best = best.max(end - start);
    }
    best
}

/// A headroom config file (the format of `config.example.yaml`) for the demo accounts, every
/// endpoint pointing at `handle`.
pub fn demo_config_yaml(handle: &FakeHandle) -> String {
    world::demo_config_yaml(handle)
}

/// What the listener learns about a request before it decides how to answer: enough to record
/// it and to match faults.
pub(crate) struct Inspection {
    access_key: Option<String>,
    action: Option<String>,
    signature_valid: bool,
}

/// A fresh request id: 32 lower-case hex digits, the form Huawei's gateway uses.
fn hex_request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
