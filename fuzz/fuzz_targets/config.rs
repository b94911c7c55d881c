//! The config loader: any text, with a small environment for `${VAR}` references. It must
//! return a config or a located error, never panic; and no message may show the value of the
//! `${SK}` variable (unless the text itself holds it: echoing the user's own input is fine).
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;

const SECRET: &str = "FuzzSecretValue0123456789";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let env: BTreeMap<String, String> = [
        ("A", "1"),
        ("REGION", "eu-de"),
        ("ID", "LTAI5tFuzzAccessKeyId01"),
        ("SK", SECRET),
        ("URL", "http://127.0.0.1:9"),
        ("EMPTY", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // libFuzzer learns the secret from the comparisons below and writes it in literally.
    let literal = text.contains(SECRET);
    match headroom::config::parse(text, Some(Path::new("fuzz.yaml")), &env) {
        Ok(config) => {
            for profile in &config.profiles {
                let shown = format!("{profile:?}");
                assert!(
                    literal || !shown.contains(SECRET),
                    "a profile shows its secret: {shown}"
                );
                if let Some(problem) = &profile.problem {
                    assert!(literal || !problem.to_string().contains(SECRET));
                }
                for service in &profile.services {
                    let _ = config.thresholds_for(&profile.name, service, "securityGroupRule");
                }
            }
        }
        Err(error) => {
            let shown = error.to_string();
            assert!(
                literal || !shown.contains(SECRET),
                "an error shows a secret: {shown}"
            );
        }
    }
});
