//! `check --demand FILE`: will a whole deployment fit? A YAML list of what it needs
//! (`{profile?, region?, service, resource, need}`, with `*` wildcards), checked against every
//! row it matches: entries add up, a row with fewer left than it needs falls short (CRITICAL),
//! an unlimited row always fits, and an entry that matches no row makes the run UNKNOWN.
//!
//! The file is read strictly, before any query: a mistake names the file, line and column.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::{did_you_mean, quoted, wildcard_match};
use crate::quota::{Amount, QuotaRow};

/// Largest demand file read: it is a short hand-written list.
const MAX_BYTES: u64 = 1024 * 1024;

/// One thing the deployment needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub service: String,
    pub resource: String,
    pub need: u64,
}

impl Entry {
    pub fn matches(&self, profile: &str, region: &str, service: &str, resource: &str) -> bool {
        self.selects(profile, region, service) && wildcard_match(&self.resource, resource)
    }

    /// Whether the entry can involve a query of (profile, region, service).
    pub fn selects(&self, profile: &str, region: &str, service: &str) -> bool {
        self.profile
            .as_deref()
            .is_none_or(|p| wildcard_match(p, profile))
            && self
                .region
                .as_deref()
                .is_none_or(|r| wildcard_match(r, region))
            && wildcard_match(&self.service, service)
    }

    /// `hw-prod cn-north-4 ecs/cores` with `*` for what the entry leaves open.
    pub fn label(&self) -> String {
        format!(
            "{} {} {}/{}",
            self.profile.as_deref().unwrap_or("*"),
            self.region.as_deref().unwrap_or("*"),
            self.service,
            self.resource
        )
    }
}

/// The demand of a deployment, as read from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub entries: Vec<Entry>,
}

/// What the JSON and YAML documents say about the demand as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemandSummary {
    pub entries: usize,
    /// Every entry matched and nothing falls short.
    pub fits: bool,
    pub unmatched: usize,
    /// Entries that matched and whose every row fits (for the sentence after the table).
    #[serde(skip)]
    pub fitting: usize,
}

/// A mistake in the demand file: `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandError {
    pub message: String,
}

impl std::fmt::Display for DemandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemand {
    demand: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    profile: Option<String>,
    region: Option<String>,
    service: String,
    resource: String,
    need: u64,
}

/// Reads the demand at `path` (`-`: standard input) for a config with `profiles`.
pub fn load(path: &Path, profiles: &[&str]) -> Result<Demand, DemandError> {
    use std::io::Read;
    let shown = if path == Path::new("-") {
        "(standard input)".to_string()
    } else {
        path.display().to_string()
    };
    let fail = |e: std::io::Error| DemandError {
        message: format!("--demand {shown}: cannot read it: {e}"),
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(fail)?;
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_BYTES + 1).read_to_end(&mut bytes))
            .map_err(fail)?;
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(DemandError {
            message: format!("--demand {shown}: the file passes 1 MiB; a demand is a short list"),
        });
    }
    let text = String::from_utf8(bytes).map_err(|_| DemandError {
        message: format!("--demand {shown}: the file is not UTF-8 text"),
    })?;
    parse(&text, &shown, profiles)
}

/// Parses demand text; `shown` names the file in messages.
pub fn parse(text: &str, shown: &str, profiles: &[&str]) -> Result<Demand, DemandError> {
    let at = |location: Option<(usize, usize)>, message: String| {
        let place = location.map_or(String::new(), |(line, column)| format!(":{line}:{column}"));
        DemandError {
            message: format!("--demand {shown}{place}: {message}"),
        }
    };
    let shape = "a demand file is `demand:` and a list of `{profile, region, service, resource, need}` \
                 (profile and region optional)";
    let raw: RawDemand = serde_yaml::from_str(text).map_err(|e| {
        let location = e.location().map(|l| (l.line(), l.column()));
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        if let Some(rest) = message.split("unknown field `").nth(1)
            && let Some(field) = rest.split('`').next()
        {
            let known = ["profile", "region", "service", "resource", "need", "demand"];
            if let Some(near) = did_you_mean(field, &known) {
                message = format!("{message}; did you mean `{near}`?");
            }
        }
        at(location, format!("{message} ({shape})"))
    })?;
    if raw.demand.is_empty() {
        return Err(at(
            locate_key(text, "demand"),
            "the `demand` list is empty; list at least one entry".into(),
        ));
    }
    let items = item_lines(text);
    let mut entries = Vec::with_capacity(raw.demand.len());
    for (index, raw) in raw.demand.into_iter().enumerate() {
        let field = |key: &str| locate_in_item(text, &items, index, key);
        if raw.need == 0 {
            return Err(at(
                field("need"),
                "`need` must be a whole number of 1 or more".into(),
            ));
        }
        for (key, value) in [("service", &raw.service), ("resource", &raw.resource)] {
            if value.trim().is_empty() {
                return Err(at(field(key), format!("`{key}` is empty")));
            }
        }
        if let Some(pattern) = &raw.profile
            && !profiles.iter().any(|name| wildcard_match(pattern, name))
        {
            let hint = did_you_mean(pattern, profiles)
                .map(|name| format!("; did you mean `{name}`?"))
                .unwrap_or_default();
            return Err(at(
                field("profile"),
                format!(
                    "`profile` {} matches no configured profile (`headroom profiles` lists them){hint}",
                    quoted(pattern)
                ),
            ));
        }
        entries.push(Entry {
            profile: raw.profile,
            region: raw.region,
            service: raw.service,
            resource: raw.resource,
            need: raw.need,
        });
    }
    Ok(Demand { entries })
}

/// The 1-based line and column of each item of the `demand:` list, in order.
fn item_lines(text: &str) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut in_demand = false;
    let mut item_indent = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if !in_demand {
            in_demand = indent == 0 && trimmed.starts_with("demand:");
            continue;
        }
        if indent == 0 && !trimmed.starts_with('-') {
            break;
        }
        if trimmed.starts_with('-') && item_indent.is_none_or(|i| i == indent) {
            item_indent = Some(indent);
            items.push((number + 1, indent + 1));
        }
    }
    items
}

/// Where `key:` is written in item `index`, else the item itself.
fn locate_in_item(
    text: &str,
    items: &[(usize, usize)],
    index: usize,
    key: &str,
) -> Option<(usize, usize)> {
    let &(first, column) = items.get(index)?;
    let last = items.get(index + 1).map_or(usize::MAX, |&(line, _)| line);
    let lines: Vec<&str> = text.lines().collect();
    for line in first..last.min(lines.len() + 1) {
        let content = lines[line - 1];
        for (start, _) in content.match_indices(key) {
            let before = content[..start].chars().last();
            let after = content[start + key.len()..].trim_start();
            if matches!(before, None | Some(' ' | '{' | ',' | '-')) && after.starts_with(':') {
                return Some((line, content[..start].chars().count() + 1));
            }
        }
    }
    Some((first, column))
}

fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines()
        .position(|line| line.starts_with(&format!("{key}:")))
        .map(|line| (line + 1, 1))
}

/// What the demand makes of a report's rows: each matched row's need and shortfall, the rows
/// no entry matched dropped, and the entries that matched nothing.
pub struct Applied {
    pub rows: Vec<QuotaRow>,
    /// One sentence per entry that matched no row.
    pub unmatched: Vec<String>,
    pub summary: DemandSummary,
}

/// Applies `demand` to `rows`. A row's need is the sum of the needs of the entries that match
/// it; `left < need` falls short by `need - left` and is CRITICAL.
pub fn apply(demand: &Demand, rows: Vec<QuotaRow>) -> Applied {
    let mut matched = vec![false; demand.entries.len()];
    let mut short_entries = vec![false; demand.entries.len()];
    let mut kept = Vec::new();
    for mut row in rows {
        let mut need = 0u64;
        let mut matching = Vec::new();
        for (index, entry) in demand.entries.iter().enumerate() {
            if entry.matches(&row.profile, &row.region, &row.service, &row.resource) {
                need = need.saturating_add(entry.need);
                matched[index] = true;
                matching.push(index);
            }
        }
        if need == 0 {
            continue;
        }
        let shortfall = match row.left {
            Some(left) => Amount::from(need).saturating_sub(left),
            None => Amount::from(0),
        };
        row.need = Some(need);
        row.shortfall = Some(shortfall);
        if shortfall.value() > 0.0 {
            row.status = crate::quota::Status::Critical;
            for index in matching {
                short_entries[index] = true;
            }
        }
        kept.push(row);
    }
    let unmatched: Vec<String> = demand
        .entries
        .iter()
        .zip(&matched)
        .enumerate()
        .filter(|(_, (_, hit))| !**hit)
        .map(|(index, (entry, _))| {
            format!(
                "demand entry {} ({}, need {}) matched no quota: the resource is not there, or its query failed",
                index + 1,
                entry.label(),
                entry.need
            )
        })
        .collect();
    let fitting = matched
        .iter()
        .zip(&short_entries)
        .filter(|(hit, short)| **hit && !**short)
        .count();
    Applied {
        summary: DemandSummary {
            entries: demand.entries.len(),
            fits: fitting == demand.entries.len(),
            unmatched: unmatched.len(),
            fitting,
        },
        rows: kept,
        unmatched,
    }
}

/// The sentence after the table: `fits: 2 of 3; short: hw-prod cn-north-4 ecs/cores needs 64,
/// 40 left (24 short)`.
pub fn sentence(rows: &[QuotaRow], summary: &DemandSummary) -> String {
    let short: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let shortfall = row.shortfall.filter(|s| s.value() > 0.0)?;
            Some(format!(
                "{} {} {}/{} needs {}, {} left ({shortfall} short)",
                row.profile,
                row.region,
                row.service,
                row.resource,
                row.need.unwrap_or(0),
                row.left.unwrap_or_default()
            ))
        })
        .collect();
    let mut text = format!("fits: {} of {}", summary.fitting, summary.entries);
    if !short.is_empty() {
        text.push_str("; short: ");
        text.push_str(&short.join("; "));
    }
    if summary.unmatched > 0 {
        text.push_str(&format!(
            "; {} demand entr{} matched nothing",
            summary.unmatched,
            if summary.unmatched == 1 { "y" } else { "ies" }
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::{Provider, Thresholds};

    const PROFILES: &[&str] = &["hw-prod", "hw-test", "ali-prod"];

    fn parse_ok(text: &str) -> Demand {
        parse(text, "deploy.yaml", PROFILES).unwrap()
    }

    fn error(text: &str) -> String {
        parse(text, "deploy.yaml", PROFILES).unwrap_err().message
    }

    #[test]
    fn reads_the_documented_shape() {
        let demand = parse_ok(
            "demand:\n  - {profile: hw-prod, region: cn-north-4, service: ecs, resource: cores, need: 64}\n  - {profile: \"hw-*\", service: vpc, resource: publicIp, need: 3}\n  - service: smartag\n    resource: ccn\n    need: 1\n",
        );
        assert_eq!(demand.entries.len(), 3);
        assert_eq!(demand.entries[1].profile.as_deref(), Some("hw-*"));
        assert_eq!(demand.entries[2].region, None);
        assert_eq!(demand.entries[2].need, 1);
    }

    #[test]
    fn mistakes_are_located() {
        assert_eq!(
            error("demand:\n  - {service: ecs, resource: cores, need: 0}\n"),
            "--demand deploy.yaml:2:37: `need` must be a whole number of 1 or more"
        );
        assert!(
            error("demand:\n  - {service: ecs, resource: cores, need: -2}\n")
                .starts_with("--demand deploy.yaml:2:")
        );
        let unknown = error("demand:\n  - {service: ecs, resorce: cores, need: 2}\n");
        assert!(
            unknown.starts_with("--demand deploy.yaml:2:")
                && unknown.contains("did you mean `resource`?"),
            "{unknown}"
        );
        assert_eq!(
            error(
                "demand:\n  - {service: ecs, resource: cores, need: 1}\n  - {profile: hw-prd, service: ecs, resource: cores, need: 1}\n"
            ),
            "--demand deploy.yaml:3:6: `profile` \"hw-prd\" matches no configured profile (`headroom profiles` lists them); did you mean `hw-prod`?"
        );
        assert_eq!(
            error("demand: []\n"),
            "--demand deploy.yaml:1:1: the `demand` list is empty; list at least one entry"
        );
        assert!(error("- just a list\n").contains("a demand file is `demand:`"));
        assert!(
            error("demand:\n  - {service: ecs, need: 1}\n").contains("missing field `resource`")
        );
    }

    fn row(profile: &str, resource: &str, used: u64, limit: Option<u64>) -> QuotaRow {
        QuotaRow::new(
            profile,
            Provider::Huaweicloud,
            "cn-north-4",
            "ecs",
            resource,
            Amount::from(used),
            limit.map(Amount::from),
            None,
            Thresholds::default(),
        )
    }

    #[test]
    fn entries_add_up_and_unlimited_rows_fit() {
        let demand = parse_ok(
            "demand:\n  - {profile: hw-prod, service: ecs, resource: cores, need: 30}\n  - {service: ecs, resource: cores, need: 4}\n  - {service: ecs, resource: ram, need: 1000000}\n  - {service: ecs, resource: gpus, need: 1}\n",
        );
        let applied = apply(
            &demand,
            vec![
                row("hw-prod", "cores", 60, Some(100)),
                row("hw-prod", "instances", 1, Some(10)),
                row("hw-prod", "ram", 5, None),
            ],
        );
        let names: Vec<&str> = applied.rows.iter().map(|r| r.resource.as_str()).collect();
        assert_eq!(names, ["cores", "ram"], "undemanded rows are dropped");
        assert_eq!(applied.rows[0].need, Some(34));
        assert_eq!(applied.rows[0].shortfall, Some(Amount::from(0)));
        assert_eq!(applied.rows[1].shortfall, Some(Amount::from(0)));
        assert_eq!(applied.unmatched.len(), 1);
        assert!(applied.unmatched[0].contains("demand entry 4 (* * ecs/gpus, need 1)"));
        assert!(!applied.summary.fits);

        let demand = parse_ok("demand:\n  - {service: ecs, resource: cores, need: 64}\n");
        let applied = apply(&demand, vec![row("hw-prod", "cores", 60, Some(100))]);
        assert_eq!(applied.rows[0].shortfall, Some(Amount::from(24)));
        assert_eq!(applied.rows[0].status, crate::quota::Status::Critical);
        assert_eq!(
            sentence(&applied.rows, &applied.summary),
            "fits: 0 of 1; short: hw-prod cn-north-4 ecs/cores needs 64, 40 left (24 short)"
        );
        assert_eq!(
            applied.summary,
            DemandSummary {
                entries: 1,
                fits: false,
                unmatched: 0,
                fitting: 0
            }
        );
    }
}
