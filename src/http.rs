//! The HTTP client and one attempt: a per-attempt timeout covering the whole exchange, no
//! redirects, a 1 MiB cap on bodies, and errors sorted by whether the request may have
//! reached the provider (which decides whether a create may be retried).

use std::time::Duration;

use reqwest::header::HeaderMap;

/// Bodies larger than this are refused: no quota answer is anywhere near it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Builds the one client every query shares, so connections are reused across profiles.
pub fn client(max_idle_per_host: usize) -> Result<reqwest::Client, String> {
    // rustls with ring (a lighter build than aws-lc); installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("headroom/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(max_idle_per_host)
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}

/// A complete answer: status, headers and the whole body (at most [`MAX_BODY_BYTES`]).
#[derive(Debug)]
pub struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Why an attempt produced no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// No connection was ever made: the provider certainly did not see the request.
    Connect(String),
    /// The attempt ran past its timeout; `sent` when the connection had been made.
    Timeout,
    /// The connection broke (reset, closed early, truncated body) after it was made.
    Network(String),
    /// The body was larger than [`MAX_BODY_BYTES`].
    TooLarge,
}

impl TransportError {
    /// Whether the provider may have acted on the request.
    pub fn maybe_delivered(&self) -> bool {
        !matches!(self, TransportError::Connect(_))
    }
}

/// Sends one request and reads the whole answer within `timeout`.
pub async fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
) -> Result<Exchange, TransportError> {
    match tokio::time::timeout(timeout, exchange(client, request)).await {
        Ok(result) => result,
        Err(_) => Err(TransportError::Timeout),
    }
}

async fn exchange(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Exchange, TransportError> {
    let mut response = client.execute(request).await.map_err(classify)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(TransportError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(TransportError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Exchange {
        status,
        headers,
        body,
    })
}

fn classify(error: reqwest::Error) -> TransportError {
    // The URL of an Alibaba request carries the signature and the security token: drop it.
    let error = error.without_url();
    if error.is_timeout() {
        TransportError::Timeout
    } else if error.is_connect() {
        TransportError::Connect(describe(&error))
    } else {
        TransportError::Network(describe(&error))
    }
}

/// The innermost cause, which is the useful part ("Connection refused (os error 111)").
fn describe(error: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    let mut text = error.to_string();
    while let Some(cause) = source {
        text = cause.to_string();
        source = cause.source();
    }
    text
}

/// A URL safe to log: the query parameters that carry secrets or signatures are replaced.
pub fn redacted_url(url: &reqwest::Url) -> String {
    const HIDDEN: &[&str] = &[
        "Signature",
        "SecurityToken",
        "AccessKeyId",
        "security_token",
    ];
    let mut shown = url.clone();
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let value = if k == "AccessKeyId" {
                    crate::secret::mask_key_id(&v)
                } else if HIDDEN.contains(&k.as_ref()) {
                    "(redacted)".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secrets_in_urls() {
        let url = reqwest::Url::parse(
            "https://smartag.cn-shanghai.aliyuncs.com/?Action=X&AccessKeyId=LTAI5tTestAccessKeyId01&SecurityToken=tok&Signature=abc%3D",
        )
        .unwrap();
        let shown = redacted_url(&url);
        assert!(!shown.contains("tok"), "{shown}");
        assert!(!shown.contains("abc"), "{shown}");
        assert!(shown.contains("LTAI****Id01"), "{shown}");
        assert!(shown.contains("Action=X"));
    }
}
