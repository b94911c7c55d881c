//! The landing page at `/`: the version, the configured profiles (name, provider, regions,
//! services: never a credential, not even a masked key id), a link to each profile's probe and
//! to `/metrics`, and a scrape config to start from. Plain HTML without scripts; every value from
//! the config is escaped.

use std::fmt::Write as _;

use crate::config::Config;

pub fn index(config: &Config, base_url: &str) -> String {
    let mut rows = String::new();
    for profile in &config.profiles {
        let link = format!(
            "/probe?profile={}",
            url::form_urlencoded::byte_serialize(profile.name.as_bytes()).collect::<String>()
        );
        let state = match &profile.problem {
            // The problem names a key and what is wrong with it, never a value from a variable.
            Some(problem) => format!(
                "unusable: {}",
                escape(&crate::output::clean(&problem.to_string(), 200))
            ),
            None => "ok".to_string(),
        };
        let _ = writeln!(
            rows,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{state}</td></tr>",
            escape(&link),
            escape(&profile.name),
            profile.provider,
            escape(&profile.regions.join(", ")),
            escape(&profile.services.join(", ")),
        );
    }
    let names: Vec<String> = config
        .profiles
        .iter()
        .map(|p| yaml_string(&p.name))
        .collect();
    let address = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let scheme = if base_url.starts_with("https://") {
        "    scheme: https\n"
    } else {
        ""
    };
    let snippet = format!(
        "scrape_configs:\n  - job_name: headroom\n    metrics_path: /probe\n{scheme}    \
         scrape_interval: 1m\n    scrape_timeout: 30s\n    static_configs:\n      - targets: \
         [{}]\n    relabel_configs:\n      - source_labels: [__address__]\n        target_label: \
         __param_profile\n      - source_labels: [__param_profile]\n        target_label: \
         instance\n      - target_label: __address__\n        replacement: {address}\n  - \
         job_name: headroom_exporter\n{scheme}    static_configs:\n      - targets: [{address}]\n",
        names.join(", ")
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>headroom exporter</title>\n<style>body{{font-family:sans-serif;max-width:60em;\
         margin:2em auto}}td,th{{padding:.2em .8em;text-align:left}}pre{{background:#f4f4f4;\
         padding:1em}}</style>\n</head>\n<body>\n<h1>headroom exporter</h1>\n\
         <p>Version {version}. Quota usage against limits for Alibaba Cloud, Huawei Cloud and \
         Open Telekom Cloud, for Prometheus: <code>/probe?profile=NAME</code> (repeatable, \
         <code>*</code> wildcards; optional <code>provider</code>, <code>service</code>, \
         <code>region</code>) checks a selection of profiles; <a href=\"/metrics\">/metrics</a> \
         has the exporter's own metrics.</p>\n<h2>Profiles</h2>\n<table>\n<tr><th>profile \
         (probe)</th><th>provider</th><th>regions</th><th>services</th><th>config</th></tr>\n\
         {rows}</table>\n<h2>Scrape config</h2>\n<pre>{snippet}</pre>\n</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        snippet = escape(&snippet),
    )
}

/// The five characters HTML gives a meaning to, in text and in attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A profile name as a YAML flow-sequence item: plain when it is a simple word, else quoted.
fn yaml_string(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with(['-', '.']);
    if plain {
        name.to_string()
    } else {
        serde_json::to_string(name).unwrap_or_else(|_| "\"\"".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links_every_profile_without_credentials() {
        let text = "profiles:\n  hw-prod:\n    provider: huaweicloud\n    region: cn-north-4\n    access_key: HPUATESTAKEXAMPLE0001\n    secret_key: TopSecretValue0123456789\n  \"<b>x&y</b>\":\n    provider: otc\n    region: eu-de\n    access_key: OTCTESTAKEXAMPLE00001\n    secret_key: ${UNSET_SECRET}\n";
        let config = crate::config::parse(text, None, &std::collections::BTreeMap::new()).unwrap();
        let html = index(&config, "http://127.0.0.1:9878");
        assert!(html.contains("<a href=\"/probe?profile=hw-prod\">hw-prod</a>"));
        assert!(html.contains("/probe?profile=%3Cb%3Ex%26y%3C%2Fb%3E"));
        assert!(html.contains("&lt;b&gt;x&amp;y&lt;/b&gt;"));
        assert!(!html.contains("<b>x"));
        assert!(html.contains("unusable: key `secret_key`: environment variable UNSET_SECRET"));
        assert!(html.contains("<a href=\"/metrics\">"));
        assert!(html.contains("replacement: 127.0.0.1:9878"));
        assert!(html.contains("targets: [&quot;&lt;b&gt;x&amp;y&lt;/b&gt;&quot;, hw-prod]"));
        for secret in [
            "TopSecretValue",
            "HPUATESTAKEXAMPLE0001",
            "OTCTEST",
            "HPUA****0001",
        ] {
            assert!(!html.contains(secret), "{secret}");
        }
    }
}
