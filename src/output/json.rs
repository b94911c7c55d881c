//! `-o json`: the stable document (docs/output.md, JSON and YAML). Fields are only ever added,
//! never renamed or reordered, because scripts and monitoring systems read it.

use std::io;

use serde::Serialize;

use crate::quota::{Overall, QueryError, QuotaRow, Report, Summary};

/// Bumped only if a field ever has to change meaning; adding fields keeps it.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The whole document, in the field order docs/output.md gives; `-o yaml` serialises the same
/// struct.
#[derive(Serialize)]
pub(crate) struct Document<'a> {
    schema_version: u32,
    generated_at: String,
    status: Overall,
    summary: Summary,
    quotas: &'a [QuotaRow],
    errors: &'a [QueryError],
    /// Only present when a selection matched nothing.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    unmatched: &'a [String],
    /// Only with `--demand`.
    #[serde(skip_serializing_if = "Option::is_none")]
    demand: Option<crate::demand::DemandSummary>,
}

impl<'a> Document<'a> {
    pub(crate) fn new(report: &'a Report) -> Self {
        Document {
            schema_version: SCHEMA_VERSION,
            generated_at: whole_seconds(report.generated_at),
            status: report.overall(),
            summary: report.summary(),
            quotas: &report.rows,
            errors: &report.errors,
            unmatched: &report.unmatched,
            demand: report.demand,
        }
    }
}

/// RFC 3339 in UTC with whole seconds (`2026-11-22T10:00:00Z`): sub-second digits would only
/// make the field harder to compare and to read.
fn whole_seconds(at: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(at.as_second())
        .unwrap_or(at)
        .to_string()
}

pub(crate) fn render(report: &Report) -> io::Result<String> {
    let mut text = serde_json::to_string_pretty(&Document::new(report))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use serde::Deserialize;
    use serde::de::{IgnoredAny, MapAccess, Visitor};

    use super::*;
    use crate::output::sample_report;

    /// The keys of a JSON object in document order (serde_json's `Value` sorts them).
    struct Keys(Vec<String>);

    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeysVisitor;
            impl<'de> Visitor<'de> for KeysVisitor {
                type Value = Keys;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(key) = map.next_key::<String>()? {
                        map.next_value::<IgnoredAny>()?;
                        keys.push(key);
                    }
                    Ok(Keys(keys))
                }
            }
            deserializer.deserialize_map(KeysVisitor)
        }
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&sample_report()).expect("serialises"));
    }

    #[test]
    fn top_level_keys_in_spec_order() {
        let text = render(&sample_report()).expect("serialises");
        let keys: Keys = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            keys.0,
            [
                "schema_version",
                "generated_at",
                "status",
                "summary",
                "quotas",
                "errors"
            ]
        );
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn fields_match_the_spec() {
        let text = render(&sample_report()).expect("serialises");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(doc["schema_version"], 1);
        assert_eq!(doc["generated_at"], "2026-11-22T10:00:00Z");
        assert_eq!(doc["status"], "critical");
        assert_eq!(
            doc["summary"],
            serde_json::json!({"total": 5, "ok": 3, "warning": 1, "critical": 1, "failed_queries": 1})
        );

        #[derive(Deserialize)]
        struct Doc {
            quotas: Vec<Keys>,
            errors: Vec<Keys>,
        }
        let ordered: Doc = serde_json::from_str(&text).expect("valid JSON");
        let row = [
            "profile",
            "provider",
            "region",
            "service",
            "resource",
            "used",
            "limit",
            "min",
            "usage_percent",
            "left",
            "status",
            "warn",
            "crit",
            "trend",
        ];
        assert_eq!(ordered.quotas[1].0, row, "the documented example row");
        let mut changed = row.to_vec();
        changed.push("limit_changed");
        assert_eq!(
            ordered.quotas[0].0, changed,
            "limit_changed only when the limit changed"
        );
        let without_min: Vec<&str> = row.iter().copied().filter(|&k| k != "min").collect();
        assert_eq!(
            ordered.quotas[3].0, without_min,
            "min only where the API gives it"
        );
        assert_eq!(
            ordered.errors[0].0,
            [
                "profile",
                "provider",
                "region",
                "service",
                "kind",
                "http_status",
                "code",
                "message",
                "request_id"
            ]
        );

        let warning = &doc["quotas"][1];
        assert_eq!(warning["usage_percent"].to_string(), "90.0");
        assert_eq!(warning["warn"].to_string(), "80");
        let unlimited = &doc["quotas"][3];
        for key in ["limit", "usage_percent", "left"] {
            assert!(unlimited[key].is_null(), "{key}");
        }
        assert_eq!(unlimited["status"], "ok");
        assert!(unlimited["trend"].is_null());
        assert_eq!(
            doc["quotas"][4]["trend"],
            serde_json::json!({"per_day": 0.5, "days_to_full": 28, "full_at": "2026-12-20T10:00:00Z",
                "samples": 40, "since": "2026-10-31T10:00:00Z"})
        );
        assert_eq!(
            doc["quotas"][0]["limit_changed"],
            serde_json::json!({"from": 100, "to": 150, "at": "2026-11-22T09:45:00Z"})
        );
    }

    #[test]
    fn unknown_when_a_query_failed_and_nothing_is_critical() {
        let mut report = sample_report();
        report
            .rows
            .retain(|row| row.status != crate::quota::Status::Critical);
        let doc: serde_json::Value =
            serde_json::from_str(&render(&report).expect("serialises")).expect("valid JSON");
        assert_eq!(doc["status"], "unknown");
    }

    #[test]
    fn empty_report_has_empty_lists() {
        let mut report = sample_report();
        report.rows.clear();
        report.errors.clear();
        let doc: serde_json::Value =
            serde_json::from_str(&render(&report).expect("serialises")).expect("valid JSON");
        assert_eq!(doc["status"], "ok");
        assert_eq!(doc["quotas"], serde_json::json!([]));
        assert_eq!(doc["errors"], serde_json::json!([]));
    }
}
