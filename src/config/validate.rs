//! Checks of single values: regions and project ids (they go into host names and paths),
//! endpoints, durations, thresholds. Each returns a message fit to show the user.

use std::time::Duration;

pub fn check_percent(value: f64) -> Result<f64, String> {
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not a percentage between 0 and 100"))
    }
}

pub fn check_retries(value: u32) -> Result<u32, String> {
    if value <= 10 {
        Ok(value)
    } else {
        Err(format!("{value} retries is too many (at most 10)"))
    }
}

pub fn check_concurrency(value: usize) -> Result<usize, String> {
    if (1..=4096).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 1 and 4096"))
    }
}

/// `500ms`, `2s`, `1m`: a whole number and a unit, between 1 ms and 1 hour.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || format!("`{text}` is not a duration; write it like 10s, 500ms, 1m or 1h");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        "h" => Duration::from_secs(number.saturating_mul(3600)),
        _ => return Err(bad()),
    };
    if duration.is_zero() || duration > Duration::from_secs(3600) {
        return Err(format!("`{text}` is out of range (1ms to 1h)"));
    }
    Ok(duration)
}

/// `serve.min_interval`: a duration as [`parse_duration`] takes it, or zero (`0s`), which
/// turns the reuse of recent results off.
pub fn parse_min_interval(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits);
    if !number.is_empty()
        && number.bytes().all(|b| b == b'0')
        && matches!(unit, "ms" | "s" | "m" | "h")
    {
        return Ok(Duration::ZERO);
    }
    parse_duration(text).map_err(|m| {
        if m.contains("out of range") {
            format!("`{trimmed}` is out of range (0s, or 1ms to 1h)")
        } else {
            m
        }
    })
}

/// A number of days for `warn_days`/`crit_days`: zero or more (fractions allowed), at most a
/// century.
pub fn check_days(value: f64) -> Result<f64, String> {
    if value.is_finite() && (0.0..=36_500.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{value} is not a number of days between 0 and 36500"
        ))
    }
}

/// A span of history: `30d`, `400d`, `12h`, `2w`: a whole number and a unit (`s`, `m`, `h`,
/// `d`, `w`), from one second to a century.
pub fn parse_period(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || format!("`{text}` is not a period; write it like 30d, 400d, 12h or 2w");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => Some(number),
        "m" => number.checked_mul(60),
        "h" => number.checked_mul(3600),
        "d" => number.checked_mul(86_400),
        "w" => number.checked_mul(7 * 86_400),
        _ => return Err(bad()),
    };
    match seconds {
        Some(seconds) if (1..=100 * 366 * 86_400).contains(&seconds) => {
            Ok(Duration::from_secs(seconds))
        }
        _ => Err(format!("`{text}` is out of range (1s to 100 years)")),
    }
}

/// The inverse of [`parse_period`]: `30d`, `12h`, `90m`, `45s`.
pub fn display_period(period: Duration) -> String {
    let s = period.as_secs();
    if s.is_multiple_of(86_400) {
        format!("{}d", s / 86_400)
    } else if s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// The inverse of [`parse_duration`]: `500ms`, `10s`, `2m`, `1h`.
pub fn display_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Region ids go into host names: lower-case words and digits joined by `-`, e.g.
/// `cn-north-4`, `eu-west-101`, `cn-shanghai-finance-1`.
pub fn validate_region(region: &str) -> Result<(), String> {
    let ok = region.len() <= 40
        && region.split('-').count() >= 2
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && region.starts_with(|c: char| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} is not a region id (lower-case letters and digits joined by `-`, like cn-north-4)",
            quoted(region)
        ))
    }
}

/// Project ids go into URL paths: 32 hexadecimal characters, as Huawei Cloud and OTC issue them.
pub fn validate_project_id(project_id: &str) -> Result<(), String> {
    if project_id.len() == 32 && project_id.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!(
            "{} is not a project id (32 hexadecimal characters)",
            quoted(project_id)
        ))
    }
}

/// Shows user input safely in a message: quoted, control characters escaped, length capped.
pub fn quoted(value: &str) -> String {
    let shown: String = value.chars().take(64).collect();
    let mut out = format!("{shown:?}");
    if value.chars().count() > 64 {
        out.push_str("...");
    }
    out
}

/// `https://` anywhere, `http://` only to a loopback address (for local testing); no user info,
/// query or fragment; the path must be empty or `/`.
pub fn validate_endpoint(value: &str) -> Result<reqwest::Url, String> {
    // A password in an endpoint is refused below, and never repeated in the message.
    let shown = without_userinfo(value);
    let url =
        reqwest::Url::parse(value).map_err(|e| format!("{} is not a URL: {e}", quoted(&shown)))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "{} uses plain http; endpoints must be https:// (http:// is allowed only to 127.0.0.1, ::1 or localhost)",
                quoted(&shown)
            ));
        }
        other => {
            return Err(format!(
                "{} has scheme `{other}`; endpoints must be https://",
                quoted(&shown)
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{} has no host", quoted(&shown)));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{} must not carry a user name or password",
            quoted(&shown)
        ));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || (url.path() != "/" && !url.path().is_empty())
    {
        return Err(format!(
            "{} must be a bare origin like https://vpc.eu-de.otc.t-systems.com",
            quoted(&shown)
        ));
    }
    Ok(url)
}

/// `value` with any `user:password@` of a URL replaced, for messages.
fn without_userinfo(value: &str) -> String {
    if let Some(scheme_end) = value.find("://") {
        let rest = &value[scheme_end + 3..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}://(redacted)@{}", &value[..scheme_end], &rest[at + 1..]);
        }
    }
    value.to_string()
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Access key ids go into headers and queries: printable ASCII without spaces.
pub(super) fn validate_key_id(id: &str) -> Result<(), String> {
    if id.len() <= 256 && id.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err("the access key id holds spaces or characters that are not printable ASCII".into())
    }
}
