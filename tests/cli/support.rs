//! Shared test helpers: a fake cloud with one account per provider, configs that point at it,
//! and a `headroom` command isolated from the developer's own config and credentials.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use headroom::fake::{Account, CcnRegion, FakeCloud, FakeHandle, Service};
use serde_json::{Value, json};

pub const ALI_KEY: &str = "LTAI5tTestAccessKeyId01";
pub const ALI_SECRET: &str = "TestAlibabaSecretValue0123456789";
pub const HW_KEY: &str = "HPUATESTAKEXAMPLE0001";
pub const HW_SECRET: &str = "TestHuaweiSecretKeyForFakeCloud0123456789";
pub const HW_PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const OTC_KEY: &str = "OTCTESTAKEXAMPLE00001";
pub const OTC_SECRET: &str = "TestOtcSecretKeyForFakeCloud0123456789ab";
pub const OTC_PROJECT: &str = "fedcba9876543210fedcba9876543210";

/// Every secret the tests use, for the "never leaked" assertions.
pub const SECRETS: &[&str] = &[ALI_SECRET, HW_SECRET, OTC_SECRET];

/// A scratch folder (HOME, config dir) and a running fake cloud.
pub struct World {
    pub dir: tempfile::TempDir,
    pub fake: FakeHandle,
}

pub fn entry(kind: &str, used: Value, quota: Value) -> Value {
    json!({"type": kind, "used": used, "quota": quota})
}

/// One Alibaba account (cn-shanghai 6/10), one Huawei Cloud account (cn-north-4, VPC with an
/// unlimited row, VPN, VPCEP) and one OTC account (eu-de, found through IAM).
pub fn standard_cloud() -> FakeCloud {
    let mut ali = Account::alibaba(ALI_KEY, ALI_SECRET);
    ali.ccn = vec![(
        "cn-shanghai".into(),
        CcnRegion {
            total: 10,
            used_extra: 6,
            networks: vec![],
        },
    )];

    let mut hw = Account::huawei(HW_KEY, HW_SECRET);
    hw.projects = vec![("cn-north-4".into(), HW_PROJECT.into())];
    hw.quotas = vec![
        (
            "cn-north-4".into(),
            Service::Vpc,
            vec![
                json!({"type": "vpc", "used": 4, "quota": 150, "min": 0}),
                json!({"type": "securityGroupRule", "used": 4500, "quota": 5000, "min": 0}),
                json!({"type": "vpcPeer", "used": 3, "quota": -1, "min": 0}),
            ],
        ),
        (
            "cn-north-4".into(),
            Service::Vpn,
            vec![
                entry("customer_gateway", json!(13), json!(100)),
                entry("vpn_connection", json!(306), json!(5000)),
                entry("vpn_gateway", json!(23), json!(50)),
            ],
        ),
        (
            "cn-north-4".into(),
            Service::Vpcep,
            vec![
                entry("endpoint", json!(4), json!(150)),
                entry("endpoint_service", json!(10), json!(100)),
            ],
        ),
    ];

    let mut otc = Account::huawei(OTC_KEY, OTC_SECRET);
    otc.projects = vec![("eu-de".into(), OTC_PROJECT.into())];
    otc.quotas = vec![
        (
            "eu-de".into(),
            Service::Vpc,
            vec![json!({"type": "publicIp", "used": 2, "quota": 10, "min": 0})],
        ),
        (
            "eu-de".into(),
            Service::Vpn,
            vec![entry("vpn_gateway", json!(1), json!(50))],
        ),
        (
            "eu-de".into(),
            Service::Vpcep,
            vec![entry("endpoint", json!(0), json!(50))],
        ),
    ];
    FakeCloud {
        accounts: vec![ali, hw, otc],
        ..FakeCloud::default()
    }
}

impl World {
    pub fn new(cloud: FakeCloud) -> World {
        World {
            dir: tempfile::tempdir().expect("temp dir"),
            fake: cloud.spawn().expect("fake cloud"),
        }
    }

    pub fn standard() -> World {
        World::new(standard_cloud())
    }

    pub fn url(&self, service: Service) -> String {
        self.fake.url(service)
    }

    /// The `endpoints:` block of a Huawei/OTC profile pointing at the fake.
    pub fn huawei_endpoints(&self) -> String {
        format!(
            "    endpoints:\n      vpc: {}\n      vpn: {}\n      vpcep: {}\n      iam: {}\n",
            self.url(Service::Vpc),
            self.url(Service::Vpn),
            self.url(Service::Vpcep),
            self.url(Service::Iam)
        )
    }

    pub fn ali_profile(&self, name: &str) -> String {
        format!(
            "  {name}:\n    provider: alibaba\n    region: cn-shanghai\n    services: [smartag]\n    access_key_id: {ALI_KEY}\n    access_key_secret: ${{ALI_SECRET}}\n    endpoints:\n      smartag: {}\n",
            self.url(Service::Smartag)
        )
    }

    pub fn hw_profile(&self, name: &str) -> String {
        format!(
            "  {name}:\n    provider: huaweicloud\n    region: cn-north-4\n    services: [vpc, vpn, vpcep]\n    project_id: {HW_PROJECT}\n    access_key: {HW_KEY}\n    secret_key: ${{HW_SECRET}}\n{}",
            self.huawei_endpoints()
        )
    }

    pub fn otc_profile(&self, name: &str) -> String {
        format!(
            "  {name}:\n    provider: otc\n    region: eu-de\n    services: [vpc, vpn, vpcep]\n    access_key: {OTC_KEY}\n    secret_key: ${{OTC_SECRET}}\n{}",
            self.huawei_endpoints()
        )
    }

    /// A config with one profile per provider (`ali`, `hw`, `otc`) and `extra` appended.
    pub fn standard_config(&self, extra: &str) -> PathBuf {
        let text = format!(
            "profiles:\n{}{}{}{extra}",
            self.ali_profile("ali"),
            self.hw_profile("hw"),
            self.otc_profile("otc")
        );
        self.write_config(&text)
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.dir.path().join("config.yaml");
        std::fs::write(&path, text).expect("write config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        path
    }

    /// `headroom` with HOME and the config dir in the scratch folder, no provider variables
    /// from the developer's shell, and the test secrets in the variables configs refer to.
    pub fn headroom(&self) -> Command {
        let mut cmd = base_command(self.dir.path());
        cmd.env("ALI_SECRET", ALI_SECRET)
            .env("HW_SECRET", HW_SECRET)
            .env("OTC_SECRET", OTC_SECRET);
        cmd
    }

    /// `headroom --config <standard config> ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        let config = self.standard_config("");
        self.headroom()
            .arg("--config")
            .arg(config)
            .args(args)
            .output()
            .expect("run headroom")
    }

    /// `run`, with one of the variables the standard config refers to unset.
    pub fn run_without_variable(&self, variable: &str, args: &[&str]) -> Output {
        let config = self.standard_config("");
        self.headroom()
            .env_remove(variable)
            .arg("--config")
            .arg(config)
            .args(args)
            .output()
            .expect("run headroom")
    }

    /// Asserts that every request the fake received carried a valid signature.
    pub fn assert_all_signed(&self) {
        let requests = self.fake.requests();
        assert!(!requests.is_empty(), "the fake received no request");
        for request in requests.iter().filter(|r| r.service != Service::Elsewhere) {
            assert!(
                request.signature_valid,
                "bad signature on {} {}",
                request.method, request.path
            );
        }
    }
}

/// `headroom --config CONFIG ARGS` with the world's isolated environment.
pub fn run_config(world: &World, config: &Path, args: &[&str]) -> Output {
    world
        .headroom()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run headroom")
}

pub fn base_command(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("headroom").expect("binary");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        // The usage history's default place: every run records into the scratch folder.
        .env("XDG_STATE_HOME", home.join(".local").join("state"))
        .env("XDG_DATA_HOME", home.join(".local").join("share"))
        // `headroom demo`'s temporary store too.
        .env("TMPDIR", home)
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// The row of `resource` in a JSON report.
pub fn row<'a>(doc: &'a Value, profile: &str, resource: &str) -> &'a Value {
    doc["quotas"]
        .as_array()
        .expect("quotas")
        .iter()
        .find(|r| r["profile"] == profile && r["resource"] == resource)
        .unwrap_or_else(|| panic!("no row {profile}/{resource} in {doc:#}"))
}

/// Replaces what changes from run to run (time, ports, request ids) for snapshots.
pub fn stable(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut line = line.to_string();
        if let Some(start) = line.find("\"generated_at\": \"") {
            let end = line[start + 17..]
                .find('"')
                .map_or(line.len(), |e| start + 17 + e);
            line.replace_range(start + 17..end, "<time>");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
