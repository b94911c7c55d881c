//! A simulated Alibaba Cloud (Smart Access Gateway, Quota Center) and Huawei Cloud / Open
//! Telekom Cloud (VPC, VPN v5, VPCEP, ECS, EVS, ELB, Enterprise Router, NAT, IAM) on 127.0.0.1.
//!
//! It serves `headroom demo` (a cloud to look at without an account), the integration tests
//! (which run the real binary against it) and the benchmark. Like the real clouds it checks the
//! signature of every request with the project's own signers (`crate::sign`), and it answers
//! with the real APIs' bodies, error shapes and request-id headers. Faults (throttling, broken
//! bodies, dropped connections, redirects, slowness) can be injected per service, access key
//! and action, because exercising those paths against a real cloud is impossible.
//!
//! Each service gets its own listener on `127.0.0.1:0`, speaking HTTP/1.1 over real sockets
//! through a small hand-written server (`server.rs`): a library server would hide exactly the
//! wire-level misbehaviour the faults need (a short body, a byte-by-byte drip, a silent close).

mod alibaba;
mod huawei;
mod huawei_sources;
mod quota_center;
mod server;
mod world;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use world::{
    DEMO_ALIBABA_ACCESS_KEY, DEMO_HUAWEI_ACCESS_KEY, DEMO_HUAWEI_PROJECT_ID, DEMO_OTC_ACCESS_KEY,
    DEMO_OTC_PROJECT_ID,
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
    /// Huawei Cloud / OTC IAM (`/v3/projects?name=REGION`).
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
    /// A trap: answers `200 {}` to anything and checks nothing. The `Redirect` fault points here,
    /// so a test can assert that no credentials ever followed a redirect.
    Elsewhere,
}

impl Service {
    /// Every service, in the order the listeners are started.
    pub const ALL: [Service; 12] = [
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
            Service::Elsewhere => "elsewhere",
        }
    }

    /// The header that carries the request id in this service's answers.
    fn request_id_header(self) -> &'static str {
        match self {
            Service::Smartag | Service::Quotas => "x-acs-request-id",
            _ => "X-Request-Id",
        }
    }

    /// Alibaba's RPC services, which sign with V1 in the query; the others sign the Huawei way.
    fn is_alibaba(self) -> bool {
        matches!(self, Service::Smartag | Service::Quotas)
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
        }
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
/// with that access key and (Alibaba) that `Action`. `times: Some(n)` limits it to the first `n`
/// matching requests; `None` means always.
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

    /// Narrows the fault to one Alibaba `Action`.
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
    /// Alibaba `Action`; `None` for the other services.
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
        let mut times: Vec<Instant> = self
            .inner
            .shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.service == service && r.access_key.as_deref() == Some(access_key))
            .map(|r| r.received_at)
            .collect();
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
