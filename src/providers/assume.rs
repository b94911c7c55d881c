//! Temporary credentials from a role or an agency: Alibaba STS `AssumeRole` (RPC, version
//! 2015-04-01) and Huawei Cloud / OTC `POST /v3.0/OS-CREDENTIAL/securitytokens` with
//! `assume_role`. Building the calls and reading the answers; the engine sends them.

use serde_json::{Value, json};

use super::text_field;
use crate::config::{AssumeTarget, Credentials};
use crate::secret::Secret;

pub const STS_VERSION: &str = "2015-04-01";
/// The STS host the official Alibaba libraries use when none is configured.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.aliyuncs.com/";
pub const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";

/// The `AssumeRole` parameters of a role target.
pub fn role_params(target: &AssumeTarget, duration: std::time::Duration) -> Vec<(String, String)> {
    let AssumeTarget::Role {
        arn,
        session_name,
        external_id,
    } = target
    else {
        return Vec::new();
    };
    let mut params = vec![
        ("RoleArn".to_string(), arn.clone()),
        ("RoleSessionName".to_string(), session_name.clone()),
        (
            "DurationSeconds".to_string(),
            duration.as_secs().to_string(),
        ),
    ];
    if let Some(id) = external_id {
        params.push(("ExternalId".to_string(), id.clone()));
    }
    params
}

/// `{"Credentials": {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}}`.
pub fn parse_role(body: &Value) -> Result<(Credentials, Option<jiff::Timestamp>), String> {
    let object = body
        .get("Credentials")
        .and_then(Value::as_object)
        .ok_or("field `Credentials` is missing or not an object")?;
    let field = |name: &str| {
        text_field(object, name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("field `Credentials.{name}` is missing"))
    };
    let credentials = Credentials {
        access_key_id: field("AccessKeyId")?,
        secret: Secret::new(field("AccessKeySecret")?),
        security_token: Some(Secret::new(field("SecurityToken")?)),
    };
    let expires = text_field(object, "Expiration").and_then(|at| at.parse().ok());
    Ok((credentials, expires))
}

/// The body of an agency's `securitytokens` call.
pub fn agency_body(target: &AssumeTarget, duration: std::time::Duration) -> Value {
    let AssumeTarget::Agency {
        domain_name,
        domain_id,
        name,
    } = target
    else {
        return Value::Null;
    };
    let mut assume_role = json!({
        "agency_name": name,
        "duration_seconds": duration.as_secs(),
    });
    if let Some(domain) = domain_name {
        assume_role["domain_name"] = json!(domain);
    }
    if let Some(domain) = domain_id {
        assume_role["domain_id"] = json!(domain);
    }
    json!({"auth": {"identity": {"methods": ["assume_role"], "assume_role": assume_role}}})
}

/// `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`.
pub fn parse_agency(body: &Value) -> Result<(Credentials, Option<jiff::Timestamp>), String> {
    let object = body
        .get("credential")
        .and_then(Value::as_object)
        .ok_or("field `credential` is missing or not an object")?;
    let field = |name: &str| {
        text_field(object, name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("field `credential.{name}` is missing"))
    };
    let credentials = Credentials {
        access_key_id: field("access")?,
        secret: Secret::new(field("secret")?),
        security_token: Some(Secret::new(field("securitytoken")?)),
    };
    let expires = text_field(object, "expires_at").and_then(|at| at.parse().ok());
    Ok((credentials, expires))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn role_answers() {
        let body = json!({"RequestId": "r", "AssumedRoleUser": {"Arn": "x", "AssumedRoleId": "y"},
            "Credentials": {"SecurityToken": "CAIStoken", "Expiration": "2015-04-09T11:52:19Z",
            "AccessKeySecret": "wyLTSmsy", "AccessKeyId": "STS.L4aBSCSJ"}});
        let (credentials, expires) = parse_role(&body).unwrap();
        assert_eq!(credentials.access_key_id, "STS.L4aBSCSJ");
        assert_eq!(credentials.secret.expose(), "wyLTSmsy");
        assert_eq!(
            credentials.security_token.as_ref().map(Secret::expose),
            Some("CAIStoken")
        );
        assert_eq!(expires.map(|t| t.as_second()), Some(1_428_580_339));
        assert!(parse_role(&json!({"Credentials": {"AccessKeyId": "a"}})).is_err());
        assert!(!format!("{credentials:?}").contains("wyLTSmsy"));
    }

    #[test]
    fn agency_answers_and_bodies() {
        let body = json!({"credential": {"access": "P0HEQ", "expires_at": "2022-10-17T18:51:25.231000Z",
            "secret": "3WJuF1o", "securitytoken": "gAAAAABY9"}});
        let (credentials, expires) = parse_agency(&body).unwrap();
        assert_eq!(credentials.access_key_id, "P0HEQ");
        assert!(expires.is_some());
        let target = AssumeTarget::Agency {
            domain_name: Some("team-b".into()),
            domain_id: None,
            name: "headroom-reader".into(),
        };
        assert_eq!(
            agency_body(&target, Duration::from_secs(900)),
            json!({"auth": {"identity": {"methods": ["assume_role"], "assume_role":
                {"agency_name": "headroom-reader", "duration_seconds": 900, "domain_name": "team-b"}}}})
        );
    }
}
