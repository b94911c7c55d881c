//! The README's `## Use it` section, run: every `headroom` command in it (code blocks and inline
//! code) is found by reading the README, run against the simulated cloud with profiles named
//! as there, and checked. A command added to the README without a check here fails the test,
//! and so does a check whose command is no longer in the README.

use std::path::{Path, PathBuf};
use std::process::Output;

use headroom::fake::{Fault, FaultKind, Service};
use serde_json::{Value, json};

use crate::outputs::parse_prometheus;
use crate::support::*;

/// One `headroom` command found in the README: its text (whitespace collapsed, a trailing
/// `# comment` dropped) and the arguments it passes.
#[derive(Debug)]
struct Example {
    text: String,
    args: Vec<String>,
}

fn section() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("\n## Use it\n").expect("a `## Use it` section");
    let rest = &readme[start + 1..];
    let end = rest[1..].find("\n## ").map_or(rest.len(), |i| i + 1);
    rest[..end].to_string()
}

/// Where `headroom` is invoked in `line`: the word itself (or a path ending in it), not a
/// file like `headroom.prom` or a folder like `/etc/headroom/`.
fn invocation(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    line.match_indices("headroom").map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + "headroom".len()).copied();
        matches!(before, None | Some(b' ' | b'/' | b'(' | b'`'))
            && matches!(after, None | Some(b' ' | b'"' | b'`'))
    })
}

/// Splits what follows `headroom` into arguments, stopping at the first shell operator;
/// single quotes group, as in sh.
fn arguments(tail: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut has = false;
    for c in tail.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                has = true;
            }
            c if quoted => current.push(c),
            ' ' => {
                if has {
                    args.push(std::mem::take(&mut current));
                    has = false;
                }
            }
            // `2>&1`: the digits before `>` are a file descriptor, not an argument.
            '>' if has && current.chars().all(|c| c.is_ascii_digit()) => {
                has = false;
                break;
            }
            '|' | '>' | ')' | ';' | '#' | '`' => break,
            c => {
                current.push(c);
                has = true;
            }
        }
    }
    if has {
        args.push(current);
    }
    args
}

fn collapse(text: &str) -> String {
    // A ` #` outside single quotes starts a comment.
    let mut quoted = false;
    let mut end = text.len();
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        if c == '\'' {
            quoted = !quoted;
        } else if c == '#' && previous == ' ' && !quoted {
            end = i;
            break;
        }
        previous = c;
    }
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `headroom` command in the section: lines of code blocks, and inline code spans.
fn examples() -> Vec<Example> {
    let mut found = Vec::new();
    let mut in_block = false;
    for line in section().lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let spans: Vec<&str> = if in_block {
            vec![line]
        } else {
            line.split('`').skip(1).step_by(2).collect()
        };
        for span in spans {
            let Some(at) = invocation(span) else { continue };
            if !in_block && at != 0 {
                continue; // prose mentions like `man ./man/headroom.1` are not commands
            }
            found.push(Example {
                text: collapse(span),
                args: arguments(&span[at + "headroom".len()..]),
            });
        }
    }
    found
}

const HW: &str = "hw-prod";

/// The standard cloud, with OTC's eu-nl region as well, under the README's profile names.
fn readme_world() -> (World, PathBuf) {
    let mut cloud = standard_cloud();
    let otc = &mut cloud.accounts[2];
    otc.projects
        .push(("eu-nl".into(), "00112233445566778899aabbccddeeff".into()));
    otc.quotas.extend([
        (
            "eu-nl".into(),
            Service::Vpc,
            vec![json!({"type": "publicIp", "used": 1, "quota": 10, "min": 0})],
        ),
        (
            "eu-nl".into(),
            Service::Vpn,
            vec![entry("vpn_gateway", json!(0), json!(50))],
        ),
        (
            "eu-nl".into(),
            Service::Vpcep,
            vec![entry("endpoint", json!(2), json!(50))],
        ),
    ]);
    let world = World::new(cloud);
    let config = world.write_config(&format!(
        "profiles:\n{}{}{}",
        world.ali_profile("ali-prod"),
        world.hw_profile(HW),
        world.otc_profile("otc-prod")
    ));
    (world, config)
}

/// The arguments to run: the README's, with its paths moved into the scratch folder, and the
/// monitoring systems' placeholders filled in as the service definitions there fill them.
fn runnable(example: &Example, config: &Path, scratch: &Path) -> (Vec<String>, Option<PathBuf>) {
    let mut args: Vec<String> = Vec::new();
    let mut output_file = None;
    let mut given = example.args.iter();
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--config" => {
                given.next();
            }
            "--output-file" => {
                let name = Path::new(given.next().expect("a path"))
                    .file_name()
                    .unwrap();
                let path = scratch.join(name);
                args.push(arg.clone());
                args.push(path.display().to_string());
                output_file = Some(path);
            }
            // Nagios: `check_command check_headroom!--profile hw-prod`.
            "$ARG1$" => args.extend(["--profile".to_string(), HW.to_string()]),
            _ => args.push(arg.clone()),
        }
    }
    if example.text.starts_with("command = [") {
        // Icinga 2: the `arguments` block adds `--profile $headroom_profile$`.
        args = ["-o", "nagios", "--profile", HW].map(String::from).to_vec();
    }
    let mut full = vec!["--config".to_string(), config.display().to_string()];
    full.extend(args);
    (full, output_file)
}

fn status_line(output: &Output) -> String {
    stdout(output)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// What each README command must do here. Returns false for a command it does not know.
fn check(text: &str, output: &Output, file: Option<&Path>) -> bool {
    let out = stdout(output);
    let rows = |doc: &Value| doc["quotas"].as_array().unwrap().clone();
    match text {
        "headroom" | "headroom | head -1" => {
            assert_eq!(code(output), 1);
            assert!(
                out.contains("securityGroupRule") && out.contains("ccn"),
                "{out}"
            );
        }
        "headroom --problems --sort usage" => {
            assert_eq!(code(output), 1);
            assert_eq!(out.lines().count(), 3, "{out}");
        }
        "headroom -p hw-prod -s vpc -r 'securityGroup*'" => {
            assert_eq!(code(output), 1);
            assert!(out.contains("securityGroupRule"), "{out}");
            assert!(!out.contains("vpcPeer") && !out.contains("ccn"), "{out}");
        }
        "headroom -p otc-prod --region eu-nl" => {
            assert_eq!(code(output), 0, "{}", stderr(output));
            assert!(out.contains("eu-nl") && !out.contains("eu-de"), "{out}");
        }
        "headroom --color always | less -R" => {
            assert_eq!(code(output), 1);
            assert!(out.contains("\x1b["), "{out}");
        }
        t if t.contains(".quotas[] | select(.status != \"ok\")") => {
            assert_eq!(code(output), 1);
            let doc = json(output);
            let problems: Vec<Value> = rows(&doc)
                .into_iter()
                .filter(|r| r["status"] != "ok")
                .collect();
            assert!(!problems.is_empty());
            for row in problems {
                for field in ["profile", "region", "resource"] {
                    assert!(row[field].is_string(), "{field}: {row}");
                }
                for field in ["used", "limit"] {
                    assert!(row[field].is_u64(), "{field}: {row}");
                }
            }
        }
        t if t.contains(".errors[]") => {
            assert_eq!(code(output), 3);
            let doc = json(output);
            let errors = doc["errors"].as_array().unwrap();
            assert!(!errors.is_empty());
            for error in errors {
                for field in ["profile", "service", "kind", "message"] {
                    assert!(error[field].is_string(), "{field}: {error}");
                }
            }
        }
        "headroom -o csv > quotas.csv" => {
            assert_eq!(code(output), 1);
            assert!(out.starts_with("profile,provider,region,"), "{out}");
        }
        "headroom -q -p hw-prod -r vpn_gateway --need 3" => {
            // 23 of 50 used: 27 left, so three more fit.
            assert_eq!(code(output), 0, "{}", stderr(output));
            assert_eq!(out, "");
        }
        "*/15 * * * * out=$(headroom --problems 2>&1) || echo \"$out\"" => {
            assert_ne!(code(output), 0, "something needs attention, so cron mails");
            assert!(out.contains("securityGroupRule"), "{out}");
        }
        "*/5 * * * * headroom -q -o json --output-file /var/lib/headroom/quotas.json" => {
            assert_eq!(code(output), 1);
            assert_eq!(out, "");
            let written = std::fs::read(file.unwrap()).unwrap();
            let doc: Value = serde_json::from_slice(&written).unwrap();
            assert_eq!(doc["schema_version"], 1);
        }
        "* * * * * headroom -q -o prometheus --output-file /var/lib/node_exporter/textfile_collector/headroom.prom" =>
        {
            assert_eq!(code(output), 1);
            let written = std::fs::read_to_string(file.unwrap()).unwrap();
            let samples = parse_prometheus(&written);
            assert!(
                samples
                    .iter()
                    .any(|s| s.name == "headroom_quota_usage_ratio")
            );
            assert!(samples.iter().any(|s| s.name == "headroom_query_success"));
        }
        "command_line /usr/local/bin/headroom --config /etc/headroom/config.yaml -o nagios $ARG1$"
        | "command = [ \"/usr/local/bin/headroom\", \"-o\", \"nagios\" ]" => {
            assert_eq!(code(output), 1);
            assert!(
                status_line(output).starts_with(
                    "HEADROOM WARNING - 0 critical, 1 warning, 0 failed of 8 quotas | "
                ),
                "{out}"
            );
            assert!(!out.contains("ali-prod"), "only hw-prod: {out}");
        }
        t if t.starts_with("headroom completions bash") => {
            assert_eq!(code(output), 0);
            assert!(out.contains("_headroom()"), "a bash completion function");
        }
        _ => return false,
    }
    true
}

#[test]
fn every_command_in_use_it_runs_as_documented() {
    let examples = examples();
    assert!(examples.len() >= 15, "found only {examples:#?}");
    for example in &examples {
        let (world, config) = readme_world();
        if example.text.contains(".errors[]") {
            world
                .fake
                .add_fault(Fault::always(Service::Vpcep, FaultKind::Html502));
        }
        let scratch = world.dir.path().join("scratch");
        std::fs::create_dir_all(&scratch).unwrap();
        let (args, file) = runnable(example, &config, &scratch);
        let output = world.headroom().args(&args).output().unwrap();
        assert!(
            !stderr(&output).contains("error: unexpected argument"),
            "{}: {}",
            example.text,
            stderr(&output)
        );
        assert!(
            check(&example.text, &output, file.as_deref()),
            "README command without a check in tests/cli/readme.rs: {}",
            example.text
        );
        for secret in SECRETS {
            assert!(!stdout(&output).contains(secret) && !stderr(&output).contains(secret));
        }
    }
}

#[test]
fn the_readme_parser_reads_shell_like_sh() {
    assert_eq!(
        arguments(" -p hw-prod -r 'securityGroup*' | less"),
        ["-p", "hw-prod", "-r", "securityGroup*"]
    );
    assert_eq!(arguments(" --problems 2>&1) || echo"), ["--problems"]);
    assert_eq!(arguments(" -o csv > quotas.csv"), ["-o", "csv"]);
    assert_eq!(arguments(" -r x --need 3"), ["-r", "x", "--need", "3"]);
    assert_eq!(invocation("/var/lib/headroom/quotas.json"), None);
    assert_eq!(invocation("cp headroom.prom x"), None);
    assert_eq!(invocation("  command_line /usr/bin/headroom -o"), Some(24));
    assert_eq!(collapse("headroom   -q  # a comment"), "headroom -q");
}
