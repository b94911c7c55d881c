//! `-o table` (the default): a borderless table like kubectl's and gh's, then one summary line.

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

use crate::output::{RenderOptions, clean, full_in as full_in_text, percent};
use crate::quota::{Amount, QuotaRow, Report, Status, Summary};

const HEADER: [&str; 9] = [
    "PROFILE", "REGION", "SERVICE", "RESOURCE", "USED", "LIMIT", "USE%", "LEFT", "STATUS",
];
/// Columns holding numbers: right-aligned so digits line up, and never wrapped.
const NUMERIC: std::ops::RangeInclusive<usize> = 4..=7;
const STATUS: usize = 8;
/// Where FULL IN goes when some row has a forecast: after LEFT.
const FULL_IN: usize = 8;
/// Spaces between columns; there are no vertical lines.
const GAP: u16 = 2;
const BAR_CELLS: usize = 10;
/// Names are shown, not parsed, so a long hostile one is cut rather than allowed to fill the screen.
const NAME_CAP: usize = 100;

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut text = String::new();
    if !report.rows.is_empty() {
        let mut table = build(report, options, true);
        // The bars are decoration: on a narrow terminal dropping them (11 columns) beats
        // wrapping names across lines.
        if options
            .width
            .is_some_and(|width| natural_width(&table) > usize::from(width))
        {
            table = build(report, options, false);
        }
        for line in table.lines() {
            text.push_str(line.trim_end());
            text.push('\n');
        }
    }
    text.push_str(&summary_line(&report.summary()));
    let soon = report.full_soon();
    if soon > 0 {
        text.push_str(&format!(
            "; {soon} full within {} days",
            crate::quota::FULL_SOON_DAYS
        ));
    }
    text.push('\n');
    text
}

/// Whether FULL IN is shown: only when some row has a forecast.
fn has_forecast(report: &Report) -> bool {
    report.rows.iter().any(|row| row.days_to_full().is_some())
}

fn build(report: &Report, options: &RenderOptions, bars: bool) -> Table {
    let mut table = Table::new();
    let full_in = has_forecast(report);
    let mut header = HEADER.to_vec();
    if full_in {
        header.insert(FULL_IN, "FULL IN");
    }
    // The terminal is the caller's business: no tty probing, colour and width only as told.
    table
        .force_no_tty()
        .load_style(presets::NOTHING)
        .set_header(&header);
    if options.color {
        table.enforce_styling();
        // Colour the word only, so the padding stays plain and trailing spaces can be trimmed.
        table.style_text_only();
    }
    for row in &report.rows {
        let mut cells = cells(row, options.color, bars);
        if full_in {
            let forecast = row
                .days_to_full()
                .map_or_else(|| "-".to_string(), full_in_text);
            cells.insert(FULL_IN, Cell::new(forecast));
        }
        table.add_row(cells);
    }
    let last = header.len() - 1;
    // FULL IN is a number column like LEFT; STATUS moves one to the right.
    let numeric = |index: usize| NUMERIC.contains(&index) || (full_in && index == FULL_IN);
    let status = if full_in { STATUS + 1 } else { STATUS };
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { GAP }));
        if numeric(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        if numeric(index) || index == status {
            column.set_constraint(ColumnConstraint::ContentWidth);
        } else {
            // Names may wrap on a narrow terminal, but never so far that a header breaks.
            // The boundary counts the column's padding too.
            let header = u16::try_from(header[index].len()).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(header + GAP)));
        }
    }
    if let Some(width) = options.width {
        table
            .set_width(width)
            .set_content_arrangement(ContentArrangement::Dynamic);
    }
    table
}

fn natural_width(table: &Table) -> usize {
    let content: usize = table
        .column_max_content_widths()
        .iter()
        .map(|&w| usize::from(w))
        .sum();
    let padding: usize = table
        .column_iter()
        .map(|column| usize::from(column.padding_width()))
        .sum();
    content + padding
}

fn cells(row: &QuotaRow, color: bool, bars: bool) -> Vec<Cell> {
    let number = |value: Option<Amount>, none: &str| {
        value.map_or_else(|| none.to_string(), |v| v.to_string())
    };
    let mut status = Cell::new(row.status.as_str());
    if color {
        status = status.fg(match row.status {
            Status::Ok => Color::Green,
            Status::Warning => Color::Yellow,
            Status::Critical => Color::Red,
        });
    }
    vec![
        Cell::new(clean(&row.profile, NAME_CAP)),
        Cell::new(clean(&row.region, NAME_CAP)),
        Cell::new(clean(&row.service, NAME_CAP)),
        Cell::new(clean(&row.resource, NAME_CAP)),
        Cell::new(row.used.to_string()),
        Cell::new(match &row.limit_changed {
            // A limit raised (or lowered) since the last run shows where it came from.
            Some(change) => format!(
                "{}→{}",
                number(change.from, "unlimited"),
                number(row.limit, "unlimited")
            ),
            None => number(row.limit, "unlimited"),
        }),
        Cell::new(usage(row.usage_percent, bars)),
        Cell::new(number(row.left, "-")),
        status,
    ]
}

/// `███████░░░ 72.0%`: one filled cell per ten percent, rounded, never more than ten.
fn usage(pct: Option<f64>, bars: bool) -> String {
    let Some(pct) = pct else {
        return "unlimited".to_string();
    };
    if !bars {
        return format!("{}%", percent(pct));
    }
    // `as` saturates and maps NaN to 0, so no input can make the bar longer than ten.
    let filled = ((pct / 10.0).round().max(0.0) as usize).min(BAR_CELLS);
    // The percentage is padded to `100.0` so that the bars of a right-aligned column line up.
    format!(
        "{}{} {:>5}%",
        "█".repeat(filled),
        "░".repeat(BAR_CELLS - filled),
        percent(pct)
    )
}

/// `24 quotas: 1 critical, 2 warning, 21 ok; 1 query failed`
pub(crate) fn summary_line(summary: &Summary) -> String {
    let quotas = if summary.total == 1 {
        "quota"
    } else {
        "quotas"
    };
    let mut line = format!(
        "{} {quotas}: {} critical, {} warning, {} ok",
        summary.total, summary.critical, summary.warning, summary.ok
    );
    if summary.failed_queries > 0 {
        let queries = if summary.failed_queries == 1 {
            "query"
        } else {
            "queries"
        };
        line.push_str(&format!("; {} {queries} failed", summary.failed_queries));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_report;

    fn plain() -> RenderOptions {
        RenderOptions {
            color: false,
            width: None,
        }
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&sample_report(), &plain()));
    }

    #[test]
    fn snapshot_color() {
        let text = render(
            &sample_report(),
            &RenderOptions {
                color: true,
                width: None,
            },
        );
        assert!(text.contains('\u{1b}'));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn snapshot_width_80() {
        // Without FULL IN: ten columns of the sample's names do not fit 80 (the next test
        // shows that every row still does).
        let mut report = sample_report();
        for row in &mut report.rows {
            row.trend = None;
        }
        let text = render(
            &report,
            &RenderOptions {
                color: false,
                width: Some(80),
            },
        );
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line:?}");
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn too_narrow_still_shows_every_row() {
        // Nine columns cannot fit 20 cells; the table overflows rather than losing data.
        let report = sample_report();
        let text = render(
            &report,
            &RenderOptions {
                color: false,
                width: Some(20),
            },
        );
        for row in &report.rows {
            assert!(text.contains(row.status.as_str()));
        }
        assert!(text.ends_with("5 quotas: 1 critical, 1 warning, 3 ok; 1 query failed\n"));
    }

    #[test]
    fn wide_terminal_keeps_bars() {
        let text = render(
            &sample_report(),
            &RenderOptions {
                color: false,
                width: Some(200),
            },
        );
        assert_eq!(text, render(&sample_report(), &plain()));
    }

    #[test]
    fn no_rows_prints_only_the_summary() {
        let mut report = sample_report();
        report.rows.clear();
        assert_eq!(
            render(&report, &plain()),
            "0 quotas: 0 critical, 0 warning, 0 ok; 1 query failed\n"
        );
        report.errors.clear();
        assert_eq!(
            render(&report, &plain()),
            "0 quotas: 0 critical, 0 warning, 0 ok\n"
        );
    }

    #[test]
    fn summary_singular_and_plural() {
        let one = Summary {
            total: 1,
            ok: 1,
            warning: 0,
            critical: 0,
            failed_queries: 0,
        };
        assert_eq!(summary_line(&one), "1 quota: 0 critical, 0 warning, 1 ok");
        let many = Summary {
            total: 24,
            ok: 21,
            warning: 2,
            critical: 1,
            failed_queries: 2,
        };
        assert_eq!(
            summary_line(&many),
            "24 quotas: 1 critical, 2 warning, 21 ok; 2 queries failed"
        );
    }

    #[test]
    fn bars() {
        assert_eq!(usage(Some(72.0), true), "███████░░░  72.0%");
        assert_eq!(usage(Some(0.0), true), "░░░░░░░░░░   0.0%");
        assert_eq!(usage(Some(100.0), true), "██████████ 100.0%");
        assert_eq!(usage(Some(2500.0), true), "██████████ 2500.0%");
        assert_eq!(usage(Some(f64::NAN), true), "░░░░░░░░░░   NaN%");
        assert_eq!(usage(None, true), "unlimited");
        assert_eq!(usage(Some(72.0), false), "72.0%");
    }

    #[test]
    fn full_in_only_with_a_forecast_and_the_summary_counts_the_soon_full() {
        let mut report = sample_report();
        let text = render(&report, &plain());
        assert!(text.starts_with("PROFILE") && text.lines().next().unwrap().contains("FULL IN"));
        for row in &mut report.rows {
            row.trend = None;
        }
        assert!(!render(&report, &plain()).contains("FULL IN"));
        let mut report = sample_report();
        report.rows[4].trend.as_mut().unwrap().days_to_full = Some(14.0);
        let trend = report.rows[4].trend;
        report.rows[1].set_trend(trend);
        let text = render(&report, &plain());
        assert!(
            text.ends_with(
                "5 quotas: 1 critical, 1 warning, 3 ok; 1 query failed; 2 full within 14 days\n"
            ),
            "{text}"
        );
        assert!(text.contains("   14d  ok"), "{text}");
        assert!(text.contains("100→150"), "{text}");
    }

    #[test]
    fn names_cannot_break_the_layout() {
        let mut report = sample_report();
        report.rows[0].resource = "evil\n\u{1b}[31mred".into();
        let text = render(&report, &plain());
        assert!(!text.contains('\u{1b}'));
        assert_eq!(text.lines().count(), report.rows.len() + 2);
    }
}
