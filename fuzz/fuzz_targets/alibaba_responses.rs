//! Alibaba answers (GetCloudConnectNetworkUseLimit, CreateCloudConnectNetwork,
//! DescribeCloudConnectNetworks) from arbitrary bytes: a row, a network or a clear error.
#![no_main]

use headroom::providers::smartag::{parse_created, parse_described};
use headroom::sources::smartag::parse_use_limit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(row) = parse_use_limit(&body) {
        assert_eq!(row.resource, "ccn");
    }
    let _ = parse_created(&body);
    let _ = parse_described(&body);
    // Every source's page parser (Quota Center, ECS, EVS, ELB, ER, NAT, ...): rows, a next
    // page or a clear error, never a panic or a negative amount.
    for source in headroom::sources::Source::ALL {
        for sent in [None, Some("1")] {
            if let Ok(page) = (source.describe().parse)(&body, sent) {
                for quota in page.quotas {
                    assert!(quota.used.value() >= 0.0);
                    assert!(!quota.resource.is_empty());
                }
            }
        }
    }
});
