//! `headroom serve`, the real binary as a child process on 127.0.0.1:0, against the simulated
//! cloud: the probe and its series, refusals, the deadline, reuse of recent results and single
//! flight, the check limit, the head limits, SIGHUP, SIGTERM and SIGINT, TLS and basic auth
//! from a web config (a certificate made by the test, real bcrypt), secrets at `-vvv`,
//! `promtool check metrics`, and a real Prometheus scraping it through the README's relabelling.
//!
//! Requests are written by hand on a TCP socket where the wire matters (head limits, slow
//! clients) and elsewhere too, so that what is checked is exactly what was sent; TLS goes
//! through reqwest with the test's CA.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headroom::fake::{Fault, FaultKind, Service};

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// The exporter as a child process

/// A running `headroom serve`, killed when dropped.
struct Exporter {
    child: Child,
    addr: SocketAddr,
    /// `http://ADDR` or `https://ADDR`, from its first line.
    url: String,
    /// Every stderr line so far.
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Exporter {
    /// `headroom --config CONFIG serve --listen 127.0.0.1:0 ARGS`, once it says where it listens.
    fn start(world: &World, config: &Path, args: &[&str]) -> Exporter {
        Self::try_start(world, config, args).unwrap_or_else(|(status, stderr)| {
            panic!("serve did not start ({status:?}):\n{stderr}")
        })
    }

    /// Like `start`, or the exit status and stderr of a start that failed.
    fn try_start(
        world: &World,
        config: &Path,
        args: &[&str],
    ) -> Result<Exporter, (Option<ExitStatus>, String)> {
        let mut all = vec![
            "--config".into(),
            config.as_os_str().to_owned(),
            "serve".into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
        ];
        all.extend(args.iter().map(std::ffi::OsString::from));
        Self::spawn(world, &all)
    }

    /// `headroom demo serve --listen 127.0.0.1:0`: the exporter on the built-in simulated cloud.
    fn start_demo(world: &World) -> Exporter {
        let args: Vec<std::ffi::OsString> = ["demo", "serve", "--listen", "127.0.0.1:0"]
            .iter()
            .map(std::ffi::OsString::from)
            .collect();
        Self::spawn(world, &args).unwrap_or_else(|(status, stderr)| {
            panic!("demo serve did not start ({status:?}):\n{stderr}")
        })
    }

    /// `headroom ARGS`, once it says where it listens.
    fn spawn(
        world: &World,
        args: &[std::ffi::OsString],
    ) -> Result<Exporter, (Option<ExitStatus>, String)> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_headroom"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", world.dir.path())
            .env("XDG_CONFIG_HOME", world.dir.path().join(".config"))
            .env("ALI_SECRET", ALI_SECRET)
            .env("HW_SECRET", HW_SECRET)
            .env("OTC_SECRET", OTC_SECRET)
            .env("XDG_STATE_HOME", world.dir.path().join(".state"))
            .env("TMPDIR", world.dir.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn headroom serve");
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (sender, receiver) = mpsc::channel();
        {
            let lines = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    let url = line
                        .strip_prefix("headroom serve: listening on ")
                        .map(str::to_string);
                    lines.lock().unwrap().push(line);
                    if let Some(url) = url {
                        let _ = sender.send(url);
                    }
                }
            });
        }
        let url = match receiver.recv_timeout(Duration::from_secs(20)) {
            Ok(url) => url,
            Err(_) => {
                let deadline = Instant::now() + Duration::from_secs(5);
                let mut status = None;
                while Instant::now() < deadline {
                    status = child.try_wait().unwrap();
                    if status.is_some() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                if status.is_none() {
                    let _ = child.kill();
                }
                let _ = child.wait();
                // Let the reader thread take the last lines.
                std::thread::sleep(Duration::from_millis(100));
                let text = lines.lock().unwrap().join("\n");
                return Err((status, text));
            }
        };
        let addr = url
            .split_once("://")
            .and_then(|(_, addr)| addr.parse().ok())
            .unwrap_or_else(|| panic!("not an address: {url}"));
        Ok(Exporter {
            child,
            addr,
            url,
            lines,
        })
    }

    fn stderr(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Waits until a stderr line contains `text`.
    fn wait_for_line(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.stderr().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no line with {text:?} in:\n{}", self.stderr());
    }

    fn get(&self, target: &str) -> Reply {
        self.get_with(target, &[])
    }

    fn get_with(&self, target: &str, headers: &[(&str, &str)]) -> Reply {
        let mut head = format!("GET {target} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("Connection: close\r\n\r\n");
        exchange(self.addr, head.as_bytes())
    }

    #[cfg(unix)]
    fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).unwrap());
        nix::sys::signal::kill(pid, signal).expect("signal");
    }

    /// Waits for the process to end, at most `limit`.
    fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as it is and reads the answer until the server closes.
fn exchange(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(request).expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the answer");
    parse_reply(&bytes)
}

fn parse_reply(bytes: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).expect("chunk size");
            if size == 0 {
                break;
            }
            out.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
        out
    } else {
        body.to_string()
    };
    Reply {
        status,
        headers,
        body,
    }
}

// ---------------------------------------------------------------------------------------------
// The exposition format

/// One sample: name, labels, value.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

/// Parses the text format (labels without escapes, which these tests do not need) and checks
/// its shape: HELP and TYPE once, before the family's samples, a final newline, no timestamps.
fn samples(text: &str) -> Vec<Sample> {
    assert!(text.ends_with('\n'), "no final newline:\n{text}");
    let mut out = Vec::new();
    let mut typed = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().unwrap().to_string();
            assert!(!typed.contains(&name), "TYPE twice: {line}");
            typed.push(name);
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect(line);
        let (name, labels) = match series.split_once('{') {
            Some((name, labels)) => {
                let labels = labels.strip_suffix('}').expect(line);
                let labels = labels
                    .split(',')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (k, v) = pair.split_once('=').expect(line);
                        (k.to_string(), v.trim_matches('"').to_string())
                    })
                    .collect();
                (name, labels)
            }
            None => (series, Vec::new()),
        };
        assert_eq!(typed.last().map(String::as_str), Some(name), "{line}");
        out.push(Sample {
            name: name.to_string(),
            labels,
            value: value.parse().unwrap_or_else(|_| panic!("value in {line}")),
        });
    }
    out
}

fn label<'a>(sample: &'a Sample, name: &str) -> &'a str {
    sample
        .labels
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The value of the one sample of `name` whose labels include every pair of `with`.
fn value(samples: &[Sample], name: &str, with: &[(&str, &str)]) -> f64 {
    let found: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.name == name && with.iter().all(|(k, v)| label(s, k) == *v))
        .collect();
    assert_eq!(found.len(), 1, "{name} {with:?} in {samples:#?}");
    found[0].value
}

/// Whether `program` runs. Where it does not, the parts that need it are skipped with a note,
/// unless `HEADROOM_REQUIRE_PROMETHEUS` is set (CI installs Prometheus and sets it, so that a
/// missing binary fails there instead of passing silently).
fn available(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("HEADROOM_REQUIRE_PROMETHEUS").is_none(),
            "{program} is not on the PATH, and HEADROOM_REQUIRE_PROMETHEUS is set"
        );
        eprintln!("note: no {program} on the PATH; the part of the test that needs it is skipped");
    }
    found
}

/// `promtool check metrics` on `text`, when promtool is there (CI installs it).
fn promtool_accepts(text: &str) {
    if !available("promtool") {
        return;
    }
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics:\n{}{}\n{text}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// The probe

#[test]
fn a_probe_is_the_check_output_plus_the_probe_series() {
    let world = World::standard();
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &[]);
    assert!(
        exporter.url.starts_with("http://127.0.0.1:"),
        "{}",
        exporter.url
    );
    assert_eq!(
        exporter.stderr(),
        format!("headroom serve: listening on {}", exporter.url)
    );

    let reply = exporter.get("/probe?profile=hw");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    promtool_accepts(&reply.body);
    let probe = samples(&reply.body);
    assert_eq!(value(&probe, "headroom_probe_success", &[]), 1.0);
    assert!(value(&probe, "headroom_probe_duration_seconds", &[]) > 0.0);
    assert_eq!(
        value(
            &probe,
            "headroom_quota_used",
            &[("profile", "hw"), ("resource", "securityGroupRule")]
        ),
        4500.0
    );
    for line in reply
        .body
        .lines()
        .filter(|l| l.starts_with("# HELP headroom_q"))
    {
        assert!(
            line.ends_with("Served results may be up to 30s old (serve.min_interval)."),
            "{line}"
        );
    }

    // The same series as `headroom check -o prometheus` for the same selection (durations
    // aside), and nothing of the other profiles.
    let check = world.run(&["-p", "hw", "-o", "prometheus"]);
    assert_eq!(code(&check), 1, "{}", stderr(&check));
    let without_timing = |all: Vec<Sample>| -> Vec<Sample> {
        all.into_iter()
            .filter(|s| {
                s.name != "headroom_query_duration_seconds"
                    && !s.name.starts_with("headroom_probe_")
            })
            .collect()
    };
    assert_eq!(
        without_timing(probe.clone()),
        without_timing(samples(&stdout(&check)))
    );
    assert!(
        probe
            .iter()
            .all(|s| s.labels.is_empty() || label(s, "profile") == "hw")
    );

    // A pattern, repeated parameters and the check's filters.
    let all = samples(&exporter.get("/probe?profile=*").body);
    let mut profiles: Vec<&str> = all
        .iter()
        .filter(|s| s.name == "headroom_query_success")
        .map(|s| label(s, "profile"))
        .collect();
    profiles.dedup();
    assert_eq!(profiles, ["ali", "hw", "otc"]);
    let narrowed = samples(
        &exporter
            .get("/probe?profile=otc&profile=hw&service=vpn&provider=otc")
            .body,
    );
    let queries: Vec<(&str, &str)> = narrowed
        .iter()
        .filter(|s| s.name == "headroom_query_success")
        .map(|s| (label(s, "profile"), label(s, "service")))
        .collect();
    assert_eq!(queries, [("otc", "vpn")]);

    // HEAD: the head of a GET, no body.
    let reply = exchange(
        exporter.addr,
        format!(
            "HEAD /probe?profile=hw HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            exporter.addr
        )
        .as_bytes(),
    );
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
}

#[test]
fn refusals_are_one_line_and_the_right_status() {
    let world = World::standard();
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &[]);
    for (target, status, reason) in [
        ("/probe", 400, "no profile"),
        (
            "/probe?profile=hww",
            400,
            "unknown profile `hww`; did you mean `hw`?",
        ),
        (
            "/probe?profile=aws-*",
            400,
            "no profile matches the pattern `aws-*`",
        ),
        ("/probe?target=hw", 400, "unknown parameter `target`"),
        (
            "/probe?profile=hw&provider=alibaba",
            400,
            "no profile matches",
        ),
        ("/probe?profile=hw&region=Not_A_Region", 400, "region: "),
        ("/nope", 404, "not found"),
        ("/probe/", 404, "not found"),
    ] {
        let reply = exporter.get(target);
        assert_eq!(reply.status, status, "{target}: {}", reply.body);
        assert!(reply.body.contains(reason), "{target}: {}", reply.body);
        assert_eq!(reply.body.lines().count(), 1, "{target}: {}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        for path in ["/probe?profile=hw", "/metrics", "/nope"] {
            let reply = exchange(
                exporter.addr,
                format!(
                    "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .as_bytes(),
            );
            assert_eq!(reply.status, 405, "{method} {path}");
            assert_eq!(reply.header("allow"), Some("GET, HEAD"));
        }
    }
    let reply = exporter.get("/-/healthy");
    assert_eq!((reply.status, reply.body.as_str()), (200, "OK"));

    // The landing page: every profile linked, the scrape config, no credential.
    let page = exporter.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    for wanted in [
        "<a href=\"/probe?profile=ali\">ali</a>",
        "<a href=\"/probe?profile=hw\">hw</a>",
        "<a href=\"/probe?profile=otc\">otc</a>",
        "<a href=\"/metrics\">",
        env!("CARGO_PKG_VERSION"),
        "target_label: __param_profile",
        &format!("replacement: {}", exporter.addr),
    ] {
        assert!(page.body.contains(wanted), "{wanted} in\n{}", page.body);
    }
    for secret in [ALI_SECRET, HW_SECRET, OTC_SECRET, ALI_KEY, HW_KEY, OTC_KEY] {
        assert!(!page.body.contains(secret));
    }

    // Every refused probe counted.
    let metrics = exporter.get("/metrics");
    assert_eq!(metrics.status, 200);
    promtool_accepts(&metrics.body);
    let own = samples(&metrics.body);
    assert_eq!(
        value(&own, "headroom_probes_total", &[("outcome", "rejected")]),
        6.0
    );
    assert_eq!(
        value(&own, "headroom_probes_total", &[("outcome", "success")]),
        0.0
    );
    assert_eq!(
        value(
            &own,
            "headroom_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
    #[cfg(target_os = "linux")]
    assert!(value(&own, "process_resident_memory_bytes", &[]) > 1e6);
}

#[test]
fn a_failing_cloud_is_a_200_with_the_failures_at_0() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(
            Service::Vpn,
            FaultKind::Respond {
                status: 403,
                headers: vec![],
                body: r#"{"error_code":"VPC.0010","error_msg":"denied"}"#.into(),
            },
        )
        .for_key(HW_KEY),
    );
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &["-v"]);
    let reply = exporter.get("/probe?profile=hw&profile=otc");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let probe = samples(&reply.body);
    assert_eq!(value(&probe, "headroom_probe_success", &[]), 0.0);
    let success = |profile: &str, service: &str| {
        value(
            &probe,
            "headroom_query_success",
            &[("profile", profile), ("service", service)],
        )
    };
    assert_eq!(success("hw", "vpn"), 0.0);
    assert_eq!(success("hw", "vpc"), 1.0);
    assert_eq!(success("otc", "vpn"), 1.0);
    let own = samples(&exporter.get("/metrics").body);
    assert_eq!(
        value(&own, "headroom_probes_total", &[("outcome", "failure")]),
        1.0
    );
    exporter.wait_for_line("hw cn-north-4 vpn: failed (permission)");
}

#[test]
fn the_answer_comes_before_the_scrape_timeout() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(Service::Vpcep, FaultKind::Latency(Duration::from_secs(30))).for_key(HW_KEY),
    );
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &["-v"]);
    let started = Instant::now();
    let reply = exporter.get_with(
        "/probe?profile=hw",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "2")],
    );
    let elapsed = started.elapsed();
    assert_eq!(reply.status, 200, "{}", reply.body);
    // 2 s less the 0.5 s offset; the margin is for a loaded machine.
    assert!(
        elapsed >= Duration::from_millis(1400) && elapsed < Duration::from_millis(2000),
        "{elapsed:?}"
    );
    let probe = samples(&reply.body);
    assert_eq!(value(&probe, "headroom_probe_success", &[]), 0.0);
    let success = |service: &str| {
        value(
            &probe,
            "headroom_query_success",
            &[("profile", "hw"), ("service", service)],
        )
    };
    assert_eq!(success("vpcep"), 0.0);
    assert_eq!(success("vpc"), 1.0);
    exporter.wait_for_line("hw cn-north-4 vpcep: failed (timeout)");

    // A header that is not a number of seconds is the scraper's mistake.
    let reply = exporter.get_with(
        "/probe?profile=ali",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "soon")],
    );
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("X-Prometheus-Scrape-Timeout-Seconds"));
}

#[test]
fn a_probe_that_cannot_wait_for_the_identical_running_check_is_answered_in_time() {
    let world = World::standard();
    world.fake.add_fault(
        Fault::always(Service::Vpcep, FaultKind::Latency(Duration::from_secs(3))).for_key(HW_KEY),
    );
    let config = world.standard_config("");
    let exporter = Arc::new(Exporter::start(&world, &config, &[]));
    // A scraper with time to wait starts the check...
    let patient = {
        let exporter = Arc::clone(&exporter);
        std::thread::spawn(move || {
            exporter.get_with(
                "/probe?profile=hw",
                &[("X-Prometheus-Scrape-Timeout-Seconds", "10")],
            )
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    // ...and one with 1 s cannot wait for its end: it is answered in time, every query of
    // the selection counted as timed out.
    let started = Instant::now();
    let hurried = exporter.get_with(
        "/probe?profile=hw",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "1")],
    );
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(hurried.status, 200);
    let hurried = samples(&hurried.body);
    assert_eq!(value(&hurried, "headroom_probe_success", &[]), 0.0);
    for service in ["vpc", "vpn", "vpcep"] {
        assert_eq!(
            value(&hurried, "headroom_query_success", &[("service", service)]),
            0.0
        );
    }
    let patient = patient.join().unwrap();
    assert_eq!(
        value(&samples(&patient.body), "headroom_probe_success", &[]),
        1.0
    );
    // One check was sent to the cloud, not two.
    assert_eq!(hw_requests(&world), 3);
}

/// The requests the fake received for the Huawei Cloud account (IAM aside).
fn hw_requests(world: &World) -> usize {
    world
        .fake
        .requests()
        .iter()
        .filter(|r| r.access_key.as_deref() == Some(HW_KEY) && r.service != Service::Iam)
        .count()
}

#[test]
fn identical_probes_share_one_check_and_recent_results() {
    let world = World::standard();
    world.fake.set_latency(Duration::from_millis(400));
    let config = world.standard_config("serve:\n  min_interval: 2s\n");
    let exporter = Arc::new(Exporter::start(&world, &config, &[]));

    // Ten identical probes at once, written ten ways: one check, three requests.
    let targets = [
        "/probe?profile=hw",
        "/probe?profile=hw&profile=hw",
        "/probe?profile=h*",
        "/probe?profile=h%77",
    ];
    let threads: Vec<_> = (0..10)
        .map(|i| {
            let exporter = Arc::clone(&exporter);
            let target = targets[i % targets.len()];
            std::thread::spawn(move || {
                let timeout = format!("{}", 5 + i);
                exporter.get_with(
                    target,
                    &[("X-Prometheus-Scrape-Timeout-Seconds", timeout.as_str())],
                )
            })
        })
        .collect();
    let replies: Vec<Reply> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    // One result for all: the same text, to the byte.
    assert!(replies.iter().all(|r| r.body == replies[0].body));
    assert_eq!(hw_requests(&world), 3);

    // Within min_interval, still the same result, without a request.
    let again = exporter.get("/probe?profile=hw");
    assert_eq!(again.body, replies[0].body);
    assert_eq!(hw_requests(&world), 3);
    let own = samples(&exporter.get("/metrics").body);
    let ran = value(&own, "headroom_probes_total", &[("outcome", "success")])
        + value(&own, "headroom_probes_total", &[("outcome", "failure")]);
    assert_eq!(ran, 1.0);
    assert_eq!(
        value(&own, "headroom_probes_total", &[("outcome", "cached")]),
        10.0
    );

    // Never older than min_interval: after it, a new check.
    std::thread::sleep(Duration::from_millis(2100));
    let later = exporter.get("/probe?profile=hw");
    assert_eq!(later.status, 200);
    assert_eq!(hw_requests(&world), 6);
    // A different selection is a different check.
    exporter.get("/probe?profile=hw&service=vpc");
    assert_eq!(hw_requests(&world), 7);
}

#[test]
fn a_probe_that_would_start_a_17th_check_gets_503() {
    let world = World::standard();
    world.fake.set_latency(Duration::from_secs(3));
    let config = world.standard_config("");
    let exporter = Arc::new(Exporter::start(&world, &config, &[]));
    // Sixteen different selections (different regions), all slow.
    let threads: Vec<_> = (1..=16)
        .map(|i| {
            let exporter = Arc::clone(&exporter);
            std::thread::spawn(move || {
                exporter.get(&format!(
                    "/probe?profile=hw&service=vpc&region=cn-north-{i}"
                ))
            })
        })
        .collect();
    // Wait until all sixteen are running.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let own = samples(&exporter.get("/metrics").body);
        if value(&own, "headroom_checks_running", &[]) == 16.0 {
            break;
        }
        assert!(Instant::now() < deadline, "{own:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let busy = exporter.get("/probe?profile=ali");
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("retry-after"), Some("1"));
    // One of the sixteen, asked again, follows the running check: not a new one.
    let follower = exporter.get("/probe?profile=hw&service=vpc&region=cn-north-3");
    assert_eq!(follower.status, 200);
    for thread in threads {
        assert_eq!(thread.join().unwrap().status, 200);
    }
    let own = samples(&exporter.get("/metrics").body);
    assert_eq!(
        value(&own, "headroom_probes_total", &[("outcome", "rejected")]),
        1.0
    );
    assert_eq!(
        value(&own, "headroom_probes_total", &[("outcome", "cached")]),
        1.0
    );
    // Free again.
    assert_eq!(exporter.get("/probe?profile=ali").status, 200);
}

#[test]
fn request_heads_and_query_strings_are_bounded() {
    let world = World::standard();
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &[]);

    let big = "x".repeat(9 * 1024);
    let reply = exporter.get_with("/-/healthy", &[("X-Big", &big)]);
    assert_eq!(reply.status, 431);
    let many: Vec<(String, String)> = (0..200)
        .map(|i| (format!("X-Header-{i}"), "1".to_string()))
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(exporter.get_with("/-/healthy", &many).status, 431);
    // Just under the head limit is fine.
    let fits = "x".repeat(7 * 1024);
    assert_eq!(
        exporter.get_with("/-/healthy", &[("X-Fits", &fits)]).status,
        200
    );

    let long = format!("/probe?profile=hw&region={}", "a".repeat(5 * 1024));
    let reply = exporter.get(&long);
    assert_eq!(reply.status, 414, "{}", reply.body);

    // A client that does not finish its head within 10 s is cut off.
    let mut slow = TcpStream::connect(exporter.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    slow.write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(9) && elapsed < Duration::from_secs(15),
        "{elapsed:?}"
    );
    // Closed with or without a 408, never with a 200.
    let text = String::from_utf8_lossy(&rest);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
    // The others were served meanwhile.
    assert_eq!(exporter.get("/-/healthy").status, 200);
}

// ---------------------------------------------------------------------------------------------
// Signals

/// How many samples the store at `path` holds (0 when there is no file).
fn stored_samples(path: &Path) -> i64 {
    if !path.exists() {
        return 0;
    }
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM samples", [], |r| r.get(0))
        .unwrap()
}

#[cfg(unix)]
#[test]
fn probes_record_the_history_and_a_reload_keeps_history_flags() {
    use nix::sys::signal::Signal;
    let world = World::standard();
    let config = world.standard_config("");
    let default_store = world.dir.path().join(".state/headroom/history.sqlite");
    let own = world.dir.path().join("probes.sqlite");
    let exporter = Exporter::start(&world, &config, &["-v", "--history", own.to_str().unwrap()]);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    let first = stored_samples(&own);
    assert!(first > 0, "the probe's rows are recorded");
    exporter.signal(Signal::SIGHUP);
    exporter.wait_for_line("serve: reloaded: ");
    // The reload forgot the recent result: this probe asks the cloud and records again.
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    assert_eq!(stored_samples(&own), 2 * first, "still --history PATH");
    assert!(!default_store.exists(), "never the default store");
    drop(exporter);

    let exporter = Exporter::start(&world, &config, &["-v", "--no-history"]);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    exporter.signal(Signal::SIGHUP);
    exporter.wait_for_line("serve: reloaded: ");
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    assert!(!default_store.exists(), "still --no-history");

    // Without either flag, probes record into the default store.
    let exporter = Exporter::start(&world, &config, &[]);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    assert_eq!(stored_samples(&default_store), first);
}

/// An exporter recording into a store of its own, written once already, and another run that
/// is writing that store now: it keeps it locked until it is rolled back.
fn exporter_and_a_locked_history(world: &World) -> (Exporter, rusqlite::Connection) {
    let config = world.standard_config("");
    let store = world.dir.path().join("probes.sqlite");
    let exporter = Exporter::start(world, &config, &["--history", store.to_str().unwrap()]);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    let holder = rusqlite::Connection::open(&store).unwrap();
    holder
        .execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO samples VALUES (0, 'x', 'otc', 'x', 'x', 'x', 1, 1, NULL);",
        )
        .unwrap();
    (exporter, holder)
}

#[test]
fn a_probe_waiting_for_a_locked_history_does_not_hold_up_other_requests() {
    let world = World::standard();
    let (exporter, holder) = exporter_and_a_locked_history(&world);
    let before = world.fake.requests().len();
    std::thread::scope(|scope| {
        let probe = scope.spawn(|| exporter.get("/probe?profile=otc"));
        // Once its queries are answered, the probe waits up to 4 seconds for the lock; the
        // exporter answers other requests meanwhile.
        let limit = Instant::now() + Duration::from_secs(10);
        while world.fake.requests().len() == before {
            assert!(Instant::now() < limit, "the probe never queried the cloud");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(300));
        // Answered at once, not after the probe's 4-second wait for the lock.
        let asked = Instant::now();
        assert_eq!(exporter.get("/-/healthy").status, 200);
        assert!(
            asked.elapsed() < Duration::from_secs(3),
            "{:?}",
            asked.elapsed()
        );
        assert!(
            !probe.is_finished(),
            "the health check was answered while the probe waited for the history"
        );
        holder.execute_batch("ROLLBACK").unwrap();
        let reply = probe.join().unwrap();
        assert_eq!(reply.status, 200);
    });
}

#[test]
fn a_probe_answers_by_its_deadline_while_the_history_waits_for_a_lock() {
    let world = World::standard();
    let (exporter, holder) = exporter_and_a_locked_history(&world);
    // A scrape timeout of 1.5 s leaves the probe 1 s; the history would wait 4 s for the lock.
    let asked = Instant::now();
    let reply = exporter.get_with(
        "/probe?profile=otc",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "1.5")],
    );
    let took = asked.elapsed();
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(reply.status, 200);
    assert!(took < Duration::from_secs(3), "answered after {took:?}");
    assert!(reply.body.contains("headroom_quota_used"), "{}", reply.body);
}

#[cfg(unix)]
#[test]
fn sighup_reloads_and_forgets_recent_results() {
    use nix::sys::signal::Signal;
    let world = World::standard();
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &["-v"]);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    assert_eq!(exporter.get("/probe?profile=hw2").status, 400);
    let before = hw_requests(&world);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    assert_eq!(hw_requests(&world), before, "served from the recent result");

    // A config with one more profile.
    let text = std::fs::read_to_string(&config).unwrap();
    world.write_config(&format!("{text}{}", world.hw_profile("hw2")));
    exporter.signal(Signal::SIGHUP);
    exporter.wait_for_line("serve: reloaded: 4 profiles");
    assert_eq!(exporter.get("/probe?profile=hw2").status, 200);
    // The reload forgot the recent result.
    let before = hw_requests(&world);
    assert_eq!(exporter.get("/probe?profile=hw").status, 200);
    assert_eq!(hw_requests(&world), before + 3);

    // A config that does not load: one error line, the previous config kept.
    world.write_config("profiles:\n  hw:\n    provider: huaweicloud\n    regionz: x\n");
    exporter.signal(Signal::SIGHUP);
    exporter.wait_for_line("headroom serve: reload failed, keeping the previous config: ");
    let failed: Vec<String> = exporter
        .stderr()
        .lines()
        .filter(|l| l.contains("reload failed"))
        .map(str::to_string)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].contains("regionz"), "{}", failed[0]);
    assert_eq!(exporter.get("/probe?profile=hw2").status, 200);
    let own = samples(&exporter.get("/metrics").body);
    assert_eq!(
        value(&own, "headroom_config_last_reload_successful", &[]),
        0.0
    );
}

#[cfg(unix)]
#[test]
fn sigterm_lets_running_probes_finish_then_exits_0() {
    use nix::sys::signal::Signal;
    let world = World::standard();
    world.fake.set_latency(Duration::from_millis(1000));
    let config = world.standard_config("");
    let mut exporter = Exporter::start(&world, &config, &[]);
    let addr = exporter.addr;
    let running = std::thread::spawn(move || {
        exchange(
            addr,
            b"GET /probe?profile=hw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    exporter.signal(Signal::SIGTERM);
    let status = exporter.wait_exit(Duration::from_secs(8)).expect("exited");
    assert_eq!(status.code(), Some(0), "{}", exporter.stderr());
    let reply = running.join().unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        value(&samples(&reply.body), "headroom_probe_success", &[]),
        1.0
    );
    // It waited for the probe (about 1.4 s of fake latency), and no longer than the drain.
    let waited = signalled.elapsed();
    assert!(waited < Duration::from_secs(6), "{waited:?}");
    assert!(exporter.stderr().contains("SIGTERM received"));
    assert!(TcpStream::connect(addr).is_err(), "still accepting");
}

#[cfg(unix)]
#[test]
fn sigterm_cuts_off_what_still_runs_after_5_s() {
    use nix::sys::signal::Signal;
    let world = World::standard();
    world.fake.set_latency(Duration::from_secs(8));
    let config = world.standard_config("");
    let mut exporter = Exporter::start(&world, &config, &[]);
    let addr = exporter.addr;
    let running = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /probe?profile=ali HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    });
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    exporter.signal(Signal::SIGTERM);
    let status = exporter.wait_exit(Duration::from_secs(10)).expect("exited");
    let waited = signalled.elapsed();
    assert_eq!(status.code(), Some(0), "{}", exporter.stderr());
    assert!(
        waited >= Duration::from_millis(4900) && waited < Duration::from_secs(7),
        "{waited:?}"
    );
    // The probe got no answer: the connection closed under it.
    assert!(running.join().unwrap().is_empty());
    exporter.wait_for_line("requests still running after 5 s are cut off");
}

#[cfg(unix)]
#[test]
fn sigint_on_an_idle_exporter_exits_0_at_once() {
    use nix::sys::signal::Signal;
    let world = World::standard();
    let config = world.standard_config("");
    let mut exporter = Exporter::start(&world, &config, &[]);
    // An idle kept-alive connection does not hold the exit.
    let mut idle = TcpStream::connect(exporter.addr).unwrap();
    idle.write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buffer = [0u8; 512];
    let _ = idle.read(&mut buffer).unwrap();
    let started = Instant::now();
    exporter.signal(Signal::SIGINT);
    let status = exporter.wait_exit(Duration::from_secs(5)).expect("exited");
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(2));
}

// ---------------------------------------------------------------------------------------------
// Start-up errors

#[test]
fn a_bad_start_exits_3_with_the_reason() {
    let world = World::standard();
    let config = world.standard_config("");
    let web = world.dir.path().join("web.yml");
    let start = |args: &[&str]| {
        let (status, stderr) = Exporter::try_start(&world, &config, args)
            .err()
            .expect("must not start");
        (status.and_then(|s| s.code()), stderr)
    };
    std::fs::write(
        &web,
        "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_ca_file: ca.pem\n",
    )
    .unwrap();
    let (code, stderr) = start(&["--web-config", web.to_str().unwrap()]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:4:3: tls_server_config.client_ca_file: an exporter-toolkit setting headroom \
             does not implement",
            web.display()
        )),
        "{stderr}"
    );
    std::fs::write(&web, "basic_auth_users:\n  alice: notahash-Sup3rSecret\n").unwrap();
    let (code, stderr) = start(&["--web-config", web.to_str().unwrap()]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("basic_auth_users.alice: not a bcrypt hash"),
        "{stderr}"
    );
    assert!(!stderr.contains("Sup3rSecret"), "{stderr}");
    std::fs::write(
        &web,
        "basic_auth_users: {}\nrate_limit: {interval: 1s, burst: 5}\n",
    )
    .unwrap();
    let (code, stderr) = start(&["--web-config", web.to_str().unwrap()]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(":2:1: rate_limit: an exporter-toolkit setting"),
        "{stderr}"
    );

    // A config with an unknown key under `serve:`.
    let bad = world.standard_config("serve:\n  min_intervl: 10s\n");
    let (status, stderr) = Exporter::try_start(&world, &bad, &[]).err().unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(3));
    assert!(stderr.contains("did you mean `min_interval`?"), "{stderr}");

    // An address in use.
    let config = world.standard_config("");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["serve", "--listen", &port])
        .output()
        .unwrap();
    assert_eq!(code_of(&output), 3);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(&format!("cannot listen on {port}")),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["serve", "--listen", "localhost"])
        .output()
        .unwrap();
    assert_eq!(code_of(&output), 3);
}

fn code_of(output: &std::process::Output) -> i32 {
    output.status.code().expect("exit code")
}

// ---------------------------------------------------------------------------------------------
// TLS and basic auth

/// A CA and a server certificate for 127.0.0.1 signed by it, as PEM files in `dir`; returns
/// the CA's PEM.
fn certificates(dir: &Path) -> String {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let cert = params.signed_by(&key, &ca).unwrap();
    std::fs::write(dir.join("server.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    ca.pem()
}

const PASSWORD: &str = "CorrectHorseBatteryStaple42";

/// `reqwest` with the test CA, on a small runtime of its own.
struct TlsClient {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl TlsClient {
    fn new(ca: &str) -> TlsClient {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(ca.as_bytes()).unwrap()])
            .build()
            .unwrap();
        TlsClient {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client,
        }
    }

    /// (status, WWW-Authenticate, body) of a GET, with basic auth when `user` is given.
    fn get(&self, url: &str, user: Option<(&str, &str)>) -> (u16, Option<String>, String) {
        self.runtime.block_on(async {
            let mut request = self.client.get(url);
            if let Some((user, password)) = user {
                request = request.basic_auth(user, Some(password));
            }
            let response = request.send().await.expect("TLS request");
            let status = response.status().as_u16();
            let challenge = response
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap().to_string());
            (status, challenge, response.text().await.unwrap())
        })
    }
}

#[test]
fn tls_and_basic_auth_from_a_web_config() {
    let world = World::standard();
    let config = world.standard_config("");
    let ca = certificates(world.dir.path());
    let hash = bcrypt::hash(PASSWORD, 4).unwrap();
    // Relative file names are relative to the web config.
    let web = world.dir.path().join("web.yml");
    std::fs::write(
        &web,
        format!(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nbasic_auth_users:\n  prometheus: '{hash}'\n"
        ),
    )
    .unwrap();
    let exporter = Exporter::start(
        &world,
        &config,
        &["--web-config", web.to_str().unwrap(), "-vvv"],
    );
    assert!(
        exporter.url.starts_with("https://127.0.0.1:"),
        "{}",
        exporter.url
    );
    let client = TlsClient::new(&ca);
    let url = |path: &str| format!("{}{path}", exporter.url);

    // No credentials: 401 everywhere but /-/healthy, unknown paths too.
    assert_eq!(client.get(&url("/-/healthy"), None).0, 200);
    for path in ["/probe?profile=hw", "/metrics", "/", "/nope"] {
        let (status, challenge, _) = client.get(&url(path), None);
        assert_eq!(status, 401, "{path}");
        assert_eq!(challenge.as_deref(), Some("Basic realm=\"headroom\""));
        let (status, _, _) = client.get(&url(path), Some(("prometheus", "wrong")));
        assert_eq!(status, 401, "{path}");
        let (status, _, _) = client.get(&url(path), Some(("nobody", PASSWORD)));
        assert_eq!(status, 401, "{path}");
    }
    let user = Some(("prometheus", PASSWORD));
    let (status, _, body) = client.get(&url("/probe?profile=hw"), user);
    assert_eq!(status, 200, "{body}");
    assert_eq!(value(&samples(&body), "headroom_probe_success", &[]), 1.0);
    assert_eq!(client.get(&url("/nope"), user).0, 404);
    assert_eq!(client.get(&url("/metrics"), user).0, 200);

    // Plain HTTP to the TLS port gets no answer of ours.
    let mut plain = TcpStream::connect(exporter.addr).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    plain
        .write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));

    // Nothing of the password, the header or the hash at -vvv.
    let header = base64_basic("prometheus", PASSWORD);
    let log = exporter.stderr();
    assert!(log.contains("serve: GET /probe 200"), "{log}");
    for secret in [PASSWORD, header.as_str(), &hash, &hash[7..]] {
        assert!(!log.contains(secret), "{secret} in\n{log}");
    }
}

fn base64_basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

// ---------------------------------------------------------------------------------------------
// Secrets

#[test]
fn no_secret_in_logs_pages_or_metrics_at_vvv() {
    let world = World::standard();
    // A wrong secret for one profile: its provider quotes the request in its refusal.
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &["-vvv"]);
    let mut seen = String::new();
    for target in [
        "/probe?profile=*",
        "/probe?profile=hw",
        "/",
        "/metrics",
        "/probe?profile=ali&region=cn-hongkong",
    ] {
        let reply = exporter.get(target);
        seen.push_str(&reply.body);
    }
    let text = std::fs::read_to_string(&config).unwrap();
    world.write_config(&text.replace("${HW_SECRET}", "WrongSecretValueForTheTest0123456789"));
    #[cfg(unix)]
    {
        exporter.signal(nix::sys::signal::Signal::SIGHUP);
        exporter.wait_for_line("serve: reloaded");
    }
    seen.push_str(&exporter.get("/probe?profile=hw").body);
    let log = exporter.stderr();
    // Secret values: not even a 16-character piece. Authorization headers: never whole.
    let mut pieces: Vec<String> = SECRETS.iter().map(|s| s.to_string()).collect();
    pieces.push("WrongSecretValueForTheTest0123456789".into());
    let mut whole = Vec::new();
    for request in world.fake.requests() {
        if let Some(authorization) = request.header("authorization") {
            whole.push(authorization.to_string());
            if let Some((_, signature)) = authorization.split_once("Signature=") {
                pieces.push(signature.trim().to_string());
            }
        }
        for (name, value) in &request.query {
            if name == "Signature" {
                pieces.push(value.clone());
            }
        }
    }
    assert!(!whole.is_empty() && pieces.len() > 4);
    for secret in &pieces {
        for piece in secret.as_bytes().windows(16.min(secret.len())) {
            let piece = String::from_utf8_lossy(piece);
            assert!(!log.contains(piece.as_ref()), "{piece} in the log:\n{log}");
            assert!(
                !seen.contains(piece.as_ref()),
                "{piece} in an answer:\n{seen}"
            );
        }
    }
    for header in &whole {
        assert!(!log.contains(header.as_str()) && !seen.contains(header.as_str()));
    }
    for key in [ALI_KEY, HW_KEY, OTC_KEY] {
        assert!(!log.contains(key) && !seen.contains(key), "{key}");
    }
    // The failures were there to be seen, masked.
    assert!(log.contains("failed (auth)"), "{log}");
}

#[test]
fn assumed_profiles_are_probed_with_temporary_credentials_that_never_show() {
    // The demo's world: a RAM-role fleet (ali-shop, ali-data) and an agency (hw-team-b).
    let world = World::new(headroom::fake::FakeCloud::demo());
    let demo = headroom::fake::demo_config_yaml(&world.fake);
    let config = world.write_config(&format!("{demo}serve:\n  min_interval: 0s\n"));
    // The long-term secrets, written in the demo's config.
    let long_term: Vec<String> = demo
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("access_key_secret: ")
                .or_else(|| l.strip_prefix("secret_key: "))
        })
        .map(str::to_string)
        .collect();
    assert_eq!(long_term.len(), 3);
    let exporter = Exporter::start(&world, &config, &["-vvv"]);
    let mut seen = String::new();
    for _ in 0..2 {
        let reply = exporter.get("/probe?profile=ali-*&profile=hw-team-b");
        assert_eq!(reply.status, 200, "{}", reply.body);
        let probe = samples(&reply.body);
        for profile in ["ali-shop", "ali-data", "hw-team-b"] {
            let answered: Vec<f64> = probe
                .iter()
                .filter(|s| s.name == "headroom_query_success" && label(s, "profile") == profile)
                .map(|s| s.value)
                .collect();
            assert!(
                !answered.is_empty() && answered.iter().all(|v| *v == 1.0),
                "{profile}: {answered:?}\n{}",
                exporter.stderr()
            );
        }
        seen.push_str(&reply.body);
    }
    // The second probe ran its own check, with the temporary credentials of the first.
    assert_eq!(world.fake.issued_credentials().len(), 3);
    seen.push_str(&exporter.get("/").body);
    let log = exporter.stderr();
    let mut secrets = world.fake.issued_secrets();
    assert_eq!(
        secrets.len(),
        6,
        "a secret and a token for each assumed profile"
    );
    secrets.extend(long_term);
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()) && !seen.contains(secret.as_str()),
            "a secret shows: {}...",
            &secret[..6]
        );
    }
    for issued in world.fake.issued_credentials() {
        assert!(!log.contains(&issued.access_key) && !seen.contains(&issued.access_key));
    }
}

// ---------------------------------------------------------------------------------------------
// A real Prometheus

/// The README's `yaml` block that starts with `first`.
fn readme_block(first: &str) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let opening = format!("```yaml\n{first}");
    let start = readme
        .find(&opening)
        .unwrap_or_else(|| panic!("no README block starting with {first:?}"));
    let block = &readme[start + "```yaml\n".len()..];
    block[..block.find("```").unwrap()].to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Prometheus server killed when dropped.
struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_real_prometheus_scrapes_the_profiles_through_the_readme_relabelling() {
    if !available("prometheus") || !available("promtool") {
        return;
    }
    let world = World::standard();
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &["-v"]);

    // The README's snippet, pointed at this exporter and at the test's profiles, scraping
    // every second.
    let snippet = readme_block("scrape_configs:\n  - job_name: headroom\n")
        .replace("127.0.0.1:9878", &exporter.addr.to_string())
        .replace("[ali-prod, hw-prod, otc-prod]", "[ali, 'h*', otc]");
    assert!(snippet.contains("[ali, 'h*', otc]"), "{snippet}");
    let prometheus_yml = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         rule_files: [rules.yml]\n{}",
        snippet
            .lines()
            .filter(|l| !l.contains("scrape_interval") && !l.contains("scrape_timeout"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let dir = world.dir.path().join("prometheus");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("prometheus.yml"), &prometheus_yml).unwrap();
    // The README's alert rules, loaded and evaluated too.
    std::fs::write(dir.join("rules.yml"), readme_block("groups:\n")).unwrap();
    // `check config` checks the rule files it names as well.
    let check = Command::new("promtool")
        .args(["check", "config"])
        .arg(dir.join("prometheus.yml"))
        .output()
        .expect("promtool");
    assert!(
        check.status.success(),
        "{}{}\n{prometheus_yml}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let port = free_port();
    let _prometheus = Prometheus(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus"),
    );
    let api = SocketAddr::from(([127, 0, 0, 1], port));
    let query = |expr: &str| -> Option<serde_json::Value> {
        let encoded: String = url::form_urlencoded::byte_serialize(expr.as_bytes()).collect();
        let stream = TcpStream::connect(api).ok()?;
        drop(stream);
        let reply = exchange(
            api,
            format!(
                "GET /api/v1/query?query={encoded} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
        let doc: serde_json::Value = serde_json::from_str(&reply.body).ok()?;
        let result = doc["data"]["result"].as_array()?.clone();
        (!result.is_empty()).then_some(serde_json::Value::Array(result))
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let used = loop {
        if let Some(result) = query("headroom_quota_used") {
            let instances: std::collections::BTreeSet<String> = result
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["metric"]["instance"].as_str().unwrap_or("").to_string())
                .collect();
            if instances.len() == 3 {
                break result;
            }
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus has no headroom_quota_used for every target after 60 s\n{}",
            exporter.stderr()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let series = used.as_array().unwrap();
    let find = |instance: &str, resource: &str| {
        series
            .iter()
            .find(|r| r["metric"]["instance"] == instance && r["metric"]["resource"] == resource)
            .unwrap_or_else(|| panic!("{instance}/{resource} in {used:#}"))
    };
    // The target's profile is the `instance`; headroom's own labels are kept as they are.
    let sg = find("h*", "securityGroupRule");
    assert_eq!(sg["metric"]["profile"], "hw");
    assert_eq!(sg["metric"]["job"], "headroom");
    assert_eq!(sg["value"][1], "4500");
    assert_eq!(find("ali", "ccn")["metric"]["region"], "cn-shanghai");
    assert_eq!(find("otc", "publicIp")["value"][1], "2");
    // The exporter's own job, and every probe a success.
    for expr in [
        "headroom_build_info{job=\"headroom_exporter\"}",
        "min(headroom_probe_success) == 1",
    ] {
        let deadline = Instant::now() + Duration::from_secs(30);
        while query(expr).is_none() {
            assert!(Instant::now() < deadline, "{expr}:\n{}", exporter.stderr());
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    assert!(exporter.stderr().contains("serve: GET /probe 200"));
    // Every alert rule evaluates without an error against the scraped series.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = exchange(
            api,
            b"GET /api/v1/rules HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        let doc: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let rules: Vec<&serde_json::Value> = doc["data"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["rules"].as_array().unwrap())
            .collect();
        assert_eq!(rules.len(), 4, "{doc:#}");
        if rules.iter().all(|r| r["health"] == "ok") {
            break;
        }
        assert!(
            rules.iter().all(|r| r["health"] != "err"),
            "a rule fails: {doc:#}"
        );
        assert!(Instant::now() < deadline, "rules not evaluated: {doc:#}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_example_web_config_in_the_readme_loads() {
    // The README's web config is what headroom reads; its paths are the reader's own.
    let block = readme_block("tls_server_config:\n");
    let world = World::standard();
    let ca = certificates(world.dir.path());
    let text = block
        .replace("/etc/headroom/server.pem", "server.pem")
        .replace("/etc/headroom/server.key", "server.key");
    let web: PathBuf = world.dir.path().join("web.yml");
    std::fs::write(&web, text).unwrap();
    let config = world.standard_config("");
    let exporter = Exporter::start(&world, &config, &["--web-config", web.to_str().unwrap()]);
    assert!(exporter.url.starts_with("https://"));
    // The README says whose hash it is.
    let client = TlsClient::new(&ca);
    let metrics = format!("{}/metrics", exporter.url);
    assert_eq!(
        client.get(&metrics, Some(("prometheus", "change-me"))).0,
        200
    );
    assert_eq!(client.get(&metrics, None).0, 401);
}

#[test]
fn the_demo_serves_the_simulated_cloud_with_its_fleet() {
    let world = World::standard();
    let exporter = Exporter::start_demo(&world);
    let page = exporter.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("/probe?profile=hw-team-b"),
        "{}",
        page.body
    );
    let probe = exporter.get("/probe?profile=ali-shop&profile=hw-team-b");
    assert_eq!(probe.status, 200);
    let samples = samples(&probe.body);
    assert_eq!(value(&samples, "headroom_probe_success", &[]), 1.0);
    assert!(
        probe
            .body
            .contains("headroom_quota_used{profile=\"hw-team-b\",provider=\"huaweicloud\",region=\"ap-southeast-1\",service=\"vpc\",resource=\"publicIp\"} 9"),
        "{}",
        probe.body
    );
    assert!(
        exporter.stderr().contains("SIMULATED"),
        "{}",
        exporter.stderr()
    );
}
