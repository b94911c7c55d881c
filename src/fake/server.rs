//! A small HTTP/1.1 server over `tokio::net::TcpListener`, written by hand so that every fault
//! is a plain sequence of socket writes (or a silent close) that no library would let us make.
//!
//! It supports keep-alive (honouring `Connection: close` and HTTP/1.0), `Content-Length`
//! bodies and `Expect: 100-continue`, and bounds the head to 64 KiB and the body to 1 MiB so a
//! bad client cannot make it allocate without limit. Malformed input gets a 4xx and a close,
//! never a panic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::{FaultKind, RecordedRequest, Service, Shared, agency, alibaba, huawei};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;
/// A connection with no complete request for this long is closed, so that idle keep-alive
/// connections from finished clients do not pile up.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Chunk size for streaming `HugeBody`.
const CHUNK: usize = 64 * 1024;

/// One parsed request.
pub(crate) struct HttpRequest {
    pub method: String,
    /// The raw path, as on the wire, without the query.
    pub path: String,
    /// The raw query string, without the `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the last byte of the request was read: the moment a rate limit counts it.
    pub received_at: Instant,
    keep_alive: bool,
}

impl HttpRequest {
    /// The first header of that name, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One complete answer.
pub(crate) struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A JSON answer with the service's request-id header.
    pub fn json(
        status: u16,
        request_id_header: &str,
        request_id: &str,
        body: &serde_json::Value,
    ) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json;charset=UTF-8".into(),
                ),
                (request_id_header.into(), request_id.into()),
            ],
            body: body.to_string().into_bytes(),
        }
    }
}

/// How an answer goes out on the wire.
enum Delivery {
    Full(HttpResponse),
    /// The full `Content-Length`, half the body, then a close.
    Truncated(HttpResponse),
    /// Headers at once, then the body one byte per interval.
    Drip(HttpResponse, Duration),
    /// A streamed body of exactly `total` bytes: `prefix`, `item` repeated, spaces, `suffix`.
    Huge {
        request_id: (String, String),
        prefix: String,
        item: String,
        suffix: String,
        total: usize,
    },
    /// No answer at all.
    Close,
}

/// Accepts connections until the handle is dropped, one task per connection.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    service: Service,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<()>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = serve_connection(stream, service, shared) => {}
                        _ = stopped.changed() => {}
                    }
                });
            }
            _ = stopped.changed() => return,
        }
    }
}

/// Serves requests on one connection until either side closes it.
async fn serve_connection(mut stream: TcpStream, service: Service, shared: Arc<Shared>) {
    let mut buffer = Vec::with_capacity(4096);
    loop {
        let request = match read_request(&mut stream, &mut buffer).await {
            Ok(request) => request,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status, reason)) => {
                let response = HttpResponse {
                    status,
                    headers: vec![("Content-Type".into(), "text/plain".into())],
                    body: reason.as_bytes().to_vec(),
                };
                let _ = write_full(&mut stream, &response, false, false).await;
                return;
            }
        };
        let keep_alive = request.keep_alive;
        let head_only = request.method == "HEAD";
        let delivery = dispatch(service, &shared, request).await;
        let open = match delivery {
            Delivery::Full(response) => {
                write_full(&mut stream, &response, keep_alive, head_only)
                    .await
                    .is_ok()
                    && keep_alive
            }
            Delivery::Truncated(response) => {
                let _ = write_truncated(&mut stream, &response).await;
                false
            }
            Delivery::Drip(response, interval) => {
                write_drip(&mut stream, &response, interval, keep_alive)
                    .await
                    .is_ok()
                    && keep_alive
            }
            Delivery::Huge {
                request_id,
                prefix,
                item,
                suffix,
                total,
            } => {
                write_huge(
                    &mut stream,
                    &request_id,
                    &prefix,
                    &item,
                    &suffix,
                    total,
                    keep_alive,
                )
                .await
                .is_ok()
                    && keep_alive
            }
            Delivery::Close => false,
        };
        if !open {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Records the request, applies the latency and any fault, and lets the service answer.
async fn dispatch(service: Service, shared: &Shared, request: HttpRequest) -> Delivery {
    let inspection = match service {
        _ if service.is_alibaba() => alibaba::inspect(shared, &request),
        Service::Elsewhere => huawei::inspect_unchecked(&request),
        _ => huawei::inspect(shared, &request),
    };
    shared.record(RecordedRequest {
        service,
        method: request.method.clone(),
        path: request.path.clone(),
        query: crate::sign::parse_query(&request.query),
        headers: request.headers.clone(),
        body: String::from_utf8_lossy(&request.body).into_owned(),
        access_key: inspection.access_key.clone(),
        action: inspection.action.clone(),
        signature_valid: inspection.signature_valid,
        received_at: request.received_at,
    });
    if service == Service::Elsewhere {
        let id = super::hex_request_id();
        let body = serde_json::json!({});
        return Delivery::Full(HttpResponse::json(
            200,
            service.request_id_header(),
            &id,
            &body,
        ));
    }
    let (latency, fault) = shared.take_fault(
        service,
        inspection.access_key.as_deref(),
        inspection.action.as_deref(),
    );
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let answer = |request: &HttpRequest| match service {
        _ if service.is_alibaba() => alibaba::handle(service, shared, request),
        _ => huawei::handle(service, shared, request),
    };
    let id_header = service.request_id_header();
    let request_id = || (id_header.to_string(), super::hex_request_id());
    let Some(kind) = fault else {
        return Delivery::Full(answer(&request));
    };
    match kind {
        FaultKind::Latency(delay) => {
            tokio::time::sleep(delay).await;
            Delivery::Full(answer(&request))
        }
        FaultKind::Respond {
            status,
            mut headers,
            body,
        } => {
            let has = |headers: &[(String, String)], name: &str| {
                headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
            };
            if !has(&headers, "content-type") {
                headers.push((
                    "Content-Type".into(),
                    "application/json;charset=UTF-8".into(),
                ));
            }
            if !has(&headers, id_header) {
                headers.push(request_id());
            }
            Delivery::Full(HttpResponse {
                status,
                headers,
                body: body.into_bytes(),
            })
        }
        FaultKind::MalformedJson => {
            let body = fault_bodies(service, &request.path).malformed;
            Delivery::Full(HttpResponse {
                status: 200,
                headers: vec![
                    (
                        "Content-Type".into(),
                        "application/json;charset=UTF-8".into(),
                    ),
                    request_id(),
                ],
                body: body.as_bytes().to_vec(),
            })
        }
        FaultKind::TruncatedBody => Delivery::Truncated(answer(&request)),
        FaultKind::HugeBody(total) => {
            let FaultBodies {
                huge: (prefix, item, suffix),
                ..
            } = fault_bodies(service, &request.path);
            Delivery::Huge {
                request_id: request_id(),
                prefix: prefix.into(),
                item: item.into(),
                suffix: suffix.into(),
                total,
            }
        }
        FaultKind::Drip(interval) => Delivery::Drip(answer(&request), interval),
        FaultKind::CloseWithoutAnswer => Delivery::Close,
        FaultKind::Html502 => Delivery::Full(HttpResponse {
            status: 502,
            headers: vec![("Content-Type".into(), "text/html".into()), request_id()],
            body: HTML_502.as_bytes().to_vec(),
        }),
        FaultKind::Empty200 => Delivery::Full(HttpResponse {
            status: 200,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json;charset=UTF-8".into(),
                ),
                request_id(),
            ],
            body: Vec::new(),
        }),
        FaultKind::Redirect => {
            let mut location = format!("{}{}", shared.url(Service::Elsewhere), request.path);
            if !request.query.is_empty() {
                location.push('?');
                location.push_str(&request.query);
            }
            Delivery::Full(HttpResponse {
                status: 302,
                headers: vec![
                    ("Location".into(), location),
                    ("Content-Type".into(), "text/html".into()),
                    request_id(),
                ],
                body: b"<html><body>302 Found</body></html>".to_vec(),
            })
        }
        FaultKind::ActThenDrop => {
            let _ = answer(&request);
            Delivery::Close
        }
    }
}

/// The service-shaped bodies of the `MalformedJson` and `HugeBody` faults, so that a client
/// meets them in the shape it otherwise parses.
struct FaultBodies {
    /// A body that stops in the middle of the JSON.
    malformed: &'static str,
    /// A valid body of any size: `prefix`, `item` repeated, `suffix`.
    huge: (&'static str, &'static str, &'static str),
}

fn fault_bodies(service: Service, path: &str) -> FaultBodies {
    let assume_agency = service == Service::Iam && path.trim_end_matches('/') == agency::PATH;
    let (malformed, huge) = match service {
        // Credentials whose security token never ends.
        Service::Sts => (
            r#"{"RequestId": "5E3A4C1B", "Credentials": {"AccessKeyId": "STS."#,
            (
                concat!(
                    r#"{"RequestId":"5E3A4C1B-0000-4000-8000-000000000000","#,
                    r#""AssumedRoleUser":{"AssumedRoleId":"300000000000000000:headroom","#,
                    r#""Arn":"acs:ram::1000000000000000:role/padding/headroom"},"#,
                    r#""Credentials":{"AccessKeyId":"STS.padding","AccessKeySecret":"padding","#,
                    r#""Expiration":"2099-01-01T00:00:00Z","SecurityToken":"CAIS"#
                ),
                "x",
                r#""}}"#,
            ),
        ),
        Service::Iam if assume_agency => (
            r#"{"credential": {"access": ""#,
            (
                concat!(
                    r#"{"credential":{"access":"PADDINGPADDINGPADDIN","secret":"padding","#,
                    r#""expires_at":"2099-01-01T00:00:00.000000Z","securitytoken":"gQ"#
                ),
                "x",
                r#""}}"#,
            ),
        ),
        Service::Smartag => (
            r#"{"RequestId": "5E3A4C1B", "TotalAmount": "#,
            (
                concat!(
                    r#"{"RequestId":"5E3A4C1B-0000-4000-8000-000000000000","#,
                    r#""TotalAmount":10,"UsedAmount":6,"Padding":""#
                ),
                "x",
                r#""}"#,
            ),
        ),
        Service::Quotas => (
            r#"{"RequestId": "5E3A4C1B", "TotalCount": 3, "Quotas": [{"TotalQuota": "#,
            (
                concat!(
                    r#"{"RequestId":"5E3A4C1B-0000-4000-8000-000000000000","TotalCount":1,"#,
                    r#""NextToken":"","MaxResults":100,"Quotas":[{"ProductCode":"vpc","#,
                    r#""QuotaActionCode":"q_padding","TotalQuota":10,"TotalUsage":1,"#,
                    r#""Consumable":true,"Dimensions":{"regionId":"cn-shanghai"}}"#
                ),
                r#",{"ProductCode":"vpc","QuotaActionCode":"q_padding","TotalQuota":10}"#,
                "]}",
            ),
        ),
        Service::Ecs => (
            r#"{"absolute": {"maxTotalInstances": 2048, "totalInstancesUsed": "#,
            (
                r#"{"absolute":{"maxTotalInstances":2048,"totalInstancesUsed":21,"padding":""#,
                "x",
                r#""}}"#,
            ),
        ),
        Service::Evs => (
            r#"{"quota_set": {"volumes": {"in_use": "#,
            (
                concat!(
                    r#"{"quota_set":{"id":"padding","#,
                    r#""volumes":{"in_use":1,"limit":10,"reserved":0},"padding":""#
                ),
                "x",
                r#""}}"#,
            ),
        ),
        Service::Elb | Service::Er => (
            r#"{"quotas": [{"quota_key": "loadbalancer", "used": "#,
            (
                r#"{"quotas":[{"quota_key":"loadbalancer","used":1,"quota_limit":10,"unit":"count"}"#,
                r#",{"quota_key":"loadbalancer","used":1,"quota_limit":10,"unit":"count"}"#,
                "]}",
            ),
        ),
        _ => (
            r#"{"quotas": {"resources": ["#,
            (
                r#"{"quotas":{"resources":[{"type":"vpc","used":1,"quota":10,"min":0}"#,
                r#",{"type":"vpc","used":1,"quota":10,"min":0}"#,
                "]}}",
            ),
        ),
    };
    FaultBodies { malformed, huge }
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

enum ReadError {
    /// The peer closed (or went idle) between requests, or the socket failed: just close.
    Closed,
    /// Answer with this status and close.
    Bad(u16, &'static str),
}

/// Reads one request; bytes past it stay in `buffer` for the next one (pipelining).
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<HttpRequest, ReadError> {
    let mut scanned = 0;
    let (head_len, body_start) = loop {
        if let Some(found) = find_head_end(buffer, scanned) {
            break found;
        }
        if buffer.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request header too large"));
        }
        // Only the last 3 bytes can start a terminator that the next read completes.
        scanned = buffer.len().saturating_sub(3);
        if read_more(stream, buffer).await? == 0 {
            return Err(ReadError::Closed);
        }
    };
    if head_len > MAX_HEAD {
        return Err(ReadError::Bad(431, "request header too large"));
    }
    let head = std::str::from_utf8(&buffer[..head_len])
        .map_err(|_| ReadError::Bad(400, "request head is not UTF-8"))?;
    let mut parsed = parse_head(head)?;
    let length = content_length(&parsed.headers)?;
    if length > MAX_BODY {
        return Err(ReadError::Bad(413, "request body too large"));
    }
    let expects_continue = header_of(&parsed.headers, "expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    if expects_continue && buffer.len() < body_start + length {
        write_all(stream, b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    while buffer.len() < body_start + length {
        if read_more(stream, buffer).await? == 0 {
            return Err(ReadError::Closed);
        }
    }
    parsed.body = buffer[body_start..body_start + length].to_vec();
    parsed.received_at = Instant::now();
    buffer.drain(..body_start + length);
    Ok(parsed)
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<usize, ReadError> {
    let mut chunk = [0u8; 8192];
    match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut chunk)).await {
        Ok(Ok(n)) => {
            buffer.extend_from_slice(&chunk[..n]);
            Ok(n)
        }
        Ok(Err(_)) | Err(_) => Err(ReadError::Closed),
    }
}

async fn write_all(stream: &mut TcpStream, bytes: &[u8]) -> Result<(), ReadError> {
    stream.write_all(bytes).await.map_err(|_| ReadError::Closed)
}

/// The end of the head: (its length without the blank line, where the body starts). Accepts
/// bare `\n` line ends as well, as lenient servers do.
fn find_head_end(buffer: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i < buffer.len() {
        if buffer[i] == b'\n' {
            if buffer.get(i + 1) == Some(&b'\n') {
                return Some((i, i + 2));
            }
            if buffer.get(i + 1) == Some(&b'\r') && buffer.get(i + 2) == Some(&b'\n') {
                return Some((i, i + 3));
            }
        }
        i += 1;
    }
    None
}

fn parse_head(head: &str) -> Result<HttpRequest, ReadError> {
    let mut lines = head
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReadError::Bad(400, "malformed method"));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ if version.starts_with("HTTP/") => {
            return Err(ReadError::Bad(505, "HTTP version not supported"));
        }
        _ => return Err(ReadError::Bad(400, "malformed request line")),
    };
    // Absolute form (`http://host/path`), as sent to proxies: keep the path only.
    let target = match target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        Some(rest) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => target,
    };
    if !target.starts_with('/') {
        return Err(ReadError::Bad(400, "malformed request target"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    for line in lines {
        if line.starts_with(' ') || line.starts_with('\t') {
            return Err(ReadError::Bad(400, "obsolete header folding"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad(400, "malformed header"));
        };
        if name.is_empty()
            || name
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(ReadError::Bad(400, "malformed header name"));
        }
        headers.push((
            name.to_string(),
            value.trim_matches([' ', '\t']).to_string(),
        ));
    }
    let connection = header_of(&headers, "connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    let has_token = |token: &str| connection.split(',').any(|t| t.trim() == token);
    let keep_alive = if http10 {
        has_token("keep-alive")
    } else {
        !has_token("close")
    };
    Ok(HttpRequest {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: Vec::new(),
        received_at: Instant::now(),
        keep_alive,
    })
}

fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The body length; chunked bodies are not supported (no client of the fake sends them).
fn content_length(headers: &[(String, String)]) -> Result<usize, ReadError> {
    if header_of(headers, "transfer-encoding").is_some() {
        return Err(ReadError::Bad(501, "transfer-encoding is not supported"));
    }
    let mut length = None;
    for (_, value) in headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        let parsed: usize = match value.parse() {
            Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) => n,
            // Too large for usize is too large for us.
            _ if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => usize::MAX,
            _ => return Err(ReadError::Bad(400, "malformed content-length")),
        };
        if length.is_some_and(|seen| seen != parsed) {
            return Err(ReadError::Bad(400, "conflicting content-length"));
        }
        length = Some(parsed);
    }
    Ok(length.unwrap_or(0))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// The status line and headers, with `Content-Length`, `Date` and `Connection` added.
fn head(status: u16, headers: &[(String, String)], length: usize, keep_alive: bool) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        // A canned header with a line break would split the response; drop such characters.
        let clean = |s: &str| s.replace(['\r', '\n'], "");
        head.push_str(&format!("{}: {}\r\n", clean(name), clean(value)));
    }
    let date = jiff::Timestamp::now().strftime("%a, %d %b %Y %H:%M:%S GMT");
    head.push_str(&format!("Date: {date}\r\nContent-Length: {length}\r\n"));
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n"
    } else {
        "Connection: close\r\n"
    });
    head.push_str("\r\n");
    head.into_bytes()
}

async fn write_full(
    stream: &mut TcpStream,
    response: &HttpResponse,
    keep_alive: bool,
    head_only: bool,
) -> std::io::Result<()> {
    let mut bytes = head(
        response.status,
        &response.headers,
        response.body.len(),
        keep_alive,
    );
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    stream.write_all(&bytes).await?;
    stream.flush().await
}

async fn write_truncated(stream: &mut TcpStream, response: &HttpResponse) -> std::io::Result<()> {
    // Claim at least one byte more than is sent, even for an empty body.
    let claimed = response.body.len().max(2);
    let mut bytes = head(response.status, &response.headers, claimed, false);
    bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
    stream.write_all(&bytes).await?;
    stream.flush().await
}

async fn write_drip(
    stream: &mut TcpStream,
    response: &HttpResponse,
    interval: Duration,
    keep_alive: bool,
) -> std::io::Result<()> {
    let head = head(
        response.status,
        &response.headers,
        response.body.len(),
        keep_alive,
    );
    stream.write_all(&head).await?;
    stream.flush().await?;
    for byte in &response.body {
        tokio::time::sleep(interval).await;
        stream.write_all(std::slice::from_ref(byte)).await?;
        stream.flush().await?;
    }
    Ok(())
}

async fn write_huge(
    stream: &mut TcpStream,
    request_id: &(String, String),
    prefix: &str,
    item: &str,
    suffix: &str,
    total: usize,
    keep_alive: bool,
) -> std::io::Result<()> {
    let headers = vec![
        (
            "Content-Type".to_string(),
            "application/json;charset=UTF-8".to_string(),
        ),
        request_id.clone(),
    ];
    // Too small for a valid-looking body: send the skeleton anyway, under its true length.
    let total = total.max(prefix.len() + suffix.len());
    stream
        .write_all(&head(200, &headers, total, keep_alive))
        .await?;
    stream.write_all(prefix.as_bytes()).await?;
    let mut left = total - prefix.len() - suffix.len();
    let items_per_chunk = (CHUNK / item.len().max(1)).max(1);
    let block = item.repeat(items_per_chunk);
    while left >= item.len() && !item.is_empty() {
        let whole = (left / item.len()).min(items_per_chunk) * item.len();
        stream.write_all(&block.as_bytes()[..whole]).await?;
        left -= whole;
    }
    // JSON allows whitespace before the closing brackets; it pads to the exact size.
    stream.write_all(" ".repeat(left).as_bytes()).await?;
    stream.write_all(suffix.as_bytes()).await?;
    stream.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads_and_refuses_garbage() {
        let ok = parse_head("GET /v1/p/quotas?type=vpc HTTP/1.1\r\nHost: x\r\nA:  b ").ok();
        let ok = ok.expect("a valid head");
        assert_eq!(ok.path, "/v1/p/quotas");
        assert_eq!(ok.query, "type=vpc");
        assert_eq!(ok.header("a"), Some("b"));
        assert!(ok.keep_alive);
        let close = parse_head("GET / HTTP/1.1\r\nConnection: Close").ok();
        assert!(close.is_some_and(|r| !r.keep_alive));
        let old = parse_head("GET / HTTP/1.0").ok();
        assert!(old.is_some_and(|r| !r.keep_alive));
        for bad in [
            "",
            "GET",
            "GET /",
            "get / HTTP/1.1",
            "GET x HTTP/1.1",
            "GET / HTTP/1.1\r\nNo",
        ] {
            assert!(parse_head(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse_head("GET / HTTP/2.0"),
            Err(ReadError::Bad(505, _))
        ));
    }

    #[test]
    fn content_length_rules() {
        let h = |v: &str| vec![("Content-Length".to_string(), v.to_string())];
        assert!(matches!(content_length(&h("12")), Ok(12)));
        assert!(content_length(&h("-1")).is_err());
        assert!(content_length(&h("1x")).is_err());
        assert!(matches!(
            content_length(&h("99999999999999999999999")),
            Ok(usize::MAX)
        ));
        let two = vec![
            ("Content-Length".to_string(), "1".to_string()),
            ("content-length".to_string(), "2".to_string()),
        ];
        assert!(content_length(&two).is_err());
    }

    #[test]
    fn finds_head_ends() {
        assert_eq!(find_head_end(b"a\r\n\r\nbody", 0), Some((2, 5)));
        assert_eq!(find_head_end(b"a\n\nbody", 0), Some((1, 3)));
        assert_eq!(find_head_end(b"a\r\n", 0), None);
    }
}
