//! Least-privilege policies: for each provider among the selected profiles, the actions that
//! let headroom read exactly the selected services, as a document ready to paste into RAM
//! (Alibaba) or IAM (Huawei Cloud, OTC). Derived from the source catalogue, so a new source's
//! permission is in the policy the moment it is in the catalogue.

use std::collections::BTreeMap;

use serde::Serialize;
#[cfg(test)]
use serde_json::json;

use crate::config::Profile;
use crate::providers::IAM_PROJECTS_PERMISSION;
use crate::quota::Provider;
use crate::sources::Source;

/// What `create-ccn` needs besides reading the CCN quota.
pub const CREATE_PERMISSIONS: &[&str] = &[
    "smartag:CreateCloudConnectNetwork",
    "smartag:DescribeCloudConnectNetworks",
    "smartag:GetCloudConnectNetworkUseLimit",
];

/// One provider's policy: the profiles it covers and the actions, sorted and unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub provider: Provider,
    pub profiles: Vec<String>,
    pub actions: Vec<String>,
    /// What each assumed role or agency must trust, one sentence each (not part of the document).
    pub trust: Vec<String>,
}

/// A policy document, in the field order the consoles show.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Document<'a> {
    version: &'static str,
    statement: [Statement<'a>; 1],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Statement<'a> {
    effect: &'static str,
    action: &'a [String],
    /// RAM statements name their resources; IAM custom policies for these actions do not.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'static str>,
}

impl Policy {
    /// The document in the provider's policy language: RAM version 1, IAM version 1.1.
    pub fn document(&self) -> Document<'_> {
        let (version, resource) = match self.provider {
            Provider::Alibaba => ("1", Some("*")),
            Provider::Huaweicloud | Provider::Otc => ("1.1", None),
        };
        Document {
            version,
            statement: [Statement {
                effect: "Allow",
                action: &self.actions,
                resource,
            }],
        }
    }
}

/// The policies for `profiles`, each querying the services `services_of` gives it, one per
/// provider in the providers' order. `all` is every profile of the config: the sources of
/// assumed profiles need the assume action.
pub fn policies<'a>(
    profiles: &[&'a Profile],
    all: &[Profile],
    services_of: impl Fn(&'a Profile) -> Vec<&'a str>,
    with_create: bool,
) -> Vec<Policy> {
    let mut by_provider: BTreeMap<Provider, Policy> = BTreeMap::new();
    for &profile in profiles {
        let policy = by_provider
            .entry(profile.provider)
            .or_insert_with(|| Policy {
                provider: profile.provider,
                profiles: Vec::new(),
                actions: Vec::new(),
                trust: Vec::new(),
            });
        policy.profiles.push(profile.name.clone());
        for service in services_of(profile) {
            if let Some(source) = Source::for_service(profile.provider, service) {
                policy
                    .actions
                    .push(source.describe().permission.to_string());
            }
        }
        // Without a project id (or with several regions) the project is looked up through IAM.
        let looks_up_projects = profile.provider != Provider::Alibaba
            && profile
                .regions
                .iter()
                .any(|region| profile.project_id(region).is_none());
        if looks_up_projects {
            policy.actions.push(IAM_PROJECTS_PERMISSION.to_string());
        }
        // The identity that assumes needs the assume action, and the target must trust it.
        if let Some(assume) = &profile.assume {
            let (action, trust) = match &assume.target {
                crate::config::AssumeTarget::Role { arn, .. } => (
                    "sts:AssumeRole",
                    format!(
                        "{arn} must trust the account of `{}`: \
                         \"Principal\": {{\"RAM\": [\"acs:ram::<base account id>:root\"]}}",
                        assume.source
                    ),
                ),
                crate::config::AssumeTarget::Agency { .. } => {
                    let base = root(profile, all);
                    let account = base.and_then(|b| b.domain_id.clone()).map_or_else(
                        || "<base account id>".to_string(),
                        |id| format!("account {id}"),
                    );
                    (
                        "iam:agencies:assume",
                        format!(
                            "{} must be delegated to {account} (the account of `{}`)",
                            assume.target, assume.source
                        ),
                    )
                }
            };
            policy.actions.push(action.to_string());
            policy.trust.push(trust);
        }
        if with_create && profile.provider == Provider::Alibaba {
            policy
                .actions
                .extend(CREATE_PERMISSIONS.iter().map(|a| a.to_string()));
        }
    }
    by_provider
        .into_values()
        .map(|mut policy| {
            policy.actions.sort();
            policy.actions.dedup();
            policy
        })
        .collect()
}

/// The profile at the root of `profile`'s chain of sources (the one with keys of its own).
fn root<'a>(profile: &'a Profile, all: &'a [Profile]) -> Option<&'a Profile> {
    let mut current = profile;
    for _ in 0..=crate::config::MAX_HOPS {
        match &current.assume {
            Some(assume) => current = all.iter().find(|p| p.name == assume.source)?,
            None => return Some(current),
        }
    }
    None
}

/// Every policy as text: one document alone, or each after a `# PROVIDER: profiles A, B` line.
pub fn text(policies: &[Policy]) -> String {
    let pretty = |policy: &Policy| {
        serde_json::to_string_pretty(&policy.document()).unwrap_or_default() + "\n"
    };
    match policies {
        [one] => pretty(one),
        many => many
            .iter()
            .map(|policy| {
                format!(
                    "# {}: profiles {}\n{}",
                    policy.provider,
                    policy.profiles.join(", "),
                    pretty(policy)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Every policy in one JSON object, keyed by provider.
pub fn json(policies: &[Policy]) -> String {
    let map: BTreeMap<String, Document<'_>> = policies
        .iter()
        .map(|policy| (policy.provider.to_string(), policy.document()))
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, provider: Provider, services: &[&str], project: bool) -> Profile {
        let text = match provider {
            Provider::Alibaba => format!(
                "profiles:\n  {name}:\n    provider: alibaba\n    region: cn-shanghai\n    access_key_id: LTAI5tExample00\n    access_key_secret: s\n    services: [{}]\n",
                services.join(", ")
            ),
            _ => format!(
                "profiles:\n  {name}:\n    provider: {provider}\n    region: eu-de\n    access_key: AK\n    secret_key: SK\n    services: [{}]\n{}",
                services.join(", "),
                if project {
                    "    project_id: 0123456789abcdef0123456789abcdef\n"
                } else {
                    ""
                }
            ),
        };
        let env = std::collections::BTreeMap::<String, String>::new();
        let config = crate::config::parse(&text, None, &env).unwrap();
        config.profiles[0].clone()
    }

    fn all_services(profile: &Profile) -> Vec<&str> {
        profile.services.iter().map(String::as_str).collect()
    }

    #[test]
    fn one_document_per_provider_with_exactly_the_actions() {
        let ali = profile("ali", Provider::Alibaba, &["smartag", "vpc", "eip"], false);
        let otc = profile("otc", Provider::Otc, &["vpc", "ecs"], false);
        let hw = profile("hw", Provider::Huaweicloud, &["er"], true);
        let policies = policies(&[&ali, &otc, &hw], &[], all_services, false);
        assert_eq!(policies.len(), 3);
        assert_eq!(
            policies[0].actions,
            [
                "quotas:ListProductQuotas",
                "smartag:GetCloudConnectNetworkUseLimit"
            ]
        );
        assert_eq!(policies[1].actions, ["er:quotas:list"]);
        assert_eq!(
            policies[2].actions,
            [
                "ecs:cloudServerQuotas:get",
                "iam:projects:listProjects",
                "vpc:quotas:list"
            ]
        );
        assert_eq!(
            serde_json::to_value(policies[0].document()).unwrap(),
            json!({"Version": "1", "Statement": [{"Effect": "Allow", "Action": [
                "quotas:ListProductQuotas", "smartag:GetCloudConnectNetworkUseLimit"
            ], "Resource": "*"}]})
        );
        assert_eq!(
            serde_json::to_value(policies[1].document()).unwrap(),
            json!({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["er:quotas:list"]}]})
        );
        let text = text(&policies);
        assert!(
            text.starts_with("# alibaba: profiles ali\n{\n  \"Version\": \"1\",\n  \"Statement\""),
            "{text}"
        );
        assert!(text.contains("\n# otc: profiles otc\n{"), "{text}");
    }

    #[test]
    fn with_create_adds_the_create_calls() {
        let ali = profile("ali", Provider::Alibaba, &["vpc"], false);
        let policies = policies(&[&ali], &[], all_services, true);
        assert!(
            policies[0]
                .actions
                .contains(&"smartag:CreateCloudConnectNetwork".to_string())
        );
        let text = text(&policies);
        assert!(text.starts_with('{'), "one provider: the document alone");
    }
}
