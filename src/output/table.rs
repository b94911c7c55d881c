//! `-o table` (the default): a borderless table like kubectl's and gh's, then one summary line.
//!
//! At a terminal the table is fitted to its width without ever breaking a cell across lines,
//! because a name cut in two (`physicalConnec` / `t`) can no longer be read, searched or
//! copied. It gives up decoration first, then repetition: the usage bars go, then the profile
//! and region move from every row to one heading line per group of rows. Only when even that
//! is too wide are lines longer than the terminal; each row is still one line with its names
//! whole, which a pager (`less -S`) shows as it is.
//! Off a terminal (a pipe, a file) the table is always the full one, so scripts see one shape.

use comfy_table::{Cell, CellAlignment, Color, Table, presets};

use crate::output::{RenderOptions, clean, full_in as full_in_text, percent};
use crate::quota::{Amount, QuotaRow, Report, Status, Summary};

const HEADER: [&str; 9] = [
    "PROFILE", "REGION", "SERVICE", "RESOURCE", "USED", "LIMIT", "USE%", "LEFT", "STATUS",
];
/// With `--demand`, after LEFT (and FULL IN): what the deployment needs of the quota and what
/// is missing.
const DEMAND_HEADER: [&str; 2] = ["NEED", "SHORT"];
/// PROFILE and REGION, the columns that the grouped layout moves into its headings.
const PLACE: usize = 2;
/// The first column holding numbers (USED); every column from it up to STATUS (LIMIT, USE%,
/// LEFT, and FULL IN, NEED and SHORT when shown) is right-aligned so digits line up.
const FIRST_NUMBER: usize = 4;
/// Spaces between columns; there are no vertical lines.
const GAP: u16 = 2;
const BAR_CELLS: usize = 10;
/// Names are shown, not parsed, so a long hostile one is cut rather than allowed to fill the screen.
const NAME_CAP: usize = 100;

/// The ways to lay the rows out, widest first; at a terminal the first that fits is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// One line per row with every column and the usage bars.
    Bars,
    /// The same without the bars, which are decoration: the percentage stays.
    Plain,
    /// Rows under a heading line per profile and region, without those two columns.
    Grouped,
}

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut text = String::new();
    if !report.rows.is_empty() {
        for line in lines(report, options) {
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

/// The table's lines in the widest layout that fits `options.width`; the grouped one when none
/// does, as it is the narrowest.
fn lines(report: &Report, options: &RenderOptions) -> Vec<String> {
    let Some(width) = options.width else {
        return build(report, options, Layout::Bars).lines().collect();
    };
    for layout in [Layout::Bars, Layout::Plain] {
        let table = build(report, options, layout);
        if natural_width(&table) <= usize::from(width) {
            return table.lines().collect();
        }
    }
    grouped(report, options)
}

/// The header once, then each run of rows of one profile and region under a heading line
/// (`hw-prod  huaweicloud  cn-north-4`). Runs, not sets: the rows keep the order they came in
/// (`--sort usage` puts the fullest first), so a place seen again later gets its heading again.
/// The rows share one table, so their columns line up from group to group.
fn grouped(report: &Report, options: &RenderOptions) -> Vec<String> {
    let table = build(report, options, Layout::Grouped);
    let mut table_lines = table.lines();
    let mut out: Vec<String> = table_lines.by_ref().take(1).collect();
    let mut place: Option<(&str, &str)> = None;
    // Every row is one line: names are cleaned of newlines and the table is never given a
    // width to wrap to.
    for (row, line) in report.rows.iter().zip(table_lines) {
        let here = (row.profile.as_str(), row.region.as_str());
        if place != Some(here) {
            if place.is_some() {
                out.push(String::new());
            }
            place = Some(here);
            out.push(heading(row));
        }
        out.push(line);
    }
    // The summary is about every group, so it stands apart from the last one.
    out.push(String::new());
    out
}

/// `hw-prod  huaweicloud  cn-north-4`: what the PROFILE and REGION columns would have said, and
/// the provider, which tells two clouds' regions of the same name apart.
fn heading(row: &QuotaRow) -> String {
    format!(
        "{}  {}  {}",
        clean(&row.profile, NAME_CAP),
        row.provider,
        clean(&row.region, NAME_CAP)
    )
}

fn build(report: &Report, options: &RenderOptions, layout: Layout) -> Table {
    let skip = if layout == Layout::Grouped { PLACE } else { 0 };
    let demand = report.demand.is_some();
    let full_in = has_forecast(report);
    let mut header: Vec<&str> = HEADER[..8].to_vec();
    if full_in {
        header.push("FULL IN");
    }
    if demand {
        header.extend(DEMAND_HEADER);
    }
    header.push(HEADER[8]);
    let mut table = Table::new();
    // The terminal is the caller's business: no tty probing, colour and width only as told.
    // No width is ever set either, so the table never wraps a cell: `lines` picks a layout
    // that fits instead.
    table
        .force_no_tty()
        .load_style(presets::NOTHING)
        .set_header(&header[skip..]);
    if options.color {
        table.enforce_styling();
        // Colour the word only, so the padding stays plain and trailing spaces can be trimmed.
        table.style_text_only();
    }
    for row in &report.rows {
        let columns = Columns { full_in, demand };
        let mut cells = cells(row, options.color, layout == Layout::Bars, columns);
        cells.drain(..skip);
        table.add_row(cells);
    }
    let last = header.len() - 1 - skip;
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { GAP }));
        if index + skip >= FIRST_NUMBER && index != last {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// The width of the widest line: every column's widest cell and its padding.
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

/// The columns shown only sometimes: FULL IN (some row has a forecast), NEED and SHORT
/// (`--demand`).
#[derive(Clone, Copy)]
struct Columns {
    full_in: bool,
    demand: bool,
}

fn cells(row: &QuotaRow, color: bool, bars: bool, columns: Columns) -> Vec<Cell> {
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
    let mut cells = vec![
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
    ];
    if columns.full_in {
        cells.push(Cell::new(
            row.days_to_full()
                .map_or_else(|| "-".to_string(), full_in_text),
        ));
    }
    if columns.demand {
        cells.push(Cell::new(
            row.need.map_or_else(|| "-".to_string(), |n| n.to_string()),
        ));
        // `-` when it fits: only a shortfall is worth a number.
        let short = row.shortfall.filter(|s| s.value() > 0.0);
        cells.push(Cell::new(number(short, "-")));
    }
    cells.push(status);
    cells
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
        // Without FULL IN, so that this shows the same rows as the piped snapshot at 80
        // columns; the forecast's column has tests of its own.
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

    fn at(report: &Report, width: u16) -> String {
        render(
            report,
            &RenderOptions {
                color: false,
                width: Some(width),
            },
        )
    }

    fn widest(text: &str) -> u16 {
        let widest = text.lines().map(|line| line.chars().count()).max();
        u16::try_from(widest.unwrap_or(0)).expect("narrower than u16::MAX")
    }

    #[test]
    fn each_layout_is_kept_while_it_fits() {
        let report = sample_report();
        let full = render(&report, &plain());
        let with_bars = widest(&full);
        assert_eq!(at(&report, with_bars), full);

        let plain = at(&report, with_bars - 1);
        assert!(plain.starts_with("PROFILE "), "{plain}");
        assert!(!plain.contains(['█', '░']), "{plain}");
        assert_eq!(plain.lines().count(), full.lines().count(), "{plain}");
        let without_bars = widest(&plain);
        assert!(without_bars < with_bars);
        assert_eq!(at(&report, without_bars), plain);

        let grouped = at(&report, without_bars - 1);
        assert!(grouped.starts_with("SERVICE "), "{grouped}");
        assert!(widest(&grouped) < without_bars, "{grouped}");
    }

    #[test]
    fn too_narrow_still_shows_every_row_whole() {
        // No layout fits 20 columns: the grouped one overflows rather than breaking a cell.
        let report = sample_report();
        let text = at(&report, 20);
        assert_eq!(text, at(&report, 80));
        for row in &report.rows {
            let cells = [row.service.as_str(), &row.resource];
            assert!(
                text.lines().any(|l| l.split_whitespace().take(2).eq(cells)),
                "{cells:?}: {text}"
            );
        }
        assert!(text.ends_with("\n5 quotas: 1 critical, 1 warning, 3 ok; 1 query failed\n"));
    }

    #[test]
    fn a_heading_for_each_run_of_one_profile_and_region() {
        let mut report = sample_report();
        // As `--sort usage` leaves them: hw-prod's two rows apart.
        report.rows.swap(1, 2);
        let text = at(&report, 60);
        let headings: Vec<&str> = text
            .lines()
            .filter(|line| line.split_whitespace().count() == 3)
            .collect();
        assert_eq!(
            headings,
            [
                "hw-prod  huaweicloud  cn-north-4",
                "ali-prod  alibaba  cn-shanghai",
                "hw-prod  huaweicloud  cn-north-4",
                "otc-demo  otc  eu-de",
            ]
        );
        // The profile with spaces in its name has a heading of more words.
        assert!(
            text.contains("\nlab \"eu\", o'neil  otc  eu-de\nvpcep    endpoint "),
            "{text}"
        );
        let rows: Vec<&str> = text
            .lines()
            .filter(|line| {
                line.ends_with("ok") || line.ends_with("warning") || line.ends_with("critical")
            })
            .collect();
        assert_eq!(rows.len(), report.rows.len(), "{text}");
        for (line, row) in rows.iter().zip(&report.rows) {
            assert!(line.starts_with(&row.service), "{line}");
            assert!(line.contains(&format!(" {} ", row.resource)), "{line}");
        }
    }

    #[test]
    fn grouped_colours_the_status_only() {
        let report = sample_report();
        let text = render(
            &report,
            &RenderOptions {
                color: true,
                width: Some(60),
            },
        );
        assert!(text.starts_with("SERVICE "), "{text}");
        let coloured: Vec<&str> = text.lines().filter(|l| l.contains('\u{1b}')).collect();
        assert_eq!(coloured.len(), report.rows.len(), "{text}");
        for (line, row) in coloured.iter().zip(&report.rows) {
            assert!(line.starts_with(&row.service), "{line:?}");
            assert!(
                line.ends_with(&format!("{}\u{1b}[39m", row.status.as_str())),
                "{line:?}"
            );
        }
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
