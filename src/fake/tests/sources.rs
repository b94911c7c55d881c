//! End-to-end tests of the further quota sources: Alibaba Quota Center and the Huawei/OTC ECS,
//! EVS, ELB, Enterprise Router and NAT calls, signed with the project's signers like the rest.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::*;

/// The full signed query of one Quota Center call (`ListProductQuotas` unless `action` says
/// otherwise), with a fresh nonce.
fn quota_query(action: &str, extra: &[(&str, &str)], secret: &str) -> String {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let timestamp = ali::timestamp(jiff::Timestamp::now());
    let ctx = ali::RpcContext {
        action,
        version: "2020-05-10",
        format: "JSON",
        access_key_id: DEMO_ALIBABA_ACCESS_KEY,
        region_id: "cn-shanghai",
        security_token: None,
        timestamp: &timestamp,
        nonce: &nonce,
    };
    ali::signed_query("GET", &ali::rpc_params(&ctx, &params(extra)), secret)
}

async fn list_quotas(handle: &FakeHandle, extra: &[(&str, &str)]) -> Answer {
    let query = quota_query("ListProductQuotas", extra, ALI_SECRET);
    send(client().get(format!("{}/?{query}", handle.url(Service::Quotas)))).await
}

fn region(region: &'static str) -> [(&'static str, &'static str); 2] {
    [
        ("Dimensions.1.Key", "regionId"),
        ("Dimensions.1.Value", region),
    ]
}

fn codes(answer: &Answer) -> Vec<String> {
    answer.json["Quotas"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item["QuotaActionCode"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn code_of(answer: &Answer) -> (u16, String) {
    (
        answer.status,
        answer.json["Code"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn quota_center_lists_a_product_in_the_documented_shape() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let mut asked = vec![("ProductCode", "vpc"), ("MaxResults", "100")];
    asked.extend(region("cn-shanghai"));
    let answer = list_quotas(&handle, &asked).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    for field in [
        "TotalCount",
        "NextToken",
        "RequestId",
        "MaxResults",
        "Quotas",
    ] {
        assert!(answer.json.get(field).is_some(), "{field}: {}", answer.json);
    }
    assert_eq!(answer.json["NextToken"], "", "one page only");
    assert_eq!(answer.json["MaxResults"], 100);
    assert_eq!(
        answer.json["RequestId"].as_str(),
        Some(header(&answer, "x-acs-request-id").as_str())
    );
    // CommonQuota by default: the FlowControl item stays out, the privilege item is listed.
    let listed = codes(&answer);
    assert!(listed.contains(&"vpc_quota_instances_num".to_string()));
    assert!(listed.contains(&"vpc_privilege_allow_ipv6_gateway".to_string()));
    assert!(
        !listed.iter().any(|c| c.contains("flowcontrol")),
        "{listed:?}"
    );
    assert_eq!(
        answer.json["TotalCount"].as_u64(),
        Some(listed.len() as u64)
    );
    assert!(answer.json["Quotas"].as_array().is_some_and(|items| {
        items
            .iter()
            .all(|i| i["Dimensions"]["regionId"] == "cn-shanghai")
    }));
    let recorded = handle.requests();
    assert_eq!(recorded[0].service, Service::Quotas);
    assert_eq!(recorded[0].action.as_deref(), Some("ListProductQuotas"));
    assert!(recorded[0].signature_valid);

    let mut flow = vec![("ProductCode", "vpc"), ("QuotaCategory", "FlowControl")];
    flow.extend(region("cn-shanghai"));
    let answer = list_quotas(&handle, &flow).await;
    assert_eq!(codes(&answer), ["vpc_flowcontrol_DescribeVpcs"]);

    // The global CEN quota comes with whichever region is asked.
    for asked_region in ["cn-shanghai", "cn-hongkong", "eu-central-1"] {
        let mut cen = vec![("ProductCode", "cbn")];
        cen.extend(region(asked_region));
        let answer = list_quotas(&handle, &cen).await;
        assert_eq!(
            codes(&answer),
            ["cen_quota_instances_num"],
            "{asked_region}"
        );
        assert_eq!(answer.json["Quotas"][0]["GlobalQuota"], true);
    }

    // Fractional bandwidth, kept exactly.
    let mut cbwp = vec![("ProductCode", "cbwp")];
    cbwp.extend(region("cn-shanghai"));
    let answer = list_quotas(&handle, &cbwp).await;
    let bandwidth = answer.json["Quotas"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|i| i["QuotaActionCode"] == "cbwp_quota_bandwidth_total")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(bandwidth["TotalQuota"], json!(5000.5));
    assert_eq!(bandwidth["TotalUsage"], json!(1200.25));

    // Near its limit in Hong Kong.
    let mut eip = vec![("ProductCode", "eip")];
    eip.extend(region("cn-hongkong"));
    let answer = list_quotas(&handle, &eip).await;
    assert_eq!(answer.json["Quotas"][0]["TotalUsage"], 19);

    // A product the account has nothing in, and no dimension at all.
    let answer = list_quotas(&handle, &[("ProductCode", "expressconnect")]).await;
    assert_eq!(
        (answer.status, answer.json["TotalCount"].as_u64()),
        (200, Some(0))
    );
    assert_eq!(answer.json["Quotas"], json!([]));
    let answer = list_quotas(&handle, &[("ProductCode", "vpc")]).await;
    assert!(answer.json["TotalCount"].as_u64() > Some(4), "both regions");
}

#[tokio::test]
async fn quota_center_refuses_like_the_gateway_and_the_api() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let base = handle.url(Service::Quotas);
    let wrong = quota_query("ListProductQuotas", &[("ProductCode", "vpc")], "wrong");
    let answer = send(client().get(format!("{base}/?{wrong}"))).await;
    assert_eq!(code_of(&answer), (400, "SignatureDoesNotMatch".into()));
    for field in ["RequestId", "HostId", "Recommend"] {
        assert!(answer.json[field].is_string(), "{field}");
    }
    assert_eq!(answer.json["HostId"], "quotas.aliyuncs.com");
    assert!(!handle.requests()[0].signature_valid);

    // Smartag's version is not Quota Center's.
    let smartag = ali_query(
        "GET",
        "ListProductQuotas",
        "cn-shanghai",
        &[("ProductCode", "vpc")],
        ALI_SECRET,
        None,
        None,
    );
    let answer = send(client().get(format!("{base}/?{smartag}"))).await;
    assert_eq!(code_of(&answer), (400, "InvalidVersion".into()));

    let other = quota_query("ListProducts", &[], ALI_SECRET);
    let answer = send(client().get(format!("{base}/?{other}"))).await;
    assert_eq!(code_of(&answer), (404, "InvalidAction.NotFound".into()));

    let answer = list_quotas(&handle, &[]).await;
    assert_eq!(code_of(&answer), (400, "MissingProductCode".into()));
    for bad in ["0", "101", "ten", "-1"] {
        let answer = list_quotas(&handle, &[("ProductCode", "vpc"), ("MaxResults", bad)]).await;
        assert_eq!(
            code_of(&answer),
            (400, "INVALID.MAX.RESULTS".into()),
            "{bad}"
        );
        assert_eq!(
            answer.json["Message"],
            "The maxResults parameter is invalid. Use an integer ranging from 1 to 100."
        );
    }
    let answer = list_quotas(&handle, &[("ProductCode", "vpc"), ("MaxResults", "1")]).await;
    assert_eq!(answer.status, 200);
    let answer = list_quotas(
        &handle,
        &[("ProductCode", "vpc"), ("QuotaCategory", "Everything")],
    )
    .await;
    assert_eq!(code_of(&answer), (400, "PARAMETER.ILLEGALL".into()));
    let answer = list_quotas(
        &handle,
        &[
            ("ProductCode", "vpc"),
            ("NextToken", "AAAAAd98/tlL5GF2aM7U+Q=="),
        ],
    )
    .await;
    assert_eq!(code_of(&answer), (400, "PARAMETER.ILLEGALL".into()));
}

#[tokio::test]
async fn quota_center_tokens_with_slash_plus_and_equals_round_trip_when_encoded() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut tokens = Vec::new();
    for _ in 0..10 {
        let mut asked = vec![("ProductCode", "vpc"), ("MaxResults", "2")];
        if !token.is_empty() {
            asked.push(("NextToken", token.as_str()));
        }
        // The signer percent-encodes every value, `/`, `+` and `=` included.
        let answer = list_quotas(&handle, &asked).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        assert_eq!(answer.json["MaxResults"], 2);
        seen.extend(
            answer.json["Quotas"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        token = answer.json["NextToken"].as_str().unwrap_or("").to_string();
        if token.is_empty() {
            break;
        }
        assert!(
            token.contains('/') && token.contains('+') && token.contains('='),
            "{token}"
        );
        tokens.push(token.clone());
    }
    assert!(token.is_empty(), "the listing ends");
    let all = list_quotas(&handle, &[("ProductCode", "vpc"), ("MaxResults", "100")]).await;
    assert_eq!(Value::Array(seen), all.json["Quotas"]);
    assert!(tokens.len() >= 2, "{tokens:?}");
    assert!(
        handle.requests().iter().any(|r| r
            .query
            .iter()
            .any(|(n, v)| n == "NextToken" && v == &tokens[0])),
        "the recorded query holds the decoded token"
    );

    // The token sent raw: `+` arrives as a space and `/` unescaped, so the server's string to
    // sign differs from the client's.
    let base = handle.url(Service::Quotas);
    let proper = quota_query(
        "ListProductQuotas",
        &[
            ("ProductCode", "vpc"),
            ("MaxResults", "2"),
            ("NextToken", &tokens[0]),
        ],
        ALI_SECRET,
    );
    let encoded = crate::sign::percent_encode(&tokens[0]);
    assert!(proper.contains(&encoded));
    let careless = proper.replace(&encoded, &tokens[0]);
    let answer = send(client().get(format!("{base}/?{careless}"))).await;
    assert_eq!(code_of(&answer), (400, "SignatureDoesNotMatch".into()));

    // A token of another product is not this one's.
    let answer = list_quotas(
        &handle,
        &[("ProductCode", "eip"), ("NextToken", tokens[0].as_str())],
    )
    .await;
    assert_eq!(code_of(&answer), (400, "PARAMETER.ILLEGALL".into()));
}

#[tokio::test]
async fn quota_center_items_are_sent_raw() {
    let mut cloud = FakeCloud::demo();
    cloud.accounts[0].quota_center = vec![
        (
            "ecs".into(),
            json!({
                "QuotaActionCode": "ecs.g7.large",
                "TotalQuota": "200",
                "Dimensions": {"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-i"},
            }),
        ),
        (
            "ecs".into(),
            json!({"QuotaActionCode": "q_other_zone", "TotalQuota": -1,
                   "Dimensions": {"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-j"}}),
        ),
    ];
    let handle = cloud.start().await.expect("start");
    let mut asked = vec![
        ("ProductCode", "ecs"),
        ("Dimensions.2.Key", "zoneId"),
        ("Dimensions.2.Value", "cn-hangzhou-i"),
    ];
    asked.extend(region("cn-hangzhou"));
    let answer = list_quotas(&handle, &asked).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(
        answer.json["Quotas"],
        json!([{
            "QuotaActionCode": "ecs.g7.large",
            "TotalQuota": "200",
            "Dimensions": {"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-i"},
        }])
    );
    let answer = list_quotas(
        &handle,
        &[("ProductCode", "ecs"), ("Dimensions.1.Key", "zoneId")],
    )
    .await;
    assert_eq!(code_of(&answer), (400, "PARAMETER.ILLEGALL".into()));
}

#[tokio::test]
async fn quota_center_throttles_the_sixteenth_call_in_a_second() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let asked = [("ProductCode", "vpc")];
    let mut answers = Vec::new();
    for _ in 0..16 {
        answers.push(list_quotas(&handle, &asked).await);
    }
    let recorded = handle.requests();
    let span = recorded[15].received_at - recorded[0].received_at;
    assert!(span < Duration::from_secs(1), "sent too slowly: {span:?}");
    let statuses: Vec<_> = answers.iter().map(code_of).collect();
    assert!(
        statuses[..15].iter().all(|(status, _)| *status == 200),
        "{statuses:?}"
    );
    assert_eq!(statuses[15], (400, "Throttling.User".into()));
    let refused = &answers[15];
    assert_eq!(
        refused.json["Message"],
        "Request was denied due to user flow control."
    );
    assert!(!header(refused, "x-acs-request-id").is_empty());

    // A second after the first call, there is room again.
    let wait = (recorded[0].received_at + Duration::from_millis(1050))
        .saturating_duration_since(Instant::now());
    tokio::time::sleep(wait).await;
    assert_eq!(list_quotas(&handle, &asked).await.status, 200);
}

#[tokio::test]
async fn quota_center_calls_spaced_below_the_rate_all_pass() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let started = Instant::now();
    for i in 0..24u32 {
        // 12.5 calls a second, well below 15.
        let at = started + Duration::from_millis(80) * i;
        tokio::time::sleep(at.saturating_duration_since(Instant::now())).await;
        let answer = list_quotas(&handle, &[("ProductCode", "eip")]).await;
        assert_eq!(answer.status, 200, "call {i}: {}", answer.json);
    }
    // The recorded arrival times let a test measure any sliding second.
    let busiest = handle.busiest_second(Service::Quotas, DEMO_ALIBABA_ACCESS_KEY);
    assert!((1..=15).contains(&busiest), "{busiest}");
    assert_eq!(handle.busiest_second(Service::Quotas, "someone-else"), 0);
    assert_eq!(
        handle.busiest_second(Service::Smartag, DEMO_ALIBABA_ACCESS_KEY),
        0
    );
}

#[tokio::test]
async fn quota_center_takes_a_signed_form_post() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let first = list_quotas(&handle, &[("ProductCode", "vpc"), ("MaxResults", "2")]).await;
    let token = first.json["NextToken"].as_str().unwrap_or("").to_string();
    assert!(!token.is_empty());

    // The common parameters in the query, the action's in a form body; one signature over all.
    let timestamp = ali::timestamp(jiff::Timestamp::now());
    let nonce = uuid::Uuid::new_v4().to_string();
    let ctx = ali::RpcContext {
        action: "ListProductQuotas",
        version: "2020-05-10",
        format: "JSON",
        access_key_id: DEMO_ALIBABA_ACCESS_KEY,
        region_id: "cn-shanghai",
        security_token: None,
        timestamp: &timestamp,
        nonce: &nonce,
    };
    let common = ali::rpc_params(&ctx, &[]);
    let form = params(&[
        ("ProductCode", "vpc"),
        ("MaxResults", "2"),
        ("NextToken", &token),
    ]);
    let everything: Vec<_> = common.iter().chain(form.iter()).cloned().collect();
    let signature = ali::signature(
        ALI_SECRET,
        &ali::string_to_sign("POST", &ali::canonicalized_query(&everything)),
    );
    let query = format!(
        "{}&Signature={}",
        ali::canonicalized_query(&common),
        crate::sign::percent_encode(&signature)
    );
    let body = ali::canonicalized_query(&form);
    let request = client()
        .post(format!("{}/?{query}", handle.url(Service::Quotas)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    let second = send(request).await;
    assert_eq!(second.status, 200, "{}", second.json);
    assert_eq!(second.json["Quotas"].as_array().map(Vec::len), Some(2));
    assert_ne!(second.json["Quotas"], first.json["Quotas"]);
}

fn hw_path(project: &str, rest: &str) -> String {
    format!("/{}", rest.replace("{p}", project))
}

async fn otc_get(
    handle: &FakeHandle,
    service: Service,
    path: &str,
    query: &[(&str, &str)],
) -> Answer {
    let request = hw_request(
        &handle.url(service),
        path,
        query,
        DEMO_OTC_ACCESS_KEY,
        OTC_SECRET,
        None,
    );
    send(request).await
}

#[tokio::test]
async fn ecs_limits_in_the_documented_shape() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let path = hw_path(DEMO_HUAWEI_PROJECT_ID, "v1/{p}/cloudservers/limits");
    let answer = hw_get(&handle, Service::Ecs, &path, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let absolute = &answer.json["absolute"];
    assert_eq!(
        (&absolute["maxTotalCores"], &absolute["totalCoresUsed"]),
        (&json!(200), &json!(188))
    );
    assert_eq!(absolute["maxTotalKeypairs"], -1);
    assert!(absolute["maxTotalSpotInstances"].is_number());
    assert_eq!(header(&answer, "x-request-id").len(), 32);

    let path = hw_path(DEMO_OTC_PROJECT_ID, "v1/{p}/cloudservers/limits");
    let answer = otc_get(&handle, Service::Ecs, &path, &[]).await;
    assert_eq!(answer.json["absolute"]["totalInstancesUsed"], 21);
    assert!(
        answer.json["absolute"]
            .get("maxTotalSpotInstances")
            .is_none()
    );

    // Another account's project.
    let answer = hw_get(&handle, Service::Ecs, &path, &[]).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json["error"]["code"], "Ecs.0000");
    assert!(answer.json["error"]["message"].is_string());
}

#[tokio::test]
async fn evs_answers_usage_only_when_asked() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let p = DEMO_HUAWEI_PROJECT_ID;
    let path = format!("/v2/{p}/os-quota-sets/{p}");
    let answer = hw_get(&handle, Service::Evs, &path, &[("usage", "True")]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let set = &answer.json["quota_set"];
    assert_eq!(set["id"], p);
    assert_eq!(
        set["gigabytes"],
        json!({"in_use": 4120, "limit": 40960, "reserved": 0})
    );
    assert_eq!(set["volumes_SSD"]["limit"], -1);

    // Without `usage`, Cinder's plain form: the limit alone.
    let plain = hw_get(&handle, Service::Evs, &path, &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.json["quota_set"]["gigabytes"], 40960);
    assert_eq!(plain.json["quota_set"]["volumes_SSD"], -1);
    assert_eq!(plain.json["quota_set"]["id"], p);
    let lower = hw_get(&handle, Service::Evs, &path, &[("usage", "true")]).await;
    assert_eq!(lower.json["quota_set"]["gigabytes"]["in_use"], 4120);

    // The target must be the project itself; the project must be the caller's.
    let other = format!("/v2/{p}/os-quota-sets/{DEMO_OTC_PROJECT_ID}");
    let answer = hw_get(&handle, Service::Evs, &other, &[("usage", "True")]).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json["badRequest"]["code"], "EVS.0001");
    let foreign = format!("/v2/{DEMO_OTC_PROJECT_ID}/os-quota-sets/{DEMO_OTC_PROJECT_ID}");
    let answer = hw_get(&handle, Service::Evs, &foreign, &[("usage", "True")]).await;
    assert_eq!(answer.json["badRequest"]["message"], "invalid tenant id!");

    let o = DEMO_OTC_PROJECT_ID;
    let otc = otc_get(
        &handle,
        Service::Evs,
        &format!("/v2/{o}/os-quota-sets/{o}"),
        &[("usage", "True")],
    )
    .await;
    assert_eq!(otc.json["quota_set"]["volumes"]["in_use"], 108);
}

#[tokio::test]
async fn elb_lists_every_key_and_filters_by_quota_key() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let path = hw_path(DEMO_HUAWEI_PROJECT_ID, "v3/{p}/elb/quotas/details");
    let answer = hw_get(&handle, Service::Elb, &path, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(
        answer.json["request_id"].as_str(),
        Some(header(&answer, "x-request-id").as_str())
    );
    let quotas = answer.json["quotas"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(quotas.iter().any(|q| q["quota_key"] == "members_per_pool"));
    assert!(
        quotas
            .iter()
            .all(|q| q["unit"] == "count" && q["quota_limit"].is_i64() && q["used"].is_i64())
    );
    let only = hw_get(
        &handle,
        Service::Elb,
        &path,
        &[("quota_key", "loadbalancer"), ("quota_key", "listener")],
    )
    .await;
    assert_eq!(
        only.json["quotas"],
        json!([
            {"quota_key": "loadbalancer", "used": 6, "quota_limit": 50, "unit": "count"},
            {"quota_key": "listener", "used": 14, "quota_limit": 100, "unit": "count"},
        ])
    );
    let foreign = hw_path(DEMO_OTC_PROJECT_ID, "v3/{p}/elb/quotas/details");
    let answer = hw_get(&handle, Service::Elb, &foreign, &[]).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (400, Some("ELB.8902"))
    );
    assert!(answer.json["error_msg"].is_string() && answer.json["request_id"].is_string());
}

/// Every page of an ER listing: `(entries, next_marker)` per page, following markers until
/// one is absent, empty or repeated, or a page is empty, at most `cap` pages.
async fn er_pages(
    handle: &FakeHandle,
    key: &str,
    secret: &str,
    project: &str,
    limit: Option<&str>,
    cap: usize,
) -> Vec<(Vec<Value>, Option<String>)> {
    let path = hw_path(project, "v3/{p}/enterprise-router/quotas");
    let mut pages = Vec::new();
    let mut marker: Option<String> = None;
    while pages.len() < cap {
        let mut query: Vec<(&str, &str)> = Vec::new();
        if let Some(limit) = limit {
            query.push(("limit", limit));
        }
        if let Some(marker) = &marker {
            query.push(("marker", marker));
        }
        let request = hw_request(&handle.url(Service::Er), &path, &query, key, secret, None);
        let answer = send(request).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        assert_eq!(
            answer.json["request_id"].as_str(),
            Some(header(&answer, "x-request-id").as_str())
        );
        let entries = answer.json["quotas"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            answer.json["page_info"]["current_count"].as_u64(),
            Some(entries.len() as u64)
        );
        let next = answer.json["page_info"]["next_marker"]
            .as_str()
            .map(str::to_string);
        let stop =
            entries.is_empty() || next.as_deref().is_none_or(str::is_empty) || next == marker;
        pages.push((entries, next.clone()));
        if stop {
            break;
        }
        marker = next;
    }
    pages
}

fn shape(pages: &[(Vec<Value>, Option<String>)]) -> Vec<(usize, Option<&str>)> {
    pages
        .iter()
        .map(|(entries, next)| (entries.len(), next.as_deref()))
        .collect()
}

#[tokio::test]
async fn er_pages_with_a_marker_even_on_the_last_page() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let (key, secret, project) = (DEMO_HUAWEI_ACCESS_KEY, HW_SECRET, DEMO_HUAWEI_PROJECT_ID);
    // hw-demo: seven entries, four a page, the last page pointing past the end.
    let pages = er_pages(&handle, key, secret, project, None, 50).await;
    assert_eq!(
        shape(&pages),
        [(4, Some("4")), (3, Some("7")), (0, Some("7"))]
    );
    assert_eq!(pages[0].0[0]["quota_key"], "er_instance");
    // A smaller `limit` wins; a larger one is cut to the page size.
    let pages = er_pages(&handle, key, secret, project, Some("3"), 50).await;
    assert_eq!(
        shape(&pages),
        [
            (3, Some("3")),
            (3, Some("6")),
            (1, Some("7")),
            (0, Some("7"))
        ]
    );
    let pages = er_pages(&handle, key, secret, project, Some("2000"), 50).await;
    assert_eq!(pages[0].0.len(), 4);

    // otc-demo: the last page repeats the marker it was asked with.
    let pages = er_pages(
        &handle,
        DEMO_OTC_ACCESS_KEY,
        OTC_SECRET,
        DEMO_OTC_PROJECT_ID,
        None,
        50,
    )
    .await;
    assert_eq!(shape(&pages), [(3, Some("3")), (2, Some("3"))]);
    assert_eq!(pages[1].0[0]["used"], 2, "static_route after route_table");

    let path = hw_path(project, "v3/{p}/enterprise-router/quotas");
    let get =
        |query: &'static [(&'static str, &'static str)]| hw_get(&handle, Service::Er, &path, query);
    let answer = get(&[("type", "vpc_attachment"), ("type", "route_table")]).await;
    let keys: Vec<&str> = answer.json["quotas"]
        .as_array()
        .map(|q| q.iter().filter_map(|e| e["quota_key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["vpc_attachment", "route_table"]);
    for (query, code) in [
        (&[("type", "teleporter")][..], "ER.04009009"),
        (&[("limit", "2001")][..], "ER.04009005"),
        (&[("limit", "-1")][..], "ER.04009005"),
        (&[("marker", "next-please")][..], "ER.04009005"),
    ] {
        let answer = get(query).await;
        assert_eq!(
            (answer.status, answer.json["error_code"].as_str()),
            (400, Some(code)),
            "{query:?}"
        );
    }
    let foreign = hw_path(DEMO_OTC_PROJECT_ID, "v3/{p}/enterprise-router/quotas");
    let answer = hw_get(&handle, Service::Er, &foreign, &[]).await;
    assert_eq!(answer.json["error_code"], "ER.04009005");
}

#[tokio::test]
async fn er_last_page_variants_and_endless_listings() {
    let mut cloud = FakeCloud::demo();
    let huawei = 1;
    let run = |cloud: &FakeCloud| cloud.clone().spawn().expect("spawn");
    let pages_of = |last: ErLastPage| {
        let mut cloud = cloud.clone();
        cloud.accounts[huawei].er_paging = ErPaging {
            page_size: 4,
            last_page: last,
        };
        cloud
    };
    let (key, secret, project) = (DEMO_HUAWEI_ACCESS_KEY, HW_SECRET, DEMO_HUAWEI_PROJECT_ID);

    let handle = run(&pages_of(ErLastPage::EmptyMarker));
    let pages = er_pages(&handle, key, secret, project, None, 50).await;
    assert_eq!(shape(&pages), [(4, Some("4")), (3, Some(""))]);

    let handle = run(&pages_of(ErLastPage::NoMarker));
    let pages = er_pages(&handle, key, secret, project, None, 50).await;
    assert_eq!(shape(&pages), [(4, Some("4")), (3, None)]);

    // Never ends: entries on every page and a new marker each time; only a cap stops it.
    let handle = run(&pages_of(ErLastPage::Endless));
    let pages = er_pages(&handle, key, secret, project, None, 60).await;
    assert_eq!(pages.len(), 60);
    assert!(pages.iter().all(|(entries, _)| entries.len() == 4));
    let mut markers: Vec<_> = pages.iter().map(|(_, next)| next.clone()).collect();
    markers.dedup();
    assert_eq!(markers.len(), 60, "every marker new");

    // Always the same marker: a client that compares markers stops after the second page.
    cloud.accounts[huawei].er_paging.last_page = ErLastPage::SameMarkerForever;
    let handle = run(&cloud);
    let pages = er_pages(&handle, key, secret, project, None, 50).await;
    assert_eq!(shape(&pages), [(4, Some("1")), (4, Some("1"))]);
}

#[tokio::test]
async fn nat_answers_either_documented_form() {
    let mut cloud = FakeCloud::demo();
    let path = hw_path(DEMO_HUAWEI_PROJECT_ID, "v2.0/{p}/nat_gateways/quotas");
    let handle = cloud.clone().start().await.expect("start");
    let answer = hw_get(&handle, Service::Nat, &path, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    let resources = answer.json["quotas"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        resources[0],
        json!({"type": "nat_gateway", "used": 2, "quota": 20, "min": 0})
    );
    assert_eq!(resources.len(), 3);
    let one = hw_get(&handle, Service::Nat, &path, &[("type", "nat_gateway")]).await;
    assert_eq!(
        one.json["quotas"]["resources"].as_array().map(Vec::len),
        Some(1)
    );
    let bad = hw_get(&handle, Service::Nat, &path, &[("type", "bogus")]).await;
    assert_eq!(
        (bad.status, bad.json["code"].as_str()),
        (400, Some("NAT.0002"))
    );
    let foreign = hw_path(DEMO_OTC_PROJECT_ID, "v2.0/{p}/nat_gateways/quotas");
    let answer = hw_get(&handle, Service::Nat, &foreign, &[]).await;
    assert_eq!(
        (answer.status, answer.json["code"].as_str()),
        (400, Some("VPC.0007"))
    );

    cloud.accounts[1].nat_shape = NatShape::Array;
    let handle = cloud.start().await.expect("start");
    let answer = hw_get(&handle, Service::Nat, &path, &[]).await;
    assert_eq!(answer.json["quotas"].as_array().map(Vec::len), Some(3));
    assert_eq!(answer.json["quotas"][0]["type"], "nat_gateway");
}

#[tokio::test]
async fn new_huawei_listeners_check_signatures_and_route_literally() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let p = DEMO_HUAWEI_PROJECT_ID;
    let routes = [
        (Service::Ecs, format!("/v1/{p}/cloudservers/limits")),
        (Service::Evs, format!("/v2/{p}/os-quota-sets/{p}")),
        (Service::Elb, format!("/v3/{p}/elb/quotas/details")),
        (Service::Er, format!("/v3/{p}/enterprise-router/quotas")),
        (Service::Nat, format!("/v2.0/{p}/nat_gateways/quotas")),
    ];
    for (service, path) in &routes {
        let base = handle.url(*service);
        let wrong = hw_request(&base, path, &[], DEMO_HUAWEI_ACCESS_KEY, "wrong", None);
        let answer = send(wrong).await;
        assert_eq!(
            (answer.status, answer.json["error_code"].as_str()),
            (401, Some("APIGW.0301")),
            "{service:?}"
        );
        // The right path on another service's listener is not routed.
        let elsewhere = if *service == Service::Ecs {
            Service::Evs
        } else {
            Service::Ecs
        };
        let answer = hw_get(&handle, elsewhere, path, &[]).await;
        assert_eq!(
            (answer.status, answer.json["error_code"].as_str()),
            (404, Some("APIGW.0101")),
            "{path} on {elsewhere:?}"
        );
        assert_eq!(hw_get(&handle, *service, path, &[]).await.status, 200);
    }
    let answer = hw_get(&handle, Service::Ecs, &format!("/v1/{p}/cloudservers"), &[]).await;
    assert_eq!(answer.status, 404);
    assert!(
        handle
            .requests()
            .iter()
            .filter(|r| r.signature_valid)
            .all(|r| r.access_key.as_deref() == Some(DEMO_HUAWEI_ACCESS_KEY))
    );
}

#[tokio::test]
async fn faults_apply_to_the_new_listeners() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let p = DEMO_HUAWEI_PROJECT_ID;
    let ecs = format!("/v1/{p}/cloudservers/limits");
    let evs = format!("/v2/{p}/os-quota-sets/{p}");
    let elb = format!("/v3/{p}/elb/quotas/details");
    let er = format!("/v3/{p}/enterprise-router/quotas");

    handle.add_fault(Fault::times(Service::Er, 1, FaultKind::Html502));
    let answer = hw_get(&handle, Service::Er, &er, &[]).await;
    assert_eq!(answer.status, 502);
    assert_eq!(hw_get(&handle, Service::Er, &er, &[]).await.status, 200);

    handle.add_fault(Fault::times(Service::Ecs, 1, FaultKind::CloseWithoutAnswer));
    let request = hw_request(
        &handle.url(Service::Ecs),
        &ecs,
        &[],
        DEMO_HUAWEI_ACCESS_KEY,
        HW_SECRET,
        None,
    );
    assert!(request.send().await.is_err());

    handle.add_fault(Fault::times(Service::Evs, 1, FaultKind::MalformedJson));
    let answer = hw_get(&handle, Service::Evs, &evs, &[("usage", "True")]).await;
    assert!(
        answer
            .json
            .as_str()
            .is_some_and(|text| text.starts_with(r#"{"quota_set""#))
    );

    handle.add_fault(Fault::times(Service::Elb, 1, FaultKind::HugeBody(200_000)));
    let answer = hw_get(&handle, Service::Elb, &elb, &[]).await;
    assert!(
        answer.json["quotas"]
            .as_array()
            .is_some_and(|q| q.len() > 1000)
    );

    // Throttling in ELB's own shape, as a test would inject it.
    let throttled = FaultKind::Respond {
        status: 429,
        headers: Vec::new(),
        body: json!({"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached"}).to_string(),
    };
    handle.add_fault(Fault::times(Service::Elb, 1, throttled).for_key(DEMO_HUAWEI_ACCESS_KEY));
    let answer = hw_get(&handle, Service::Elb, &elb, &[]).await;
    assert_eq!(
        (answer.status, header(&answer, "x-request-id").len()),
        (429, 32)
    );

    // Quota Center: a fault by action, then a truncated body.
    let busy = FaultKind::Respond {
        status: 400,
        headers: Vec::new(),
        body: json!({"Code": "Throttling.Api", "Message": "Request was denied due to api flow control."}).to_string(),
    };
    handle.add_fault(Fault::times(Service::Quotas, 1, busy).for_action("ListProductQuotas"));
    let answer = list_quotas(&handle, &[("ProductCode", "vpc")]).await;
    assert_eq!(code_of(&answer), (400, "Throttling.Api".into()));
    assert!(!header(&answer, "x-acs-request-id").is_empty());
    handle.add_fault(Fault::times(Service::Quotas, 1, FaultKind::TruncatedBody));
    let query = quota_query("ListProductQuotas", &[("ProductCode", "vpc")], ALI_SECRET);
    let response = client()
        .get(format!("{}/?{query}", handle.url(Service::Quotas)))
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(response.status(), 200);
    assert!(response.text().await.is_err());
}

#[test]
fn every_service_has_a_listener_and_a_name() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let mut names = Vec::new();
    for service in Service::ALL {
        assert!(
            handle.url(service).starts_with("http://127.0.0.1:"),
            "{service:?}"
        );
        names.push(service.name());
    }
    for name in ["quotas", "ecs", "evs", "elb", "er", "nat"] {
        assert!(names.contains(&name), "{name}");
    }
}
