//! The RFC 8252 loopback redirect: a listener on 127.0.0.1 (and ::1 on the same port when
//! possible, since browsers may resolve `localhost` to either) with an ephemeral port, which
//! accepts exactly one sign-in redirect, checks nothing itself (the caller checks `state`), shows
//! a plain page, and gives up on timeout or cancellation. It never logs the code.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::AuthError;

/// A bound loopback listener waiting for one redirect.
pub struct Loopback {
    v4: TcpListener,
    v6: Option<TcpListener>,
    port: u16,
}

/// The query of the redirect that came back.
#[derive(Debug)]
pub struct Redirect {
    pub url: Url,
}

impl Loopback {
    /// Binds 127.0.0.1 on an ephemeral port (and ::1 on the same port if it is free).
    pub async fn bind() -> Result<Self, AuthError> {
        let v4 = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| AuthError::Network(format!("cannot listen on 127.0.0.1: {e}")))?;
        let port = v4
            .local_addr()
            .map_err(|e| AuthError::Network(e.to_string()))?
            .port();
        let v6 = TcpListener::bind(("::1", port)).await.ok();
        Ok(Self { v4, v6, port })
    }

    /// The redirect URI to register the request with: `http://localhost:PORT/` (Entra ignores
    /// the port when matching the registered `http://localhost`).
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }

    /// Waits for the one redirect carrying `code`, `error` or `state`; other requests (a
    /// favicon) get a 404 and the wait goes on.
    pub async fn wait(
        self,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Redirect, AuthError> {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            let accepted = tokio::select! {
                a = self.v4.accept() => a,
                a = accept_opt(&self.v6) => a,
                _ = &mut deadline => return Err(AuthError::TimedOut),
                _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            };
            let Ok((mut socket, _)) = accepted else {
                continue;
            };
            let Some(target) = read_target(&mut socket).await else {
                continue;
            };
            let url = match Url::parse(&format!("http://localhost:{}{}", self.port, target)) {
                Ok(u) => u,
                Err(_) => {
                    respond(&mut socket, 400, "Bad request").await;
                    continue;
                }
            };
            let carries_answer = url
                .query_pairs()
                .any(|(k, _)| k == "code" || k == "error" || k == "state");
            if !carries_answer {
                respond(&mut socket, 404, "Not found").await;
                continue;
            }
            let failed = url.query_pairs().any(|(k, _)| k == "error");
            let page = if failed {
                "Prestage could not sign you in. Return to Prestage to see why; you can close this tab."
            } else {
                "Signed in to Prestage — you can close this tab."
            };
            respond(&mut socket, 200, page).await;
            return Ok(Redirect { url });
        }
    }
}

async fn accept_opt(l: &Option<TcpListener>) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match l {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// Reads the request line's target (`/?code=…`), bounded in size and time.
async fn read_target(socket: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .ok()??;
    request_target(&buf)
}

/// The target (`/?code=…`) of a GET request's head, or `None` for anything else. Pure, so the
/// fuzz target and its corpus replay exercise exactly what the listener runs.
pub(crate) fn request_target(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let line = text.lines().next()?;
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    (method == "GET" && target.starts_with('/')).then(|| target.to_string())
}

async fn respond(socket: &mut TcpStream, status: u16, message: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Prestage</title></head>\
         <body style=\"font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem\">\
         <h1>Prestage</h1><p>{message}</p></body></html>"
    );
    let head = format!(
        "HTTP/1.1 {status} OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(body.as_bytes()).await;
    let _ = socket.shutdown().await;
}
