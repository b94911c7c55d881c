//! End-to-end tests of role and agency assumption: Alibaba STS `AssumeRole` and Huawei/OTC IAM
//! `securitytokens` with `assume_role`, and the temporary credentials they issue, signed with
//! the project's signers like the rest.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

/// One set of credentials, temporary ones with their token.
#[derive(Clone)]
struct Creds {
    key: String,
    secret: String,
    token: Option<String>,
}

impl Creds {
    fn long_term(key: &str, secret: &str) -> Creds {
        Creds {
            key: key.to_string(),
            secret: secret.to_string(),
            token: None,
        }
    }

    fn ali_demo() -> Creds {
        Creds::long_term(DEMO_ALIBABA_ACCESS_KEY, ALI_SECRET)
    }

    fn hw_demo() -> Creds {
        Creds::long_term(DEMO_HUAWEI_ACCESS_KEY, HW_SECRET)
    }

    /// The credentials of a successful `AssumeRole` answer.
    fn from_sts(answer: &Answer) -> Creds {
        let credentials = &answer.json["Credentials"];
        let text = |field: &str| credentials[field].as_str().unwrap_or("").to_string();
        Creds {
            key: text("AccessKeyId"),
            secret: text("AccessKeySecret"),
            token: Some(text("SecurityToken")),
        }
    }

    /// The credentials of a successful `securitytokens` answer.
    fn from_agency(answer: &Answer) -> Creds {
        let credential = &answer.json["credential"];
        let text = |field: &str| credential[field].as_str().unwrap_or("").to_string();
        Creds {
            key: text("access"),
            secret: text("secret"),
            token: Some(text("securitytoken")),
        }
    }

    fn with_token(&self, token: Option<&str>) -> Creds {
        Creds {
            token: token.map(str::to_string),
            ..self.clone()
        }
    }
}

fn version(service: Service) -> &'static str {
    match service {
        Service::Quotas => "2020-05-10",
        Service::Sts => "2015-04-01",
        _ => "2018-03-13",
    }
}

/// A signed Alibaba RPC call: GET with every parameter in the query, or POST with the action's
/// parameters in a form body, as the STS libraries send them.
async fn ali(
    handle: &FakeHandle,
    service: Service,
    action: &str,
    creds: &Creds,
    extra: &[(&str, &str)],
    post: bool,
) -> Answer {
    let timestamp = ali::timestamp(jiff::Timestamp::now());
    let nonce = uuid::Uuid::new_v4().to_string();
    let ctx = ali::RpcContext {
        action,
        version: version(service),
        format: "JSON",
        access_key_id: &creds.key,
        region_id: "cn-shanghai",
        security_token: creds.token.as_deref(),
        timestamp: &timestamp,
        nonce: &nonce,
    };
    let base = handle.url(service);
    if !post {
        let query = ali::signed_query("GET", &ali::rpc_params(&ctx, &params(extra)), &creds.secret);
        return send(client().get(format!("{base}/?{query}"))).await;
    }
    let common = ali::rpc_params(&ctx, &[]);
    let form = params(extra);
    let everything: Vec<_> = common.iter().chain(form.iter()).cloned().collect();
    let signature = ali::signature(
        &creds.secret,
        &ali::string_to_sign("POST", &ali::canonicalized_query(&everything)),
    );
    let query = format!(
        "{}&Signature={}",
        ali::canonicalized_query(&common),
        crate::sign::percent_encode(&signature)
    );
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::sign::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = client()
        .post(format!("{base}/?{query}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    send(request).await
}

fn role_arn(account_id: &str, role: &str) -> String {
    format!("acs:ram::{account_id}:role/{role}")
}

/// `AssumeRole` as the libraries send it (POST, form body), session `headroom`.
async fn assume_role(
    handle: &FakeHandle,
    creds: &Creds,
    arn: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut all = vec![("RoleArn", arn), ("RoleSessionName", "headroom")];
    all.extend_from_slice(extra);
    ali(handle, Service::Sts, "AssumeRole", creds, &all, true).await
}

async fn ccn_limit(handle: &FakeHandle, creds: &Creds) -> Answer {
    ali(
        handle,
        Service::Smartag,
        "GetCloudConnectNetworkUseLimit",
        creds,
        &[],
        false,
    )
    .await
}

fn code_of(answer: &Answer) -> (u16, String) {
    (
        answer.status,
        answer.json["Code"].as_str().unwrap_or("").to_string(),
    )
}

/// A Huawei request signed with `creds`: `host`, `x-sdk-date`, and when present
/// `x-security-token` and `x-domain-id` are signed; a body goes as JSON, its content type
/// unsigned, as the SDKs do.
fn hw_signed(
    method: &str,
    base: &str,
    path: &str,
    body: &[u8],
    creds: &Creds,
    domain_id: Option<&str>,
) -> reqwest::RequestBuilder {
    let host = base.trim_start_matches("http://").to_string();
    let date = hw::sdk_date(jiff::Timestamp::now());
    let mut headers = vec![
        ("Host".to_string(), host),
        ("X-Sdk-Date".to_string(), date.clone()),
    ];
    if let Some(token) = &creds.token {
        headers.push(("X-Security-Token".to_string(), token.clone()));
    }
    if let Some(id) = domain_id {
        headers.push(("X-Domain-Id".to_string(), id.to_string()));
    }
    let request = hw::Request {
        method,
        path,
        query: &[],
        headers: &headers,
        body,
    };
    let signed = hw::sign(&request, &date, &creds.key, &creds.secret);
    let url = format!("{base}{path}");
    let mut builder = match method {
        "POST" => client().post(url).body(body.to_vec()),
        _ => client().get(url),
    }
    .header("Authorization", signed.authorization);
    if !body.is_empty() {
        builder = builder.header("Content-Type", "application/json;charset=UTF-8");
    }
    for (name, value) in headers.iter().filter(|(name, _)| name != "Host") {
        builder = builder.header(name, value);
    }
    builder
}

const SECURITYTOKENS: &str = "/v3.0/OS-CREDENTIAL/securitytokens";

fn agency_body(assume_role: Value) -> Vec<u8> {
    json!({"auth": {"identity": {"methods": ["assume_role"], "assume_role": assume_role}}})
        .to_string()
        .into_bytes()
}

async fn assume_agency(
    handle: &FakeHandle,
    creds: &Creds,
    assume_role: Value,
    domain_id: Option<&str>,
) -> Answer {
    let base = handle.url(Service::Iam);
    let body = agency_body(assume_role);
    send(hw_signed(
        "POST",
        &base,
        SECURITYTOKENS,
        &body,
        creds,
        domain_id,
    ))
    .await
}

fn team_b_vpc() -> String {
    format!("/v1/{DEMO_TEAM_B_PROJECT_ID}/quotas")
}

async fn vpc_quotas(handle: &FakeHandle, creds: &Creds, path: &str) -> Answer {
    send(hw_signed(
        "GET",
        &handle.url(Service::Vpc),
        path,
        b"",
        creds,
        None,
    ))
    .await
}

fn quota_of(answer: &Answer, kind: &str) -> Option<(i64, i64)> {
    answer.json["quotas"]["resources"]
        .as_array()?
        .iter()
        .find(|entry| entry["type"] == kind)
        .map(|entry| {
            (
                entry["used"].as_i64().unwrap_or(-99),
                entry["quota"].as_i64().unwrap_or(-99),
            )
        })
}

fn seconds_from_now(at: jiff::Timestamp) -> i64 {
    (at - jiff::Timestamp::now())
        .total(jiff::Unit::Second)
        .map_or(i64::MIN, |s| s.round() as i64)
}

#[tokio::test]
async fn assume_role_issues_keys_that_act_as_the_role_account_with_their_token() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let shop_arn = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, DEMO_READER_ROLE);
    let answer = assume_role(
        &handle,
        &Creds::ali_demo(),
        &shop_arn,
        &[("DurationSeconds", "900")],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.json);
    assert_eq!(
        answer.json["RequestId"].as_str(),
        Some(header(&answer, "x-acs-request-id").as_str())
    );
    let user = &answer.json["AssumedRoleUser"];
    assert_eq!(
        user["Arn"].as_str(),
        Some(format!("{shop_arn}/headroom").as_str())
    );
    let role_id = user["AssumedRoleId"].as_str().unwrap_or("");
    assert!(
        role_id.ends_with(":headroom") && role_id.len() == 27,
        "{role_id}"
    );
    let shop = Creds::from_sts(&answer);
    assert!(
        shop.key.starts_with("STS.") && shop.key.len() == 33,
        "{}",
        shop.key
    );
    assert!(shop.secret.len() >= 30);
    let token = shop.token.clone().unwrap_or_default();
    assert!(
        token.starts_with("CAIS") && token.len() > 500,
        "{}",
        token.len()
    );
    let expiration = answer.json["Credentials"]["Expiration"]
        .as_str()
        .unwrap_or("");
    assert_eq!(expiration.len(), 20, "{expiration}");
    let expires: jiff::Timestamp = expiration.parse().expect("an RFC 3339 time");
    assert!(
        (895..=901).contains(&seconds_from_now(expires)),
        "{expiration}"
    );

    // The temporary key sees `shop`, on Smartag and on Quota Center, with its token only.
    let limit = ccn_limit(&handle, &shop).await;
    assert_eq!(limit.status, 200, "{}", limit.json);
    assert_eq!(
        (
            limit.json["UsedAmount"].as_u64(),
            limit.json["TotalAmount"].as_u64()
        ),
        (Some(2), Some(5))
    );
    let eips = ali(
        &handle,
        Service::Quotas,
        "ListProductQuotas",
        &shop,
        &[("ProductCode", "eip")],
        false,
    )
    .await;
    assert_eq!(eips.status, 200, "{}", eips.json);
    assert_eq!(eips.json["Quotas"][0]["TotalUsage"], 18);
    assert!(
        eips.json["Quotas"][0]["QuotaArn"]
            .as_str()
            .is_some_and(|arn| arn.contains(DEMO_ALIBABA_SHOP_ACCOUNT_ID))
    );
    let without = ccn_limit(&handle, &shop.with_token(None)).await;
    assert_eq!(code_of(&without), (400, "MissingSecurityToken".into()));
    let other = ccn_limit(&handle, &shop.with_token(Some("CAISanotherToken"))).await;
    assert_eq!(
        code_of(&other),
        (400, "InvalidSecurityToken.MismatchWithAccessKey".into())
    );
    let unsigned = Creds {
        secret: "not-the-secret".into(),
        ..shop.clone()
    };
    let mismatch = ccn_limit(&handle, &unsigned).await;
    assert_eq!(code_of(&mismatch), (400, "SignatureDoesNotMatch".into()));
    // The echoed string to sign masks the token, `+` and `/` (encoded twice) included.
    let message = mismatch.json["Message"].as_str().unwrap_or("");
    assert!(message.contains("SecurityToken%3D***"), "{message}");
    // Nothing of the secret or the token leaks into an answer.
    assert!(!without.json.to_string().contains(&token[..40]));

    // GET with every parameter in the query works too.
    let data_arn = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, DEMO_READER_ROLE);
    let by_get = ali(
        &handle,
        Service::Sts,
        "AssumeRole",
        &Creds::ali_demo(),
        &[("RoleArn", &data_arn), ("RoleSessionName", "fleet@scan")],
        false,
    )
    .await;
    assert_eq!(by_get.status, 200, "{}", by_get.json);
    let data = Creds::from_sts(&by_get);
    let limit = ccn_limit(&handle, &data).await;
    assert_eq!(limit.json["UsedAmount"], 1, "{}", limit.json);
    // The default duration is an hour.
    let issued = handle.issued_credentials();
    assert_eq!(issued.len(), 2);
    assert!((3595..=3601).contains(&seconds_from_now(issued[1].expires_at)));
    assert_eq!(issued[0].access_key, shop.key);
    assert_eq!(issued[0].kind, AccountKind::Alibaba);
    assert_eq!(issued[0].target_access_key, DEMO_ALIBABA_SHOP_ACCESS_KEY);
    assert_eq!(issued[0].caller_access_key, DEMO_ALIBABA_ACCESS_KEY);
    assert_eq!(issued[0].assumed, shop_arn);
    assert_eq!(issued[1].target_access_key, DEMO_ALIBABA_DATA_ACCESS_KEY);
    assert!(!format!("{issued:?}").contains(&token[..40]));

    // Every request was signed right, temporary ones included, and the hooks count the calls.
    let recorded = handle.requests();
    let bad: Vec<_> = recorded
        .iter()
        .filter(|r| !r.signature_valid && r.access_key.as_deref() != Some(shop.key.as_str()))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert!(
        recorded
            .iter()
            .filter(|r| r.service == Service::Quotas)
            .all(|r| r.signature_valid && r.access_key.as_deref() == Some(shop.key.as_str()))
    );
    assert_eq!(handle.assume_calls(DEMO_ALIBABA_ACCESS_KEY), 2);
    assert_eq!(handle.busiest_assume_second(DEMO_ALIBABA_ACCESS_KEY), 2);
    assert_eq!(handle.assume_calls(&shop.key), 0);
    let sts = recorded
        .iter()
        .find(|r| r.service == Service::Sts)
        .expect("an STS request");
    assert_eq!(sts.action.as_deref(), Some("AssumeRole"));
    assert!(sts.body.contains("RoleArn="), "{}", sts.body);
}

/// The demo world plus a role in `data` that trusts `shop` (a second hop), and one that wants
/// an external id.
fn chain_world() -> FakeCloud {
    let mut cloud = FakeCloud::demo();
    let data = cloud
        .accounts
        .iter_mut()
        .find(|a| a.access_key == DEMO_ALIBABA_DATA_ACCESS_KEY)
        .expect("the data account");
    data.roles
        .push(Role::new("chain-reader", &[DEMO_ALIBABA_SHOP_ACCOUNT_ID]));
    data.roles.push(
        Role::new("partner-reader", &[DEMO_ALIBABA_ACCOUNT_ID])
            .with_external_id("abc-123:ext")
            .with_max_session(7200),
    );
    cloud
}

#[tokio::test]
async fn temporary_keys_assume_the_next_role_of_a_chain() {
    let handle = chain_world().start().await.expect("start");
    let shop_arn = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, DEMO_READER_ROLE);
    let first = assume_role(&handle, &Creds::ali_demo(), &shop_arn, &[]).await;
    let shop = Creds::from_sts(&first);
    let chain_arn = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, "chain-reader");

    // The hop is signed with the temporary key, which needs its token there too.
    let without = assume_role(&handle, &shop.with_token(None), &chain_arn, &[]).await;
    assert_eq!(code_of(&without), (400, "MissingSecurityToken".into()));
    let second = assume_role(&handle, &shop, &chain_arn, &[]).await;
    assert_eq!(second.status, 200, "{}", second.json);
    let data = Creds::from_sts(&second);
    assert_ne!(data.key, shop.key);
    let limit = ccn_limit(&handle, &data).await;
    assert_eq!(limit.json["TotalAmount"], 10, "{}", limit.json);
    // The first hop's key still sees `shop`.
    assert_eq!(ccn_limit(&handle, &shop).await.json["TotalAmount"], 5);

    // `data`'s reader role trusts the base account only, not `shop`.
    let reader = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, DEMO_READER_ROLE);
    let refused = assume_role(&handle, &shop, &reader, &[]).await;
    assert_eq!(code_of(&refused), (403, "NoPermission".into()));

    let issued = handle.issued_credentials();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[1].caller_access_key, shop.key);
    assert_eq!(issued[1].target_access_key, DEMO_ALIBABA_DATA_ACCESS_KEY);
    assert_eq!(handle.assume_calls(&shop.key), 3);
}

/// The action parameters of one call.
type Parameters<'a> = Vec<(&'a str, &'a str)>;

#[tokio::test]
async fn assume_role_refusals_use_the_documented_codes() {
    let handle = chain_world().start().await.expect("start");
    let base = Creds::ali_demo();
    let shop_arn = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, DEMO_READER_ROLE);
    let partner = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, "partner-reader");
    let unknown_account = role_arn("1999999999999999", DEMO_READER_ROLE);
    let unknown_role = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, "no-such-role");
    let cases: Vec<(Parameters<'_>, u16, &str)> = vec![
        (
            vec![
                ("RoleArn", "acs:ram::{account}:role/headroom-reader"),
                ("RoleSessionName", "headroom"),
            ],
            400,
            "InvalidParameter.RoleArn",
        ),
        (
            vec![
                ("RoleArn", "arn:aws:iam::123456789012:role/x"),
                ("RoleSessionName", "headroom"),
            ],
            400,
            "InvalidParameter.RoleArn",
        ),
        (vec![("RoleSessionName", "headroom")], 400, "MissingRoleArn"),
        (vec![("RoleArn", &shop_arn)], 400, "MissingRoleSessionName"),
        (
            vec![("RoleArn", &shop_arn), ("RoleSessionName", "h")],
            400,
            "InvalidParameter.RoleSessionName",
        ),
        (
            vec![("RoleArn", &shop_arn), ("RoleSessionName", "head room")],
            400,
            "InvalidParameter.RoleSessionName",
        ),
        (
            vec![
                ("RoleArn", &shop_arn),
                ("RoleSessionName", "headroom"),
                ("DurationSeconds", "899"),
            ],
            400,
            "InvalidParameter.DurationSeconds",
        ),
        (
            vec![
                ("RoleArn", &shop_arn),
                ("RoleSessionName", "headroom"),
                ("DurationSeconds", "15m"),
            ],
            400,
            "InvalidParameter.DurationSeconds",
        ),
        // Above the role's MaxSessionDuration (the default hour).
        (
            vec![
                ("RoleArn", &shop_arn),
                ("RoleSessionName", "headroom"),
                ("DurationSeconds", "3601"),
            ],
            400,
            "InvalidParameter.DurationSeconds",
        ),
        (
            vec![
                ("RoleArn", &shop_arn),
                ("RoleSessionName", "headroom"),
                ("ExternalId", "a b"),
            ],
            400,
            "InvalidParameter.ExternalId",
        ),
        (
            vec![
                ("RoleArn", &unknown_account),
                ("RoleSessionName", "headroom"),
            ],
            404,
            "EntityNotExist.Role",
        ),
        (
            vec![("RoleArn", &unknown_role), ("RoleSessionName", "headroom")],
            404,
            "EntityNotExist.Role",
        ),
        (
            vec![("RoleArn", &partner), ("RoleSessionName", "headroom")],
            403,
            "NoPermission",
        ),
        (
            vec![
                ("RoleArn", &partner),
                ("RoleSessionName", "headroom"),
                ("ExternalId", "abc-124:ext"),
            ],
            403,
            "NoPermission",
        ),
    ];
    for (parameters, status, code) in &cases {
        let answer = ali(&handle, Service::Sts, "AssumeRole", &base, parameters, true).await;
        assert_eq!(
            code_of(&answer),
            (*status, code.to_string()),
            "{parameters:?}"
        );
        for field in ["RequestId", "HostId", "Message", "Recommend"] {
            assert!(answer.json[field].is_string(), "{field}: {}", answer.json);
        }
        assert_eq!(answer.json["HostId"], "sts.aliyuncs.com");
    }
    assert!(handle.issued_credentials().is_empty());

    // A key of an account the role does not trust.
    let shop_key = Creds::long_term(
        DEMO_ALIBABA_SHOP_ACCESS_KEY,
        "DemoSecretAlibabaShopNotARealKey",
    );
    let reader = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, DEMO_READER_ROLE);
    let refused = assume_role(&handle, &shop_key, &reader, &[]).await;
    assert_eq!(code_of(&refused), (403, "NoPermission".into()));
    assert_eq!(
        refused.json["Message"],
        "You are not authorized to do this action. You should be authorized by RAM."
    );

    // The right external id, and a role whose limit allows two hours; the role name is matched
    // without case.
    let upper = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, "Partner-Reader");
    let granted = assume_role(
        &handle,
        &base,
        &upper,
        &[("ExternalId", "abc-123:ext"), ("DurationSeconds", "7200")],
    )
    .await;
    assert_eq!(granted.status, 200, "{}", granted.json);
    let expires = handle.issued_credentials()[0].expires_at;
    assert!((7195..=7201).contains(&seconds_from_now(expires)));
    // An external id sent to a role that wants none is ignored.
    let extra = assume_role(&handle, &base, &shop_arn, &[("ExternalId", "unused-id")]).await;
    assert_eq!(extra.status, 200, "{}", extra.json);

    // A body STS cannot read, and an action it does not have.
    let ctx_answer = send(
        client()
            .post(format!("{}/?Action=AssumeRole", handle.url(Service::Sts)))
            .header("Content-Type", "text/plain")
            .body("RoleArn=x"),
    )
    .await;
    assert_eq!(
        code_of(&ctx_answer),
        (400, "InvalidParameter.ContentType".into())
    );
    let other = ali(
        &handle,
        Service::Sts,
        "GetCallerIdentityX",
        &base,
        &[],
        false,
    )
    .await;
    assert_eq!(code_of(&other), (404, "InvalidAction.NotFound".into()));
    let version = ali(
        &handle,
        Service::Smartag,
        "AssumeRole",
        &base,
        &[("RoleArn", &shop_arn), ("RoleSessionName", "headroom")],
        false,
    )
    .await;
    assert_eq!(code_of(&version), (404, "InvalidAction.NotFound".into()));
}

#[tokio::test]
async fn alibaba_temporary_keys_stop_at_expiry() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let base = Creds::ali_demo();
    let shop_arn = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, DEMO_READER_ROLE);
    let data_arn = role_arn(DEMO_ALIBABA_DATA_ACCOUNT_ID, DEMO_READER_ROLE);
    let shop = Creds::from_sts(&assume_role(&handle, &base, &shop_arn, &[]).await);
    let data = Creds::from_sts(&assume_role(&handle, &base, &data_arn, &[]).await);
    assert_eq!(ccn_limit(&handle, &shop).await.status, 200);

    assert!(handle.expire_credential(&shop.key));
    assert!(!handle.expire_credential("STS.NoSuchKey"));
    let expired = ccn_limit(&handle, &shop).await;
    assert_eq!(
        code_of(&expired),
        (400, "InvalidSecurityToken.Expired".into())
    );
    assert_eq!(
        expired.json["Message"],
        "Specified SecurityToken is expired."
    );
    // Expired on STS too, so a chain cannot go on with it.
    let hop = assume_role(&handle, &shop, &data_arn, &[]).await;
    assert_eq!(code_of(&hop), (400, "InvalidSecurityToken.Expired".into()));
    assert!(handle.issued_credentials()[0].expires_at <= jiff::Timestamp::now());
    // The other one still works, until everything expires; a fresh one works again.
    assert_eq!(ccn_limit(&handle, &data).await.status, 200);
    handle.expire_credentials();
    assert_eq!(
        code_of(&ccn_limit(&handle, &data).await).1,
        "InvalidSecurityToken.Expired"
    );
    let fresh = Creds::from_sts(&assume_role(&handle, &base, &shop_arn, &[]).await);
    assert_eq!(ccn_limit(&handle, &fresh).await.status, 200);
}

#[tokio::test]
async fn assume_role_throttles_the_101st_call_of_an_account_in_a_second() {
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let arn = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, DEMO_READER_ROLE);
    let mut tasks = Vec::new();
    for _ in 0..101 {
        let handle = handle.clone();
        let arn = arn.clone();
        tasks.push(tokio::spawn(async move {
            code_of(&assume_role(&handle, &Creds::ali_demo(), &arn, &[]).await)
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("a task"));
    }
    let mut times: Vec<_> = handle.requests().iter().map(|r| r.received_at).collect();
    times.sort();
    let span = times[100] - times[0];
    assert!(span < Duration::from_secs(1), "sent too slowly: {span:?}");
    let granted = answers.iter().filter(|(status, _)| *status == 200).count();
    let throttled: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert_eq!(granted, 100);
    assert_eq!(throttled, vec![&(400, "Throttling.User".to_string())]);
    assert_eq!(handle.issued_credentials().len(), 100);
    assert_eq!(handle.busiest_assume_second(DEMO_ALIBABA_ACCESS_KEY), 101);
    assert_eq!(handle.assume_calls(DEMO_ALIBABA_ACCESS_KEY), 101);

    // The limit is the account's: another account is not throttled (only refused, untrusted).
    let shop_key = Creds::long_term(
        DEMO_ALIBABA_SHOP_ACCESS_KEY,
        "DemoSecretAlibabaShopNotARealKey",
    );
    let other = assume_role(&handle, &shop_key, &arn, &[]).await;
    assert_eq!(code_of(&other), (403, "NoPermission".into()));
    // A second after the first call there is room again.
    let wait = (times[0] + Duration::from_millis(1050))
        .saturating_duration_since(std::time::Instant::now());
    tokio::time::sleep(wait).await;
    let again = assume_role(&handle, &Creds::ali_demo(), &arn, &[]).await;
    assert_eq!(again.status, 200, "{}", again.json);
}

#[tokio::test]
async fn faults_apply_to_assume_role_and_securitytokens() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let busy = FaultKind::Respond {
        status: 400,
        headers: Vec::new(),
        body: json!({
            "RequestId": "X",
            "Code": "Throttling.User",
            "Message": "Request was denied due to user flow control.",
        })
        .to_string(),
    };
    handle.add_fault(Fault::times(Service::Sts, 1, busy).for_action("AssumeRole"));
    let arn = role_arn(DEMO_ALIBABA_SHOP_ACCOUNT_ID, DEMO_READER_ROLE);
    let answer = assume_role(&handle, &Creds::ali_demo(), &arn, &[]).await;
    assert_eq!(code_of(&answer), (400, "Throttling.User".into()));
    assert!(!header(&answer, "x-acs-request-id").is_empty());
    assert!(handle.issued_credentials().is_empty());
    handle.add_fault(Fault::times(Service::Sts, 1, FaultKind::MalformedJson));
    let answer = assume_role(&handle, &Creds::ali_demo(), &arn, &[]).await;
    assert!(
        answer
            .json
            .as_str()
            .is_some_and(|s| s.contains("\"Credentials\"")),
        "{}",
        answer.json
    );
    assert_eq!(
        assume_role(&handle, &Creds::ali_demo(), &arn, &[])
            .await
            .status,
        200
    );

    // On IAM the fault can single out the agency call: project lookups go on.
    let throttled = FaultKind::Respond {
        status: 429,
        headers: Vec::new(),
        body: r#"{"error_msg":"The request is too frequent.","error_code":"IAM.0012"}"#.into(),
    };
    handle.add_fault(
        Fault::always(Service::Iam, throttled).for_action("CreateTemporaryAccessKeyByAgency"),
    );
    let agency = json!({"domain_name": DEMO_TEAM_B_DOMAIN_NAME, "agency_name": DEMO_READER_ROLE});
    let answer = assume_agency(&handle, &Creds::hw_demo(), agency.clone(), None).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (429, Some("IAM.0012"))
    );
    let projects = hw_request(
        &handle.url(Service::Iam),
        "/v3/projects",
        &[("name", "cn-north-4")],
        DEMO_HUAWEI_ACCESS_KEY,
        HW_SECRET,
        None,
    );
    assert_eq!(send(projects).await.status, 200);
    handle.clear_faults();
    handle.add_fault(Fault::times(Service::Iam, 1, FaultKind::HugeBody(50_000)));
    let answer = assume_agency(&handle, &Creds::hw_demo(), agency, None).await;
    let token = answer.json["credential"]["securitytoken"]
        .as_str()
        .unwrap_or("");
    assert!(token.len() > 40_000, "{}", answer.json);
}

#[tokio::test]
async fn agency_issues_keys_that_act_as_the_agency_account_with_their_signed_token() {
    let handle = FakeCloud::demo().start().await.expect("start");
    let base = Creds::hw_demo();
    let by_name = json!({
        "domain_name": DEMO_TEAM_B_DOMAIN_NAME,
        "agency_name": DEMO_READER_ROLE,
        "duration_seconds": 3600,
    });
    let answer = assume_agency(&handle, &base, by_name, Some(DEMO_HUAWEI_DOMAIN_ID)).await;
    assert_eq!(answer.status, 201, "{}", answer.json);
    assert_eq!(header(&answer, "x-request-id").len(), 32);
    let team_b = Creds::from_agency(&answer);
    assert_eq!(team_b.key.len(), 20, "{}", team_b.key);
    assert_eq!(team_b.secret.len(), 40);
    let token = team_b.token.clone().unwrap_or_default();
    assert!(token.len() > 1000, "{}", token.len());
    let expires_at = answer.json["credential"]["expires_at"]
        .as_str()
        .unwrap_or("");
    // `2026-08-25T10:00:00.231000Z`: microseconds and `Z`.
    assert_eq!(expires_at.len(), 27, "{expires_at}");
    assert!(expires_at.ends_with("000Z") && expires_at.as_bytes()[19] == b'.');
    let expires: jiff::Timestamp = expires_at.parse().expect("an RFC 3339 time");
    assert!((3595..=3601).contains(&seconds_from_now(expires)));

    // The temporary key sees team-b's project, with its signed token only.
    let vpc = vpc_quotas(&handle, &team_b, &team_b_vpc()).await;
    assert_eq!(vpc.status, 200, "{}", vpc.json);
    assert_eq!(quota_of(&vpc, "publicIp"), Some((9, 10)));
    let base_project = format!("/v1/{DEMO_HUAWEI_PROJECT_ID}/quotas");
    let foreign = vpc_quotas(&handle, &team_b, &base_project).await;
    assert_eq!(
        (foreign.status, foreign.json["code"].as_str()),
        (400, Some("VPC.0007"))
    );
    let without = vpc_quotas(&handle, &team_b.with_token(None), &team_b_vpc()).await;
    assert_eq!(
        (without.status, without.json["error_code"].as_str()),
        (401, Some("APIGW.0301"))
    );
    let other = vpc_quotas(
        &handle,
        &team_b.with_token(Some("gQanotherToken")),
        &team_b_vpc(),
    )
    .await;
    assert_eq!(other.status, 401);
    // The token sent but left out of the signature.
    let unsigned = hw_signed(
        "GET",
        &handle.url(Service::Vpc),
        &team_b_vpc(),
        b"",
        &team_b.with_token(None),
        None,
    )
    .header("X-Security-Token", &token);
    assert_eq!(send(unsigned).await.status, 401);
    assert!(!without.json.to_string().contains(&token[..40]));
    let ecs = send(hw_signed(
        "GET",
        &handle.url(Service::Ecs),
        &format!("/v1/{DEMO_TEAM_B_PROJECT_ID}/cloudservers/limits"),
        b"",
        &team_b,
        None,
    ))
    .await;
    assert_eq!(ecs.json["absolute"]["totalCoresUsed"], 96, "{}", ecs.json);

    // IAM answers the new account's project, and its domain id.
    let projects = send(hw_signed(
        "GET",
        &handle.url(Service::Iam),
        "/v3/projects",
        b"",
        &team_b,
        Some(DEMO_TEAM_B_DOMAIN_ID),
    ))
    .await;
    assert_eq!(projects.status, 200, "{}", projects.json);
    let project = &projects.json["projects"][0];
    assert_eq!(project["id"], DEMO_TEAM_B_PROJECT_ID);
    assert_eq!(project["name"], DEMO_TEAM_B_REGION);
    assert_eq!(project["domain_id"], DEMO_TEAM_B_DOMAIN_ID);

    // By domain id, without `X-Domain-Id`, with the default duration (15 minutes).
    let by_id = json!({"domain_id": DEMO_TEAM_B_DOMAIN_ID, "agency_name": DEMO_READER_ROLE});
    let answer = assume_agency(&handle, &base, by_id, None).await;
    assert_eq!(answer.status, 201, "{}", answer.json);
    let second = Creds::from_agency(&answer);
    assert_eq!(
        vpc_quotas(&handle, &second, &team_b_vpc()).await.status,
        200
    );

    let issued = handle.issued_credentials();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0].kind, AccountKind::Huawei);
    assert_eq!(issued[0].access_key, team_b.key);
    assert_eq!(issued[0].target_access_key, DEMO_TEAM_B_ACCESS_KEY);
    assert_eq!(issued[0].caller_access_key, DEMO_HUAWEI_ACCESS_KEY);
    assert_eq!(issued[0].assumed, "team-b/headroom-reader");
    assert!((895..=901).contains(&seconds_from_now(issued[1].expires_at)));
    // A Huawei temporary key means nothing to Alibaba.
    let stray = ccn_limit(&handle, &team_b).await;
    assert_eq!(code_of(&stray).1, "InvalidAccessKeyId.NotFound");

    let recorded = handle.requests();
    let calls: Vec<_> = recorded
        .iter()
        .filter(|r| r.action.as_deref() == Some("CreateTemporaryAccessKeyByAgency"))
        .collect();
    assert_eq!(calls.len(), 2);
    assert!(
        calls
            .iter()
            .all(|r| r.signature_valid && r.method == "POST")
    );
    assert_eq!(handle.assume_calls(DEMO_HUAWEI_ACCESS_KEY), 2);
    assert_eq!(handle.busiest_assume_second(DEMO_HUAWEI_ACCESS_KEY), 2);
    assert!(
        recorded
            .iter()
            .filter(|r| r.access_key.as_deref() == Some(team_b.key.as_str()))
            .filter(|r| r.service == Service::Ecs || r.service == Service::Iam)
            .all(|r| r.signature_valid)
    );
}

/// The demo world plus `team-c`, whose agency trusts `team-b` (a second hop).
fn agency_chain_world() -> FakeCloud {
    let mut cloud = FakeCloud::demo();
    let mut team_c = Account::huawei("DEMOTEAMCACCESSKEY01", "team-c-secret");
    team_c.domain_name = "team-c".into();
    team_c.agencies = vec![Agency::new("hop", &[DEMO_TEAM_B_DOMAIN_ID]).with_max_duration(3600)];
    team_c.projects = vec![(
        "cn-north-4".into(),
        "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0".into(),
    )];
    cloud.accounts.push(team_c);
    cloud
}

#[tokio::test]
async fn agency_refusals_and_chains() {
    let handle = agency_chain_world().start().await.expect("start");
    let base = Creds::hw_demo();
    let invalid = json!({"error_msg": "Request body is invalid.", "error_code": "IAM.0011"});
    let ok = json!({"domain_name": DEMO_TEAM_B_DOMAIN_NAME, "agency_name": DEMO_READER_ROLE});
    let bad_bodies: Vec<Vec<u8>> = vec![
        b"not json".to_vec(),
        b"".to_vec(),
        json!({"auth": {"identity": {"methods": ["token"], "assume_role": ok}}})
            .to_string()
            .into_bytes(),
        json!({"auth": {"identity": {"methods": ["assume_role", "token"], "assume_role": ok}}})
            .to_string()
            .into_bytes(),
        json!({"auth": {"identity": {"methods": ["assume_role"]}}})
            .to_string()
            .into_bytes(),
        agency_body(json!({"domain_name": DEMO_TEAM_B_DOMAIN_NAME})),
        agency_body(json!({"agency_name": DEMO_READER_ROLE})),
        agency_body(json!({"domain_name": "", "agency_name": DEMO_READER_ROLE})),
        agency_body(json!({"domain_name": 7, "agency_name": DEMO_READER_ROLE})),
        agency_body(
            json!({"domain_name": "team-b", "agency_name": DEMO_READER_ROLE, "duration_seconds": 899}),
        ),
        agency_body(
            json!({"domain_name": "team-b", "agency_name": DEMO_READER_ROLE, "duration_seconds": 86401}),
        ),
        agency_body(
            json!({"domain_name": "team-b", "agency_name": DEMO_READER_ROLE, "duration_seconds": "1h"}),
        ),
    ];
    for body in &bad_bodies {
        let request = hw_signed(
            "POST",
            &handle.url(Service::Iam),
            SECURITYTOKENS,
            body,
            &base,
            None,
        );
        let answer = send(request).await;
        assert_eq!(
            (answer.status, &answer.json),
            (400, &invalid),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // A numeric string is taken as a number.
    let text = json!({"domain_name": "team-b", "agency_name": DEMO_READER_ROLE, "duration_seconds": "1800"});
    assert_eq!(assume_agency(&handle, &base, text, None).await.status, 201);

    let cases = [
        (
            json!({"domain_name": "team-z", "agency_name": DEMO_READER_ROLE}),
            404,
            "IAM.0004",
        ),
        (
            json!({"domain_id": "00000000000000000000000000000000", "agency_name": DEMO_READER_ROLE}),
            404,
            "IAM.0004",
        ),
        // Both named, but two different accounts.
        (
            json!({"domain_name": "team-b", "domain_id": DEMO_HUAWEI_DOMAIN_ID, "agency_name": DEMO_READER_ROLE}),
            404,
            "IAM.0004",
        ),
        (
            json!({"domain_name": "team-b", "agency_name": "no-such-agency"}),
            404,
            "IAM.0004",
        ),
        // team-c's agency trusts team-b, not the base account.
        (
            json!({"domain_name": "team-c", "agency_name": "hop"}),
            403,
            "IAM.0003",
        ),
    ];
    for (assume, status, code) in &cases {
        let answer = assume_agency(&handle, &base, assume.clone(), None).await;
        assert_eq!(
            (answer.status, answer.json["error_code"].as_str()),
            (*status, Some(*code)),
            "{assume}: {}",
            answer.json
        );
        assert!(answer.json["error_msg"].is_string());
    }
    // Longer than the agency grants, for a caller it trusts.
    let answer = send(hw_signed(
        "POST",
        &handle.url(Service::Iam),
        SECURITYTOKENS,
        &agency_body(json!({"domain_name": "team-b", "agency_name": DEMO_READER_ROLE})),
        &base,
        None,
    ))
    .await;
    let team_b = Creds::from_agency(&answer);
    let long = json!({"domain_name": "team-c", "agency_name": "hop", "duration_seconds": 7200});
    let answer = assume_agency(&handle, &team_b, long, None).await;
    assert_eq!((answer.status, &answer.json), (400, &invalid));
    // An account the agency does not trust, even with the right domain.
    let otc = Creds::long_term(DEMO_OTC_ACCESS_KEY, OTC_SECRET);
    let answer = assume_agency(&handle, &otc, ok.clone(), None).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (403, Some("IAM.0003"))
    );
    // `X-Domain-Id` naming another account than the key's.
    let answer = assume_agency(&handle, &base, ok.clone(), Some(DEMO_TEAM_B_DOMAIN_ID)).await;
    assert_eq!(
        (answer.status, answer.json["error_code"].as_str()),
        (401, Some("APIGW.0301"))
    );
    // The route is POST only.
    let get = send(hw_signed(
        "GET",
        &handle.url(Service::Iam),
        SECURITYTOKENS,
        b"",
        &base,
        None,
    ))
    .await;
    assert_eq!(get.status, 404);
    assert_eq!(handle.issued_credentials().len(), 2);

    // The chain: team-b's temporary key (its token signed, team-b's id in `X-Domain-Id`)
    // assumes team-c's agency.
    let hop = json!({"domain_name": "team-c", "agency_name": "hop", "duration_seconds": 3600});
    let without = assume_agency(&handle, &team_b.with_token(None), hop.clone(), None).await;
    assert_eq!(without.status, 401);
    let answer = assume_agency(&handle, &team_b, hop.clone(), Some(DEMO_TEAM_B_DOMAIN_ID)).await;
    assert_eq!(answer.status, 201, "{}", answer.json);
    let team_c = Creds::from_agency(&answer);
    let vpc = vpc_quotas(
        &handle,
        &team_c,
        "/v1/c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0/quotas",
    )
    .await;
    assert_eq!(vpc.status, 200, "{}", vpc.json);
    let issued = handle.issued_credentials();
    assert_eq!(
        issued.last().map(|i| i.caller_access_key.clone()),
        Some(team_b.key.clone())
    );
    assert_eq!(
        issued.last().map(|i| i.target_access_key.clone()),
        Some("DEMOTEAMCACCESSKEY01".to_string())
    );

    // Expiry: the gateway refuses the key, on every listener, IAM included.
    assert!(handle.expire_credential(&team_b.key));
    let expired = vpc_quotas(&handle, &team_b, &team_b_vpc()).await;
    assert_eq!(
        (expired.status, expired.json["error_code"].as_str()),
        (401, Some("APIGW.0301"))
    );
    let again = assume_agency(&handle, &team_b, hop, None).await;
    assert_eq!(again.status, 401);
    assert_eq!(
        vpc_quotas(
            &handle,
            &team_c,
            "/v1/c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0/quotas"
        )
        .await
        .status,
        200
    );
    handle.expire_credentials();
    assert_eq!(
        vpc_quotas(
            &handle,
            &team_c,
            "/v1/c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0/quotas"
        )
        .await
        .status,
        401
    );
}

#[test]
fn the_demo_fleet_is_named_by_the_exported_constants() {
    let demo = FakeCloud::demo();
    let by_key = |key: &str| {
        demo.accounts
            .iter()
            .find(|a| a.access_key == key)
            .expect("a demo account")
    };
    // The three demo accounts keep their places; the fleet comes after them.
    let keys: Vec<_> = demo
        .accounts
        .iter()
        .map(|a| a.access_key.as_str())
        .collect();
    assert_eq!(
        keys[..3],
        [
            DEMO_ALIBABA_ACCESS_KEY,
            DEMO_HUAWEI_ACCESS_KEY,
            DEMO_OTC_ACCESS_KEY
        ]
    );
    assert_eq!(
        by_key(DEMO_ALIBABA_ACCESS_KEY).account_id,
        DEMO_ALIBABA_ACCOUNT_ID
    );
    for (key, id) in [
        (DEMO_ALIBABA_SHOP_ACCESS_KEY, DEMO_ALIBABA_SHOP_ACCOUNT_ID),
        (DEMO_ALIBABA_DATA_ACCESS_KEY, DEMO_ALIBABA_DATA_ACCOUNT_ID),
    ] {
        let account = by_key(key);
        assert_eq!(account.account_id, id);
        assert_eq!(account.account_id.len(), 16);
        assert_eq!(
            account.roles,
            vec![Role::new(DEMO_READER_ROLE, &[DEMO_ALIBABA_ACCOUNT_ID])]
        );
        assert!(!account.ccn.is_empty() && account.quota_center.len() >= 2);
    }
    let huawei = by_key(DEMO_HUAWEI_ACCESS_KEY);
    assert_eq!(
        (huawei.domain_id.as_str(), huawei.domain_name.as_str()),
        (DEMO_HUAWEI_DOMAIN_ID, DEMO_HUAWEI_DOMAIN_NAME)
    );
    let team_b = by_key(DEMO_TEAM_B_ACCESS_KEY);
    assert_eq!(team_b.domain_name, DEMO_TEAM_B_DOMAIN_NAME);
    assert_eq!(team_b.domain_id, DEMO_TEAM_B_DOMAIN_ID);
    assert_eq!(
        team_b.projects,
        vec![(
            DEMO_TEAM_B_REGION.to_string(),
            DEMO_TEAM_B_PROJECT_ID.to_string()
        )]
    );
    assert_eq!(
        team_b.agencies,
        vec![Agency::new(DEMO_READER_ROLE, &[DEMO_HUAWEI_DOMAIN_NAME])]
    );
    // The accounts' own keys never reach the demo config.
    let handle = FakeCloud::demo().spawn().expect("spawn");
    let yaml = demo_config_yaml(&handle);
    for hidden in [
        DEMO_ALIBABA_SHOP_ACCESS_KEY,
        DEMO_ALIBABA_DATA_ACCESS_KEY,
        DEMO_TEAM_B_ACCESS_KEY,
    ] {
        assert!(!yaml.contains(hidden));
    }
}
