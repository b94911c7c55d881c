//! The catalogue of quota sources: every quota API headroom reads, each described once.
//!
//! A source is one provider API that answers quota rows. Its [`Description`] says everything the
//! rest of the program needs: the service names it answers to, the providers and regions that
//! offer it, the endpoint key and default host, the permission it needs, how to build its
//! request (page by page) and how to read one page of its answer. Config validation,
//! `--service`, the help text, the completions, the query engine and `headroom policy` are all
//! derived from this table, so adding a source is one file here and one [`Source`] variant.
//!
//! Nothing here sends a request, signs one or prints: a source only turns a query into a
//! [`Call`] and an answer into a [`Page`]; the engine (`providers`) does the rest.

pub mod ecs;
pub mod elb;
pub mod er;
pub mod evs;
pub mod keyed;
pub mod nat;
pub mod quota_center;
pub mod smartag;
pub mod vpc;

use serde_json::Value;

use crate::providers::ParsedQuota;
use crate::quota::Provider;

/// Every quota API headroom reads. The compiler makes each one describe itself in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Alibaba Smart Access Gateway: Cloud Connect Networks per region.
    Smartag,
    /// Huawei Cloud / OTC VPC v1 quotas.
    Vpc,
    /// Huawei Cloud / OTC VPN v5 quotas.
    Vpn,
    /// Huawei Cloud / OTC VPC Endpoint quotas.
    Vpcep,
    /// Alibaba Quota Center: the quotas of any product code.
    QuotaCenter,
    /// Huawei Cloud / OTC ECS tenant limits.
    Ecs,
    /// Huawei Cloud / OTC EVS quota sets.
    Evs,
    /// Huawei Cloud / OTC dedicated ELB quota usage.
    Elb,
    /// Huawei Cloud / OTC Enterprise Router quotas.
    Er,
    /// Huawei Cloud NAT Gateway quotas.
    Nat,
}

/// At most `calls` requests in any window of `per`, per access key id, whatever the
/// concurrency: a provider's published rate limit, with room to spare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacing {
    pub calls: usize,
    pub per: std::time::Duration,
}

/// How a source's requests are addressed and signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Alibaba RPC with signature V1. `regional`: the host is `{host}.{region}.aliyuncs.com`;
    /// otherwise one central host `{host}.aliyuncs.com` serves every region.
    AlibabaRpc { regional: bool },
    /// Huawei Cloud / OTC REST, AK/SK-signed, scoped to the region's IAM project.
    HuaweiProject,
}

/// One request of a query (one page of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// An Alibaba RPC action; the engine adds the common parameters and the signature.
    Rpc {
        version: &'static str,
        action: &'static str,
        params: Vec<(String, String)>,
    },
    /// A Huawei/OTC GET of `path` (already holding the project id) with `query`.
    Get {
        path: String,
        query: Vec<(String, String)>,
    },
}

/// What a request is about: the region, the service name the user chose (for Alibaba Quota
/// Center, the product code) and, for project-scoped APIs, the project id.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub project_id: &'a str,
}

/// One page of an answer.
#[derive(Debug, Default, PartialEq)]
pub struct Page {
    pub quotas: Vec<ParsedQuota>,
    /// The token or marker of the next page; `None` when this was the last.
    pub next: Option<String>,
    /// Entries that are not quota rows (no usage reported, feature flags), for a `-v` line.
    pub left_out: usize,
}

/// Everything headroom knows about one source. Each source file holds its own as a `const`.
pub struct Description {
    /// The service names it answers to in configs, `--service`, rows and threshold keys (for
    /// Alibaba Quota Center, the product codes queried by default).
    pub services: &'static [&'static str],
    /// Any other product code is a service of this source too (Alibaba Quota Center).
    pub any_product_code: bool,
    /// The providers that offer it.
    pub providers: &'static [Provider],
    /// (provider, region) pairs where it is not offered, skipped with a note.
    pub not_offered: &'static [(Provider, &'static str)],
    /// The key under a profile's `endpoints:` and the first label of the default host.
    pub endpoint_key: &'static str,
    pub protocol: Protocol,
    /// The RAM / IAM action a read needs, as `headroom policy` grants it.
    pub permission: &'static str,
    /// Whether the provider's docs name that action; an unconfirmed one is flagged in the README.
    pub permission_confirmed: bool,
    /// The provider's rate limit, kept by the engine across all queries of one access key.
    pub pacing: Option<Pacing>,
    /// The request for one page; `page` is the token or marker the previous page gave.
    pub request: fn(&Query<'_>, page: Option<&str>) -> Call,
    /// Reads one page; `sent` is the token or marker this page was asked for.
    pub parse: fn(&Value, sent: Option<&str>) -> Result<Page, String>,
}

impl Source {
    /// Every source, in the order their services are listed and queried.
    pub const ALL: [Source; 10] = [
        Source::Smartag,
        Source::QuotaCenter,
        Source::Vpc,
        Source::Vpn,
        Source::Vpcep,
        Source::Ecs,
        Source::Evs,
        Source::Elb,
        Source::Er,
        Source::Nat,
    ];

    pub fn describe(self) -> &'static Description {
        match self {
            Source::Smartag => &smartag::SMARTAG,
            Source::Vpc => &vpc::VPC,
            Source::Vpn => &vpc::VPN,
            Source::Vpcep => &vpc::VPCEP,
            Source::QuotaCenter => &quota_center::QUOTA_CENTER,
            Source::Ecs => &ecs::ECS,
            Source::Evs => &evs::EVS,
            Source::Elb => &elb::ELB,
            Source::Er => &er::ER,
            Source::Nat => &nat::NAT,
        }
    }

    /// The source that answers `service` for `provider`, if any: a named service first, then
    /// any product code for a source that takes them.
    pub fn for_service(provider: Provider, service: &str) -> Option<Source> {
        let offered = |source: &Source| source.describe().providers.contains(&provider);
        Source::ALL
            .into_iter()
            .filter(offered)
            .find(|source| source.describe().services.contains(&service))
            .or_else(|| {
                Source::ALL.into_iter().filter(offered).find(|source| {
                    source.describe().any_product_code && quota_center::is_product_code(service)
                })
            })
    }

    /// Whether `provider` offers this source in `region`.
    pub fn offered_in(self, provider: Provider, region: &str) -> bool {
        !self.describe().not_offered.contains(&(provider, region))
    }
}

/// The services a profile of `provider` queries when it names none, in display order.
pub fn default_services(provider: Provider) -> Vec<&'static str> {
    Source::ALL
        .into_iter()
        .map(Source::describe)
        .filter(|d| d.providers.contains(&provider))
        .flat_map(|d| d.services.iter().copied())
        .collect()
}

/// Every service name of every provider, once, in catalogue order (for `--service`).
pub fn all_services() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for description in Source::ALL.into_iter().map(Source::describe) {
        for name in description.services {
            if !names.contains(name) {
                names.push(name);
            }
        }
    }
    names
}

/// The keys a profile of `provider` may set under `endpoints:`: each source's endpoint key,
/// and `iam` where project ids are looked up.
pub fn endpoint_keys(provider: Provider) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for description in Source::ALL.into_iter().map(Source::describe) {
        if description.providers.contains(&provider) && !keys.contains(&description.endpoint_key) {
            keys.push(description.endpoint_key);
        }
    }
    // Where credentials are obtained: Alibaba STS (assumed roles), Huawei/OTC IAM (project
    // lookups and agencies).
    keys.push(if provider == Provider::Alibaba {
        "sts"
    } else {
        "iam"
    });
    keys
}

/// Every endpoint key of any provider (for "did you mean" on config keys).
pub fn all_endpoint_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for provider in Provider::ALL {
        for key in endpoint_keys(provider) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// The `--service` help line, listing the services from the catalogue.
pub fn service_help() -> String {
    format!(
        "Only this service (repeatable): {}",
        all_services().join(", ")
    )
}

/// The default endpoint of a source in a region, following each cloud's host pattern.
pub fn default_endpoint(source: Source, provider: Provider, region: &str) -> String {
    let description = source.describe();
    match description.protocol {
        Protocol::AlibabaRpc { regional: true } => {
            format!(
                "https://{}.{region}.aliyuncs.com/",
                description.endpoint_key
            )
        }
        Protocol::AlibabaRpc { regional: false } => {
            format!("https://{}.aliyuncs.com/", description.endpoint_key)
        }
        Protocol::HuaweiProject => huawei_endpoint(provider, description.endpoint_key, region),
    }
}

/// `https://{host}.{region}.myhuaweicloud.com` (`.eu` for the `eu-west-101` regions), OTC
/// `https://{host}.{region}.otc.t-systems.com`, and OTC Swiss `{host}.eu-ch2.sc.otc...`,
/// where IAM is `iam-pub`.
pub fn huawei_endpoint(provider: Provider, host: &str, region: &str) -> String {
    match provider {
        Provider::Otc if region == "eu-ch2" => {
            let host = if host == "iam" { "iam-pub" } else { host };
            format!("https://{host}.eu-ch2.sc.otc.t-systems.com")
        }
        Provider::Otc => format!("https://{host}.{region}.otc.t-systems.com"),
        _ if region.starts_with("eu-west-101") => {
            format!("https://{host}.{region}.myhuaweicloud.eu")
        }
        _ => format!("https://{host}.{region}.myhuaweicloud.com"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_is_listed_once_and_names_are_unique_per_provider() {
        for provider in Provider::ALL {
            let names = default_services(provider);
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(names.len(), unique.len(), "{provider}: {names:?}");
            for name in names {
                assert!(Source::for_service(provider, name).is_some());
            }
        }
        for (index, source) in Source::ALL.iter().enumerate() {
            assert!(!Source::ALL[..index].contains(source));
            assert!(!source.describe().services.is_empty());
            assert!(!source.describe().permission.is_empty());
        }
    }

    #[test]
    fn defaults_and_keys_per_provider() {
        let alibaba = default_services(Provider::Alibaba);
        assert_eq!(alibaba[0], "smartag");
        assert_eq!(&alibaba[1..], quota_center::PRODUCT_CODES);
        assert_eq!(
            default_services(Provider::Huaweicloud),
            ["vpc", "vpn", "vpcep", "ecs", "evs", "elb", "er", "nat"]
        );
        assert_eq!(
            default_services(Provider::Otc),
            ["vpc", "vpn", "vpcep", "ecs", "evs", "elb", "er"]
        );
        assert_eq!(
            endpoint_keys(Provider::Huaweicloud),
            [
                "vpc", "vpn", "vpcep", "ecs", "evs", "elb", "er", "nat", "iam"
            ]
        );
        assert_eq!(
            endpoint_keys(Provider::Alibaba),
            ["smartag", "quotas", "sts"]
        );
        assert_eq!(
            Source::for_service(Provider::Alibaba, "vpc"),
            Some(Source::QuotaCenter)
        );
        assert_eq!(
            Source::for_service(Provider::Alibaba, "mysql"),
            Some(Source::QuotaCenter)
        );
        assert_eq!(Source::for_service(Provider::Alibaba, "Bad Code"), None);
        assert_eq!(Source::for_service(Provider::Otc, "nat"), None);
        assert_eq!(Source::for_service(Provider::Otc, "mysql"), None);
        assert_eq!(Source::for_service(Provider::Otc, "vpn"), Some(Source::Vpn));
    }

    #[test]
    fn default_endpoints() {
        let at = |source, provider, region| default_endpoint(source, provider, region);
        assert_eq!(
            at(Source::Smartag, Provider::Alibaba, "cn-shanghai"),
            "https://smartag.cn-shanghai.aliyuncs.com/"
        );
        assert_eq!(
            at(Source::Vpc, Provider::Huaweicloud, "cn-north-4"),
            "https://vpc.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            at(Source::Vpn, Provider::Huaweicloud, "eu-west-101"),
            "https://vpn.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            at(Source::Vpcep, Provider::Otc, "eu-de"),
            "https://vpcep.eu-de.otc.t-systems.com"
        );
        assert_eq!(
            at(Source::Vpc, Provider::Otc, "eu-ch2"),
            "https://vpc.eu-ch2.sc.otc.t-systems.com"
        );
        assert_eq!(
            huawei_endpoint(Provider::Otc, "iam", "eu-ch2"),
            "https://iam-pub.eu-ch2.sc.otc.t-systems.com"
        );
        assert_eq!(
            at(Source::QuotaCenter, Provider::Alibaba, "cn-hongkong"),
            "https://quotas.aliyuncs.com/"
        );
        assert_eq!(
            at(Source::Er, Provider::Otc, "eu-nl"),
            "https://er.eu-nl.otc.t-systems.com"
        );
        assert!(!Source::Vpn.offered_in(Provider::Otc, "eu-ch2"));
        assert!(!Source::Elb.offered_in(Provider::Otc, "eu-ch2"));
        assert!(!Source::Er.offered_in(Provider::Otc, "eu-ch2"));
        assert!(Source::Vpn.offered_in(Provider::Huaweicloud, "eu-ch2"));
    }
}
