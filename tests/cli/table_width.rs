//! The table at a terminal: the real binary with its stdout on a pseudo-terminal of a given
//! width, against a fleet whose profile, region and resource names are long. Each output is
//! read back row by row against the same run's JSON, so a name broken across lines, a row lost
//! or a row out of order fails, whatever the layout.
//!
//! The terminal is util-linux's `script`, which Debian-like machines always have (it comes with
//! the essential `bsdutils`), so CI installs nothing for it. macOS and the BSDs ship another
//! `script` with other options, hence Linux only.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use headroom::fake::{Account, FakeCloud, Service};
use serde_json::{Value, json};

use crate::support::*;

const LONG_PROFILE: &str = "hwc-001-ap-southeast-1";
const LONG_REGION: &str = "ap-southeast-1";
const LONG_RESOURCE: &str = "routetableContainRoutes";
const AP_PROJECT: &str = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

/// Two Huawei Cloud regions under a long profile name, one of them long too, and an OTC
/// profile: VPC quotas only, with the longest resource names the VPC API has, an unlimited
/// row and every status.
fn fleet() -> (World, PathBuf) {
    let vpc = |rows: &[(&str, i64, i64)]| -> Vec<Value> {
        rows.iter()
            .map(
                |(kind, used, quota)| json!({"type": kind, "used": used, "quota": quota, "min": 0}),
            )
            .collect()
    };
    let mut hw = Account::huawei(HW_KEY, HW_SECRET);
    hw.projects = vec![
        (LONG_REGION.into(), AP_PROJECT.into()),
        ("cn-north-4".into(), HW_PROJECT.into()),
    ];
    hw.quotas = vec![
        (
            LONG_REGION.into(),
            Service::Vpc,
            vpc(&[
                ("vpc", 12, 150),
                ("physicalConnect", 3, 10),
                (LONG_RESOURCE, 180, 200),
                ("vpcContainRoutetable", 2, 5),
                ("securityGroupRule", 4500, 5000),
                ("vpcPeer", 3, -1),
            ]),
        ),
        (
            "cn-north-4".into(),
            Service::Vpc,
            vpc(&[
                ("publicIp", 10, 10),
                (LONG_RESOURCE, 7, 200),
                ("shareBandwidthIP", 0, 20),
            ]),
        ),
    ];
    let mut otc = Account::huawei(OTC_KEY, OTC_SECRET);
    otc.projects = vec![("eu-de".into(), OTC_PROJECT.into())];
    otc.quotas = vec![(
        "eu-de".into(),
        Service::Vpc,
        vpc(&[("publicIp", 2, 10), ("securityGroup", 14, 100)]),
    )];
    let world = World::new(FakeCloud {
        accounts: vec![hw, otc],
        ..FakeCloud::default()
    });
    let endpoints = world.huawei_endpoints();
    let config = world.write_config(&format!(
        "profiles:\n  {LONG_PROFILE}:\n    provider: huaweicloud\n    regions: [{LONG_REGION}, cn-north-4]\n    services: [vpc]\n    access_key: {HW_KEY}\n    secret_key: ${{HW_SECRET}}\n{endpoints}  otc-prod:\n    provider: otc\n    region: eu-de\n    services: [vpc]\n    access_key: {OTC_KEY}\n    secret_key: ${{OTC_SECRET}}\n{endpoints}"
    ));
    (world, config)
}

/// What `headroom ARGS` prints with its stdout on a terminal `columns` wide. Colour is left to
/// `auto`, so it is on, as people see it; the escapes are taken out here. stderr goes to a
/// file, which also keeps the progress line (drawn only on a terminal) out of the way.
fn at_terminal(world: &World, config: &Path, columns: u16, args: &[&str]) -> String {
    let quote = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
    let errors = world.dir.path().join("terminal-stderr");
    let mut command = format!(
        "stty cols {columns} rows 50 && exec {} --config {}",
        quote(env!("CARGO_BIN_EXE_headroom")),
        quote(&config.display().to_string())
    );
    for arg in args {
        command.push(' ');
        command.push_str(&quote(arg));
    }
    command.push_str(&format!(" 2>{}", quote(&errors.display().to_string())));
    let home = world.dir.path();
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("ALI_SECRET", ALI_SECRET)
        .env("HW_SECRET", HW_SECRET)
        .env("OTC_SECRET", OTC_SECRET)
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs headroom on a pseudo-terminal");
    let errors = std::fs::read_to_string(&errors).unwrap_or_default();
    assert!(
        !errors.contains("error"),
        "{errors}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        text.is_empty() || text.contains('\u{1b}'),
        "colour is on at a terminal: {text}"
    );
    // The terminal turns every `\n` into `\r\n`.
    without_escapes(&text.replace("\r\n", "\n"))
}

/// `text` without its SGR colour sequences (`ESC [ ... m`).
fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The same run with stdout a pipe.
fn piped(world: &World, config: &Path, args: &[&str]) -> std::process::Output {
    world
        .headroom()
        .arg("--config")
        .arg(config)
        .args(args)
        // Only a terminal's own size counts: a stale COLUMNS must not narrow a pipe.
        .env("COLUMNS", "40")
        .output()
        .expect("run headroom")
}

/// One row as the JSON output gives it; the table must show these, in this order.
struct Expected {
    profile: String,
    provider: String,
    region: String,
    service: String,
    resource: String,
    status: String,
}

fn expected_rows(world: &World, config: &Path, args: &[&str]) -> Vec<Expected> {
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let doc = json(&piped(world, config, &json_args));
    let text = |row: &Value, field: &str| row[field].as_str().expect(field).to_string();
    let rows: Vec<Expected> = doc["quotas"]
        .as_array()
        .expect("quotas")
        .iter()
        .map(|row| Expected {
            profile: text(row, "profile"),
            provider: text(row, "provider"),
            region: text(row, "region"),
            service: text(row, "service"),
            resource: text(row, "resource"),
            status: text(row, "status"),
        })
        .collect();
    assert!(!rows.is_empty());
    rows
}

#[derive(Debug, PartialEq, Eq)]
enum Layout {
    /// PROFILE and REGION columns and usage bars.
    Bars,
    /// PROFILE and REGION columns, no bars.
    Plain,
    /// A heading line per profile and region above its rows.
    Grouped,
}

const FLAT_HEADER: &[&str] = &[
    "PROFILE", "REGION", "SERVICE", "RESOURCE", "USED", "LIMIT", "USE%", "LEFT", "STATUS",
];

/// Reads a table back and says which layout it has, asserting on the way that every row is one
/// line holding its names whole (as whitespace-separated words), in the JSON's order, and that
/// the summary line ends it.
fn read_back<'a>(text: &'a str, rows: &[Expected]) -> Layout {
    let lines: Vec<&str> = text.lines().collect();
    let (summary, table) = lines.split_last().expect("a summary line");
    assert!(
        summary.starts_with(&format!("{} quotas: ", rows.len())),
        "{text}"
    );
    let words = |line: &'a str| -> Vec<&'a str> { line.split_whitespace().collect() };
    let header = words(table[0]);
    let mut next = rows.iter();
    if header == FLAT_HEADER {
        assert_eq!(table.len(), rows.len() + 1, "one line per row:\n{text}");
        for line in &table[1..] {
            let row = next.next().expect("no more rows than the JSON");
            let cells = words(line);
            assert_eq!(
                cells[..4],
                [&*row.profile, &row.region, &row.service, &row.resource],
                "{line:?} in\n{text}"
            );
            assert_eq!(cells.last(), Some(&&*row.status), "{line:?}");
        }
        return if text.contains(['█', '░']) {
            Layout::Bars
        } else {
            Layout::Plain
        };
    }
    assert_eq!(header, FLAT_HEADER[2..], "neither header:\n{text}");
    assert!(!text.contains(['█', '░']), "the bars went first:\n{text}");
    let mut place: Option<Vec<&str>> = None;
    let mut previous_blank = false;
    for line in &table[1..] {
        let cells = words(line);
        if cells.is_empty() {
            assert!(!previous_blank, "one blank line at most:\n{text}");
            previous_blank = true;
            continue;
        }
        previous_blank = false;
        if cells.len() == 3 {
            place = Some(cells);
            continue;
        }
        let row = next.next().expect("no more rows than the JSON");
        assert_eq!(
            place.as_deref(),
            Some(&[&*row.profile, &row.provider, &row.region][..]),
            "the heading above {line:?} in\n{text}"
        );
        assert_eq!(cells[..2], [&*row.service, &row.resource], "{line:?}");
        assert_eq!(cells.last(), Some(&&*row.status), "{line:?}");
    }
    assert!(next.next().is_none(), "every row is shown:\n{text}");
    Layout::Grouped
}

fn widest(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0)
}

/// Runs the fleet at `columns` and asserts what holds at any width: rows whole and in order, and
/// no line wider than the terminal unless even the grouped layout is.
fn fleet_at(world: &World, config: &Path, columns: u16) -> (Layout, String) {
    let text = at_terminal(world, config, columns, &[]);
    let layout = read_back(&text, &expected_rows(world, config, &[]));
    if widest(&text) > usize::from(columns) {
        assert_eq!(layout, Layout::Grouped, "too wide at {columns}:\n{text}");
    }
    (layout, text)
}

#[test]
fn a_wide_terminal_shows_exactly_the_piped_table() {
    let (world, config) = fleet();
    let (layout, text) = fleet_at(&world, &config, 200);
    assert_eq!(layout, Layout::Bars);
    let piped = piped(&world, &config, &[]);
    assert_eq!(text, stdout(&piped));
}

#[test]
fn the_bars_go_first_and_only_when_they_do_not_fit() {
    let (world, config) = fleet();
    let full = stdout(&piped(&world, &config, &[]));
    let with_bars = u16::try_from(widest(&full)).unwrap();
    assert_eq!(fleet_at(&world, &config, with_bars).0, Layout::Bars);
    let (layout, plain) = fleet_at(&world, &config, with_bars - 1);
    assert_eq!(layout, Layout::Plain, "{plain}");
    assert!(widest(&plain) < usize::from(with_bars), "{plain}");
    // Then the grouping, as soon as the table without bars no longer fits either.
    let without_bars = u16::try_from(widest(&plain)).unwrap();
    assert_eq!(fleet_at(&world, &config, without_bars).0, Layout::Plain);
    assert_eq!(
        fleet_at(&world, &config, without_bars - 1).0,
        Layout::Grouped
    );
}

#[test]
fn at_100_and_80_columns_rows_are_grouped_and_fit() {
    let (world, config) = fleet();
    for columns in [100, 80] {
        let (layout, text) = fleet_at(&world, &config, columns);
        assert_eq!(layout, Layout::Grouped, "{text}");
        assert!(widest(&text) <= usize::from(columns), "{text}");
        for heading in [
            format!("{LONG_PROFILE}  huaweicloud  {LONG_REGION}"),
            format!("{LONG_PROFILE}  huaweicloud  cn-north-4"),
            "otc-prod  otc  eu-de".to_string(),
        ] {
            assert!(
                text.lines().any(|line| line == heading),
                "{heading}: {text}"
            );
        }
        assert!(text.contains("physicalConnect  "), "{text}");
        assert!(text.contains("unlimited"), "{text}");
    }
}

#[test]
fn at_60_columns_the_grouped_table_is_longer_than_the_line_but_never_broken() {
    let (world, config) = fleet();
    let (layout, text) = fleet_at(&world, &config, 60);
    assert_eq!(layout, Layout::Grouped, "{text}");
    // Wider than 60 because of the fleet's long names, not because anything was padded: the
    // same table at 80 columns has the same lines.
    assert!(widest(&text) > 60, "{text}");
    assert_eq!(text, fleet_at(&world, &config, 80).1);
}

#[test]
fn piped_and_written_tables_are_never_fitted() {
    let (world, config) = fleet();
    let output = piped(&world, &config, &[]);
    let text = stdout(&output);
    assert_eq!(
        read_back(&text, &expected_rows(&world, &config, &[])),
        Layout::Bars
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(widest(&text) > 100, "{text}");

    // `--output-file` from a narrow terminal writes the full table too.
    let file = world.dir.path().join("table.txt");
    let file_arg = file.display().to_string();
    let shown = at_terminal(&world, &config, 60, &["--output-file", &file_arg]);
    assert_eq!(shown, "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

/// The README's example of the narrow table: the VPN and VPCEP quotas of its profiles on a
/// terminal 60 columns wide, as the binary prints them.
#[test]
fn the_readme_shows_the_real_narrow_table() {
    let world = World::standard();
    let config = world.write_config(&format!(
        "profiles:\n{}{}{}",
        world.ali_profile("ali-prod"),
        world.hw_profile("hw-prod"),
        world.otc_profile("otc-prod")
    ));
    let args = ["-s", "vpn", "-s", "vpcep"];
    let text = at_terminal(&world, &config, 60, &args);
    assert_eq!(
        read_back(&text, &expected_rows(&world, &config, &args)),
        Layout::Grouped
    );
    assert!(widest(&text) <= 60, "{text}");

    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```text\nSERVICE  RESOURCE")
        .expect("the README's narrow table")
        + "```text\n".len();
    let end = start + readme[start..].find("```").expect("the block's end");
    assert_eq!(readme[start..end], text, "README, At a terminal");
}
