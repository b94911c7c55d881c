//! `headroom history -o table|json|csv`: what the store holds per quota. Like every renderer,
//! it only formats what it is given.

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::history::{Key, Sample};
use crate::output::{clean, full_in, two_decimals};
use crate::quota::{Amount, Trend, rfc3339_string};

/// One quota's history over the period asked for.
#[derive(Clone, Debug)]
pub struct KeyHistory {
    pub key: Key,
    pub provider: String,
    pub count: u64,
    pub first: i64,
    pub last: i64,
    /// The latest sample's.
    pub used: Amount,
    pub limit: Option<Amount>,
    pub lowest: Option<Amount>,
    pub highest: Option<Amount>,
    pub trend: Option<Trend>,
    pub sparkline: String,
    /// Only for `-o json`.
    pub samples: Vec<Sample>,
}

const HEADER: [&str; 13] = [
    "PROFILE", "REGION", "SERVICE", "RESOURCE", "SAMPLES", "FIRST", "LAST", "USED", "LOWEST",
    "HIGHEST", "PER DAY", "FULL IN", "HISTORY",
];
const NUMERIC: [usize; 7] = [4, 7, 8, 9, 10, 11, 12];
const NAME_CAP: usize = 100;

/// `2026-11-22 10:00` (UTC): minutes are enough to tell runs apart.
fn when(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn amount(value: Option<Amount>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

pub fn table(histories: &[KeyHistory], width: Option<u16>) -> String {
    let mut table = Table::new();
    table
        .force_no_tty()
        .load_style(presets::NOTHING)
        .set_header(HEADER);
    for h in histories {
        let used = match h.limit {
            Some(limit) => format!("{} of {limit}", h.used),
            None => format!("{} (unlimited)", h.used),
        };
        table.add_row(vec![
            clean(&h.key.profile, NAME_CAP),
            clean(&h.key.region, NAME_CAP),
            clean(&h.key.service, NAME_CAP),
            clean(&h.key.resource, NAME_CAP),
            h.count.to_string(),
            when(h.first),
            when(h.last),
            used,
            amount(h.lowest),
            amount(h.highest),
            h.trend
                .map_or_else(|| "-".to_string(), |t| two_decimals(t.per_day)),
            h.trend
                .and_then(|t| t.days_to_full)
                .map_or_else(|| "-".to_string(), full_in),
            h.sparkline.clone(),
        ]);
    }
    let last = HEADER.len() - 1;
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 2 }));
        if NUMERIC.contains(&index) && index != last {
            column.set_cell_alignment(CellAlignment::Right);
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    if let Some(width) = width {
        table
            .set_width(width)
            .set_content_arrangement(ContentArrangement::Dynamic);
    }
    let mut text = String::new();
    for line in table.lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    let quotas = if histories.len() == 1 {
        "quota"
    } else {
        "quotas"
    };
    let samples: u64 = histories.iter().map(|h| h.count).sum();
    text.push_str(&format!(
        "{} {quotas}, {samples} samples\n",
        histories.len()
    ));
    text
}

#[derive(Serialize)]
struct JsonSample {
    at: String,
    used: Option<Amount>,
    limit: Option<Amount>,
}

#[derive(Serialize)]
struct JsonKey<'a> {
    profile: &'a str,
    provider: &'a str,
    region: &'a str,
    service: &'a str,
    resource: &'a str,
    count: u64,
    first: String,
    last: String,
    used: Amount,
    limit: Option<Amount>,
    lowest: Option<Amount>,
    highest: Option<Amount>,
    trend: Option<Trend>,
    sparkline: &'a str,
    samples: Vec<JsonSample>,
}

pub fn json(histories: &[KeyHistory]) -> serde_json::Result<String> {
    let time = |at: i64| {
        jiff::Timestamp::from_second(at)
            .map(rfc3339_string)
            .unwrap_or_default()
    };
    let keys: Vec<JsonKey<'_>> = histories
        .iter()
        .map(|h| JsonKey {
            profile: &h.key.profile,
            provider: &h.provider,
            region: &h.key.region,
            service: &h.key.service,
            resource: &h.key.resource,
            count: h.count,
            first: time(h.first),
            last: time(h.last),
            used: h.used,
            limit: h.limit,
            lowest: h.lowest,
            highest: h.highest,
            trend: h.trend,
            sparkline: &h.sparkline,
            samples: h
                .samples
                .iter()
                .map(|s| JsonSample {
                    at: time(s.at),
                    used: Amount::new(s.used),
                    limit: s.limit.and_then(Amount::new),
                })
                .collect(),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&keys)?;
    text.push('\n');
    Ok(text)
}

/// One line per sample: `profile,provider,region,service,resource,at,used,limit`.
pub fn csv(histories: &[KeyHistory]) -> String {
    let field = |value: &str| {
        if value.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    };
    let mut text = String::from("profile,provider,region,service,resource,at,used,limit\n");
    for h in histories {
        let head = [
            field(&h.key.profile),
            field(&h.provider),
            field(&h.key.region),
            field(&h.key.service),
            field(&h.key.resource),
        ]
        .join(",");
        for s in &h.samples {
            let at = jiff::Timestamp::from_second(s.at)
                .map(rfc3339_string)
                .unwrap_or_default();
            let used = Amount::new(s.used)
                .map(|a| a.to_string())
                .unwrap_or_default();
            let limit = s
                .limit
                .and_then(Amount::new)
                .map(|a| a.to_string())
                .unwrap_or_default();
            text.push_str(&format!("{head},{at},{used},{limit}\n"));
        }
    }
    text
}
