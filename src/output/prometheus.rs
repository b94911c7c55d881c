//! `-o prometheus`: text exposition format 0.0.4, for node_exporter's textfile collector.
//! Every metric is a gauge; each family's `# HELP` and `# TYPE` come once, before its samples.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::quota::{Provider, Report};

/// One metric family: its samples are `{labels} value` strings, the name goes in front.
struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<String>,
}

impl Family {
    fn new(name: &'static str, help: &'static str) -> Self {
        Family {
            name,
            help,
            samples: Vec::new(),
        }
    }

    fn push(&mut self, labels: &str, value: f64) {
        self.samples.push(format!("{{{labels}}} {}", number(value)));
    }
}

pub(crate) fn render(report: &Report) -> String {
    let mut used = Family::new("headroom_quota_used", "Quota units in use.");
    let mut limit = Family::new(
        "headroom_quota_limit",
        "Quota limit; no series for unlimited quotas.",
    );
    let mut ratio = Family::new(
        "headroom_quota_usage_ratio",
        "Used divided by limit (1 is full); no series for unlimited quotas.",
    );
    // Two rows or records with the same labels would make the file invalid (the textfile
    // collector rejects duplicate series), so only the first of each is kept.
    let mut seen = HashSet::new();
    for row in &report.rows {
        let labels = labels(&[
            ("profile", &row.profile),
            ("provider", row.provider.as_str()),
            ("region", &row.region),
            ("service", &row.service),
            ("resource", &row.resource),
        ]);
        if !seen.insert(labels.clone()) {
            continue;
        }
        used.push(&labels, row.used.value());
        if let Some(max) = row.limit {
            limit.push(&labels, max.value());
            let value = if max.value() == 0.0 {
                // A zero limit is full even with nothing used; the row's percentage says so too.
                row.usage_percent.unwrap_or(100.0) / 100.0
            } else {
                row.used.value() / max.value()
            };
            ratio.push(&labels, value);
        }
    }

    let mut success = Family::new(
        "headroom_query_success",
        "Whether the quota query answered (1) or failed (0).",
    );
    let mut duration = Family::new(
        "headroom_query_duration_seconds",
        "Wall time of the quota query, retries included.",
    );
    let mut seen = HashSet::new();
    for query in &report.queries {
        let labels = query_labels(
            &query.profile,
            query.provider,
            &query.region,
            &query.service,
        );
        if !seen.insert(labels.clone()) {
            continue;
        }
        success.push(&labels, if query.success { 1.0 } else { 0.0 });
        duration.push(&labels, query.duration.as_secs_f64());
    }

    let mut text = String::new();
    for family in [used, limit, ratio, success, duration] {
        // A family without samples is left out whole rather than announced empty.
        if family.samples.is_empty() {
            continue;
        }
        let _ = writeln!(text, "# HELP {} {}", family.name, family.help);
        let _ = writeln!(text, "# TYPE {} gauge", family.name);
        for sample in &family.samples {
            let _ = writeln!(text, "{}{sample}", family.name);
        }
    }
    text
}

fn query_labels(profile: &str, provider: Provider, region: &str, service: &str) -> String {
    labels(&[
        ("profile", profile),
        ("provider", provider.as_str()),
        ("region", region),
        ("service", service),
    ])
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        let _ = write!(text, "{name}=\"{}\"", escape(value));
    }
    text
}

/// The three escapes the exposition format defines for label values.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Go's float syntax as Prometheus parses it: Rust's shortest round-trip form, never an
/// exponent, with the infinities spelled the way Prometheus spells them.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::output::sample_report;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&sample_report()));
    }

    fn is_name(name: &str) -> bool {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    }

    /// Parses `{name="value",...}` with the format's escapes; returns the label names and
    /// the rest of the line after `}`.
    fn parse_labels(text: &str) -> (Vec<(String, String)>, &str) {
        let mut rest = text.strip_prefix('{').expect("labels open with {");
        let mut labels = Vec::new();
        loop {
            if let Some(after) = rest.strip_prefix('}') {
                return (labels, after);
            }
            if !labels.is_empty() {
                rest = rest.strip_prefix(',').expect("labels separated by ,");
            }
            let eq = rest.find('=').expect("label has =");
            let name = &rest[..eq];
            assert!(is_name(name) && !name.contains(':'), "label name {name:?}");
            rest = rest[eq + 1..]
                .strip_prefix('"')
                .expect("label value quoted");
            let mut value = String::new();
            let mut chars = rest.char_indices();
            let end = loop {
                match chars.next().expect("label value closed") {
                    (i, '"') => break i,
                    (_, '\\') => match chars.next().expect("escape complete").1 {
                        '\\' => value.push('\\'),
                        '"' => value.push('"'),
                        'n' => value.push('\n'),
                        other => panic!("unknown escape \\{other}"),
                    },
                    (_, '\n') => panic!("raw newline in a label value"),
                    (_, c) => value.push(c),
                }
            };
            labels.push((name.to_string(), value));
            rest = &rest[end + 1..];
        }
    }

    /// A sample's labels (name, unescaped value) in order, and its value.
    type Sample = (Vec<(String, String)>, f64);

    /// Checks every line of an exposition text; returns the samples by metric name.
    fn parse(text: &str) -> HashMap<String, Vec<Sample>> {
        assert!(text.is_empty() || text.ends_with('\n'));
        let mut help = HashSet::new();
        let mut typed = HashSet::new();
        let mut samples: HashMap<String, Vec<Sample>> = HashMap::new();
        let mut series = HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                let (name, doc) = rest.split_once(' ').expect("HELP name text");
                assert!(is_name(name) && !doc.is_empty(), "{line}");
                assert!(help.insert(name.to_string()), "second HELP for {name}");
                assert!(!samples.contains_key(name), "HELP after samples of {name}");
            } else if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.strip_suffix(" gauge").expect("TYPE name gauge");
                assert!(is_name(name), "{line}");
                assert!(typed.insert(name.to_string()), "second TYPE for {name}");
                assert!(!samples.contains_key(name), "TYPE after samples of {name}");
            } else {
                assert!(!line.starts_with('#'), "stray comment {line}");
                let open = line.find('{').expect("samples have labels");
                let name = &line[..open];
                assert!(is_name(name), "{line}");
                assert!(
                    help.contains(name) && typed.contains(name),
                    "{name} sampled before HELP/TYPE"
                );
                let (labels, rest) = parse_labels(&line[open..]);
                let value = rest.strip_prefix(' ').expect("space before the value");
                let value: f64 = match value {
                    "+Inf" => f64::INFINITY,
                    "-Inf" => f64::NEG_INFINITY,
                    v => v
                        .parse()
                        .unwrap_or_else(|_| panic!("value {v:?} in {line}")),
                };
                assert!(
                    series.insert((name.to_string(), labels.clone())),
                    "duplicate series {line}"
                );
                samples
                    .entry(name.to_string())
                    .or_default()
                    .push((labels, value));
            }
        }
        samples
    }

    #[test]
    fn every_line_parses() {
        let report = sample_report();
        let samples = parse(&render(&report));
        let names = |metric: &str| -> Vec<String> {
            samples[metric][0]
                .0
                .iter()
                .map(|(name, _)| name.clone())
                .collect()
        };
        assert_eq!(
            names("headroom_quota_used"),
            ["profile", "provider", "region", "service", "resource"]
        );
        assert_eq!(
            names("headroom_query_success"),
            ["profile", "provider", "region", "service"]
        );
        assert_eq!(samples["headroom_quota_used"].len(), report.rows.len());
        // The unlimited row has no limit and no ratio.
        assert_eq!(samples["headroom_quota_limit"].len(), report.rows.len() - 1);
        assert_eq!(
            samples["headroom_quota_usage_ratio"].len(),
            report.rows.len() - 1
        );
        assert!(
            samples["headroom_quota_limit"]
                .iter()
                .all(|(labels, _)| labels[4].1 != "customer_gateway")
        );
        assert_eq!(
            samples["headroom_query_duration_seconds"].len(),
            report.queries.len()
        );
        // The escaped profile name comes back as it went in.
        assert!(
            samples["headroom_quota_used"]
                .iter()
                .any(|(labels, _)| labels[0].1 == "lab \"eu\", o'neil")
        );
        let failed: Vec<f64> = samples["headroom_query_success"]
            .iter()
            .filter(|(labels, _)| labels[2].1 == "cn-hongkong")
            .map(|&(_, v)| v)
            .collect();
        assert_eq!(failed, [0.0]);
        for (_, ratio) in &samples["headroom_quota_usage_ratio"] {
            assert!((0.0..=1.0).contains(ratio), "{ratio}");
        }
    }

    #[test]
    fn escapes_label_values() {
        assert_eq!(escape(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape("two\nlines"), "two\\nlines");
        let mut report = sample_report();
        report.rows[0].resource = "back\\slash \"quoted\"\nnewline".into();
        report.queries[0].profile = "q\"\\\n".into();
        let samples = parse(&render(&report));
        assert_eq!(
            samples["headroom_quota_used"][0].0[4].1,
            "back\\slash \"quoted\"\nnewline"
        );
    }

    #[test]
    fn duplicate_series_are_dropped() {
        let mut report = sample_report();
        report.rows.push(report.rows[0].clone());
        report.queries.push(report.queries[0].clone());
        parse(&render(&report));
    }

    #[test]
    fn empty_report_is_empty() {
        let mut report = sample_report();
        report.rows.clear();
        report.queries.clear();
        assert_eq!(render(&report), "");
    }

    #[test]
    fn numbers() {
        assert_eq!(number(4500.0), "4500");
        assert_eq!(number(0.9), "0.9");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(1e-7), "0.0000001");
    }
}
