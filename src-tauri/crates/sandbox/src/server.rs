//! Serves the axum app on a TCP listener connection by connection (hyper, HTTP/1.1), so that a
//! handler can have its connection closed without a response (the "dropped connection" fault)
//! and so that shutdown ends every connection.

use std::sync::Arc;

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower_service::Service;

/// Put in every request's extensions: notify it to close that request's connection.
#[derive(Clone)]
pub(crate) struct ConnKill(pub Arc<Notify>);

/// Accepts until `shutdown` turns true; each connection ends on shutdown or on its kill signal.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        let Ok((stream, _peer)) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut conn_shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let kill_for_requests = kill.clone();
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(ConnKill(kill_for_requests.clone()));
                    let mut app = app.clone();
                    async move { app.call(req).await }
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = conn_shutdown.changed() => {}
            }
        });
    }
}
