//! `-o nagios`: a Nagios/Icinga plugin's output. The first line is the status and the
//! perfdata; the lines after it name each quota that is not ok and each failed query.
//! The exit code that goes with it is the caller's (`ExitCode::from(Overall)`).

use crate::output::{clean, error_text, percent};
use crate::quota::{Amount, Overall, QuotaRow, Report, Status};

/// Long enough for any real name; a hostile one is cut.
const NAME_CAP: usize = 300;

pub(crate) fn render(report: &Report) -> String {
    let summary = report.summary();
    let state = match report.overall() {
        Overall::Ok => "OK",
        Overall::Warning => "WARNING",
        Overall::Unknown => "UNKNOWN",
        Overall::Critical => "CRITICAL",
    };
    // "quotas" even for one: monitoring configs match this line literally.
    let mut text = format!(
        "HEADROOM {state} - {} critical, {} warning, {} failed of {} quotas",
        summary.critical, summary.warning, summary.failed_queries, summary.total
    );
    let perfdata: Vec<String> = report.rows.iter().map(perfdata).collect();
    if !perfdata.is_empty() {
        text.push_str(" | ");
        text.push_str(&perfdata.join(" "));
    }
    text.push('\n');
    for row in report.rows.iter().filter(|row| row.status != Status::Ok) {
        text.push_str(&plain(&problem(row)));
        text.push('\n');
    }
    for error in &report.errors {
        text.push_str(&plain(&format!("UNKNOWN: {}", error_text(error))));
        text.push('\n');
    }
    for unmatched in &report.unmatched {
        text.push_str(&plain(&format!("UNKNOWN: {unmatched}")));
        text.push('\n');
    }
    text
}

/// `CRITICAL: hw-prod/cn-north-4/vpc/securityGroupRule 4500 of 5000 used (90.0%)`
fn problem(row: &QuotaRow) -> String {
    let state = match row.status {
        Status::Ok => "OK",
        Status::Warning => "WARNING",
        Status::Critical => "CRITICAL",
    };
    let label = clean(&row.label(), NAME_CAP);
    match (row.limit, row.usage_percent) {
        (Some(limit), Some(pct)) => format!(
            "{state}: {label} {} of {limit} used ({}%)",
            row.used,
            percent(pct)
        ),
        // Unlimited rows are always ok, so this only guards the model changing under us.
        _ => format!("{state}: {label} {} used", row.used),
    }
}

/// `'profile/region/service/resource'=used;warn;crit;0;limit`, thresholds as absolute numbers
/// and empty fields where there is no limit.
fn perfdata(row: &QuotaRow) -> String {
    let label = perf_label(&row.label());
    let opt = |value: Option<Amount>| value.map(|v| v.to_string()).unwrap_or_default();
    match row.limit {
        Some(limit) => {
            let thresholds = row.thresholds();
            format!(
                "'{label}'={};{};{};0;{limit}",
                row.used,
                opt(thresholds.warn_used(limit)),
                opt(thresholds.crit_used(limit))
            )
        }
        None => format!("'{label}'={};;;0;", row.used),
    }
}

/// Nagios plugin guidelines: a quote in a label is written twice; `=` ends a label and `|`
/// starts perfdata, so both become `_`, as do control characters (the line must stay one line).
fn perf_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in clean(label, NAME_CAP).chars() {
        match c {
            '\'' => out.push_str("''"),
            '=' | '|' => out.push('_'),
            c => out.push(c),
        }
    }
    out
}

/// Text lines after the first must not hold `|`: Nagios would read the rest as perfdata.
fn plain(line: &str) -> String {
    line.replace('|', "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_report;
    use crate::quota::{Provider, Thresholds};

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&sample_report()));
    }

    #[test]
    fn perfdata_per_quota() {
        let report = sample_report();
        assert_eq!(
            perfdata(&report.rows[1]),
            "'hw-prod/cn-north-4/vpc/securityGroupRule'=4500;4000;4750;0;5000"
        );
        assert_eq!(
            perfdata(&report.rows[3]),
            "'otc-demo/eu-de/vpn/customer_gateway'=3;;;0;"
        );
        assert_eq!(
            perfdata(&report.rows[4]),
            "'lab \"eu\", o''neil/eu-de/vpcep/endpoint'=36;40;48;0;50"
        );
    }

    #[test]
    fn labels_cannot_break_parsing() {
        let row = QuotaRow::new(
            "a=b|c",
            Provider::Otc,
            "eu-de",
            "vpc",
            "x\ny'",
            Amount::from(1u64),
            Some(Amount::from(2u64)),
            None,
            Thresholds::default(),
        );
        assert_eq!(perfdata(&row), "'a_b_c/eu-de/vpc/x y'''=1;2;2;0;2");
    }

    #[test]
    fn states() {
        let mut report = sample_report();
        assert!(
            render(&report)
                .starts_with("HEADROOM CRITICAL - 1 critical, 1 warning, 1 failed of 5 quotas | ")
        );
        report.rows.retain(|row| row.status != Status::Critical);
        assert!(
            render(&report)
                .starts_with("HEADROOM UNKNOWN - 0 critical, 1 warning, 1 failed of 4 quotas | ")
        );
        report.errors.clear();
        assert!(render(&report).starts_with("HEADROOM WARNING - "));
        report.rows.retain(|row| row.status == Status::Ok);
        assert_eq!(render(&report).lines().count(), 1);
        assert!(
            render(&report)
                .starts_with("HEADROOM OK - 0 critical, 0 warning, 0 failed of 3 quotas | ")
        );
        report.rows.clear();
        assert_eq!(
            render(&report),
            "HEADROOM OK - 0 critical, 0 warning, 0 failed of 0 quotas\n"
        );
    }

    #[test]
    fn detail_lines_hold_no_pipe() {
        let mut report = sample_report();
        report.errors[0].message = "a | b".into();
        let text = render(&report);
        assert_eq!(text.matches('|').count(), 1, "{text}");
    }
}
