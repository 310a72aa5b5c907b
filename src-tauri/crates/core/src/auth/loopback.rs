//! The RFC 8252 loopback redirect: a listener on 127.0.0.1 and ::1 on the same ephemeral port
//! (browsers may resolve `localhost` to either, so both are ours, or the IPv6 loopback does not
//! exist here), which accepts exactly one redirect carrying *this* sign-in's `state`, shows a
//! plain page, and gives up on timeout or cancellation. Connections are read concurrently, so a
//! local process that connects and sends nothing cannot hold the real redirect up, and one that
//! sends a forged `error` without the state cannot abort the sign-in. It never logs the code.

use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::AuthError;

/// How many ephemeral ports to try for one free on both loopbacks.
const PORT_TRIES: usize = 20;

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
    /// Binds 127.0.0.1 and ::1 on one ephemeral port. `localhost` in the redirect URI may
    /// resolve to either, so a port whose ::1 side another process holds is never used; on a
    /// machine with no IPv6 loopback, 127.0.0.1 alone is what `localhost` can reach.
    pub async fn bind() -> Result<Self, AuthError> {
        let v6_exists = TcpListener::bind(("::1", 0)).await.is_ok();
        for _ in 0..PORT_TRIES {
            let v4 = TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| AuthError::Network(format!("cannot listen on 127.0.0.1: {e}")))?;
            let port = v4
                .local_addr()
                .map_err(|e| AuthError::Network(e.to_string()))?
                .port();
            if !v6_exists {
                return Ok(Self { v4, v6: None, port });
            }
            if let Ok(v6) = TcpListener::bind(("::1", port)).await {
                return Ok(Self {
                    v4,
                    v6: Some(v6),
                    port,
                });
            }
        }
        Err(AuthError::Network(
            "no port was free on both 127.0.0.1 and ::1 for the sign-in redirect".into(),
        ))
    }

    /// The redirect URI to register the request with: `http://localhost:PORT/` (Entra ignores
    /// the port when matching the registered `http://localhost`; its portal refuses
    /// `http://127.0.0.1`, and `[::1]` is not supported).
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }

    /// Both loopback addresses this listener holds (for tests and diagnostics).
    pub fn holds_ipv6(&self) -> bool {
        self.v6.is_some()
    }

    /// Waits for the one redirect whose `state` is `expected_state`. Anything else — a favicon,
    /// a request with another state or none, a forged `error` — gets its answer and the wait
    /// goes on.
    pub async fn wait(
        self,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Redirect, AuthError> {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut reading = FuturesUnordered::new();
        loop {
            tokio::select! {
                a = self.v4.accept() => {
                    if let Ok((socket, _)) = a {
                        reading.push(read_request(socket));
                    }
                }
                a = accept_opt(&self.v6) => {
                    if let Ok((socket, _)) = a {
                        reading.push(read_request(socket));
                    }
                }
                Some((mut socket, target)) = reading.next(), if !reading.is_empty() => {
                    let Some(target) = target else { continue };
                    if let Some(url) = self.answer(&mut socket, &target, expected_state).await {
                        return Ok(Redirect { url });
                    }
                }
                _ = &mut deadline => return Err(AuthError::TimedOut),
                _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            }
        }
    }

    /// Answers one request; the redirect's URL when it is this sign-in's.
    async fn answer(&self, socket: &mut TcpStream, target: &str, expected: &str) -> Option<Url> {
        let Ok(url) = Url::parse(&format!("http://localhost:{}{}", self.port, target)) else {
            respond(socket, 400, "Bad request").await;
            return None;
        };
        let state = url
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned());
        match state {
            Some(s) if s == expected => {}
            Some(_) => {
                respond(
                    socket,
                    400,
                    "This is not the sign-in Prestage is waiting for.",
                )
                .await;
                return None;
            }
            None => {
                respond(socket, 404, "Not found").await;
                return None;
            }
        }
        let failed = url.query_pairs().any(|(k, _)| k == "error");
        let page = if failed {
            "Prestage could not sign you in. Return to Prestage to see why; you can close this tab."
        } else {
            "Signed in to Prestage — you can close this tab."
        };
        respond(socket, 200, page).await;
        Some(url)
    }
}

async fn accept_opt(l: &Option<TcpListener>) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match l {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

async fn read_request(mut socket: TcpStream) -> (TcpStream, Option<String>) {
    let target = read_target(&mut socket).await;
    (socket, target)
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

/// The target of a `GET` request line, from the bytes a client sent. Pure, so the fuzz target
/// and its corpus replay exercise exactly what the listener runs.
pub fn request_target(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, path: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        out
    }

    #[tokio::test]
    async fn a_forged_error_a_silent_client_and_a_wrong_state_do_not_end_the_sign_in() {
        let loopback = Loopback::bind().await.unwrap();
        let port = loopback.port;
        let cancel = CancellationToken::new();
        let waiting = tokio::spawn(async move {
            loopback
                .wait("the-state", Duration::from_secs(20), &cancel)
                .await
        });
        // A local process connects and says nothing: it must not hold the redirect up.
        let _silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let forged = get(port, "/?error=access_denied").await;
        assert!(forged.starts_with("HTTP/1.1 404"), "{forged}");
        let wrong = get(port, "/?error=access_denied&state=guess").await;
        assert!(wrong.starts_with("HTTP/1.1 400"), "{wrong}");
        let started = std::time::Instant::now();
        let real = get(port, "/?code=c0de&state=the-state").await;
        assert!(real.starts_with("HTTP/1.1 200"), "{real}");
        assert!(started.elapsed() < Duration::from_secs(5), "served at once");
        let redirect = waiting.await.unwrap().unwrap();
        assert!(redirect
            .url
            .query_pairs()
            .any(|(k, v)| k == "code" && v == "c0de"));
    }

    #[tokio::test]
    async fn both_loopbacks_are_held_when_the_machine_has_ipv6() {
        let v6_exists = TcpListener::bind(("::1", 0)).await.is_ok();
        let loopback = Loopback::bind().await.unwrap();
        assert_eq!(loopback.holds_ipv6(), v6_exists);
    }

    #[test]
    fn request_lines_are_parsed_or_refused() {
        assert_eq!(
            request_target(b"GET /?code=1 HTTP/1.1\r\n").as_deref(),
            Some("/?code=1")
        );
        assert_eq!(request_target(b"POST / HTTP/1.1\r\n"), None);
        assert_eq!(request_target(b"GET http://evil/ HTTP/1.1\r\n"), None);
        assert_eq!(request_target(b"\xff\xfe"), None);
    }
}
