//! The listener: TCP, TLS (tokio-rustls), HTTP/1.1 or HTTP/2 (hyper-util),
//! one task per connection. Each request carries a [`ConnectionKill`] so
//! the chaos switches can drop the very connection it arrived on.

use super::chaos_layer::ConnectionKill;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// A TLS handshake that takes longer than this is abandoned.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` until `shutdown` turns true; then drops every connection.
pub(super) async fn serve(listener: TcpListener, tls: TlsAcceptor, app: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    let _ = tcp.set_nodelay(true);
                    connections.spawn(connection(tcp, tls.clone(), app.clone(), shutdown.clone()));
                }
                // Out of file descriptors and the like: pause, don't spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

async fn connection(tcp: tokio::net::TcpStream, tls: TlsAcceptor, app: Router, mut shutdown: watch::Receiver<bool>) {
    let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(tcp)).await else {
        return;
    };
    let kill = ConnectionKill::default();
    let on_kill = kill.0.clone();
    let service = tower::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(kill.clone());
        app.clone().oneshot(request.map(axum::body::Body::new))
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let serving = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    // Dropping the connection future closes the socket without an answer.
    tokio::select! {
        _ = serving => {}
        _ = on_kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}
