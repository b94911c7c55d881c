//! headroom's benchmark: does `check` take about as long as its slowest round of answers (not
//! their sum), start in a few milliseconds and stay small as profiles grow? The figures are
//! in the README's Performance section. Run it with
//!
//! ```sh
//! cargo bench --bench perf              # everything, about three minutes
//! cargo bench --bench perf -- --quick   # skips the 80 s one-at-a-time run at N = 200
//! ```
//!
//! `cargo bench` builds the release `headroom` binary and this program; the figures are those of
//! that binary, run as a child process exactly as a user or a cron job runs it.
//!
//! 1. **Wall time.** A simulated cloud (`headroom::fake`, on its own thread and runtime in this
//!    process, never in the measured one) answers every request after L = 100 ms. A "unit" is
//!    one Alibaba profile (1 query: smartag) plus one Huawei Cloud or OTC profile with a
//!    `project_id` (3 queries: vpc, vpn, vpcep), so N units make Q = 4N queries from 2N profiles,
//!    each with its own access key. The physical limit with concurrency C is ceil(Q/C) x L.
//!    Every run must exit 0 and the fake must have received exactly Q validly signed requests.
//! 2. **Start-up.** `headroom --version`, and a check of one unit against the fake answering at
//!    once (L = 0): the median of 21 runs.
//! 3. **Local cost.** Parsing a 10,000-entry quota answer, building (merging and sorting) 10,000
//!    rows, and rendering them in each of the six formats, in this process.
//!
//! Peak RSS: the child's `ru_maxrss`, from `getrusage(RUSAGE_CHILDREN)` in a small intermediate
//! process (this program again, with `--measure`) whose only child is that one `headroom` run.
//! It is exact (the kernel's high-water mark), unlike sampling `/proc/PID/status` while the
//! child runs, and needs no `/usr/bin/time`. The wall time is taken in that intermediate
//! process too, from just before the spawn to just after the wait.
//!
//! Without `--bench` (as `cargo test --benches` runs it) this does a few-second smoke run.
//!
//! For digging into one configuration (the binary is `target/release/deps/perf-*`, or pass
//! these after `cargo bench --bench perf --`):
//!
//! - `--case UNITS CONCURRENCY LATENCY_MS [RUNS] [--iam] [--by-name]`: one line of the table;
//!   `--iam` drops the project ids (IAM lookups first), `--by-name` points the profiles at
//!   `localhost` instead of `127.0.0.1` (a DNS lookup per new connection).
//! - `--serve UNITS LATENCY_MS`: starts the fake, writes a config, prints the command line that
//!   runs `headroom` against it, and serves until stdin closes (for `perf`, `strace`...).
//! - `--fakes=K` (with any mode): K fake clouds on K threads share the accounts, to check that
//!   the single-threaded fake is not what is measured.
//! - `--serve-probes`: `headroom serve` probed over HTTP: one probe's time, 100 probes at once
//!   against the check limit, memory over 10,000 probes (see [`serve_probes`]). About a minute;
//!   not part of the default run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use headroom::fake::{Account, Agency, CcnRegion, FakeCloud, FakeHandle, Role, Service};
use headroom::output::{self, Format, RenderOptions};
use headroom::quota::{Provider, QueryRecord, QuotaRow, Report, Thresholds};
use headroom::sources::vpc;
use serde_json::{Value, json};

const HEADROOM: &str = env!("CARGO_BIN_EXE_headroom");
const LATENCY: Duration = Duration::from_millis(100);
/// headroom's own default for `defaults.concurrency` (`src/config`, `config.example.yaml`), so
/// that the "default" rows measure what a user gets without setting it.
const DEFAULT_CONCURRENCY: usize = 64;
/// Fake clouds, each on its own thread: see [`Bench`].
const DEFAULT_FAKES: usize = 1;
const ALI_SECRET: &str = "BenchAlibabaSecretValue0123456789";
const HW_SECRET: &str = "BenchHuaweiSecretKeyForFakeCloud0123456789";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--measure") => return measure_child(&args[1..]),
        Some("--case") => return one_case(&args[1..]),
        Some("--serve") => return serve(&args[1..]),
        Some("--quota-center") => return quota_center(&args[1..]),
        Some("--serve-probes") => return serve_probes(&args[1..]),
        Some("--fleet") => return fleet(&args[1..]),
        Some("--history") => return history(&args[1..]),
        _ => {}
    }
    let full = args.iter().any(|a| a == "--bench");
    let quick = args.iter().any(|a| a == "--quick");
    if !full {
        smoke();
        return;
    }
    let bench = Bench::new(200, fakes_arg(&args));
    say(&format!("headroom: {HEADROOM}"));
    say(&machine());
    say("");
    wall_times(&bench, quick);
    say("");
    quota_center_fleet(QC_ACCOUNTS, LATENCY, 5);
    say("");
    assumed_fleet(FLEET_PROFILES, LATENCY, 5);
    say("");
    startup(&bench);
    say("");
    local_cost(10_000, 5);
}

/// `--fakes=K`: how many fake clouds (threads) share the accounts.
fn fakes_arg(args: &[String]) -> usize {
    args.iter()
        .find_map(|a| a.strip_prefix("--fakes="))
        .map_or(DEFAULT_FAKES, |k| k.parse().expect("--fakes=K"))
        .max(1)
}

/// Everything goes to stdout; the clippy lint against printing is for the tool, not for this.
#[allow(clippy::print_stdout)]
fn say(line: &str) {
    println!("{line}");
}

// ---------------------------------------------------------------------------------------------
// The simulated world and the configs that point at it

/// The simulated clouds: unit `u` talks to `fakes[u % fakes.len()]`, each on its own thread.
struct Bench {
    fakes: Vec<FakeHandle>,
    dir: tempfile::TempDir,
}

fn ali_key(unit: usize) -> String {
    format!("LTAIbench{unit:06}")
}

fn hw_key(unit: usize) -> String {
    format!("HWBENCHAK{unit:06}")
}

fn project_id(unit: usize) -> String {
    format!("{:032x}", 0xbe4c_0000_0000_u64 + unit as u64)
}

/// Huawei Cloud in even units, OTC in odd ones.
fn hw_region(unit: usize) -> &'static str {
    if unit.is_multiple_of(2) {
        "cn-north-4"
    } else {
        "eu-de"
    }
}

impl Bench {
    /// `fakes` fake clouds sharing the accounts of `units` units, answering after [`LATENCY`].
    fn new(units: usize, fakes: usize) -> Bench {
        let mut accounts = vec![Vec::new(); fakes];
        for unit in 0..units {
            let mut ali = Account::alibaba(&ali_key(unit), ALI_SECRET);
            ali.ccn = vec![(
                "cn-shanghai".into(),
                CcnRegion {
                    total: 100,
                    used_extra: 5,
                    networks: vec![],
                },
            )];
            let region = hw_region(unit);
            let mut hw = Account::huawei(&hw_key(unit), HW_SECRET);
            hw.projects = vec![(region.into(), project_id(unit))];
            let entry = |kind: &str, used: u64, quota: i64| json!({"type": kind, "used": used, "quota": quota, "min": 0});
            hw.quotas = vec![
                (
                    region.into(),
                    Service::Vpc,
                    vec![
                        entry("vpc", 4, 150),
                        entry("securityGroupRule", 400, 5000),
                        entry("vpcPeer", 3, -1),
                    ],
                ),
                (
                    region.into(),
                    Service::Vpn,
                    vec![
                        entry("customer_gateway", 13, 100),
                        entry("vpn_connection", 306, 5000),
                        entry("vpn_gateway", 23, 50),
                    ],
                ),
                (
                    region.into(),
                    Service::Vpcep,
                    vec![
                        entry("endpoint", 4, 150),
                        entry("endpoint_service", 10, 100),
                    ],
                ),
            ];
            accounts[unit % fakes].push(ali);
            accounts[unit % fakes].push(hw);
        }
        let fakes = accounts
            .into_iter()
            .map(|accounts| {
                FakeCloud {
                    accounts,
                    latency: LATENCY,
                    faults: Vec::new(),
                }
                .spawn()
                .expect("start the fake cloud")
            })
            .collect();
        Bench {
            fakes,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn set_latency(&self, latency: Duration) {
        for fake in &self.fakes {
            fake.set_latency(latency);
        }
    }

    /// A config of `units` units; `with_project_id: false` leaves the Huawei/OTC project ids to
    /// be looked up through IAM (one more round trip before the service queries).
    /// `by_name`: endpoints as `http://localhost:PORT` instead of `http://127.0.0.1:PORT`, so that
    /// every new connection resolves a host name, as with the real endpoints.
    fn config(&self, units: usize, with_project_id: bool, by_name: bool) -> PathBuf {
        let mut text = String::from("profiles:\n");
        for unit in 0..units {
            let fake = &self.fakes[unit % self.fakes.len()];
            let huawei_endpoints = format!(
                "{{ vpc: {}, vpn: {}, vpcep: {}, iam: {} }}",
                fake.url(Service::Vpc),
                fake.url(Service::Vpn),
                fake.url(Service::Vpcep),
                fake.url(Service::Iam),
            );
            let smartag = fake.url(Service::Smartag);
            text.push_str(&format!(
                "  ali-{unit:04}:\n    provider: alibaba\n    region: cn-shanghai\n    \
                 services: [smartag]\n    \
                 access_key_id: {}\n    access_key_secret: ${{BENCH_ALI_SECRET}}\n    \
                 endpoints: {{ smartag: {smartag} }}\n",
                ali_key(unit)
            ));
            let provider = if unit.is_multiple_of(2) {
                "huaweicloud"
            } else {
                "otc"
            };
            let project = if with_project_id {
                format!("    project_id: {}\n", project_id(unit))
            } else {
                String::new()
            };
            text.push_str(&format!(
                "  {provider}-{unit:04}:\n    provider: {provider}\n    region: {}\n{project}    \
                 services: [vpc, vpn, vpcep]\n    \
                 access_key: {}\n    secret_key: ${{BENCH_HW_SECRET}}\n    \
                 endpoints: {huawei_endpoints}\n",
                hw_region(unit),
                hw_key(unit)
            ));
        }
        if by_name {
            text = text.replace("http://127.0.0.1:", "http://localhost:");
        }
        let path = self
            .dir
            .path()
            .join(format!("config-{units}-{with_project_id}-{by_name}.yaml"));
        std::fs::write(&path, text).expect("write the config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .expect("chmod the config");
        }
        path
    }

    /// Runs `headroom ARGS` once through the measuring process; checks the exit code and that
    /// the fake saw `expected_requests` validly signed requests (when given).
    fn run(&self, args: &[&str], expected_requests: Option<usize>) -> Sample {
        for fake in &self.fakes {
            fake.clear_requests();
        }
        let own_cpu = own_cpu_time();
        let output = Command::new(std::env::current_exe().expect("own path"))
            .arg("--measure")
            .arg(HEADROOM)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .env("BENCH_ALI_SECRET", ALI_SECRET)
            .env("BENCH_HW_SECRET", HW_SECRET)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run the measuring process");
        // This process only waits meanwhile: its CPU time is the fake cloud's.
        let fake_cpu = own_cpu_time().saturating_sub(own_cpu);
        let text = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<u64> = text
            .split_whitespace()
            .map(|f| f.parse().expect("a number from --measure"))
            .collect();
        let [wall_us, rss_kib, cpu_us, code] = fields[..] else {
            panic!("--measure printed {text:?}");
        };
        assert_eq!(code, 0, "headroom {args:?} exited {code}");
        if let Some(expected) = expected_requests {
            let requests: Vec<_> = self.fakes.iter().flat_map(FakeHandle::requests).collect();
            assert_eq!(requests.len(), expected, "requests the fake received");
            assert!(
                requests.iter().all(|r| r.signature_valid),
                "a bad signature"
            );
        }
        Sample {
            wall: Duration::from_micros(wall_us),
            rss_kib: (rss_kib > 0).then_some(rss_kib),
            cpu: Duration::from_micros(cpu_us),
            fake_cpu,
        }
    }

    /// `runs` runs of a check of `units` units: the median wall time and the largest peak RSS.
    fn check(&self, case: &Case) -> Sample {
        let config = self.config(case.units, case.with_project_id, case.by_name);
        let concurrency = case.concurrency.to_string();
        let config = config.to_str().expect("UTF-8 temp path");
        // The history's own cost is measured apart (`--history`); here, only the queries.
        let args = [
            "--config",
            config,
            "--no-history",
            "check",
            "--concurrency",
            &concurrency,
        ];
        let iam = if case.with_project_id { 0 } else { case.units };
        let mut samples: Vec<Sample> = (0..case.runs)
            .map(|_| self.run(&args, Some(4 * case.units + iam)))
            .collect();
        Sample::median(&mut samples)
    }
}

/// The `--measure BIN ARGS...` mode: run BIN once, print `wall_us peak_rss_kib exit_code`.
fn measure_child(args: &[String]) {
    let started = Instant::now();
    let status = Command::new(&args[0])
        .args(&args[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("run headroom");
    let wall = started.elapsed();
    let code = status.code().map_or(255, |c| c as u64);
    let (rss_kib, cpu_us) = child_usage().unwrap_or((0, 0));
    say(&format!("{} {rss_kib} {cpu_us} {code}", wall.as_micros()));
}

/// The reaped children's peak RSS (KiB) and CPU time (user + system, microseconds).
#[cfg(unix)]
fn child_usage() -> Option<(u64, u64)> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).ok()?;
    // Kilobytes on Linux; bytes on macOS.
    let raw = u64::try_from(usage.max_rss()).ok()?;
    let rss_kib = if cfg!(target_os = "macos") {
        raw / 1024
    } else {
        raw
    };
    Some((rss_kib, cpu_micros(&usage)))
}

#[cfg(unix)]
fn cpu_micros(usage: &nix::sys::resource::Usage) -> u64 {
    let micros = |t: nix::sys::time::TimeVal| t.tv_sec() * 1_000_000 + t.tv_usec();
    u64::try_from(micros(usage.user_time()) + micros(usage.system_time())).unwrap_or(0)
}

/// This process's CPU time, all threads.
#[cfg(unix)]
fn own_cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_SELF)
        .map_or(Duration::ZERO, |u| Duration::from_micros(cpu_micros(&u)))
}

#[cfg(not(unix))]
fn child_usage() -> Option<(u64, u64)> {
    None
}

#[cfg(not(unix))]
fn own_cpu_time() -> Duration {
    Duration::ZERO
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    rss_kib: Option<u64>,
    /// The child's CPU time, user + system (0 where not measured).
    cpu: Duration,
    /// The fake cloud's CPU time meanwhile (0 where not measured).
    fake_cpu: Duration,
}

impl Sample {
    /// The median wall and CPU times, and the largest peak RSS of the runs.
    fn median(samples: &mut [Sample]) -> Sample {
        let rss_kib = samples.iter().filter_map(|s| s.rss_kib).max();
        samples.sort_by_key(|s| s.cpu);
        let cpu = samples[samples.len() / 2].cpu;
        samples.sort_by_key(|s| s.fake_cpu);
        let fake_cpu = samples[samples.len() / 2].fake_cpu;
        samples.sort_by_key(|s| s.wall);
        Sample {
            wall: samples[samples.len() / 2].wall,
            rss_kib,
            cpu,
            fake_cpu,
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

// ---------------------------------------------------------------------------------------------
// 1. Wall time against L = 100 ms

#[derive(Debug, Clone, Copy)]
struct Case {
    units: usize,
    concurrency: usize,
    /// `false`: the Huawei/OTC profiles have no `project_id` and look it up through IAM.
    with_project_id: bool,
    /// Endpoints by host name (`localhost`): a DNS lookup per new connection.
    by_name: bool,
    latency: Duration,
    runs: usize,
}

impl Case {
    fn new(units: usize, concurrency: usize, runs: usize) -> Case {
        Case {
            units,
            concurrency,
            with_project_id: true,
            by_name: false,
            latency: LATENCY,
            runs,
        }
    }

    fn queries(&self) -> usize {
        4 * self.units
    }

    /// The physical limit: every request takes L, at most C at once; an IAM lookup (one per
    /// Huawei/OTC profile without a project id) comes before that profile's queries.
    fn limit(&self) -> Duration {
        let iam = if self.with_project_id { 0 } else { self.units };
        let rounds = (self.queries() + iam)
            .div_ceil(self.concurrency)
            .max(1 + usize::from(iam > 0));
        self.latency * rounds as u32
    }

    /// What a run must stay within: 1.2 x limit + 50 ms. Querying in parallel should cost about
    /// one answer per round of C requests; the 20% and 50 ms leave room for start-up, opening
    /// connections and rendering on a shared 2-core machine.
    fn target(&self) -> Duration {
        self.limit().mul_f64(1.2) + Duration::from_millis(50)
    }

    fn run(&self, bench: &Bench) -> Sample {
        bench.set_latency(self.latency);
        let sample = bench.check(self);
        bench.set_latency(LATENCY);
        sample
    }
}

fn table_header() {
    say(
        "      N     Q     C  limit ms   wall ms  wall/L wall/lim target ms  CPU ms RSS MiB fake CPU",
    );
}

fn table_row(case: &Case, sample: &Sample, note: &str) {
    let per_l = if case.latency.is_zero() {
        "-".to_string()
    } else {
        format!(
            "{:.2}",
            sample.wall.as_secs_f64() / case.latency.as_secs_f64()
        )
    };
    let per_limit = if case.latency.is_zero() {
        "-".to_string()
    } else {
        format!(
            "{:.2}",
            sample.wall.as_secs_f64() / case.limit().as_secs_f64()
        )
    };
    say(&format!(
        "   {:>4} {:>5} {:>5} {:>9.0} {:>9.1} {per_l:>7} {per_limit:>8} {:>9.0} {:>7.1} {:>7} {:>8.1}  {note}",
        case.units,
        case.queries(),
        case.concurrency,
        ms(case.limit()),
        ms(sample.wall),
        ms(case.target()),
        ms(sample.cpu),
        mib(sample.rss_kib),
        ms(sample.fake_cpu),
    ));
}

/// `--case UNITS CONCURRENCY LATENCY_MS [RUNS] [--iam] [--by-name] [--fakes=K]`: one line of
/// the table, for digging.
fn one_case(args: &[String]) {
    let number = |i: usize, default: usize| {
        args.get(i)
            .filter(|a| !a.starts_with("--"))
            .map_or(default, |a| {
                a.parse()
                    .expect("--case UNITS CONCURRENCY LATENCY_MS [RUNS]")
            })
    };
    let case = Case {
        units: number(0, 50),
        concurrency: number(1, DEFAULT_CONCURRENCY),
        with_project_id: !args.iter().any(|a| a == "--iam"),
        by_name: args.iter().any(|a| a == "--by-name"),
        latency: Duration::from_millis(number(2, 100) as u64),
        runs: number(3, 7),
    };
    let bench = Bench::new(case.units, fakes_arg(args));
    bench.run(&["--version"], None);
    table_header();
    let sample = case.run(&bench);
    table_row(
        &case,
        &sample,
        &format!("L = {} ms", case.latency.as_millis()),
    );
}

/// `--serve UNITS LATENCY_MS`: writes the config of UNITS units, prints its path and the
/// variables it needs, and keeps the fake running until stdin closes (for `perf`, `strace`...).
fn serve(args: &[String]) {
    let number = |i: usize, default: u64| {
        args.get(i)
            .filter(|a| !a.starts_with("--"))
            .map_or(default, |a| a.parse().expect("--serve UNITS LATENCY_MS"))
    };
    let units = number(0, 50) as usize;
    let bench = Bench::new(units, fakes_arg(args));
    bench.set_latency(Duration::from_millis(number(1, 100)));
    let config = bench.config(units, true, args.iter().any(|a| a == "--by-name"));
    say(&format!(
        "BENCH_ALI_SECRET={ALI_SECRET} BENCH_HW_SECRET={HW_SECRET} {HEADROOM} --config {}",
        config.display()
    ));
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
}

fn wall_times(bench: &Bench, quick: bool) {
    say(&format!(
        "1. Wall time: N units x 4 queries (1 Alibaba + 1 Huawei/OTC profile each), every answer after L = {} ms",
        LATENCY.as_millis()
    ));
    say("   limit = ceil(Q/C) x L (one round more for IAM lookups); target = 1.2 x limit + 50 ms;");
    say("   wall and CPU (user + system of headroom): median of the runs; RSS: the largest peak");
    say("");
    table_header();
    let mut cases = Vec::new();
    for units in [1, 10, 50, 200] {
        cases.push(Case::new(units, DEFAULT_CONCURRENCY, 11));
    }
    cases.push(Case::new(50, 256, 11));
    cases.push(Case {
        by_name: true,
        ..Case::new(50, 256, 11)
    });
    cases.push(Case::new(200, 800, 7));
    cases.push(Case {
        with_project_id: false,
        ..Case::new(50, DEFAULT_CONCURRENCY, 11)
    });
    for units in [1, 10, 50, 200] {
        if quick && units == 200 {
            continue;
        }
        cases.push(Case::new(units, 1, if units >= 50 { 1 } else { 3 }));
    }
    let mut results: Vec<(Case, Sample)> = Vec::new();
    // One untimed run first: the binary and the libraries in the page cache.
    bench.run(&["--version"], None);
    for case in &cases {
        let sample = case.run(bench);
        let met = |ok: bool| if ok { "met" } else { "MISSED" };
        let note = match (case.concurrency, case.with_project_id) {
            (1, _) => "--concurrency 1 (one query at a time)".to_string(),
            (_, false) => "no project_id: IAM lookups first".to_string(),
            (c, true) if case.by_name => {
                format!("--concurrency {c}, endpoints by name: DNS per connection")
            }
            (c, true) if c == DEFAULT_CONCURRENCY => {
                format!("default concurrency: {}", met(sample.wall <= case.target()))
            }
            (c, true) if case.units == 50 => format!(
                "--concurrency {c}: <= 1.3 x L {}",
                met(sample.wall <= LATENCY.mul_f64(1.3))
            ),
            (c, true) => format!("--concurrency {c}"),
        };
        table_row(case, &sample, &note);
        results.push((*case, sample));
    }
    let find = |units: usize, concurrency: usize| {
        results
            .iter()
            .find(|(c, _)| {
                c.units == units && c.concurrency == concurrency && c.with_project_id && !c.by_name
            })
            .map(|(_, s)| s.wall)
    };
    say("");
    for units in [50, 200] {
        // Without --quick every serial run is measured; with it, N = 200 is 4 x N = 50.
        let (serial, how) = match (find(units, 1), find(units / 4, 1)) {
            (Some(wall), _) => (wall, "measured"),
            (None, Some(wall)) if units == 200 => (wall * 4, "4 x N = 50, --quick"),
            _ => continue,
        };
        for concurrency in [DEFAULT_CONCURRENCY, 256, 800] {
            let Some(wall) = find(units, concurrency) else {
                continue;
            };
            let speedup = serial.as_secs_f64() / wall.as_secs_f64();
            let queries = 4 * units;
            let bound = queries as f64 / queries.div_ceil(concurrency) as f64;
            let verdict = match (units, speedup >= 50.0) {
                (50, true) => "; target >= 50x: met",
                (50, false) => "; target >= 50x: MISSED",
                _ => "",
            };
            say(&format!(
                "   N = {units}: --concurrency {concurrency} is {speedup:.1}x faster than --concurrency 1 ({:.1} s, {how}); at most {bound:.0}x at the limit{verdict}",
                serial.as_secs_f64()
            ));
        }
    }
    if let Some((_, s)) = results
        .iter()
        .find(|(c, _)| c.units == 200 && c.concurrency == DEFAULT_CONCURRENCY)
    {
        let verdict = match s.rss_kib {
            Some(k) if k < 30 * 1024 => "met",
            Some(_) => "MISSED",
            None => "not measured",
        };
        say(&format!(
            "   peak RSS at N = 200: {} MiB (target < 30 MiB: {verdict})",
            mib(s.rss_kib)
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Start-up

fn startup(bench: &Bench) {
    const RUNS: usize = 21;
    say(&format!(
        "2. Start-up (median of {RUNS} runs; target < 10 ms)"
    ));
    let mut version: Vec<Sample> = (0..RUNS).map(|_| bench.run(&["--version"], None)).collect();
    let version = Sample::median(&mut version);
    bench.set_latency(Duration::ZERO);
    let config = bench.config(1, true, false);
    let config = config.to_str().expect("UTF-8 temp path");
    let args = ["--config", config, "check"];
    bench.run(&args, Some(4));
    let mut check: Vec<Sample> = (0..RUNS).map(|_| bench.run(&args, Some(4))).collect();
    let check = Sample::median(&mut check);
    bench.set_latency(LATENCY);
    let verdict = |s: &Sample| {
        if s.wall < Duration::from_millis(10) {
            "met"
        } else {
            "MISSED"
        }
    };
    say(&format!(
        "   headroom --version                          {:>6.2} ms  peak RSS {} MiB  {}",
        ms(version.wall),
        mib(version.rss_kib),
        verdict(&version)
    ));
    say(&format!(
        "   headroom check, 1 unit (4 queries), L = 0   {:>6.2} ms  peak RSS {} MiB  {}",
        ms(check.wall),
        mib(check.rss_kib),
        verdict(&check)
    ));
}

// ---------------------------------------------------------------------------------------------
// 3. Local cost

fn local_cost(rows: usize, runs: usize) {
    say(&format!(
        "3. Local cost of {rows} rows, in this process (median of {runs})"
    ));
    // One Huawei answer with `rows` entries: JSON parse + `parse_quotas`.
    let entries: Vec<Value> = (0..rows)
        .map(|i| {
            json!({"type": format!("resource{i}"), "used": i % 97, "quota": 100 + i % 13, "min": 0})
        })
        .collect();
    let body = serde_json::to_vec(&json!({"quotas": {"resources": entries}})).expect("JSON");
    let parse = time(runs, || {
        let value: Value = serde_json::from_slice(&body).expect("JSON");
        vpc::parse_quotas(&value).expect("quotas").len()
    });
    let parsed = vpc::parse_quotas(&serde_json::from_slice(&body).expect("JSON")).expect("ok");
    say(&format!(
        "   parse ({} KiB answer)     {:>7.2} ms",
        body.len() / 1024,
        ms(parse)
    ));

    // Merge: one row per quota with its status, 4 quotas per query, sorted by name (as `check`
    // does), from 250 profiles.
    let build = || {
        let mut out: Vec<QuotaRow> = parsed
            .iter()
            .enumerate()
            .map(|(i, q)| {
                QuotaRow::new(
                    &format!("profile-{:03}", i % 250),
                    Provider::Huaweicloud,
                    "cn-north-4",
                    ["vpc", "vpn", "vpcep"][i % 3],
                    &q.resource,
                    q.used,
                    q.limit,
                    q.min,
                    Thresholds::default(),
                )
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.profile, &a.region, &a.service, &a.resource).cmp(&(
                &b.profile,
                &b.region,
                &b.service,
                &b.resource,
            ))
        });
        out
    };
    let merge = time(runs, || build().len());
    say(&format!("   merge + sort            {:>7.2} ms", ms(merge)));
    let report = Report {
        generated_at: jiff::Timestamp::from_second(1_700_000_000).expect("time"),
        rows: build(),
        errors: Vec::new(),
        unmatched: Vec::new(),
        demand: None,
        whole_run: None,
        queries: (0..rows / 4)
            .map(|i| QueryRecord {
                profile: format!("profile-{:03}", i % 250),
                provider: Provider::Huaweicloud,
                region: "cn-north-4".into(),
                service: "vpc".into(),
                success: true,
                duration: Duration::from_millis(100),
            })
            .collect(),
    };
    let options = RenderOptions {
        color: false,
        width: None,
    };
    for (name, format) in [
        ("table", Format::Table),
        ("json", Format::Json),
        ("yaml", Format::Yaml),
        ("csv", Format::Csv),
        ("prometheus", Format::Prometheus),
        ("nagios", Format::Nagios),
    ] {
        let mut size = 0;
        let took = time(runs, || {
            let mut out = Vec::new();
            output::render(format, &report, &options, &mut out).expect("render");
            size = out.len();
            size
        });
        say(&format!(
            "   render {name:<11}      {:>7.2} ms  ({} KiB)",
            ms(took),
            size / 1024
        ));
    }
}

/// The median time of `runs` calls of `work` (its result is kept from the optimiser).
fn time(runs: usize, mut work: impl FnMut() -> usize) -> Duration {
    let mut took: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(work());
            started.elapsed()
        })
        .collect();
    took.sort();
    took[took.len() / 2]
}

// ---------------------------------------------------------------------------------------------
// Context

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let model = read("/proc/cpuinfo")
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or_else(
            || "unknown memory".into(),
            |kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0),
        );
    let load = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    format!("machine: {cpus} CPUs ({model}), {memory}, load average {load}")
}

// ---------------------------------------------------------------------------------------------
// 1b. Alibaba Quota Center: a fleet kept to the rate limit

/// Accounts of the Quota Center case: 20 accounts x 2 regions x 13 product codes.
const QC_ACCOUNTS: usize = 20;
const QC_REGIONS: [&str; 2] = ["cn-shanghai", "cn-hongkong"];
/// Requests a key may have in flight or answered within the last second (headroom's pacing).
const QC_PACE: usize = 10;

/// `--quota-center ACCOUNTS LATENCY_MS [RUNS]`: the Quota Center case alone.
fn quota_center(args: &[String]) {
    let arg = |i: usize, default: u64| {
        args.get(i).map_or(default, |a| {
            a.parse()
                .expect("--quota-center ACCOUNTS LATENCY_MS [RUNS]")
        })
    };
    quota_center_fleet(
        arg(0, QC_ACCOUNTS as u64) as usize,
        Duration::from_millis(arg(1, 100)),
        arg(2, 5) as usize,
    );
}

/// Every account queries 2 regions x 13 products, one page each, from its own access key.
/// Quota Center allows 15 calls a second per account and headroom sends at most 10 in any
/// second, counting each call until a second after its answer: with 26 calls a key, that is
/// three rounds of at most 10, so the wall time can be no less than 2 x (1 s + L) + L. It must
/// come close to that, and the fake must never have seen more than 10 calls of one key in a
/// second.
fn quota_center_fleet(accounts: usize, latency: Duration, runs: usize) {
    let products = headroom::sources::quota_center::PRODUCT_CODES;
    let calls = QC_REGIONS.len() * products.len();
    let mut fleet = Vec::new();
    for account in 0..accounts {
        let mut ali = Account::alibaba(&ali_key(account), ALI_SECRET);
        for region in QC_REGIONS {
            for product in products {
                ali.quota_center.push((
                    (*product).to_string(),
                    json!({"QuotaActionCode": format!("{product}_quota_instances_num"),
                           "QuotaName": "instances", "TotalQuota": 50, "TotalUsage": 7,
                           "Consumable": true, "QuotaType": "normal", "GlobalQuota": false,
                           "Dimensions": {"regionId": region}}),
                ));
            }
        }
        fleet.push(ali);
    }
    let fake = FakeCloud {
        accounts: fleet,
        latency,
        faults: Vec::new(),
    }
    .spawn()
    .expect("start the fake cloud");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("profiles:\n");
    for account in 0..accounts {
        text.push_str(&format!(
            "  ali-{account:04}:\n    provider: alibaba\n    regions: [{}]\n    services: [{}]\n    \
             access_key_id: {}\n    access_key_secret: ${{BENCH_ALI_SECRET}}\n    \
             endpoints: {{ quotas: {} }}\n",
            QC_REGIONS.join(", "),
            products.join(", "),
            ali_key(account),
            fake.url(Service::Quotas)
        ));
    }
    let config = dir.path().join("quota-center.yaml");
    std::fs::write(&config, text).expect("write the config");
    let rounds = calls.div_ceil(QC_PACE) as u32;
    let limit = (Duration::from_secs(1) + latency) * (rounds - 1) + latency;
    let (walls, busiest) = paced_runs(&fake, dir.path(), &config, runs, accounts * calls, |fake| {
        (0..accounts)
            .map(|account| fake.busiest_second(Service::Quotas, &ali_key(account)))
            .max()
            .unwrap_or(0)
    });
    let median = walls[walls.len() / 2];
    say(&format!(
        "1b. Alibaba Quota Center: {accounts} accounts x {} regions x {} products = {} calls, every answer after L = {} ms",
        QC_REGIONS.len(),
        products.len(),
        accounts * calls,
        latency.as_millis()
    ));
    say(&format!(
        "   pacing limit = 2 x (1 s + L) + L = {:.0} ms; wall (median of {runs}) {:.0} ms = {:.2} x the limit; \
         fastest {:.0} ms ({}); busiest second of any key: {busiest} calls (at most {QC_PACE}: {})",
        ms(limit),
        ms(median),
        median.as_secs_f64() / limit.as_secs_f64(),
        ms(walls[0]),
        if walls[0] >= limit {
            "never faster than the pacing allows"
        } else {
            "FASTER than the pacing allows"
        },
        if busiest <= QC_PACE { "met" } else { "MISSED" },
    ));
}

/// `runs` timed checks of `config` against `fake`, each after the provider's one-second window
/// has emptied (a run straight after the last would find its first calls counted with the
/// previous run's last ones). Every run must exit 0 and send exactly `requests` validly signed
/// requests. Returns the wall times, fastest first, and the largest `busiest` of any run.
fn paced_runs(
    fake: &FakeHandle,
    home: &std::path::Path,
    config: &std::path::Path,
    runs: usize,
    requests: usize,
    busiest: impl Fn(&FakeHandle) -> usize,
) -> (Vec<Duration>, usize) {
    let mut walls = Vec::new();
    let mut most = 0;
    for _ in 0..runs {
        std::thread::sleep(Duration::from_millis(1100));
        fake.clear_requests();
        let started = Instant::now();
        let output = Command::new(HEADROOM)
            .arg("--config")
            .arg(config)
            .args(["--no-history", "check", "-o", "json"])
            .env_clear()
            .env("HOME", home)
            .env("BENCH_ALI_SECRET", ALI_SECRET)
            .env("BENCH_HW_SECRET", HW_SECRET)
            .stdin(Stdio::null())
            .output()
            .expect("run headroom");
        walls.push(started.elapsed());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        let seen = fake.requests();
        assert_eq!(seen.len(), requests, "requests the fake received: {stderr}");
        assert!(seen.iter().all(|r| r.signature_valid), "a bad signature");
        most = most.max(busiest(fake));
    }
    walls.sort();
    (walls, most)
}

// ---------------------------------------------------------------------------------------------
// 1c. A fleet of assumed profiles from one base key per cloud

/// Assumed profiles of the fleet case: half Alibaba RAM roles, half Huawei Cloud agencies.
const FLEET_PROFILES: usize = 200;
/// `AssumeRole` calls a base key may have in flight or answered within the last second.
const ASSUME_PACE: usize = 50;

/// `--fleet PROFILES LATENCY_MS [RUNS]`: the fleet case alone.
fn fleet(args: &[String]) {
    let arg = |i: usize, default: u64| {
        args.get(i).map_or(default, |a| {
            a.parse().expect("--fleet PROFILES LATENCY_MS [RUNS]")
        })
    };
    assumed_fleet(
        arg(0, FLEET_PROFILES as u64) as usize,
        Duration::from_millis(arg(1, 100)),
        arg(2, 5) as usize,
    );
}

/// `profiles` assumed profiles, each one query (Smartag or VPC) after its assume call, from one
/// Alibaba and one Huawei base key. What limits the wall time: every profile needs two round
/// trips (assume, then query); the default concurrency of 64 lets 64 requests be in flight;
/// and one base key's `AssumeRole` calls keep to 50 in flight or answered within a second, so
/// A Alibaba profiles take ceil(A / 50) rounds of (1 s + L). The limit is the largest of these.
fn assumed_fleet(profiles: usize, latency: Duration, runs: usize) {
    const BASE_ALI: &str = "LTAI5tBenchFleetBase01";
    const BASE_ALI_ACCOUNT: &str = "1000000000000001";
    const BASE_HW: &str = "BENCHFLEETBASEHW0001";
    let alibaba = profiles / 2;
    let huawei = profiles - alibaba;
    let mut base_ali = Account::alibaba(BASE_ALI, ALI_SECRET);
    base_ali.account_id = BASE_ALI_ACCOUNT.into();
    let mut base_hw = Account::huawei(BASE_HW, HW_SECRET);
    base_hw.domain_name = "base".into();
    let base_domain_id = base_hw.domain_id.clone();
    let mut accounts = vec![base_ali, base_hw];
    for i in 0..alibaba {
        let mut ali = Account::alibaba(&format!("LTAI5tBenchTarget{i:05}"), ALI_SECRET);
        ali.account_id = format!("{}", 2_000_000_000_000_000u64 + i as u64);
        ali.roles = vec![Role::new("headroom-reader", &[BASE_ALI_ACCOUNT])];
        ali.ccn = vec![(
            "cn-shanghai".into(),
            CcnRegion {
                total: 100,
                used_extra: 5,
                networks: vec![],
            },
        )];
        accounts.push(ali);
    }
    for i in 0..huawei {
        let mut hw = Account::huawei(&format!("BENCHHWTARGET{i:05}00"), HW_SECRET);
        hw.domain_name = format!("team-{i:04}");
        hw.agencies = vec![Agency::new("headroom-reader", &["base"])];
        hw.projects = vec![("cn-north-4".into(), format!("{i:032x}"))];
        hw.quotas = vec![(
            "cn-north-4".into(),
            Service::Vpc,
            vec![json!({"type": "vpc", "used": 4, "quota": 150, "min": 0})],
        )];
        accounts.push(hw);
    }
    let fake = FakeCloud {
        accounts,
        latency,
        faults: Vec::new(),
    }
    .spawn()
    .expect("start the fake cloud");
    let ali_accounts: Vec<String> = (0..alibaba)
        .map(|i| format!("a{i:04}: \"{}\"", 2_000_000_000_000_000u64 + i as u64))
        .collect();
    let hw_accounts: Vec<String> = (0..huawei)
        .map(|i| format!("h{i:04}: team-{i:04}"))
        .collect();
    let project_ids: Vec<String> = (0..huawei)
        .map(|i| format!("      h{i:04}: {{cn-north-4: {i:032x}}}\n"))
        .collect();
    let text = format!(
        "profiles:\n  ali-base:\n    provider: alibaba\n    region: cn-shanghai\n    \
         access_key_id: {BASE_ALI}\n    access_key_secret: ${{BENCH_ALI_SECRET}}\n    services: []\n    \
         endpoints: {{sts: {sts}}}\n  hw-base:\n    provider: huaweicloud\n    region: cn-north-4\n    \
         access_key: {BASE_HW}\n    secret_key: ${{BENCH_HW_SECRET}}\n    domain_id: {base_domain_id}\n    \
         services: []\n    endpoints: {{iam: {iam}}}\nfleets:\n  ali-org:\n    provider: alibaba\n    \
         source_profile: ali-base\n    role_arn: \"acs:ram::{{account}}:role/headroom-reader\"\n    \
         region: cn-shanghai\n    services: [smartag]\n    endpoints: {{smartag: {smartag}}}\n    \
         accounts: {{{ali}}}\n  hw-org:\n    provider: huaweicloud\n    source_profile: hw-base\n    \
         agency: {{domain_name: \"{{account}}\", name: headroom-reader}}\n    region: cn-north-4\n    \
         services: [vpc]\n    endpoints: {{vpc: {vpc}}}\n    accounts: {{{hw}}}\n    project_ids:\n{projects}",
        sts = fake.url(Service::Sts),
        iam = fake.url(Service::Iam),
        smartag = fake.url(Service::Smartag),
        vpc = fake.url(Service::Vpc),
        ali = ali_accounts.join(", "),
        hw = hw_accounts.join(", "),
        projects = project_ids.concat(),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("fleet.yaml");
    std::fs::write(&config, text).expect("write the config");
    let requests = 2 * profiles;
    let rounds = alibaba.div_ceil(ASSUME_PACE).max(1) as u32;
    let by_pacing = (Duration::from_secs(1) + latency) * (rounds - 1) + latency * 2;
    let by_concurrency = latency * requests.div_ceil(DEFAULT_CONCURRENCY) as u32;
    let limit = by_pacing.max(by_concurrency).max(latency * 2);
    let (walls, busiest) = paced_runs(&fake, dir.path(), &config, runs, requests, |fake| {
        fake.busiest_assume_second(BASE_ALI)
    });
    let median = walls[walls.len() / 2];
    say(&format!(
        "1c. Fleet: {profiles} assumed profiles ({alibaba} RAM roles, {huawei} agencies) from one base key per cloud, every answer after L = {} ms",
        latency.as_millis()
    ));
    say(&format!(
        "   limit = max(2 x L, ceil({requests}/{DEFAULT_CONCURRENCY}) x L, {} rounds of AssumeRole pacing) = {:.0} ms; \
         wall (median of {runs}) {:.0} ms = {:.2} x the limit (target <= 1.1: {}); busiest second of AssumeRole calls: {busiest} (at most {ASSUME_PACE})",
        rounds,
        ms(limit),
        ms(median),
        median.as_secs_f64() / limit.as_secs_f64(),
        if median.as_secs_f64() <= 1.1 * limit.as_secs_f64() {
            "met"
        } else {
            "MISSED"
        },
    ));
}

// ---------------------------------------------------------------------------------------------
// 5. The usage history

/// `--history [QUOTAS] [DAYS]`: QUOTAS for the large store (the year-old store of 1,000 is
/// smaller when QUOTAS is), DAYS for both (at least 35: the full-resolution part is 35 days).
fn history(args: &[String]) {
    // `cargo bench` adds `--bench`.
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let arg = |i: usize, default: usize| {
        args.get(i)
            .map_or(default, |a| a.parse().expect("--history [QUOTAS] [DAYS]"))
    };
    let days = arg(1, 365).max(35) as i64;
    history_cost(arg(0, 4000), days, 7);
}

const HISTORY_DAY: i64 = 86_400;
const RECORD_ROWS: usize = 1000;

/// One Huawei Cloud account per profile, its VPC answer holding `rows` quotas (`r00000`...),
/// each `used` as the key's growth line gives it now.
fn history_world(profiles: &[(&str, usize)]) -> (FakeHandle, tempfile::TempDir, PathBuf) {
    let mut accounts = Vec::new();
    let mut text = String::from("profiles:\n");
    let fake_placeholder = "FAKE";
    for (index, (name, rows)) in profiles.iter().enumerate() {
        let mut hw = Account::huawei(&hw_key(index), HW_SECRET);
        hw.projects = vec![("cn-north-4".into(), project_id(index))];
        let entries = (0..*rows)
            .map(|k| json!({"type": format!("r{k:05}"), "used": history_used(k, 0), "quota": 10_000, "min": 0}))
            .collect();
        hw.quotas = vec![("cn-north-4".into(), Service::Vpc, entries)];
        accounts.push(hw);
        text.push_str(&format!(
            "  {name}:\n    provider: huaweicloud\n    region: cn-north-4\n    project_id: {}\n    \
             services: [vpc]\n    access_key: {}\n    secret_key: ${{BENCH_HW_SECRET}}\n    \
             endpoints: {{ vpc: {fake_placeholder} }}\n",
            project_id(index),
            hw_key(index)
        ));
    }
    let fake = FakeCloud {
        accounts,
        latency: Duration::ZERO,
        faults: Vec::new(),
    }
    .spawn()
    .expect("start the fake cloud");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("history.yaml");
    std::fs::write(
        &config,
        text.replace(fake_placeholder, &fake.url(Service::Vpc)),
    )
    .expect("write the config");
    (fake, dir, config)
}

/// Quota `k`'s `used`, `age` seconds ago: each grows at its own steady pace, from 2,000 to
/// 8,000 of 10,000 over the year, with a little daily wobble.
fn history_used(k: usize, age: i64) -> i64 {
    let per_day = 2.0 + (k % 13) as f64;
    let now = 2000.0 + per_day * 365.0;
    let days = age as f64 / HISTORY_DAY as f64;
    let wobble = ((age / 900) % 7) as f64;
    (now - per_day * days + wobble).max(0.0) as i64
}

/// What `history_runs` measured: medians of the wall time and of each part of the history's
/// own time, as `-v` reports it (`opened in`, `read in`, `written in`, `closed in`).
struct HistoryRuns {
    wall: Duration,
    mean: Duration,
    /// (part, median ms), in the order `-v` gives them.
    parts: Vec<(String, f64)>,
}

impl HistoryRuns {
    fn part(&self, name: &str) -> f64 {
        self.parts
            .iter()
            .find(|(part, _)| part == name)
            .map_or(0.0, |(_, ms)| *ms)
    }

    /// Opening the store and reading what the forecast needs.
    fn forecast(&self) -> f64 {
        self.part("opened") + self.part("read")
    }

    /// Writing the samples, the retention and the close (the checkpoint of the write-ahead log).
    fn recording(&self) -> f64 {
        self.part("written") + self.part("closed")
    }

    fn parts_text(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|(part, ms)| format!("{part} {ms:.0} ms"))
            .collect();
        parts.join(", ")
    }
}

/// Runs `headroom ARGS` `runs` times (exit code 0 required) and keeps the medians.
fn history_runs(dir: &std::path::Path, args: &[&str], runs: usize) -> HistoryRuns {
    let mut walls = Vec::new();
    let mut parts: Vec<(String, Vec<f64>)> = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let output = Command::new(HEADROOM)
            .args(args)
            .env_clear()
            .env("HOME", dir)
            .env("BENCH_HW_SECRET", HW_SECRET)
            .stdin(Stdio::null())
            .output()
            .expect("run headroom");
        walls.push(started.elapsed());
        assert_eq!(
            output.status.code(),
            Some(0),
            "headroom {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            err.lines()
                .all(|l| l.starts_with("headroom: ") || l.starts_with("  ")),
            "headroom {args:?}: {err}"
        );
        // "headroom: history PATH: opened in 0 ms, read in 5 ms, written in 9 ms, closed in 3 ms"
        let Some(times) = err
            .lines()
            .find(|l| l.starts_with("headroom: history "))
            .and_then(|l| l.rsplit(": ").next())
        else {
            continue;
        };
        for part in times.split(", ") {
            let mut words = part.split(' ');
            let (Some(name), Some("in"), Some(value)) = (words.next(), words.next(), words.next())
            else {
                continue;
            };
            let value: f64 = value.parse().expect("a number of ms");
            match parts.iter_mut().find(|(known, _)| known == name) {
                Some((_, values)) => values.push(value),
                None => parts.push((name.to_string(), vec![value])),
            }
        }
    }
    let mean = walls.iter().sum::<Duration>() / walls.len() as u32;
    walls.sort();
    let parts = parts
        .into_iter()
        .map(|(name, mut values)| {
            values.sort_by(f64::total_cmp);
            (name, values[values.len() / 2])
        })
        .collect();
    HistoryRuns {
        wall: walls[walls.len() / 2],
        mean,
        parts,
    }
}

/// A store of `quotas` quotas over `days` days, as a year of 15-minute runs leaves it after
/// the retention: every sample of the last 35 days, one a day (the day's highest) before.
/// Written through the public schema only, as a store made elsewhere would be; headroom adds
/// its own tables the first time it writes it. The samples are written run by run, as runs
/// leave them in the file, and the key index is built after them (much faster than keeping it
/// up to date through fifteen million inserts).
fn history_store(
    path: &std::path::Path,
    profile: &str,
    quotas: usize,
    days: i64,
    now: i64,
) -> usize {
    let conn = rusqlite::Connection::open(path).expect("create the store");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
         CREATE TABLE samples (at INTEGER NOT NULL, profile TEXT NOT NULL,
           provider TEXT NOT NULL, region TEXT NOT NULL, service TEXT NOT NULL,
           resource TEXT NOT NULL, used REAL NOT NULL, quota_limit REAL, status TEXT);
         BEGIN;",
    )
    .expect("schema");
    let mut insert = conn
        .prepare(
            "INSERT INTO samples VALUES (?1, ?2, 'huaweicloud', 'cn-north-4', 'vpc', ?3, ?4, 10000, 'ok')",
        )
        .expect("insert");
    let last = now - 900;
    let thinned = (35..days).rev().map(|day| last - day * HISTORY_DAY);
    let full = (0..35 * HISTORY_DAY / 900)
        .rev()
        .map(|run| last - run * 900);
    let resources: Vec<String> = (0..quotas).map(|k| format!("r{k:05}")).collect();
    let mut count = 0;
    for at in thinned.chain(full) {
        for (k, resource) in resources.iter().enumerate() {
            insert
                .execute(rusqlite::params![
                    at,
                    profile,
                    resource,
                    history_used(k, now - at)
                ])
                .expect("insert");
            count += 1;
        }
    }
    drop(insert);
    conn.execute_batch(
        "COMMIT;
         CREATE INDEX samples_by_key ON samples (profile, region, service, resource, at);",
    )
    .expect("commit");
    count
}

fn file_mib(path: &std::path::Path) -> f64 {
    let size = |p: PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    (size(path.to_path_buf()) + size(wal)) as f64 / (1024.0 * 1024.0)
}

fn history_cost(quotas: usize, days: i64, runs: usize) {
    say(&format!(
        "4. The usage history: a year is {days} days of 15-minute samples, thinned after 35 days; median of {} runs",
        runs * 2 + 1
    ));
    // The year-old store is of 1,000 quotas, fewer when the large one is smaller (the smoke).
    let old_rows = RECORD_ROWS.min(quotas);
    let (_fake, dir, config) =
        history_world(&[("rec", RECORD_ROWS), ("old", old_rows), ("big", quotas)]);
    let config = config.to_str().expect("UTF-8 temp path");
    let now = jiff::Timestamp::now().as_second();
    let store = |name: &str| {
        dir.path()
            .join(name)
            .to_str()
            .expect("UTF-8 temp path")
            .to_string()
    };
    let check = |profile: &'static str, store: Option<&str>| -> Vec<String> {
        let mut args = vec!["--config".to_string(), config.to_string(), "-v".into()];
        match store {
            Some(store) => args.extend(["--history".to_string(), store.to_string()]),
            None => args.push("--no-history".into()),
        }
        args.extend(["check".to_string(), "-p".into(), profile.into()]);
        args
    };
    let run = |args: &[String], runs: usize| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        history_runs(dir.path(), &args, runs)
    };
    let report = |what: &str, with: &HistoryRuns, without: &HistoryRuns| {
        say(&format!(
            "   {what}: +{:.1} ms (check {:.1} ms with the history, {:.1} ms with --no-history; means +{:.1} ms); the history's own parts: {}",
            ms(with.wall.saturating_sub(without.wall)),
            ms(with.wall),
            ms(without.wall),
            ms(with.mean.saturating_sub(without.mean)),
            with.parts_text()
        ));
    };

    // A new store that already holds a few runs.
    let new_store = store("new.sqlite");
    let recording = check("rec", Some(&new_store));
    run(&recording, 3);
    let plain = run(&check("rec", None), runs * 2 + 1);
    let recorded = run(&recording, runs * 2 + 1);
    report(
        &format!("recording {RECORD_ROWS} rows, a new store"),
        &recorded,
        &plain,
    );

    // The steady state of a cron job a year on: the same rows into a year of their own samples.
    let old_store = store("old.sqlite");
    let count = history_store(Path::new(&old_store), "old", old_rows, days, now);
    let recording = check("old", Some(&old_store));
    let started = Instant::now();
    run(&recording, 1);
    say(&format!(
        "   a year of {old_rows} quotas: {count} samples, {:.0} MiB (the first run, which builds headroom's tables from every sample: {:.1} s)",
        file_mib(Path::new(&old_store)),
        started.elapsed().as_secs_f64()
    ));
    let plain = run(&check("old", None), runs * 2 + 1);
    let recorded = run(&recording, runs * 2 + 1);
    report(
        &format!("recording {old_rows} rows, a year-old store"),
        &recorded,
        &plain,
    );
    // What the public key index costs: the same store without it.
    let unindexed = store("unindexed.sqlite");
    let copy = rusqlite::Connection::open(&old_store).expect("open the year-old store");
    copy.execute("VACUUM INTO ?1", [&unindexed])
        .expect("copy the store");
    drop(copy);
    rusqlite::Connection::open(&unindexed)
        .and_then(|c| c.execute_batch("DROP INDEX samples_by_key"))
        .expect("drop the index");
    let recording = check("old", Some(&unindexed));
    run(&recording, 3);
    let recorded = run(&recording, runs * 2 + 1);
    report(
        &format!("recording {old_rows} rows, the same store without `samples_by_key`"),
        &recorded,
        &plain,
    );

    // After the copy: these runs are up to hours ahead of the clock, and a run now on a store
    // that holds them reads the rest of the current day sample by sample.
    cron_steps(Path::new(config), &old_store, old_rows, now, runs * 2 + 1);

    let big_store = store("big.sqlite");
    let started = Instant::now();
    let count = history_store(Path::new(&big_store), "big", quotas, days, now);
    say(&format!(
        "   a year of {quotas} quotas: {count} samples through the public schema in {:.1} s, {:.0} MiB",
        started.elapsed().as_secs_f64(),
        file_mib(Path::new(&big_store))
    ));
    let checking = check("big", Some(&big_store));
    let started = Instant::now();
    run(&checking, 1);
    say(&format!(
        "   first run on it (adds headroom's own tables, built from every sample): {:.1} s, then {:.0} MiB ({:.0} MiB per 1,000 quotas)",
        started.elapsed().as_secs_f64(),
        file_mib(Path::new(&big_store)),
        file_mib(Path::new(&big_store)) * 1000.0 / quotas as f64
    ));
    let plain = run(&check("big", None), runs * 2 + 1);
    let forecast = run(&checking, runs * 2 + 1);
    report(&format!("check of the {quotas} quotas"), &forecast, &plain);
    say(&format!(
        "   of which the forecast (opening the store, the previous samples, the window's sums, the trends): {:.0} ms; recording the {quotas} samples: {:.0} ms",
        forecast.forecast(),
        forecast.recording()
    ));
    let show = [
        "--config",
        config,
        "--history",
        big_store.as_str(),
        "history",
    ]
    .map(String::from);
    let shown = run(&show, runs * 2 + 1);
    say(&format!(
        "   headroom history (every quota, 30 days, sparklines): {:.0} ms",
        ms(shown.wall)
    ));
    if std::env::var_os("HEADROOM_BENCH_KEEP").is_some() {
        say(&format!(
            "   the stores are kept in {} (HEADROOM_BENCH_KEEP)",
            dir.keep().display()
        ));
    }
}

/// The history's whole cost for the year-old store as a cron job meets it: each run 15
/// minutes after the last, so that each one also thins the samples that crossed the 35-day
/// line since (the runs above, seconds apart, thin nothing). Timed in this process through
/// `history::apply_now`, which takes the run's time.
fn cron_steps(config: &Path, store: &str, quotas: usize, now: i64, runs: usize) {
    let env: std::collections::BTreeMap<String, String> =
        [("BENCH_HW_SECRET".to_string(), HW_SECRET.to_string())].into();
    let text = std::fs::read_to_string(config).expect("the bench's config");
    let mut config = headroom::config::parse(&text, None, &env).expect("the bench's config");
    config.history.path = Some(PathBuf::from(store));
    let printer = headroom::printer::Printer::plain();
    let mut times: Vec<Duration> = (1..=runs as i64)
        .map(|step| {
            let at = now + step * 900;
            let mut rows: Vec<QuotaRow> = (0..quotas)
                .map(|k| {
                    QuotaRow::new(
                        "old",
                        Provider::Huaweicloud,
                        "cn-north-4",
                        "vpc",
                        &format!("r{k:05}"),
                        headroom::amount::Amount::new(history_used(k, -step * 900) as f64)
                            .expect("a number"),
                        headroom::amount::Amount::new(10_000.0),
                        Some(0),
                        Thresholds::default(),
                    )
                })
                .collect();
            // The last run says where its time went (`-vv`'s lines, on stderr).
            if step == runs as i64 {
                headroom::log::set_verbosity(2);
            }
            let started = Instant::now();
            headroom::history::apply_now(
                &mut rows,
                at,
                &config.history,
                config.defaults.forecast_window,
                &printer,
            );
            let took = started.elapsed();
            headroom::log::set_verbosity(0);
            assert!(
                rows.iter().all(|r| r.trend.is_some()),
                "every row has a trend"
            );
            took
        })
        .collect();
    times.sort();
    say(&format!(
        "   the same store as a cron job meets it (a run every 15 minutes, each thinning what crossed the 35-day line): history {:.1} ms a run (median of {runs}; slowest {:.1} ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    ));
}

/// A few seconds: one check of one unit at L = 0 and the local cost of 1,000 rows, so that
/// `cargo test --benches` proves the benchmark still works without running it.
fn smoke() {
    let bench = Bench::new(1, 1);
    bench.set_latency(Duration::ZERO);
    let case = Case {
        latency: Duration::ZERO,
        ..Case::new(1, DEFAULT_CONCURRENCY, 1)
    };
    let sample = case.run(&bench);
    let _ = Case {
        with_project_id: false,
        by_name: true,
        ..case
    }
    .run(&bench);
    say(&format!(
        "smoke: check of 1 unit in {:.1} ms (run `cargo bench --bench perf` for the figures)",
        ms(sample.wall)
    ));
    local_cost(1_000, 1);
    serve_smoke();
    history_cost(20, 40, 1);
}

// ---------------------------------------------------------------------------------------------
// 4. `headroom serve`: probes

/// A running `headroom serve` on 127.0.0.1, killed when dropped.
struct Exporter {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Exporter {
    /// `headroom --config CONFIG serve --listen 127.0.0.1:0`, once it says where it listens.
    fn start(bench: &Bench, config: &std::path::Path) -> Exporter {
        use std::io::BufRead;
        let mut child = Command::new(HEADROOM)
            .arg("--config")
            .arg(config)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", bench.dir.path())
            .env("BENCH_ALI_SECRET", ALI_SECRET)
            .env("BENCH_HW_SECRET", HW_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start headroom serve");
        let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let addr = first
            .strip_prefix("headroom serve: listening on http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("headroom serve said {first:?}"));
        // Keep reading, so that a full pipe never blocks the exporter.
        std::thread::spawn(move || lines.for_each(drop));
        Exporter { child, addr }
    }

    /// One GET on a new connection: the status and the body's length.
    fn get(&self, target: &str) -> (u16, usize) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(self.addr).expect("connect");
        let _ = stream.set_nodelay(true);
        stream
            .write_all(
                format!("GET {target} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .expect("send");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("read");
        let text = String::from_utf8_lossy(&answer);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map_or(0, |(_, b)| b.len());
        (status, body)
    }

    /// The exporter's resident and peak memory (KiB), from /proc on Linux.
    fn memory_kib(&self) -> (Option<u64>, Option<u64>) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().strip_suffix("kB"))
                .and_then(|v| v.trim().parse().ok())
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// The exporter's CPU time (user + system) so far, from /proc on Linux (`USER_HZ` is 100
    /// there on every architecture Rust targets).
    fn cpu(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        let after_name = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = after_name.split(' ').collect();
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_millis(ticks * 10))
    }
}

/// The bench's config for `units` units with a `serve:` section.
fn serve_config(bench: &Bench, units: usize, min_interval: &str) -> PathBuf {
    let config = bench.config(units, true, false);
    let text = std::fs::read_to_string(&config).expect("read the config");
    let path = bench
        .dir
        .path()
        .join(format!("serve-{units}-{min_interval}.yaml"));
    std::fs::write(
        &path,
        format!("{text}serve:\n  min_interval: {min_interval}\n"),
    )
    .expect("write the config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("chmod the config");
    }
    path
}

/// The profile of probe `i` of 100 different ones: the Alibaba (1 query) and the Huawei Cloud
/// or OTC (3 queries) profile of unit i / 2.
fn probe_profile(i: usize) -> String {
    let unit = i / 2;
    if i.is_multiple_of(2) {
        format!("ali-{unit:04}")
    } else if unit.is_multiple_of(2) {
        format!("huaweicloud-{unit:04}")
    } else {
        format!("otc-{unit:04}")
    }
}

/// `--serve-probes`: the release `headroom serve` against the fake, probed over HTTP.
///
/// 1. One probe of one profile against a cloud that answers at once (L = 0), with
///    `min_interval: 0s` so that every probe runs its check: median of 201, for an Alibaba
///    profile (1 query) and a Huawei Cloud one (3 queries); and a reused result.
/// 2. 100 probes at once of 100 different profiles, every answer after L = 100 ms. At most 16
///    checks run at once, so 16 are answered and the others refused with 503 at once; then the
///    same 100 with each refused client trying again 20 ms later, until all are answered:
///    the limit is ceil(100 / 16) = 7 rounds of L.
/// 3. The exporter's RSS before and after 10,000 probes (8 clients, 200 profiles in turn,
///    L = 0, every probe a check), twice, and its CPU time per probe.
fn serve_probes(_args: &[String]) {
    const UNITS: usize = 100;
    let bench = Bench::new(UNITS, 1);
    say("4. headroom serve: probes over HTTP (a new connection each), the release binary");
    say("");

    bench.set_latency(Duration::ZERO);
    let exporter = Exporter::start(&bench, &serve_config(&bench, UNITS, "0s"));
    for (name, profile) in [
        ("Alibaba, 1 query", "ali-0000"),
        ("Huawei Cloud, 3 queries", "huaweicloud-0000"),
    ] {
        let target = format!("/probe?profile={profile}");
        for _ in 0..20 {
            exporter.get(&target);
        }
        let mut times: Vec<Duration> = (0..201)
            .map(|_| {
                let started = Instant::now();
                let (status, _) = exporter.get(&target);
                assert_eq!(status, 200);
                started.elapsed()
            })
            .collect();
        times.sort();
        say(&format!(
            "   one probe, {name:<24} L = 0:   median {:.2} ms, 90th percentile {:.2} ms",
            ms(times[100]),
            ms(times[180])
        ));
    }
    drop(exporter);
    let exporter = Exporter::start(&bench, &serve_config(&bench, UNITS, "30s"));
    exporter.get("/probe?profile=huaweicloud-0000");
    let mut times: Vec<Duration> = (0..201)
        .map(|_| {
            let started = Instant::now();
            exporter.get("/probe?profile=huaweicloud-0000");
            started.elapsed()
        })
        .collect();
    times.sort();
    say(&format!(
        "   one probe answered from a recent result:          median {:.2} ms",
        ms(times[100])
    ));
    drop(exporter);

    say("");
    bench.set_latency(LATENCY);
    let exporter = std::sync::Arc::new(Exporter::start(&bench, &serve_config(&bench, UNITS, "0s")));
    exporter.get(&format!("/probe?profile={}", probe_profile(0)));
    for retry in [false, true] {
        let started = Instant::now();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(100));
        let clients: Vec<_> = (0..100)
            .map(|i| {
                let exporter = std::sync::Arc::clone(&exporter);
                let barrier = std::sync::Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let target = format!("/probe?profile={}", probe_profile(i));
                    barrier.wait();
                    let mut refusals = 0;
                    loop {
                        let (status, _) = exporter.get(&target);
                        match status {
                            200 => return (started.elapsed(), refusals, true),
                            503 if retry => {
                                refusals += 1;
                                std::thread::sleep(Duration::from_millis(20));
                            }
                            503 => return (started.elapsed(), 1, false),
                            other => panic!("status {other}"),
                        }
                    }
                })
            })
            .collect();
        let results: Vec<(Duration, usize, bool)> = clients
            .into_iter()
            .map(|c| c.join().expect("client"))
            .collect();
        let answered: Vec<Duration> = results.iter().filter(|r| r.2).map(|r| r.0).collect();
        let refused: Vec<Duration> = results.iter().filter(|r| !r.2).map(|r| r.0).collect();
        let slowest = |d: &[Duration]| d.iter().max().map_or(0.0, |d| ms(*d));
        if retry {
            let refusals: usize = results.iter().map(|r| r.1).sum();
            say(&format!(
                "   100 probes at once, L = {} ms, refused ones again after 20 ms: all 100 answered in {:.0} ms (limit 7 x L = {} ms; {refusals} refusals on the way)",
                LATENCY.as_millis(),
                slowest(&answered),
                7 * LATENCY.as_millis()
            ));
        } else {
            say(&format!(
                "   100 probes at once, L = {} ms: {} answered, the last in {:.0} ms (limit L = {} ms); {} refused with 503, the last in {:.1} ms",
                LATENCY.as_millis(),
                answered.len(),
                slowest(&answered),
                LATENCY.as_millis(),
                refused.len(),
                slowest(&refused)
            ));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(exporter);

    say("");
    bench.set_latency(Duration::ZERO);
    let exporter = std::sync::Arc::new(Exporter::start(&bench, &serve_config(&bench, UNITS, "0s")));
    for i in 0..200 {
        exporter.get(&format!("/probe?profile={}", probe_profile(i)));
    }
    let (mut before, _) = exporter.memory_kib();
    const PROBES: usize = 10_000;
    const CLIENTS: usize = 8;
    // Twice: memory that still grows in the second round would be a leak, not warm-up.
    for round in ["first", "second"] {
        let cpu_before = exporter.cpu();
        let started = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let exporter = std::sync::Arc::clone(&exporter);
                std::thread::spawn(move || {
                    for i in (c..PROBES).step_by(CLIENTS) {
                        let target = format!("/probe?profile={}", probe_profile(i % 200));
                        let (status, _) = exporter.get(&target);
                        assert!(status == 200 || status == 503, "status {status}");
                    }
                })
            })
            .collect();
        for client in clients {
            client.join().expect("client");
        }
        let elapsed = started.elapsed();
        let (after, peak) = exporter.memory_kib();
        let cpu = exporter
            .cpu()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        say(&format!(
            "   {round} 10,000 probes (8 clients, L = 0) in {:.1} s: RSS {} MiB before, {} MiB after (peak {} MiB); CPU {}",
            elapsed.as_secs_f64(),
            mib(before),
            mib(after),
            mib(peak),
            cpu.map_or_else(
                || "?".to_string(),
                |cpu| format!("{:.2} ms a probe", ms(cpu) / PROBES as f64)
            )
        ));
        before = after;
    }
}

/// `cargo test --benches`: the serve mode still starts and answers a probe.
fn serve_smoke() {
    let bench = Bench::new(1, 1);
    bench.set_latency(Duration::ZERO);
    let exporter = Exporter::start(&bench, &serve_config(&bench, 1, "0s"));
    let (status, body) = exporter.get("/probe?profile=ali-0000");
    assert_eq!(status, 200);
    assert!(body > 0);
    say("smoke: headroom serve answered a probe");
}
