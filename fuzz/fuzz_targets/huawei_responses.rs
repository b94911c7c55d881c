//! Huawei Cloud / OTC answers (VPC, VPN v5 and VPCEP quotas; the IAM project list) from
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
});
