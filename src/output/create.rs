//! The outcome of `headroom create-ccn` as a document (JSON and YAML field names are stable;
//! fields are only added) and its three renderings. Like the other renderers it never prints.

use serde::Serialize;

use crate::providers::{Failure, ParsedQuota};
use crate::quota::{Amount, ErrorKind};

/// What the create came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateResult {
    /// The network was created and its id is known.
    Created,
    /// `--dry-run`: there is room, nothing was sent.
    WouldCreate,
    /// No room, or the provider refused for lack of quota: nothing was created.
    Refused,
    /// The provider refused for another reason, or the quota could not be read.
    Failed,
    /// The create's answer was lost, and the new network was then found by name.
    FoundAfterUnknown,
    /// Whether a network was created cannot be told.
    Unknown,
}

/// Used, limit and left of the CCN quota at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Headroom {
    pub used: Amount,
    pub limit: Option<Amount>,
    pub left: Option<Amount>,
}

impl From<&ParsedQuota> for Headroom {
    fn from(quota: &ParsedQuota) -> Self {
        Headroom {
            used: quota.used,
            limit: quota.limit,
            left: quota.limit.map(|l| l.saturating_sub(quota.used)),
        }
    }
}

/// The provider's error, as the document shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDoc {
    pub kind: ErrorKind,
    pub http_status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

impl From<&Failure> for ErrorDoc {
    fn from(f: &Failure) -> Self {
        ErrorDoc {
            kind: f.kind,
            http_status: f.http_status,
            code: f.code.clone(),
            message: f.message.clone(),
            request_id: f.request_id.clone(),
        }
    }
}

/// The whole outcome, in the order the fields are printed.
#[derive(Debug, Clone, Serialize)]
pub struct CreateOutcome {
    pub result: CreateResult,
    pub created: bool,
    pub profile: String,
    pub region: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ccn_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub quota_before: Option<Headroom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_after: Option<Headroom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDoc>,
    pub message: String,
}

impl CreateOutcome {
    /// An outcome not decided yet, for `profile` in `region`.
    pub fn new(profile: &str, region: &str, name: &str) -> CreateOutcome {
        CreateOutcome {
            result: CreateResult::Unknown,
            created: false,
            profile: profile.to_string(),
            region: region.to_string(),
            name: name.to_string(),
            ccn_id: None,
            status: None,
            request_id: None,
            quota_before: None,
            quota_after: None,
            error: None,
            message: String::new(),
        }
    }
}

/// The formats of `create-ccn -o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CreateFormat {
    Table,
    Json,
    Yaml,
}

/// The document in `format`, ending with a newline.
pub fn render(outcome: &CreateOutcome, format: CreateFormat) -> Result<String, String> {
    match format {
        CreateFormat::Json => serde_json::to_string_pretty(outcome)
            .map(|text| text + "\n")
            .map_err(|e| e.to_string()),
        CreateFormat::Yaml => serde_yaml::to_string(outcome).map_err(|e| e.to_string()),
        CreateFormat::Table => Ok(text(outcome)),
    }
}

/// The message, then one aligned `label value` line per known field.
fn text(outcome: &CreateOutcome) -> String {
    let mut lines = vec![outcome.message.clone()];
    let field = |label: &str, value: &str| format!("  {label:<13}{value}");
    lines.push(field("profile", &outcome.profile));
    lines.push(field("region", &outcome.region));
    lines.push(field("name", &outcome.name));
    for (label, value) in [
        ("ccn id", &outcome.ccn_id),
        ("status", &outcome.status),
        ("request id", &outcome.request_id),
    ] {
        if let Some(value) = value {
            lines.push(field(label, value));
        }
    }
    let show = |h: &Headroom| match (h.limit, h.left) {
        (Some(limit), Some(left)) => format!("{} of {limit} used, {left} left", h.used),
        _ => format!("{} used, unlimited", h.used),
    };
    if let Some(before) = &outcome.quota_before {
        let label = if outcome.created {
            "quota before"
        } else {
            "quota"
        };
        lines.push(field(label, &show(before)));
    }
    if let Some(after) = &outcome.quota_after {
        lines.push(field("quota after", &show(after)));
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created() -> CreateOutcome {
        let mut outcome = CreateOutcome::new("ali-prod", "cn-shanghai", "office");
        outcome.result = CreateResult::Created;
        outcome.created = true;
        outcome.ccn_id = Some("ccn-1".into());
        let n = Amount::from;
        outcome.quota_before = Some(Headroom {
            used: n(3),
            limit: Some(n(5)),
            left: Some(n(2)),
        });
        outcome.quota_after = Some(Headroom {
            used: n(4),
            limit: Some(n(5)),
            left: Some(n(1)),
        });
        outcome.message = "Created Cloud Connect Network ccn-1.".into();
        outcome
    }

    #[test]
    fn table_lines() {
        assert_eq!(
            render(&created(), CreateFormat::Table).unwrap(),
            "Created Cloud Connect Network ccn-1.\n  profile      ali-prod\n  region       cn-shanghai\n  \
             name         office\n  ccn id       ccn-1\n  quota before 3 of 5 used, 2 left\n  \
             quota after  4 of 5 used, 1 left\n"
        );
    }

    #[test]
    fn json_fields_in_order() {
        let json = render(&created(), CreateFormat::Json).unwrap();
        let order = [
            "result",
            "created",
            "profile",
            "region",
            "name",
            "ccn_id",
            "quota_before",
            "quota_after",
            "message",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|key| json.find(&format!("\"{key}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert!(json.contains("\"result\": \"created\""));
        assert!(!json.contains("\"error\""));
    }
}
