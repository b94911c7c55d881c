//! Queries: from (profile, region, service) targets to parsed quotas or a failure, run all at
//! once under one concurrency limit, each attempt signed afresh and bounded by the timeout,
//! reads retried with backoff and jitter on exactly the retryable errors.
//! Nothing here prints (beyond `-v` logs) or decides a status.

pub mod alibaba;
pub mod assume;
pub mod errors;
pub mod huawei;
pub mod pacing;
pub mod smartag;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tokio::sync::{OnceCell, Semaphore};

use crate::config::{AssumeTarget, Config, Credentials, Profile, validate_project_id};
use crate::http::{self, Exchange};
use crate::log::log;
use crate::quota::{Amount, ErrorKind};
use crate::secret::Secret;
use crate::sources::{self, Call, Pacing, Protocol, Query, Source};
pub use errors::Failure;
use pacing::Pacer;

/// Longest wait a `Retry-After` header can impose on one retry.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(10);
/// First backoff step; it doubles each retry, with jitter, up to `BACKOFF_CAP`.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// Most pages one query may take: a source that never stops paging is a broken answer.
const MAX_PAGES: usize = 50;

/// One quota entry as the API gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedQuota {
    pub resource: String,
    pub used: Amount,
    /// `None`: unlimited (`-1`).
    pub limit: Option<Amount>,
    pub min: Option<i64>,
    /// The provider's display name, where it gives one.
    pub name: Option<String>,
    /// The quota belongs to the account, not the region (one row, region `global`).
    pub global: bool,
}

impl ParsedQuota {
    /// A quota of whole numbers, `limit` `-1` meaning unlimited.
    pub fn new(
        resource: &str,
        used: i64,
        limit: i64,
        min: Option<i64>,
    ) -> Result<ParsedQuota, String> {
        let used = u64::try_from(used).map_err(|_| format!("field `used` is negative ({used})"))?;
        let limit = match limit {
            -1 => None,
            n => Some(
                u64::try_from(n)
                    .map_err(|_| format!("the limit is negative ({n}) and not -1 (unlimited)"))?,
            ),
        };
        Ok(ParsedQuota {
            resource: resource.to_string(),
            used: Amount::from(used),
            limit: limit.map(Amount::from),
            min,
            name: None,
            global: false,
        })
    }

    /// A quota whose numbers may be fractional; any negative limit means unlimited.
    pub fn fractional(resource: &str, used: f64, limit: f64) -> Result<ParsedQuota, String> {
        let used = Amount::new(used).ok_or_else(|| format!("the usage is negative ({used})"))?;
        let limit = if limit < 0.0 {
            None
        } else {
            Some(Amount::new(limit).ok_or_else(|| format!("the limit is not a number ({limit})"))?)
        };
        Ok(ParsedQuota {
            resource: resource.to_string(),
            used,
            limit,
            min: None,
            name: None,
            global: false,
        })
    }
}

/// A number given as a JSON number (whole or not) or a numeric string (`"5000.5"`).
pub fn decimal_field(object: &Map<String, Value>, field: &str) -> Result<f64, String> {
    let value = object
        .get(field)
        .ok_or_else(|| format!("field `{field}` is missing"))?;
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite());
    parsed.ok_or_else(|| {
        let shown = errors::sanitize(&value.to_string(), 40);
        format!("field `{field}` is not a number: {shown}")
    })
}

/// A whole number given as a JSON number or a numeric string (`"4"`), as the SDKs accept.
pub fn number_field(object: &Map<String, Value>, field: &str) -> Result<i64, String> {
    let value = object
        .get(field)
        .ok_or_else(|| format!("field `{field}` is missing"))?;
    let parsed = match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        let shown = errors::sanitize(&value.to_string(), 40);
        format!("field `{field}` is not a number: {shown}")
    })
}

pub fn text_field(object: &Map<String, Value>, field: &str) -> Option<String> {
    match object.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One (profile, region, service) query.
#[derive(Debug, Clone)]
pub struct Target {
    pub profile: Arc<Profile>,
    pub region: String,
    /// The service name as the user knows it (for Alibaba Quota Center, the product code).
    pub service: String,
    /// The API that answers it.
    pub source: Source,
}

/// What one target gave.
#[derive(Debug)]
pub struct Answer {
    pub target: Target,
    pub outcome: Result<Vec<ParsedQuota>, Failure>,
    pub duration: Duration,
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub timeout: Duration,
    pub retries: u32,
    pub concurrency: usize,
}

type ProjectCell = Arc<OnceCell<Result<String, Failure>>>;
type CredentialsCell = Arc<OnceCell<Result<Arc<Credentials>, Failure>>>;

/// Runs queries: the shared HTTP client, the concurrency limit and the project-id cache.
pub struct Engine {
    client: reqwest::Client,
    permits: Semaphore,
    settings: Settings,
    /// One IAM lookup per (profile, region), shared by that region's services.
    project_ids: Mutex<HashMap<(String, String), ProjectCell>>,
    /// Every secret of the config and every temporary one obtained since, redacted from
    /// whatever a provider answers (some echo them).
    secrets: Mutex<Vec<Secret>>,
    /// Every profile of the config by name: the sources of assumed profiles.
    profiles: HashMap<String, Arc<Profile>>,
    /// Each profile's credentials, its own or assumed once per run and shared by its queries.
    credentials: Mutex<HashMap<String, CredentialsCell>>,
    /// One pacer per (endpoint key, access key id) for the sources with a rate limit.
    pacers: Mutex<HashMap<(&'static str, String), Arc<Pacer>>>,
}

impl Engine {
    /// An engine for `config`'s profiles: their secrets are never shown, even when a provider
    /// quotes them, and assumed profiles find their sources among them.
    pub fn new(settings: Settings, config: &Config) -> Result<Arc<Engine>, String> {
        Ok(Arc::new(Engine {
            client: http::client(settings.concurrency.min(256))?,
            permits: Semaphore::new(settings.concurrency),
            settings,
            project_ids: Mutex::new(HashMap::new()),
            secrets: Mutex::new(config.secrets()),
            profiles: config
                .profiles
                .iter()
                .map(|p| (p.name.clone(), Arc::new(p.clone())))
                .collect(),
            credentials: Mutex::new(HashMap::new()),
            pacers: Mutex::new(HashMap::new()),
        }))
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Queries every target at once; answers come back in the order of `targets`. `done` counts
    /// the answers as they arrive (for the progress line).
    pub async fn query_all(
        self: &Arc<Self>,
        targets: Vec<Target>,
        done: &AtomicUsize,
    ) -> Vec<Answer> {
        let mut tasks = tokio::task::JoinSet::new();
        for (index, target) in targets.into_iter().enumerate() {
            let engine = Arc::clone(self);
            tasks.spawn(async move { (index, engine.query(target).await) });
        }
        collect_in_order(tasks, done).await
    }

    /// [`Engine::query_all`] with a deadline: a query still running then is abandoned and
    /// answers as failed with kind `timeout`, so that the caller (an exporter's probe, bound by
    /// its scraper's timeout) has every answer in time. A query not yet started when the
    /// deadline has passed is not sent at all.
    pub async fn query_all_until(
        self: &Arc<Self>,
        targets: Vec<Target>,
        done: &AtomicUsize,
        deadline: tokio::time::Instant,
    ) -> Vec<Answer> {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (index, target) in targets.into_iter().enumerate() {
            let engine = Arc::clone(self);
            tasks.spawn(async move {
                let late = target.clone();
                let answer = if tokio::time::Instant::now() >= deadline {
                    None
                } else {
                    tokio::time::timeout_at(deadline, engine.query(target))
                        .await
                        .ok()
                };
                (
                    index,
                    answer.unwrap_or_else(|| past_deadline(late, started)),
                )
            });
        }
        collect_in_order(tasks, done).await
    }

    async fn query(&self, target: Target) -> Answer {
        let started = Instant::now();
        let label = format!(
            "{} {} {}",
            target.profile.name, target.region, target.service
        );
        log(1, || format!("{label}: querying"));
        let outcome = self.fetch(&target).await;
        let duration = started.elapsed();
        match &outcome {
            Ok(rows) => log(1, || {
                format!(
                    "{label}: {} quotas in {} ms",
                    rows.len(),
                    duration.as_millis()
                )
            }),
            Err(f) => log(1, || {
                format!(
                    "{label}: failed ({}) in {} ms: {}",
                    f.kind,
                    duration.as_millis(),
                    f.message
                )
            }),
        }
        Answer {
            target,
            outcome,
            duration,
        }
    }

    /// One query: every page of its source's answer, each page after the previous one.
    async fn fetch(&self, target: &Target) -> Result<Vec<ParsedQuota>, Failure> {
        let profile = &target.profile;
        let credentials = &*self.credentials_for(profile).await?;
        let description = target.source.describe();
        let default = sources::default_endpoint(target.source, profile.provider, &target.region);
        let endpoint = endpoint(profile, description.endpoint_key, &default)?;
        let project_id = match description.protocol {
            Protocol::HuaweiProject => self.project_id(target).await?,
            Protocol::AlibabaRpc { .. } => String::new(),
        };
        let query = Query {
            region: &target.region,
            service: &target.service,
            project_id: &project_id,
        };
        let pacer = description
            .pacing
            .map(|pacing| self.pacer(description.endpoint_key, &credentials.access_key_id, pacing));
        let mut quotas = Vec::new();
        let mut left_out = 0;
        let mut sent: Vec<String> = Vec::new();
        loop {
            let token = sent.last().map(String::as_str);
            let call = (description.request)(&query, token);
            let (body, exchange) = self
                .read_json_paced(&label(target), pacer.as_deref(), |at, nonce| {
                    sign_call(&call, &endpoint, &query, credentials, at, nonce)
                })
                .await
                .map_err(|failure| needs(failure, description.permission))?;
            let page = (description.parse)(&body, token).map_err(|m| unexpected(&exchange, m))?;
            quotas.extend(page.quotas);
            left_out += page.left_out;
            let Some(next) = page.next.filter(|next| !next.is_empty()) else {
                break;
            };
            if sent.contains(&next) {
                return Err(unexpected(
                    &exchange,
                    format!("the page token {next:?} came back a second time"),
                ));
            }
            if sent.len() + 1 >= MAX_PAGES {
                return Err(unexpected(
                    &exchange,
                    format!("the answer runs past {MAX_PAGES} pages"),
                ));
            }
            sent.push(next);
        }
        if left_out > 0 {
            log(1, || {
                format!(
                    "{} {} {}: {left_out} entries without usage left out",
                    profile.name, target.region, target.service
                )
            });
        }
        Ok(quotas)
    }

    /// The credentials of `profile`: its own keys, or temporary ones assumed through its source
    /// (once per run, when first needed, shared by its queries and never by another profile).
    pub fn credentials_for<'a>(
        &'a self,
        profile: &'a Profile,
    ) -> Pin<Box<dyn Future<Output = Result<Arc<Credentials>, Failure>> + Send + 'a>> {
        Box::pin(async move {
            let Some(assume) = &profile.assume else {
                return credentials(profile).map(|c| Arc::new(c.clone()));
            };
            let cell = Arc::clone(
                lock(&self.credentials)
                    .entry(profile.name.clone())
                    .or_default(),
            );
            cell.get_or_init(|| self.assume(profile, assume))
                .await
                .clone()
        })
    }

    /// Asks the source's credentials for `profile`'s temporary ones.
    async fn assume(
        &self,
        profile: &Profile,
        assume: &crate::config::Assume,
    ) -> Result<Arc<Credentials>, Failure> {
        let source = self.profiles.get(&assume.source).ok_or_else(|| {
            Failure::new(
                ErrorKind::Config,
                format!("no profile is named {}", assume.source),
            )
        })?;
        let what = format!("assuming {} from {}", assume.target, source.name);
        let prefix = |mut failure: Failure| {
            failure.message = format!("{what}: {}", failure.message);
            failure
        };
        let source_credentials = self.credentials_for(source).await.map_err(prefix)?;
        let region = profile.regions.first().map_or("", String::as_str);
        let label = format!("{} {what}", profile.name);
        let (credentials, expires) = match &assume.target {
            AssumeTarget::Role { .. } => {
                let url = self.chain_endpoint(profile, "sts", assume::DEFAULT_STS_ENDPOINT)?;
                let pacer = self.pacer("sts", &self.base_key(profile), ASSUME_ROLE_PACING);
                let params = assume::role_params(&assume.target, assume.duration);
                let (body, exchange) = self
                    .read_json_paced(&label, Some(&pacer), |at, nonce| {
                        alibaba::request(
                            reqwest::Method::GET,
                            &url,
                            assume::STS_VERSION,
                            "AssumeRole",
                            region,
                            &source_credentials,
                            &params,
                            at,
                            nonce,
                        )
                    })
                    .await
                    .map_err(|f| needs(f, "sts:AssumeRole"))
                    .map_err(prefix)?;
                assume::parse_role(&body).map_err(|m| prefix(unexpected(&exchange, m)))?
            }
            AssumeTarget::Agency { .. } => {
                let default = sources::huawei_endpoint(profile.provider, "iam", region);
                let url = self.chain_endpoint(profile, "iam", &default)?;
                let body = assume::agency_body(&assume.target, assume.duration);
                // IAM calls signed with keys name the account they belong to.
                let domain: Vec<(String, String)> = signing_domain(source)
                    .map(|id| ("X-Domain-Id".to_string(), id))
                    .into_iter()
                    .collect();
                let (answer, exchange) = self
                    .read_json(&label, |at, _nonce| {
                        huawei::signed_post_json(
                            &url,
                            assume::SECURITY_TOKENS_PATH,
                            &body,
                            &domain,
                            &source_credentials,
                            at,
                        )
                    })
                    .await
                    .map_err(|f| needs(f, "iam:agencies:assume"))
                    .map_err(prefix)?;
                assume::parse_agency(&answer).map_err(|m| prefix(unexpected(&exchange, m)))?
            }
        };
        log(1, || {
            let until = expires.map_or_else(|| "an unknown time".to_string(), |t| t.to_string());
            format!("{}: temporary credentials until {until}", label)
        });
        {
            let mut secrets = lock(&self.secrets);
            secrets.push(credentials.secret.clone());
            secrets.extend(credentials.security_token.clone());
        }
        Ok(Arc::new(credentials))
    }

    /// An endpoint that serves every account (STS, IAM): the profile's own, else the nearest
    /// source's along its chain (a fleet's base profile usually sets it once), else the default.
    fn chain_endpoint(
        &self,
        profile: &Profile,
        key: &str,
        default: &str,
    ) -> Result<reqwest::Url, Failure> {
        match self.chain(profile).find_map(|p| p.endpoints.get(key)) {
            Some(url) => Ok(url.clone()),
            None => endpoint(profile, key, default),
        }
    }

    /// `profile`, then the profile it assumes from, and so on to the one with a long-term
    /// key. The config refuses cycles and long chains; the bound only makes a loop impossible.
    fn chain<'a>(&'a self, profile: &'a Profile) -> impl Iterator<Item = &'a Profile> + 'a {
        std::iter::successors(Some(profile), |current| {
            current
                .assume
                .as_ref()
                .and_then(|a| self.profiles.get(&a.source))
                .map(|source| &**source)
        })
        .take(crate::config::MAX_HOPS + 2)
    }

    /// The long-term access key at the root of `profile`'s chain of sources.
    fn base_key(&self, profile: &Profile) -> String {
        let current = self.chain(profile).last().unwrap_or(profile);
        current
            .credentials
            .as_ref()
            .map(|c| c.access_key_id.clone())
            .unwrap_or_else(|| current.name.clone())
    }

    /// The pacer shared by every query of `access_key_id` to the source at `endpoint_key`.
    fn pacer(&self, endpoint_key: &'static str, access_key_id: &str, pacing: Pacing) -> Arc<Pacer> {
        let mut pacers = self
            .pacers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(
            pacers
                .entry((endpoint_key, access_key_id.to_string()))
                .or_insert_with(|| Arc::new(Pacer::new(pacing))),
        )
    }

    /// The profile's project id for the target's region: from the config, or looked up once
    /// through IAM (`GET /v3/projects?name=REGION`) and shared by the region's services.
    async fn project_id(&self, target: &Target) -> Result<String, Failure> {
        let profile = &target.profile;
        // A configured id belongs to its region; a `--region` override to another region needs
        // that region's project.
        if let Some(id) = profile.project_id(&target.region) {
            return Ok(id.to_string());
        }
        let cell = {
            let mut cache = self
                .project_ids
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(
                cache
                    .entry((profile.name.clone(), target.region.clone()))
                    .or_default(),
            )
        };
        let found = cell
            .get_or_init(|| self.lookup_project_id(target))
            .await
            .clone();
        if found.is_err() {
            // Queries waiting on this lookup share its failure; a later one (an exporter's next
            // probe, with the same engine) asks IAM again rather than failing for good.
            let mut cache = self
                .project_ids
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let key = (profile.name.clone(), target.region.clone());
            if cache
                .get(&key)
                .is_some_and(|cached| Arc::ptr_eq(cached, &cell))
            {
                cache.remove(&key);
            }
        }
        found
    }

    async fn lookup_project_id(&self, target: &Target) -> Result<String, Failure> {
        let profile = &target.profile;
        let credentials = &*self.credentials_for(profile).await?;
        let default = sources::huawei_endpoint(profile.provider, "iam", &target.region);
        // IAM serves every account: an assumed profile uses the one its chain names.
        let endpoint = self.chain_endpoint(profile, "iam", &default)?;
        let query = vec![("name".to_string(), target.region.clone())];
        let outcome = self
            .read_json(&format!("{} (IAM)", label(target)), |at, _nonce| {
                huawei::signed_get(&endpoint, "/v3/projects", &query, None, credentials, at)
            })
            .await;
        let prefix = |mut failure: Failure| {
            failure.message = format!("looking up the project id through IAM: {}", failure.message);
            // Temporary credentials from an agency may not be allowed to list projects.
            if profile.assume.is_some() {
                failure.message.push_str(&format!(
                    "; set `project_ids: {{{}: ...}}` for this profile (a fleet: under \
                     `project_ids`, per account), so that no lookup is needed",
                    target.region
                ));
            }
            failure
        };
        let (body, exchange) = outcome
            .map_err(|failure| needs(failure, IAM_PROJECTS_PERMISSION))
            .map_err(prefix)?;
        let id = huawei::parse_project_id(&body, &target.region).map_err(|m| {
            let mut failure = Failure::new(ErrorKind::Config, m);
            failure.request_id = errors::header_request_id(&exchange);
            failure
        })?;
        // The id goes into a URL path: an answer that is not a project id is refused.
        validate_project_id(&id).map_err(|m| {
            prefix(unexpected(
                &exchange,
                format!("IAM answered a bad project id: {m}"),
            ))
        })?;
        log(1, || {
            format!(
                "{} {}: project id {id} (from IAM)",
                profile.name, target.region
            )
        });
        Ok(id)
    }

    /// One read with retries: `build` makes a freshly signed request for each attempt (a new
    /// clock value and nonce), the answer must be a 2xx JSON document. `label` names the query
    /// in `-v` lines (`profile region service`).
    pub async fn read_json(
        &self,
        label: &str,
        build: impl Fn(jiff::Timestamp, &str) -> reqwest::Request,
    ) -> Result<(Value, Exchange), Failure> {
        self.read_json_paced(label, None, build).await
    }

    /// [`Engine::read_json`], each attempt (retries too) admitted by `pacer` when given.
    async fn read_json_paced(
        &self,
        label: &str,
        pacer: Option<&Pacer>,
        build: impl Fn(jiff::Timestamp, &str) -> reqwest::Request,
    ) -> Result<(Value, Exchange), Failure> {
        let attempts = self.settings.retries + 1;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = {
                // A permit per attempt, not per query: a query waiting out a backoff holds none.
                // A paced request also holds its place in the window until its answer is in.
                let admitted = match pacer {
                    Some(pacer) => pacer
                        .admit(&self.permits)
                        .await
                        .map(|(permit, ticket)| (permit, Some(ticket))),
                    None => self
                        .permits
                        .acquire()
                        .await
                        .ok()
                        .map(|permit| (permit, None)),
                };
                let _admitted =
                    admitted.ok_or_else(|| Failure::new(ErrorKind::Network, "shutting down"))?;
                let nonce = uuid::Uuid::new_v4().to_string();
                let request = build(jiff::Timestamp::now(), &nonce);
                self.attempt_json(request).await
            };
            match result {
                Ok(answer) => return Ok(answer),
                Err(failure) if failure.retryable && attempt < attempts => {
                    let delay = retry_delay(attempt, failure.retry_after);
                    log(2, || {
                        format!(
                            "{label}: attempt {attempt} failed ({}), retrying in {} ms",
                            failure.kind,
                            delay.as_millis()
                        )
                    });
                    tokio::time::sleep(delay).await;
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    /// A request that must not be repeated once the provider may have acted on it (a create).
    /// It is sent again, within the retry budget, only when the provider certainly did not
    /// act: the connection was never made, or the provider answered that it throttled the
    /// call. Any other failure is returned as is; the caller tells a refusal from an unknown
    /// outcome by [`Failure::outcome_known`].
    pub async fn send_once(
        &self,
        label: &str,
        build: impl Fn(jiff::Timestamp, &str) -> reqwest::Request,
    ) -> Result<(Value, Exchange), Failure> {
        let attempts = self.settings.retries + 1;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let nonce = uuid::Uuid::new_v4().to_string();
            let failure = match self
                .attempt_json(build(jiff::Timestamp::now(), &nonce))
                .await
            {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let certainly_not_acted =
                !failure.maybe_delivered || failure.kind == ErrorKind::Throttled;
            if !(certainly_not_acted && attempt < attempts) {
                return Err(failure);
            }
            let delay = retry_delay(attempt, failure.retry_after);
            log(1, || {
                format!(
                    "{label}: attempt {attempt} was not acted on ({}); sending it again in {} ms",
                    failure.kind,
                    delay.as_millis()
                )
            });
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: the answer must be a 2xx JSON document. A failure's message never repeats
    /// the credentials or the signature the request carried, should the provider echo them.
    pub async fn attempt_json(
        &self,
        request: reqwest::Request,
    ) -> Result<(Value, Exchange), Failure> {
        let scrubber = {
            let secrets = lock(&self.secrets);
            errors::Scrubber::for_request(&request, &secrets)
        };
        self.attempt_json_unscrubbed(request)
            .await
            .map_err(|failure| scrubber.apply(failure))
    }

    async fn attempt_json_unscrubbed(
        &self,
        request: reqwest::Request,
    ) -> Result<(Value, Exchange), Failure> {
        let started = Instant::now();
        let method = request.method().clone();
        let shown_url = http::redacted_url(request.url());
        log(3, || {
            format!(
                "{method} {shown_url} [{}]",
                crate::log::redacted_headers(request.headers())
            )
        });
        let result = http::send(&self.client, request, self.settings.timeout).await;
        let elapsed = started.elapsed().as_millis();
        let exchange = match result {
            Ok(exchange) => exchange,
            Err(error) => {
                log(2, || {
                    format!("{method} {shown_url} -> {error:?} after {elapsed} ms")
                });
                return Err(Failure::from_transport(&error, self.settings.timeout));
            }
        };
        log(2, || {
            let id = errors::header_request_id(&exchange).unwrap_or_default();
            format!(
                "{method} {shown_url} -> {} in {elapsed} ms {id}",
                exchange.status
            )
        });
        if !(200..300).contains(&exchange.status) {
            return Err(errors::failure_from_status(&exchange));
        }
        if exchange.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Failure::bad_response(
                &exchange,
                "the answer has an empty body",
            ));
        }
        match serde_json::from_slice::<Value>(&exchange.body) {
            Ok(value) => Ok((value, exchange)),
            Err(e) => {
                let what = if e.is_eof() {
                    "truncated JSON"
                } else {
                    "not JSON"
                };
                let message = format!("the answer is {what}: {}", errors::excerpt(&exchange.body));
                Err(Failure::bad_response(&exchange, message))
            }
        }
    }
}

/// The answer of a query cut off by [`Engine::query_all_until`]'s deadline.
fn past_deadline(target: Target, started: Instant) -> Answer {
    let duration = started.elapsed();
    let message = format!(
        "no answer before the deadline ({} ms after the start)",
        duration.as_millis()
    );
    log(1, || {
        format!(
            "{}: failed (timeout) in {} ms: {message}",
            label(&target),
            duration.as_millis()
        )
    });
    Answer {
        target,
        outcome: Err(Failure::new(ErrorKind::Timeout, message)),
        duration,
    }
}

/// Every task's answer, counted in `done` as it arrives, in the order the tasks were spawned.
async fn collect_in_order(
    mut tasks: tokio::task::JoinSet<(usize, Answer)>,
    done: &AtomicUsize,
) -> Vec<Answer> {
    let mut answers: Vec<(usize, Answer)> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        done.fetch_add(1, Ordering::Relaxed);
        // A task only ends by returning: nothing in a query panics.
        if let Ok(pair) = joined {
            answers.push(pair);
        }
    }
    answers.sort_by_key(|(index, _)| *index);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

/// Alibaba allows 100 `AssumeRole` calls a second per account; headroom keeps to half.
const ASSUME_ROLE_PACING: Pacing = Pacing {
    calls: 50,
    per: Duration::from_secs(1),
};

/// The account id of the keys a profile's IAM calls are signed with: a base profile's
/// `domain_id`, or the account of the agency it assumed.
fn signing_domain(profile: &Profile) -> Option<String> {
    match profile.assume.as_ref().map(|a| &a.target) {
        Some(AssumeTarget::Agency { domain_id, .. }) => domain_id.clone(),
        Some(AssumeTarget::Role { .. }) => None,
        None => profile.domain_id.clone(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The IAM action that lists a Huawei Cloud / OTC account's projects (to find a region's id).
pub const IAM_PROJECTS_PERMISSION: &str = "iam:projects:listProjects";

/// A `permission` failure says which action to grant.
fn needs(mut failure: Failure, action: &str) -> Failure {
    if failure.kind == ErrorKind::Permission {
        failure.message = format!(
            "{}; grant {action} (`headroom policy` prints the whole policy)",
            failure.message
        );
    }
    failure
}

/// `profile region service`, how `-v` lines name a query.
fn label(target: &Target) -> String {
    format!(
        "{} {} {}",
        target.profile.name, target.region, target.service
    )
}

/// A freshly signed request for one call: Alibaba RPC with signature V1, or a Huawei/OTC GET
/// with SDK-HMAC-SHA256 (project-scoped when the query has a project).
fn sign_call(
    call: &Call,
    endpoint: &reqwest::Url,
    query: &Query<'_>,
    credentials: &crate::config::Credentials,
    at: jiff::Timestamp,
    nonce: &str,
) -> reqwest::Request {
    match call {
        Call::Rpc {
            version,
            action,
            params,
        } => alibaba::request(
            reqwest::Method::GET,
            endpoint,
            version,
            action,
            query.region,
            credentials,
            params,
            at,
            nonce,
        ),
        Call::Get { path, query: pairs } => {
            let project = (!query.project_id.is_empty()).then_some(query.project_id);
            huawei::signed_get(endpoint, path, pairs, project, credentials, at)
        }
    }
}

/// Exponential backoff with jitter, or the server's `Retry-After` (capped).
pub fn retry_delay(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(RETRY_AFTER_CAP);
    }
    let step = BACKOFF_BASE
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(BACKOFF_CAP);
    // "Equal jitter": half fixed, half random, so retries of many queries spread out.
    step / 2 + step.mul_f64(fastrand::f64() / 2.0)
}

pub fn credentials(profile: &Profile) -> Result<&crate::config::Credentials, Failure> {
    profile.credentials.as_ref().ok_or_else(|| {
        Failure::new(
            ErrorKind::Config,
            format!("profile {} has no usable credentials", profile.name),
        )
    })
}

/// The profile's override for `service`, or the default (built from a validated region).
pub fn endpoint(profile: &Profile, service: &str, default: &str) -> Result<reqwest::Url, Failure> {
    match profile.endpoints.get(service) {
        Some(url) => Ok(url.clone()),
        None => reqwest::Url::parse(default).map_err(|e| {
            Failure::new(
                ErrorKind::Config,
                format!("bad default endpoint {default}: {e}"),
            )
        }),
    }
}

/// A 2xx answer of the wrong shape: "unexpected response" naming the field.
fn unexpected(exchange: &Exchange, message: String) -> Failure {
    Failure::bad_response(exchange, format!("unexpected response: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_honours_retry_after() {
        for attempt in 1..6 {
            let delay = retry_delay(attempt, None);
            let step = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1))
                .min(BACKOFF_CAP);
            assert!(delay >= step / 2 && delay <= step, "{attempt}: {delay:?}");
        }
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(3600))),
            RETRY_AFTER_CAP
        );
    }

    #[test]
    fn numbers_lenient_but_named() {
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"a":4,"b":"5","c":6.0,"d":"x","e":null,"f":true}"#).unwrap();
        assert_eq!(number_field(&object, "a"), Ok(4));
        assert_eq!(number_field(&object, "b"), Ok(5));
        assert_eq!(number_field(&object, "c"), Ok(6));
        assert!(number_field(&object, "d").unwrap_err().contains("`d`"));
        assert!(number_field(&object, "e").is_err());
        assert!(number_field(&object, "f").is_err());
        assert_eq!(
            number_field(&object, "z").unwrap_err(),
            "field `z` is missing"
        );
    }
}
