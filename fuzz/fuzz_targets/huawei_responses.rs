//! Huawei Cloud / OTC answers (every quota source; the IAM project list) from
//! arbitrary bytes: rows or a clear error, never a panic or a negative count.
#![no_main]

use headroom::providers::huawei::parse_project_id;
use headroom::sources::vpc::parse_quotas;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(rows) = parse_quotas(&body) {
        for row in rows {
            assert!(!row.resource.trim().is_empty());
        }
    }
    for region in ["eu-de", "cn-north-4", ""] {
        let _ = parse_project_id(&body, region);
    }
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
