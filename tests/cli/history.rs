//! The usage history, end to end: the real binary against the simulated cloud, with stores
//! pre-filled through the public schema (samples at past times, as a script or `sqlite3`
//! would write them). Forecasts are checked against a least-squares fit computed here, from
//! the samples themselves.

use std::path::{Path, PathBuf};
use std::process::Output;

use rusqlite::{Connection, params};
use serde_json::Value;

use crate::support::*;

const DAY: i64 = 86_400;

/// The public schema, exactly as documented; `user_version` left at 0 and no other object, as
/// someone else's tool would create it.
const PUBLIC_SCHEMA: &str = "CREATE TABLE samples (
  at          INTEGER NOT NULL,
  profile     TEXT NOT NULL,
  provider    TEXT NOT NULL,
  region      TEXT NOT NULL,
  service     TEXT NOT NULL,
  resource    TEXT NOT NULL,
  used        REAL NOT NULL,
  quota_limit REAL,
  status      TEXT
);
CREATE INDEX samples_by_key ON samples (profile, region, service, resource, at);";

/// Where a run records by default: `$XDG_STATE_HOME/headroom/history.sqlite`.
fn default_store(world: &World) -> PathBuf {
    world
        .dir
        .path()
        .join(".local/state/headroom/history.sqlite")
}

/// One past sample of `hw`'s quota `resource` in cn-north-4 (service from the resource).
#[derive(Clone, Copy, Debug)]
struct Past {
    at: i64,
    used: f64,
    limit: Option<f64>,
}

fn hw_service(resource: &str) -> &'static str {
    match resource {
        "vpc" | "securityGroupRule" | "vpcPeer" => "vpc",
        "endpoint" | "endpoint_service" => "vpcep",
        _ => "vpn",
    }
}

/// A store holding only the public table, with these samples of `hw` (NULL statuses).
fn prefill(path: &Path, resource: &str, samples: &[Past]) {
    let fresh = !path.exists();
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).unwrap();
    }
    let conn = Connection::open(path).unwrap();
    if fresh {
        conn.execute_batch(PUBLIC_SCHEMA).unwrap();
    }
    for s in samples {
        conn.execute(
            "INSERT INTO samples VALUES (?1, 'hw', 'huaweicloud', 'cn-north-4', ?2, ?3, ?4, ?5, NULL)",
            params![s.at, hw_service(resource), resource, s.used, s.limit],
        )
        .unwrap();
    }
}

/// (at, profile, resource, used, limit, status) of every sample, in time order.
type Row = (i64, String, String, f64, Option<f64>, Option<String>);

fn all_samples(path: &Path) -> Vec<Row> {
    let conn = Connection::open(path).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT at, profile, resource, used, quota_limit, status FROM samples ORDER BY at, rowid",
        )
        .unwrap();
    statement
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn generated_at(doc: &Value) -> i64 {
    doc["generated_at"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second()
}

/// Ordinary least squares, written out plainly: (slope per day, samples, first time).
fn least_squares(points: &[(i64, f64)]) -> f64 {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0 as f64).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let cov: f64 = points
        .iter()
        .map(|p| (p.0 as f64 - mean_x) * (p.1 - mean_y))
        .sum();
    let var: f64 = points.iter().map(|p| (p.0 as f64 - mean_x).powi(2)).sum();
    cov / var * DAY as f64
}

fn rfc3339(at: i64) -> String {
    jiff::Timestamp::from_second(at).unwrap().to_string()
}

fn run_with(world: &World, config: &Path, args: &[&str]) -> Output {
    world
        .headroom()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

/// The JSON document without what differs between two runs (the time, the trends).
fn comparable(output: &Output) -> Value {
    let mut doc = json(output);
    doc["generated_at"] = Value::Null;
    doc
}

#[test]
fn every_row_is_recorded_whatever_the_filters_in_a_private_store() {
    let world = World::standard();
    let all = world.run(&["-o", "json"]);
    let rows = json(&all)["quotas"].as_array().unwrap().len();
    let path = default_store(&world);
    assert_eq!(all_samples(&path).len(), rows);

    let filtered = world.run(&["-r", "vpn_gateway", "--problems", "-o", "json"]);
    assert_eq!(json(&filtered)["quotas"].as_array().unwrap().len(), 0);
    let samples = all_samples(&path);
    assert_eq!(
        samples.len(),
        2 * rows,
        "the filters only narrow the display"
    );
    let latest: Vec<_> = samples[rows..].iter().collect();
    let at = latest[0].0;
    assert!(latest.iter().all(|s| s.0 == at), "one time per run");
    assert_eq!(at, generated_at(&json(&filtered)));
    let sgr = latest.iter().find(|s| s.2 == "securityGroupRule").unwrap();
    assert_eq!(
        (sgr.3, sgr.4, sgr.5.as_deref()),
        (4500.0, Some(5000.0), Some("warning"))
    );
    let peer = latest.iter().find(|s| s.2 == "vpcPeer").unwrap();
    assert_eq!((peer.4, peer.5.as_deref()), (None, Some("ok")));

    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    // A failed query adds nothing for its rows.
    world.fake.add_fault(headroom::fake::Fault::always(
        headroom::fake::Service::Vpcep,
        headroom::fake::FaultKind::Html502,
    ));
    let failed = world.run(&["-o", "json"]);
    assert_eq!(code(&failed), 3);
    let vpcep_rows = 3; // hw endpoint, endpoint_service; otc endpoint
    assert_eq!(all_samples(&path).len(), 3 * rows - vpcep_rows);
    for secret in SECRETS {
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "a secret in the store"
        );
    }
}

#[test]
fn the_forecast_is_the_least_squares_line_through_the_window() {
    let world = World::standard();
    let path = default_store(&world);
    let t = now();
    // Two weeks of growth with noise, one sample 40 days ago (outside the 30-day window), and
    // one in the future (a clock that was ahead), which do not count.
    let mut past = vec![Past {
        at: t - 40 * DAY,
        used: 100.0,
        limit: Some(5000.0),
    }];
    for i in 0..14 {
        let noise = [0.0, 7.0, -5.0, 3.0][i % 4];
        past.push(Past {
            at: t - (14 - i as i64) * DAY + 3600 * (i as i64 % 3),
            used: 4100.0 + 28.0 * i as f64 + noise,
            limit: Some(5000.0),
        });
    }
    past.push(Past {
        at: t + 10 * DAY,
        used: 1.0,
        limit: Some(5000.0),
    });
    prefill(&path, "securityGroupRule", &past);
    let output = world.run(&["-o", "json", "-r", "securityGroupRule"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let doc = json(&output);
    let now = generated_at(&doc);
    let mut points: Vec<(i64, f64)> = past[1..15].iter().map(|p| (p.at, p.used)).collect();
    points.push((now, 4500.0));
    let slope = least_squares(&points);
    let trend = &row(&doc, "hw", "securityGroupRule")["trend"];
    let days = 500.0 / slope;
    assert!(
        (trend["per_day"].as_f64().unwrap() - slope).abs() <= 0.005 + 1e-9,
        "{trend} vs {slope}"
    );
    assert!((trend["days_to_full"].as_f64().unwrap() - days).abs() <= 0.005 + 1e-9);
    assert_eq!(trend["samples"], 15);
    assert_eq!(trend["since"], rfc3339(past[1].at));
    let full_at = trend["full_at"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second();
    assert!((full_at - (now + (days * DAY as f64).round() as i64)).abs() <= 1);
    // Two decimals at most.
    for field in ["per_day", "days_to_full"] {
        let text = trend[field].to_string();
        assert!(
            text.split('.').nth(1).is_none_or(|d| d.len() <= 2),
            "{field}: {text}"
        );
    }

    // A shorter window (config `defaults.forecast_window`) uses only its samples.
    let config = world.standard_config("defaults:\n  forecast_window: 7d\n");
    let output = run_with(&world, &config, &["-o", "json", "-r", "securityGroupRule"]);
    let doc = json(&output);
    let now7 = generated_at(&doc);
    let mut points: Vec<(i64, f64)> = all_samples(&path)
        .into_iter()
        .filter(|s| s.2 == "securityGroupRule" && s.0 >= now7 - 7 * DAY && s.0 <= now7)
        .map(|s| (s.0, s.3))
        .collect();
    // The store now holds this run's own sample too (the last at `now7`), which is the one
    // the run added to the fit.
    let own = points.iter().rposition(|p| *p == (now7, 4500.0)).unwrap();
    points.remove(own);
    points.push((now7, 4500.0));
    let trend = &row(&doc, "hw", "securityGroupRule")["trend"];
    assert_eq!(trend["samples"], points.len());
    let slope = least_squares(&points);
    assert!((trend["per_day"].as_f64().unwrap() - slope).abs() <= 0.005 + 1e-9);
}

#[test]
fn a_trend_needs_three_samples_over_a_day_and_a_forecast_a_limit_and_growth() {
    let world = World::standard();
    let path = default_store(&world);
    let t = now();
    let flat = |at, used| Past {
        at,
        used,
        limit: Some(150.0),
    };
    // vpc: one past sample only (with this run's, two): no trend.
    prefill(&path, "vpc", &[flat(t - 2 * DAY, 4.0)]);
    // customer_gateway: three within a day: no trend.
    prefill(
        &path,
        "customer_gateway",
        &[
            Past {
                at: t - 20 * 3600,
                used: 10.0,
                limit: Some(100.0),
            },
            Past {
                at: t - 10 * 3600,
                used: 11.0,
                limit: Some(100.0),
            },
        ],
    );
    // vpcPeer (unlimited): growing, so a trend but no forecast.
    let unlimited = |at, used| Past {
        at,
        used,
        limit: None,
    };
    prefill(
        &path,
        "vpcPeer",
        &[unlimited(t - 3 * DAY, 0.0), unlimited(t - 2 * DAY, 1.0)],
    );
    // vpn_connection: shrinking: a trend, no forecast.
    let falling = |at, used| Past {
        at,
        used,
        limit: Some(5000.0),
    };
    prefill(
        &path,
        "vpn_connection",
        &[falling(t - 3 * DAY, 400.0), falling(t - 2 * DAY, 350.0)],
    );
    let doc = json(&world.run(&["-o", "json"]));
    assert!(row(&doc, "hw", "vpc")["trend"].is_null());
    assert!(row(&doc, "hw", "customer_gateway")["trend"].is_null());
    let peer = &row(&doc, "hw", "vpcPeer")["trend"];
    assert!(peer["per_day"].as_f64().unwrap() > 0.0);
    assert!(peer["days_to_full"].is_null() && peer["full_at"].is_null());
    let shrinking = &row(&doc, "hw", "vpn_connection")["trend"];
    assert!(shrinking["per_day"].as_f64().unwrap() < 0.0);
    assert!(shrinking["days_to_full"].is_null());
    // No forecast anywhere: no FULL IN column.
    let table = stdout(&world.run(&[]));
    assert!(!table.contains("FULL IN"), "{table}");
}

/// `securityGroupRule` growing 50 a day up to 4500 of 5000 now: full in about 10 days.
fn ten_days_to_full(world: &World) {
    let t = now();
    let past: Vec<Past> = (1..=6)
        .map(|d| Past {
            at: t - d * DAY,
            used: 4500.0 - 50.0 * d as f64,
            limit: Some(5000.0),
        })
        .collect();
    prefill(&default_store(world), "securityGroupRule", &past);
}

#[test]
fn the_table_shows_full_in_and_the_summary_counts_what_fills_within_two_weeks() {
    let world = World::standard();
    ten_days_to_full(&world);
    let output = world.run(&[]);
    let out = stdout(&output);
    let header = out.lines().next().unwrap();
    assert!(
        header.contains("LEFT  FULL IN  STATUS"),
        "FULL IN after LEFT: {out}"
    );
    let line = out
        .lines()
        .find(|l| l.contains("securityGroupRule"))
        .unwrap();
    assert!(
        line.contains(" 9d  warning") || line.contains(" 10d  warning"),
        "{line}"
    );
    assert!(
        out.lines()
            .find(|l| l.contains("vpcPeer"))
            .unwrap()
            .contains("  -  ok")
    );
    assert!(out.trim_end().ends_with("; 1 full within 14 days"), "{out}");
    assert_eq!(code(&output), 1, "the forecast alone changes no status");

    // CSV: per_day,days_to_full after the base columns, need,shortfall after them.
    let csv = stdout(&world.run(&["-o", "csv"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "profile,provider,region,service,resource,used,limit,usage_percent,left,status,per_day,days_to_full"
    );
    let sgr = csv
        .lines()
        .find(|l| l.contains("securityGroupRule"))
        .unwrap();
    let cells: Vec<&str> = sgr.split(',').collect();
    assert_eq!(cells.len(), 12);
    assert_eq!(cells[10], "50");
    assert!(
        cells[11].starts_with("9.") || cells[11].starts_with("10"),
        "{sgr}"
    );
    let vpc = csv.lines().find(|l| l.contains(",vpc,vpc,")).unwrap();
    assert!(vpc.ends_with(",ok,,"), "{vpc}");
    let demand = world.dir.path().join("demand.yaml");
    std::fs::write(
        &demand,
        "demand:\n  - {profile: hw, service: vpc, resource: securityGroupRule, need: 10}\n",
    )
    .unwrap();
    let csv = stdout(&world.run(&["-o", "csv", "--demand", demand.to_str().unwrap()]));
    assert!(
        csv.starts_with(
            "profile,provider,region,service,resource,used,limit,usage_percent,left,status,per_day,days_to_full,need,shortfall\n"
        ),
        "{csv}"
    );
    // Prometheus and Nagios do not change.
    let prom = stdout(&world.run(&["-o", "prometheus"]));
    assert!(!prom.contains("days") && !prom.contains("per_day"));
}

#[test]
fn time_thresholds_are_opt_in_and_follow_the_specificity_rule() {
    let world = World::standard();
    ten_days_to_full(&world);
    let sgr = |output: &Output| row(&json(output), "hw", "securityGroupRule")["status"].clone();
    let output = world.run(&["-o", "json", "--crit-days", "12"]);
    assert_eq!(sgr(&output), "critical");
    assert_eq!(code(&output), 2);
    assert_eq!(
        row(&json(&output), "hw", "securityGroupRule")["crit_days"],
        12
    );
    let output = world.run(&["-o", "json", "--warn-days", "5", "--crit-days", "7"]);
    assert_eq!(sgr(&output), "warning", "the worse of percent and days");
    // The config: defaults, and a more specific threshold key.
    let config = world.standard_config(
        "defaults:\n  warn_days: 30\n  crit_days: 11\nthresholds:\n  \"hw:vpc/securityGroupRule\": { crit_days: 3 }\n",
    );
    let output = run_with(&world, &config, &["-o", "json"]);
    assert_eq!(
        sgr(&output),
        "warning",
        "crit_days 3 of the specific key wins"
    );
    let config = world.standard_config("defaults:\n  crit_days: 11\n");
    let output = run_with(&world, &config, &["-o", "json"]);
    assert_eq!(sgr(&output), "critical");
    assert_eq!(code(&output), 2);
    let bad = run_with(&world, &config, &["--warn-days", "-1"]);
    assert_eq!(code(&bad), 3);
    let config = world.standard_config("defaults:\n  crit_days: lots\n");
    let bad = run_with(&world, &config, &[]);
    assert_eq!(code(&bad), 3);
    assert!(
        stderr(&bad).contains("config.yaml:") && stderr(&bad).contains("crit_days"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn a_changed_limit_is_shown_from_and_to() {
    let world = World::standard();
    let t = now();
    let path = default_store(&world);
    prefill(
        &path,
        "securityGroupRule",
        &[Past {
            at: t - 3600,
            used: 4400.0,
            limit: Some(4000.0),
        }],
    );
    prefill(
        &path,
        "vpcPeer",
        &[Past {
            at: t - 3600,
            used: 3.0,
            limit: Some(10.0),
        }],
    );
    let doc = json(&world.run(&["-o", "json"]));
    assert_eq!(
        row(&doc, "hw", "securityGroupRule")["limit_changed"],
        serde_json::json!({"from": 4000, "to": 5000, "at": rfc3339(t - 3600)})
    );
    assert_eq!(
        row(&doc, "hw", "vpcPeer")["limit_changed"],
        serde_json::json!({"from": 10, "to": null, "at": rfc3339(t - 3600)})
    );
    assert!(row(&doc, "hw", "vpc").get("limit_changed").is_none());
    // The next run compares with this one's sample: nothing changed any more.
    let out = stdout(&world.run(&[]));
    assert!(!out.contains('→'), "{out}");
    prefill(
        &path,
        "securityGroupRule",
        &[Past {
            at: now() + 1,
            used: 4400.0,
            limit: Some(4000.0),
        }],
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = stdout(&world.run(&[]));
    assert!(out.contains("4000→5000"), "{out}");
}

#[test]
fn samples_from_before_a_limit_change_count_and_a_limit_may_come_from_unlimited() {
    let world = World::standard();
    let t = now();
    let path = default_store(&world);
    // 50 a day for six days; the limit was 4000, then 5000, then (the last sample) none; two
    // samples in one second both stay and both count.
    let limits = [4000.0, 4000.0, 4000.0, 5000.0, 5000.0];
    let mut past: Vec<Past> = (2..=6)
        .rev()
        .zip(limits)
        .map(|(d, limit)| Past {
            at: t - d * DAY,
            used: 4500.0 - 50.0 * d as f64,
            limit: Some(limit),
        })
        .collect();
    past.push(Past {
        at: t - 2 * DAY,
        used: 4400.0,
        limit: Some(5000.0),
    });
    past.push(Past {
        at: t - DAY,
        used: 4450.0,
        limit: None,
    });
    prefill(&path, "securityGroupRule", &past);
    let output = world.run(&["-o", "json", "-r", "securityGroupRule"]);
    let doc = json(&output);
    let now = generated_at(&doc);
    let row = row(&doc, "hw", "securityGroupRule");
    assert_eq!(
        row["limit_changed"],
        serde_json::json!({"from": null, "to": 5000, "at": rfc3339(t - DAY)})
    );
    let mut points: Vec<(i64, f64)> = past.iter().map(|p| (p.at, p.used)).collect();
    points.push((now, 4500.0));
    let trend = &row["trend"];
    assert_eq!(trend["samples"], points.len(), "{trend}");
    assert_eq!(trend["per_day"], 50, "{trend}");
    let same_second = all_samples(&path)
        .iter()
        .filter(|s| s.2 == "securityGroupRule" && s.0 == t - 2 * DAY)
        .count();
    assert_eq!(same_second, 2, "both stay");
}

#[test]
fn headroom_history_reads_a_store_made_elsewhere_without_its_index_as_it_is() {
    let world = World::standard();
    let path = world.dir.path().join("elsewhere.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(PUBLIC_SCHEMA.split("CREATE INDEX").next().unwrap())
        .unwrap();
    drop(conn);
    ten_days_to_full_at(&path);
    let before = std::fs::read(&path).unwrap();
    let output = world.run(&["history", "-o", "json", "--history", path.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let doc: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let key = &doc[0];
    assert_eq!(key["count"], 6);
    assert_eq!(key["used"], 4450);
    assert_eq!(key["lowest"], 4200);
    assert_eq!(key["highest"], 4450);
    assert_eq!(key["trend"]["per_day"], 50);
    let spark = key["sparkline"].as_str().unwrap();
    // Six days of samples in slices of 36 hours: five or six slices hold one.
    let filled = spark.chars().filter(|c| *c != ' ').count();
    assert!(
        spark.chars().count() == 20 && (5..=6).contains(&filled) && spark.ends_with('▇'),
        "{spark:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "read, not written");

    // An empty file, and a store with the table and no sample: nothing yet, exit 0.
    for (name, schema) in [("empty.sqlite", ""), ("no-samples.sqlite", PUBLIC_SCHEMA)] {
        let path = world.dir.path().join(name);
        std::fs::write(&path, "").unwrap();
        if !schema.is_empty() {
            Connection::open(&path)
                .unwrap()
                .execute_batch(schema)
                .unwrap();
        }
        let output = world.run(&["history", "--history", path.to_str().unwrap()]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        assert!(
            stdout(&output).contains("no samples yet"),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn the_previous_sample_is_the_latest_however_many_runs_came_after_it() {
    let world = World::standard();
    let t = now();
    let path = default_store(&world);
    // securityGroupRule's last sample is older than a dozen runs that did not answer it.
    prefill(
        &path,
        "securityGroupRule",
        &[Past {
            at: t - 20 * DAY,
            used: 4400.0,
            limit: Some(4000.0),
        }],
    );
    for day in (1..=12).rev() {
        prefill(
            &path,
            "endpoint",
            &[Past {
                at: t - day * DAY,
                used: 1.0,
                limit: Some(50.0),
            }],
        );
    }
    // Two samples of vpc in one second: the one written last is the previous one.
    let same_second = [150.0, 120.0].map(|limit| Past {
        at: t - DAY / 2,
        used: 4.0,
        limit: Some(limit),
    });
    prefill(&path, "vpc", &same_second);
    // A sample from a clock that was ahead does not count.
    prefill(
        &path,
        "vpcPeer",
        &[
            Past {
                at: t - 3600,
                used: 3.0,
                limit: Some(10.0),
            },
            Past {
                at: t + 3600,
                used: 3.0,
                limit: Some(99.0),
            },
        ],
    );
    let doc = json(&world.run(&["-o", "json"]));
    assert_eq!(
        row(&doc, "hw", "securityGroupRule")["limit_changed"],
        serde_json::json!({"from": 4000, "to": 5000, "at": rfc3339(t - 20 * DAY)})
    );
    assert_eq!(
        row(&doc, "hw", "vpc")["limit_changed"],
        serde_json::json!({"from": 120, "to": 150, "at": rfc3339(t - DAY / 2)})
    );
    assert_eq!(
        row(&doc, "hw", "vpcPeer")["limit_changed"],
        serde_json::json!({"from": 10, "to": null, "at": rfc3339(t - 3600)})
    );
}

#[test]
fn changes_shows_only_news_and_the_whole_run_decides_the_exit_code() {
    let world = World::standard();
    // No history: every row is seen for the first time.
    let first = world.run(&["--changes"]);
    assert_eq!(code(&first), 1);
    assert!(stdout(&first).contains("securityGroupRule"));
    // Nothing changed: nothing on stdout, the same exit code.
    let quiet = world.run(&["--changes"]);
    assert_eq!(code(&quiet), 1);
    assert_eq!(stdout(&quiet), "");
    let doc = json(&world.run(&["--changes", "-o", "json"]));
    assert_eq!(doc["quotas"], serde_json::json!([]));
    assert_eq!(doc["status"], "warning");
    assert_eq!(doc["summary"]["total"], 12);
    assert_eq!(doc["summary"]["warning"], 1);
    assert_eq!(
        stdout(&world.run(&["--changes", "-o", "csv"]))
            .lines()
            .count(),
        1,
        "the header only"
    );
    let nagios = stdout(&world.run(&["--changes", "-o", "nagios"]));
    assert_eq!(nagios.lines().count(), 1, "{nagios}");
    assert!(nagios.starts_with("HEADROOM WARNING - 0 critical, 1 warning, 0 failed of 12 quotas"));

    // A raised limit and a status that moved: those rows only.
    world
        .fake
        .set_ccn_total(ALI_KEY, "cn-shanghai", 7)
        .then_some(())
        .unwrap();
    let changed = world.run(&["--changes"]);
    let out = stdout(&changed);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains("10→7") && out.contains("warning"), "{out}");
    assert!(
        out.ends_with("12 quotas: 0 critical, 2 warning, 10 ok\n"),
        "{out}"
    );
    assert_eq!(code(&changed), 1);
    let nagios = stdout(&world.run(&["--changes", "-o", "nagios"]));
    assert_eq!(
        nagios.lines().count(),
        1,
        "the ccn change is already recorded"
    );

    // A status that moved alone (a lower warning threshold): in Nagios, the detail lines of
    // those rows; every row is recorded whatever --changes shows.
    let path = default_store(&world);
    let before = count_samples(&path);
    let nagios = world.run(&["--changes", "-o", "nagios", "--warn", "1"]);
    let out = stdout(&nagios);
    let details: Vec<&str> = out.lines().skip(1).collect();
    assert!(!details.is_empty(), "{out}");
    assert!(
        details
            .iter()
            .all(|l| l.starts_with("WARNING: ") && !l.contains("securityGroupRule")),
        "only the rows whose status moved (securityGroupRule was a warning already): {out}"
    );
    assert_eq!(count_samples(&path), before + 12, "every row recorded");
    // Back to the usual thresholds: the same rows moved back, in YAML the whole document with
    // only them in `quotas`.
    let yaml = world.run(&["--changes", "-o", "yaml"]);
    let doc: Value = serde_yaml::from_str(&stdout(&yaml)).unwrap();
    let quotas = doc["quotas"].as_array().unwrap();
    assert_eq!(quotas.len(), details.len(), "{}", stdout(&yaml));
    assert!(
        quotas
            .iter()
            .all(|q| q["status"] == "ok" && q.get("limit_changed").is_none()),
        "{}",
        stdout(&yaml)
    );
    assert_eq!(doc["summary"]["total"], 12);
    assert_eq!(doc["status"], "warning");

    // A failed query is reported as always, and the table prints.
    world.fake.add_fault(headroom::fake::Fault::always(
        headroom::fake::Service::Vpcep,
        headroom::fake::FaultKind::Html502,
    ));
    let failed = world.run(&["--changes"]);
    assert_eq!(code(&failed), 3);
    assert!(
        stdout(&failed).contains("queries failed"),
        "{}{}",
        stdout(&failed),
        stderr(&failed)
    );
    assert!(stderr(&failed).contains("vpcep"));

    // A recorded status that is NULL is computed from today's thresholds.
    let path = default_store(&world);
    prefill(
        &path,
        "vpc",
        &[Past {
            at: now() + 1,
            used: 4.0,
            limit: Some(150.0),
        }],
    );
    world.fake.clear_faults();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = stdout(&world.run(&["--changes", "-s", "vpc", "-p", "hw"]));
    assert_eq!(out, "", "{out}");

    let prom = world.run(&["--changes", "-o", "prometheus"]);
    assert_eq!(code(&prom), 3);
    assert!(stderr(&prom).contains("--changes"), "{}", stderr(&prom));
    assert_eq!(stdout(&prom), "");
}

/// What `--no-history` prints, to compare a run with a broken store against.
fn without_history(world: &World) -> (Value, i32) {
    let output = world.run(&["-o", "json", "--no-history"]);
    (comparable(&output), code(&output))
}

fn assert_like_no_history(world: &World, output: &Output, path: &Path) {
    let (expected, expected_code) = without_history(world);
    assert_eq!(comparable(output), expected);
    assert_eq!(code(output), expected_code);
    let err = stderr(output);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains(&path.display().to_string()), "{err}");
    assert!(
        warnings[0].contains("--no-history") || warnings[0].contains("elsewhere"),
        "says what to do: {err}"
    );
}

#[test]
fn a_store_that_is_not_a_database_is_left_as_it_is() {
    let world = World::standard();
    let path = world.dir.path().join("history.sqlite");
    let text = b"these are my notes, not a database\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &path);
    assert!(stderr(&output).contains("not a SQLite database"));
    assert_eq!(std::fs::read(&path).unwrap(), text);
    // The table and its exit code too.
    let table = world.run(&["--history", path.to_str().unwrap()]);
    let plain = world.run(&["--no-history"]);
    assert_eq!(stdout(&table), stdout(&plain));
    assert_eq!(code(&table), code(&plain));
}

#[test]
fn a_damaged_store_is_left_exactly_as_it_was() {
    let world = World::standard();
    let path = world.dir.path().join("history.sqlite");
    for _ in 0..3 {
        world.run(&["--history", path.to_str().unwrap()]);
    }
    ten_days_to_full_at(&path);
    // Garbage over every page but the first (the schema stays readable).
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "a store of several pages");
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i * 7 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &path);
    assert!(stderr(&output).contains("damaged"), "{}", stderr(&output));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // Cut short.
    let cut = world.dir.path().join("cut.sqlite");
    world.run(&["--history", cut.to_str().unwrap()]);
    let whole = std::fs::read(&cut).unwrap();
    let half = &whole[..whole.len() / 2];
    std::fs::write(&cut, half).unwrap();
    let output = world.run(&["-o", "json", "--history", cut.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &cut);
    assert_eq!(std::fs::read(&cut).unwrap(), half);
}

fn ten_days_to_full_at(path: &Path) {
    let t = now();
    let conn = Connection::open(path).unwrap();
    for d in 1..=6 {
        conn.execute(
            "INSERT INTO samples VALUES (?1, 'hw', 'huaweicloud', 'cn-north-4', 'vpc', 'securityGroupRule', ?2, 5000, NULL)",
            params![t - d * DAY, 4500.0 - 50.0 * d as f64],
        )
        .unwrap();
    }
}

/// A store as another run leaves it when it is stopped while copying its write-ahead log into
/// the file: the first page (with the new size) already copied, the rest still in the log.
fn halfway_through_a_checkpoint(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )
    .unwrap();
    let t = now();
    conn.execute_batch("BEGIN").unwrap();
    for i in 0..3000 {
        conn.execute(
            "INSERT INTO samples VALUES (?1, 'other', 'huaweicloud', 'cn-north-4', 'vpc', ?2, 1, 10, 'ok')",
            params![t - 3600, format!("padding-{i}")],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    drop(conn);
    let wal = std::fs::read(format!("{}-wal", path.display())).unwrap();
    let page_size = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
    let first_page = wal[32..]
        .chunks(24 + page_size)
        .rfind(|frame| frame.len() == 24 + page_size && frame[..4] == 1u32.to_be_bytes())
        .expect("the log holds the first page")[24..]
        .to_vec();
    let mut file = std::fs::read(path).unwrap();
    file[..page_size].copy_from_slice(&first_page);
    std::fs::write(path, &file).unwrap();
    let pages = u32::from_be_bytes(file[28..32].try_into().unwrap()) as usize;
    assert!(
        pages * page_size > file.len(),
        "the header says more than the file holds"
    );
}

#[test]
fn a_store_halfway_through_another_runs_checkpoint_is_not_damaged() {
    let world = World::standard();
    let path = world.dir.path().join("history.sqlite");
    world.run(&["--history", path.to_str().unwrap()]);
    ten_days_to_full_at(&path);
    halfway_through_a_checkpoint(&path);
    let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_eq!(stderr(&output), "", "not damaged");
    let doc = json(&output);
    let trend = &row(&doc, "hw", "securityGroupRule")["trend"];
    assert_eq!(trend["per_day"], 50, "{trend}");
    // SQLite finished the copy: the file is whole again, and holds every sample.
    let count: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM samples WHERE resource LIKE 'padding-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count, 3000);
    let again = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_eq!(stderr(&again), "");

    // The same file without its log is damaged: nothing can finish the copy.
    let lost = world.dir.path().join("lost.sqlite");
    world.run(&["--history", lost.to_str().unwrap()]);
    halfway_through_a_checkpoint(&lost);
    std::fs::remove_file(format!("{}-wal", lost.display())).unwrap();
    let _ = std::fs::remove_file(format!("{}-shm", lost.display()));
    let bytes = std::fs::read(&lost).unwrap();
    let output = world.run(&["-o", "json", "--history", lost.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &lost);
    assert!(stderr(&output).contains("damaged"), "{}", stderr(&output));
    assert_eq!(std::fs::read(&lost).unwrap(), bytes);

    // Cut short beside a log that does not hold the missing pages (left by a crash, say): the
    // check before any write finds it damaged, and nothing is written to it.
    let cut = world.dir.path().join("cut.sqlite");
    for _ in 0..3 {
        world.run(&["--history", cut.to_str().unwrap()]);
    }
    ten_days_to_full_at(&cut);
    halfway_through_a_checkpoint(&cut);
    let whole = std::fs::read(&cut).unwrap();
    let page_size = usize::from(u16::from_be_bytes([whole[16], whole[17]]));
    std::fs::write(&cut, &whole[..2 * page_size]).unwrap();
    let bytes = std::fs::read(&cut).unwrap();
    let output = world.run(&["-o", "json", "--history", cut.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &cut);
    assert!(stderr(&output).contains("damaged"), "{}", stderr(&output));
    assert!(
        std::fs::read(&cut).unwrap() == bytes,
        "the file was changed"
    );
}

/// How many samples the store holds.
fn count_samples(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM samples", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_store_another_run_keeps_locked_still_forecasts_and_says_why_nothing_was_recorded() {
    let world = World::standard();
    // A store headroom has written (in WAL mode, its own tables there), and one filled
    // elsewhere that headroom has yet to switch to WAL and add its tables to.
    let written = world.dir.path().join("written.sqlite");
    world.run(&["--history", written.to_str().unwrap()]);
    ten_days_to_full_at(&written);
    ten_days_to_full(&world);
    let filled_elsewhere = default_store(&world);
    for path in [written, filled_elsewhere] {
        let before = count_samples(&path);
        let holder = Connection::open(&path).unwrap();
        holder
            .execute_batch(
                "BEGIN IMMEDIATE;
                 INSERT INTO samples VALUES (0, 'x', 'otc', 'x', 'x', 'x', 1, 1, NULL);",
            )
            .unwrap();
        let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
        holder.execute_batch("ROLLBACK").unwrap();
        drop(holder);
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("was kept locked by another run for more than 4 seconds")
                && err.contains("this run was not recorded")
                && err.contains(&path.display().to_string()),
            "{err}"
        );
        let doc = json(&output);
        let trend = &row(&doc, "hw", "securityGroupRule")["trend"];
        assert_eq!(trend["per_day"], 50, "the forecast reads it: {trend}");
        assert_eq!(code(&output), 1);
        assert_eq!(count_samples(&path), before, "nothing recorded");
        // Once the other run is done, runs record again.
        let next = world.run(&["--history", path.to_str().unwrap()]);
        assert_eq!(stderr(&next), "");
        assert!(count_samples(&path) > before);
    }
}

#[test]
fn a_sample_of_the_wrong_type_is_named_with_the_query_that_finds_it() {
    let world = World::standard();
    let path = default_store(&world);
    prefill(&path, "vpc", &[]);
    // A script that wrote Python's time.time(): a real number of seconds.
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO samples VALUES (?1, 'hw', 'huaweicloud', 'cn-north-4', 'vpc', 'vpc', 4, 150, NULL)",
            [now() as f64 - 3600.5],
        )
        .unwrap();
    let output = world.run(&["-o", "json"]);
    assert_like_no_history(&world, &output, &path);
    let err = stderr(&output);
    assert!(
        err.contains("a sample's `at` holds a real number")
            && err.contains("SELECT rowid, * FROM samples WHERE typeof(at) NOT IN ('integer')"),
        "{err}"
    );
}

#[test]
fn a_store_another_run_keeps_from_being_read_is_a_warning_and_nothing_else() {
    let world = World::standard();
    ten_days_to_full(&world);
    let path = default_store(&world);
    // A writer in the middle of its commit (rollback journal): nobody may read for now.
    let holder = Connection::open(&path).unwrap();
    holder
        .execute_batch(
            "BEGIN EXCLUSIVE;
             INSERT INTO samples VALUES (0, 'x', 'otc', 'x', 'x', 'x', 1, 1, NULL);",
        )
        .unwrap();
    let output = world.run(&["-o", "json"]);
    holder.execute_batch("ROLLBACK").unwrap();
    assert_like_no_history(&world, &output, &path);
    let err = stderr(&output);
    assert!(
        err.contains("was kept locked by another run for more than 4 seconds")
            && err.contains("could not be read"),
        "{err}"
    );
}

#[test]
fn a_samples_table_dropped_and_made_again_starts_a_new_history() {
    let world = World::standard();
    let path = world.dir.path().join("history.sqlite");
    world.run(&["--history", path.to_str().unwrap()]);
    ten_days_to_full_at(&path);
    world.run(&["--history", path.to_str().unwrap()]);
    // Someone empties the history their own way: the triggers and the time index go with the
    // table, headroom's sums stay behind.
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!("DROP TABLE samples; {PUBLIC_SCHEMA}"))
        .unwrap();
    let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_eq!(stderr(&output), "");
    let doc = json(&output);
    let trend = &row(&doc, "hw", "securityGroupRule")["trend"];
    assert!(trend.is_null(), "one sample is no trend: {trend}");
    let shown = json(&world.run(&["history", "-o", "json", "--history", path.to_str().unwrap()]));
    for key in shown.as_array().unwrap() {
        assert_eq!(key["samples"].as_array().unwrap().len(), 1, "{key}");
    }
}

#[test]
fn a_store_from_a_newer_headroom_is_left_as_it_is() {
    let world = World::standard();
    let path = world.dir.path().join("history.sqlite");
    prefill(&path, "vpc", &[]);
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 2")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &path);
    assert!(
        stderr(&output).contains("schema version 2"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_folder_that_cannot_be_created_is_a_warning_and_nothing_elsewhere() {
    let world = World::standard();
    let blocker = world.dir.path().join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let path = blocker.join("sub").join("history.sqlite");
    let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
    assert_like_no_history(&world, &output, &blocker.join("sub"));
    assert!(!default_store(&world).exists(), "no fallback elsewhere");
    // With the default place blocked the same way.
    let state = world.dir.path().join(".local/state");
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    std::fs::write(&state, "not a folder").unwrap();
    let output = world.run(&["-o", "json"]);
    assert_like_no_history(&world, &output, &state.join("headroom"));
}

#[cfg(unix)]
/// Makes `path` unwritable even for root (`chattr +i`), or by its mode for anyone else.
/// Returns false when neither works here.
fn make_read_only(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { 0o555 } else { 0o444 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    let probe = if path.is_dir() {
        std::fs::write(path.join(".probe"), "x").is_ok()
    } else {
        std::fs::OpenOptions::new().append(true).open(path).is_ok()
    };
    if !probe {
        return true;
    }
    let _ = std::fs::remove_file(path.join(".probe"));
    std::process::Command::new("chattr")
        .arg("+i")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(path)
        .status();
    let mode = if path.is_dir() { 0o700 } else { 0o600 };
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(unix)]
#[test]
fn a_read_only_store_still_forecasts_and_says_this_run_was_not_recorded() {
    for folder_only in [false, true] {
        let world = World::standard();
        let folder = world.dir.path().join("ro");
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("history.sqlite");
        world.run(&["--history", path.to_str().unwrap()]);
        ten_days_to_full_at(&path);
        let target = if folder_only {
            folder.clone()
        } else {
            path.clone()
        };
        if !make_read_only(&target) {
            eprintln!("note: cannot make a file read-only here; read-only store not tested");
            return;
        }
        let before = std::fs::read(&path).unwrap();
        let listing = |f: &Path| {
            let mut names: Vec<_> = std::fs::read_dir(f)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            names
        };
        let files = listing(&folder);
        let output = world.run(&["-o", "json", "--history", path.to_str().unwrap()]);
        make_writable(&target);
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("this run was not recorded") && err.contains(&path.display().to_string()),
            "{err}"
        );
        let doc = json(&output);
        let trend = &row(&doc, "hw", "securityGroupRule")["trend"];
        assert_eq!(trend["per_day"], 50, "the forecast reads it: {trend}");
        assert_eq!(code(&output), 1);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        if !folder_only {
            assert_eq!(listing(&folder), files, "nothing created beside it");
        }
    }
}

#[test]
fn concurrent_runs_both_record_everything() {
    let world = World::standard();
    world.fake.set_latency(std::time::Duration::from_millis(50));
    let config = world.standard_config("");
    let path = default_store(&world);
    world.run(&[]);
    let before = all_samples(&path).len();
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("headroom"))
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", world.dir.path())
                .env("XDG_STATE_HOME", world.dir.path().join(".local/state"))
                .env("ALI_SECRET", ALI_SECRET)
                .env("HW_SECRET", HW_SECRET)
                .env("OTC_SECRET", OTC_SECRET)
                .arg("--config")
                .arg(&config)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let started = std::time::Instant::now();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        assert_eq!(stderr(&output), "", "no warning, no wait");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(all_samples(&path).len(), before * 5);
}

#[test]
fn retention_deletes_the_expired_and_thins_the_old_to_the_days_highest() {
    let world = World::standard();
    let path = default_store(&world);
    let t = now();
    let today = t - t.rem_euclid(DAY);
    let at = |days_ago: i64, hour: i64| today - days_ago * DAY + hour * 3600;
    let s = |at, used| Past {
        at,
        used,
        limit: Some(150.0),
    };
    prefill(
        &path,
        "vpc",
        &[
            s(at(500, 1), 1.0), // older than 400 days: deleted
            s(at(50, 1), 3.0),  // 50 days ago: thinned to the 7 at 13:00
            s(at(50, 13), 7.0),
            s(at(50, 20), 5.0),
            s(at(40, 2), 2.0), // one a day already
            s(at(10, 1), 3.0), // recent: all kept
            s(at(10, 2), 3.0),
            s(at(10, 3), 4.0),
        ],
    );
    world.run(&[]);
    let vpc: Vec<(i64, f64)> = all_samples(&path)
        .into_iter()
        .filter(|s| s.2 == "vpc")
        .map(|s| (s.0, s.3))
        .collect();
    assert_eq!(
        &vpc[..5],
        &[
            (at(50, 13), 7.0),
            (at(40, 2), 2.0),
            (at(10, 1), 3.0),
            (at(10, 2), 3.0),
            (at(10, 3), 4.0)
        ],
        "{vpc:?}"
    );
    assert_eq!(vpc.len(), 6, "and this run's");

    // Written later at an old time, by someone else: thinned at the next run too.
    prefill(
        &path,
        "vpc",
        &[s(at(50, 22), 9.0), s(at(45, 1), 1.0), s(at(45, 2), 1.0)],
    );
    // A shorter `keep` deletes more.
    let config = world.standard_config("history:\n  keep: 48d\n");
    run_with(&world, &config, &[]);
    let vpc: Vec<(i64, f64)> = all_samples(&path)
        .into_iter()
        .filter(|s| s.2 == "vpc" && s.0 < at(30, 0))
        .map(|s| (s.0, s.3))
        .collect();
    assert_eq!(vpc, [(at(45, 2), 1.0), (at(40, 2), 2.0)], "{vpc:?}");
    // The forecast after thinning (over a window that reaches the thinned days) is the line
    // through the samples that are left: headroom's per-day and per-hour sums lost exactly
    // the samples that went.
    let config = world.standard_config("defaults:\n  forecast_window: 60d\n");
    let output = run_with(&world, &config, &["-o", "json", "-r", "vpc", "-p", "hw"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let doc = json(&output);
    let now = generated_at(&doc);
    // The store holds this run's sample too, and the earlier runs' (perhaps in this second).
    let points: Vec<(i64, f64)> = all_samples(&path)
        .into_iter()
        .filter(|s| s.1 == "hw" && s.2 == "vpc" && s.0 >= now - 60 * DAY && s.0 <= now)
        .map(|s| (s.0, s.3))
        .collect();
    let trend = &row(&doc, "hw", "vpc")["trend"];
    assert_eq!(trend["samples"], points.len(), "{trend}");
    let slope = least_squares(&points);
    assert!(
        (trend["per_day"].as_f64().unwrap() - slope).abs() <= 0.005 + 1e-9,
        "{trend} vs {slope}"
    );
    assert_eq!(trend["since"], rfc3339(at(45, 2)));
}

#[test]
fn history_config_and_flags() {
    let world = World::standard();
    // Off in the config: nothing is written.
    let config = world.standard_config("history:\n  enabled: false\n");
    let output = run_with(&world, &config, &[]);
    assert_eq!(code(&output), 1);
    assert!(!default_store(&world).exists());
    // --no-history: nothing either; --history PATH: there.
    world.run(&["--no-history"]);
    assert!(!default_store(&world).exists());
    let elsewhere = world.dir.path().join("elsewhere/h.sqlite");
    world.run(&["--history", elsewhere.to_str().unwrap()]);
    assert!(elsewhere.exists() && !default_store(&world).exists());
    // A relative path is taken from the config's folder.
    let config = world.standard_config("history:\n  path: kept/history.sqlite\n  keep: 30d\n");
    run_with(&world, &config, &[]);
    assert!(world.dir.path().join("kept/history.sqlite").exists());
    // Located errors, with a "did you mean".
    let config = world.standard_config("history:\n  kepp: 30d\n");
    let bad = run_with(&world, &config, &[]);
    assert_eq!(code(&bad), 3);
    assert!(
        stderr(&bad).contains("did you mean `keep`"),
        "{}",
        stderr(&bad)
    );
    let config = world.standard_config("history:\n  keep: 400x\n");
    let bad = run_with(&world, &config, &[]);
    assert_eq!(code(&bad), 3);
    assert!(
        stderr(&bad).contains("config.yaml:") && stderr(&bad).contains("history.keep"),
        "{}",
        stderr(&bad)
    );
    let config = world.standard_config("defaults:\n  forecast_window: soon\n");
    assert_eq!(code(&run_with(&world, &config, &[])), 3);
    let both = world.run(&["--history", "x", "--no-history"]);
    assert_eq!(code(&both), 3);
}

#[test]
fn headroom_history_reads_the_store_only() {
    let world = World::standard();
    let path = default_store(&world);
    // Missing store: says so and how it fills, exit 0.
    let empty = world.run(&["history"]);
    assert_eq!(code(&empty), 0);
    assert!(
        stdout(&empty).contains("no samples yet"),
        "{}",
        stdout(&empty)
    );
    assert!(!path.exists(), "reading creates nothing");

    ten_days_to_full(&world);
    // A profile that is no longer in the config.
    let t = now();
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO samples VALUES (?1, 'old-team', 'otc', 'eu-nl', 'vpc', 'vpc', 2, 5, 'ok')",
            [t - DAY],
        )
        .unwrap();
    world.run(&[]);
    let requests = world.fake.requests().len();
    let output = world.run(&["history"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(world.fake.requests().len(), requests, "no query sent");
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("PROFILE") && lines[0].contains("FULL IN"),
        "{out}"
    );
    assert_eq!(lines.len(), 1 + 13 + 1, "{out}");
    let sgr = lines
        .iter()
        .find(|l| l.contains("securityGroupRule"))
        .unwrap();
    assert!(
        sgr.contains(" 7 ") && sgr.contains("4500 of 5000") && sgr.contains("50"),
        "{sgr}"
    );
    let spark: String = sgr.chars().filter(|c| ('▁'..='█').contains(c)).collect();
    assert!(!spark.is_empty() && spark.chars().count() <= 20, "{sgr}");
    assert!(out.contains("old-team"));

    let only = stdout(&world.run(&["history", "-p", "old-*", "--provider", "otc"]));
    assert_eq!(only.lines().count(), 3, "{only}");
    let since = stdout(&world.run(&["history", "-r", "securityGroupRule", "--since", "36h"]));
    assert!(since.contains("securityGroupRule"), "{since}");
    let line = since.lines().nth(1).unwrap();
    assert!(
        line.contains(" 2 "),
        "the past sample of a day ago and the run's: {line}"
    );

    let doc: Value = serde_json::from_str(&stdout(&world.run(&[
        "history",
        "-o",
        "json",
        "-r",
        "securityGroupRule",
    ])))
    .unwrap();
    let key = &doc[0];
    assert_eq!(key["profile"], "hw");
    assert_eq!(key["provider"], "huaweicloud");
    assert_eq!(key["count"], 7);
    assert_eq!(key["used"], 4500);
    assert_eq!(key["lowest"], 4200);
    assert_eq!(key["highest"], 4500);
    assert_eq!(key["trend"]["per_day"], 50);
    assert_eq!(key["samples"].as_array().unwrap().len(), 7);
    assert_eq!(key["samples"][0]["limit"], 5000);
    let spark = key["sparkline"].as_str().unwrap();
    assert_eq!(spark.chars().count(), 20, "{spark:?}");
    assert!(
        spark.ends_with('▇'),
        "this run's sample, 4500 of 5000 (90%, the 7th of 8 levels), in the last slice: {spark:?}"
    );

    let csv = stdout(&world.run(&["history", "-o", "csv", "-p", "hw"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "profile,provider,region,service,resource,at,used,limit"
    );
    // securityGroupRule's 6 past samples and the run's, and the run's of the 7 other quotas.
    assert_eq!(lines.count(), 7 + 7, "{csv}");

    let nothing = world.run(&["history", "-p", "nobody"]);
    assert_eq!(code(&nothing), 0);
    assert!(stdout(&nothing).contains("match the filters"));
    assert_eq!(code(&world.run(&["history", "--since", "forever"])), 3);
    assert_eq!(code(&world.run(&["history", "--no-history"])), 3);
}

#[test]
fn the_demo_has_its_own_seeded_history() {
    let world = World::standard();
    let output = world
        .headroom()
        .args(["demo", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("30-day usage history"),
        "{}",
        stderr(&output)
    );
    let doc = json(&output);
    let with_forecast = doc["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["trend"]["days_to_full"].is_null())
        .count();
    assert!(with_forecast >= 5, "{with_forecast}");
    let table = stdout(&world.headroom().arg("demo").output().unwrap());
    assert!(
        table.contains("FULL IN") && table.contains("full within 14 days"),
        "{table}"
    );
    let history = world
        .headroom()
        .args(["demo", "history", "-p", "hw-demo"])
        .output()
        .unwrap();
    assert_eq!(code(&history), 0);
    assert!(stdout(&history).contains("cores"), "{}", stdout(&history));
    assert!(!default_store(&world).exists(), "never the user's store");
    let leftovers: Vec<_> = std::fs::read_dir(world.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("headroom-demo"))
        .collect();
    assert!(leftovers.is_empty(), "the temporary store is removed");
}
