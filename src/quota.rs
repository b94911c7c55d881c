//! The row model every output format renders: quota rows with their status, failed queries,
//! and the summary and overall state derived from them. Nothing here knows a provider's API.

use std::fmt;
use std::time::Duration;

use serde::{Serialize, Serializer};

pub use crate::amount::Amount;

/// The cloud a profile talks to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Alibaba,
    Huaweicloud,
    Otc,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Alibaba, Provider::Huaweicloud, Provider::Otc];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Alibaba => "alibaba",
            Provider::Huaweicloud => "huaweicloud",
            Provider::Otc => "otc",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of one quota row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warning,
    Critical,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Critical => "critical",
        }
    }
}

/// The state of a whole run, ordered as Nagios plugins order it: OK < WARNING < UNKNOWN < CRITICAL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Overall {
    Ok,
    Warning,
    Unknown,
    Critical,
}

impl Overall {
    pub fn as_str(self) -> &'static str {
        match self {
            Overall::Ok => "ok",
            Overall::Warning => "warning",
            Overall::Unknown => "unknown",
            Overall::Critical => "critical",
        }
    }
}

impl From<Status> for Overall {
    fn from(status: Status) -> Self {
        match status {
            Status::Ok => Overall::Ok,
            Status::Warning => Overall::Warning,
            Status::Critical => Overall::Critical,
        }
    }
}

/// The thresholds that apply to one quota, after the config's specificity rule and the
/// command line have been applied. Percent thresholds compare `used >= pct% of limit`;
/// absolute ones (`*_left`) compare `left < N`; time ones (`*_days`, opt-in) compare the
/// forecast's days until full `<= N`. The worse result wins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    pub warn: f64,
    pub crit: f64,
    pub warn_left: Option<u64>,
    pub crit_left: Option<u64>,
    pub warn_days: Option<f64>,
    pub crit_days: Option<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warn: 80.0,
            crit: 95.0,
            warn_left: None,
            crit_left: None,
            warn_days: None,
            crit_days: None,
        }
    }
}

impl Thresholds {
    /// The status of `used` against `limit` (`None`: unlimited, always ok).
    pub fn status(&self, used: Amount, limit: Option<Amount>) -> Status {
        let Some(limit) = limit else {
            return Status::Ok;
        };
        if reached(used, limit, self.crit, self.crit_left) {
            Status::Critical
        } else if reached(used, limit, self.warn, self.warn_left) {
            Status::Warning
        } else {
            Status::Ok
        }
    }

    /// The status the forecast alone gives: CRITICAL / WARNING when the quota is full within
    /// `crit_days` / `warn_days`. Without those settings (or without a forecast) always ok, so
    /// the history never changes a status unless asked to.
    pub fn status_by_days(&self, days_to_full: Option<f64>) -> Status {
        let Some(days) = days_to_full else {
            return Status::Ok;
        };
        if self.crit_days.is_some_and(|n| days <= n) {
            Status::Critical
        } else if self.warn_days.is_some_and(|n| days <= n) {
            Status::Warning
        } else {
            Status::Ok
        }
    }

    /// Where WARNING starts for this limit, as an absolute number (what Nagios perfdata
    /// wants): the smallest whole `used` that is WARNING; for a fractional limit, the point
    /// the percentage or the number left reaches first. `None` when no `used` can reach it.
    pub fn warn_used(&self, limit: Amount) -> Option<Amount> {
        threshold_at(limit, self.warn, self.warn_left)
    }

    /// Where CRITICAL starts for this limit (see [`Thresholds::warn_used`]).
    pub fn crit_used(&self, limit: Amount) -> Option<Amount> {
        threshold_at(limit, self.crit, self.crit_left)
    }
}

/// Whether `used` has reached `pct`% of `limit` or left fewer than `left`. Whole numbers are
/// compared exactly in integers; fractional ones (bandwidth) as decimals.
fn reached(used: Amount, limit: Amount, pct: f64, left: Option<u64>) -> bool {
    if let (Some(used), Some(limit)) = (used.whole(), limit.whole()) {
        return threshold_used(limit, pct, left).is_some_and(|at| used >= at);
    }
    let by_pct = pct.is_finite() && pct >= 0.0 && used.value() * 100.0 >= pct * limit.value();
    let by_left = left
        .filter(|&n| n > 0)
        .is_some_and(|n| limit.value() - used.value() < n as f64);
    by_pct || by_left
}

fn threshold_at(limit: Amount, pct: f64, left: Option<u64>) -> Option<Amount> {
    if let Some(limit) = limit.whole() {
        return threshold_used(limit, pct, left).map(Amount::from);
    }
    let by_pct = (pct.is_finite() && pct >= 0.0)
        .then(|| pct * limit.value() / 100.0)
        .and_then(Amount::new);
    let by_left = left
        .filter(|&n| n > 0)
        .and_then(|n| Amount::new((limit.value() - n as f64).max(0.0)));
    match (by_pct, by_left) {
        (Some(a), Some(b)) => Some(if b < a { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// `used >= pct% of limit` starts at ceil(pct * limit / 100); `left < n` starts at
/// `limit - n + 1`. Computed in integers (per mille of a percent) so 80% of 5 is exactly 4.
fn threshold_used(limit: u64, pct: f64, left: Option<u64>) -> Option<u64> {
    let by_pct = if pct.is_finite() && pct >= 0.0 {
        let scaled = (pct * 1000.0).round() as u128; // thousandths of a percent
        let numerator = scaled * u128::from(limit);
        let at = numerator.div_ceil(100_000);
        u64::try_from(at).ok()
    } else {
        None
    };
    let by_left = left
        .filter(|&n| n > 0)
        .map(|n| (limit + 1).saturating_sub(n));
    match (by_pct, by_left) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One quota: what is used against what is allowed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuotaRow {
    pub profile: String,
    pub provider: Provider,
    pub region: String,
    pub service: String,
    pub resource: String,
    /// The provider's display name of the quota, where it gives one (Alibaba Quota Center).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub used: Amount,
    /// `None` means unlimited (the API said `-1`).
    pub limit: Option<Amount>,
    /// Only where the API gives it (Huawei/OTC VPC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(serialize_with = "one_decimal")]
    pub usage_percent: Option<f64>,
    pub left: Option<Amount>,
    pub status: Status,
    #[serde(serialize_with = "whole_if_integral")]
    pub warn: f64,
    #[serde(serialize_with = "whole_if_integral")]
    pub crit: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warn_left: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crit_left: Option<u64>,
    /// Only when a time threshold applies: warning when full within this many days.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "whole_if_integral_opt"
    )]
    pub warn_days: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "whole_if_integral_opt"
    )]
    pub crit_days: Option<f64>,
    /// With `--demand`: what the deployment needs of this quota (the matching entries summed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<u64>,
    /// With `--demand`: how many are missing for the need (0 when it fits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<Amount>,
    /// The usage trend from the local history; `null` without enough of it.
    pub trend: Option<Trend>,
    /// Only when the limit differs from the previous sample of this quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_changed: Option<LimitChange>,
    /// Whether `--changes` shows this row: its status or limit differs from its previous
    /// sample, or it has none. Not part of any document.
    #[serde(skip)]
    pub changed: bool,
}

/// How usage moves, from the least-squares line through the recent samples of one quota.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Trend {
    /// Units a day, the exact slope (rounded to 2 decimals only when shown).
    #[serde(serialize_with = "two_decimals")]
    pub per_day: f64,
    /// Days until `used` reaches the limit at that pace: only with a limit and a rising trend.
    #[serde(serialize_with = "two_decimals_opt")]
    pub days_to_full: Option<f64>,
    #[serde(serialize_with = "rfc3339_opt")]
    pub full_at: Option<jiff::Timestamp>,
    /// How many samples the line was drawn through, and when the first was taken.
    pub samples: u64,
    #[serde(serialize_with = "rfc3339")]
    pub since: jiff::Timestamp,
}

/// A limit that is not what the previous sample of the quota recorded (`None`: unlimited).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LimitChange {
    pub from: Option<Amount>,
    pub to: Option<Amount>,
    /// When the previous sample, the last one with the old limit, was taken.
    #[serde(serialize_with = "rfc3339")]
    pub at: jiff::Timestamp,
}

impl QuotaRow {
    /// Builds a row and derives its percentage, what is left and its status.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        profile: &str,
        provider: Provider,
        region: &str,
        service: &str,
        resource: &str,
        used: Amount,
        limit: Option<Amount>,
        min: Option<i64>,
        thresholds: Thresholds,
    ) -> QuotaRow {
        // A zero limit has nothing left: it is full, not "0% used" (nor infinitely used).
        let usage_percent = limit.map(|limit| {
            if limit.value() == 0.0 {
                100.0
            } else {
                used.value() * 100.0 / limit.value()
            }
        });
        QuotaRow {
            profile: profile.to_string(),
            provider,
            region: region.to_string(),
            service: service.to_string(),
            resource: resource.to_string(),
            name: None,
            used,
            limit,
            min,
            usage_percent,
            left: limit.map(|limit| limit.saturating_sub(used)),
            status: thresholds.status(used, limit),
            warn: thresholds.warn,
            crit: thresholds.crit,
            warn_left: thresholds.warn_left,
            crit_left: thresholds.crit_left,
            warn_days: thresholds.warn_days,
            crit_days: thresholds.crit_days,
            need: None,
            shortfall: None,
            trend: None,
            limit_changed: None,
            changed: true,
        }
    }

    /// Adds the trend, and the status its forecast gives when time thresholds are set (the
    /// worse status wins).
    pub fn set_trend(&mut self, trend: Option<Trend>) {
        self.trend = trend;
        let by_days = self
            .thresholds()
            .status_by_days(trend.and_then(|t| t.days_to_full));
        self.status = self.status.max(by_days);
    }

    /// Days until full, when the history gives a forecast.
    pub fn days_to_full(&self) -> Option<f64> {
        self.trend.and_then(|t| t.days_to_full)
    }

    /// The thresholds this row was judged by.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            warn: self.warn,
            crit: self.crit,
            warn_left: self.warn_left,
            crit_left: self.crit_left,
            warn_days: self.warn_days,
            crit_days: self.crit_days,
        }
    }

    /// `profile/region/service/resource`, the row's name in Nagios perfdata and logs.
    pub fn label(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.profile, self.region, self.service, self.resource
        )
    }
}

/// Why a query failed: `errors[].kind` of the JSON document, the `[kind]` of an error line.
/// Monitoring and scripts match on these names, so they never change
/// (docs/exit-codes-and-errors.md says what each covers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Auth,
    Permission,
    Throttled,
    NotFound,
    BadRequest,
    Server,
    Timeout,
    Network,
    BadResponse,
    Config,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Auth => "auth",
            ErrorKind::Permission => "permission",
            ErrorKind::Throttled => "throttled",
            ErrorKind::NotFound => "not_found",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Server => "server",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::BadResponse => "bad_response",
            ErrorKind::Config => "config",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One query that produced no rows. Never holds a secret: messages come from the provider's
/// error body or from headroom's own wording.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueryError {
    pub profile: String,
    pub provider: Provider,
    pub region: String,
    pub service: String,
    pub kind: ErrorKind,
    pub http_status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

/// One (profile, region, service) query as it ran, for `headroom_query_success` and
/// `headroom_query_duration_seconds`.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryRecord {
    pub profile: String,
    pub provider: Provider,
    pub region: String,
    pub service: String,
    pub success: bool,
    pub duration: Duration,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub failed_queries: usize,
}

/// Everything one `check` run learned, ready for any renderer.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Report {
    pub generated_at: jiff::Timestamp,
    pub rows: Vec<QuotaRow>,
    pub errors: Vec<QueryError>,
    pub queries: Vec<QueryRecord>,
    /// Selections that matched nothing (`--resource vpn_gatway`): a check that watches nothing
    /// cannot say OK, so each makes the run UNKNOWN. One sentence each.
    pub unmatched: Vec<String>,
    /// With `--demand`: whether the deployment fits.
    pub demand: Option<crate::demand::DemandSummary>,
    /// With `--changes`, `rows` holds only what changed, while the summary, the status and
    /// the exit code still describe every row of the run: these are that run's.
    pub whole_run: Option<WholeRun>,
}

/// What the summary and the overall state are computed from when `rows` shows only part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WholeRun {
    pub summary: Summary,
    pub rows_state: Overall,
    /// Rows full within [`FULL_SOON_DAYS`].
    pub full_soon: usize,
}

/// The summary line counts the quotas full within this many days.
pub const FULL_SOON_DAYS: f64 = 14.0;

impl Report {
    /// The summary, the state and the "full soon" count of the rows, for [`Report::whole_run`].
    pub fn whole_run_of(rows: &[QuotaRow]) -> WholeRun {
        let report = Report {
            rows: rows.to_vec(),
            ..Report::default()
        };
        WholeRun {
            summary: report.summary(),
            rows_state: report.rows_state(),
            full_soon: report.full_soon(),
        }
    }

    /// Rows that the forecast says are full within [`FULL_SOON_DAYS`].
    pub fn full_soon(&self) -> usize {
        if let Some(whole) = &self.whole_run {
            return whole.full_soon;
        }
        self.rows
            .iter()
            .filter(|row| row.days_to_full().is_some_and(|d| d <= FULL_SOON_DAYS))
            .count()
    }

    fn rows_state(&self) -> Overall {
        if let Some(whole) = &self.whole_run {
            return whole.rows_state;
        }
        self.rows
            .iter()
            .map(|row| Overall::from(row.status))
            .max()
            .unwrap_or(Overall::Ok)
    }

    pub fn summary(&self) -> Summary {
        if let Some(whole) = &self.whole_run {
            let mut summary = whole.summary;
            summary.failed_queries = self.errors.len();
            return summary;
        }
        let mut summary = Summary {
            total: self.rows.len(),
            failed_queries: self.errors.len(),
            ..Summary::default()
        };
        for row in &self.rows {
            match row.status {
                Status::Ok => summary.ok += 1,
                Status::Warning => summary.warning += 1,
                Status::Critical => summary.critical += 1,
            }
        }
        summary
    }

    /// The worst state: a critical quota beats a failed query, which beats a warning.
    pub fn overall(&self) -> Overall {
        let rows = self.rows_state();
        let errors = if self.errors.is_empty() && self.unmatched.is_empty() {
            Overall::Ok
        } else {
            Overall::Unknown
        };
        rows.max(errors)
    }
}

fn one_decimal<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_f64((v * 10.0).round() / 10.0),
        None => serializer.serialize_none(),
    }
}

fn whole_if_integral_opt<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => whole_if_integral(v, serializer),
        None => serializer.serialize_none(),
    }
}

/// At most two decimals, as the history's numbers are shown (`1.25`, `12.4`, `3`).
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn two_decimals<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    whole_if_integral(&round2(*value), serializer)
}

fn two_decimals_opt<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => two_decimals(v, serializer),
        None => serializer.serialize_none(),
    }
}

/// RFC 3339, UTC, whole seconds, like `generated_at`.
pub fn rfc3339_string(at: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(at.as_second())
        .unwrap_or(at)
        .to_string()
}

fn rfc3339<S: Serializer>(value: &jiff::Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339_string(*value))
}

fn rfc3339_opt<S: Serializer>(
    value: &Option<jiff::Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => rfc3339(v, serializer),
        None => serializer.serialize_none(),
    }
}

fn whole_if_integral<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(warn: f64, crit: f64) -> Thresholds {
        Thresholds {
            warn,
            crit,
            ..Thresholds::default()
        }
    }

    #[test]
    fn exactly_at_the_thresholds() {
        let t = pct(80.0, 95.0);
        assert_eq!(
            t.status(Amount::from(79u64), Some(Amount::from(100u64))),
            Status::Ok
        );
        assert_eq!(
            t.status(Amount::from(80u64), Some(Amount::from(100u64))),
            Status::Warning
        );
        assert_eq!(
            t.status(Amount::from(94u64), Some(Amount::from(100u64))),
            Status::Warning
        );
        assert_eq!(
            t.status(Amount::from(95u64), Some(Amount::from(100u64))),
            Status::Critical
        );
        assert_eq!(
            t.status(Amount::from(4u64), Some(Amount::from(5u64))),
            Status::Warning
        ); // 80% of 5 is exactly 4
        assert_eq!(
            t.status(Amount::from(3u64), Some(Amount::from(5u64))),
            Status::Ok
        );
        assert_eq!(
            t.status(Amount::from(5u64), Some(Amount::from(5u64))),
            Status::Critical
        );
    }

    #[test]
    fn unlimited_is_always_ok() {
        assert_eq!(
            pct(0.0, 0.0).status(Amount::from(1_000_000u64), None),
            Status::Ok
        );
    }

    #[test]
    fn absolute_thresholds_count_what_is_left() {
        let t = Thresholds {
            warn: 100.0,
            crit: 100.0,
            warn_left: Some(2),
            crit_left: Some(1),
            ..Thresholds::default()
        };
        assert_eq!(
            t.status(Amount::from(7u64), Some(Amount::from(10u64))),
            Status::Ok
        ); // 3 left
        assert_eq!(
            t.status(Amount::from(9u64), Some(Amount::from(10u64))),
            Status::Warning
        ); // 1 left: fewer than 2
        assert_eq!(
            t.status(Amount::from(10u64), Some(Amount::from(10u64))),
            Status::Critical
        ); // 0 left: fewer than 1
        assert_eq!(t.warn_used(Amount::from(10u64)), Some(Amount::from(9u64)));
        assert_eq!(t.crit_used(Amount::from(10u64)), Some(Amount::from(10u64)));
    }

    #[test]
    fn the_worse_of_percent_and_absolute_wins() {
        let t = Thresholds {
            warn: 50.0,
            crit: 99.0,
            warn_left: None,
            crit_left: Some(5),
            ..Thresholds::default()
        };
        assert_eq!(
            t.status(Amount::from(6u64), Some(Amount::from(10u64))),
            Status::Critical
        ); // 4 left < 5
        assert_eq!(
            t.status(Amount::from(5u64), Some(Amount::from(10u64))),
            Status::Warning
        );
    }

    #[test]
    fn zero_limit_is_full() {
        let row = QuotaRow::new(
            "p",
            Provider::Otc,
            "eu-de",
            "vpc",
            "vpc",
            Amount::from(0u64),
            Some(Amount::from(0u64)),
            None,
            Thresholds::default(),
        );
        assert_eq!(row.status, Status::Critical);
        assert_eq!(row.left, Some(Amount::from(0u64)));
        assert_eq!(row.usage_percent, Some(100.0));
    }

    #[test]
    fn fractional_amounts_are_judged_as_decimals() {
        let a = |v: f64| Amount::new(v).unwrap();
        let t = pct(80.0, 95.0);
        assert_eq!(t.status(a(1200.25), Some(a(5000.5))), Status::Ok);
        assert_eq!(t.status(a(4100.0), Some(a(5000.5))), Status::Warning);
        assert_eq!(t.status(a(4800.0), Some(a(5000.5))), Status::Critical);
        assert_eq!(t.warn_used(a(5000.5)), Some(a(4000.4)));
        let left = Thresholds {
            crit_left: Some(1),
            ..pct(100.0, 100.0)
        };
        assert_eq!(left.status(a(10.0), Some(a(10.5))), Status::Critical);
        assert_eq!(left.status(a(9.0), Some(a(10.5))), Status::Ok);
        let row = QuotaRow::new(
            "p",
            Provider::Alibaba,
            "cn-shanghai",
            "cbwp",
            "cbwp_quota_bandwidth_total",
            a(1200.25),
            Some(a(5000.5)),
            None,
            t,
        );
        assert_eq!(row.left, Some(a(3800.25)));
        assert_eq!(
            serde_json::to_value(&row).unwrap()["used"],
            serde_json::json!(1200.25)
        );
    }

    #[test]
    fn overall_order_is_nagios_order() {
        assert!(Overall::Ok < Overall::Warning);
        assert!(Overall::Warning < Overall::Unknown);
        assert!(Overall::Unknown < Overall::Critical);
    }
}
