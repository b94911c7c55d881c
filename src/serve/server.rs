//! Connections: accept, TLS, HTTP/1.1 with its limits, signals, and the drain at the end.
//!
//! Limits that hold whatever a client does: a request head over [`MAX_HEAD_BYTES`] gets 431
//! and the connection is closed; a client has [`HEAD_TIMEOUT`] to finish the TLS handshake and
//! again to send each request head (an idle kept-alive connection too), after which the
//! connection is closed without an answer; at most [`MAX_CONNECTIONS`] connections are served
//! at once (more wait in the kernel's backlog).
//!
//! SIGHUP reloads the config (and the web config); SIGTERM and SIGINT stop accepting, let the
//! requests in progress finish for up to [`DRAIN`], and end `serve` with exit code 0.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower_service::Service as _;

use super::{Peer, Server, routes};
use crate::log::log;
use crate::printer::stderr;

/// The largest request head (request line and headers) accepted.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// Time a client has for the TLS handshake, and for each request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time the requests in progress have to finish once SIGTERM or SIGINT came.
pub const DRAIN: Duration = Duration::from_secs(5);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 512;

/// Serves `listener` until SIGTERM or SIGINT, then drains.
pub async fn run(listener: TcpListener, server: Arc<Server>) {
    let router = routes::router(Arc::clone(&server));
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let reloads = tokio::spawn(reload_on_hangup(Arc::clone(&server)));
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            biased;
            signal = &mut stop => {
                stderr(&format!(
                    "headroom serve: {signal} received: no new connections; requests in \
                     progress have {} s to finish",
                    DRAIN.as_secs()
                ));
                break;
            }
            accepted = accept(&listener, &connections) => accepted,
        };
        let Some((stream, peer, permit)) = accepted else {
            continue;
        };
        let tls = server.web().tls.clone();
        let router = router.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            connection(stream, peer, tls, router, watcher).await;
            drop(permit);
        });
    }
    drop(listener);
    reloads.abort();
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        stderr(&format!(
            "headroom serve: requests still running after {} s are cut off",
            DRAIN.as_secs()
        ));
    }
}

/// The next connection, once one of the connection slots is free; `None` after an accept
/// error (most often too many open files), which is logged and waited out briefly.
async fn accept(
    listener: &TcpListener,
    connections: &Arc<Semaphore>,
) -> Option<(TcpStream, SocketAddr, tokio::sync::OwnedSemaphorePermit)> {
    let permit = Arc::clone(connections).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, peer)) => {
            let _ = stream.set_nodelay(true);
            Some((stream, peer, permit))
        }
        Err(error) => {
            log(1, || format!("serve: cannot accept a connection: {error}"));
            tokio::time::sleep(Duration::from_millis(100)).await;
            None
        }
    }
}

/// One connection: the TLS handshake when TLS is on, then HTTP/1.1 with the head limits,
/// watched by the drain.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: axum::Router,
    watcher: Watcher,
) {
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(Peer(peer));
        let mut router = router.clone();
        async move { router.call(request).await }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES);
    let result = match tls {
        None => {
            watcher
                .watch(builder.serve_connection(TokioIo::new(stream), service))
                .await
        }
        Some(config) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(config);
            match tokio::time::timeout(HEAD_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => {
                    watcher
                        .watch(builder.serve_connection(TokioIo::new(stream), service))
                        .await
                }
                Ok(Err(error)) => {
                    log(2, || {
                        format!("serve: TLS handshake with {peer} failed: {error}")
                    });
                    return;
                }
                Err(_) => {
                    log(2, || format!("serve: TLS handshake with {peer} timed out"));
                    return;
                }
            }
        }
    };
    if let Err(error) = result {
        log(2, || format!("serve: connection from {peer}: {error}"));
    }
}

/// SIGHUP, each time: reload the config and the web config, or keep the old ones and say why
/// in one line.
async fn reload_on_hangup(server: Arc<Server>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            stderr("headroom serve: cannot listen for SIGHUP; reloading is off");
            return;
        };
        while hangups.recv().await.is_some() {
            match server.reload() {
                Ok(summary) => log(1, || format!("serve: reloaded: {summary}")),
                Err(error) => stderr(&format!(
                    "headroom serve: reload failed, keeping the previous config: {}",
                    crate::output::clean(&error, 1000)
                )),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = server;
        std::future::pending::<()>().await;
    }
}

/// Resolves with the signal's name at SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut terminate), Ok(mut interrupt)) => tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
            },
            _ => {
                stderr("headroom serve: cannot listen for SIGTERM/SIGINT");
                std::future::pending().await
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
