//! A raw-TCP stub that answers from a script, one connection per request, for the odd responses
//! the sandbox should not produce on demand (a dropped connection at a precise moment, an
//! HTTP-date Retry-After, a 401 then success). It records what arrived and when.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone)]
pub enum Reply {
    /// Status, extra headers, JSON body.
    Http(u16, Vec<(String, String)>, String),
    /// Read the request, then close the socket without answering.
    Drop,
}

pub fn ok(body: &str) -> Reply {
    Reply::Http(200, vec![], body.to_string())
}

pub fn status(code: u16, headers: &[(&str, &str)]) -> Reply {
    let body = format!(
        r#"{{"error":{{"code":"stub{code}","message":"stub","innerError":{{"request-id":"rid-{code}"}}}}}}"#
    );
    Reply::Http(
        code,
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body,
    )
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub at: Instant,
    pub authorization: String,
}

pub struct Stub {
    pub base: url::Url,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// Starts a stub answering `script` in order; the last reply repeats.
pub async fn start(script: Vec<Reply>) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(Mutex::new((script, 0usize)));
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let script = script.clone();
            let record = record.clone();
            tokio::spawn(async move {
                let Some(head) = read_request(&mut socket).await else {
                    return;
                };
                let mut lines = head.lines();
                let mut first = lines.next().unwrap_or("").split(' ');
                let method = first.next().unwrap_or("").to_string();
                let path = first.next().unwrap_or("").to_string();
                let authorization = lines
                    .filter_map(|l| l.split_once(':'))
                    .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                    .map(|(_, v)| v.trim().to_string())
                    .unwrap_or_default();
                record.lock().unwrap().push(Seen {
                    method,
                    path,
                    at: Instant::now(),
                    authorization,
                });
                let reply = {
                    let mut s = script.lock().unwrap();
                    let i = s.1.min(s.0.len() - 1);
                    s.1 += 1;
                    s.0[i].clone()
                };
                match reply {
                    Reply::Drop => drop(socket),
                    Reply::Http(code, headers, body) => {
                        let mut text = format!("HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
                        for (k, v) in headers {
                            text.push_str(&format!("{k}: {v}\r\n"));
                        }
                        text.push_str("\r\n");
                        text.push_str(&body);
                        let _ = socket.write_all(text.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                }
            });
        }
    });
    Stub {
        base: url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
        seen,
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(head);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
