//! The endpoints: `/probe`, `/metrics`, `/`, `/-/healthy`; 404 for any other path, 405 for a
//! method other than GET and HEAD. Before any of them, in this order: the query-string limit
//! (414), basic authentication when configured (401, on every path but `/-/healthy`, so that an
//! unknown path tells nothing either), the method (405).
//!
//! Every refusal is a one-line plain-text body. A failing cloud is never a 5xx: it is a probe
//! whose `headroom_query_success` series say 0.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::metrics::{CONTENT_TYPE, ProbeOutcome};
use super::probe::{self, Answer, SCRAPE_TIMEOUT_HEADER, Selection};
use super::{Peer, Server, page};
use crate::log::log;

/// Longest query string accepted: a probe's selection is a few names.
pub const MAX_QUERY_BYTES: usize = 4 * 1024;
/// The realm of the basic-auth challenge.
const REALM: &str = "Basic realm=\"headroom\"";

pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/probe", get(probe))
        .route("/metrics", get(metrics))
        .route("/", get(index))
        .route("/-/healthy", get(healthy))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&server), guard))
        .with_state(server)
}

/// The limits, authentication and method checks every request passes first, and the `-v`
/// access log line (method, path, status, time; never a header).
async fn guard(State(server): State<Arc<Server>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let peer = request
        .extensions()
        .get::<Peer>()
        .map(|peer| format!(" from {}", peer.0))
        .unwrap_or_default();
    let response = admit(&server, request, next).await;
    log(1, || {
        format!(
            "serve: {method} {} {} in {} ms{peer}",
            crate::output::clean(&path, 200),
            response.status().as_u16(),
            started.elapsed().as_millis()
        )
    });
    response
}

async fn admit(server: &Server, request: Request, next: Next) -> Response {
    if request.uri().query().map_or(0, str::len) > MAX_QUERY_BYTES {
        return refusal(
            StatusCode::URI_TOO_LONG,
            &format!("the query string is over {MAX_QUERY_BYTES} bytes"),
        );
    }
    if request.uri().path() != "/-/healthy" {
        let web = server.web();
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        if !server.auth.allows(&web, authorization).await {
            let mut response = refusal(StatusCode::UNAUTHORIZED, "authentication required");
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(REALM));
            return response;
        }
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    next.run(request).await
}

/// A refusal: the status and one line of plain text.
fn refusal(status: StatusCode, reason: &str) -> Response {
    let mut body = crate::output::clean(reason, 400);
    body.push('\n');
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn probe(State(server): State<Arc<Server>>, request: Request) -> Response {
    let generation = server.generation();
    let query = request.uri().query().unwrap_or("");
    let rejected = |status: StatusCode, reason: &str| {
        server.metrics.count(ProbeOutcome::Rejected);
        log(1, || {
            format!("serve: probe refused ({}): {reason}", status.as_u16())
        });
        refusal(status, reason)
    };
    let selection = match Selection::parse(query, &generation.config) {
        Ok(selection) => selection,
        Err(reason) => return rejected(StatusCode::BAD_REQUEST, &reason),
    };
    let header = request
        .headers()
        .get(SCRAPE_TIMEOUT_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let budget = match probe::budget(header.as_deref(), generation.config.defaults.timeout) {
        Ok(budget) => budget,
        Err(reason) => return rejected(StatusCode::BAD_REQUEST, &reason),
    };
    let deadline = tokio::time::Instant::now() + budget;
    let answer = generation.probe(selection, deadline, &server.checks).await;
    let outcome = match answer {
        Answer::Ran(outcome) => {
            server.metrics.count(if outcome.success {
                ProbeOutcome::Success
            } else {
                ProbeOutcome::Failure
            });
            outcome
        }
        Answer::Reused(outcome) => {
            server.metrics.count(ProbeOutcome::Cached);
            outcome
        }
        Answer::Busy => {
            let mut response = rejected(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!(
                    "{} checks are running already; try again shortly",
                    probe::MAX_CHECKS
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        Answer::Refused(reason) => return rejected(StatusCode::BAD_REQUEST, &reason),
    };
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        Body::from(outcome.text.clone()),
    )
        .into_response()
}

async fn metrics(State(server): State<Arc<Server>>) -> Response {
    let text = server
        .metrics
        .render(probe::running_checks(&server.checks), probe::MAX_CHECKS);
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}

async fn index(State(server): State<Arc<Server>>) -> Response {
    let generation = server.generation();
    let html = page::index(&generation.config, &server.base_url);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The page is static text: nothing on it may load or run anything.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        html,
    )
        .into_response()
}

async fn healthy() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "OK").into_response()
}

async fn not_found() -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "not found; the paths are /probe, /metrics, / and /-/healthy",
    )
}
