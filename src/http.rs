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
    /// The connection broke (reset, closed early) after it was made, before an answer came.
    Network(String),
    /// The answer's head came, but its body broke off (closed or reset before its end).
    Truncated(String),
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
    // After the head, a broken connection means an answer cut short, not a missing one.
    let cut_short = |error: reqwest::Error| match classify(error) {
        TransportError::Network(cause) => TransportError::Truncated(cause),
        other => other,
    };
    while let Some(chunk) = response.chunk().await.map_err(cut_short)? {
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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-shot server on 127.0.0.1 that reads a request head and writes `answer` (a head,
    /// then the body chunks), then closes. Returns its URL.
    async fn serve_once(head: &'static str, chunks: Vec<Vec<u8>>) -> reqwest::Url {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut seen = Vec::new();
            let mut buffer = [0u8; 1024];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => seen.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = socket.write_all(head.as_bytes()).await;
            for chunk in chunks {
                if socket.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            let _ = socket.shutdown().await;
        });
        reqwest::Url::parse(&format!("http://{address}/")).unwrap()
    }

    async fn get(url: reqwest::Url) -> Result<Exchange, TransportError> {
        let client = client(1).unwrap();
        let request = reqwest::Request::new(reqwest::Method::GET, url);
        send(&client, request, Duration::from_secs(5)).await
    }

    #[tokio::test]
    async fn a_chunked_body_over_1_mib_is_refused_while_streaming() {
        // No Content-Length to refuse up front: the cap must hold while reading.
        let piece = vec![b' '; 64 * 1024];
        let chunk = [
            format!("{:x}\r\n", piece.len()).into_bytes(),
            piece,
            b"\r\n".to_vec(),
        ]
        .concat();
        let chunks = vec![chunk; 40]; // 2.5 MiB
        let url = serve_once(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            chunks,
        )
        .await;
        assert_eq!(get(url).await.unwrap_err(), TransportError::TooLarge);
    }

    #[tokio::test]
    async fn a_body_cut_short_is_truncated_not_a_missing_answer() {
        let url = serve_once(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
            vec![br#"{"quotas": {"#.to_vec()],
        )
        .await;
        let error = get(url).await.unwrap_err();
        assert!(matches!(error, TransportError::Truncated(_)), "{error:?}");
    }

    #[tokio::test]
    async fn a_close_before_the_head_is_a_network_error() {
        let url = serve_once("", vec![]).await;
        let error = get(url).await.unwrap_err();
        assert!(matches!(error, TransportError::Network(_)), "{error:?}");
    }

    #[tokio::test]
    async fn redirects_are_returned_not_followed() {
        let url = serve_once(
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/trap\r\nContent-Length: 0\r\n\r\n",
            vec![],
        )
        .await;
        let exchange = get(url).await.unwrap();
        assert_eq!(exchange.status, 302);
        assert_eq!(exchange.header("location"), Some("http://127.0.0.1:1/trap"));
    }

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
