//! `-o csv`: one header line and one line per quota, RFC 4180 quoting, empty cells for null.
//! Written by hand: ten columns do not need a crate.

use std::borrow::Cow;

use crate::output::{percent, two_decimals};
use crate::quota::{Amount, QuotaRow, Report};

const HEADER: &str = "profile,provider,region,service,resource,used,limit,usage_percent,left,status,per_day,days_to_full";

pub(crate) fn render(report: &Report) -> String {
    let demand = report.demand.is_some();
    let mut text = String::from(HEADER);
    if demand {
        text.push_str(",need,shortfall");
    }
    text.push('\n');
    for row in &report.rows {
        text.push_str(&line(row));
        if demand {
            let need = row.need.map(|n| n.to_string()).unwrap_or_default();
            let shortfall = row.shortfall.map(|s| s.to_string()).unwrap_or_default();
            text.push_str(&format!(",{need},{shortfall}"));
        }
        text.push('\n');
    }
    text
}

fn line(row: &QuotaRow) -> String {
    let number = |value: Option<Amount>| value.map(|v| v.to_string()).unwrap_or_default();
    let decimal = |value: Option<f64>| value.map(two_decimals).unwrap_or_default();
    let cells: [Cow<'_, str>; 12] = [
        field(&row.profile),
        Cow::Borrowed(row.provider.as_str()),
        field(&row.region),
        field(&row.service),
        field(&row.resource),
        Cow::Owned(row.used.to_string()),
        Cow::Owned(number(row.limit)),
        Cow::Owned(row.usage_percent.map(percent).unwrap_or_default()),
        Cow::Owned(number(row.left)),
        Cow::Borrowed(row.status.as_str()),
        Cow::Owned(decimal(row.trend.map(|t| t.per_day))),
        Cow::Owned(decimal(row.days_to_full())),
    ];
    cells.join(",")
}

/// RFC 4180: a cell holding a comma, a quote, CR or LF is quoted, with inner quotes doubled.
fn field(value: &str) -> Cow<'_, str> {
    if value.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_report;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&sample_report()));
    }

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(field("o'neil"), "o'neil");
    }

    #[test]
    fn every_line_has_twelve_cells_and_nulls_are_empty() {
        let text = render(&sample_report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(lines.len(), 6);
        assert_eq!(
            lines[4],
            "otc-demo,otc,eu-de,vpn,customer_gateway,3,,,,ok,,"
        );
        assert_eq!(
            lines[5],
            "\"lab \"\"eu\"\", o'neil\",otc,eu-de,vpcep,endpoint,36,50,72.0,14,ok,0.5,28"
        );
    }
}
