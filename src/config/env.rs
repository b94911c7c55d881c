//! Profiles from the providers' standard environment variables, when there is no config file.

use super::parse::{RawProfile, fill_profile};
use super::*;

/// With no config file: `ALIBABA_CLOUD_*` gives a profile named `alibaba`, `HUAWEICLOUD_SDK_*`
/// one named `huaweicloud`. With neither, there is nothing to do and the user is told how to start.
pub fn from_environment(env: &dyn Env) -> Result<Config, ConfigError> {
    let mut profiles = Vec::new();
    let set = |name: &str| env.var(name).is_some_and(|v| !v.is_empty());
    if set("ALIBABA_CLOUD_ACCESS_KEY_ID") || set("ALIBABA_CLOUD_ACCESS_KEY_SECRET") {
        let raw = RawProfile {
            provider: "alibaba".into(),
            region: Some(
                if set("ALIBABA_CLOUD_REGION_ID") {
                    "${ALIBABA_CLOUD_REGION_ID}"
                } else {
                    ""
                }
                .into(),
            )
            .filter(|r: &String| !r.is_empty()),
            regions: None,
            access_key_id: Some("${ALIBABA_CLOUD_ACCESS_KEY_ID}".into()),
            access_key_secret: Some("${ALIBABA_CLOUD_ACCESS_KEY_SECRET}".into()),
            security_token: set("ALIBABA_CLOUD_SECURITY_TOKEN")
                .then(|| "${ALIBABA_CLOUD_SECURITY_TOKEN}".into()),
            access_key: None,
            secret_key: None,
            project_id: None,
            services: None,
            endpoints: None,
            ..RawProfile::default()
        };
        profiles.push(env_profile("alibaba", &raw, env, "ALIBABA_CLOUD_REGION_ID"));
    }
    if set("HUAWEICLOUD_SDK_AK") || set("HUAWEICLOUD_SDK_SK") {
        let raw = RawProfile {
            provider: "huaweicloud".into(),
            region: set("HUAWEICLOUD_SDK_REGION").then(|| "${HUAWEICLOUD_SDK_REGION}".into()),
            regions: None,
            access_key_id: None,
            access_key_secret: None,
            security_token: set("HUAWEICLOUD_SDK_SECURITY_TOKEN")
                .then(|| "${HUAWEICLOUD_SDK_SECURITY_TOKEN}".into()),
            access_key: Some("${HUAWEICLOUD_SDK_AK}".into()),
            secret_key: Some("${HUAWEICLOUD_SDK_SK}".into()),
            project_id: set("HUAWEICLOUD_SDK_PROJECT_ID")
                .then(|| "${HUAWEICLOUD_SDK_PROJECT_ID}".into()),
            services: None,
            endpoints: None,
            ..RawProfile::default()
        };
        profiles.push(env_profile(
            "huaweicloud",
            &raw,
            env,
            "HUAWEICLOUD_SDK_REGION",
        ));
    }
    if profiles.is_empty() {
        let path = default_config_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config path".into());
        return Err(ConfigError::new(
            None,
            "no profiles configured: no config file and no provider credentials in the environment",
        )
        .hint(format!(
            "run `headroom config init` to write a commented config to {path}, or set \
                 ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET or HUAWEICLOUD_SDK_AK/_SK; \
                 `headroom demo` shows the tool against a simulated cloud"
        )));
    }
    Ok(Config {
        origin: Origin::Environment,
        defaults: Defaults::default(),
        serve: ServeSettings::default(),
        profiles,
        thresholds: Vec::new(),
        history: HistorySettings::default(),
        warnings: Vec::new(),
    })
}

fn env_profile(name: &str, raw: &RawProfile, env: &dyn Env, region_var: &str) -> Profile {
    let provider = if raw.provider == "alibaba" {
        Provider::Alibaba
    } else {
        Provider::Huaweicloud
    };
    let mut profile = Profile::new(name, provider, Some("environment".to_string()));
    if let Err(mut problem) = fill_profile(&mut profile, raw, env) {
        if problem.key == "region" && raw.region.is_none() {
            problem.message = format!("no region; set {region_var}");
        }
        profile.problem = Some(problem);
    }
    profile
}
