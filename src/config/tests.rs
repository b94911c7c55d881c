use super::locate::{locate, locate_children};
use super::parse::*;
use super::validate::*;
use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const GOOD: &str = "\
defaults:
  warn: 70
  timeout: 2s
profiles:
  ali:
    provider: alibaba
    regions: [cn-shanghai, cn-hongkong]
    access_key_id: ${ALI_ID}
    access_key_secret: ${ALI_SECRET}
  hw:
    provider: huaweicloud
    region: cn-north-4
    project_id: 0123456789abcdef0123456789abcdef
    access_key: AKINLINE0001
    secret_key: inline-secret
    services: [vpc]
    endpoints:
      vpc: http://127.0.0.1:8080
thresholds:
  \"vpc/securityGroupRule\": { warn: 60, crit: 90 }
  \"hw:vpc/*\": { warn: 50 }
  \"smartag/ccn\": { warn_left: 2, crit_left: 1 }
";

#[test]
fn parses_a_full_config() {
    let config = parse(
        GOOD,
        Some(Path::new("c.yaml")),
        &env(&[("ALI_ID", "LTAIabc"), ("ALI_SECRET", "s")]),
    )
    .unwrap();
    assert_eq!(config.defaults.warn, 70.0);
    assert_eq!(config.defaults.crit, 95.0);
    assert_eq!(config.defaults.timeout, Duration::from_secs(2));
    let ali = &config.profiles[0];
    assert_eq!(ali.regions, vec!["cn-shanghai", "cn-hongkong"]);
    assert!(ali.problem.is_none());
    assert_eq!(
        ali.credential_sources[0].1,
        CredentialSource::Env(vec!["ALI_ID".into()])
    );
    let hw = &config.profiles[1];
    assert_eq!(hw.services, vec!["vpc"]);
    assert!(hw.services_explicit);
    assert_eq!(hw.credential_sources[1].1, CredentialSource::Inline);
    assert_eq!(hw.endpoints["vpc"].as_str(), "http://127.0.0.1:8080/");
}

#[test]
fn most_specific_threshold_wins() {
    let config = parse(GOOD, None, &env(&[("ALI_ID", "a"), ("ALI_SECRET", "s")])).unwrap();
    // `hw:vpc/*` (profile-qualified) beats `vpc/securityGroupRule`.
    let t = config.thresholds_for("hw", "vpc", "securityGroupRule");
    assert_eq!((t.warn, t.crit), (50.0, 95.0));
    let t = config.thresholds_for("other", "vpc", "securityGroupRule");
    assert_eq!((t.warn, t.crit), (60.0, 90.0));
    let t = config.thresholds_for("ali", "smartag", "ccn");
    assert_eq!(
        (t.warn, t.crit, t.warn_left, t.crit_left),
        (70.0, 95.0, Some(2), Some(1))
    );
    let t = config.thresholds_for("ali", "vpc", "subnet");
    assert_eq!((t.warn, t.crit), (70.0, 95.0));
}

#[test]
fn unset_variable_names_profile_key_and_variable() {
    let config = parse(GOOD, None, &env(&[("ALI_ID", "a")])).unwrap();
    let problem = config.profiles[0].problem.as_ref().unwrap();
    assert_eq!(problem.key, "access_key_secret");
    assert_eq!(
        problem.message,
        "environment variable ALI_SECRET is not set"
    );
}

#[test]
fn unknown_key_is_located_with_a_suggestion() {
    let text = "profiles:\n  hw:\n    provider: otc\n    regoin: eu-de\n";
    let err = parse(text, Some(Path::new("c.yaml")), &env(&[])).unwrap_err();
    assert_eq!(err.location, Some((4, 5)));
    assert!(
        err.message.contains("unknown field `regoin`"),
        "{}",
        err.message
    );
    assert_eq!(err.hint.as_deref(), Some("did you mean `region`?"));
    assert!(err.to_string().starts_with("c.yaml:4:5: "));
}

#[test]
fn empty_and_non_yaml_files_are_errors() {
    assert!(parse("", None, &env(&[])).is_err());
    assert!(parse("# only a comment\n", None, &env(&[])).is_err());
    let err = parse("profiles: [\n", None, &env(&[])).unwrap_err();
    assert!(err.location.is_some());
    let err = parse(
        "profiles:\n  a:\n    provider: alibaba\n    regions: cn-shanghai\n",
        None,
        &env(&[]),
    )
    .unwrap_err();
    assert!(err.message.contains("invalid type"), "{}", err.message);
}

#[test]
fn duplicate_keys_are_errors() {
    let err = parse(
        "profiles:\n  a:\n    provider: otc\n  a:\n    provider: otc\n",
        None,
        &env(&[]),
    )
    .unwrap_err();
    assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
    assert!(err.location.is_some());
    let err = parse(
        "profiles:\n  a:\n    provider: otc\n    provider: otc\n",
        None,
        &env(&[]),
    )
    .unwrap_err();
    assert!(err.message.contains("duplicate"), "{}", err.message);
}

#[test]
fn duplicates_are_located_at_the_second_key() {
    let at = |text: &str| parse(text, None, &env(&[])).unwrap_err().location;
    assert_eq!(
        at(
            "profiles:\n  a:\n    provider: otc\n  b:\n    provider: otc\n  a:\n    provider: otc\n"
        ),
        Some((6, 3))
    );
    assert_eq!(
        at("profiles:\n  a:\n    provider: otc\n    region: eu-de\n    region: eu-nl\n"),
        Some((5, 5))
    );
    assert_eq!(
        at("defaults:\n  warn: 1\nprofiles:\n  a:\n    provider: otc\ndefaults:\n  warn: 2\n"),
        Some((6, 1))
    );
    // A flow mapping keeps the parser's own location.
    assert!(at("profiles: {a: {provider: otc}, a: {provider: otc}}\n").is_some());
}

#[test]
fn oversized_and_endless_files_are_refused_where_they_pass_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let line = "# ".to_string() + &"x".repeat(98) + "\n"; // 101 bytes
    std::fs::write(&path, line.repeat(11_000)).unwrap();
    let err = load(Some(&path), &env(&[])).unwrap_err();
    assert!(err.message.contains("1 MiB"), "{}", err.message);
    // Byte 1 048 576 is on line 10 382 (10 381 full lines of 101 bytes before it).
    assert_eq!(err.location, Some((10_382, 1_048_576 - 10_381 * 101 + 1)));
    #[cfg(unix)]
    {
        let err = load(Some(Path::new("/dev/zero")), &env(&[])).unwrap_err();
        assert!(err.message.contains("1 MiB"), "{}", err.message);
        assert_eq!(err.location, Some((1, 1_048_577)));
    }
}

#[test]
fn non_utf8_files_are_located_at_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"profiles:\n  a:\n    region: eu-\xe9\n").unwrap();
    let err = load(Some(&path), &env(&[])).unwrap_err();
    assert!(err.message.contains("UTF-8"), "{}", err.message);
    assert_eq!(err.location, Some((3, 16)));
}

#[test]
fn bad_values_from_variables_are_not_shown() {
    let secret = "NotARegionButASecret0123456789";
    let env = env(&[("SK", secret), ("P", "0123")]);
    let config = parse(
            "profiles:\n  a:\n    provider: otc\n    region: ${SK}\n  b:\n    provider: otc\n    region: eu-de\n    services: [\"${SK}\"]\n  c:\n    provider: otc\n    region: eu-de\n    endpoints: {vpc: \"http://${SK}\"}\n  d:\n    provider: otc\n    region: eu-de\n    project_id: x${P}\n",
            None,
            &env,
        )
        .unwrap();
    for profile in &config.profiles {
        let problem = profile.problem.as_ref().unwrap().to_string();
        assert!(!problem.contains("Secret0123"), "{problem}");
        assert!(!problem.contains("x0123"), "{problem}");
        assert!(problem.contains("the value of $"), "{problem}");
    }
    let err = parse(
        "defaults:\n  timeout: ${SK}\nprofiles:\n  a:\n    provider: otc\n",
        None,
        &env,
    )
    .unwrap_err();
    assert!(!err.to_string().contains("Secret0123"), "{err}");
    assert!(err.to_string().contains("the value of ${SK}"), "{err}");
    // A literal value is still shown, as the user typed it.
    let config = parse(
        "profiles:\n  a:\n    provider: otc\n    region: evil.example\n",
        None,
        &env,
    )
    .unwrap();
    let problem = config.profiles[0].problem.as_ref().unwrap().to_string();
    assert!(problem.contains("\"evil.example\""), "{problem}");
}

#[test]
fn unknown_provider_suggests() {
    let err = parse(
        "profiles:\n  a:\n    provider: huawei\n",
        Some(Path::new("c")),
        &env(&[]),
    )
    .unwrap_err();
    assert_eq!(err.location, Some((3, 5)));
    assert!(err.message.contains("profile `a`"));
}

#[test]
fn hostile_regions_and_project_ids_are_refused() {
    for region in [
        "eu-de/..",
        "..",
        "eu-de@evil.example",
        "evil.example",
        "eu de",
        "eu-dé",
        "eu-de:443",
        "EU-DE",
        "eu",
    ] {
        assert!(validate_region(region).is_err(), "{region}");
    }
    for region in [
        "eu-de",
        "cn-north-4",
        "eu-west-101",
        "cn-shanghai-finance-1",
        "ap-southeast-1",
    ] {
        assert!(validate_region(region).is_ok(), "{region}");
    }
    for id in [
        "../0123456789abcdef0123456789abc",
        "0123456789abcdef0123456789abcdeg",
        "abc",
        "0123456789abcdef0123456789abcdef/",
    ] {
        assert!(validate_project_id(id).is_err(), "{id}");
    }
    assert!(validate_project_id("0123456789abcdef0123456789abcdef").is_ok());
}

#[test]
fn endpoints_must_be_https_or_loopback_http() {
    assert!(validate_endpoint("https://vpc.eu-de.otc.t-systems.com").is_ok());
    assert!(validate_endpoint("http://127.0.0.1:9000").is_ok());
    assert!(validate_endpoint("http://[::1]:9000").is_ok());
    assert!(validate_endpoint("http://localhost:9000").is_ok());
    assert!(validate_endpoint("http://evil.example").is_err());
    assert!(validate_endpoint("http://127.0.0.1.evil.example").is_err());
    assert!(validate_endpoint("https://user:pw@vpc.example").is_err());
    assert!(validate_endpoint("https://vpc.example/prefix").is_err());
    assert!(validate_endpoint("ftp://vpc.example").is_err());
}

#[test]
fn wildcards() {
    assert!(wildcard_match("*", ""));
    assert!(wildcard_match("vpn_*", "vpn_gateway"));
    assert!(wildcard_match("*Group*", "securityGroupRule"));
    assert!(!wildcard_match("vpn_*", "vpc"));
    assert!(wildcard_match("a*b*c", "aXbYc"));
    assert!(!wildcard_match("a*b*c", "aXbY"));
}

#[test]
fn durations() {
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
    assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
    // The range the error names (1 ms to 1 h) is writable at both ends.
    assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
    assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
    assert_eq!(display_duration(Duration::from_secs(3600)), "1h");
    for bad in ["", "10", "1.5s", "0s", "2h", "61m", "-1s", "s"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn environment_profiles() {
    let config = from_environment(&env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIx"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
        ("ALIBABA_CLOUD_REGION_ID", "cn-shanghai"),
        ("HUAWEICLOUD_SDK_AK", "AK"),
        ("HUAWEICLOUD_SDK_SK", "SK"),
    ]))
    .unwrap();
    assert_eq!(config.profiles.len(), 2);
    assert_eq!(config.profiles[0].name, "alibaba");
    assert!(config.profiles[0].problem.is_none());
    let hw = &config.profiles[1];
    assert_eq!(
        hw.problem.as_ref().unwrap().message,
        "no region; set HUAWEICLOUD_SDK_REGION"
    );
    assert!(from_environment(&env(&[])).is_err());
}

#[test]
fn locate_children_agrees_with_locate() {
    let found = locate_children(GOOD, "profiles");
    assert!(!found.is_empty());
    for (key, at) in &found {
        assert_eq!(locate(GOOD, &["profiles", key]), Some(*at), "{key}");
    }
    assert_eq!(found.get("hw").copied(), locate(GOOD, &["profiles", "hw"]));
    assert!(locate_children("defaults: {}\n", "profiles").is_empty());
}

#[test]
fn locate_finds_nested_keys() {
    assert_eq!(
        locate(GOOD, &["profiles", "hw", "project_id"]),
        Some((13, 5))
    );
    assert_eq!(locate(GOOD, &["defaults", "timeout"]), Some((3, 3)));
    assert_eq!(locate(GOOD, &["profiles", "nope"]), None);
}

#[test]
fn expansion() {
    let e = env(&[("A", "1"), ("B", "2")]);
    assert_eq!(
        expand("x${A}y${B}$z", &e),
        Ok(("x1y2$z".into(), vec!["A".into(), "B".into()]))
    );
    assert_eq!(expand("${C}", &e), Err(ExpandError::Unset("C".into())));
    assert_eq!(expand("${A", &e), Err(ExpandError::Unterminated));
    assert_eq!(
        expand("${A B}", &e),
        Err(ExpandError::BadName("A B".into()))
    );
}

#[test]
fn the_provider_may_come_from_a_variable() {
    let text = "profiles:\n  a:\n    provider: ${P}\n    region: eu-de\n    access_key: AK\n    secret_key: SK\n";
    let config = parse(text, None, &env(&[("P", "otc")])).unwrap();
    assert_eq!(config.profiles[0].provider, Provider::Otc);
    let err = parse(text, Some(Path::new("c")), &env(&[])).unwrap_err();
    assert!(
        err.message.contains("environment variable P is not set"),
        "{}",
        err.message
    );
    assert_eq!(err.location, Some((3, 5)));
    let err = parse(text, None, &env(&[("P", "s3cr3t")])).unwrap_err();
    assert!(
        !err.message.contains("s3cr3t") && err.message.contains("${P}"),
        "{}",
        err.message
    );
}

#[test]
fn serve_min_interval() {
    let profiles = "profiles:\n  a:\n    provider: otc\n    region: eu-de\n";
    let config = parse(profiles, None, &env(&[])).unwrap();
    assert_eq!(config.serve.min_interval, Duration::from_secs(30));
    for (text, expected) in [("90s", 90_000), ("1m", 60_000), ("0s", 0), ("250ms", 250)] {
        let config = parse(
            &format!("serve:\n  min_interval: {text}\n{profiles}"),
            None,
            &env(&[]),
        )
        .unwrap();
        assert_eq!(
            config.serve.min_interval,
            Duration::from_millis(expected),
            "{text}"
        );
    }
    // A bad value is located and named, like `timeout`.
    let err = parse(
        &format!("{profiles}serve:\n  min_interval: soon\n"),
        Some(Path::new("c.yaml")),
        &env(&[]),
    )
    .unwrap_err();
    assert_eq!(err.location, Some((6, 3)), "{err}");
    assert!(
        err.to_string()
            .starts_with("c.yaml:6:3: serve.min_interval: `soon` is not a duration"),
        "{err}"
    );
    let err = parse(
        &format!("serve:\n  min_interval: 2h\n{profiles}"),
        None,
        &env(&[]),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("out of range (0s, or 1ms to 1h)"),
        "{err}"
    );
    // A misspelt key gets a "did you mean".
    let err = parse(
        &format!("serve:\n  min_intervall: 10s\n{profiles}"),
        None,
        &env(&[]),
    )
    .unwrap_err();
    assert_eq!(
        err.hint.as_deref(),
        Some("did you mean `min_interval`?"),
        "{err}"
    );
    let err = parse(
        &format!("serv:\n  min_interval: 10s\n{profiles}"),
        None,
        &env(&[]),
    )
    .unwrap_err();
    assert_eq!(err.hint.as_deref(), Some("did you mean `serve`?"), "{err}");
}

const FLEET: &str = "\
profiles:
  ali-base:
    provider: alibaba
    region: cn-shanghai
    access_key_id: LTAI5tBaseKey0001
    access_key_secret: ${BASE_SECRET}
    services: []
  ali-team-a:
    provider: alibaba
    source_profile: ali-base
    role_arn: acs:ram::1234567890123456:role/headroom-reader
    regions: [cn-shanghai, cn-hongkong]
    external_id: abc-123
  hw-base:
    provider: huaweicloud
    region: cn-north-4
    access_key: HWBASEKEY0001
    secret_key: ${BASE_SECRET}
    domain_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    services: []
  hw-team-b:
    provider: huaweicloud
    source_profile: hw-base
    agency: {domain_name: team-b, name: headroom-reader}
    region: ap-southeast-1
    project_id: 0123456789abcdef0123456789abcdef
fleets:
  ali-org:
    provider: alibaba
    source_profile: ali-team-a
    role_arn: \"acs:ram::{account}:role/headroom-reader\"
    regions: [cn-shanghai]
    duration: 30m
    accounts: {shop: \"2234567890123456\", data: \"3234567890123456\"}
  hw-org:
    provider: huaweicloud
    source_profile: hw-base
    agency: {domain_name: \"{account}\", name: headroom-reader}
    regions: [cn-north-4, ap-southeast-1]
    accounts: {team-c: team-c, team-d: team-d}
    project_ids:
      team-c: {cn-north-4: 0123456789abcdef0123456789abcdef}
";

fn parse_fleet(text: &str) -> Result<Config, ConfigError> {
    parse(
        text,
        Some(Path::new("f.yaml")),
        &env(&[("BASE_SECRET", "s3cret")]),
    )
}

#[test]
fn fleets_roles_and_agencies() {
    let config = parse_fleet(FLEET).unwrap();
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ali-base",
            "ali-team-a",
            "hw-base",
            "hw-team-b",
            "data",
            "shop",
            "team-c",
            "team-d"
        ]
    );
    let by = |name: &str| config.profiles.iter().find(|p| p.name == name).unwrap();
    assert!(by("ali-base").services.is_empty(), "a source only");
    assert!(by("ali-base").problem.is_none());
    let team_a = by("ali-team-a");
    assert!(team_a.credentials.is_none() && team_a.problem.is_none());
    let assume = team_a.assume.as_ref().unwrap();
    assert_eq!(assume.source, "ali-base");
    assert_eq!(assume.duration, Duration::from_secs(900));
    assert_eq!(
        assume.target.to_string(),
        "role acs:ram::1234567890123456:role/headroom-reader"
    );
    let shop = by("shop");
    assert_eq!(shop.fleet.as_deref(), Some("ali-org"));
    let shop_assume = shop.assume.as_ref().unwrap();
    assert_eq!(shop_assume.source, "ali-team-a", "a two-hop chain");
    assert_eq!(shop_assume.duration, Duration::from_secs(1800));
    assert_eq!(
        shop_assume.target.to_string(),
        "role acs:ram::2234567890123456:role/headroom-reader"
    );
    let team_c = by("team-c");
    assert_eq!(
        team_c.assume.as_ref().unwrap().target.to_string(),
        "agency team-c/headroom-reader"
    );
    assert_eq!(
        team_c.project_id("cn-north-4"),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!(team_c.project_id("ap-southeast-1"), None);
    assert_eq!(
        by("hw-base").domain_id.as_deref(),
        Some("0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    );
}

#[test]
fn fleet_mistakes_are_located_config_errors() {
    let cases: Vec<(String, &str)> = vec![
        (
            FLEET.replace("source_profile: ali-base\n", "source_profile: ali-bsae\n"),
            "profile `ali-team-a`: no profile is named \"ali-bsae\"; did you mean `ali-base`?",
        ),
        (
            FLEET.replace("source_profile: hw-base\n    agency: {domain_name: team-b", "source_profile: ali-base\n    agency: {domain_name: team-b"),
            "`ali-base` is a profile of alibaba; a source must be of the same provider (huaweicloud)",
        ),
        (
            FLEET.replace(
                "    services: []\n  ali-team-a:",
                "    services: []\n    source_profile: shop\n    role_arn: acs:ram::1:role/r\n  ali-team-a:",
            ),
            "remove `access_key_id`",
        ),
        (
            FLEET.replace("role_arn: acs:ram::1234567890123456:role/headroom-reader", "role_arn: arn:aws:iam::123:role/x"),
            "is not a RAM role ARN",
        ),
        (
            FLEET.replace("accounts: {team-c: team-c, team-d: team-d}", "accounts: {team-c: team-c, hw-base: team-d}"),
            "account `hw-base` would be a second profile of that name",
        ),
        (
            FLEET.replace("agency: {domain_name: team-b, name: headroom-reader}", "role_arn: acs:ram::1:role/r"),
            "huaweicloud profiles assume an agency: use `agency`, not `role_arn`",
        ),
        (
            FLEET.replace("    external_id: abc-123\n", "    external_id: abc-123\n    access_key_secret: x\n"),
            "remove `access_key_secret`",
        ),
        (
            FLEET.replace("    duration: 30m\n", "    duration: 5m\n"),
            "shorter than 15m",
        ),
    ];
    for (text, expected) in cases {
        let error = parse_fleet(&text).unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains(expected), "{expected}\n  got: {shown}");
        assert!(shown.starts_with("f.yaml:"), "located: {shown}");
        assert!(error.location.is_some(), "{shown}");
    }
    // A cycle, and a chain longer than five hops.
    let cycle = "profiles:\n  a:\n    provider: alibaba\n    region: cn-shanghai\n    source_profile: b\n    role_arn: acs:ram::1:role/r\n  b:\n    provider: alibaba\n    region: cn-shanghai\n    source_profile: a\n    role_arn: acs:ram::2:role/r\n";
    let shown = parse_fleet(cycle).unwrap_err().to_string();
    assert!(
        shown.contains("the sources form a cycle: a -> b -> a"),
        "{shown}"
    );
    let mut long = String::from(
        "profiles:\n  p0:\n    provider: alibaba\n    region: cn-shanghai\n    access_key_id: LTAI5tBaseKey0001\n    access_key_secret: s\n",
    );
    for hop in 1..=6 {
        long.push_str(&format!(
            "  p{hop}:\n    provider: alibaba\n    region: cn-shanghai\n    source_profile: p{}\n    role_arn: acs:ram::{hop}:role/r\n",
            hop - 1
        ));
    }
    let shown = parse_fleet(&long).unwrap_err().to_string();
    assert!(shown.contains("longer than 5 hops"), "{shown}");
    long.truncate(long.rfind("  p6:").unwrap());
    assert!(parse_fleet(&long).is_ok(), "five hops are fine");
}
