//! Every output format end to end, `--output-file`, the views (filters, `--problems`, `--sort`,
//! `--need`), colour, and a closed stdout pipe: the real binary against the simulated cloud.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use headroom::fake::{CcnRegion, Fault, FaultKind, Service};
use serde_json::{Value, json};

use crate::support::*;

const FORMATS: [&str; 6] = ["table", "json", "yaml", "csv", "prometheus", "nagios"];

fn quotas(doc: &Value) -> &Vec<Value> {
    doc["quotas"].as_array().expect("quotas array")
}

/// `(profile, region, service, resource)` of every row, in order.
fn keys(doc: &Value) -> Vec<(String, String, String, String)> {
    quotas(doc)
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("profile"), s("region"), s("service"), s("resource"))
        })
        .collect()
}

fn without_generated_at(mut doc: Value) -> Value {
    doc.as_object_mut()
        .expect("a JSON object")
        .remove("generated_at")
        .expect("generated_at");
    doc
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn table_end_to_end() {
    let world = World::standard();
    let output = world.run(&[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "PROFILE", "REGION", "SERVICE", "RESOURCE", "USED", "LIMIT", "USE%", "LEFT", "STATUS"
        ]
    );
    assert_eq!(lines.len(), 1 + 12 + 1, "{out}");
    assert_eq!(
        lines[13], "12 quotas: 0 critical, 1 warning, 11 ok",
        "summary line"
    );
    let peer = lines.iter().find(|l| l.contains("vpcPeer")).unwrap();
    assert!(peer.contains("unlimited"), "{peer}");
    assert!(!out.contains('\x1b'), "stdout is not a terminal: no colour");
    assert_eq!(stderr(&output), "");
}

#[test]
fn json_end_to_end() {
    let world = World::standard();
    let output = world.run(&["-o", "json"]);
    assert_eq!(code(&output), 1);
    let doc = json(&output);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["status"], "warning");
    assert_eq!(quotas(&doc).len(), 12);
    assert_eq!(doc["summary"]["total"], 12);
    assert_eq!(doc["errors"], json!([]));
    let stamp = doc["generated_at"].as_str().unwrap();
    assert!(
        stamp.len() == 20 && stamp.ends_with('Z'),
        "RFC 3339 UTC to the second: {stamp}"
    );
}

#[test]
fn yaml_parses_to_the_same_data_as_json() {
    let world = World::standard();
    let json_doc = json(&world.run(&["-o", "json"]));
    let output = world.run(&["-o", "yaml"]);
    assert_eq!(code(&output), 1);
    let yaml_doc: Value = serde_yaml::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("not YAML ({e}): {}", stdout(&output)));
    assert!(yaml_doc["generated_at"].is_string());
    assert_eq!(
        without_generated_at(yaml_doc),
        without_generated_at(json_doc)
    );
}

#[test]
fn csv_has_the_header_and_one_line_per_quota() {
    let world = World::standard();
    let output = world.run(&["-o", "csv"]);
    assert_eq!(code(&output), 1);
    let out = stdout(&output);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "profile,provider,region,service,resource,used,limit,usage_percent,left,status,per_day,days_to_full"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 12, "{out}");
    // The history's two columns are empty on a first run: no trend yet.
    assert!(rows.iter().all(|r| r.len() == 12), "{out}");
    let peer = rows.iter().find(|r| r[4] == "vpcPeer").unwrap();
    assert_eq!(
        peer[5..],
        ["3", "", "", "", "ok", "", ""],
        "empty cells for null"
    );
    let sgr = rows.iter().find(|r| r[4] == "securityGroupRule").unwrap();
    assert_eq!(
        sgr[..],
        [
            "hw",
            "huaweicloud",
            "cn-north-4",
            "vpc",
            "securityGroupRule",
            "4500",
            "5000",
            "90.0",
            "500",
            "warning",
            "",
            ""
        ]
    );
}

/// One sample of the text exposition format.
#[derive(Debug)]
pub(crate) struct Sample {
    pub(crate) name: String,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) value: f64,
}

/// Parses Prometheus text exposition format strictly enough to catch what promtool and the
/// textfile collector refuse: HELP and TYPE once per family and before its samples, samples
/// grouped by family, valid names, escaped label values, numeric values, a final newline.
pub(crate) fn parse_prometheus(text: &str) -> Vec<Sample> {
    assert!(text.ends_with('\n'), "the last line ends with a newline");
    let valid_name = |name: &str| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut helped = HashSet::new();
    let mut typed = HashSet::new();
    let mut finished = HashSet::new();
    let mut current: Option<String> = None;
    let mut samples = Vec::new();
    let mut series = HashSet::new();
    for (number, line) in text.lines().enumerate() {
        let at = format!("line {}: {line}", number + 1);
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(valid_name(name), "{at}");
            assert!(helped.insert(name.to_string()), "HELP twice: {at}");
            assert!(!finished.contains(name), "family split: {at}");
            if let Some(previous) = current.replace(name.to_string()) {
                finished.insert(previous);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect(&at);
            assert_eq!(kind, "gauge", "{at}");
            assert_eq!(current.as_deref(), Some(name), "TYPE after its HELP: {at}");
            assert!(typed.insert(name.to_string()), "TYPE twice: {at}");
            continue;
        }
        assert!(!line.starts_with('#'), "unexpected comment: {at}");
        let open = line.find('{').expect(&at);
        let name = &line[..open];
        assert_eq!(
            current.as_deref(),
            Some(name),
            "sample outside its family: {at}"
        );
        assert!(typed.contains(name), "sample before TYPE: {at}");
        // Labels: name="value" pairs, values with \\, \" and \n escapes.
        let mut labels = BTreeMap::new();
        let mut chars = line[open + 1..].chars().peekable();
        loop {
            if chars.peek() == Some(&'}') {
                chars.next();
                break;
            }
            let label: String = chars.by_ref().take_while(|&c| c != '=').collect();
            assert!(valid_name(&label), "label name {label:?}: {at}");
            assert_eq!(chars.next(), Some('"'), "{at}");
            let mut value = String::new();
            loop {
                match chars.next().expect(&at) {
                    '\\' => match chars.next().expect(&at) {
                        '\\' => value.push('\\'),
                        '"' => value.push('"'),
                        'n' => value.push('\n'),
                        other => panic!("bad escape \\{other}: {at}"),
                    },
                    '"' => break,
                    '\n' => panic!("raw newline: {at}"),
                    c => value.push(c),
                }
            }
            assert!(labels.insert(label, value).is_none(), "label twice: {at}");
            match chars.next() {
                Some(',') => {}
                Some('}') => break,
                other => panic!("expected , or }} but got {other:?}: {at}"),
            }
        }
        let rest: String = chars.collect();
        let value = rest.strip_prefix(' ').expect(&at);
        assert!(!value.contains(' '), "no timestamps: {at}");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("value: {at}"));
        assert!(
            series.insert(format!("{name}{labels:?}")),
            "duplicate series: {at}"
        );
        samples.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    assert_eq!(helped, typed, "every family has HELP and TYPE");
    samples
}

#[test]
fn prometheus_parses_line_by_line() {
    let world = World::standard();
    let output = world.run(&["-o", "prometheus"]);
    assert_eq!(code(&output), 1);
    let samples = parse_prometheus(&stdout(&output));
    let count = |name: &str| samples.iter().filter(|s| s.name == name).count();
    assert_eq!(count("headroom_quota_used"), 12);
    assert_eq!(count("headroom_quota_limit"), 11, "no series for unlimited");
    assert_eq!(
        count("headroom_quota_usage_ratio"),
        11,
        "no series for unlimited"
    );
    // One query per (profile, region, service): ali smartag, hw and otc vpc/vpn/vpcep.
    assert_eq!(count("headroom_query_success"), 7);
    assert_eq!(count("headroom_query_duration_seconds"), 7);
    let sgr = samples
        .iter()
        .find(|s| {
            s.name == "headroom_quota_usage_ratio"
                && s.labels.get("resource").map(String::as_str) == Some("securityGroupRule")
        })
        .unwrap();
    assert_eq!(sgr.value, 0.9);
    let keys: Vec<&str> = sgr.labels.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["profile", "provider", "region", "resource", "service"]
    );
    assert!(!samples.iter().any(|s| s.name != "headroom_quota_used"
        && s.labels.get("resource").map(String::as_str) == Some("vpcPeer")));
    assert!(
        samples
            .iter()
            .filter(|s| s.name == "headroom_query_success")
            .all(|s| s.value == 1.0)
    );
}

#[test]
fn prometheus_reports_a_failed_query_as_zero() {
    let world = World::standard();
    world
        .fake
        .add_fault(Fault::always(Service::Vpn, FaultKind::Html502));
    let output = world.run(&["-o", "prometheus", "-p", "hw", "--retries", "0"]);
    assert_eq!(code(&output), 3);
    let samples = parse_prometheus(&stdout(&output));
    let vpn = samples
        .iter()
        .find(|s| {
            s.name == "headroom_query_success"
                && s.labels.get("service").map(String::as_str) == Some("vpn")
        })
        .unwrap();
    assert_eq!(vpn.value, 0.0);
}

#[test]
fn nagios_status_line_perfdata_and_details() {
    let world = World::standard();
    let output = world.run(&["-o", "nagios"]);
    assert_eq!(code(&output), 1);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    let (status, perfdata) = lines[0].split_once(" | ").expect("perfdata");
    assert_eq!(
        status,
        "HEADROOM WARNING - 0 critical, 1 warning, 0 failed of 12 quotas"
    );
    let perf: Vec<&str> = perfdata.split(' ').collect();
    assert_eq!(perf.len(), 12, "{perfdata}");
    assert!(
        perf.contains(&"'hw/cn-north-4/vpc/securityGroupRule'=4500;4000;4750;0;5000"),
        "{perfdata}"
    );
    assert!(
        perf.contains(&"'hw/cn-north-4/vpc/vpcPeer'=3;;;0;"),
        "{perfdata}"
    );
    assert_eq!(lines.len(), 2, "one line per non-ok quota: {out}");
    assert!(lines[1].starts_with("WARNING: hw/cn-north-4/vpc/securityGroupRule"));
}

#[test]
fn every_format_gives_the_same_exit_code() {
    let world = World::standard();
    for format in FORMATS {
        assert_eq!(code(&world.run(&["-o", format])), 1, "{format}");
        assert_eq!(
            code(&world.run(&["-o", format, "-p", "ali"])),
            0,
            "{format}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// --output-file

/// Blanks what differs from one run to the next: the timestamp and the query durations.
fn comparable(format: &str, text: &str) -> String {
    text.lines()
        .filter(|l| !(format == "json" && l.trim_start().starts_with("\"generated_at\"")))
        .filter(|l| !(format == "yaml" && l.starts_with("generated_at:")))
        .map(
            |l| match l.strip_prefix("headroom_query_duration_seconds") {
                Some(rest) if format == "prometheus" => {
                    format!(
                        "headroom_query_duration_seconds{} X",
                        rest.rsplit_once(' ').unwrap().0
                    )
                }
                _ => l.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn output_file_holds_what_stdout_would_for_every_format() {
    let world = World::standard();
    let out_dir = world.dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    for format in FORMATS {
        let path = out_dir.join(format!("quotas.{format}"));
        std::fs::write(&path, "the previous run's file").unwrap();
        let to_file = world.run(&["-o", format, "--output-file", path.to_str().unwrap()]);
        assert_eq!(code(&to_file), 1, "{format}: {}", stderr(&to_file));
        assert_eq!(stdout(&to_file), "", "{format}: nothing on stdout");
        assert_eq!(stderr(&to_file), "", "{format}");
        let to_stdout = world.run(&["-o", format]);
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            comparable(format, &written),
            comparable(format, &stdout(&to_stdout)),
            "{format}"
        );
    }
    let expected: Vec<String> = FORMATS.iter().map(|f| format!("quotas.{f}")).collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(files_in(&out_dir), expected, "no temporary file lingers");
}

#[test]
fn output_file_is_written_with_quiet_and_never_coloured() {
    let world = World::standard();
    let path = world.dir.path().join("quotas.txt");
    let output = world.run(&[
        "-q",
        "--color",
        "always",
        "--output-file",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 1);
    assert_eq!(stdout(&output), "");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("securityGroupRule"), "{written}");
    assert!(!written.contains('\x1b'), "a file gets no escape codes");
}

/// The run cannot write: exit 3, a message naming the path, the old file (if any) untouched,
/// and no temporary file left behind.
fn assert_write_failed(output: &Output, path: &Path) {
    assert_eq!(code(output), 3, "{}", stderr(output));
    assert_eq!(stdout(output), "");
    let err = stderr(output);
    assert!(
        err.contains("cannot write") && err.contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn output_file_in_a_missing_folder_fails_with_3() {
    let world = World::standard();
    let path = world.dir.path().join("no-such-dir").join("quotas.prom");
    let output = world.run(&["-o", "prometheus", "--output-file", path.to_str().unwrap()]);
    assert_write_failed(&output, &path);
    assert!(!path.parent().unwrap().exists());
}

#[test]
fn output_file_over_a_folder_fails_and_cleans_up() {
    // The temporary file is written, then the rename over a non-empty folder fails: it must be
    // removed and the folder left as it was. Unlike permissions, this fails for root too.
    let world = World::standard();
    let out_dir = world.dir.path().join("out");
    let target = out_dir.join("quotas.prom");
    std::fs::create_dir_all(target.join("inside")).unwrap();
    let output = world.run(&[
        "-o",
        "prometheus",
        "--output-file",
        target.to_str().unwrap(),
    ]);
    assert_write_failed(&output, &target);
    assert_eq!(files_in(&out_dir), ["quotas.prom"]);
    assert_eq!(files_in(&target), ["inside"]);
}

#[cfg(unix)]
#[test]
fn output_file_writes_into_a_fifo_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let world = World::standard();
    let fifo = world.dir.path().join("quotas.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no usable `mkfifo` command here");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let output = world.run(&["-o", "csv", "--output-file", fifo.to_str().unwrap()]);
    assert!(code(&output) < 3, "{}", stderr(&output));
    let received = reader.join().unwrap();
    assert!(
        received.starts_with("profile,provider,region"),
        "{received}"
    );
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
}

#[cfg(unix)]
#[test]
fn output_file_dev_stdout_is_written_not_replaced() {
    // `/dev/stdout` is a link to this path; the test names it directly so that a regression
    // fails here instead of replacing the machine's /dev/stdout with a file.
    let world = World::standard();
    let output = world.run(&["-o", "csv", "--output-file", "/proc/self/fd/1"]);
    assert!(code(&output) < 3, "{}", stderr(&output));
    assert!(stdout(&output).starts_with("profile,provider,region"));
}

#[cfg(unix)]
#[test]
fn output_file_through_a_symlink_replaces_the_target_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let world = World::standard();
    let real = world.dir.path().join("real.prom");
    std::fs::write(&real, "old\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = world.dir.path().join("link.prom");
    std::os::unix::fs::symlink("real.prom", &link).unwrap();
    let output = world.run(&["-o", "prometheus", "--output-file", link.to_str().unwrap()]);
    assert!(code(&output) < 3, "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("headroom_quota_used")
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[cfg(unix)]
#[test]
fn output_file_on_a_socket_is_refused() {
    let world = World::standard();
    let path = world.dir.path().join("quotas.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let output = world.run(&["-o", "json", "--output-file", path.to_str().unwrap()]);
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("it is a socket, not a file"),
        "{}",
        stderr(&output)
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_socket()
    );
}

#[cfg(unix)]
#[test]
fn output_file_in_a_read_only_folder_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let world = World::standard();
    let out_dir = world.dir.path().join("ro");
    std::fs::create_dir(&out_dir).unwrap();
    let path = out_dir.join("quotas.prom");
    std::fs::write(&path, "old metrics\n").unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = out_dir.join("probe");
    if std::fs::write(&probe, "").is_ok() {
        // Root ignores permissions; the folder test above covers the failure path instead.
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("note: permissions are not enforced for this user; read-only case skipped");
        return;
    }
    let output = world.run(&["-o", "prometheus", "--output-file", path.to_str().unwrap()]);
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_write_failed(&output, &path);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old metrics\n");
    assert_eq!(files_in(&out_dir), ["quotas.prom"]);
}

#[test]
fn a_run_that_fails_before_writing_leaves_the_old_file() {
    let world = World::standard();
    let path = world.dir.path().join("quotas.json");
    std::fs::write(&path, "{\"old\": true}\n").unwrap();
    // A config error stops the run before any query.
    let broken = world.write_config("profiles:\n  hw:\n    provider: otc\n    regoin: eu-de\n");
    let output = run_config(
        &world,
        &broken,
        &["-o", "json", "--output-file", path.to_str().unwrap()],
    );
    assert_eq!(code(&output), 3);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"old\": true}\n");
    // So does a usage error.
    let world = World::standard();
    let output = world.run(&[
        "-o",
        "json",
        "-p",
        "nobody",
        "--output-file",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 3);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"old\": true}\n");
}

// ---------------------------------------------------------------------------------------------
// Views

#[test]
fn profile_selects_rows_and_queries() {
    let world = World::standard();
    let doc = json(&world.run(&["-o", "json", "-p", "hw", "-p", "ali"]));
    let profiles: HashSet<String> = keys(&doc).into_iter().map(|k| k.0).collect();
    assert_eq!(profiles, HashSet::from(["hw".into(), "ali".into()]));
    assert!(
        world
            .fake
            .requests()
            .iter()
            .all(|r| r.access_key.as_deref() != Some(OTC_KEY)),
        "nothing sent for otc"
    );
}

#[test]
fn provider_selects_rows_and_queries() {
    let world = World::standard();
    let output = world.run(&["-o", "json", "--provider", "otc"]);
    assert_eq!(code(&output), 0);
    let doc = json(&output);
    assert!(!quotas(&doc).is_empty());
    assert!(quotas(&doc).iter().all(|r| r["provider"] == "otc"));
    assert!(
        world
            .fake
            .requests()
            .iter()
            .all(|r| r.access_key.as_deref() == Some(OTC_KEY))
    );
}

#[test]
fn service_selects_rows_and_queries() {
    let world = World::standard();
    let doc = json(&world.run(&["-o", "json", "-s", "vpc", "-s", "vpcep"]));
    let services: HashSet<String> = keys(&doc).into_iter().map(|k| k.2).collect();
    assert_eq!(services, HashSet::from(["vpc".into(), "vpcep".into()]));
    // OTC's project id comes from IAM; nothing else but the two services is asked.
    assert!(
        world
            .fake
            .requests()
            .iter()
            .all(|r| matches!(r.service, Service::Vpc | Service::Vpcep | Service::Iam))
    );
}

#[test]
fn resource_wildcards_decide_rows_summary_and_exit_code() {
    let world = World::standard();
    let output = world.run(&["-o", "json", "-r", "vpn_*", "-r", "ccn"]);
    // securityGroupRule (the warning) is not selected, so the run is ok.
    assert_eq!(code(&output), 0);
    let doc = json(&output);
    let resources: HashSet<String> = keys(&doc).into_iter().map(|k| k.3).collect();
    assert_eq!(
        resources,
        HashSet::from(["vpn_gateway".into(), "vpn_connection".into(), "ccn".into()])
    );
    assert_eq!(doc["summary"]["total"], quotas(&doc).len());
    assert_eq!(doc["status"], "ok");
}

/// The standard cloud plus a second Alibaba region, cn-hongkong, that is full (5 of 5).
fn two_region_world() -> World {
    let mut cloud = standard_cloud();
    cloud.accounts[0].ccn.push((
        "cn-hongkong".into(),
        CcnRegion {
            total: 5,
            used_extra: 5,
            networks: vec![],
        },
    ));
    World::new(cloud)
}

fn smartag_regions(world: &World) -> Vec<String> {
    world
        .fake
        .requests()
        .iter()
        .filter(|r| r.service == Service::Smartag)
        .filter_map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "RegionId")
                .map(|(_, v)| v.clone())
        })
        .collect()
}

#[test]
fn region_overrides_the_profiles_regions() {
    let world = two_region_world();
    // The profile says cn-shanghai; the command line asks for cn-hongkong instead.
    let output = world.run(&["-o", "json", "-p", "ali", "--region", "cn-hongkong"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let doc = json(&output);
    assert_eq!(
        keys(&doc),
        [(
            "ali".into(),
            "cn-hongkong".into(),
            "smartag".into(),
            "ccn".into()
        )]
    );
    assert_eq!(smartag_regions(&world), ["cn-hongkong"]);

    // A profile with both regions, narrowed to one.
    let world = two_region_world();
    let config = world.write_config(&format!(
        "profiles:\n{}",
        world
            .ali_profile("ali")
            .replace("region: cn-shanghai", "regions: [cn-shanghai, cn-hongkong]")
    ));
    let both = json(&run_config(&world, &config, &["-o", "json"]));
    assert_eq!(quotas(&both).len(), 2);
    world.fake.clear_requests();
    let output = run_config(&world, &config, &["-o", "json", "--region", "cn-shanghai"]);
    assert_eq!(code(&output), 0);
    assert_eq!(quotas(&json(&output)).len(), 1);
    assert_eq!(smartag_regions(&world), ["cn-shanghai"]);
}

#[test]
fn problems_shows_only_what_is_not_ok_and_failed_queries() {
    let world = World::standard();
    let output = world.run(&["--problems"]);
    assert_eq!(code(&output), 1);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "header, the warning, summary: {out}");
    assert!(lines[1].contains("securityGroupRule") && lines[1].ends_with("warning"));
    assert_eq!(lines[2], "1 quota: 0 critical, 1 warning, 0 ok");

    world
        .fake
        .add_fault(Fault::always(Service::Vpcep, FaultKind::Html502));
    let output = world.run(&["-o", "json", "--problems", "--retries", "0"]);
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_eq!(keys(&doc).len(), 1);
    assert_eq!(
        doc["errors"].as_array().unwrap().len(),
        2,
        "hw and otc vpcep"
    );
}

#[test]
fn problems_on_an_ok_run_is_an_empty_table_and_exit_0() {
    let world = World::standard();
    let output = world.run(&["--problems", "-p", "ali"]);
    assert_eq!(code(&output), 0);
    assert_eq!(stdout(&output), "0 quotas: 0 critical, 0 warning, 0 ok\n");
    assert_eq!(stderr(&output), "");
}

#[test]
fn sort_usage_puts_the_fullest_first_and_unlimited_last() {
    let world = World::standard();
    let doc = json(&world.run(&["-o", "json", "--sort", "usage"]));
    let percents: Vec<Option<f64>> = quotas(&doc)
        .iter()
        .map(|r| r["usage_percent"].as_f64())
        .collect();
    assert_eq!(percents[0], Some(90.0));
    assert_eq!(*percents.last().unwrap(), None, "unlimited last");
    let known: Vec<f64> = percents.iter().flatten().copied().collect();
    assert_eq!(known.len(), 11);
    assert!(known.windows(2).all(|w| w[0] >= w[1]), "{known:?}");

    let by_name = json(&world.run(&["-o", "json", "--sort", "name"]));
    let names = keys(&by_name);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(
        keys(&json(&world.run(&["-o", "json"]))),
        names,
        "name is the default"
    );
}

#[test]
fn need_is_critical_when_fewer_are_left() {
    let world = World::standard();
    // ali cn-shanghai: 6 of 10 used, 4 left.
    let output = world.run(&["-o", "json", "-r", "ccn", "--need", "5"]);
    assert_eq!(code(&output), 2);
    let doc = json(&output);
    let ccn = row(&doc, "ali", "ccn");
    assert_eq!(ccn["status"], "critical");
    assert_eq!(ccn["crit_left"], 5);
    let output = world.run(&["-o", "json", "-r", "ccn", "--need", "4"]);
    assert_eq!(code(&output), 0, "exactly 4 left: 4 more fit");
}

#[test]
fn need_without_resource_is_a_usage_error() {
    let world = World::standard();
    let output = world.run(&["--need", "3"]);
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("--resource"),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
    assert!(world.fake.requests().is_empty(), "no query sent");
}

// ---------------------------------------------------------------------------------------------
// Colour

#[test]
fn color_only_in_the_table_and_only_when_asked_or_at_a_terminal() {
    let world = World::standard();
    let has_escape = |output: &Output| stdout(output).contains('\x1b');
    assert!(
        !has_escape(&world.run(&[])),
        "auto: stdout is not a terminal"
    );
    assert!(!has_escape(&world.run(&["--color", "never"])));
    let colored = world.run(&["--color", "always"]);
    assert!(has_escape(&colored));
    assert!(
        stdout(&colored).contains("\x1b[") && stdout(&colored).contains("warning"),
        "{}",
        stdout(&colored)
    );
    for format in &FORMATS[1..] {
        let output = world.run(&["--color", "always", "-o", format]);
        assert!(!has_escape(&output), "{format} is data, never coloured");
    }
    let config = world.standard_config("");
    let with_env = |value: &str, args: &[&str]| {
        world
            .headroom()
            .env("NO_COLOR", value)
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        has_escape(&with_env("1", &["--color", "always"])),
        "--color always overrides NO_COLOR"
    );
    assert!(!has_escape(&with_env("1", &[])));
    assert!(!has_escape(&with_env("", &[])));
    // stderr lines are never coloured either.
    world
        .fake
        .add_fault(Fault::always(Service::Vpn, FaultKind::Html502));
    let failed = world.run(&["--color", "always", "--retries", "0"]);
    assert!(!stderr(&failed).contains('\x1b'));
}

// ---------------------------------------------------------------------------------------------
// A closed stdout pipe (`headroom | head -1`)

/// The standard cloud with 3000 extra VPC quotas in hw, so every format's output is bigger
/// than a pipe's buffer and the writer really meets a closed pipe.
fn big_world() -> World {
    let mut cloud = standard_cloud();
    let (_, _, vpc) = cloud.accounts[1]
        .quotas
        .iter_mut()
        .find(|(_, service, _)| *service == Service::Vpc)
        .unwrap();
    for index in 0..3000 {
        vpc.push(entry(
            &format!("extraQuota{index:04}"),
            json!(1),
            json!(100),
        ));
    }
    World::new(cloud)
}

/// The `headroom` binary as a plain child process (assert_cmd cannot hand out its pipes).
fn spawn(world: &World, config: &Path, args: &[&str], stdout: Stdio) -> Child {
    let home = world.dir.path();
    std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("ALI_SECRET", ALI_SECRET)
        .env("HW_SECRET", HW_SECRET)
        .env("OTC_SECRET", OTC_SECRET)
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn headroom")
}

/// Waits for the child (at most a minute), returning its status and its stderr.
fn wait(mut child: Child) -> (std::process::ExitStatus, String) {
    let mut err_pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err_pipe.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("headroom did not end after its stdout was closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status, reader.join().unwrap())
}

fn assert_quiet_end(status: std::process::ExitStatus, err: &str, expected: i32, what: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), None, "{what}: killed by a signal");
    }
    assert_eq!(status.code(), Some(expected), "{what}: {err}");
    let lower = err.to_lowercase();
    assert!(
        !lower.contains("broken pipe")
            && !lower.contains("os error 32")
            && !lower.contains("panick"),
        "{what}: {err}"
    );
}

#[test]
fn a_reader_that_stops_after_one_line_ends_the_run_quietly() {
    let world = big_world();
    let config = world.standard_config("");
    for format in FORMATS {
        let args = ["-o", format];
        let expected = code(&run_config(&world, &config, &args));
        let mut child = spawn(&world, &config, &args, Stdio::piped());
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{format}");
        drop(out); // `head -1` exits: the pipe is closed with most of the output unread.
        let (status, err) = wait(child);
        assert_quiet_end(status, &err, expected, format);
        assert_eq!(err, "", "{format}: nothing on stderr");
    }
}

#[test]
fn a_pipe_closed_before_anything_is_written_is_not_an_error() {
    let world = World::standard();
    world.fake.set_latency(Duration::from_millis(300));
    let config = world.standard_config("");
    // A failed query too, so the code to keep is 3 and its stderr line must still come out.
    world
        .fake
        .add_fault(Fault::always(Service::Vpn, FaultKind::Html502));
    let args = ["--retries", "0"];
    let expected = code(&run_config(&world, &config, &args));
    assert_eq!(expected, 3);
    let mut child = spawn(&world, &config, &args, Stdio::piped());
    drop(child.stdout.take());
    let (status, err) = wait(child);
    assert_quiet_end(status, &err, expected, "closed early");
    assert_eq!(
        err.lines().count(),
        2,
        "the failed queries are still reported: {err}"
    );
}

#[test]
fn an_unusable_profile_is_a_failed_query_in_prometheus() {
    let world = World::standard();
    let output = world.run_without_variable("OTC_SECRET", &["-o", "prometheus"]);
    assert_eq!(code(&output), 3);
    let text = stdout(&output);
    assert!(
        text.lines()
            .any(|l| l.starts_with("headroom_query_success{profile=\"otc\"") && l.ends_with(" 0")),
        "{text}"
    );
}
