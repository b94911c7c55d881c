//! Secrets never leak (README, Security): every command and every output format runs at
//! `-vvv`, against successes and failures (a wrong secret, 500s, timeouts, broken answers,
//! redirects) with STS security tokens, and nothing secret may show in stdout or stderr:
//! no secret key, access key secret or security token, no signature (Alibaba's `Signature=`
//! query value, Huawei's `Signature=` in `Authorization`) and no `Authorization` value. Access
//! key ids show only masked (`LTAI****Id01`).
//!
//! The signatures to look for are taken from what the fake cloud actually received, so the
//! test knows every value that was on the wire.

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use headroom::fake::{FakeCloud, Fault, FaultKind, Service};

use crate::support::*;

const ALI_TOKEN: &str = "STS.NUgYrLnoC37mZZCNnAbez2Test0123456789AliToken";
const HW_TOKEN: &str = "gQpjbi1ub3J0aC00hZRNTestHuaweiSecurityToken0123456789";
const WRONG_SECRET: &str = "ThisIsTheWrongSecretKeyValue987654321";

/// The standard cloud, with STS tokens on the Alibaba and Huawei Cloud accounts.
fn sts_world() -> World {
    let mut cloud = standard_cloud();
    cloud.accounts[0].security_token = Some(ALI_TOKEN.into());
    cloud.accounts[1].security_token = Some(HW_TOKEN.into());
    World::new(cloud)
}

/// The standard profiles, `ali` and `hw` with `security_token: ${...}`.
fn sts_config(world: &World) -> PathBuf {
    world.write_config(&format!(
        "profiles:\n{}    security_token: ${{ALI_TOKEN}}\n{}    security_token: ${{HW_TOKEN}}\n{}",
        world.ali_profile("ali"),
        world.hw_profile("hw"),
        world.otc_profile("otc")
    ))
}

/// The same profiles with every secret and token written literally in the file.
fn inline_config(world: &World) -> PathBuf {
    let text = format!(
        "profiles:\n{}    security_token: {ALI_TOKEN}\n{}    security_token: {HW_TOKEN}\n{}",
        world.ali_profile("ali"),
        world.hw_profile("hw"),
        world.otc_profile("otc")
    )
    .replace("${ALI_SECRET}", ALI_SECRET)
    .replace("${HW_SECRET}", HW_SECRET)
    .replace("${OTC_SECRET}", OTC_SECRET);
    world.write_config(&text)
}

fn run_with(world: &World, config: &PathBuf, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = world.headroom();
    cmd.env("ALI_TOKEN", ALI_TOKEN).env("HW_TOKEN", HW_TOKEN);
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.arg("--config")
        .arg(config)
        .arg("-vvv")
        .args(args)
        .output()
        .expect("run headroom")
}

/// Everything that must never be printed, nor any piece of it: the fixed secrets and tokens,
/// plus every signature the fake received so far.
struct Forbidden {
    /// Secret values: not even a 16-character piece of one may show.
    pieces: Vec<String>,
    /// Values that hold public parts too (a whole `Authorization` header): never whole.
    whole: Vec<String>,
}

fn forbidden(world: &World, extra: &[&str]) -> Forbidden {
    let mut pieces: Vec<String> = SECRETS
        .iter()
        .chain([ALI_TOKEN, HW_TOKEN, WRONG_SECRET].iter())
        .chain(extra.iter())
        .map(|s| s.to_string())
        .collect();
    let mut whole = Vec::new();
    for request in world.fake.requests() {
        for (name, value) in &request.query {
            if matches!(name.as_str(), "Signature" | "SecurityToken") {
                pieces.push(value.clone());
                pieces.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
            }
        }
        if let Some(authorization) = request.header("authorization") {
            whole.push(authorization.to_string());
            if let Some((_, signature)) = authorization.split_once("Signature=") {
                pieces.push(signature.trim().to_string());
            }
        }
        if let Some(token) = request.header("x-security-token") {
            pieces.push(token.to_string());
        }
    }
    for list in [&mut pieces, &mut whole] {
        list.retain(|v| v.len() >= 8);
        list.sort();
        list.dedup();
    }
    Forbidden { pieces, whole }
}

/// Secret values only (the demo's): no public parts.
fn only_secrets(values: &[String]) -> Forbidden {
    Forbidden {
        pieces: values.to_vec(),
        whole: Vec::new(),
    }
}

/// No forbidden value, nor any 16-character piece of a secret one (a cut-off excerpt leaks
/// too); access key ids only masked; every `Signature=`/`SecurityToken=`/`authorization:`
/// shown redacted.
fn assert_no_leak(label: &str, output: &Output, forbidden: &Forbidden) {
    for (stream, text) in [("stdout", stdout(output)), ("stderr", stderr(output))] {
        assert_clean(&format!("{label} ({stream})"), &text, forbidden);
    }
}

fn assert_clean(label: &str, text: &str, forbidden: &Forbidden) {
    for secret in &forbidden.pieces {
        let chars: Vec<char> = secret.chars().collect();
        let window = 16.min(chars.len());
        for piece in chars.windows(window) {
            let piece: String = piece.iter().collect();
            assert!(
                !text.contains(&piece),
                "{label}: a piece of a secret ({piece:?}) is in:\n{text}"
            );
        }
    }
    for value in &forbidden.whole {
        assert!(
            !text.contains(value.as_str()),
            "{label}: {value:?} is in:\n{text}"
        );
    }
    // Masked ids show the first and last four characters: five of either end is too many.
    for key_id in [ALI_KEY, HW_KEY, OTC_KEY] {
        let chars: Vec<char> = key_id.chars().collect();
        let head: String = chars[..6].iter().collect();
        let tail: String = chars[chars.len() - 6..].iter().collect();
        for piece in [key_id.to_string(), head, tail] {
            assert!(
                !text.contains(&piece),
                "{label}: an unmasked access key id ({piece:?}) is in:\n{text}"
            );
        }
    }
    for marker in ["Signature=", "SecurityToken=", "security_token="] {
        for (index, _) in text.match_indices(marker) {
            let after = &text[index + marker.len()..];
            // Redacted, or (`headroom profiles`) where the value comes from.
            assert!(
                ["(redacted)", "%28redacted%29", "$", "inline"]
                    .iter()
                    .any(|shown| after.starts_with(shown)),
                "{label}: {marker} not redacted in:\n{text}"
            );
        }
    }
    let lower = text.to_ascii_lowercase();
    for marker in ["authorization: ", "x-security-token: "] {
        for (index, _) in lower.match_indices(marker) {
            assert!(
                lower[index + marker.len()..].starts_with("(redacted)"),
                "{label}: {marker} not redacted in:\n{text}"
            );
        }
    }
    assert!(
        !lower.contains("sdk-hmac-sha256 access="),
        "{label}: an Authorization value is in:\n{text}"
    );
}

const FORMATS: [&str; 6] = ["table", "json", "yaml", "csv", "prometheus", "nagios"];

#[test]
fn check_in_every_format_at_vvv_shows_no_secret() {
    let world = sts_world();
    let config = sts_config(&world);
    let mut outputs = Vec::new();
    for format in FORMATS {
        let output = run_with(&world, &config, &[], &["check", "-o", format]);
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        outputs.push((format, output));
    }
    // -vvv really logged the requests, so the redaction was exercised.
    let err = stderr(&outputs[0].1);
    assert!(err.contains("GET http://127.0.0.1"), "{err}");
    assert!(err.contains("authorization: (redacted)"), "{err}");
    assert!(err.contains("x-security-token: (redacted)"), "{err}");
    assert!(
        err.contains("LTAI****Id01"),
        "the key id shows masked: {err}"
    );
    world.assert_all_signed();
    let forbidden = forbidden(&world, &[]);
    for (format, output) in &outputs {
        assert_no_leak(&format!("check -o {format}"), output, &forbidden);
    }
    // The output file too.
    let file = world.dir.path().join("out.json");
    let output = run_with(
        &world,
        &config,
        &[],
        &[
            "check",
            "-o",
            "json",
            "--output-file",
            file.to_str().unwrap(),
        ],
    );
    assert_no_leak("check --output-file", &output, &forbidden);
    assert_clean(
        "the output file",
        &std::fs::read_to_string(&file).unwrap(),
        &forbidden,
    );
}

#[test]
fn literal_secrets_in_the_config_are_not_shown_either() {
    let world = sts_world();
    let config = inline_config(&world);
    let mut outputs = vec![("profiles", run_with(&world, &config, &[], &["profiles"]))];
    for format in ["table", "json"] {
        outputs.push(("check", run_with(&world, &config, &[], &["-o", format])));
    }
    let forbidden = forbidden(&world, &[]);
    for (label, output) in &outputs {
        assert!(code(output) <= 1, "{label}: {}", stderr(output));
        assert_no_leak(label, output, &forbidden);
    }
    let profiles = stdout(&outputs[0].1);
    assert!(profiles.contains("inline"), "{profiles}");
    assert!(profiles.contains("LTAI****Id01"), "{profiles}");
}

#[test]
fn failures_at_vvv_show_no_secret() {
    type Setup = fn(&World);
    let cases: Vec<(&str, Setup, &[&str])> = vec![
        (
            "500 everywhere",
            |w| {
                for service in [
                    Service::Smartag,
                    Service::Vpc,
                    Service::Vpn,
                    Service::Vpcep,
                    Service::Iam,
                ] {
                    w.fake.add_fault(Fault::always(
                    service,
                    FaultKind::Respond {
                        status: 500,
                        headers: vec![],
                        body: r#"{"Code":"InternalError","Message":"The request processing has failed due to some unknown error.","error_code":"X","error_msg":"internal"}"#.into(),
                    },
                ));
                }
            },
            &["--retries", "1"],
        ),
        (
            "timeouts",
            |w| {
                w.fake.set_latency(Duration::from_secs(5));
            },
            &["--timeout", "300ms"],
        ),
        (
            "drip",
            |w| {
                w.fake.add_fault(Fault::always(
                    Service::Vpc,
                    FaultKind::Drip(Duration::from_millis(200)),
                ));
            },
            &["--timeout", "500ms"],
        ),
        (
            "redirects",
            |w| {
                for service in [
                    Service::Smartag,
                    Service::Vpc,
                    Service::Vpn,
                    Service::Vpcep,
                    Service::Iam,
                ] {
                    w.fake
                        .add_fault(Fault::always(service, FaultKind::Redirect));
                }
            },
            &[],
        ),
        (
            "broken answers",
            |w| {
                w.fake
                    .add_fault(Fault::always(Service::Smartag, FaultKind::TruncatedBody));
                w.fake
                    .add_fault(Fault::always(Service::Vpc, FaultKind::Html502));
                w.fake
                    .add_fault(Fault::always(Service::Vpn, FaultKind::CloseWithoutAnswer));
                w.fake
                    .add_fault(Fault::always(Service::Vpcep, FaultKind::MalformedJson));
                w.fake
                    .add_fault(Fault::always(Service::Iam, FaultKind::Empty200));
            },
            &["--retries", "1"],
        ),
        (
            "error bodies echoing the request",
            |w| {
                // A gateway that echoes what it got (some do, in `Recommend` or a debug field)
                // is the provider's doing; headroom's own messages must still add nothing.
                w.fake.add_fault(Fault::always(
                Service::Vpc,
                FaultKind::Respond {
                    status: 401,
                    headers: vec![],
                    body: r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}"#.into(),
                },
            ));
            },
            &[],
        ),
    ];
    for (label, setup, args) in cases {
        let world = sts_world();
        let config = sts_config(&world);
        setup(&world);
        let mut all = vec!["check", "-o", "json"];
        all.extend_from_slice(args);
        let output = run_with(&world, &config, &[], &all);
        assert_eq!(code(&output), 3, "{label}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("headroom: "),
            "{label}: -vvv logged"
        );
        assert_no_leak(label, &output, &forbidden(&world, &[]));
    }
}

#[test]
fn a_wrong_secret_or_token_is_never_echoed() {
    let world = sts_world();
    let config = sts_config(&world);
    let wrong = [
        ("ALI_SECRET", WRONG_SECRET),
        ("HW_SECRET", WRONG_SECRET),
        ("OTC_SECRET", WRONG_SECRET),
    ];
    for format in FORMATS {
        let output = run_with(&world, &config, &wrong, &["check", "-o", format]);
        assert_eq!(code(&output), 3, "{format}");
        assert_no_leak(
            &format!("wrong secret -o {format}"),
            &output,
            &forbidden(&world, &[]),
        );
    }
    let wrong_token = "STS.WrongTokenValueForTheTest0123456789";
    let output = run_with(
        &world,
        &config,
        &[("ALI_TOKEN", wrong_token), ("HW_TOKEN", wrong_token)],
        &["check", "-o", "json"],
    );
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    for error in doc["errors"].as_array().unwrap() {
        if error["profile"] != "otc" {
            assert_eq!(error["kind"], "auth", "{error}");
        }
    }
    assert_no_leak("wrong token", &output, &forbidden(&world, &[wrong_token]));
}

#[test]
fn profiles_config_path_and_create_ccn_show_no_secret() {
    let world = sts_world();
    let config = sts_config(&world);
    let mut outputs = vec![
        ("profiles", run_with(&world, &config, &[], &["profiles"])),
        (
            "config path",
            run_with(&world, &config, &[], &["config", "path"]),
        ),
        (
            "create-ccn --dry-run",
            run_with(
                &world,
                &config,
                &[],
                &["create-ccn", "-p", "ali", "--name", "net-dry", "--dry-run"],
            ),
        ),
        (
            "create-ccn",
            run_with(
                &world,
                &config,
                &[],
                &[
                    "create-ccn",
                    "-p",
                    "ali",
                    "--name",
                    "net-real",
                    "-o",
                    "json",
                ],
            ),
        ),
    ];
    for (label, output) in &outputs {
        assert_eq!(code(output), 0, "{label}: {}", stderr(output));
    }
    // A create whose answer is lost (looked up by name afterwards), and one refused for the key.
    world.fake.add_fault(
        Fault::times(Service::Smartag, 1, FaultKind::ActThenDrop)
            .for_action("CreateCloudConnectNetwork"),
    );
    outputs.push((
        "create-ccn, answer lost",
        run_with(
            &world,
            &config,
            &[],
            &["create-ccn", "-p", "ali", "--name", "net-lost"],
        ),
    ));
    outputs.push((
        "create-ccn, wrong secret",
        run_with(
            &world,
            &config,
            &[("ALI_SECRET", WRONG_SECRET)],
            &["create-ccn", "-p", "ali", "--name", "net-refused"],
        ),
    ));
    assert_eq!(code(&outputs[5].1), 3, "{}", stderr(&outputs[5].1));
    let forbidden = forbidden(&world, &[]);
    for (label, output) in &outputs {
        assert_no_leak(label, output, &forbidden);
    }
    let profiles = stdout(&outputs[0].1);
    assert!(profiles.contains("LTAI****Id01"), "{profiles}");
    assert!(profiles.contains("$ALI_TOKEN"), "{profiles}");
}

#[test]
fn profiles_from_the_environment_show_no_secret() {
    let world = World::standard();
    let output = base_command(world.dir.path())
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ALI_KEY)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ALI_SECRET)
        .env("ALIBABA_CLOUD_SECURITY_TOKEN", ALI_TOKEN)
        .env("ALIBABA_CLOUD_REGION_ID", "cn-shanghai")
        .env("HUAWEICLOUD_SDK_AK", HW_KEY)
        .env("HUAWEICLOUD_SDK_SK", HW_SECRET)
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", HW_TOKEN)
        .args(["-vvv", "profiles"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_no_leak("profiles (environment)", &output, &forbidden(&world, &[]));
}

#[test]
fn demo_shows_no_secret() {
    let demo = FakeCloud::demo();
    let mut secrets: Vec<String> = demo
        .accounts
        .iter()
        .flat_map(|a| [Some(a.secret.clone()), a.security_token.clone()])
        .flatten()
        .collect();
    let key_ids: Vec<String> = demo.accounts.iter().map(|a| a.access_key.clone()).collect();
    secrets.retain(|s| !s.is_empty());
    let world = World::standard();
    let runs: Vec<Vec<&str>> = vec![
        vec!["demo", "-o", "json"],
        vec!["demo", "-o", "prometheus"],
        vec!["demo", "-o", "nagios"],
        vec!["demo", "profiles"],
        vec![
            "demo",
            "create-ccn",
            "-p",
            "ali-demo",
            "--name",
            "demo-net",
            "--dry-run",
        ],
    ];
    for args in runs {
        let output = world
            .headroom()
            .arg("-vvv")
            .args(&args)
            .output()
            .expect("run headroom");
        assert!(code(&output) <= 3, "{args:?}");
        let label = args.join(" ");
        assert_no_leak(&label, &output, &only_secrets(&secrets));
        for key_id in &key_ids {
            for (stream, text) in [("stdout", stdout(&output)), ("stderr", stderr(&output))] {
                assert!(
                    !text.contains(key_id.as_str()),
                    "{label} ({stream}): unmasked {key_id}"
                );
            }
        }
    }
}
