//! Output renderers: one per `-o` format, each turning a finished [`Report`] into bytes.
//!
//! Renderers never fetch, never decide what to show (rows arrive filtered and sorted) and never
//! touch stdout themselves: they write to the `Write` they are given, so `--output-file` and the
//! tests see exactly what a terminal would. Nothing here knows a provider's API.

pub mod create;
mod csv;
pub mod history;
mod json;
mod nagios;
mod prometheus;
mod table;
mod yaml;

use std::fmt::Write as _;
use std::io;

use crate::quota::{QueryError, Report};

/// The `-o/--output` formats of `check`; docs/output.md is the contract of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
    Csv,
    Prometheus,
    Nagios,
}

/// What only the table needs to know about the terminal; the other formats ignore it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the STATUS column.
    pub color: bool,
    /// Terminal width in columns; `None` means no limit (a pipe or a file).
    pub width: Option<u16>,
}

/// Writes `report` in `format`. The whole document is built first and written with one
/// `write_all`, so an I/O error (a closed pipe) comes back unchanged for the caller to judge,
/// and a failed write never leaves half a line of a renderer's making.
pub fn render(
    format: Format,
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let text = match format {
        Format::Table => {
            let mut text = table::render(report, options);
            if let Some(summary) = &report.demand {
                text.push_str(&crate::demand::sentence(&report.rows, summary));
                text.push('\n');
            }
            text
        }
        Format::Json => json::render(report)?,
        Format::Yaml => yaml::render(report)?,
        Format::Csv => csv::render(report),
        Format::Prometheus => prometheus::render(report),
        Format::Nagios => nagios::render(report),
    };
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// One stderr line for a failed query: profile, region, service, kind, HTTP status, provider
/// code, message, request id; parts that are unknown are left out.
///
/// `error: otc-demo eu-de vpcep: [permission] HTTP 403 EndPoint.0005: Policy doesn't allow it (request id 9aeb)`
pub fn error_line(error: &QueryError) -> String {
    format!("error: {}", error_text(error))
}

/// [`error_line`] without its `error: ` prefix, for formats that put their own in front.
pub fn error_text(error: &QueryError) -> String {
    let place: Vec<String> = [&error.profile, &error.region, &error.service]
        .into_iter()
        .map(|part| clean(part, FIELD_CAP))
        .filter(|part| !part.is_empty())
        .collect();
    let mut text = place.join(" ");
    if !text.is_empty() {
        text.push_str(": ");
    }
    let _ = write!(text, "[{}]", error.kind);
    let mut has_head = false;
    if let Some(status) = error.http_status {
        let _ = write!(text, " HTTP {status}");
        has_head = true;
    }
    let present = |text: &Option<String>| {
        text.as_deref()
            .map(|text| clean(text, FIELD_CAP))
            .filter(|text| !text.is_empty())
    };
    if let Some(code) = present(&error.code) {
        text.push(' ');
        text.push_str(&code);
        has_head = true;
    }
    let message = clean(&error.message, MESSAGE_CAP);
    if !message.is_empty() {
        if has_head {
            text.push(':');
        }
        text.push(' ');
        text.push_str(&message);
    }
    if let Some(id) = present(&error.request_id) {
        let _ = write!(text, " (request id {id})");
    }
    text
}

/// Provider messages can run to whole HTML pages; a stderr line should not.
const MESSAGE_CAP: usize = 300;
/// Codes, request ids and names are short in practice; the cap only guards against a hostile body.
const FIELD_CAP: usize = 100;

/// Makes text from a config or a response safe for one line of a terminal: control characters
/// (newlines, and escape sequences that could repaint the screen) become spaces, runs of
/// whitespace collapse, and the result is cut at `cap` characters with an ellipsis.
pub(crate) fn clean(text: &str, cap: usize) -> String {
    let mut out = String::with_capacity(text.len().min(cap * 4));
    let mut count = 0;
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        let needed = word.chars().count() + usize::from(count > 0);
        if count + needed > cap {
            let room = cap.saturating_sub(count + 1 + usize::from(count > 0));
            if count > 0 && room > 0 {
                out.push(' ');
            }
            out.extend(word.chars().take(room));
            out.push('…');
            return out;
        }
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
        count += needed;
    }
    out
}

/// A history number (`per_day`, `days_to_full`) with at most two decimals, in its shortest
/// form: `1.25`, `12.4`, `3`.
pub(crate) fn two_decimals(value: f64) -> String {
    let rounded = crate::quota::round2(value);
    // `-0` would read as a sign where there is none.
    if rounded == 0.0 {
        "0".to_string()
    } else {
        rounded.to_string()
    }
}

/// How long until full, for people: `now`, `30h` under two days, `12d` under 60 days, `8mo`
/// under a year, else `>1y`.
pub(crate) fn full_in(days: f64) -> String {
    if days <= 0.0 {
        "now".to_string()
    } else if days < 2.0 {
        format!("{}h", ((days * 24.0).floor() as u64).max(1))
    } else if days < 60.0 {
        format!("{}d", days.floor() as u64)
    } else if days < 365.0 {
        format!("{}mo", (days / 30.4375).round() as u64)
    } else {
        ">1y".to_string()
    }
}

/// A percentage with one decimal, rounded half away from zero like the JSON `usage_percent`
/// (`{:.1}` alone rounds 0.05 steps differently), so every format shows the same number.
pub(crate) fn percent(value: f64) -> String {
    format!("{:.1}", (value * 10.0).round() / 10.0)
}

#[cfg(test)]
pub(crate) fn sample_report() -> Report {
    use std::time::Duration;

    use crate::quota::{Amount, ErrorKind, Provider, QueryRecord, QuotaRow, Thresholds};

    let t = Thresholds::default();
    let rows = vec![
        QuotaRow::new(
            "hw-prod",
            Provider::Huaweicloud,
            "cn-north-4",
            "vpc",
            "vpc",
            Amount::from(12u64),
            Some(Amount::from(150u64)),
            Some(0),
            t,
        ),
        QuotaRow::new(
            "hw-prod",
            Provider::Huaweicloud,
            "cn-north-4",
            "vpc",
            "securityGroupRule",
            Amount::from(4500u64),
            Some(Amount::from(5000u64)),
            Some(0),
            t,
        ),
        QuotaRow::new(
            "ali-prod",
            Provider::Alibaba,
            "cn-shanghai",
            "smartag",
            "ccn",
            Amount::from(10u64),
            Some(Amount::from(10u64)),
            None,
            t,
        ),
        QuotaRow::new(
            "otc-demo",
            Provider::Otc,
            "eu-de",
            "vpn",
            "customer_gateway",
            Amount::from(3u64),
            None,
            None,
            t,
        ),
        // A profile name is the user's own YAML key, so it may hold quotes, commas and spaces.
        QuotaRow::new(
            "lab \"eu\", o'neil",
            Provider::Otc,
            "eu-de",
            "vpcep",
            "endpoint",
            Amount::from(36u64),
            Some(Amount::from(50u64)),
            None,
            t,
        ),
    ];
    let errors = vec![QueryError {
        profile: "ali-prod".into(),
        provider: Provider::Alibaba,
        region: "cn-hongkong".into(),
        service: "smartag".into(),
        kind: ErrorKind::Auth,
        http_status: Some(403),
        code: Some("InvalidSecurityToken.Expired".into()),
        message: "Specified SecurityToken is expired.".into(),
        request_id: Some("4C9A5B3E-1F2D-4E5A-9B8C-7D6E5F4A3B2C".into()),
    }];
    let record =
        |profile: &str, provider, region: &str, service: &str, success, millis| QueryRecord {
            profile: profile.into(),
            provider,
            region: region.into(),
            service: service.into(),
            success,
            duration: Duration::from_millis(millis),
        };
    let queries = vec![
        record(
            "hw-prod",
            Provider::Huaweicloud,
            "cn-north-4",
            "vpc",
            true,
            231,
        ),
        record(
            "ali-prod",
            Provider::Alibaba,
            "cn-shanghai",
            "smartag",
            true,
            412,
        ),
        record(
            "ali-prod",
            Provider::Alibaba,
            "cn-hongkong",
            "smartag",
            false,
            187,
        ),
        record("otc-demo", Provider::Otc, "eu-de", "vpn", true, 300),
        record(
            "lab \"eu\", o'neil",
            Provider::Otc,
            "eu-de",
            "vpcep",
            true,
            1050,
        ),
    ];
    let mut rows = rows;
    // One row with a forecast (14 left at 0.5 a day: full in 28 days), one whose limit was
    // raised since the last run, as the history gives them.
    let generated_at: jiff::Timestamp =
        "2026-11-22T10:00:00.734Z".parse().expect("fixed timestamp");
    rows[4].set_trend(Some(crate::quota::Trend {
        per_day: 0.5,
        days_to_full: Some(28.0),
        full_at: Some("2026-12-20T10:00:00Z".parse().expect("fixed timestamp")),
        samples: 40,
        since: "2026-10-31T10:00:00Z".parse().expect("fixed timestamp"),
    }));
    rows[0].limit_changed = Some(crate::quota::LimitChange {
        from: Some(Amount::from(100u64)),
        to: Some(Amount::from(150u64)),
        at: "2026-11-22T09:45:00Z".parse().expect("fixed timestamp"),
    });
    Report {
        // Fractional on purpose: every format must print whole seconds.
        generated_at,
        rows,
        errors,
        queries,
        unmatched: Vec::new(),
        demand: None,
        whole_run: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::{ErrorKind, Provider};

    fn error() -> QueryError {
        QueryError {
            profile: "otc-demo".into(),
            provider: Provider::Otc,
            region: "eu-de".into(),
            service: "vpcep".into(),
            kind: ErrorKind::Permission,
            http_status: Some(403),
            code: Some("EndPoint.0005".into()),
            message: "Policy doesn't allow\nvpcep:endpoints:list\r\nto be performed.".into(),
            request_id: Some("9aeb6e1c".into()),
        }
    }

    #[test]
    fn error_line_has_every_part_on_one_line() {
        assert_eq!(
            error_line(&error()),
            "error: otc-demo eu-de vpcep: [permission] HTTP 403 EndPoint.0005: Policy doesn't allow \
             vpcep:endpoints:list to be performed. (request id 9aeb6e1c)"
        );
    }

    #[test]
    fn error_line_leaves_out_what_is_unknown() {
        let mut e = error();
        e.kind = ErrorKind::Timeout;
        e.http_status = None;
        e.code = None;
        e.request_id = None;
        e.message = "no answer within 10s".into();
        assert_eq!(
            error_line(&e),
            "error: otc-demo eu-de vpcep: [timeout] no answer within 10s"
        );
        e.http_status = Some(502);
        e.message = String::new();
        assert_eq!(
            error_line(&e),
            "error: otc-demo eu-de vpcep: [timeout] HTTP 502"
        );
    }

    #[test]
    fn error_line_caps_long_messages_and_drops_escapes() {
        let mut e = error();
        e.message = format!("\u{1b}[2J{}", "x".repeat(1000));
        let line = error_line(&e);
        assert!(!line.contains('\u{1b}'));
        assert!(line.contains(&format!("{}… (request id", "x".repeat(100))));
        assert!(line.chars().count() < 400, "{line}");
    }

    #[test]
    fn clean_cuts_at_the_cap() {
        assert_eq!(clean("  a \n b  ", 10), "a b");
        assert_eq!(clean("abcdef", 4), "abc…");
        assert_eq!(clean("ab cdef", 5), "ab c…");
        assert_eq!(clean("abcd", 4), "abcd");
    }

    #[test]
    fn full_in_for_people() {
        assert_eq!(full_in(0.0), "now");
        assert_eq!(full_in(0.01), "1h");
        assert_eq!(full_in(1.25), "30h");
        assert_eq!(full_in(12.4), "12d");
        assert_eq!(full_in(59.9), "59d");
        assert_eq!(full_in(243.0), "8mo");
        assert_eq!(full_in(400.0), ">1y");
        assert_eq!(two_decimals(1.254), "1.25");
        assert_eq!(two_decimals(12.4), "12.4");
        assert_eq!(two_decimals(-0.001), "0");
        assert_eq!(two_decimals(3.0), "3");
    }

    #[test]
    fn percent_rounds_half_away_from_zero() {
        assert_eq!(percent(72.0), "72.0");
        assert_eq!(percent(0.25), "0.3");
        assert_eq!(percent(100.0), "100.0");
    }

    #[test]
    fn render_writes_every_format() {
        let report = sample_report();
        for format in [
            Format::Table,
            Format::Json,
            Format::Yaml,
            Format::Csv,
            Format::Prometheus,
            Format::Nagios,
        ] {
            let mut out = Vec::new();
            render(format, &report, &RenderOptions::default(), &mut out).expect("in-memory write");
            let text = String::from_utf8(out).expect("utf-8");
            assert!(text.ends_with('\n'), "{format:?}");
            for line in text.lines() {
                assert_eq!(line, line.trim_end(), "{format:?} has trailing whitespace");
            }
        }
    }
}
